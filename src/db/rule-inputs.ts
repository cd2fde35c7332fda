/** Assembles the decision layer's plain-data contexts from D1 read models (never a fan-out to objects). */
import { CLOSED_TICKET_STATUSES, isOpenPo, isReceivedPo, ticketStatus } from "../canonical/vocabulary";
import type {
  CustomerSnapshot,
  JourneySnapshot,
  OrderLine,
  OrderSummary,
  ScanRecord,
  SkuSupply,
  TicketSummary,
} from "../decisions/context";
import type { RouteStat } from "../decisions/models/routes";
import { destinationPrefix } from "../decisions/models/routes";
import { tierFor } from "../decisions/models/customers";
import type { Policy } from "../decisions/policy";

type Row = Record<string, unknown>;

const ORDER_SQL = `SELECT o.id, o.name, o.total_price AS totalPrice, o.currency, o.payment_method AS paymentMethod, o.customer_id AS customerId,
              c.first_name AS firstName, coalesce(o.phone, c.phone) AS phone, coalesce(o.email, c.email) AS email, o.line_items AS lineItems,
              o.shipping_pincode AS shippingPincode, o.shipping_city AS shippingCity, o.created_at AS createdAt, o.cancelled_at AS cancelledAt
       FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`;
// The categories of the order's SKUs, found from its own line items (so one round trip reads both).
const ORDER_CATEGORIES_SQL = `SELECT p.sku, p.category FROM products p
       WHERE p.sku IN (SELECT json_extract(li.value, '$.sku') FROM orders o, json_each(o.line_items) li WHERE o.id = ?)`;
const JOURNEY_SQL = `SELECT j.state, j.state_at AS stateAt, j.last_scan_at AS lastScanAt, j.last_scan_location AS lastScanLocation, j.awb, j.carrier, j.eta,
              j.failed_attempts AS failedAttempts,
              (SELECT location FROM shipment_events WHERE order_id = j.order_id AND is_return = 0 AND location IS NOT NULL ORDER BY occurred_at ASC LIMIT 1) AS firstLocation,
              (SELECT min(occurred_at) FROM shipment_events WHERE order_id = j.order_id AND status = 'delivered' AND is_return = 0) AS deliveredAt,
              (SELECT min(occurred_at) FROM shipment_events WHERE order_id = j.order_id AND is_return = 0 AND status NOT IN ('created', 'cancelled')) AS pickedUpAt
       FROM journeys j WHERE j.order_id = ?`;

export async function loadOrderSummary(db: D1Database, orderId: string): Promise<OrderSummary | null> {
  const [order, categories] = (await db.batch([db.prepare(ORDER_SQL).bind(orderId), db.prepare(ORDER_CATEGORIES_SQL).bind(orderId)])) as [D1Result<Row>, D1Result<Row>];
  return orderSummaryFrom(order.results[0], categories.results);
}

export async function loadJourney(db: D1Database, orderId: string): Promise<JourneySnapshot | null> {
  return journeyFrom(await db.prepare(JOURNEY_SQL).bind(orderId).first<Row>());
}

/** The order and its journey in one D1 round trip: what most event-driven rules start from. */
export async function loadOrderAndJourney(db: D1Database, orderId: string): Promise<{ order: OrderSummary | null; journey: JourneySnapshot | null }> {
  const [order, categories, journey] = (await db.batch([
    db.prepare(ORDER_SQL).bind(orderId),
    db.prepare(ORDER_CATEGORIES_SQL).bind(orderId),
    db.prepare(JOURNEY_SQL).bind(orderId),
  ])) as [D1Result<Row>, D1Result<Row>, D1Result<Row>];
  return { order: orderSummaryFrom(order.results[0], categories.results), journey: journeyFrom(journey.results[0] ?? null) };
}

const FIRST_LOCATION_SQL = `SELECT location FROM shipment_events WHERE order_id = ? AND is_return = 0 AND location IS NOT NULL ORDER BY occurred_at ASC LIMIT 1`;

/**
 * The order, and its journey as the OrderJourney object just returned it, in one D1 round trip:
 * the journey row the object wrote is not read back; only the route origin (the first scan's
 * place) comes from the shipment log.
 */
