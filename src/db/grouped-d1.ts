/**
 * A D1 binding whose calls can be held and sent together (src/pipeline/batch.ts decides when): every
 * `prepare().run/all/first` and every `batch` asks `hold` first; when it answers a promise, the call
 * waits for `sendHeld`, which sends all held calls in one `db.batch`. `raw()` (drizzle's reads, whose
 * array-of-arrays shape a batch cannot return) and everything else go straight to the database.
 */

export interface HeldD1Call {
  statements: D1PreparedStatement[];
  /** null: a `db.batch` (answers every result); else the single statement's method. */
  single: null | "run" | "all" | "first";
  column?: string;
}

/** Returns a promise to hold the call until `sendHeld`, or null to run it now. */
export type HoldD1 = (call: HeldD1Call) => Promise<unknown> | null;

export function groupedD1(db: D1Database, hold: HoldD1): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (prop === "run" || prop === "all") return () => hold({ statements: [target], single: prop }) ?? target[prop]();
        if (prop === "first") {
          return (column?: string) => hold({ statements: [target], single: "first", column }) ?? (column === undefined ? target.first() : target.first(column));
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const unwrapped = statements.map((s) => real.get(s) ?? s);
          return hold({ statements: unwrapped, single: null }) ?? target.batch(unwrapped);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** What one held call gets back: its answer, shaped as the method it called returns it, or its error. */
export type HeldResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Sends held calls in one round trip. A batch is one transaction, so if it fails, each call is sent
 * again on its own and only the one whose statement fails gets the error (the others' writes, rolled
 * back with the failed transaction, are applied by their own round trip).
 */
export async function sendHeld(db: D1Database, calls: readonly HeldD1Call[], count: (statements: number) => void = () => {}): Promise<HeldResult[]> {
  const all = calls.flatMap((c) => c.statements);
  count(all.length);
  let results: D1Result[];
  try {
    results = await db.batch(all);
  } catch (error) {
    if (calls.length === 1) return [{ ok: false, error }];
    return (await Promise.all(calls.map((c) => sendHeld(db, [c], count)))).map((r) => r[0]!);
  }
  let at = 0;
  return calls.map((c) => {
    const mine = results.slice(at, at + c.statements.length);
    at += c.statements.length;
    if (c.single === null) return { ok: true, value: mine };
    if (c.single !== "first") return { ok: true, value: mine[0] };
    const row = (mine[0]?.results[0] ?? null) as Record<string, unknown> | null;
    return { ok: true, value: c.column === undefined ? row : (row?.[c.column] ?? null) };
  });
}
