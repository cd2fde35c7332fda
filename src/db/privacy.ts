/** Shopify's mandatory privacy topics, done for real: erase a customer, erase the shop, answer a data request. */
import { kvKeys, kvPut } from "./kv";
import type { PrivacyRequest } from "../canonical/model";

const REDACTED_BODY = '{"redacted":true}';

/**
 * How a customer is recognised in stored text: their ids, every email (compared in lower case) and
 * every phone as its last ten digits (compared after spaces, dashes, dots and brackets are removed),
 * so `+91 98111-22333`, `919811122333` and `09811122333` are all found. docs/privacy.md lists the places.
 */
export interface CustomerNeedles {
  customerId: string;
  orderIds: string[];
  emails: string[];
  phones: string[];
}

/** The last ten digits of a phone however written (+91…, 91…, 0…, spaced or dashed), or null. */
export function nationalNumber(phone: string | null | undefined): string | null {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 10 ? digits.slice(-10) : null;
}

const STRIPPED = (col: string) => `replace(replace(replace(replace(replace(coalesce(${col}, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', '')`;

/** Ids shorter than this are not searched for inside text: a short id would match unrelated rows. */
const MIN_ID_NEEDLE = 6;

/**
 * SQL conditions (each with its parameters) that are true when a row's `columns` mention the
 * customer, split so that no statement binds more than 100 parameters.
 */
function mentionConditions(columns: readonly string[], n: CustomerNeedles, opts: { ids: boolean } = { ids: true }): { sql: string; params: string[] }[] {
  const out: { sql: string; params: string[] }[] = [];
  const contact: string[] = [];
  const contactParams: string[] = [];
  for (const col of columns) {
    for (const e of n.emails) {
      contact.push(`instr(lower(coalesce(${col}, '')), ?) > 0`);
      contactParams.push(e);
    }
    for (const p of n.phones) {
      contact.push(`instr(${STRIPPED(col)}, ?) > 0`);
      contactParams.push(p);
    }
  }
  if (contact.length) out.push({ sql: contact.join(" OR "), params: contactParams });
  const ids = opts.ids ? [n.customerId, ...n.orderIds].filter((id) => id.length >= MIN_ID_NEEDLE) : [];
  const perStatement = Math.max(1, Math.floor(90 / Math.max(1, columns.length)));
  for (let i = 0; i < ids.length; i += perStatement) {
    const slice = ids.slice(i, i + perStatement);
    out.push({ sql: columns.flatMap((col) => slice.map(() => `instr(coalesce(${col}, ''), ?) > 0`)).join(" OR "), params: columns.flatMap(() => slice) });
  }
  return out;
}

/** Gathers everything that identifies the customer: the request's, the customer row's, their orders'. */
export async function customerNeedles(db: D1Database, req: Extract<PrivacyRequest, { kind: "customer_redact" }>): Promise<CustomerNeedles> {
  const known = await db.prepare(`SELECT email, phone FROM customers WHERE id = ?`).bind(req.customerId).first<{ email: string | null; phone: string | null }>();
  const emails = new Set([req.email, known?.email].filter((v): v is string => Boolean(v)).map((e) => e.toLowerCase()));
  const phones = new Set([req.phone, known?.phone].map(nationalNumber).filter((v): v is string => v !== null));
  const { results } = await db
    .prepare(`SELECT id, email, phone FROM orders WHERE customer_id = ? OR id IN (${req.orderIds.slice(0, 90).map(() => "?").join(", ") || "NULL"})`)
    .bind(req.customerId, ...req.orderIds.slice(0, 90))
    .all<{ id: string; email: string | null; phone: string | null }>();
  for (const o of results) {
    if (o.email) emails.add(o.email.toLowerCase());
    const p = nationalNumber(o.phone);
    if (p) phones.add(p);
  }
  return { customerId: req.customerId, orderIds: [...new Set([...req.orderIds, ...results.map((o) => o.id)])], emails: [...emails], phones: [...phones] };
}

