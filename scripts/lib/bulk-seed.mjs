/**
 * Bulk synthetic data for the dashboard bench: rows are generated inside SQLite by a recursive
 * counter (WITH RECURSIVE seq), in chunks, so 50,000 orders need a few dozen statements, each with
 * a handful of bound parameters (D1 allows 100), instead of a million bound values.
 */

const DAY = 86_400_000;
const CHUNK = 5_000;
const TYPES = ["delay_alert", "status_notification", "reorder_prompt", "wismo_autoreply", "support_escalation", "inventory_reorder", "post_delivery", "churn_intervention", "carrier_route_alert", "ndr_followup", "cod_confirmation", "return_processing"];
const CARRIERS = ["delhivery", "shiprocket", "bluedart", "xpressbees"];
const CITIES = ["Mumbai", "Delhi", "Bengaluru", "Pune", "Jaipur", "Lucknow", "Kolkata", "Chennai", "Indore", "Guwahati"];

/** A SQL CASE picking list[i % n]; the lists are constants written here, never user input. */
function pick(list, expr) {
  return `(CASE (${expr}) % ${list.length} ${list.map((v, k) => `WHEN ${k} THEN '${v}'`).join(" ")} END)`;
}

// CAST: numbers bound from Node arrive as REAL, and 'o' || 1.0 would make the id "o1.0".
const seq = `WITH RECURSIVE seq(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?)`;

