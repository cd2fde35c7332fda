/** Read queries for orders and everything linked to them, in the API's camelCase shape. */

export interface OrderRow {
  id: string;
  name: string;
  number: number | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  currency: string;
  totalPrice: number;
  subtotalPrice: number;
  paymentMethod: "prepaid" | "cod";
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelledAt: string | null;
  shippingPincode: string | null;
  shippingCity: string | null;
  shippingState: string | null;
  lineItems: { sku: string | null; title: string; quantity: number; unitPrice: number }[];
  tags: string[];
  note: string | null;
  createdAt: string;
  updatedAt: string;
  source: string;
  sourceId: string;
}

const iso = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : new Date(v).toISOString());

const ORDER_COLUMNS = `id, name, number, customer_id AS customerId, email, phone, currency, total_price AS totalPrice,
  subtotal_price AS subtotalPrice, payment_method AS paymentMethod, financial_status AS financialStatus,
  fulfillment_status AS fulfillmentStatus, cancelled_at AS cancelledAt, shipping_pincode AS shippingPincode,
  shipping_city AS shippingCity, shipping_state AS shippingState, line_items AS lineItems, tags, note,
  created_at AS createdAt, updated_at AS updatedAt, source, source_id AS sourceId`;

type RawOrder = Omit<OrderRow, "lineItems" | "tags" | "createdAt" | "updatedAt" | "cancelledAt"> & {
  lineItems: string;
  tags: string;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
};

function toOrder(r: RawOrder): OrderRow {
  return {
    ...r,
    lineItems: JSON.parse(r.lineItems),
    tags: JSON.parse(r.tags),
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    cancelledAt: iso(r.cancelledAt),
  };
}

