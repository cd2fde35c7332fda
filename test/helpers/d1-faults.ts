/** Faults injected into the real D1 binding, the way D1 fails: a batch is one transaction. */
import { env } from "cloudflare:workers";

/** Real D1, except that a `db.batch` carrying a statement bound to `poison()` fails as a whole, as a transaction does. */
export function poisonedBatchEnv(poison: () => string | null): Env {
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const bad = poison();
          const hit = bad !== null && statements.some((s) => ((s as unknown as { params?: unknown[] }).params ?? []).includes(bad));
          return hit ? Promise.reject(new Error("injected D1 failure")) : target.batch(statements);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { ...env, DB: db } as Env;
}
