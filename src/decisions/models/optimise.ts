/** Nelder–Mead simplex minimisation: derivative-free, enough for the 3–4 parameter likelihoods of the customer models. */

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
}

/**
 * Minimises `f` from `start` (Nelder & Mead 1965, standard coefficients 1, 2, ½, ½). Non-finite
 * values count as +∞, so a likelihood can refuse a point by returning NaN. Restarts once from the
 * best point found (a collapsed simplex is the classic failure), and stops when the simplex's
 * values agree within `tolerance` or its points within `xTolerance` (a simplex pressed against a
 * bound can keep shrinking without its values ever agreeing).
 */
export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], opts: { step?: number; tolerance?: number; xTolerance?: number; maxIterations?: number } = {}): MinimiseResult {
  const step = opts.step ?? 0.5;
  const tolerance = opts.tolerance ?? 1e-10;
  const maxIterations = opts.maxIterations ?? 4000;
  const xTolerance = opts.xTolerance ?? 1e-9;
  const value = (x: readonly number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = { x: [...start], value: value(start), iterations: 0 };
  for (let round = 0; round < 2; round++) {
    const r = simplexRun(value, best.x, step, tolerance, xTolerance, maxIterations);
    best = { x: r.x, value: r.value, iterations: best.iterations + r.iterations };
  }
  return best;
}

function simplexRun(value: (x: readonly number[]) => number, start: readonly number[], step: number, tolerance: number, xTolerance: number, maxIterations: number): MinimiseResult {
  const n = start.length;
  const points: number[][] = [[...start]];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] = p[i]! + step;
    points.push(p);
  }
  const values = points.map(value);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const sortedP = order.map((i) => points[i]!);
    const sortedV = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sortedP);
    values.splice(0, values.length, ...sortedV);
    if (Math.abs(values[n]! - values[0]!) <= tolerance * (Math.abs(values[0]!) + tolerance)) break;
    let spread = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(points[i]![j]! - points[0]![j]!));
    if (spread <= xTolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += points[i]![j]! / n;
    const worst = points[n]!;
    const along = (t: number) => centroid.map((c, j) => c + t * (c - worst[j]!));
    const reflected = along(1);
    const fr = value(reflected);
    if (fr < values[0]!) {
      const expanded = along(2);
      const fe = value(expanded);
      if (fe < fr) {
        points[n] = expanded;
        values[n] = fe;
      } else {
        points[n] = reflected;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]!) {
      points[n] = reflected;
      values[n] = fr;
    } else {
      const contracted = fr < values[n]! ? along(0.5) : along(-0.5);
      const fc = value(contracted);
      if (fc < Math.min(fr, values[n]!)) {
        points[n] = contracted;
        values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          points[i] = points[i]!.map((x, j) => points[0]![j]! + 0.5 * (x - points[0]![j]!));
          values[i] = value(points[i]!);
        }
      }
    }
  }
  let b = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[b]!) b = i;
  return { x: points[b]!, value: values[b]!, iterations };
}
