/** Stock sync pushes and inventory reorder decisions for SKUs whose stock just changed. */
import type { ActionSpec } from "../canonical/actions";
import type { FetchFn } from "../connectors/http";
import { readInventoryAvailable } from "../connectors/shopify-admin";
import { enqueueActions } from "../db/actions";
import { bundlesOf } from "../db/bundles";
import { loadSkuSupply, shopifyInventoryRef } from "../db/rule-inputs";
import type { StoredPolicy } from "../db/policies";
import type { SkuSupply } from "../decisions/context";
import { decideInventoryReorder } from "../decisions/rules";
import type { LedgerEffect } from "../durable-objects/sku-ledger";
import { commitDrafts } from "./commit";

/**
 * Each compare-and-set push a SKU ledger produced becomes one Shopify action. The key names the
 * ledger's push sequence, so a replayed event can never queue the same push twice.
 */
export async function pushStockEffects(env: Env, stock: { sku: string; effects: LedgerEffect[] }[], now: number): Promise<void> {
  for (const { sku, effects } of stock) {
    for (const e of effects) {
      if (e.kind !== "shopify_set") continue;
      const known = e.inventoryItemId && e.locationId ? null : await shopifyInventoryRef(env.DB, sku);
      const inventoryItemId = e.inventoryItemId ?? known?.inventoryItemId;
      // A push names its location; only before Shopify has reported any level for the SKU does the
      // one location D1 knows stand in (the ledger then has no other location to confuse it with).
      const locationId = e.locationId ?? known?.locationId;
      if (!inventoryItemId || !locationId) continue; // Shopify has never told us where this SKU lives: nothing to set
      const spec: ActionSpec = {
        kind: "shopify.inventory_set",
        connector: "shopify",
        params: { sku, inventoryItemId, locationId, quantity: e.quantity, compareQuantity: e.expected, reason: e.reason === "erp_rebase" ? "correction" : e.reason },
      };
      await enqueueActions(env, { decisionId: null, subjectType: "sku", subjectId: sku, specs: [spec], keyPrefix: `stock:${sku}:push:${e.seq}` }, now);
    }
  }
}

/** Reorder decisions for these SKUs. Kits are left out: they are never bought, their components are (and carry the kits' demand). */
export async function decideStockForSkus(env: Env, skus: readonly string[], stored: StoredPolicy, now: number): Promise<void> {
  const drafts = [];
  const kits = await bundlesOf(env.DB, skus);
  for (const sku of skus) {
    if (kits.has(sku)) continue;
    const supply = await loadSkuSupply(env.DB, sku, stored.policy);
    if (supply) drafts.push(decideInventoryReorder({ sku: supply }, stored.policy, now));
  }
  await commitDrafts(env, drafts, stored, now);
}

/**
 * Shopify refused a compare-and-set because its count moved (a sale, a manual edit). Read the
 * count Shopify really has, give it to the SKU's ledger, and queue the push it produces: the
 * retry compares against the new value instead of failing forever.
 */
export async function retryStaleInventorySet(
  env: Env,
  action: { id: string; params: { sku: string; inventoryItemId: string; locationId: string } },
  fetchFn: FetchFn,
  now: number,
): Promise<void> {
  const { sku, inventoryItemId, locationId } = action.params;
  const actual = await readInventoryAvailable(env, inventoryItemId, locationId, fetchFn);
  // Only the refused location is re-read and re-pushed; the others' counts are not in question.
  const effects = await env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku)).recordStaleCompare(`stale:${action.id}`, sku, actual, now, locationId);
  await pushStockEffects(env, [{ sku, effects }], now);
}