export async function loadOrderForJourney(db: D1Database, orderId: string, fold: Omit<JourneySnapshot, "origin" | "trackingUrl">): Promise<{ order: OrderSummary | null; journey: JourneySnapshot }> {
  const [order, categories, first] = (await db.batch([
    db.prepare(ORDER_SQL).bind(orderId),
    db.prepare(ORDER_CATEGORIES_SQL).bind(orderId),
    db.prepare(FIRST_LOCATION_SQL).bind(orderId),
  ])) as [D1Result<Row>, D1Result<Row>, D1Result<{ location: string }>];
  const firstLocation = first.results[0]?.location ?? null;
  return {
    order: orderSummaryFrom(order.results[0], categories.results),
    journey: {
      state: fold.state,
      stateAt: fold.stateAt,
      lastScanAt: fold.lastScanAt,
      lastScanLocation: fold.lastScanLocation,
      awb: fold.awb,
      carrier: fold.carrier,
      origin: firstLocation ? originOf(firstLocation) : null,
      eta: fold.eta,
      failedAttempts: fold.failedAttempts,
      trackingUrl: trackingUrl(fold.carrier, fold.awb),
      deliveredAt: fold.deliveredAt,
    },
  };
}

function orderSummaryFrom(o: Row | undefined, categoryRows: Row[]): OrderSummary | null {
  if (!o) return null;
  const items = JSON.parse(String(o.lineItems)) as Omit<OrderLine, "category">[];
  const categories = new Map(categoryRows.map((r) => [String(r.sku), (r.category as string | null) ?? null]));
  return {
    id: String(o.id),
    name: String(o.name),
    totalPrice: Number(o.totalPrice),
    currency: String(o.currency),
    paymentMethod: o.paymentMethod === "cod" ? "cod" : "prepaid",
    customerId: (o.customerId as string | null) ?? null,
    customerFirstName: (o.firstName as string | null) ?? null,
    phone: (o.phone as string | null) ?? null,
    email: (o.email as string | null) ?? null,
    lineItems: items.map((i) => ({ ...i, category: i.sku ? (categories.get(i.sku) ?? null) : null })),
    shippingPincode: (o.shippingPincode as string | null) ?? null,
    shippingCity: (o.shippingCity as string | null) ?? null,
    createdAt: Number(o.createdAt),
    cancelledAt: (o.cancelledAt as number | null) ?? null,
  };
}

function journeyFrom(j: Row | null): JourneySnapshot | null {
  if (!j) return null;
  const awb = (j.awb as string | null) ?? null;
  const carrier = (j.carrier as string | null) ?? null;
  const firstLocation = (j.firstLocation as string | null) ?? null;
  return {
    state: j.state as JourneySnapshot["state"],
    stateAt: Number(j.stateAt),
    lastScanAt: (j.lastScanAt as number | null) ?? null,
    lastScanLocation: (j.lastScanLocation as string | null) ?? null,
    awb,
    carrier,
    origin: firstLocation ? originOf(firstLocation) : null,
    eta: (j.eta as number | null) ?? null,
    failedAttempts: Number(j.failedAttempts ?? 0),
    trackingUrl: trackingUrl(carrier, awb),
    deliveredAt: (j.deliveredAt as number | null) ?? null,
    pickedUpAt: (j.pickedUpAt as number | null) ?? null,
  };
}

/** Carrier tracking pages, so a WISMO answer can link the parcel. */
export function trackingUrl(carrier: string | null, awb: string | null): string | null {
  if (!awb) return null;
  const c = (carrier ?? "").toLowerCase();
  if (c.includes("delhivery")) return `https://www.delhivery.com/track/package/${encodeURIComponent(awb)}`;
  if (c.includes("bluedart") || c.includes("blue dart")) return `https://www.bluedart.com/tracking?awb=${encodeURIComponent(awb)}`;
  if (c.includes("xpressbees")) return `https://www.xpressbees.com/shipment/tracking?awbNo=${encodeURIComponent(awb)}`;
  if (c.includes("ecom")) return `https://ecomexpress.in/tracking/?awb_field=${encodeURIComponent(awb)}`;
  return `https://shiprocket.co/tracking/${encodeURIComponent(awb)}`;
}

