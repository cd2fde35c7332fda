/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
 * 24(2)): while active a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
 * purchase they drop out with probability p ~ Beta(a, b). A customer is summarised by x (repeat
 * purchases), tₓ (time of the last purchase since the first) and T (time since the first purchase),
 * in any one time unit. Formulas and their numbering follow the paper and Hardie's note
 * "Implementing the BG/NBD model for customer base analysis in Excel".
 */
import { nelderMead } from "./optimise";
import { hyp2f1, lnGamma } from "./special";

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's recency–frequency summary: x repeat purchases, the last at tₓ, observed for T (same unit). */
export interface Rft {
  x: number;
  tx: number;
  T: number;
}

export interface BgnbdFit {
  params: BgnbdParams;
  logLikelihood: number;
  customers: number;
  iterations: number;
  /** A parameter ended at its bound: the data do not identify it (e.g. no drop-out at all). */
  atBound: boolean;
}

/** ln L for one customer (paper eq. 6, in its numerically stable log form). */
export function bgnbdCustomerLogLikelihood({ r, alpha, a, b }: BgnbdParams, { x, tx, T }: Rft): number {
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const a2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const m = Math.max(a3, a4);
  return a1 + a2 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m));
}

/** Total log-likelihood of a customer base. The Γ terms depend on x alone, so they are computed once per distinct x. */
export function bgnbdLogLikelihood(params: BgnbdParams, customers: readonly Rft[]): number {
  return weightedLogLikelihood(params, customers, null);
}

function weightedLogLikelihood({ r, alpha, a, b }: BgnbdParams, customers: readonly Rft[], weights: ArrayLike<number> | null): number {
  const byX = new Map<number, number>();
  const logA = Math.log(a);
  const rLogAlpha = r * Math.log(alpha);
  let ll = 0;
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    let g = byX.get(c.x);
    if (g === undefined) {
      g = lnGamma(r + c.x) - lnGamma(r) + lnGamma(a + b) + lnGamma(b + c.x) - lnGamma(b) - lnGamma(a + b + c.x) + rLogAlpha;
      byX.set(c.x, g);
    }
    const a3 = -(r + c.x) * Math.log(alpha + c.T);
    let term: number;
    if (c.x === 0) term = g + a3;
    else {
      const a4 = logA - Math.log(b + c.x - 1) - (r + c.x) * Math.log(alpha + c.tx);
      const m = Math.max(a3, a4);
      term = g + m + Math.log1p(Math.exp(Math.min(a3, a4) - m));
    }
    ll += weights ? weights[i]! * term : term;
  }
  return ll;
}

/** Customers with the same (x, tₓ, T) once each, with how many there are: whole-day data repeats a lot. */
function compress(customers: readonly Rft[]): { unique: Rft[]; weights: Float64Array } {
  const index = new Map<string, number>();
  const unique: Rft[] = [];
  const counts: number[] = [];
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const i = index.get(key);
    if (i === undefined) {
      index.set(key, unique.length);
      unique.push(c);
      counts.push(1);
    } else counts[i]!++;
  }
  return { unique, weights: Float64Array.from(counts) };
}

/**
 * Maximum-likelihood fit: Nelder–Mead on the log-parameters (so all four stay positive). Times are
 * first divided by their mean (α is a time scale, r, a, b are unit-free), every log-parameter is kept
 * within ±9 of that scale (data with no heterogeneity or no drop-out would otherwise drive the
 * parameters to infinity, and the hypergeometric series with them), and α is scaled back. Null when
 * there is nothing to fit (no customers, or no repeat purchase at all, where a and b are not identified).
 */
export function fitBgnbd(customers: readonly Rft[]): BgnbdFit | null {
  if (customers.length === 0 || !customers.some((c) => c.x > 0)) return null;
  const scale = customers.reduce((s, c) => s + c.T, 0) / customers.length || 1;
  const { unique, weights } = compress(customers);
  const scaled = unique.map((c) => ({ x: c.x, tx: c.tx / scale, T: c.T / scale }));
  const toParams = (v: readonly number[]): BgnbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const inBounds = (v: readonly number[]) => v.every((x) => Math.abs(x) <= LOG_BOUND);
  const result = nelderMead((v) => (inBounds(v) ? -weightedLogLikelihood(toParams(v), scaled, weights) : Infinity), [0, Math.log(0.1), 0, 0], { step: 0.5, tolerance: 1e-12, maxIterations: 5000 });
  const p = toParams(result.x);
  const params = { ...p, alpha: p.alpha * scale };
  return { params, logLikelihood: bgnbdLogLikelihood(params, customers), customers: customers.length, iterations: result.iterations, atBound: result.x.some((x) => Math.abs(x) > LOG_BOUND - 1e-3) };
}

/** Log-parameters (after scaling) stay within ±LOG_BOUND: e^9 ≈ 8,100 times either way. */
const LOG_BOUND = 9;

/** P(alive | x, tₓ, T) (Hardie's note, eq. 5): 1 for a customer with no repeat purchase yet. */
export function pAlive({ r, alpha, a, b }: BgnbdParams, { x, tx, T }: Rft): number {
  if (x === 0) return 1;
  const odds = (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx)));
  return 1 / (1 + odds);
}

/** E[X(t)]: expected repeat purchases in (0, t] for a customer chosen at random (paper eq. 7). */
export function expectedPurchases({ r, alpha, a, b }: BgnbdParams, t: number): number {
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * Math.log(alpha / (alpha + t))) * hyp2f1(r, b, a + b - 1, z));
}

/** E[Y(t) | x, tₓ, T]: expected purchases in the next t for this customer (paper eq. 10). */
export function conditionalExpectedPurchases({ r, alpha, a, b }: BgnbdParams, { x, tx, T }: Rft, t: number): number {
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const tail = 1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const denominator = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  return (head * tail) / denominator;
}