/** Order i was created at now - (n - i) * step: evenly over `days`, the newest last. */
function statements(n, now, days) {
  const step = Math.floor((days * DAY) / n);
  const t = `(? - (${n} - i) * ${step})`; // bound: now
  const age = `(${n} - i) * ${step}`;
  const state = `(CASE WHEN i % 53 = 0 AND ${age} < 5 * ${DAY} THEN 'failed_attempt'
      WHEN ${age} < 1 * ${DAY} THEN (CASE WHEN i % 3 = 0 THEN 'placed' ELSE 'shipped' END)
      WHEN ${age} < 4 * ${DAY} THEN (CASE WHEN i % 4 = 0 THEN 'out_for_delivery' ELSE 'in_transit' END)
      WHEN i % 20 = 0 THEN 'rto_delivered' WHEN i % 50 = 1 THEN 'cancelled' ELSE 'delivered' END)`;
  return [
    // Orders (with customers), journeys, four scans each, one decision and one action per order.
    (a, b) => [
      `${seq} INSERT INTO customers (id, email, phone, first_name, last_name, orders_count, total_spent, updated_at, source, source_id)
       SELECT 'c' || i, 'cust' || i || '@example.in', '+9198' || printf('%08d', i), 'Customer', 'N' || i, 1 + i % 5, 99900 * (1 + i % 30), ?, 'shopify', 'c' || i
       FROM seq WHERE i % 2 = 0`,
      [a, b, now],
    ],
    (a, b) => [
      `${seq} INSERT INTO orders (id, name, number, customer_id, email, phone, currency, total_price, subtotal_price, payment_method, financial_status,
         fulfillment_status, shipping_pincode, shipping_city, shipping_state, line_items, tags, note, created_at, updated_at, source, source_id)
       SELECT 'o' || i, '#' || (1000 + i), 1000 + i, 'c' || (i - i % 2), 'cust' || i || '@example.in', '+9198' || printf('%08d', i), 'INR',
         49900 + (i % 20) * 10000, 49900 + (i % 20) * 10000, CASE WHEN i % 3 = 0 THEN 'cod' ELSE 'prepaid' END, 'paid', 'fulfilled',
         printf('%06d', 110001 + (i % 500) * 1000), ${pick(CITIES, "i")}, 'State', json_array(json_object('sku', 'SKU-' || (i % 200), 'title', 'Product ' || (i % 200),
         'quantity', 1 + i % 3, 'unitPrice', 49900 + (i % 20) * 10000)), '[]', NULL, ${t}, ${t}, 'shopify', 'o' || i
       FROM seq`,
      [a, b, now, now],
    ],
    (a, b) => [
      `${seq} INSERT INTO journeys (order_id, state, state_at, last_scan_at, last_scan_location, awb, carrier, eta, stalled, failed_attempts, cod_pending, updated_at)
       SELECT 'o' || i, ${state}, ${t}, ${t} + ${DAY}, ${pick(CITIES, "i + 3")} || ' Hub', 'AWB' || i, ${pick(CARRIERS, "i")}, ${t} + 4 * ${DAY},
         (i % 37 = 0 AND ${state} IN ('in_transit', 'shipped')), (i % 53 = 0), (i % 3 = 0 AND i % 11 = 0 AND ${age} < ${DAY}), ${t} + ${DAY}
       FROM seq`,
      [a, b, now, now, now, now],
    ],
    (a, b) => [
      `${seq}, k(n, status) AS (VALUES (0, 'picked_up'), (1, 'in_transit'), (2, 'out_for_delivery'), (3, 'delivered'))
       INSERT INTO shipment_events (id, order_id, carrier, awb, status, raw_status, location, pincode, eta, is_return, occurred_at, source, source_id, received_at)
       SELECT 'ev:' || i || ':' || k.n, 'o' || i, ${pick(CARRIERS, "i")}, 'AWB' || i,
         CASE WHEN k.n = 3 AND i % 53 = 0 THEN 'failed_attempt' WHEN k.n = 3 AND i % 20 = 0 THEN 'rto_initiated' ELSE k.status END,
         upper(k.status), ${pick(CITIES, "i + k.n")}, NULL, NULL, 0, ${t} + k.n * ${DAY}, 'delhivery', 'ev' || i || k.n, ${t} + k.n * ${DAY}
       FROM seq, k WHERE ${t} + k.n * ${DAY} < ?`,
      [a, b, now, now, now, now],
    ],
    (a, b) => [
      `${seq} INSERT INTO decisions (id, type, subject_type, subject_id, dedupe_key, reasons, inputs, actions, policy_version, mode, created_at)
       SELECT 'd' || i, ${pick(TYPES, "i")}, 'order', 'o' || i, 'd' || i,
         json_array('Route delay rate 18.0% vs baseline 9.0% over 42 shipments', 'Customer LTV ₹' || (i % 40) || ',000 ≥ ₹15,000'),
         '{}', json_array(json_object('connector', 'whatsapp', 'kind', 'send_template')), 0, CASE WHEN i % 9 = 0 THEN 'shadow' ELSE 'live' END, ${t} + 3600000
       FROM seq`,
      [a, b, now],
    ],
    (a, b) => [
      `${seq} INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, last_error, params, subject_type, subject_id, created_at, updated_at)
       SELECT 'a' || i, 'd' || i, 'whatsapp', 'send_template', 'a' || i, ${pick(["sent", "sent", "sent", "delivered", "read", "dry_run", "sent", "failed", "sent", "sent", "sent", "sent", "sent", "dead"], "i")},
         1 + i % 3, CASE WHEN i % 14 IN (7, 13) THEN 'HTTP 500 from the WhatsApp API' END, '{}', 'order', 'o' || i, ${t} + 3600000, ${t} + 3700000
       FROM seq WHERE i % 9 != 0`,
      [a, b, now, now],
    ],
    // The RTO panel's tables (migration 0010): an RTO row per RTO journey, an NDR case per failed attempt or RTO.
    (a, b) => [
      `${seq} INSERT INTO rto_shipments (order_id, awb, carrier, pincode_prefix, payment_method, initiated_at, received_at, updated_at)
       SELECT 'o' || i, 'AWB' || i, ${pick(CARRIERS, "i")}, substr(printf('%06d', 110001 + (i % 500) * 1000), 1, 3), CASE WHEN i % 3 = 0 THEN 'cod' ELSE 'prepaid' END,
         ${t} + 3 * ${DAY}, ${t} + 6 * ${DAY}, ${t} + 6 * ${DAY}
       FROM seq WHERE i % 20 = 0`,
      [a, b, now, now, now],
    ],
    (a, b) => [
      `${seq} INSERT INTO ndr_cases (order_id, awb, carrier, first_failed_at, attempts, answer, default_action, outcome, outcome_at, updated_at)
       SELECT 'o' || i, 'AWB' || i, ${pick(CARRIERS, "i")}, ${t} + 3 * ${DAY}, 1 + i % 2, CASE WHEN i % 3 = 0 THEN 'reattempt' END, CASE WHEN i % 3 = 1 THEN 're-attempt' END,
         CASE WHEN i % 20 = 0 THEN 'rto' WHEN i % 53 = 0 THEN NULL ELSE 'delivered' END, ${t} + 4 * ${DAY}, ${t} + 4 * ${DAY}
       FROM seq WHERE i % 20 = 0 OR i % 53 = 0 OR i % 17 = 0`,
      [a, b, now, now, now],
    ],
  ].map((make) => ({ make, rows: n }));
}

