/**
 * Webhook bodies in each vendor's own shape, built from the samples in test/fixtures (see
 * test/fixtures/vendor/README.md for where each comes from). Pure: data in, JSON-ready object out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CARRIERS, SKUS, WAREHOUSES } from "./brand.mjs";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures");
const load = (p) => JSON.parse(readFileSync(path.join(fixtures, p), "utf8"));
const FIX = {
  order: load("shopify/orders-create-cod.json"),
  fulfillment: load("shopify/fulfillments-create-delhivery.json"),
  product: load("shopify/products-update.json"),
  inventoryLevel: load("vendor/shopify/inventory_levels-update.json"),
  refund: load("vendor/shopify/refunds-create.json"),
  shiprocket: load("vendor/shiprocket/tracking-webhook.json"),
  delhivery: load("vendor/delhivery/scan-push.json"),
  zoho: load("zoho-inventory/item-with-warehouses.json"),
  unicommerce: load("vendor/unicommerce/inventory-snapshot-response-fixture.json"),
  gorgias: load("vendor/gorgias/ticket-created-http-integration.json"),
  freshdesk: load("vendor/freshdesk/ticket-view-response.json"),
  zendesk: load("vendor/zendesk/webhook-ticket-created.json"),
  zendeskComment: load("vendor/zendesk/webhook-ticket-comment_added.json"),
  whatsappButton: load("vendor/whatsapp/inbound-template-quick_reply-button.json"),
};
const clone = (o) => structuredClone(o);

/** "2026-11-20T10:15:00+05:30": Shopify writes shop-local (IST) times with their offset. */
export function shopifyTime(ms) {
  return new Date(ms + 330 * 60_000).toISOString().slice(0, 19) + "+05:30";
}