/** Pickup origin of a shipment: the first scan's hub, reduced to its city ("Chomu_SamodRd_D (Rajasthan)" → "CHOMU"). */
export function originOf(location: string | null): string {
  if (!location) return "UNKNOWN";
  const city = location.split(/[_(,]/)[0]!.trim();
  return city ? city.toUpperCase().slice(0, 24) : "UNKNOWN";
}

export async function loadScans(db: D1Database, orderId: string): Promise<ScanRecord[]> {
  const { results } = await db
    .prepare(`SELECT status, raw_status AS rawStatus, occurred_at AS occurredAt, location FROM shipment_events WHERE order_id = ? ORDER BY occurred_at`)
    .bind(orderId)
    .all<ScanRecord>();
  return results;
}

const CUSTOMER_SQL = `SELECT c.id, c.first_name AS firstName, c.phone, c.email, c.total_spent AS totalSpent, c.orders_count AS ordersCount,
              c.accepts_marketing AS acceptsMarketing, c.accepts_whatsapp AS acceptsWhatsapp,
              m.ltv, m.tier, m.orders_count AS modelOrders, m.last_order_at AS lastOrderAt, m.interval_days_milli AS intervalMilli,
              m.p_active_milli AS pActiveMilli, m.expected_orders_90d_milli AS expectedMilli, m.predicted_clv AS predictedClv,
              (SELECT max(created_at) FROM orders WHERE customer_id = c.id) AS lastSeenOrderAt
       FROM customers c LEFT JOIN customer_models m ON m.customer_id = c.id`;

/** The customer with their model; LTV falls back to Shopify's own total when the model has not run yet. */
export async function loadCustomer(db: D1Database, customerId: string | null, policy: Policy): Promise<CustomerSnapshot | null> {
  if (!customerId) return null;
  const c = await db.prepare(`${CUSTOMER_SQL} WHERE c.id = ?`).bind(customerId).first<Row>();
  return c ? customerFrom(c, policy) : null;
}

/**
 * What customer outreach needs for a page of customers (at most IDS_PER_STATEMENT ids, see db/bulk), in one
 * round trip: each customer with their model, whether they have an open ticket or an open
 * return, and their orders newest first (line items and journey state).
 */
export async function loadCustomerPage(
  db: D1Database,
  ids: readonly string[],
  policy: Policy,
): Promise<Map<string, { customer: CustomerSnapshot; openTicket: boolean; openReturn: boolean; orders: { id: string; lineItems: string; state: string | null }[] }>> {
  const marks = ids.map(() => "?").join(", ");
  const [customers, tickets, returns, orders] = (await db.batch([
    db.prepare(`${CUSTOMER_SQL} WHERE c.id IN (${marks})`).bind(...ids),
    db.prepare(`SELECT DISTINCT customer_id AS id FROM tickets WHERE ${OPEN_TICKET} AND customer_id IN (${marks})`).bind(...ids),
    db
      .prepare(
        `SELECT DISTINCT o.customer_id AS id FROM order_returns r JOIN orders o ON o.id = r.order_id
         WHERE ${OPEN_RETURN_REQUEST} AND o.customer_id IN (${marks})`,
      )
      .bind(...ids),
    db
      .prepare(
        `SELECT o.id, o.customer_id AS customerId, o.line_items AS lineItems, (SELECT state FROM journeys j WHERE j.order_id = o.id) AS state
         FROM orders o WHERE o.customer_id IN (${marks}) AND o.cancelled_at IS NULL ORDER BY o.created_at DESC`,
      )
      .bind(...ids),
  ])) as [D1Result<Row>, D1Result<{ id: string }>, D1Result<{ id: string }>, D1Result<{ id: string; customerId: string; lineItems: string; state: string | null }>];
  const withTicket = new Set(tickets.results.map((r) => r.id));
  const withReturn = new Set(returns.results.map((r) => r.id));
  const out = new Map<string, { customer: CustomerSnapshot; openTicket: boolean; openReturn: boolean; orders: { id: string; lineItems: string; state: string | null }[] }>();
  for (const c of customers.results) {
    const id = String(c.id);
    out.set(id, { customer: customerFrom(c, policy), openTicket: withTicket.has(id), openReturn: withReturn.has(id), orders: [] });
  }
  for (const o of orders.results) out.get(o.customerId)?.orders.push({ id: o.id, lineItems: o.lineItems, state: o.state });
  return out;
}

function customerFrom(c: Row, policy: Policy): CustomerSnapshot {
  const ltv = c.ltv !== null && c.ltv !== undefined ? Number(c.ltv) : Number(c.totalSpent ?? 0);
  return {
    id: String(c.id),
    firstName: (c.firstName as string | null) ?? null,
    phone: (c.phone as string | null) ?? null,
    email: (c.email as string | null) ?? null,
    ltv,
    tier: (c.tier as CustomerSnapshot["tier"] | null) ?? tierFor(ltv, policy.customerTiers),
    ordersCount: Number(c.modelOrders ?? c.ordersCount ?? 0),
    lastOrderAt: (c.lastOrderAt as number | null) ?? (c.lastSeenOrderAt as number | null) ?? null,
    expectedIntervalDays: c.intervalMilli === null || c.intervalMilli === undefined ? null : Number(c.intervalMilli) / 1000,
    pActive: c.pActiveMilli === null || c.pActiveMilli === undefined ? null : Number(c.pActiveMilli) / 1000,
    expectedOrders90d: c.expectedMilli === null || c.expectedMilli === undefined ? null : Number(c.expectedMilli) / 1000,
    predictedClv: c.predictedClv === null || c.predictedClv === undefined ? null : Number(c.predictedClv),
    acceptsMarketing: Boolean(c.acceptsMarketing),
    acceptsWhatsapp: Boolean(c.acceptsWhatsapp),
  };
}

const OPEN_TICKET = `status NOT IN (${CLOSED_TICKET_STATUSES.map((st) => `'${st}'`).join(", ")})`;

/** A return request (row `r`) with no return or refund after it. */
const OPEN_RETURN_REQUEST = `r.kind = 'return_requested'
  AND NOT EXISTS (SELECT 1 FROM order_returns x WHERE x.order_id = r.order_id AND x.kind IN ('returned', 'refunded') AND x.occurred_at >= r.occurred_at)`;

export async function hasOpenTicket(db: D1Database, customerId: string | null, orderId: string | null): Promise<boolean> {
  if (!customerId && !orderId) return false;
  const row = await db
    .prepare(`SELECT 1 FROM tickets WHERE ${OPEN_TICKET} AND ((? IS NOT NULL AND customer_id = ?) OR (? IS NOT NULL AND order_id = ?)) LIMIT 1`)
    .bind(customerId, customerId, orderId, orderId)
    .first();
  return row !== null;
}

/** A return is open from its request until it is refunded or closed. */
export async function hasOpenReturn(db: D1Database, customerId: string | null, orderId: string | null): Promise<boolean> {
  if (!customerId && !orderId) return false;
  const row = await db
    .prepare(
      `SELECT 1 FROM order_returns r WHERE ${OPEN_RETURN_REQUEST}
         AND ((? IS NOT NULL AND r.order_id = ?) OR (? IS NOT NULL AND r.order_id IN (SELECT id FROM orders WHERE customer_id = ?))) LIMIT 1`,
    )
    .bind(orderId, orderId, customerId, customerId)
    .first();
  return row !== null;
}

export function ticketSummary(r: Row): TicketSummary {
  return {
    helpdesk: r.helpdesk as TicketSummary["helpdesk"],
    ticketId: String(r.ticketId),
    category: String(r.category),
    status: normaliseTicketStatus(String(r.status)),
    subject: String(r.subject ?? ""),
    ...(typeof r.body === "string" ? { body: r.body } : {}),
    createdAt: Number(r.createdAt),
    firstResponseAt: (r.firstResponseAt as number | null) ?? null,
  };
}

/** Rules see only open | pending | solved | closed: a word no helpdesk table knows counts as open. */
export function normaliseTicketStatus(status: string): string {
  const s = ticketStatus(status);
  return s === "pending" || s === "solved" || s === "closed" ? s : "open";
}

export async function loadTicket(db: D1Database, rowId: string): Promise<(TicketSummary & { orderId: string | null; customerId: string | null }) | null> {
  const r = await db
    .prepare(
      `SELECT helpdesk, ticket_id AS ticketId, category, status, subject, substr(body, 1, 2000) AS body, created_at AS createdAt, first_response_at AS firstResponseAt,
              order_id AS orderId, customer_id AS customerId FROM tickets WHERE id = ?`,
    )
    .bind(rowId)
    .first<Row>();
  if (!r) return null;
  return { ...ticketSummary(r), orderId: (r.orderId as string | null) ?? null, customerId: (r.customerId as string | null) ?? null };
}

/** The stored route stats row for a shipment's route, as the rules read it. */
export async function loadRoute(db: D1Database, carrier: string | null, origin: string | null, pincode: string | null): Promise<RouteStat | null> {
  if (!carrier || !pincode) return null;
  const r = await db
    .prepare(
      `SELECT carrier, origin, destination, shipments, delay_rate_milli AS d, rto_rate_milli AS r, baseline_delay_rate_milli AS bd,
              baseline_rto_rate_milli AS br, median_transit_hours AS mt, p90_transit_hours AS p90, transit_samples AS ts,
              carrier_lateness_hours AS cl, trend FROM route_stats
       WHERE carrier = ? AND destination = ? AND (? IS NULL OR origin = ?) ORDER BY shipments DESC LIMIT 1`,
    )
    .bind(carrier, destinationPrefix(pincode), origin, origin)
    .first<Row>();
  if (r) return routeFromRow(r);
  // No row for the route: the carrier's lateness still helps a revised ETA (as a route with no deliveries measured).
  const c = await db.prepare(`SELECT carrier_lateness_hours AS cl FROM route_stats WHERE carrier = ? AND carrier_lateness_hours IS NOT NULL LIMIT 1`).bind(carrier).first<{ cl: number }>();
  return c
    ? { carrier, origin: origin ?? "UNKNOWN", destination: destinationPrefix(pincode), shipments: 0, resolved: 0, delayRate: 0, rtoRate: 0, rawDelayRate: null, baselineShipments: 0,
        baselineDelayRate: 0, baselineRtoRate: 0, medianTransitHours: null, p90TransitHours: null, transitSamples: 0, carrierLatenessHours: c.cl, trend: [] }
    : null;
}

export function routeFromRow(r: Row): RouteStat {
  return {
    carrier: String(r.carrier),
    origin: String(r.origin),
    destination: String(r.destination),
    shipments: Number(r.shipments),
    resolved: Number(r.shipments),
    delayRate: Number(r.d) / 1000,
    rtoRate: Number(r.r) / 1000,
    rawDelayRate: null,
    baselineShipments: 0,
    baselineDelayRate: Number(r.bd) / 1000,
    baselineRtoRate: Number(r.br) / 1000,
    medianTransitHours: (r.mt as number | null) ?? null,
    p90TransitHours: (r.p90 as number | null | undefined) ?? null,
    transitSamples: Number(r.ts ?? 0),
    carrierLatenessHours: (r.cl as number | null | undefined) ?? null,
    trend: JSON.parse(String(r.trend ?? "[]")),
  };
}

/** Open tickets created before `cutoff` with no first response yet (oldest first, at most 500). */
export async function ticketsAwaitingFirstResponse(db: D1Database, cutoff: number): Promise<(TicketSummary & { orderId: string | null; customerId: string | null })[]> {
  const { results } = await db
    .prepare(
      `SELECT helpdesk, ticket_id AS ticketId, category, status, subject, substr(body, 1, 2000) AS body, created_at AS createdAt, first_response_at AS firstResponseAt,
              order_id AS orderId, customer_id AS customerId FROM tickets
       WHERE first_response_at IS NULL AND created_at <= ? AND ${OPEN_TICKET} AND status != 'pending' ORDER BY created_at LIMIT 500`,
    )
    .bind(cutoff)
    .all<Row>();
  return results.map((r) => ({ ...ticketSummary(r), orderId: (r.orderId as string | null) ?? null, customerId: (r.customerId as string | null) ?? null }));
}

export async function loadSkuSupply(db: D1Database, sku: string, _policy: Policy): Promise<SkuSupply | null> {
  const r = await db
    .prepare(
      `SELECT s.sku, s.available, s.daily_demand_milli AS sellThroughMilli, p.title, p.product_id AS productId, p.price,
              st.lead_time_days AS settingsLead, st.reorder_point AS settingsReorder, st.safety_stock AS safetyStock, st.pack_size AS packSize,
              f.mean_daily_milli AS forecastMilli, f.method, f.daily_demand AS forecastDaily, f.cumulative_sigma AS cumulativeSigma,
              (SELECT max(lead_time_days) FROM inventory_records i WHERE i.sku = s.sku AND i.source != 'shopify') AS erpLead,
              (SELECT max(reorder_point) FROM inventory_records i WHERE i.sku = s.sku AND i.source != 'shopify') AS erpReorder
       FROM sku_stock s LEFT JOIN products p ON p.sku = s.sku LEFT JOIN sku_settings st ON st.sku = s.sku LEFT JOIN sku_forecasts f ON f.sku = s.sku
       WHERE s.sku = ?`,
    )
    .bind(sku)
    .first<Record<string, number | string | null>>();
  if (!r) return null;
  const { results: pos } = await db
    .prepare(`SELECT status, lines, updated_at AS updatedAt FROM purchase_orders WHERE instr(lines, ?) > 0`)
    .bind(`"${sku}"`)
    .all<{ status: string; lines: string; updatedAt: number }>();
  let openPoQuantity = 0;
  let lastReceiptAt: number | null = null;
  for (const po of pos) {
    const qty = (JSON.parse(po.lines) as { sku: string; quantity: number }[]).filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
    if (isReceivedPo(po.status)) lastReceiptAt = Math.max(lastReceiptAt ?? 0, po.updatedAt);
    else if (isOpenPo(po.status)) openPoQuantity += qty;
  }
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  // Supply settings: the ERP's where it carries them, else per-SKU settings, else policy defaults (in the rule).
  return {
    sku,
    title: String(r.title ?? sku),
    productId: (r.productId as string | null) ?? null,
    available: Number(r.available),
    reorderPoint: num(r.erpReorder) ?? num(r.settingsReorder),
    leadTimeDays: num(r.erpLead) ?? num(r.settingsLead),
    safetyDays: null,
    packSize: num(r.packSize),
    openPoQuantity,
    dailyDemand: (num(r.forecastMilli) ?? num(r.sellThroughMilli) ?? 0) / 1000,
    demandForecast: r.cumulativeSigma && r.forecastDaily ? { dailyDemand: JSON.parse(String(r.forecastDaily)) as number[], cumulativeSigma: JSON.parse(String(r.cumulativeSigma)) as number[] } : null,
    forecastMethod: (r.method as string | null) ?? (r.sellThroughMilli ? "sell-through (28 days)" : null),
    lastReceiptAt,
    unitPricePaise: num(r.price),
  };
}

/** Where Shopify keeps a SKU's stock, when a push does not carry it: its inventory item, and a location that reported it. */
export async function shopifyInventoryRef(db: D1Database, sku: string): Promise<{ inventoryItemId: string | null; locationId: string | null }> {
  const [item, location] = (await db.batch([
    db.prepare(`SELECT inventory_item_id AS id FROM products WHERE sku = ?`).bind(sku),
    db.prepare(`SELECT location_id AS id FROM inventory_records WHERE sku = ? AND source = 'shopify' LIMIT 1`).bind(sku),
  ])) as [D1Result<{ id: string | null }>, D1Result<{ id: string | null }>];
  return { inventoryItemId: item.results[0]?.id ?? null, locationId: location.results[0]?.id ?? null };
}

/** The Shopify id of the order with this name (`#1042`). */
export async function orderIdByName(db: D1Database, name: string): Promise<string | null> {
  return (await db.prepare(`SELECT id FROM orders WHERE name = ?`).bind(name).first<{ id: string }>())?.id ?? null;
}

/** How to reach an order's customer in the CRM: the order's own email and phone, and its name. */
export function orderContact(db: D1Database, orderId: string): Promise<{ email: string | null; phone: string | null; name: string } | null> {
  return db.prepare(`SELECT email, phone, name FROM orders WHERE id = ?`).bind(orderId).first<{ email: string | null; phone: string | null; name: string }>();
}

/** Open return requests of an order, and its five latest messages (newest first), for the helpdesk context. */
export async function orderReturnsAndMessages(db: D1Database, orderId: string): Promise<{ openReturns: number; messages: { direction: string; kind: string; status: string; text: string | null; at: number }[] }> {
  const [returns, messages] = (await db.batch([
    db.prepare(`SELECT count(*) AS n FROM order_returns WHERE order_id = ? AND kind = 'return_requested'`).bind(orderId),
    db.prepare(`SELECT direction, kind, status, text, occurred_at AS at FROM messages WHERE order_id = ? ORDER BY occurred_at DESC LIMIT 5`).bind(orderId),
  ])) as [D1Result<{ n: number }>, D1Result<{ direction: string; kind: string; status: string; text: string | null; at: number }>];
  return { openReturns: returns.results[0]?.n ?? 0, messages: messages.results };
}

/** When D1's copy of an order was last updated (Shopify's updated_at), or null when D1 has none. */
export async function orderUpdatedAt(db: D1Database, orderId: string): Promise<number | null> {
  return (await db.prepare(`SELECT updated_at AS u FROM orders WHERE id = ?`).bind(orderId).first<{ u: number }>())?.u ?? null;
}
