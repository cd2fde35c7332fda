/** Hourly: carrier × origin × destination delay and RTO rates from the shipment log, then route alerts. */
import { runBatches } from "../db/bulk";
import { shipmentRows } from "../db/history";
import { upsertRouteStat } from "../db/models";
import { replaceDestinationRto } from "../db/cod-risk";
import { destinationRows } from "../decisions/cod-risk-history";
import type { StoredPolicy } from "../db/policies";
import { originOf } from "../db/rule-inputs";
import { computeRouteStats, type ShipmentSummary } from "../decisions/models/routes";
import { decideCarrierRouteAlerts } from "../decisions/rules";
import { DAY_MS } from "../lib/time";
import { commitDrafts } from "../pipeline/commit";

/** Per-AWB shipment summaries for the route model, from the shipment event log. */
export async function shipmentSummaries(db: D1Database, since: number): Promise<ShipmentSummary[]> {
  return (await shipmentRows(db, since))
    .filter((r) => r.shippedAt !== null && r.pincode)
    .map((r) => ({
      carrier: r.carrier,
      origin: originOf(r.firstLocation),
      destPincode: r.pincode!,
      shippedAt: r.shippedAt!,
      deliveredAt: r.deliveredAt,
      promisedAt: r.promisedAt,
      rto: r.rto === 1,
    }));
}

export async function refreshRouteStats(env: Env, stored: StoredPolicy, now: number): Promise<void> {
  const shipments = await shipmentSummaries(env.DB, now - 8 * 7 * DAY_MS);
  const routes = computeRouteStats(shipments, now);
  await runBatches(env.DB, routes.map((r) => upsertRouteStat(env.DB, r, now)));
  // The COD risk score's destination RTO counts, replaced in one batch (one transaction) so a scorer never sees half.
  await runBatches(env.DB, replaceDestinationRto(env.DB, destinationRows(shipments), now), 1000);
  await commitDrafts(env, decideCarrierRouteAlerts({ routes }, stored.policy, now), stored, now);
}
