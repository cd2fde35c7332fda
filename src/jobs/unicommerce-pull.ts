/**
 * The scheduled Unicommerce stock pull (every 5 minutes): per configured facility, the SKUs whose
 * stock changed since the last successful pull (`updatedSinceInMinutes`, with a minute of overlap),
 * stored as a raw event and ingested exactly like a pushed `/webhooks/unicommerce` snapshot, so a
 * brand on Unicommerce needs nothing outside Switchyard.
 */
import { topicWithReceivedAt } from "../canonical/normalise";
import { configFromEnv, type ConnectorConfig } from "../connectors/config";
import { credentialClient, type CredentialClient } from "../connectors/credentials";
import type { FetchFn } from "../connectors/http";
import { fetchInventorySnapshot, MAX_UPDATED_SINCE_MINUTES } from "../connectors/unicommerce";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { sha256Hex } from "../lib/crypto";
import { logEvent } from "../lib/log";

export interface PullDeps {
  config?: ConnectorConfig;
  credentials?: CredentialClient;
  fetch?: FetchFn;
}

export interface FacilityPull {
  facility: string;
  ok: boolean;
  skus: number;
  rawEventId: string | null;
  updatedSinceInMinutes: number;
  reason?: string;
}


/** Minutes to ask for: since the last good pull plus one of overlap; a first pull takes the full day allowed. */
export function updatedSinceMinutes(lastPullAt: number | null, now: number): number {
  if (lastPullAt === null) return MAX_UPDATED_SINCE_MINUTES;
  return Math.max(1, Math.min(MAX_UPDATED_SINCE_MINUTES, Math.ceil((now - lastPullAt) / 60_000) + 1));
}

export async function pullUnicommerceStock(env: Env, now: number, deps: PullDeps = {}): Promise<FacilityPull[]> {
  const config = (deps.config ?? configFromEnv(env)).unicommerce;
  if (!config || !config.facilities.length) return [];
  const pullDeps = { config, credentials: deps.credentials ?? credentialClient(env.CREDENTIAL, { now: () => now }), fetch: deps.fetch ?? ((u: string, i: RequestInit) => fetch(u, i)), now };
  const out: FacilityPull[] = [];
  for (const facility of config.facilities) {
    const last = await kvGet(env.DB, kvKeys.unicommercePull(facility));
    const minutes = updatedSinceMinutes(last === null ? null : Number(last), now);
    const r = await fetchInventorySnapshot(pullDeps, facility, minutes);
    if (!r.ok) {
      const reason = "reason" in r.outcome ? r.outcome.reason : r.outcome.kind;
      logEvent("unicommerce_pull_failed", { facility, outcome: r.outcome.kind });
      out.push({ facility, ok: false, skus: 0, rawEventId: null, updatedSinceInMinutes: minutes, reason });
      continue; // the watermark stays: the next pull asks for the longer window
    }
    const snapshots = Array.isArray(r.body.inventorySnapshots) ? r.body.inventorySnapshots : [];
    let rawEventId: string | null = null;
    if (snapshots.length) {
      // The snapshot names no facility (the request header did): it is added so the mapper files the stock under it.
      const body = JSON.stringify({ ...r.body, facility });
      const stored = await storeAndEnqueue(env, {
        source: "unicommerce",
        deliveryId: `pull:${facility}:${await sha256Hex(body)}:${now}`,
        topic: topicWithReceivedAt("inventory_snapshot", now),
        triggeredAt: null,
        body,
        receivedAt: now,
      });
      rawEventId = stored.id;
    }
    await kvPut(env.DB, kvKeys.unicommercePull(facility), String(now), now);
    out.push({ facility, ok: true, skus: snapshots.length, rawEventId, updatedSinceInMinutes: minutes });
  }
  if (out.length) logEvent("unicommerce_pull", { facilities: out.length, skus: out.reduce((n, f) => n + f.skus, 0) });
  return out;
}
