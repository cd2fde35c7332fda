/** Shopify REST webhook payloads → canonical records. Pure: payload and topic in, batch out. */
import { z } from "zod";
import {
  type CanonicalBatch,
  type Customer,
  type InventoryRecord,
  type Order,
  type Product,
  type ShipmentEvent,
  type ShipmentStatus,
  emptyBatch,
  UnmappableError,
} from "../model";
import { idString, str, toE164, toEmail, toIsoUtc, toIsoUtcOrNull, toPaise, toPincode } from "../normalise";

export const SHOPIFY_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/edited",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
  "inventory_levels/update",
  "inventory_levels/connect",
  "inventory_levels/disconnect",
  "locations/create",
  "locations/update",
  "locations/delete",
  "locations/activate",
  "locations/deactivate",
  "products/create",
  "products/update",
  "refunds/create",
  "returns/request",
  "returns/approve",
  "returns/close",
  "customers/create",
  "customers/update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
  "app/uninstalled",
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

const Id = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
const OptId = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v)));
/**
 * An order id as Shopify sends it: a positive 64-bit integer (JSON number, or the digits the JSON
 * reader kept as a string when it had 16 or more). −1, 0, 1.5 and 1e21 are not order ids.
 */
const OrderIdField = z
  .union([z.number().int().positive().refine(Number.isSafeInteger, "not a safe integer"), z.string().regex(/^[1-9]\d{0,18}$/, "not a positive integer id")])
  .transform((v) => String(v));
const OptOrderIdField = OrderIdField.nullish().transform((v) => v ?? null);
/** A price or amount: Shopify sends decimal strings ("1877.00"); never negative in these payloads. */
const Money = z
  .union([z.string(), z.number()])
  .nullish()
  .refine((v) => v === null || v === undefined || v === "" || !(Number(String(v).replace(/,/g, "")) < 0), "must not be negative");

const Address = z.looseObject({ zip: z.unknown().optional(), city: z.unknown().optional(), province: z.unknown().optional(), phone: z.unknown().optional(), address1: z.unknown().optional(), address2: z.unknown().optional() }).nullish();

const CustomerPayload = z.looseObject({
  id: Id,
  email: z.string().nullish(),
  phone: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  orders_count: z.number().nullish(),
  total_spent: Money,
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  accepts_marketing: z.boolean().nullish(),
  tags: z.unknown().optional(),
  email_marketing_consent: z.looseObject({ state: z.string().nullish() }).nullish(),
  sms_marketing_consent: z.looseObject({ state: z.string().nullish() }).nullish(),
  default_address: Address,
});

const LineItemPayload = z.looseObject({
  sku: z.string().nullish(),
  title: z.string().nullish(),
  name: z.string().nullish(),
  quantity: z.number().int(),
  price: Money,
  product_id: OptId,
  variant_id: OptId,
});

const OrderPayload = z.looseObject({
  id: OrderIdField,
  name: z.string(),
  order_number: z.number().nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: z.string().length(3),
  total_price: Money,
  current_total_price: Money,
  subtotal_price: Money,
  payment_gateway_names: z.array(z.string()).nullish(),
  gateway: z.string().nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  tags: z.string().nullish(),
  note: z.string().nullish(),
  /** The storefront language the customer bought in ("en", "hi", "hi-IN"): which template language they get. */
  customer_locale: z.string().nullish(),
  customer: CustomerPayload.nullish(),
  shipping_address: Address,
  billing_address: Address,
  line_items: z.array(LineItemPayload),
  fulfillments: z.array(z.looseObject({})).nullish(),
});

const FulfillmentPayload = z.looseObject({
  id: Id,
  order_id: OrderIdField,
  status: z.string().nullish(),
  shipment_status: z.string().nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  destination: Address,
  /** The location the fulfilment ships from (REST Fulfillment `location_id`). */
  location_id: OptId,
  line_items: z.array(z.looseObject({ sku: z.string().nullish() })).nullish(),
});

