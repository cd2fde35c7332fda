/**
 * Carrier reconciliation: parcels still moving whose last scan is older than expected are pulled
 * from the carrier's tracking API (Delhivery drops a push that fails twice; Shiprocket's webhook
 * can lag). Each response is stored as a raw event and ingested like a push, so nothing differs.
 */
import { TRACK_PULL } from "../canonical/mappers";
import { trackParcel } from "../connectors/carriers";
import { configFromEnv } from "../connectors/config";
import { credentialClient } from "../connectors/credentials";
import { quietParcels } from "../db/journeys";
import { storeAndEnqueue } from "../db/raw-events";
import { sha256Hex } from "../lib/crypto";
import { HOUR_MS } from "../lib/time";
import { logEvent } from "../lib/log";

export const PULL_AFTER_HOURS = 12;

export async function pullQuietParcels(env: Env, now: number): Promise<{ pulled: number; failed: number }> {
  let pulled = 0;
  let failed = 0;
  const deps = { config: configFromEnv(env), credentials: credentialClient(env.CREDENTIAL, { now: () => now }), fetch: (u: string, i: RequestInit) => fetch(u, i) };
  for (const q of await quietParcels(env.DB, now - PULL_AFTER_HOURS * HOUR_MS)) {
    const pull = await trackParcel(deps, q.source, q.awb);
    if (!pull) continue; // no credentials for that platform: nothing to pull from
    if (!pull.ok) {
      failed++;
      continue;
    }
    // The delivery id is the response itself: an unchanged answer is stored (and processed) once.
    const stored = await storeAndEnqueue(env, { source: q.source, deliveryId: `pull:${q.awb}:${await sha256Hex(pull.body)}`, topic: TRACK_PULL, triggeredAt: null, body: pull.body, receivedAt: now });
    if (stored.inserted) pulled++;
  }
  if (pulled || failed) logEvent("carrier_pull", { pulled, failed });
  return { pulled, failed };
}
