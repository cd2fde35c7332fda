/** The store's Shopify locations read from the Admin API (at setup and daily), so the mapping can name every one. */
import type { FetchFn } from "../connectors/http";
import { readShopifyLocations, shopifyAdminFromEnv } from "../connectors/shopify-admin";
import { upsertShopifyLocation } from "../db/locations";
import { logEvent } from "../lib/log";

/** Null without Shopify credentials; otherwise how many locations Shopify listed. */
export async function syncShopifyLocations(env: Env, now: number, fetchFn?: FetchFn): Promise<number | null> {
  const deps = shopifyAdminFromEnv(env, now, fetchFn);
  if (!deps) return null;
  const locations = await readShopifyLocations(deps);
  if ("error" in locations) throw new Error(`shopify locations read: ${"reason" in locations.error ? locations.error.reason : locations.error.kind}`);
  if (locations.length) await env.DB.batch(locations.map((l) => upsertShopifyLocation(env.DB, { ...l, updatedAt: now })));
  logEvent("shopify_locations_synced", { locations: locations.length });
  return locations.length;
}
