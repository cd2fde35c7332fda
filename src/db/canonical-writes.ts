/**
 * Canonical upserts and identity resolution. Each record is written by its own time: an older
 * update arriving late never overwrites a newer one. Links let any system's key find the order.
 */
import type {
  CanonicalBatch,
  Customer,
  InventoryRecord,
  Message,
  Order,
  OrderReturn,
  Product,
  PurchaseOrder,
  ShipmentEvent,
  SupportTicket,
} from "../canonical/model";
import { rememberFulfillment } from "./connector-state";
import { upsertShopifyLocation } from "./locations";

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

export function orderRefKeys(ref: string): string[] {
  const trimmed = ref.trim();
  const digits = trimmed.replace(/^#/, "");
  return [...new Set([trimmed, digits, `#${digits}`])];
}

function upsertOrder(db: D1Database, o: Order): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO orders (id, name, number, customer_id, email, phone, currency, total_price, subtotal_price,
         payment_method, financial_status, fulfillment_status, cancelled_at, shipping_pincode, shipping_city,
         shipping_state, line_items, tags, note, created_at, updated_at, source, source_id, customer_locale)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, number = excluded.number, customer_id = excluded.customer_id,
         email = excluded.email, phone = excluded.phone, currency = excluded.currency, total_price = excluded.total_price,
         subtotal_price = excluded.subtotal_price, payment_method = excluded.payment_method,
         financial_status = excluded.financial_status, fulfillment_status = excluded.fulfillment_status,
         cancelled_at = excluded.cancelled_at, shipping_pincode = excluded.shipping_pincode,
         shipping_city = excluded.shipping_city, shipping_state = excluded.shipping_state, line_items = excluded.line_items,
         tags = excluded.tags, note = excluded.note, created_at = excluded.created_at, updated_at = excluded.updated_at,
         source = excluded.source, source_id = excluded.source_id, customer_locale = coalesce(excluded.customer_locale, orders.customer_locale)
       WHERE excluded.updated_at >= orders.updated_at`,
    )
    .bind(
      o.id, o.name, o.number, o.customerId, o.email, o.phone, o.currency, o.totalPrice, o.subtotalPrice,
      o.paymentMethod, o.financialStatus, o.fulfillmentStatus, ms(o.cancelledAt), o.shippingPincode, o.shippingCity,
      o.shippingState, JSON.stringify(o.lineItems), JSON.stringify(o.tags), o.note, ms(o.createdAt), ms(o.updatedAt),
      o.source, o.sourceId, o.customerLocale ?? null,
    );
}

function upsertCustomer(db: D1Database, c: Customer): D1PreparedStatement {
  // A redacted customer stays redacted: later payloads naming them do not bring the data back.
  return db
    .prepare(
      `INSERT INTO customers (id, email, phone, first_name, last_name, orders_count, total_spent, accepts_marketing,
         accepts_whatsapp, created_at, updated_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET email = coalesce(excluded.email, customers.email),
         phone = coalesce(excluded.phone, customers.phone), first_name = coalesce(excluded.first_name, customers.first_name),
         last_name = coalesce(excluded.last_name, customers.last_name),
         orders_count = coalesce(excluded.orders_count, customers.orders_count),
         total_spent = coalesce(excluded.total_spent, customers.total_spent),
         accepts_marketing = excluded.accepts_marketing, accepts_whatsapp = excluded.accepts_whatsapp,
         created_at = coalesce(excluded.created_at, customers.created_at), updated_at = excluded.updated_at
       WHERE excluded.updated_at >= customers.updated_at AND customers.redacted_at IS NULL`,
    )
    .bind(
      c.id, c.email, c.phone, c.firstName, c.lastName, c.ordersCount, c.totalSpent, c.acceptsMarketing ? 1 : 0,
      c.acceptsWhatsapp ? 1 : 0, ms(c.createdAt), ms(c.updatedAt), c.source, c.sourceId,
    );
}

function upsertProduct(db: D1Database, p: Product): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO products (sku, title, category, product_id, variant_id, inventory_item_id, price, updated_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET title = excluded.title, category = coalesce(excluded.category, products.category),
         product_id = coalesce(excluded.product_id, products.product_id), variant_id = coalesce(excluded.variant_id, products.variant_id),
         inventory_item_id = coalesce(excluded.inventory_item_id, products.inventory_item_id),
         price = coalesce(excluded.price, products.price), updated_at = excluded.updated_at
       WHERE excluded.updated_at >= products.updated_at`,
    )
    .bind(p.sku, p.title, p.category, p.productId, p.variantId, p.inventoryItemId, p.price, ms(p.updatedAt), p.source, p.sourceId);
}