const FulfillmentEventPayload = z.looseObject({
  id: Id,
  fulfillment_id: Id,
  order_id: OrderIdField,
  status: z.string(),
  message: z.string().nullish(),
  happened_at: z.string().nullish(),
  created_at: z.string(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  zip: z.string().nullish(),
  estimated_delivery_at: z.string().nullish(),
});

const InventoryLevelPayload = z.looseObject({
  inventory_item_id: Id,
  location_id: Id,
  available: z.number().int().nullable(),
  updated_at: z.string(),
});

const InventoryDisconnectPayload = z.looseObject({ inventory_item_id: Id, location_id: Id, updated_at: z.string().nullish() });

/** REST Location, as `locations/*` send it (`locations/delete` sends little more than the id). */
const LocationPayload = z.looseObject({ id: Id, name: z.string().nullish(), active: z.boolean().nullish(), updated_at: z.string().nullish() });

const ProductPayload = z.looseObject({
  id: Id,
  title: z.string(),
  product_type: z.string().nullish(),
  updated_at: z.string(),
  variants: z.array(
    z.looseObject({
      id: Id,
      sku: z.string().nullish(),
      title: z.string().nullish(),
      price: Money,
      inventory_item_id: OptId,
      updated_at: z.string().nullish(),
    }),
  ),
});

const RefundPayload = z.looseObject({
  id: Id,
  order_id: OrderIdField,
  created_at: z.string(),
  processed_at: z.string().nullish(),
  restock: z.boolean().nullish(),
  refund_line_items: z.array(
    z.looseObject({
      quantity: z.number().int(),
      restock_type: z.string().nullish(),
      subtotal: Money,
      line_item: z.looseObject({ sku: z.string().nullish() }).nullish(),
    }),
  ),
  transactions: z.array(z.looseObject({ amount: Money, kind: z.string().nullish(), status: z.string().nullish() })).nullish(),
});

const ReturnPayload = z.looseObject({
  id: Id,
  order: z.looseObject({ id: OrderIdField }).nullish(),
  order_id: OptOrderIdField,
  status: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

const PrivacyCustomer = z.looseObject({ id: Id, email: z.string().nullish(), phone: z.string().nullish() });
/** A shop id as Shopify sends it: a positive integer (or its digits, when the JSON reader kept it as a string). */
const ShopId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).transform((v) => String(v));
const ShopDomain = z.string().trim().min(1).transform((v) => v.toLowerCase());

/*
 * The mandatory compliance topics, each with exactly the shape Shopify documents for it and no
 * other key, so a signed body captured under one topic cannot be replayed under another (the HMAC
 * covers the body, not the X-Shopify-Topic header). Shapes from "Privacy law compliance",
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance (customers/data_request:
 * shop_id, shop_domain, customer, orders_requested, data_request; customers/redact: shop_id,
 * shop_domain, customer, orders_to_redact; shop/redact: shop_id, shop_domain), and the official
 * samples in test/fixtures/vendor/shopify/.
 */
const CustomersRedactPayload = z.strictObject({
  shop_id: ShopId,
  shop_domain: ShopDomain,
  customer: PrivacyCustomer,
  orders_to_redact: z.array(Id),
});
const DataRequestPayload = z.strictObject({
  shop_id: ShopId,
  shop_domain: ShopDomain,
  customer: PrivacyCustomer,
  orders_requested: z.array(Id),
  data_request: z.strictObject({ id: Id }),
});
const ShopRedactPayload = z.strictObject({ shop_id: ShopId, shop_domain: ShopDomain });
/**
 * app/uninstalled carries the Shop resource (id, name, myshopify_domain, …). Requiring its
 * identifying fields keeps a privacy body (shop_id, shop_domain) from passing for one.
 */
const AppUninstalledPayload = z.looseObject({ id: ShopId, name: z.string(), myshopify_domain: ShopDomain });

/**
 * Most Shopify REST bodies name their own type in `admin_graphql_api_id` (gid://shopify/Order/…).
 * A body whose type is not the topic's was re-sent under another topic: refused.
 */
const GID_TYPE_BY_TOPIC_PREFIX: Record<string, string> = {
  orders: "Order",
  fulfillments: "Fulfillment",
  fulfillment_events: "FulfillmentEvent",
  inventory_levels: "InventoryLevel",
  locations: "Location",
  products: "Product",
  refunds: "Refund",
  returns: "Return",
  customers: "Customer",
};

export function bodyTypeMismatch(topic: string, payload: unknown): string | null {
  const expected = GID_TYPE_BY_TOPIC_PREFIX[topic.split("/")[0] ?? ""];
  if (!expected || !payload || typeof payload !== "object" || Array.isArray(payload)) return null;
  const gid = (payload as { admin_graphql_api_id?: unknown }).admin_graphql_api_id;
  if (typeof gid !== "string") return null;
  const type = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid)?.[1] ?? null;
  return type === expected ? null : `shopify ${topic}: body is a ${type ?? "unknown"} (admin_graphql_api_id), not a ${expected}`;
}

function parse<T extends z.ZodType>(schema: T, payload: unknown, topic: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw new UnmappableError(`shopify ${topic}: ${where}: ${issue?.message ?? "invalid payload"}`);
  }
  return result.data;
}

