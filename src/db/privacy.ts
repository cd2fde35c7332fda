/** Shopify's mandatory privacy topics, done for real: erase a customer, erase the shop, answer a data request. */
import type { PrivacyRequest } from "../canonical/model";

const REDACTED_BODY = '{"redacted":true}';

/** Erases a customer's personal data from every table that can hold it, raw bodies included. */
export async function redactCustomer(
  db: D1Database,
  req: Extract<PrivacyRequest, { kind: "customer_redact" }>,
  now: number,
): Promise<void> {
  const known = await db
    .prepare(`SELECT email, phone FROM customers WHERE id = ?`)
    .bind(req.customerId)
    .first<{ email: string | null; phone: string | null }>();
  const emails = [...new Set([req.email, known?.email].filter((v): v is string => Boolean(v)))];
  const phones = [...new Set([req.phone, known?.phone].filter((v): v is string => Boolean(v)))];
  const { results: orderRows } = await db.prepare(`SELECT id FROM orders WHERE customer_id = ?`).bind(req.customerId).all<{ id: string }>();
  const orderIds = [...new Set([...req.orderIds, ...orderRows.map((r) => r.id)])];

  const inList = (values: readonly string[]) => values.map(() => "?").join(", ") || "NULL";
  const statements: D1PreparedStatement[] = [
    db.prepare(
      `UPDATE customers SET email = NULL, phone = NULL, first_name = NULL, last_name = NULL, redacted_at = ? WHERE id = ?`,
    ).bind(now, req.customerId),
    db.prepare(
      `UPDATE orders SET email = NULL, phone = NULL, note = NULL, shipping_city = NULL, shipping_state = NULL
       WHERE customer_id = ? OR id IN (${inList(orderIds)}) OR email IN (${inList(emails)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...emails, ...phones),
    db.prepare(
      `UPDATE tickets SET email = NULL, phone = NULL, subject = '[redacted]', body = ''
       WHERE customer_id = ? OR order_id IN (${inList(orderIds)}) OR email IN (${inList(emails)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...emails, ...phones),
    db.prepare(
      `UPDATE messages SET phone = NULL, text = NULL, payload = NULL
       WHERE customer_id = ? OR order_id IN (${inList(orderIds)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...phones),
    db.prepare(`DELETE FROM customer_models WHERE customer_id = ?`).bind(req.customerId),
    // The contact ledger names customers without an id by their number or address.
    db.prepare(`UPDATE customer_contacts SET customer_key = 'redacted' WHERE customer_key IN (${inList([...phones, ...emails])})`).bind(...[...phones, ...emails].map((v) => `to:${v}`)),
  ];
  // Raw bodies and dead letters keep payloads verbatim; any that name this customer are blanked.
  const needles = [req.customerId, ...orderIds, ...emails, ...phones.flatMap((p) => [p, p.slice(-10)])];
  for (const needle of needles) {
    statements.push(
      db.prepare(`UPDATE raw_events SET body = ? WHERE instr(body, ?) > 0`).bind(REDACTED_BODY, needle),
      db.prepare(`UPDATE dead_letters SET body = NULL WHERE instr(body, ?) > 0`).bind(needle),
      db.prepare(`UPDATE actions SET params = '{}', request = NULL, response = NULL WHERE instr(params, ?) > 0 OR instr(coalesce(request, ''), ?) > 0`).bind(needle, needle),
      // A decision records the actions it chose, rendered email included.
      db.prepare(`UPDATE decisions SET actions = '[]' WHERE instr(actions, ?) > 0`).bind(needle),
    );
  }
  await db.batch(statements);
}

/** 48 hours after uninstall Shopify asks for everything about the shop to go. One deployment is one shop. */
export async function redactShop(db: D1Database): Promise<void> {
  const tables = [
    "orders", "customers", "products", "inventory_records", "purchase_orders", "shipment_events", "order_links", "tickets",
    "messages", "order_returns", "journeys", "sku_stock", "decisions", "actions", "action_attempts", "sku_forecasts",
    "customer_models", "route_stats", "dead_letters", "sku_settings", "customer_contacts",
  ];
  await db.batch([
    ...tables.map((t) => db.prepare(`DELETE FROM ${t}`)),
    db.prepare(`UPDATE raw_events SET body = ?`).bind(REDACTED_BODY),
  ]);
}

/** Records a data request so ops can export what Switchyard holds for the customer (shown via /api/kpis). */
export async function recordDataRequest(
  db: D1Database,
  req: Extract<PrivacyRequest, { kind: "customer_data_request" }>,
  now: number,
): Promise<void> {
  await db
    .prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
    .bind(`privacy:data_request:${req.requestId ?? req.customerId}`, JSON.stringify({ customerId: req.customerId, requestedAt: now }), now)
    .run();
}
