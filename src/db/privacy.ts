/** Shopify's mandatory privacy topics, done for real: erase a customer, erase the shop, answer a data request. */
import type { PrivacyRequest } from "../canonical/model";

const REDACTED_BODY = '{"redacted":true}';

/** Erases a customer's personal data from every table that can hold it, raw bodies included. */
export async function redactCustomer(
  db: D1Database,
  req: Extract<PrivacyRequest, { kind: "customer_redact" }>,
  now: number,
): Promise<Record<string, number>> {
  const known = await db
    .prepare(`SELECT email, phone FROM customers WHERE id = ?`)
    .bind(req.customerId)
    .first<{ email: string | null; phone: string | null }>();
  const emails = [...new Set([req.email, known?.email].filter((v): v is string => Boolean(v)))];
  const phones = [...new Set([req.phone, known?.phone].filter((v): v is string => Boolean(v)))];
  const { results: orderRows } = await db.prepare(`SELECT id FROM orders WHERE customer_id = ?`).bind(req.customerId).all<{ id: string }>();
  const orderIds = [...new Set([...req.orderIds, ...orderRows.map((r) => r.id)])];

  const inList = (values: readonly string[]) => values.map(() => "?").join(", ") || "NULL";
  const statements: [string, D1PreparedStatement][] = ([
    ["customers", db.prepare(
      `UPDATE customers SET email = NULL, phone = NULL, first_name = NULL, last_name = NULL, redacted_at = ? WHERE id = ?`,
    ).bind(now, req.customerId)],
    ["orders", db.prepare(
      `UPDATE orders SET email = NULL, phone = NULL, note = NULL, shipping_city = NULL, shipping_state = NULL
       WHERE customer_id = ? OR id IN (${inList(orderIds)}) OR email IN (${inList(emails)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...emails, ...phones)],
    ["tickets", db.prepare(
      `UPDATE tickets SET email = NULL, phone = NULL, subject = '[redacted]', body = ''
       WHERE customer_id = ? OR order_id IN (${inList(orderIds)}) OR email IN (${inList(emails)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...emails, ...phones)],
    ["messages", db.prepare(
      `UPDATE messages SET phone = NULL, text = NULL, payload = NULL
       WHERE customer_id = ? OR order_id IN (${inList(orderIds)}) OR phone IN (${inList(phones)})`,
    ).bind(req.customerId, ...orderIds, ...phones)],
    ["customer_models", db.prepare(`DELETE FROM customer_models WHERE customer_id = ?`).bind(req.customerId)],
  ] as [string, D1PreparedStatement][]);
  // Raw bodies and dead letters keep payloads verbatim; any that name this customer are blanked.
  const needles = [req.customerId, ...orderIds, ...emails, ...phones.flatMap((p) => [p, p.slice(-10)])];
  for (const needle of needles) {
    statements.push(
      ["raw_events", db.prepare(`UPDATE raw_events SET body = ? WHERE instr(body, ?) > 0`).bind(REDACTED_BODY, needle)],
      ["dead_letters", db.prepare(`UPDATE dead_letters SET body = NULL WHERE instr(body, ?) > 0`).bind(needle)],
      ["actions", db.prepare(`UPDATE actions SET params = '{}', request = NULL, response = NULL WHERE instr(params, ?) > 0 OR instr(coalesce(request, ''), ?) > 0`).bind(needle, needle)],
    );
  }
  return changesByTable(statements, await db.batch(statements.map(([, st]) => st)));
}

/** Rows changed per table, summed over the statements that touched it: the audit's "what was erased". */
function changesByTable(statements: readonly [string, D1PreparedStatement][], results: readonly D1Result[]): Record<string, number> {
  const erased: Record<string, number> = {};
  statements.forEach(([table], i) => {
    erased[table] = (erased[table] ?? 0) + (results[i]?.meta.changes ?? 0);
  });
  return erased;
}

/** 48 hours after uninstall Shopify asks for everything about the shop to go. One deployment is one shop. */
export async function redactShop(db: D1Database): Promise<Record<string, number>> {
  const tables = [
    "orders", "customers", "products", "inventory_records", "purchase_orders", "shipment_events", "order_links", "tickets",
    "messages", "order_returns", "journeys", "sku_stock", "decisions", "actions", "action_attempts", "sku_forecasts",
    "customer_models", "route_stats", "dead_letters", "sku_settings",
  ];
  const statements: [string, D1PreparedStatement][] = [
    ...tables.map((t): [string, D1PreparedStatement] => [t, db.prepare(`DELETE FROM ${t}`)]),
    ["raw_events", db.prepare(`UPDATE raw_events SET body = ? WHERE body <> ?`).bind(REDACTED_BODY, REDACTED_BODY)],
    // Data-request receipts name customers; the privacy log itself is kept (it is the audit).
    ["kv", db.prepare(`DELETE FROM kv WHERE key LIKE 'privacy:data_request:%'`)],
  ];
  return changesByTable(statements, await db.batch(statements.map(([, st]) => st)));
}

export interface PrivacyLogEntry {
  id: string;
  kind: "customer_redact" | "shop_redact" | "customer_data_request" | "app_uninstalled";
  shopDomain: string;
  shopId: string | null;
  subjectId: string | null;
  rawEventId: string | null;
  receivedAt: number;
  completedAt: number | null;
  erased: Record<string, number> | null;
}

/** Records one privacy request or uninstall; recording the same one again keeps the first. */
export async function recordPrivacyLog(db: D1Database, e: PrivacyLogEntry): Promise<void> {
  await db
    .prepare(
      `INSERT INTO privacy_log (id, kind, shop_domain, shop_id, subject_id, raw_event_id, received_at, completed_at, erased)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(e.id, e.kind, e.shopDomain, e.shopId, e.subjectId, e.rawEventId, e.receivedAt, e.completedAt, e.erased ? JSON.stringify(e.erased) : null)
    .run();
}

export async function listPrivacyLog(db: D1Database, limit = 100): Promise<PrivacyLogEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT id, kind, shop_domain AS shopDomain, shop_id AS shopId, subject_id AS subjectId, raw_event_id AS rawEventId,
              received_at AS receivedAt, completed_at AS completedAt, erased
       FROM privacy_log ORDER BY received_at DESC LIMIT ?`,
    )
    .bind(limit)
    .all<Omit<PrivacyLogEntry, "erased"> & { erased: string | null }>();
  return results.map((r) => ({ ...r, erased: r.erased ? (JSON.parse(r.erased) as Record<string, number>) : null }));
}

/** The latest app/uninstalled received for a shop, if any. */
export async function latestUninstall(db: D1Database, shopDomain: string): Promise<{ shopId: string | null; receivedAt: number } | null> {
  return db
    .prepare(`SELECT shop_id AS shopId, received_at AS receivedAt FROM privacy_log WHERE kind = 'app_uninstalled' AND shop_domain = ? ORDER BY received_at DESC LIMIT 1`)
    .bind(shopDomain)
    .first<{ shopId: string | null; receivedAt: number }>();
}

/**
 * Whether Shopify delivered ordinary webhooks after `since`: Shopify deletes an app's subscriptions
 * on uninstall, so any such delivery means the app was installed again.
 */
export async function shopifyActivitySince(db: D1Database, since: number, ignoreTopics: readonly string[]): Promise<boolean> {
  const row = await db
    .prepare(`SELECT 1 AS x FROM raw_events WHERE source = 'shopify' AND received_at > ? AND topic NOT IN (${ignoreTopics.map(() => "?").join(", ")}) LIMIT 1`)
    .bind(since, ...ignoreTopics)
    .first<{ x: number }>();
  return row !== null;
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
