/** What the models learn from: the shipment log per AWB, orders per customer, daily units per SKU, tagged tickets. */
import { DAY_MS } from "../lib/time";
import { slices } from "./bulk";

export interface ShipmentRow {
  awb: string;
  carrier: string;
  pincode: string | null;
  shippedAt: number | null;
  deliveredAt: number | null;
  rto: number;
  promisedAt: number | null;
  firstLocation: string | null;
}

/** One row per AWB since `since`: when it left, arrived, was promised, and whether it came back. */
export async function shipmentRows(db: D1Database, since: number): Promise<ShipmentRow[]> {
  const { results } = await db
    .prepare(
      `SELECT e.awb, e.carrier, o.shipping_pincode AS pincode,
              min(CASE WHEN e.status IN ('picked_up', 'in_transit') THEN e.occurred_at END) AS shippedAt,
              min(CASE WHEN e.status = 'delivered' AND e.is_return = 0 THEN e.occurred_at END) AS deliveredAt,
              max(CASE WHEN e.status IN ('rto_initiated', 'rto_delivered') OR e.is_return = 1 THEN 1 ELSE 0 END) AS rto,
              (SELECT eta FROM shipment_events x WHERE x.awb = e.awb AND x.eta IS NOT NULL ORDER BY x.occurred_at LIMIT 1) AS promisedAt,
              (SELECT location FROM shipment_events x WHERE x.awb = e.awb AND x.location IS NOT NULL ORDER BY x.occurred_at LIMIT 1) AS firstLocation
       FROM shipment_events e JOIN orders o ON o.id = e.order_id
       WHERE e.occurred_at >= ? AND e.carrier != 'shopify' GROUP BY e.awb, e.carrier, o.shipping_pincode`,
    )
    .bind(since)
    .all<ShipmentRow>();
  return results;
}

/** SKU → product category (Shopify product_type), for every known product. */
export async function productCategories(db: D1Database): Promise<Map<string, string | null>> {
  const categories = new Map<string, string | null>();
  for (const p of (await db.prepare(`SELECT sku, category FROM products`).all<{ sku: string; category: string | null }>()).results) categories.set(p.sku, p.category);
  return categories;
}

export interface CustomerRow {
  id: string;
  totalSpent: number | null;
  ordersCount: number | null;
  updatedAt: number;
  createdAt: number | null;
}

/** A page of customers (not redacted) after `after`, by id. */
export async function customerPage(db: D1Database, after: string, limit: number): Promise<CustomerRow[]> {
  const { results } = await db
    .prepare(`SELECT id, total_spent AS totalSpent, orders_count AS ordersCount, updated_at AS updatedAt, created_at AS createdAt FROM customers WHERE id > ? AND redacted_at IS NULL ORDER BY id LIMIT ?`)
    .bind(after, limit)
    .all<CustomerRow>();
  return results;
}

export interface CustomerOrderRow {
  id: string;
  customerId: string;
  createdAt: number;
  totalPrice: number;
  cancelledAt: number | null;
  lineItems: string;
}

/** Every order of the given customers, a statement per 90 ids. */
export async function ordersOfCustomers(db: D1Database, ids: readonly string[]): Promise<CustomerOrderRow[]> {
  const rows: CustomerOrderRow[] = [];
  for (const chunk of slices(ids)) {
    const { results } = await db
      .prepare(`SELECT id, customer_id AS customerId, created_at AS createdAt, total_price AS totalPrice, cancelled_at AS cancelledAt, line_items AS lineItems FROM orders WHERE customer_id IN (${chunk.map(() => "?").join(", ")})`)
      .bind(...chunk)
      .all<CustomerOrderRow>();
    rows.push(...results);
  }
  return rows;
}

/** Units sold per SKU per day since `start` (day 0 = `start`), cancelled orders left out. */
export async function dailyUnitsBySku(db: D1Database, start: number): Promise<{ sku: string; day: number; units: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT json_extract(li.value, '$.sku') AS sku, CAST((o.created_at - ?) / ${DAY_MS} AS INTEGER) AS day, sum(json_extract(li.value, '$.quantity')) AS units
       FROM orders o, json_each(o.line_items) li
       WHERE o.created_at >= ? AND o.cancelled_at IS NULL AND json_extract(li.value, '$.sku') IS NOT NULL GROUP BY sku, day`,
    )
    .bind(start, start)
    .all<{ sku: string; day: number; units: number }>();
  return results;
}

/** Tickets since `since` that carry tags (the labels the ticket model learns from). */
export async function taggedTickets(db: D1Database, since: number, limit = 5000): Promise<{ subject: string; body: string; tags: string }[]> {
  const { results } = await db
    .prepare(`SELECT subject, body, tags FROM tickets WHERE created_at >= ? AND tags != '[]' ORDER BY created_at DESC LIMIT ?`)
    .bind(since, limit)
    .all<{ subject: string; body: string; tags: string }>();
  return results;
}