/**
 * Erases a customer's personal data from every place docs/privacy.md lists: canonical rows, raw
 * bodies, dead letters, decisions (inputs, reasons, recorded actions), outbox actions (params,
 * requests, responses, errors, subject ids; pending ones are made stale so nothing is sent), their
 * attempts' errors, kv rows, shipment pincodes and scan locations. The orders' journey objects are
 * erased by the caller (pipeline/privacy.ts). Returns rows changed per table.
 */
export async function redactCustomer(
  db: D1Database,
  req: Extract<PrivacyRequest, { kind: "customer_redact" }>,
  now: number,
  needles?: CustomerNeedles,
): Promise<Record<string, number>> {
  const n = needles ?? (await customerNeedles(db, req));
  const statements: [string, D1PreparedStatement][] = [];
  const orderSlices: string[][] = [];
  for (let i = 0; i < n.orderIds.length; i += 90) orderSlices.push(n.orderIds.slice(i, i + 90));
  if (!orderSlices.length) orderSlices.push([]);
  const inList = (values: readonly string[]) => values.map(() => "?").join(", ") || "NULL";

  // Rows owned by the customer or their orders, by key.
  statements.push(["customers", db.prepare(`UPDATE customers SET email = NULL, phone = NULL, first_name = NULL, last_name = NULL, redacted_at = coalesce(redacted_at, ?) WHERE id = ?`).bind(now, n.customerId)]);
  statements.push(["customer_models", db.prepare(`DELETE FROM customer_models WHERE customer_id = ?`).bind(n.customerId)]);
  // The contact ledger names customers without an id by their number or address (`to:<phone|email>`).
  for (const needle of [...n.phones, ...n.emails]) {
    statements.push(["customer_contacts", db.prepare(`UPDATE customer_contacts SET customer_key = 'redacted' WHERE customer_key LIKE 'to:%' AND instr(lower(customer_key), ?) > 0`).bind(needle)]);
  }
  for (const slice of orderSlices) {
    statements.push(
      ["orders", db.prepare(`UPDATE orders SET email = NULL, phone = NULL, note = NULL, shipping_city = NULL, shipping_state = NULL, shipping_pincode = NULL WHERE customer_id = ? OR id IN (${inList(slice)})`).bind(n.customerId, ...slice)],
      ["tickets", db.prepare(`UPDATE tickets SET email = NULL, phone = NULL, subject = '[redacted]', body = '' WHERE customer_id = ? OR order_id IN (${inList(slice)})`).bind(n.customerId, ...slice)],
      ["messages", db.prepare(`UPDATE messages SET phone = NULL, text = NULL, payload = NULL WHERE customer_id = ? OR order_id IN (${inList(slice)})`).bind(n.customerId, ...slice)],
      ["shipment_events", db.prepare(`UPDATE shipment_events SET pincode = NULL, location = NULL WHERE order_id IN (${inList(slice)})`).bind(...slice)],
      ["journeys", db.prepare(`UPDATE journeys SET last_scan_location = NULL WHERE order_id IN (${inList(slice)})`).bind(...slice)],
      ["whatsapp_conversations", db.prepare(`DELETE FROM whatsapp_conversations WHERE customer_id = ? OR order_id IN (${inList(slice)})`).bind(n.customerId, ...slice)],
      // The COD risk score keeps a hash of the address (velocity check) and reasons naming the pincode and city: they go with the customer.
      ["cod_risk", db.prepare(`UPDATE cod_risk SET address_key = NULL, factors = '{"factors":[],"forcedHigh":null,"destinationLevel":null}' WHERE order_id IN (${inList(slice)})`).bind(...slice)],
    );
  }

  // Rows that mention the customer anywhere in their text, however the email or phone was written.
  const places: { table: string; columns: string[]; change: (where: string) => string; ids?: false }[] = [
    { table: "customers", columns: ["email", "phone"], change: (w) => `UPDATE customers SET email = NULL, phone = NULL, first_name = NULL, last_name = NULL, redacted_at = coalesce(redacted_at, ${now}) WHERE ${w}` },
    { table: "orders", columns: ["email", "phone", "note"], change: (w) => `UPDATE orders SET email = NULL, phone = NULL, note = NULL, shipping_city = NULL, shipping_state = NULL, shipping_pincode = NULL WHERE ${w}` },
    { table: "tickets", columns: ["email", "phone", "subject", "body"], change: (w) => `UPDATE tickets SET email = NULL, phone = NULL, subject = '[redacted]', body = '' WHERE ${w}` },
    { table: "messages", columns: ["phone", "text", "payload"], change: (w) => `UPDATE messages SET phone = NULL, text = NULL, payload = NULL WHERE ${w}` },
    { table: "whatsapp_conversations", columns: ["phone"], change: (w) => `DELETE FROM whatsapp_conversations WHERE ${w}` },
    { table: "raw_events", columns: ["body"], change: (w) => `UPDATE raw_events SET body = '${REDACTED_BODY}' WHERE body <> '${REDACTED_BODY}' AND (${w})` },
    { table: "dead_letters", columns: ["body", "reason"], change: (w) => `UPDATE dead_letters SET body = NULL, reason = '[redacted: the customer was erased]' WHERE ${w}` },
    { table: "decisions", columns: ["inputs", "actions", "reasons", "subject_id"], change: (w) => `UPDATE decisions SET inputs = '${REDACTED_BODY}', actions = '[]', reasons = '["[redacted]"]' WHERE ${w}` },
    // Attempts first: they are found through their action, whose text is blanked next.
    { table: "action_attempts", columns: ["a.params", "a.request", "a.response", "a.subject_id", "a.last_error"], change: (w) => `UPDATE action_attempts SET error = NULL WHERE action_id IN (SELECT a.id FROM actions a WHERE ${w})` },
    {
      table: "actions",
      columns: ["params", "request", "response", "subject_id", "last_error"],
      change: (w) =>
        `UPDATE actions SET params = '{}', request = NULL, response = NULL, last_error = NULL, subject_id = NULL,
           status = CASE WHEN status IN ('pending', 'sending', 'failed') THEN 'stale' ELSE status END, next_attempt_at = NULL, updated_at = ${now} WHERE ${w}`,
    },
    // Bookkeeping rows (watermarks, fired-timer markers) name orders by id and hold nothing personal:
    // only a row holding the email or phone goes.
    { table: "kv", columns: ["value"], change: (w) => `DELETE FROM kv WHERE ${w}`, ids: false },
  ];
  for (const place of places) {
    for (const cond of mentionConditions(place.columns, n, { ids: place.ids !== false })) statements.push([place.table, db.prepare(place.change(cond.sql)).bind(...cond.params)]);
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
    "customer_models", "route_stats", "dead_letters", "sku_settings", "customer_contacts", "whatsapp_conversations",
    "cod_risk", "destination_rto",
    "ndr_cases", "rto_shipments",
  ];
  const statements: [string, D1PreparedStatement][] = [
    ...tables.map((t): [string, D1PreparedStatement] => [t, db.prepare(`DELETE FROM ${t}`)]),
    ["raw_events", db.prepare(`UPDATE raw_events SET body = ? WHERE body <> ?`).bind(REDACTED_BODY, REDACTED_BODY)],
    // kv holds bookkeeping and lookups (some name customers): all of it goes with the shop. The
    // privacy log is kept (it is the audit), and so are the policies (configuration, nothing personal).
    ["kv", db.prepare(`DELETE FROM kv`)],
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
  await kvPut(db, kvKeys.dataRequest(req.requestId ?? req.customerId), JSON.stringify({ customerId: req.customerId, requestedAt: now }), now);
}
