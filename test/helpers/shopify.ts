/** Builders for signed Shopify webhooks in tests, from the hand-written Indian fixtures. */
import codOrder from "../fixtures/shopify/orders-create-cod.json";

export const SHOPIFY_SECRET = "test-shopify-secret";
export const SHOPIFY_PREVIOUS_SECRET = "test-shopify-secret-previous";
/** The store the test deployment is configured for (SHOPIFY_SHOP_DOMAIN in vitest.config.ts). */
export const SHOP_DOMAIN = "vanaspati.myshopify.com";

let counter = 0;
/** A unique numeric id per call, so tests never share rows (storage is per file, not per test). */
export function uniqueId(): number {
  counter += 1;
  return 6_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000 + counter;
}

export async function shopifyHmac(body: string, secret = SHOPIFY_SECRET): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return btoa(String.fromCharCode(...sig));
}

export interface OrderOverrides {
  id?: number;
  name?: string;
  customerId?: number;
  email?: string;
  phone?: string;
  updatedAt?: string;
  createdAt?: string;
  financialStatus?: string;
  cod?: boolean;
  note?: string | null;
  totalPrice?: string;
  lineItems?: { sku: string; quantity: number; price: string; title?: string; productId?: number; variantId?: number }[];
  pincode?: string;
  cancelledAt?: string | null;
  fulfillments?: unknown[];
}

/** An Indian COD order payload (see test/fixtures/shopify/orders-create-cod.json) with overrides. */
export function indianOrder(o: OrderOverrides = {}): Record<string, unknown> {
  const base = structuredClone(codOrder) as Record<string, any>;
  const id = o.id ?? uniqueId();
  base.id = id;
  base.admin_graphql_api_id = `gid://shopify/Order/${id}`;
  base.name = o.name ?? `#${(id % 100000) + 1000}`;
  base.order_number = Number(String(base.name).replace("#", ""));
  if (o.email !== undefined) base.email = base.contact_email = o.email;
  if (o.phone !== undefined) base.phone = o.phone;
  if (o.customerId !== undefined) base.customer.id = o.customerId;
  if (o.email !== undefined) base.customer.email = o.email;
  if (o.phone !== undefined) base.customer.phone = o.phone;
  if (o.createdAt) base.created_at = base.processed_at = o.createdAt;
  if (o.updatedAt) base.updated_at = base.customer.updated_at = o.updatedAt;
  if (o.financialStatus) base.financial_status = o.financialStatus;
  if (o.cod === false) {
    base.gateway = "razorpay";
    base.payment_gateway_names = ["razorpay"];
    base.financial_status = o.financialStatus ?? "paid";
  }
  if (o.note !== undefined) base.note = o.note;
  if (o.totalPrice) base.total_price = base.current_total_price = o.totalPrice;
  if (o.pincode) base.shipping_address.zip = o.pincode;
  if (o.cancelledAt !== undefined) base.cancelled_at = o.cancelledAt;
  if (o.fulfillments) base.fulfillments = o.fulfillments;
  if (o.lineItems) {
    base.line_items = o.lineItems.map((li, i) => ({
      id: id * 10 + i,
      product_id: li.productId ?? 8000000000 + i,
      variant_id: li.variantId ?? 45000000000 + i,
      sku: li.sku,
      title: li.title ?? li.sku,
      name: li.title ?? li.sku,
      quantity: li.quantity,
      price: li.price,
      requires_shipping: true,
    }));
  }
  return base;
}

export interface ShopifyPost {
  topic: string;
  payload: unknown;
  webhookId?: string;
  eventId?: string;
  secret?: string;
  hmac?: string | null;
  rawBody?: string;
  /** X-Shopify-Shop-Domain; null leaves the header out. */
  shopDomain?: string | null;
}

/** A signed Shopify webhook request, as Shopify would send it. */
export async function shopifyRequest(p: ShopifyPost): Promise<Request> {
  const body = p.rawBody ?? JSON.stringify(p.payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-topic": p.topic,
    "x-shopify-webhook-id": p.webhookId ?? crypto.randomUUID(),
    "x-shopify-api-version": "2026-07",
    "x-shopify-triggered-at": new Date().toISOString(),
  };
  if (p.shopDomain !== null) headers["x-shopify-shop-domain"] = p.shopDomain ?? SHOP_DOMAIN;
  if (p.eventId) headers["x-shopify-event-id"] = p.eventId;
  const hmac = p.hmac === undefined ? await shopifyHmac(body, p.secret) : p.hmac;
  if (hmac !== null) headers["x-shopify-hmac-sha256"] = hmac;
  return new Request("https://switchyard.test/webhooks/shopify", { method: "POST", headers, body });
}
