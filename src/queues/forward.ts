/** Hands what an event changed to the Durable Objects that own each order and SKU. */
import type { CanonicalBatch } from "../canonical/model";
import type { AppliedBatch } from "../db/canonical-writes";
import type { RawEventRow } from "../db/raw-events";

export async function forwardToObjects(
  _env: Env,
  _raw: RawEventRow,
  _batch: CanonicalBatch,
  _applied: AppliedBatch,
  _now: number,
): Promise<void> {
  // Filled by the state-machine layer (OrderJourney, SkuStock).
}
