/** Counting one piece of work with the bench's instrumentation (src/lib/metrics.ts) in the runtime tests. */
import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "cloudflare:workers";
import { meterD1, meterEnv, newMeter, type Meter } from "../../src/lib/metrics";

const mine = new AsyncLocalStorage<Meter>();

/**
 * Runs `work` on a metered env and counts into `meter` only what `work` itself sends: the D1 hook sits
 * on the shared binding, and the real queues' consumers (the outbox, the timers) share it in the
 * background. Afterwards the hook points at a meter nobody reads.
 */
export async function counted(meter: Meter, work: (env: Env) => Promise<void>): Promise<void> {
  try {
    await mine.run(meter, () => work(meterEnv(env, () => { const m = mine.getStore(); return m ? [m] : []; })));
  } finally {
    meterD1(env.DB, newMeter());
  }
}
