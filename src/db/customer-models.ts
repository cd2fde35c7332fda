/** The customer model's reads and writes: the store's transaction history for the fit, the fit itself, store-typical intervals. */
import type { CustomerHistory } from "../decisions/models/customers";
import type { StoreCustomerFit } from "../decisions/models/clv";
import type { CustomerPredictionRow } from "../decisions/crm-predictions";

const FIT_KEY = "customers";

/** Customers per round trip when reading the whole store for the fit (their orders come in the same batch). */
const FIT_PAGE = 5_000;

/**
 * Every (not redacted) customer's history, as the fit needs it: their orders (time, total, cancelled;
 * no line items), Shopify's totals and creation date. A page of customers and their orders per round
 * trip (the orders by the `orders_customer` index), so no one result grows with the store.
 */
export async function loadStoreCustomerHistories(db: D1Database): Promise<CustomerHistory[]> {
  const out: CustomerHistory[] = [];
  let after = "";
  for (;;) {
    const { results: customers } = await db
      .prepare(`SELECT id, total_spent AS totalSpent, orders_count AS ordersCount, updated_at AS updatedAt, created_at AS createdAt FROM customers WHERE id > ? AND redacted_at IS NULL ORDER BY id LIMIT ?`)
      .bind(after, FIT_PAGE)
      .all<{ id: string; totalSpent: number | null; ordersCount: number | null; updatedAt: number; createdAt: number | null }>();
    if (customers.length === 0) break;
    const last = customers[customers.length - 1]!.id;
    const { results: rows } = await db
      .prepare(`SELECT id, customer_id AS customerId, created_at AS createdAt, total_price AS totalPrice, cancelled_at AS cancelledAt FROM orders WHERE customer_id > ? AND customer_id <= ?`)
      .bind(after, last)
      .all<{ id: string; customerId: string; createdAt: number; totalPrice: number; cancelledAt: number | null }>();
    const orders = new Map<string, CustomerHistory["orders"][number][]>();
    for (const d of rows) {
      const list = orders.get(d.customerId) ?? [];
      list.push({ id: d.id, createdAt: d.createdAt, totalPrice: d.totalPrice, cancelled: d.cancelledAt !== null, categories: [] });
      orders.set(d.customerId, list);
    }
    for (const c of customers) {
      out.push({
        customerId: c.id,
        shopify: c.totalSpent === null ? null : { totalSpent: c.totalSpent, ordersCount: c.ordersCount ?? 0, asOf: c.updatedAt },
        createdAt: c.createdAt,
        orders: orders.get(c.id) ?? [],
      });
    }
    if (customers.length < FIT_PAGE) break;
    after = last;
  }
  return out;
}

export async function saveCustomerFit(db: D1Database, fit: StoreCustomerFit): Promise<void> {
  await db
    .prepare(
      `INSERT INTO model_fits (model, params, customers, fitted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (model) DO UPDATE SET params = excluded.params, customers = excluded.customers, fitted_at = excluded.fitted_at`,
    )
    .bind(FIT_KEY, JSON.stringify(fit), fit.customers, fit.fittedAt)
    .run();
}

/** The store's last customer fit, or null when none has been made (too few customers so far). */
export async function loadCustomerFit(db: D1Database): Promise<StoreCustomerFit | null> {
  const row = await db.prepare(`SELECT params FROM model_fits WHERE model = ?`).bind(FIT_KEY).first<{ params: string }>();
  return row ? (JSON.parse(row.params) as StoreCustomerFit) : null;
}

export async function clearCustomerFit(db: D1Database): Promise<void> {
  await db.prepare(`DELETE FROM model_fits WHERE model = ?`).bind(FIT_KEY).run();
}

/**
 * Every customer's own purchase interval per category (from the stored models), so the reorder
 * prompt can shrink a customer's few-order interval toward what is typical in the store. One query.
 */
export async function loadCategoryIntervals(db: D1Database): Promise<Map<string, number[]>> {
  const { results } = await db
    .prepare(
      `SELECT ci.key AS category, json_extract(ci.value, '$.intervalDays') AS days FROM customer_models m, json_each(m.category_intervals) ci
       WHERE json_extract(ci.value, '$.intervalDays') IS NOT NULL`,
    )
    .all<{ category: string; days: number }>();
  const out = new Map<string, number[]>();
  for (const r of results) {
    const list = out.get(r.category) ?? [];
    list.push(r.days);
    out.set(r.category, list);
  }
  return out;
}

/** A page of customers with model predictions and a way to reach them in a CRM (email or phone), by id after `after`. */
/** Customers after `after` with a prediction and a way to reach them, not yet sent to the CRMs since `syncedSince`. */
export async function loadPredictionPage(db: D1Database, after: string, limit: number, syncedSince: number): Promise<CustomerPredictionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT m.customer_id AS customerId, c.email, c.phone, m.tier, m.ltv, m.p_active_milli AS pActiveMilli, m.expected_orders_90d_milli AS expectedMilli,
              m.predicted_clv AS predictedClv, m.expected_next_order_at AS expectedNextOrderAt, m.computed_at AS computedAt
       FROM customer_models m JOIN customers c ON c.id = m.customer_id
       WHERE m.customer_id > ? AND m.expected_orders_90d_milli IS NOT NULL AND c.redacted_at IS NULL AND (c.email IS NOT NULL OR c.phone IS NOT NULL)
         AND (m.crm_synced_at IS NULL OR m.crm_synced_at < ?)
       ORDER BY m.customer_id LIMIT ?`,
    )
    .bind(after, syncedSince, limit)
    .all<Omit<CustomerPredictionRow, "pActive" | "expectedOrders90d"> & { pActiveMilli: number | null; expectedMilli: number | null }>();
  return results.map(({ pActiveMilli, expectedMilli, ...r }) => ({ ...r, pActive: pActiveMilli === null ? null : pActiveMilli / 1000, expectedOrders90d: (expectedMilli ?? 0) / 1000 }));
}

/** Marks a page of customers as sent to the CRMs at `now` (after its actions are in the outbox). */
export async function markPredictionsSynced(db: D1Database, customerIds: readonly string[], now: number): Promise<void> {
  if (!customerIds.length) return;
  await db.prepare(`UPDATE customer_models SET crm_synced_at = ? WHERE customer_id IN (${customerIds.map(() => "?").join(",")})`).bind(now, ...customerIds).run();
}
