/**
 * Carrier reconciliation: parcels still moving whose last scan is older than expected are pulled
 * from the carrier's tracking API (Delhivery drops a push that fails twice; Shiprocket's webhook
 * can lag). Each response is stored as a raw event and ingested like a push, so nothing differs.
 */
import { TRACK_PULL } from "../canonical/mappers";
import { storeAndEnqueue } from "../db/raw-events";
import { logEvent } from "../lib/log";

export const PULL_AFTER_HOURS = 12;

interface Quiet {
  awb: string;
  source: string;
}

/** Moving parcels with no scan for PULL_AFTER_HOURS, and the platform their scans came from. */
export async function quietParcels(db: D1Database, now: number, limit = 100): Promise<Quiet[]> {
  const { results } = await db
    .prepare(
      `SELECT j.awb AS awb, (SELECT e.source FROM shipment_events e WHERE e.awb = j.awb AND e.source != 'shopify' ORDER BY e.occurred_at DESC LIMIT 1) AS source
       FROM journeys j WHERE j.awb IS NOT NULL AND j.state IN ('shipped', 'in_transit', 'out_for_delivery', 'failed_attempt', 'rto_initiated')
         AND j.last_scan_at <= ? ORDER BY j.last_scan_at LIMIT ?`,
    )
    .bind(now - PULL_AFTER_HOURS * 3_600_000, limit)
    .all<{ awb: string; source: string | null }>();
  return results.filter((r): r is Quiet => r.source === "shiprocket" || r.source === "delhivery");
}

function trackRequest(env: Env, q: Quiet): Request | null {
  if (q.source === "shiprocket" && env.SHIPROCKET_API_TOKEN) {
    return new Request(`https://apiv2.shiprocket.in/v1/external/courier/track/awb/${encodeURIComponent(q.awb)}`, { headers: { authorization: `Bearer ${env.SHIPROCKET_API_TOKEN}` } });
  }
  if (q.source === "delhivery" && env.DELHIVERY_API_TOKEN) {
    return new Request(`https://track.delhivery.com/api/v1/packages/json/?waybill=${encodeURIComponent(q.awb)}`, { headers: { authorization: `Token ${env.DELHIVERY_API_TOKEN}` } });
  }
  return null;
}

export async function pullQuietParcels(env: Env, now: number): Promise<{ pulled: number; failed: number }> {
  let pulled = 0;
  let failed = 0;
  for (const q of await quietParcels(env.DB, now)) {
    const req = trackRequest(env, q);
    if (!req) continue; // no credentials for that platform: nothing to pull from
    const res = await fetch(req).catch(() => null);
    if (!res?.ok) {
      failed++;
      continue;
    }
    const body = await res.text();
    // The delivery id is the response itself: an unchanged answer is stored (and processed) once.
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const stored = await storeAndEnqueue(env, { source: q.source, deliveryId: `pull:${q.awb}:${digest}`, topic: TRACK_PULL, triggeredAt: null, body, receivedAt: now });
    if (stored.inserted) pulled++;
  }
  if (pulled || failed) logEvent("carrier_pull", { pulled, failed });
  return { pulled, failed };
}