/** Maps one Shopify webhook. `webhookId` names the delivery so every record can be traced. */
export function mapShopifyWebhook(topic: string, payload: unknown): CanonicalBatch {
  const batch = emptyBatch();
  const mismatch = bodyTypeMismatch(topic, payload);
  if (mismatch) throw new UnmappableError(mismatch);
  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/edited": {
      const p = parse(OrderPayload, payload, topic);
      const order = mapOrder(p);
      batch.orders.push(order);
      if (p.customer) batch.customers.push(mapCustomer(p.customer, order.updatedAt, p));
      for (const f of p.fulfillments ?? []) {
        const fp = FulfillmentPayload.safeParse({ order_id: p.id, ...f });
        if (fp.success) batch.awbLinks.push(...awbLinksOf(fp.data));
      }
      return batch;
    }
    case "fulfillments/create":
    case "fulfillments/update": {
      const p = parse(FulfillmentPayload, payload, topic);
      batch.awbLinks.push(...awbLinksOf(p));
      const skus = (p.line_items ?? []).flatMap((l) => (l.sku ? [l.sku] : []));
      if (p.location_id && skus.length) {
        batch.orderLocations.push({ orderId: p.order_id as Order["id"], locationId: p.location_id, skus, at: toIsoUtc(p.updated_at ?? p.created_at, "created_at") });
      }
      const event = fulfillmentShipmentEvent(p);
      if (event) batch.shipmentEvents.push(event);
      return batch;
    }
    case "fulfillment_events/create": {
      const p = parse(FulfillmentEventPayload, payload, topic);
      const status = shopifyShipmentStatus(p.status);
      batch.shipmentEvents.push({
        carrier: "shopify",
        // The fulfilment id stands in for the AWB until a carrier event names the real one.
        awb: `fulfillment:${p.fulfillment_id}` as ShipmentEvent["awb"],
        status,
        rawStatus: p.status,
        occurredAt: toIsoUtc(p.happened_at ?? p.created_at, "happened_at"),
        orderId: p.order_id as ShipmentEvent["orderId"],
        orderRef: null,
        location: [p.city, p.province].filter(Boolean).join(", ") || null,
        pincode: toPincode(p.zip),
        eta: toIsoUtcOrNull(p.estimated_delivery_at),
        isReturn: false,
        source: "shopify",
        sourceId: p.id,
      });
      return batch;
    }
    case "inventory_levels/disconnect": {
      const p = parse(InventoryDisconnectPayload, payload, topic);
      batch.levelDisconnects.push({ inventoryItemId: p.inventory_item_id, locationId: p.location_id, at: toIsoUtcOrNull(p.updated_at) });
      return batch;
    }
    case "locations/create":
    case "locations/update":
    case "locations/delete":
    case "locations/activate":
    case "locations/deactivate": {
      const p = parse(LocationPayload, payload, topic);
      const gone = topic === "locations/delete" || topic === "locations/deactivate";
      batch.locations.push({ id: p.id, name: p.name ?? null, active: gone ? false : (p.active ?? true), updatedAt: toIsoUtcOrNull(p.updated_at) });
      return batch;
    }
    case "inventory_levels/connect":
    case "inventory_levels/update": {
      const p = parse(InventoryLevelPayload, payload, topic);
      const record: InventoryRecord = {
        sku: null,
        inventoryItemId: p.inventory_item_id,
        locationId: p.location_id,
        available: p.available ?? 0,
        onHand: null,
        committed: null,
        incoming: null,
        reorderPoint: null,
        leadTimeDays: null,
        updatedAt: toIsoUtc(p.updated_at, "updated_at"),
        source: "shopify",
        sourceId: `${p.inventory_item_id}@${p.location_id}`,
      };
      batch.inventory.push(record);
      return batch;
    }
    case "products/create":
    case "products/update": {
      const p = parse(ProductPayload, payload, topic);
      for (const v of p.variants) {
        if (!v.sku) continue; // a variant without a SKU cannot be stocked or reordered
        const product: Product = {
          sku: v.sku,
          title: v.title && v.title !== "Default Title" ? `${p.title} – ${v.title}` : p.title,
          category: p.product_type || null,
          productId: p.id,
          variantId: v.id,
          inventoryItemId: v.inventory_item_id,
          price: v.price === null || v.price === undefined ? null : toPaise(v.price),
          updatedAt: toIsoUtc(v.updated_at ?? p.updated_at, "updated_at"),
          source: "shopify",
          sourceId: v.id,
        };
        batch.products.push(product);
      }
      return batch;
    }
    case "refunds/create": {
      const p = parse(RefundPayload, payload, topic);
      const fromTransactions = (p.transactions ?? [])
        .filter((t) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success")
        .reduce((sum, t) => sum + toPaise(t.amount), 0);
      const fromLines = p.refund_line_items.reduce((sum, l) => sum + toPaise(l.subtotal), 0);
      batch.returns.push({
        orderId: p.order_id as Order["id"],
        kind: "refunded",
        refundId: p.id,
        amount: fromTransactions || fromLines,
        restock: Boolean(p.restock) || p.refund_line_items.some((l) => l.restock_type && l.restock_type !== "no_restock"),
        lineItems: p.refund_line_items.map((l) => ({ sku: l.line_item?.sku ?? null, quantity: l.quantity })),
        occurredAt: toIsoUtc(p.processed_at ?? p.created_at, "created_at"),
        source: "shopify",
        sourceId: p.id,
      });
      return batch;
    }
    case "returns/request":
    case "returns/approve":
    case "returns/close": {
      const p = parse(ReturnPayload, payload, topic);
      const orderId = p.order?.id ?? p.order_id;
      if (!orderId) throw new UnmappableError(`shopify ${topic}: return names no order`);
      batch.returns.push({
        orderId: orderId as Order["id"],
        kind: topic === "returns/close" ? "returned" : "return_requested",
        refundId: null,
        amount: 0,
        restock: topic === "returns/close",
        lineItems: [],
        occurredAt: toIsoUtc(p.updated_at ?? p.created_at, "created_at"),
        source: "shopify",
        sourceId: `return:${p.id}:${topic}`,
      });
      return batch;
    }
    case "customers/create":
    case "customers/update": {
      const p = parse(CustomerPayload, payload, topic);
      batch.customers.push(mapCustomer(p, toIsoUtc(p.updated_at ?? p.created_at, "updated_at")));
      return batch;
    }
    case "customers/redact": {
      const p = parse(CustomersRedactPayload, payload, topic);
      batch.privacy.push({
        kind: "customer_redact",
        shopDomain: p.shop_domain,
        shopId: p.shop_id,
        customerId: p.customer.id,
        email: toEmail(p.customer.email),
        phone: toE164(p.customer.phone),
        orderIds: p.orders_to_redact,
      });
      return batch;
    }
    case "customers/data_request": {
      const p = parse(DataRequestPayload, payload, topic);
      batch.privacy.push({
        kind: "customer_data_request",
        shopDomain: p.shop_domain,
        shopId: p.shop_id,
        customerId: p.customer.id,
        email: toEmail(p.customer.email),
        requestId: p.data_request.id,
      });
      return batch;
    }
    case "shop/redact": {
      const p = parse(ShopRedactPayload, payload, topic);
      batch.privacy.push({ kind: "shop_redact", shopDomain: p.shop_domain, shopId: p.shop_id });
      return batch;
    }
    case "app/uninstalled": {
      const p = parse(AppUninstalledPayload, payload, topic);
      batch.privacy.push({ kind: "app_uninstalled", shopDomain: p.myshopify_domain, shopId: p.id });
      return batch;
    }
    default:
      throw new UnmappableError(`shopify topic not handled: ${topic}`);
  }
}

