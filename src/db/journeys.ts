/** The D1 journey read model (`journeys`), written by each OrderJourney object from its own fold. */
import type { JourneyRow as JourneyReadRow } from "./dashboard-read";

/** What the `journeys` row holds of an OrderJourney fold (the object passes its snapshot). */
export type JourneyRow = Omit<JourneyReadRow, "stalled" | "codPending" | "updatedAt">;

export async function upsertJourneyReadModel(db: D1Database, orderId: string, s: JourneyRow, stalled: boolean, now: number): Promise<void> {
  await journeyReadModelStatement(db, orderId, s, stalled, now).run();
}

/** The `journeys` upsert as a statement, so a whole batch's journeys go in one `db.batch`. */
export function journeyReadModelStatement(db: D1Database, orderId: string, s: JourneyRow, stalled: boolean, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO journeys (order_id, state, state_at, last_scan_at, last_scan_location, awb, carrier, eta, stalled, failed_attempts, cod_pending, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, state_at = excluded.state_at, last_scan_at = excluded.last_scan_at,
         last_scan_location = excluded.last_scan_location, awb = excluded.awb, carrier = excluded.carrier, eta = excluded.eta,
         stalled = excluded.stalled, failed_attempts = excluded.failed_attempts, cod_pending = excluded.cod_pending, updated_at = excluded.updated_at`,
    )
    .bind(orderId, s.state, s.stateAt, s.lastScanAt, s.lastScanLocation, s.awb, s.carrier, s.eta, stalled ? 1 : 0, s.failedAttempts, s.state === "cod_confirmation_pending" ? 1 : 0, now);
}

/** Parcels still with the carrier whose last scan is at or before `quietSince`, and the platform their scans came from. */
export async function quietParcels(db: D1Database, quietSince: number, limit = 100): Promise<{ awb: string; source: "shiprocket" | "delhivery" }[]> {
  const { results } = await db
    .prepare(
      `SELECT j.awb AS awb, (SELECT e.source FROM shipment_events e WHERE e.awb = j.awb AND e.source != 'shopify' ORDER BY e.occurred_at DESC LIMIT 1) AS source
       FROM journeys j WHERE j.awb IS NOT NULL AND j.state IN ('shipped', 'in_transit', 'out_for_delivery', 'failed_attempt', 'rto_initiated')
         AND j.last_scan_at <= ? ORDER BY j.last_scan_at LIMIT ?`,
    )
    .bind(quietSince, limit)
    .all<{ awb: string; source: string | null }>();
  return results.filter((r): r is { awb: string; source: "shiprocket" | "delhivery" } => r.source === "shiprocket" || r.source === "delhivery");
}
