/** What the connectors look up or keep between calls: fulfillment ids by AWB, ERP item ids, the WhatsApp service window, Zoho's per-minute budget, multi-step progress. */
import { kvGet, kvIncrement, kvKeys, kvPut, kvPutStatement } from "./kv";

/**
 * Where fulfilment ids live: kv `shopify_fulfillment:<awb>` → Shopify fulfillment id, written by
 * the ingest path from fulfillments/create|update (`rememberFulfillment`). Scans that came from
 * Shopify itself carry `fulfillment:<id>` as their AWB.
 */
export async function findFulfillmentId(db: D1Database, awb: string): Promise<string | null> {
  if (awb.startsWith("fulfillment:")) return awb.slice("fulfillment:".length);
  return kvGet(db, kvKeys.shopifyFulfillment(awb));
}

export function rememberFulfillment(db: D1Database, awb: string, fulfillmentId: string, now: number): D1PreparedStatement {
  return kvPutStatement(db, kvKeys.shopifyFulfillment(awb), fulfillmentId, now);
}

/** Zoho item id per SKU (from Zoho's own item webhooks), for up to 90 SKUs. */
export async function zohoItemIds(db: D1Database, skus: readonly string[]): Promise<Record<string, string>> {
  if (!skus.length) return {};
  const unique = [...new Set(skus)].slice(0, 90);
  const { results } = await db
    .prepare(`SELECT DISTINCT sku, source_id AS itemId FROM inventory_records WHERE source = 'zoho-inventory' AND sku IN (${unique.map(() => "?").join(", ")})`)
    .bind(...unique)
    .all<{ sku: string; itemId: string }>();
  return Object.fromEntries(results.map((r) => [r.sku, r.itemId]));
}

/**
 * The Zoho sales order Switchyard created for a Shopify order (its `zoho.sales_order` action's
 * document id) and, from Zoho's answer, each item's line id; null when none was sent.
 */
export async function zohoSalesOrderOf(db: D1Database, orderId: string): Promise<{ id: string; lineItemIds: Record<string, string> } | null> {
  const row = await db
    .prepare(`SELECT external_id AS id, response FROM actions WHERE kind = 'zoho.sales_order' AND subject_id = ? AND external_id IS NOT NULL ORDER BY created_at DESC LIMIT 1`)
    .bind(orderId)
    .first<{ id: string; response: string | null }>();
  if (!row) return null;
  const lineItemIds: Record<string, string> = {};
  try {
    const lines = (JSON.parse(row.response ?? "null") as { salesorder?: { line_items?: { item_id?: unknown; line_item_id?: unknown }[] } } | null)?.salesorder?.line_items ?? [];
    for (const l of lines) if (l.item_id !== undefined && l.line_item_id !== undefined) lineItemIds[String(l.item_id)] = String(l.line_item_id);
  } catch {
    // An unreadable stored answer leaves the lines to Zoho to match by item.
  }
  return { id: row.id, lineItemIds };
}

/** Counts one Zoho request in the current clock minute; returns the minute's count so far. */
export function countZohoRequest(db: D1Database, minute: number, now: number): Promise<number> {
  return kvIncrement(db, kvKeys.zohoMinute(minute), now);
}

/** Time of the last inbound WhatsApp message from this phone (stored with or without the leading +). */
export async function lastInboundAt(db: D1Database, phone: string): Promise<number | null> {
  const bare = phone.replace(/^\+/, "");
  const row = await db
    .prepare(`SELECT max(occurred_at) AS at FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound' AND phone IN (?, ?)`)
    .bind(`+${bare}`, bare)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}

/** How many requests of a multi-step action have been sent (so a retry resumes after them). */
export async function actionStepsDone(db: D1Database, actionId: string): Promise<number> {
  return Number((await kvGet(db, kvKeys.actionSteps(actionId))) ?? 0);
}

export async function recordActionStepsDone(db: D1Database, actionId: string, done: number, now: number): Promise<void> {
  await kvPut(db, kvKeys.actionSteps(actionId), String(done), now);
}
