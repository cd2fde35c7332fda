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
