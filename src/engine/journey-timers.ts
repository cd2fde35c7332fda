/** What happens when an order's timer comes due: the decision layer's entry point for time-based rules. */
import type { JourneySnapshot } from "../durable-objects/journey-machine";

export interface JourneyTimer {
  orderId: string;
  kind: "stall" | "cod_timeout" | "post_delivery";
  key: string;
  dueAt: number;
  snapshot: JourneySnapshot;
}

/**
 * Records that the timer fired (once per timer key) so the effect is visible and idempotent.
 * The decision layer turns each into a decision (delay alert, COD hold, post-delivery step).
 */
export async function onJourneyTimer(env: Env, timer: JourneyTimer, now: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
  )
    .bind(`timer:${timer.orderId}:${timer.key}`, JSON.stringify({ kind: timer.kind, dueAt: timer.dueAt }), now)
    .run();
}