type OrderP = z.infer<typeof OrderPayload>;

/** Cash on delivery shows up as a gateway name: "Cash on Delivery (COD)", "cod", "cash_on_delivery". */
export function isCodGateway(names: readonly string[]): boolean {
  return names.some((n) => /\bcod\b|cash[\s_]*on[\s_]*delivery/i.test(n));
}

function mapOrder(p: OrderP): Order {
  const gateways = [...(p.payment_gateway_names ?? []), ...(p.gateway ? [p.gateway] : [])];
  const address = p.shipping_address ?? p.billing_address ?? null;
  return {
    id: p.id as Order["id"],
    name: p.name,
    number: p.order_number ?? null,
    customerId: (p.customer?.id ?? null) as Order["customerId"],
    email: toEmail(p.email ?? p.contact_email ?? p.customer?.email),
    phone: toE164(p.phone) ?? toE164(address?.phone) ?? toE164(p.customer?.phone),
    currency: p.currency,
    totalPrice: toPaise(p.current_total_price ?? p.total_price),
    subtotalPrice: toPaise(p.subtotal_price),
    paymentMethod: isCodGateway(gateways) ? "cod" : "prepaid",
    financialStatus: p.financial_status ?? null,
    fulfillmentStatus: p.fulfillment_status ?? null,
    cancelledAt: toIsoUtcOrNull(p.cancelled_at),
    shippingPincode: toPincode(address?.zip),
    shippingCity: str(address?.city),
    shippingState: str(address?.province),
    lineItems: p.line_items.map((li) => ({
      sku: li.sku || null,
      title: li.title ?? li.name ?? "",
      quantity: li.quantity,
      unitPrice: toPaise(li.price),
      productId: li.product_id,
      variantId: li.variant_id,
    })),
    tags: (p.tags ?? "").split(",").map((t) => t.trim()).filter(Boolean),
    note: p.note ?? null,
    customerLocale: p.customer_locale ? p.customer_locale : null,
    shippingAddressLines: address ? [str(address.address1), str(address.address2)].filter(Boolean).join(", ") : null,
    customerTags: typeof p.customer?.tags === "string" ? p.customer.tags.split(",").map((t) => t.trim()).filter(Boolean) : [],
    createdAt: toIsoUtc(p.created_at, "created_at"),
    updatedAt: toIsoUtc(p.updated_at, "updated_at"),
    source: "shopify",
    sourceId: p.id,
  };
}