/** Seeds `n` orders and their events; returns the row counts it wrote. */
export async function seedBulk(db, { n = 50_000, now = Date.now(), days = 90 } = {}) {
  for (const { make } of statements(n, now, days)) {
    for (let a = 1; a <= n; a += CHUNK) {
      const [sql, params] = make(a, Math.min(n, a + CHUNK - 1));
      if (params.length > 100) throw new Error("D1 allows at most 100 bound parameters per statement");
      await db.prepare(sql).bind(...params).run();
    }
  }
  // The small tables: 200 SKUs with stock, 60 routes, tickets, dead letters.
  await db.batch([
    db.prepare(
      `${seq} INSERT INTO products (sku, title, category, price, updated_at, source, source_id) SELECT 'SKU-' || i, 'Product ' || i, 'apparel', 99900, ?, 'shopify', 'p' || i FROM seq`,
    ).bind(0, 199, now),
    db.prepare(
      `${seq} INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, daily_demand_milli, days_of_cover_milli, projected_stockout_at, drift, updated_at)
       SELECT 'SKU-' || i, 5 + (i * 37) % 400, 3, 0, '{}', 5, 2500 + (i % 7) * 1000, (5 + (i * 37) % 400) * 1000000 / (2500 + (i % 7) * 1000),
         ? + (5 + (i * 37) % 400) * 1000 * ${DAY} / (2500 + (i % 7) * 1000), (i % 17 = 0) * 3, ? FROM seq`,
    ).bind(0, 199, now, now),
    db.prepare(
      `${seq} INSERT INTO route_stats (carrier, origin, destination, shipments, delay_rate_milli, rto_rate_milli, baseline_delay_rate_milli, baseline_rto_rate_milli, median_transit_hours, trend, computed_at)
       SELECT ${pick(CARRIERS, "i")}, 'BLR', 'P' || (100 + i), 40 + i * 7, 60 + (i * 13) % 140, 30 + (i * 7) % 90, 90, 60, 72,
         json_array(0.08, 0.09, 0.07 + (i % 5) / 100.0, 0.1, 0.09 + (i % 3) / 50.0, 0.11, (60 + (i * 13) % 140) / 1000.0), ? FROM seq`,
    ).bind(0, 59, now),
    db.prepare(
      `${seq} INSERT INTO tickets (id, helpdesk, ticket_id, order_id, subject, body, category, status, tags, created_at, updated_at, source, source_id)
       SELECT 'gorgias:' || i, 'gorgias', 't' || i, 'o' || (${n} - i * 3), 'Where is my order?', 'Hi, where is it?', 'wismo', 'open', '[]', ? - i * 600000, ? - i * 600000, 'gorgias', 't' || i
       FROM seq`,
    ).bind(1, 2000, now, now),
    db.prepare(
      `${seq} INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, body, received_at) SELECT 'dl' || i, NULL, 'shiprocket', 'tracking', 'unknown status "RTO-OFD"', NULL, ? - i * 3600000 FROM seq`,
    ).bind(1, 30, now),
  ]);
}
