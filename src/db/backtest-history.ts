/** The stored history a backtest replays: carrier scans, COD orders, tickets, returns and repeat customers in a period. */

export interface BacktestScan {
  orderId: string;
  awb: string;
  carrier: string;
  status: string;
  location: string | null;
  at: number;
  eta: number | null;
}

/** Forward-leg carrier scans in [from, to], per parcel in time order (at most 20,000). */
export async function carrierScansBetween(db: D1Database, from: number, to: number): Promise<BacktestScan[]> {
  const { results } = await db
    .prepare(
      `SELECT order_id AS orderId, awb, carrier, status, location, occurred_at AS at, eta FROM shipment_events
       WHERE order_id IS NOT NULL AND carrier != 'shopify' AND is_return = 0 AND occurred_at BETWEEN ? AND ? ORDER BY awb, occurred_at LIMIT 20000`,
    )
    .bind(from, to)
    .all<BacktestScan>();
  return results;
}

export async function codOrdersBetween(db: D1Database, from: number, to: number, limit: number): Promise<{ id: string; at: number }[]> {
  const { results } = await db.prepare(`SELECT id, created_at AS at FROM orders WHERE payment_method = 'cod' AND created_at BETWEEN ? AND ? LIMIT ?`).bind(from, to, limit).all<{ id: string; at: number }>();
  return results;
}

export async function ticketsCreatedBetween(db: D1Database, from: number, to: number, limit: number): Promise<Record<string, unknown>[]> {
  const { results } = await db
    .prepare(
      `SELECT helpdesk, ticket_id AS ticketId, category, status, subject, created_at AS createdAt, first_response_at AS firstResponseAt,
              order_id AS orderId, customer_id AS customerId FROM tickets WHERE created_at BETWEEN ? AND ? LIMIT ?`,
    )
    .bind(from, to, limit)
    .all<Record<string, unknown>>();
  return results;
}

export interface BacktestReturn {
  orderId: string;
  kind: "return_requested" | "returned" | "refunded";
  refundId: string | null;
  amount: number;
  restock: number;
  lineItems: string;
  at: number;
}

export async function returnsBetween(db: D1Database, from: number, to: number, limit: number): Promise<BacktestReturn[]> {
  const { results } = await db
    .prepare(`SELECT order_id AS orderId, kind, refund_id AS refundId, amount, restock, line_items AS lineItems, occurred_at AS at FROM order_returns WHERE occurred_at BETWEEN ? AND ? LIMIT ?`)
    .bind(from, to, limit)
    .all<BacktestReturn>();
  return results;
}

/** Customers with two or more orders in their model. */
export async function repeatCustomers(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db.prepare(`SELECT customer_id AS id FROM customer_models WHERE orders_count >= 2 LIMIT ?`).bind(limit).all<{ id: string }>();
  return results.map((r) => r.id);
}