/** "2026-11-20 10:15:00": Shiprocket, Delhivery and Zoho write IST without a zone. */
export function istStamp(ms) {
  return new Date(ms + 330 * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

const rupees = (n) => n.toFixed(2);

/** orders/create (and /updated, /cancelled) for an Indian order: INR, COD gateway or Razorpay, +91 phones, pincode. */
export function shopifyOrder(o) {
  const p = clone(FIX.order);
  const c = o.customer;
  const subtotal = o.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const total = subtotal + o.shipping;
  const at = shopifyTime(o.createdAt);
  const updated = shopifyTime(o.updatedAt ?? o.createdAt);
  const address = { first_name: c.firstName, last_name: c.lastName, address1: c.address1, address2: null, city: c.dest.city, province: c.dest.state, province_code: c.dest.code, country: "India", country_code: "IN", zip: c.pincode, phone: c.phone.replace("+91", "0"), name: `${c.firstName} ${c.lastName}` };
  Object.assign(p, {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: o.name,
    order_number: o.number,
    number: o.number - 1000,
    email: c.email,
    contact_email: c.email,
    phone: c.phone,
    created_at: at,
    updated_at: updated,
    processed_at: at,
    cancelled_at: o.cancelledAt ? shopifyTime(o.cancelledAt) : null,
    cancel_reason: o.cancelledAt ? "customer" : null,
    financial_status: o.cod ? "pending" : "paid",
    fulfillment_status: o.fulfilled ? "fulfilled" : null,
    gateway: o.cod ? "Cash on Delivery (COD)" : "razorpay",
    payment_gateway_names: [o.cod ? "Cash on Delivery (COD)" : "razorpay"],
    subtotal_price: rupees(subtotal),
    total_price: rupees(total),
    current_total_price: rupees(total),
    total_tax: rupees((subtotal * 18) / 118),
    tags: [o.cod ? "cod" : "prepaid", c.orders.length <= 1 ? "first-order" : "repeat"].join(", "),
    note: null,
    shipping_address: address,
    billing_address: { ...address },
    shipping_lines: [{ ...p.shipping_lines[0], price: rupees(o.shipping) }],
    fulfillments: [],
    refunds: [],
  });
  Object.assign(p.customer, {
    id: c.id,
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    orders_count: o.customerOrdersCount,
    total_spent: rupees(o.customerTotalSpent),
    created_at: shopifyTime(c.createdAt),
    updated_at: updated,
    email_marketing_consent: { ...p.customer.email_marketing_consent, state: c.acceptsMarketing ? "subscribed" : "not_subscribed" },
    sms_marketing_consent: { ...p.customer.sms_marketing_consent, state: c.acceptsWhatsapp ? "subscribed" : "not_subscribed" },
    default_address: { ...address, phone: c.phone, default: true },
  });
  p.line_items = o.lines.map((l, i) => ({
    ...FIX.order.line_items[0],
    id: o.id * 10 + i,
    admin_graphql_api_id: `gid://shopify/LineItem/${o.id * 10 + i}`,
    product_id: l.productId,
    variant_id: l.variantId,
    sku: l.sku,
    title: l.title,
    name: `${l.title} - ${l.variantTitle}`,
    variant_title: l.variantTitle,
    quantity: l.quantity,
    price: rupees(l.price),
  }));
  return p;
}

/** fulfillments/create with the AWB the carrier assigned. */
export function shopifyFulfillment(o, { awb, carrierKey, at }) {
  const p = clone(FIX.fulfillment);
  const carrier = CARRIERS[carrierKey];
  const c = o.customer;
  Object.assign(p, {
    id: o.id + 4_000_000_000,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${o.id + 4_000_000_000}`,
    order_id: o.id,
    created_at: shopifyTime(at),
    updated_at: shopifyTime(at),
    tracking_company: carrier.shopifyCompany,
    tracking_number: awb,
    tracking_numbers: [awb],
    tracking_url: `https://shiprocket.co/tracking/${awb}`,
    tracking_urls: [`https://shiprocket.co/tracking/${awb}`],
    location_id: WAREHOUSES[c.dest.origin].shopifyLocation,
    name: `${o.name}.1`,
    destination: { ...p.destination, first_name: c.firstName, last_name: c.lastName, address1: c.address1, city: c.dest.city, province: c.dest.state, zip: c.pincode, phone: c.phone.replace("+91", "0"), name: `${c.firstName} ${c.lastName}`, province_code: c.dest.code },
    line_items: o.lines.map((l, i) => ({ id: o.id * 10 + i, variant_id: l.variantId, title: l.title, quantity: l.quantity, sku: l.sku, price: rupees(l.price) })),
  });
  return p;
}

/** products/update for one catalog product with all its variants. */
export function shopifyProduct(product, at) {
  const p = clone(FIX.product);
  const skus = SKUS.filter((s) => s.productId === product.id);
  Object.assign(p, {
    id: product.id,
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    title: product.title,
    product_type: product.type,
    handle: product.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    updated_at: shopifyTime(at),
    variants: skus.map((s) => ({ ...FIX.product.variants[0], id: s.variantId, product_id: s.productId, title: s.variantTitle, sku: s.sku, price: rupees(s.price), inventory_item_id: s.inventoryItemId, updated_at: shopifyTime(at) })),
  });
  return p;
}

/** inventory_levels/update: Shopify's own count at one location. */
export function shopifyInventoryLevel(sku, locationId, available, at) {
  return { ...clone(FIX.inventoryLevel), inventory_item_id: sku.inventoryItemId, location_id: locationId, available, updated_at: shopifyTime(at) };
}

/** refunds/create for whole lines of an order. */
export function shopifyRefund(o, { at, restock }) {
  const p = clone(FIX.refund);
  const amount = o.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const txn = { ...p.transactions[0], id: o.id + 7_000_000_000, order_id: o.id, kind: "refund", status: "success", amount: rupees(amount), currency: "INR", gateway: o.cod ? "manual" : "razorpay", created_at: shopifyTime(at), processed_at: shopifyTime(at) };
  Object.assign(p, {
    id: o.id + 6_000_000_000,
    admin_graphql_api_id: `gid://shopify/Refund/${o.id + 6_000_000_000}`,
    order_id: o.id,
    created_at: shopifyTime(at),
    processed_at: shopifyTime(at),
    note: "Damaged in transit",
    restock,
    transactions: [txn],
    refund_line_items: o.lines.map((l, i) => ({
      id: o.id * 10 + i + 3,
      line_item_id: o.id * 10 + i,
      quantity: l.quantity,
      restock_type: restock ? "return" : "no_restock",
      location_id: null,
      subtotal: l.price * l.quantity,
      total_tax: 0,
      line_item: { id: o.id * 10 + i, variant_id: l.variantId, title: l.title, quantity: l.quantity, sku: l.sku, price: rupees(l.price) },
    })),
  });
  return p;
}

const SR_STATUS = {
  picked_up: [42, "PICKED UP", "X-PPOM", "In Transit - Shipment picked up"],
  in_transit: [18, "IN TRANSIT", "X-IBD3F", "In Transit - Shipment Received at Facility"],
  out_for_delivery: [17, "OUT FOR DELIVERY", "X-DDO3F", "Dispatched - Out for delivery"],
  delivered: [7, "DELIVERED", "EOD-38", "Delivered - Delivered to consignee"],
  failed_attempt: [21, "UNDELIVERED", "EOD-11", "Pending - Consignee Unavailable"],
  rto_initiated: [9, "RTO INITIATED", "RT-101", "RTO - Returned to origin initiated"],
  rto_delivered: [10, "RTO DELIVERED", "RT-110", "RTO - Delivered to shipper"],
};

/** Shiprocket's tracking webhook: the current status plus every scan so far (`scans[]`, oldest first). */
export function shiprocketTracking({ awb, carrierKey, orderName, promiseAt, scans }) {
  const p = clone(FIX.shiprocket);
  const last = scans[scans.length - 1];
  const [id, label] = SR_STATUS[last.status];
  Object.assign(p, {
    awb,
    courier_name: CARRIERS[carrierKey].courier,
    current_status: label,
    current_status_id: id,
    shipment_status: label,
    shipment_status_id: id,
    current_timestamp: istStamp(last.at).replace(/^(\d{4})-(\d{2})-(\d{2})/, "$3 $2 $1"),
    order_id: orderName,
    sr_order_id: Number(awb.slice(-9)),
    awb_assigned_date: istStamp(scans[0].at - 6 * 3_600_000),
    pickup_scheduled_date: istStamp(scans[0].at - 5 * 3_600_000),
    etd: istStamp(promiseAt),
    is_return: 0,
    scans: scans.map((s) => ({
      date: istStamp(s.at),
      status: SR_STATUS[s.status][2],
      activity: s.reason ? `${SR_STATUS[s.status][3]} (${s.reason})` : SR_STATUS[s.status][3],
      location: s.location,
      "sr-status": String(SR_STATUS[s.status][0]),
      "sr-status-label": SR_STATUS[s.status][1],
    })),
  });
  return p;
}

const DV_STATUS = {
  picked_up: ["UD", "In Transit", "X-PPOM", "Shipment picked up"],
  in_transit: ["UD", "In Transit", "X-IBD3F", "Shipment Received at Facility"],
  out_for_delivery: ["UD", "Dispatched", "X-DDD3FD", "Out for delivery"],
  delivered: ["DL", "Delivered", "EOD-38", "Delivered to consignee"],
  failed_attempt: ["UD", "Pending", "EOD-11", "Consignee Unavailable"],
  rto_initiated: ["RT", "In Transit", "RT-101", "Returned as per Client Instruction"],
  rto_delivered: ["DL", "RTO", "RT-110", "Delivered to origin"],
};

/** Delhivery's scan push: one scan per push, `ReferenceNo` carrying the Shopify order name. */
export function delhiveryScanPush({ awb, orderName, scan, pickupAt }) {
  const p = clone(FIX.delhivery);
  const [type, status, nsl, instructions] = DV_STATUS[scan.status];
  p.Shipment = {
    ...p.Shipment,
    Status: { Status: status, StatusDateTime: new Date(scan.at + 330 * 60_000).toISOString().slice(0, 23), StatusType: type, StatusLocation: scan.location, Instructions: scan.reason ?? instructions },
    PickUpDate: istStamp(pickupAt) + ".000",
    NSLCode: scan.status === "failed_attempt" && scan.reason === "Customer refused delivery" ? "EOD-6" : nsl,
    Sortcode: `${scan.location.slice(0, 3)}/${awb.slice(-3)}`,
    ReferenceNo: orderName,
    AWB: awb,
  };
  return p;
}

/**
 * Zoho Inventory item webhook (the item as the API returns it, with `warehouses[]`). Lead time
 * goes in a custom field the way brands usually keep it in Zoho (`cf_lead_time_days`).
 */
export function zohoItem(sku, stockByWarehouse, at) {
  const p = clone(FIX.zoho);
  const total = Object.values(stockByWarehouse).reduce((s, n) => s + n, 0);
  Object.assign(p.item, {
    group_id: 982100000030000 + Math.floor((sku.productId % 100) * 10),
    group_name: sku.title,
    item_id: sku.zohoItemId,
    name: `${sku.title} ${sku.variantTitle}`,
    sku: sku.sku,
    rate: sku.price,
    purchase_rate: Math.round(sku.price * 0.32),
    reorder_level: sku.reorderLevel,
    vendor_name: "Sri Ayur Labs",
    stock_on_hand: total,
    available_stock: total,
    actual_available_stock: total,
    committed_stock: 0,
    actual_committed_stock: 0,
    available_for_sale_stock: total,
    actual_available_for_sale_stock: total,
    custom_fields: [{ customfield_id: "982100000040001", label: "Lead Time (days)", api_name: "cf_lead_time_days", value: sku.leadTimeDays }],
    cf_lead_time_days: sku.leadTimeDays,
    last_modified_time: istStamp(at).replace(" ", "T") + "+0530",
    warehouses: Object.entries(stockByWarehouse).map(([code, n], i) => ({
      ...FIX.zoho.item.warehouses[0],
      warehouse_id: WAREHOUSES[code].id,
      warehouse_name: WAREHOUSES[code].name,
      is_primary: i === 0,
      warehouse_stock_on_hand: n,
      warehouse_available_stock: n,
      warehouse_actual_available_stock: n,
      warehouse_committed_stock: 0,
      warehouse_actual_committed_stock: 0,
      warehouse_available_for_sale_stock: n,
      warehouse_actual_available_for_sale_stock: n,
    })),
  });
  return p;
}

/** Gorgias HTTP integration body on ticket-created / ticket-updated (the ticket object). */
export function gorgiasTicket(t) {
  const p = clone(FIX.gorgias);
  const c = t.customer;
  const customerRef = { ...p.customer, id: c.id + 300_000_000, email: c.email, firstname: c.firstName, lastname: c.lastName, name: `${c.firstName} ${c.lastName}`, channels: [{ ...p.customer.channels[0], address: c.email }] };
  const msg = (id, at, fromAgent, text) => ({
    ...FIX.gorgias.messages[0],
    id,
    ticket_id: t.id,
    created_datetime: new Date(at).toISOString(),
    from_agent: fromAgent,
    body_text: text,
    body_html: `<div>${text}</div>`,
    stripped_text: text,
    subject: t.subject,
    channel: "email",
    via: "email",
    sender: fromAgent ? FIX.gorgias.messages[0].sender : { email: c.email, firstname: c.firstName, lastname: c.lastName, id: customerRef.id, name: customerRef.name },
    receiver: fromAgent ? { email: c.email, id: customerRef.id, name: customerRef.name } : FIX.gorgias.messages[0].sender,
  });
  const messages = [msg(t.id * 10 + 1, t.createdAt, false, t.body)];
  if (t.respondedAt) messages.push(msg(t.id * 10 + 2, t.respondedAt, true, "Thanks for writing in, we're checking with the courier and will update you shortly."));
  Object.assign(p, {
    id: t.id,
    uri: `/api/tickets/${t.id}/`,
    channel: "email",
    via: "email",
    from_agent: false,
    status: t.status,
    subject: t.subject,
    created_datetime: new Date(t.createdAt).toISOString(),
    updated_datetime: new Date(t.updatedAt).toISOString(),
    opened_datetime: null,
    last_message_datetime: new Date(messages[messages.length - 1].created_datetime).toISOString(),
    last_received_message_datetime: new Date(t.createdAt).toISOString(),
    customer: customerRef,
    assignee_user: t.respondedAt ? p.assignee_user : null,
    assignee_user_id: t.respondedAt ? p.assignee_user_id : null,
    first_message: messages[0],
    last_message: messages[messages.length - 1],
    messages,
    tags: [],
    account: { domain: "vanaspati" },
  });
  return p;
}

/** Freshdesk ticket (the API's ticket object, which an automation webhook posts as its body). */
export function freshdeskTicket(t) {
  const p = clone(FIX.freshdesk);
  Object.assign(p, {
    id: t.id,
    subject: t.subject,
    description: `<div>${t.body}</div>`,
    description_text: t.body,
    requester_id: t.customer.id + 400_000_000,
    responder_id: t.respondedAt ? 84000000011 : null,
    status: t.status === "open" ? 2 : t.status === "pending" ? 3 : 4,
    priority: 1,
    source: 1,
    type: null,
    cc_emails: [],
    reply_cc_emails: [],
    created_at: new Date(t.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    updated_at: new Date(t.updatedAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    due_by: new Date(t.createdAt + 72 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    fr_due_by: new Date(t.createdAt + 24 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    custom_fields: { category: null },
  });
  return p;
}

/** Zendesk event webhook `ticket.created` (or `ticket.comment_added` for the agent's first reply). */
export function zendeskEvent(t, kind) {
  const detail = {
    ...FIX.zendesk.detail,
    id: String(t.id),
    subject: t.subject,
    description: t.body,
    created_at: new Date(t.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    updated_at: new Date(kind === "created" ? t.createdAt : t.respondedAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    requester_id: String(t.customer.id + 500_000_000),
    status: kind === "created" ? "NEW" : "OPEN",
    priority: "NORMAL",
    type: "QUESTION",
    tags: [],
    via: { channel: "email" },
  };
  if (kind === "created") {
    return { ...clone(FIX.zendesk), detail, id: `zd-${t.id}-created`, subject: `zen:ticket:${t.id}`, time: new Date(t.createdAt).toISOString() };
  }
  const p = clone(FIX.zendeskComment);
  return {
    ...p,
    detail,
    id: `zd-${t.id}-comment`,
    subject: `zen:ticket:${t.id}`,
    time: new Date(t.respondedAt).toISOString(),
    event: { ...p.event, comment: { ...(p.event?.comment ?? {}), id: String(t.id * 10 + 2), body: "Thanks for writing in, we're on it.", is_public: true, author: { ...(p.event?.comment?.author ?? {}), id: "8447388090494", is_staff: true, name: "Support Agent" } } },
  };
}

/** A WhatsApp Cloud API inbound message: the customer tapped a template's quick-reply button. */
export function whatsappButtonReply({ phone, name, payload, text, at, id }) {
  const p = clone(FIX.whatsappButton);
  const waId = phone.replace(/^\+/, "");
  const value = p.entry[0].changes[0].value;
  value.metadata = { display_phone_number: "918045678900", phone_number_id: "110200300400500" };
  value.contacts = [{ profile: { name }, wa_id: waId }];
  value.messages = [{ context: { from: "918045678900", id: `wamid.sent.${id}` }, from: waId, id: `wamid.${id}`, timestamp: String(Math.floor(at / 1000)), type: "button", button: { payload, text } }];
  p.entry[0].id = "102030405060708";
  return p;
}