function mapCustomer(c: z.infer<typeof CustomerPayload>, fallbackUpdatedAt: string, order?: OrderP): Customer {
  const consent = (state: string | null | undefined) => state === "subscribed";
  return {
    id: c.id as Customer["id"],
    email: toEmail(c.email),
    phone: toE164(c.phone) ?? toE164(c.default_address?.phone) ?? (order ? toE164(order.phone) : null),
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    ordersCount: c.orders_count ?? null,
    totalSpent: c.total_spent === null || c.total_spent === undefined ? null : toPaise(c.total_spent),
    acceptsMarketing: Boolean(c.accepts_marketing) || consent(c.email_marketing_consent?.state),
    acceptsWhatsapp: consent(c.sms_marketing_consent?.state),
    createdAt: toIsoUtcOrNull(c.created_at),
    // Customer objects nested in orders often carry null timestamps; the order's time stands in.
    updatedAt: toIsoUtcOrNull(c.updated_at) ?? fallbackUpdatedAt,
    source: "shopify",
    sourceId: c.id,
  };
}

function awbLinksOf(f: z.infer<typeof FulfillmentPayload>): CanonicalBatch["awbLinks"] {
  const numbers = new Set([...(f.tracking_numbers ?? []), ...(f.tracking_number ? [f.tracking_number] : [])]);
  return [...numbers]
    .filter((n) => n.trim())
    .map((awb) => ({ awb: awb.trim(), carrier: f.tracking_company ?? null, orderId: f.order_id as Order["id"], fulfillmentId: f.id }));
}

/** A fulfilment with a tracking number is a shipment `created` (or its shipment_status). */
function fulfillmentShipmentEvent(f: z.infer<typeof FulfillmentPayload>): ShipmentEvent | null {
  const awb = f.tracking_numbers?.[0] ?? f.tracking_number;
  if (!awb) return null;
  const raw = f.shipment_status ?? (f.status === "cancelled" ? "cancelled" : "fulfilled");
  return {
    carrier: (f.tracking_company ?? "unknown").toLowerCase(),
    awb: awb as ShipmentEvent["awb"],
    status: f.shipment_status ? shopifyShipmentStatus(f.shipment_status) : f.status === "cancelled" ? "cancelled" : "created",
    rawStatus: raw,
    occurredAt: toIsoUtc(f.updated_at ?? f.created_at, "updated_at"),
    orderId: f.order_id as ShipmentEvent["orderId"],
    orderRef: null,
    location: null,
    pincode: toPincode(f.destination?.zip),
    eta: null,
    isReturn: false,
    source: "shopify",
    sourceId: `fulfillment:${f.id}:${raw}`,
  };
}

/** Shopify's fulfilment event statuses → canonical shipment status (unknown → in_transit, kept raw). */
const SHOPIFY_SHIPMENT_STATUS: Record<string, ShipmentStatus> = {
  label_printed: "created",
  label_purchased: "created",
  confirmed: "created",
  ready_for_pickup: "created",
  carrier_picked_up: "picked_up",
  picked_up: "picked_up",
  in_transit: "in_transit",
  delayed: "in_transit",
  out_for_delivery: "out_for_delivery",
  delivered: "delivered",
  attempted_delivery: "failed_attempt",
  failure: "failed_attempt",
};

export function shopifyShipmentStatus(status: string): ShipmentStatus {
  return SHOPIFY_SHIPMENT_STATUS[status] ?? "in_transit";
}