export async function getOrder(db: D1Database, id: string): Promise<OrderRow | null> {
  const r = await db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`).bind(id).first<RawOrder>();
  return r ? toOrder(r) : null;
}

export async function getOrderByName(db: D1Database, name: string): Promise<OrderRow | null> {
  const normalised = name.startsWith("#") ? name : `#${name}`;
  const r = await db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE name = ? ORDER BY created_at DESC LIMIT 1`).bind(normalised).first<RawOrder>();
  return r ? toOrder(r) : null;
}

export interface CustomerRow {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  ordersCount: number | null;
  totalSpent: number | null;
  acceptsMarketing: boolean;
  acceptsWhatsapp: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  redactedAt: string | null;
  source: string;
  sourceId: string;
}

export async function getCustomer(db: D1Database, id: string): Promise<CustomerRow | null> {
  const r = await db
    .prepare(
      `SELECT id, email, phone, first_name AS firstName, last_name AS lastName, orders_count AS ordersCount,
              total_spent AS totalSpent, accepts_marketing AS acceptsMarketing, accepts_whatsapp AS acceptsWhatsapp,
              created_at AS createdAt, updated_at AS updatedAt, redacted_at AS redactedAt, source, source_id AS sourceId
       FROM customers WHERE id = ?`,
    )
    .bind(id)
    .first<Omit<CustomerRow, "acceptsMarketing" | "acceptsWhatsapp" | "createdAt" | "updatedAt" | "redactedAt"> & { createdAt: number | null; updatedAt: number; redactedAt: number | null; acceptsMarketing: number; acceptsWhatsapp: number }>();
  if (!r) return null;
  return {
    ...r,
    acceptsMarketing: Boolean(r.acceptsMarketing),
    acceptsWhatsapp: Boolean(r.acceptsWhatsapp),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    redactedAt: iso(r.redactedAt),
  };
}

export async function getShipments(db: D1Database, orderId: string) {
  const { results } = await db
    .prepare(
      `SELECT awb, carrier, status, raw_status AS rawStatus, location, pincode, eta, is_return AS isReturn, occurred_at AS occurredAt
       FROM shipment_events WHERE order_id = ? ORDER BY occurred_at ASC, received_at ASC`,
    )
    .bind(orderId)
    .all<{ awb: string; carrier: string; status: string; rawStatus: string; location: string | null; pincode: string | null; eta: number | null; isReturn: number; occurredAt: number }>();
  return results.map((r) => ({ ...r, isReturn: Boolean(r.isReturn), eta: iso(r.eta), occurredAt: iso(r.occurredAt)! }));
}

export async function getTickets(db: D1Database, orderId: string) {
  const { results } = await db
    .prepare(
      `SELECT ticket_id AS id, helpdesk, subject, status, category, priority, assignee, channel, created_at AS createdAt,
              first_response_at AS firstResponseAt, updated_at AS updatedAt
       FROM tickets WHERE order_id = ? ORDER BY created_at ASC`,
    )
    .bind(orderId)
    .all<{ id: string; helpdesk: string; subject: string; status: string; category: string; priority: string | null; assignee: string | null; channel: string | null; createdAt: number; firstResponseAt: number | null; updatedAt: number }>();
  return results.map((r) => ({ ...r, createdAt: iso(r.createdAt)!, firstResponseAt: iso(r.firstResponseAt), updatedAt: iso(r.updatedAt)! }));
}

export async function getMessages(db: D1Database, orderId: string) {
  const { results } = await db
    .prepare(
      `SELECT id, channel, direction, phone, kind, text, payload, status, error, occurred_at AS occurredAt
       FROM messages WHERE order_id = ? ORDER BY occurred_at ASC`,
    )
    .bind(orderId)
    .all<{ id: string; channel: string; direction: string; phone: string | null; kind: string; text: string | null; payload: string | null; status: string; error: string | null; occurredAt: number }>();
  return results.map((r) => ({ ...r, occurredAt: iso(r.occurredAt)! }));
}

export async function getReturns(db: D1Database, orderId: string) {
  const { results } = await db
    .prepare(`SELECT kind, refund_id AS refundId, amount, restock, occurred_at AS occurredAt FROM order_returns WHERE order_id = ? ORDER BY occurred_at`)
    .bind(orderId)
    .all<{ kind: string; refundId: string | null; amount: number; restock: number; occurredAt: number }>();
  return results.map((r) => ({ ...r, restock: Boolean(r.restock), occurredAt: iso(r.occurredAt)! }));
}

/** Finds orders by Shopify id, order name, AWB, email or phone. */
export async function searchOrders(db: D1Database, q: string, limit = 20): Promise<OrderRow[]> {
  const term = q.trim();
  if (!term) return [];
  const lower = term.toLowerCase();
  const digits = term.replace(/[^\d]/g, "");
  const phone = digits.length >= 10 ? `%${digits.slice(-10)}` : null;
  const name = term.startsWith("#") ? term : `#${term}`;
  const { results } = await db
    .prepare(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ? OR name = ? OR lower(email) = ?
         OR (? IS NOT NULL AND phone LIKE ?)
         OR id IN (SELECT order_id FROM order_links WHERE key = ?)
       ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(term, name, lower, phone, phone, term, limit)
    .all<RawOrder>();
  return results.map(toOrder);
}

/** A customer's 50 latest orders, newest first. */
export async function recentOrdersOfCustomer(db: D1Database, customerId: string): Promise<{ id: string; name: string; totalPrice: number; createdAt: number }[]> {
  const { results } = await db
    .prepare(`SELECT id, name, total_price AS totalPrice, created_at AS createdAt FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 50`)
    .bind(customerId)
    .all<{ id: string; name: string; totalPrice: number; createdAt: number }>();
  return results;
}

/** When the journey read model of an order was last written, and whether it is stalled. */
export function journeyRowMeta(db: D1Database, orderId: string): Promise<{ updatedAt: number; stalled: number } | null> {
  return db.prepare(`SELECT updated_at AS updatedAt, stalled FROM journeys WHERE order_id = ?`).bind(orderId).first<{ updatedAt: number; stalled: number }>();
}
