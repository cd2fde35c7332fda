/** Stock sync pushes and inventory reorder decisions for SKUs whose stock just changed. */
import type { ActionSpec } from "../actions/specs";
import { enqueueActions } from "../db/actions";
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
      const inventoryItemId = e.inventoryItemId ?? (await env.DB.prepare(`SELECT inventory_item_id AS id FROM products WHERE sku = ?`).bind(sku).first<{ id: string | null }>())?.id;
      const locationId = e.locationId ?? (await env.DB.prepare(`SELECT location_id AS id FROM inventory_records WHERE sku = ? AND source = 'shopify' LIMIT 1`).bind(sku).first<{ id: string }>())?.id;
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

export async function loadSkuSupply(db: D1Database, sku: string, policy: StoredPolicy["policy"]): Promise<SkuSupply | null> {
  const r = await db
    .prepare(
      `SELECT s.sku, s.available, s.daily_demand_milli AS sellThroughMilli, p.title, p.product_id AS productId,
              st.lead_time_days AS settingsLead, st.reorder_point AS settingsReorder, st.safety_stock AS safetyStock, st.pack_size AS packSize,
              f.mean_daily_milli AS forecastMilli, f.method, f.daily_demand AS forecastDaily, f.cumulative_sigma AS cumulativeSigma,
              (SELECT max(lead_time_days) FROM inventory_records i WHERE i.sku = s.sku AND i.source != 'shopify') AS erpLead,
              (SELECT max(reorder_point) FROM inventory_records i WHERE i.sku = s.sku AND i.source != 'shopify') AS erpReorder
       FROM sku_stock s LEFT JOIN products p ON p.sku = s.sku LEFT JOIN sku_settings st ON st.sku = s.sku LEFT JOIN sku_forecasts f ON f.sku = s.sku
       WHERE s.sku = ?`,
    )
    .bind(sku)
    .first<Record<string, number | string | null>>();
  if (!r) return null;
  const { results: pos } = await db
    .prepare(`SELECT status, lines, updated_at AS updatedAt FROM purchase_orders WHERE instr(lines, ?) > 0`)
    .bind(`"${sku}"`)
    .all<{ status: string; lines: string; updatedAt: number }>();
  let openPoQuantity = 0;
  let lastReceiptAt: number | null = null;
  for (const po of pos) {
    const qty = (JSON.parse(po.lines) as { sku: string; quantity: number }[]).filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
    if (["received", "billed", "closed"].includes(po.status.toLowerCase())) lastReceiptAt = Math.max(lastReceiptAt ?? 0, po.updatedAt);
    else if (po.status.toLowerCase() !== "cancelled") openPoQuantity += qty;
  }
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  // Supply settings: the ERP's where it carries them, else per-SKU settings, else policy defaults (in the rule).
  return {
    sku,
    title: String(r.title ?? sku),
    productId: (r.productId as string | null) ?? null,
    available: Number(r.available),
    reorderPoint: num(r.erpReorder) ?? num(r.settingsReorder),
    leadTimeDays: num(r.erpLead) ?? num(r.settingsLead),
    safetyDays: null,
    packSize: num(r.packSize),
    openPoQuantity,
    dailyDemand: (num(r.forecastMilli) ?? num(r.sellThroughMilli) ?? 0) / 1000,
    demandForecast: r.cumulativeSigma && r.forecastDaily ? { dailyDemand: JSON.parse(String(r.forecastDaily)) as number[], cumulativeSigma: JSON.parse(String(r.cumulativeSigma)) as number[] } : null,
    forecastMethod: (r.method as string | null) ?? (r.sellThroughMilli ? "sell-through (28 days)" : null),
    lastReceiptAt,
  };
}

export async function decideStockForSkus(env: Env, skus: readonly string[], stored: StoredPolicy, now: number): Promise<void> {
  const drafts = [];
  for (const sku of skus) {
    const supply = await loadSkuSupply(env.DB, sku, stored.policy);
    if (supply) drafts.push(decideInventoryReorder({ sku: supply }, stored.policy, now));
  }
  await commitDrafts(env, drafts, stored, now);
}

const AVAILABLE_QUERY = `query Available($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
}`;

/**
 * Shopify refused a compare-and-set because its count moved (a sale, a manual edit). Read the
 * count Shopify really has, give it to the SKU's ledger, and queue the push it produces: the
 * retry compares against the new value instead of failing forever.
 */
export async function retryStaleInventorySet(
  env: Env,
  action: { id: string; params: { sku: string; inventoryItemId: string; locationId: string } },
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  now: number,
): Promise<void> {
  const { sku, inventoryItemId, locationId } = action.params;
  const res = await fetchFn(`https://${env.SHOPIFY_SHOP_DOMAIN}/admin/api/${env.SHOPIFY_API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": env.SHOPIFY_ADMIN_TOKEN },
    body: JSON.stringify({ query: AVAILABLE_QUERY, variables: { item: `gid://shopify/InventoryItem/${inventoryItemId}`, location: `gid://shopify/Location/${locationId}` } }),
  });
  if (!res.ok) throw new Error(`shopify inventory read ${res.status}`);
  const body = (await res.json()) as { data?: { inventoryItem?: { inventoryLevel?: { quantities?: { name: string; quantity: number }[] } | null } | null } };
  const actual = body.data?.inventoryItem?.inventoryLevel?.quantities?.find((q) => q.name === "available")?.quantity;
  if (typeof actual !== "number") throw new Error("shopify inventory read: no available quantity");
  const effects = await env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku)).recordStaleCompare(`stale:${action.id}`, sku, actual, now);
  await pushStockEffects(env, [{ sku, effects }], now);
}
