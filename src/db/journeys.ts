/** The D1 journey read model (`journeys`), written by each OrderJourney object from its own fold. */
import type { JourneySnapshot } from "../durable-objects/journey-machine";

export async function upsertJourneyReadModel(db: D1Database, orderId: string, s: JourneySnapshot, stalled: boolean, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO journeys (order_id, state, state_at, last_scan_at, last_scan_location, awb, carrier, eta, stalled, failed_attempts, cod_pending, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, state_at = excluded.state_at, last_scan_at = excluded.last_scan_at,
         last_scan_location = excluded.last_scan_location, awb = excluded.awb, carrier = excluded.carrier, eta = excluded.eta,
         stalled = excluded.stalled, failed_attempts = excluded.failed_attempts, cod_pending = excluded.cod_pending, updated_at = excluded.updated_at`,
    )
    .bind(orderId, s.state, s.stateAt, s.lastScanAt, s.lastScanLocation, s.awb, s.carrier, s.eta, stalled ? 1 : 0, s.failedAttempts, s.state === "cod_confirmation_pending" ? 1 : 0, now)
    .run();
}
