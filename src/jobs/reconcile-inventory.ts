/**
 * Inventory-level reconciliation (every 5 minutes): for the next slice of SKUs that have a
 * Shopify inventory item, every location's `available` is read through the Shopify credential and
 * each level that differs from (or is missing in) D1's inventory_records is stored as an
 * `inventory_levels/update` raw event and ingested by the webhook's own mapper. The slice is
 * bounded (one Admin API call, two D1 reads and at most MAX_LEVELS_PER_RUN raw events per run) and
 * the next run resumes after the last SKU checked (kv `reconcile_cursor:shopify:inventory`); at the
 * end of the catalogue it starts again from the first SKU.
 */
import { graphqlInventoryLevelsToRest, INVENTORY_LEVELS_QUERY } from "../canonical/mappers/shopify-graphql";
import { shopifyAdminConfigured, shopifyAdminGraphql } from "../connectors/shopify-admin";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { shopifyInventoryItemsAfter, shopifyLevelsHeld } from "../db/reconcile-reads";
import { logEvent } from "../lib/log";

/** Inventory items per Admin API call (10 × 25 locations stays under the single-query cost ceiling). */
export const ITEMS_PER_RUN = 10;
/** Raw events one run may store (each is a D1 write and a queue send): the rest waits for the next run. */
export const MAX_LEVELS_PER_RUN = 100;

export interface InventoryReconcileResult {
  items: number;
  levels: number;
  ingested: number;
  /** Items whose levels ran past one page (more than 25 locations): the rest is not compared. */
  truncated: number;
  /** The SKU the next run starts after ("" = from the first). */
  next: string;
}

export async function reconcileShopifyInventory(env: Env, now: number, limits = { items: ITEMS_PER_RUN, maxLevels: MAX_LEVELS_PER_RUN }): Promise<InventoryReconcileResult | null> {
  if (!shopifyAdminConfigured(env)) {
    logEvent("reconcile_shopify_inventory_skipped", { reason: "no Shopify Admin credentials" });
    return null;
  }
  const cursorKey = kvKeys.reconcileCursor("shopify", "inventory");
  const after = (await kvGet(env.DB, cursorKey)) ?? "";
  const items = await shopifyInventoryItemsAfter(env.DB, after, limits.items);
  if (!items.length) {
    if (after !== "") await kvPut(env.DB, cursorKey, "", now);
    return { items: 0, levels: 0, ingested: 0, truncated: 0, next: "" };
  }
  type Data = { nodes: unknown[] };
  const data = await shopifyAdminGraphql<Data>(env, INVENTORY_LEVELS_QUERY, { ids: items.map((i) => `gid://shopify/InventoryItem/${i.inventoryItemId}`) });
  const held = await shopifyLevelsHeld(env.DB, items.map((i) => i.inventoryItemId));
  const fallback = new Date(now).toISOString();
  const byItem = new Map<string, ReturnType<typeof graphqlInventoryLevelsToRest>>();
  // `nodes` answers null for an id Shopify no longer has (a deleted variant).
  for (const node of data.nodes) {
    if (!node) continue;
    const mapped = graphqlInventoryLevelsToRest(node, fallback);
    byItem.set(mapped.inventoryItemId, mapped);
  }
  let checked = 0;
  let levels = 0;
  let ingested = 0;
  let truncated = 0;
  let next = after;
  for (const item of items) {
    const mapped = byItem.get(item.inventoryItemId);
    const differing = (mapped?.levels ?? []).filter((l) => held.get(`${l.inventory_item_id}@${l.location_id}`) !== l.available);
    // Stop before an item whose levels would overrun the budget (unless it is the first: progress is always made).
    if (ingested > 0 && ingested + differing.length > limits.maxLevels) break;
    levels += mapped?.levels.length ?? 0;
    if (mapped?.truncated) truncated += 1;
    for (const level of differing) {
      const stored = await storeAndEnqueue(env, {
        source: "shopify",
        deliveryId: `reconcile:inventory:${level.inventory_item_id}@${level.location_id}:${level.updated_at}:${level.available}`,
        topic: "inventory_levels/update",
        triggeredAt: Date.parse(level.updated_at),
        body: JSON.stringify(level),
        receivedAt: now,
      });
      if (stored.inserted) ingested += 1;
    }
    next = item.sku;
    checked += 1;
  }
  // A short slice was the end of the catalogue: the next run starts over.
  if (items.length < limits.items && next === items[items.length - 1]!.sku) next = "";
  await kvPut(env.DB, cursorKey, next, now);
  if (truncated) logEvent("reconcile_shopify_inventory_truncated", { items: truncated });
  const result = { items: checked, levels, ingested, truncated, next };
  logEvent("reconcile_shopify_inventory", { items: result.items, levels, ingested });
  return result;
}
