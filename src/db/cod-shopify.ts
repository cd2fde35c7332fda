/** Reads the COD-in-Shopify rules need (issue 19): an order's Shopify statuses, a customer's RTO orders. */
import type { ShopifyOrderState } from "../decisions/rules/cod-shopify";

export async function shopifyOrderState(db: D1Database, orderId: string): Promise<ShopifyOrderState> {
  const row = await db
    .prepare(`SELECT fulfillment_status AS fulfillmentStatus, financial_status AS financialStatus FROM orders WHERE id = ?`)
    .bind(orderId)
    .first<ShopifyOrderState>();
  return { fulfillmentStatus: row?.fulfillmentStatus ?? null, financialStatus: row?.financialStatus ?? null };
}

/** The customer's orders whose journey ended (or is ending) in an RTO: rto_initiated or rto_delivered. */
export async function customerRtoOrders(db: D1Database, customerId: string): Promise<{ orders: number; names: string[] }> {
  const { results } = await db
    .prepare(
      `SELECT o.name FROM orders o JOIN journeys j ON j.order_id = o.id
       WHERE o.customer_id = ? AND j.state IN ('rto_initiated', 'rto_delivered') ORDER BY o.created_at LIMIT 50`,
    )
    .bind(customerId)
    .all<{ name: string }>();
  return { orders: results.length, names: results.map((r) => r.name) };
}