function upsertInventory(db: D1Database, r: InventoryRecord, sku: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO inventory_records (source, sku, inventory_item_id, location_id, available, on_hand, committed, incoming,
         reorder_point, lead_time_days, updated_at, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, sku, location_id) DO UPDATE SET inventory_item_id = coalesce(excluded.inventory_item_id, inventory_records.inventory_item_id),
         available = excluded.available, on_hand = excluded.on_hand, committed = excluded.committed, incoming = excluded.incoming,
         reorder_point = coalesce(excluded.reorder_point, inventory_records.reorder_point),
         lead_time_days = coalesce(excluded.lead_time_days, inventory_records.lead_time_days),
         updated_at = excluded.updated_at, source_id = excluded.source_id
       WHERE excluded.updated_at >= inventory_records.updated_at`,
    )
    .bind(
      r.source, sku, r.inventoryItemId, r.locationId, r.available, r.onHand, r.committed, r.incoming, r.reorderPoint,
      r.leadTimeDays === null ? null : Math.round(r.leadTimeDays), ms(r.updatedAt), r.sourceId,
    );
}

export function shipmentEventId(e: ShipmentEvent): string {
  return `${e.carrier}:${e.awb}:${e.status}:${e.rawStatus}:${Date.parse(e.occurredAt)}`;
}

function insertShipmentEvent(db: D1Database, e: ShipmentEvent, orderId: string | null, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shipment_events (id, order_id, order_ref, carrier, awb, status, raw_status, location, pincode, eta,
         is_return, occurred_at, source, source_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET order_id = coalesce(shipment_events.order_id, excluded.order_id)`,
    )
    .bind(
      shipmentEventId(e), orderId, e.orderRef, e.carrier, e.awb, e.status, e.rawStatus, e.location, e.pincode, ms(e.eta),
      e.isReturn ? 1 : 0, ms(e.occurredAt), e.source, e.sourceId, now,
    );
}

export function ticketRowId(t: SupportTicket): string {
  return `${t.helpdesk}:${t.ticketId}`;
}

function upsertTicket(db: D1Database, t: SupportTicket, orderId: string | null, customerId: string | null): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO tickets (id, helpdesk, ticket_id, customer_id, order_id, order_ref, email, phone, channel, subject, body,
         category, status, priority, assignee, tags, created_at, first_response_at, updated_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET customer_id = coalesce(excluded.customer_id, tickets.customer_id),
         order_id = coalesce(excluded.order_id, tickets.order_id), order_ref = coalesce(excluded.order_ref, tickets.order_ref),
         email = coalesce(excluded.email, tickets.email), phone = coalesce(excluded.phone, tickets.phone),
         channel = coalesce(excluded.channel, tickets.channel), subject = excluded.subject,
         body = CASE WHEN excluded.body = '' THEN tickets.body ELSE excluded.body END,
         category = CASE WHEN excluded.category = 'other' THEN tickets.category ELSE excluded.category END,
         status = excluded.status, priority = coalesce(excluded.priority, tickets.priority),
         assignee = coalesce(excluded.assignee, tickets.assignee), tags = excluded.tags,
         first_response_at = coalesce(tickets.first_response_at, excluded.first_response_at), updated_at = excluded.updated_at
       WHERE excluded.updated_at >= tickets.updated_at`,
    )
    .bind(
      ticketRowId(t), t.helpdesk, t.ticketId, customerId, orderId, t.orderRef, t.email, t.phone, t.channel, t.subject,
      t.body, t.category, t.status, t.priority, t.assignee, JSON.stringify(t.tags), ms(t.createdAt), ms(t.firstResponseAt),
      ms(t.updatedAt), t.source, t.sourceId,
    );
}

const MESSAGE_STATUS_RANK: Record<Message["status"], number> = { received: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

function upsertMessage(db: D1Database, m: Message, customerId: string | null, orderId: string | null): D1PreparedStatement {
  // Statuses only move forward (sent → delivered → read; failed is final), whatever order they arrive in.
  return db
    .prepare(
      `INSERT INTO messages (id, channel, direction, phone, customer_id, order_id, kind, text, payload, status, error, occurred_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, error = coalesce(excluded.error, messages.error),
         customer_id = coalesce(messages.customer_id, excluded.customer_id), order_id = coalesce(messages.order_id, excluded.order_id)
       WHERE (CASE excluded.status ${rankCase()} END) > (CASE messages.status ${rankCase()} END)`,
    )
    .bind(
      m.messageId, m.channel, m.direction, m.phone, customerId, orderId, m.kind, m.text, m.payload, m.status, m.error,
      ms(m.occurredAt), m.source, m.sourceId,
    );
}

function rankCase(): string {
  return Object.entries(MESSAGE_STATUS_RANK)
    .map(([status, rank]) => `WHEN '${status}' THEN ${rank}`)
    .join(" ");
}

function insertReturn(db: D1Database, r: OrderReturn): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO order_returns (id, order_id, kind, refund_id, amount, restock, line_items, occurred_at, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    )
    .bind(`${r.source}:${r.sourceId}`, r.orderId, r.kind, r.refundId, r.amount, r.restock ? 1 : 0, JSON.stringify(r.lineItems), ms(r.occurredAt), r.source);
}

function upsertPurchaseOrder(db: D1Database, p: PurchaseOrder): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO purchase_orders (po_number, status, expected_at, lines, updated_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (po_number) DO UPDATE SET status = excluded.status, expected_at = excluded.expected_at,
         lines = excluded.lines, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= purchase_orders.updated_at`,
    )
    .bind(p.poNumber, p.status, ms(p.expectedAt), JSON.stringify(p.lines), ms(p.updatedAt), p.source, p.sourceId);
}

function link(db: D1Database, kind: string, key: string, orderId: string, carrier: string | null, now: number): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO order_links (kind, key, order_id, carrier, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
    .bind(kind, key, orderId, carrier, now);
}

/** Finds the Shopify order id for any reference: an order id, a name (`#1042`), a number, or a channel order id. */
export async function resolveOrderRef(db: D1Database, ref: string): Promise<string | null> {
  const keys = orderRefKeys(ref);
  const row = await db
    .prepare(`SELECT order_id AS orderId FROM order_links WHERE kind = 'ref' AND key IN (${keys.map(() => "?").join(", ")}) LIMIT 1`)
    .bind(...keys)
    .first<{ orderId: string }>();
  return row?.orderId ?? null;
}

export async function resolveAwb(db: D1Database, awb: string): Promise<string | null> {
  const row = await db.prepare(`SELECT order_id AS orderId FROM order_links WHERE kind = 'awb' AND key = ?`).bind(awb).first<{ orderId: string }>();
  return row?.orderId ?? null;
}

/** The customer's most recent order, found by email or phone. */
async function latestOrderOf(db: D1Database, email: string | null, phone: string | null): Promise<{ orderId: string; customerId: string | null } | null> {
  if (!email && !phone) return null;
  const row = await db
    .prepare(
      `SELECT id AS orderId, customer_id AS customerId FROM orders
       WHERE (? IS NOT NULL AND email = ?) OR (? IS NOT NULL AND phone = ?) ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(email, email, phone, phone)
    .first<{ orderId: string; customerId: string | null }>();
  return row ?? null;
}

async function customerByContact(db: D1Database, email: string | null, phone: string | null): Promise<string | null> {
  if (!email && !phone) return null;
  const row = await db
    .prepare(`SELECT id FROM customers WHERE (? IS NOT NULL AND email = ?) OR (? IS NOT NULL AND phone = ?) LIMIT 1`)
    .bind(email, email, phone, phone)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/** What a batch touched, so the consumer can forward it to the objects that own it. */
export interface AppliedBatch {
  orderIds: Set<string>;
  skus: Set<string>;
  /** Shipment events with the order they resolved to (null while the order is unknown). */
  shipmentEvents: { event: ShipmentEvent; id: string; orderId: string | null }[];
  tickets: { ticket: SupportTicket; id: string; orderId: string | null; customerId: string | null }[];
  messages: { message: Message; customerId: string | null; orderId: string | null }[];
  inventory: { record: InventoryRecord; sku: string }[];
  /** Shopify levels dropped, with the SKU they belonged to (null while the item is unknown). */
  levelDisconnects: { sku: string | null; locationId: string; at: string | null }[];
}

/** Writes a mapped batch to D1 (one transaction) and resolves identities across systems. */
export async function applyCanonicalBatch(db: D1Database, batch: CanonicalBatch, now: number): Promise<AppliedBatch> {
  const applied: AppliedBatch = { orderIds: new Set(), skus: new Set(), shipmentEvents: [], tickets: [], messages: [], inventory: [], levelDisconnects: [] };
  const statements: D1PreparedStatement[] = [];

  for (const c of batch.customers) statements.push(upsertCustomer(db, c));
  for (const o of batch.orders) {
    statements.push(upsertOrder(db, o));
    for (const key of new Set([o.id, ...orderRefKeys(o.name), ...(o.number ? [String(o.number)] : [])])) {
      statements.push(link(db, "ref", key, o.id, null, now));
    }
    // Events that arrived before their order: link them now.
    statements.push(
      db.prepare(`UPDATE shipment_events SET order_id = ? WHERE order_id IS NULL AND order_ref IN (${orderRefKeys(o.name).concat(o.id).map(() => "?").join(", ")})`)
        .bind(o.id, ...orderRefKeys(o.name), o.id),
      db.prepare(`UPDATE tickets SET order_id = ?, customer_id = coalesce(customer_id, ?) WHERE order_id IS NULL AND (order_ref IN (${orderRefKeys(o.name).map(() => "?").join(", ")}) OR (order_ref IS NULL AND ((email IS NOT NULL AND email = ?) OR (phone IS NOT NULL AND phone = ?))))`)
        .bind(o.id, o.customerId, ...orderRefKeys(o.name), o.email, o.phone),
      db.prepare(`UPDATE messages SET order_id = ?, customer_id = coalesce(customer_id, ?) WHERE order_id IS NULL AND phone IS NOT NULL AND phone = ?`)
        .bind(o.id, o.customerId, o.phone),
    );
    applied.orderIds.add(o.id);
    for (const li of o.lineItems) if (li.sku) applied.skus.add(li.sku);
  }
  for (const l of batch.awbLinks) {
    statements.push(link(db, "awb", l.awb, l.orderId, l.carrier, now));
    // Carrier scans are mirrored into Shopify as events on this fulfilment.
    if (l.fulfillmentId) statements.push(rememberFulfillment(db, l.awb, l.fulfillmentId, now));
    statements.push(db.prepare(`UPDATE shipment_events SET order_id = ? WHERE awb = ? AND order_id IS NULL`).bind(l.orderId, l.awb));
    applied.orderIds.add(l.orderId);
  }
  for (const p of batch.products) statements.push(upsertProduct(db, p));
  for (const l of batch.locations) statements.push(upsertShopifyLocation(db, { id: l.id, name: l.name, active: l.active, updatedAt: l.updatedAt ? Date.parse(l.updatedAt) : now }));
  for (const po of batch.purchaseOrders) statements.push(upsertPurchaseOrder(db, po));
  for (const r of batch.returns) {
    statements.push(insertReturn(db, r));
    applied.orderIds.add(r.orderId);
  }

  // Orders, links and products first, so the lookups below see this batch's own records.
  if (statements.length) await db.batch(statements);
  const second: D1PreparedStatement[] = [];

  for (const e of batch.shipmentEvents) {
    const orderId =
      e.orderId ?? (await resolveAwb(db, e.awb)) ?? (e.orderRef ? await resolveOrderRef(db, e.orderRef) : null);
    const id = shipmentEventId(e);
    second.push(insertShipmentEvent(db, e, orderId, now));
    if (orderId && !e.awb.startsWith("fulfillment:")) {
      second.push(link(db, "awb", e.awb, orderId, e.carrier, now));
      second.push(db.prepare(`UPDATE shipment_events SET order_id = ? WHERE awb = ? AND order_id IS NULL`).bind(orderId, e.awb));
    }
    if (e.orderRef && orderId) second.push(link(db, "ref", e.orderRef, orderId, e.carrier, now));
    applied.shipmentEvents.push({ event: e, id, orderId });
    if (orderId) applied.orderIds.add(orderId);
  }

  for (const t of batch.tickets) {
    let orderId = t.orderRef ? await resolveOrderRef(db, t.orderRef) : null;
    let customerId = t.customerId ?? (await customerByContact(db, t.email, t.phone));
    if (!orderId && !t.orderRef) {
      const latest = await latestOrderOf(db, t.email, t.phone);
      if (latest) {
        orderId = latest.orderId;
        customerId = customerId ?? latest.customerId;
      }
    }
    if (orderId && !customerId) {
      const row = await db.prepare(`SELECT customer_id AS customerId FROM orders WHERE id = ?`).bind(orderId).first<{ customerId: string | null }>();
      customerId = row?.customerId ?? null;
    }
    second.push(upsertTicket(db, t, orderId, customerId));
    applied.tickets.push({ ticket: t, id: ticketRowId(t), orderId, customerId });
    if (orderId) applied.orderIds.add(orderId);
  }

  for (const m of batch.messages) {
    const latest = m.phone ? await latestOrderOf(db, null, m.phone) : null;
    const customerId = latest?.customerId ?? (await customerByContact(db, null, m.phone));
    second.push(upsertMessage(db, m, customerId, latest?.orderId ?? null));
    applied.messages.push({ message: m, customerId, orderId: latest?.orderId ?? null });
  }

  for (const r of batch.inventory) {
    let sku = r.sku;
    if (!sku && r.inventoryItemId) {
      const row = await db.prepare(`SELECT sku FROM products WHERE inventory_item_id = ?`).bind(r.inventoryItemId).first<{ sku: string }>();
      sku = row?.sku ?? null;
    }
    const key = sku ?? `item:${r.inventoryItemId}`;
    second.push(upsertInventory(db, r, key));
    applied.inventory.push({ record: r, sku: key });
    if (sku) applied.skus.add(sku);
  }
  for (const d of batch.levelDisconnects) {
    const row = await db.prepare(`SELECT sku FROM products WHERE inventory_item_id = ?`).bind(d.inventoryItemId).first<{ sku: string }>();
    const sku = row?.sku ?? `item:${d.inventoryItemId}`;
    second.push(db.prepare(`DELETE FROM inventory_records WHERE source = 'shopify' AND sku = ? AND location_id = ?`).bind(sku, d.locationId));
    applied.levelDisconnects.push({ sku: row?.sku ?? null, locationId: d.locationId, at: d.at });
  }
  // Shopify levels stored before their product was known now get their SKU, and reach its ledger.
  for (const p of batch.products) {
    if (p.inventoryItemId) {
      const { results: kept } = await db
        .prepare(
          `SELECT location_id AS locationId, available, updated_at AS updatedAt FROM inventory_records WHERE source = 'shopify' AND sku = ?`,
        )
        .bind(`item:${p.inventoryItemId}`)
        .all<{ locationId: string; available: number; updatedAt: number }>();
      for (const k of kept) {
        applied.inventory.push({
          sku: p.sku,
          record: {
            sku: p.sku, inventoryItemId: p.inventoryItemId, locationId: k.locationId, available: k.available, onHand: null, committed: null, incoming: null,
            reorderPoint: null, leadTimeDays: null, updatedAt: new Date(k.updatedAt).toISOString(), source: "shopify", sourceId: `${p.inventoryItemId}@${k.locationId}`,
          },
        });
      }
      second.push(
        db.prepare(`UPDATE OR IGNORE inventory_records SET sku = ? WHERE sku = ? AND source = 'shopify'`).bind(p.sku, `item:${p.inventoryItemId}`),
      );
      applied.skus.add(p.sku);
    }
  }

  if (second.length) await db.batch(second);
  return applied;
}

/** Scans stored before their order was known, now linked to it. */
export async function linkedScans(db: D1Database, orderId: string) {
  const { results } = await db
    .prepare(
      `SELECT id, carrier, awb, status, raw_status AS rawStatus, location, pincode, eta, is_return AS isReturn, occurred_at AS occurredAt, source, source_id AS sourceId, order_ref AS orderRef
       FROM shipment_events WHERE order_id = ?`,
    )
    .bind(orderId)
    .all<{ id: string; carrier: string; awb: string; status: string; rawStatus: string; location: string | null; pincode: string | null; eta: number | null; isReturn: number; occurredAt: number; source: string; sourceId: string; orderRef: string | null }>();
  return results.map((r) => ({
    id: r.id,
    e: {
      carrier: r.carrier,
      awb: r.awb,
      status: r.status,
      rawStatus: r.rawStatus,
      location: r.location,
      pincode: r.pincode,
      eta: r.eta === null ? null : new Date(r.eta).toISOString(),
      isReturn: Boolean(r.isReturn),
      occurredAt: new Date(r.occurredAt).toISOString(),
      orderId: orderId,
      orderRef: r.orderRef,
      source: r.source,
      sourceId: r.sourceId,
    } as AppliedBatch["shipmentEvents"][number]["event"],
  }));
}
