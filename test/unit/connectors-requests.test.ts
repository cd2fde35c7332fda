/** Each connector's request matches the vendor's documented method, path, headers and body. */
import { describe, expect, it } from "vitest";
import { ActionSpec } from "../../src/canonical/actions";
import { buildEmailRequest } from "../../src/connectors/email";
import { buildHelpdeskRequests } from "../../src/connectors/helpdesk";
import { executeRequest, redactRequest, retryAfterSeconds } from "../../src/connectors/http";
import { buildKlaviyoRequest } from "../../src/connectors/klaviyo";
import { buildShiprocketRequest } from "../../src/connectors/shiprocket";
import { buildShopifyRequest, fulfillmentEventStatus, interpretShopify, throttleWaitSeconds } from "../../src/connectors/shopify";
import { buildWhatsAppRequest, isWhatsAppRateLimit } from "../../src/connectors/whatsapp";
import { buildZohoRequest } from "../../src/connectors/zoho";

const spec = <K extends ActionSpec["kind"]>(kind: K, connector: string, params: unknown) => ActionSpec.parse({ kind, connector, params }) as Extract<ActionSpec, { kind: K }>;
const helpdeskConfigs = {
  gorgias: { domain: "acme", username: "ops@acme.in", apiKey: "gk" },
  freshdesk: { domain: "acme", apiKey: "fk" },
  zendesk: { subdomain: "acme", email: "ops@acme.in", apiToken: "zt" },
};

describe("whatsapp", () => {
  const config = { accessToken: "wa-token", phoneNumberId: "1234567890", apiVersion: "v21.0" };
  it("sends a template with body parameters and url / quick_reply buttons by index", () => {
    const req = buildWhatsAppRequest(
      spec("whatsapp.template", "whatsapp", { to: "+919812345678", template: "delay_update", language: "en", bodyParams: ["Asha", "#1042"], buttons: [{ type: "url", param: "track/1042" }, { type: "quick_reply", param: "CONFIRM" }] }),
      config,
    );
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://graph.facebook.com/v21.0/1234567890/messages");
    expect(req.headers.authorization).toBe("Bearer wa-token");
    expect(req.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+919812345678",
      type: "template",
      template: {
        name: "delay_update",
        language: { code: "en" },
        components: [
          { type: "body", parameters: [{ type: "text", text: "Asha" }, { type: "text", text: "#1042" }] },
          { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "track/1042" }] },
          { type: "button", sub_type: "quick_reply", index: "1", parameters: [{ type: "payload", payload: "CONFIRM" }] },
        ],
      },
    });
  });
  it("sends free text as type text", () => {
    const req = buildWhatsAppRequest(spec("whatsapp.text", "whatsapp", { to: "+919812345678", text: "Hello" }), config);
    expect(req.body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "+919812345678", type: "text", text: { preview_url: false, body: "Hello" } });
  });
  it("treats Graph throughput errors as rate limits and other 400s as not", () => {
    expect(isWhatsAppRateLimit({ error: { code: 130429, message: "Rate limit hit" } })).toBe(true);
    expect(isWhatsAppRateLimit({ error: { code: 131047, message: "Re-engagement message" } })).toBe(false);
  });
});

describe("email", () => {
  it("posts a Resend-shaped message with an idempotency key", () => {
    const req = buildEmailRequest(spec("email.send", "email", { to: "asha@example.in", subject: "Your order", text: "On its way" }), { apiKey: "ek", baseUrl: "https://api.resend.com", from: "Acme <hi@acme.in>", opsTo: null }, "dec1:0:email.send");
    expect(req).toEqual({
      method: "POST",
      url: "https://api.resend.com/emails",
      headers: { authorization: "Bearer ek", "content-type": "application/json", "idempotency-key": "dec1:0:email.send" },
      body: { from: "Acme <hi@acme.in>", to: ["asha@example.in"], subject: "Your order", text: "On its way" },
    });
  });
  it("has nowhere to send an ops alert without an ops address", () => {
    expect(buildEmailRequest(spec("email.ops_alert", "email", { subject: "s", text: "t" }), { apiKey: "ek", baseUrl: "https://x", from: "f@x.in", opsTo: null }, "k")).toBeNull();
  });
});

describe("shopify", () => {
  const config = { shopDomain: "acme.myshopify.com", accessToken: "shpat_x", apiVersion: "2026-07" };
  const ctx = { idempotencyKey: "stock:SKU1:push:3:0:shopify.inventory_set" };
  it("sets inventory with changeFromQuantity and the @idempotent directive", () => {
    const req = buildShopifyRequest(spec("shopify.inventory_set", "shopify", { sku: "SKU1", inventoryItemId: "111", locationId: "222", quantity: 5, compareQuantity: 7 }), config, ctx);
    if ("error" in req) throw new Error(req.error);
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://acme.myshopify.com/admin/api/2026-07/graphql.json");
    expect(req.headers["x-shopify-access-token"]).toBe("shpat_x");
    const body = req.body as { query: string; variables: Record<string, unknown> };
    expect(body.query).toContain("inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey)");
    expect(body.variables).toEqual({
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: "gid://shopify/InventoryItem/111", locationId: "gid://shopify/Location/222", quantity: 5, changeFromQuantity: 7 }] },
      idempotencyKey: ctx.idempotencyKey,
    });
  });
  it("passes an explicit null changeFromQuantity when there is nothing to compare", () => {
    const req = buildShopifyRequest(spec("shopify.inventory_set", "shopify", { sku: "S", inventoryItemId: "1", locationId: "2", quantity: 5, compareQuantity: null }), config, ctx);
    if ("error" in req) throw new Error(req.error);
    const q = (req.body as { variables: { input: { quantities: Record<string, unknown>[] } } }).variables.input.quantities[0]!;
    expect("changeFromQuantity" in q && q.changeFromQuantity === null).toBe(true);
  });
  it("adds tags, sets metafields and credits store credit in rupees", () => {
    const tags = buildShopifyRequest(spec("shopify.tags_add", "shopify", { resource: "order", id: "42", tags: ["at-risk"] }), config, ctx);
    expect((tags as { body: { variables: unknown } }).body.variables).toEqual({ id: "gid://shopify/Order/42", tags: ["at-risk"] });
    const mf = buildShopifyRequest(spec("shopify.metafields_set", "shopify", { resource: "product", id: "9", namespace: "switchyard", key: "low_stock", type: "boolean", value: "true" }), config, ctx);
    expect((mf as { body: { variables: unknown } }).body.variables).toEqual({ metafields: [{ ownerId: "gid://shopify/Product/9", namespace: "switchyard", key: "low_stock", type: "boolean", value: "true" }] });
    const credit = buildShopifyRequest(spec("shopify.store_credit", "shopify", { customerId: "77", amount: 10000, currency: "INR" }), config, ctx);
    expect((credit as { body: { query: string; variables: unknown } }).body.query).toContain("storeCreditAccountCredit(id: $id, creditInput: $creditInput)");
    expect((credit as { body: { variables: unknown } }).body.variables).toEqual({ id: "gid://shopify/Customer/77", creditInput: { creditAmount: { amount: "100.00", currencyCode: "INR" } } });
  });
  it("creates a fulfillment event with the mapped status, and refuses without a fulfillment id", () => {
    const s = spec("shopify.fulfillment_event", "shopify", { orderId: "42", awb: "AWB1", status: "out_for_delivery", happenedAt: "2026-05-01T10:00:00Z", message: null, city: "Pune", estimatedDeliveryAt: null });
    const req = buildShopifyRequest(s, config, { ...ctx, fulfillmentId: "555" });
    expect((req as { body: { variables: unknown } }).body.variables).toEqual({ fulfillmentEvent: { fulfillmentId: "gid://shopify/Fulfillment/555", status: "OUT_FOR_DELIVERY", happenedAt: "2026-05-01T10:00:00Z", city: "Pune" } });
    expect(buildShopifyRequest(s, config, { ...ctx, fulfillmentId: null })).toEqual({ error: "no Shopify fulfillment known for order 42 and AWB AWB1" });
    expect(fulfillmentEventStatus("failed_attempt")).toBe("ATTEMPTED_DELIVERY");
    expect(fulfillmentEventStatus("picked_up")).toBe("CARRIER_PICKED_UP");
  });
  it("tells a stale compare apart from other user errors, and computes the throttle wait", () => {
    const stale = interpretShopify(200, { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ field: ["input"], message: "stale", code: "CHANGE_FROM_QUANTITY_STALE" }] } } });
    expect(stale.kind).toBe("stale");
    const other = interpretShopify(200, { data: { tagsAdd: { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] } } });
    expect(other).toMatchObject({ kind: "failed", reason: "Resource not found" });
    const extensions = { cost: { requestedQueryCost: 100, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 40, restoreRate: 50 } } };
    expect(throttleWaitSeconds(extensions)).toBe(2);
    expect(interpretShopify(200, { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions })).toMatchObject({ kind: "retry", throttled: true, waitSeconds: 2 });
  });
});

describe("zoho", () => {
  const config = { accessToken: "zt", organizationId: "600", baseUrl: "https://www.zohoapis.in/inventory/v1", vendorId: "V1", customerId: "C1", requestsPerMinute: 100 };
  it("drafts a purchase order for the SKU's Zoho item", () => {
    const req = buildZohoRequest(spec("zoho.purchase_order_draft", "zoho", { sku: "SKU1", quantity: 40, expectedBy: "2026-06-01T00:00:00Z", note: "cover 30 days" }), config, { itemIds: { SKU1: "9001" }, date: "2026-05-01" });
    expect(req).toEqual({
      method: "POST",
      url: "https://www.zohoapis.in/inventory/v1/purchaseorders?organization_id=600",
      headers: { authorization: "Zoho-oauthtoken zt", "content-type": "application/json" },
      body: { vendor_id: "V1", date: "2026-05-01", delivery_date: "2026-06-01", notes: "cover 30 days", line_items: [{ item_id: "9001", quantity: 40 }] },
    });
  });
  it("creates a sales order with rupee rates, and refuses unknown SKUs", () => {
    const s = spec("zoho.sales_order", "zoho", { orderId: "42", orderName: "#1042", lines: [{ sku: "SKU1", quantity: 2, rate: 49900 }] });
    const req = buildZohoRequest(s, config, { itemIds: { SKU1: "9001" }, date: "2026-05-01" });
    expect((req as { url: string }).url).toBe("https://www.zohoapis.in/inventory/v1/salesorders?organization_id=600");
    expect((req as { body: unknown }).body).toEqual({ customer_id: "C1", reference_number: "#1042", date: "2026-05-01", line_items: [{ item_id: "9001", quantity: 2, rate: 499 }] });
    expect(buildZohoRequest(s, config, { itemIds: {}, date: "2026-05-01" })).toEqual({ error: "no Zoho item_id known for SKU SKU1" });
  });
  it("returns units as a sales return against the order's sales order, each line naming its sales-order line", () => {
    const s = spec("zoho.restock", "zoho", { orderId: "42", lines: [{ sku: "SKU1", quantity: 2 }], reason: "RTO delivered back to the warehouse" });
    const req = buildZohoRequest(s, config, { itemIds: { SKU1: "9001" }, date: "2026-05-01", salesOrder: { id: "4815000000044936", lineItemIds: { "9001": "4815000000044892" } } });
    expect(req).toEqual({
      method: "POST",
      url: "https://www.zohoapis.in/inventory/v1/salesreturns?organization_id=600&salesorder_id=4815000000044936",
      headers: { authorization: "Zoho-oauthtoken zt", "content-type": "application/json" },
      body: { date: "2026-05-01", reason: "RTO delivered back to the warehouse", reference_number: "42", line_items: [{ item_id: "9001", salesorder_item_id: "4815000000044892", quantity: 2 }] },
    });
    // Without the sales order there is nothing to return against: refused, not sent as a bare adjustment.
    expect(buildZohoRequest(s, config, { itemIds: { SKU1: "9001" }, date: "2026-05-01", salesOrder: null })).toEqual({ error: "no Zoho sales order known for order 42: a sales return needs one" });
  });
  it("credits a prepaid refund with a credit note in rupees", () => {
    const s = spec("zoho.credit_note", "zoho", { orderId: "42", orderName: "#1042", refundId: "r9", lines: [{ sku: "SKU1", quantity: 1, rate: 49900 }] });
    const req = buildZohoRequest(s, config, { itemIds: { SKU1: "9001" }, date: "2026-05-01" }) as { url: string; body: unknown };
    expect(req.url).toBe("https://www.zohoapis.in/inventory/v1/creditnotes?organization_id=600");
    expect(req.body).toEqual({ customer_id: "C1", reference_number: "#1042 refund r9", date: "2026-05-01", line_items: [{ item_id: "9001", quantity: 1, rate: 499 }] });
  });
});

describe("helpdesk", () => {
  it("gorgias: internal note and public reply as ticket messages, status by PUT, basic auth", () => {
    const note = buildHelpdeskRequests(spec("helpdesk.internal_note", "helpdesk", { helpdesk: "gorgias", ticketId: "88", body: "Order #1042, COD" }), helpdeskConfigs);
    expect(note).toEqual([
      {
        method: "POST",
        url: "https://acme.gorgias.com/api/tickets/88/messages",
        headers: { authorization: `Basic ${btoa("ops@acme.in:gk")}`, "content-type": "application/json", accept: "application/json" },
        body: { channel: "internal-note", via: "api", from_agent: true, sender: { email: "ops@acme.in" }, body_text: "Order #1042, COD" },
      },
    ]);
    const reply = buildHelpdeskRequests(spec("helpdesk.reply", "helpdesk", { helpdesk: "gorgias", ticketId: "88", body: "In transit", status: "solved" }), helpdeskConfigs) as { method: string; url: string; body: unknown }[];
    expect(reply.map((r) => [r.method, r.url])).toEqual([["POST", "https://acme.gorgias.com/api/tickets/88/messages"], ["PUT", "https://acme.gorgias.com/api/tickets/88"]]);
    expect(reply[1]!.body).toEqual({ status: "closed" });
  });
  it("freshdesk: reply, private note and numeric status/priority, apikey:X auth", () => {
    const note = buildHelpdeskRequests(spec("helpdesk.internal_note", "helpdesk", { helpdesk: "freshdesk", ticketId: "5", body: "n" }), helpdeskConfigs) as { url: string; body: unknown; headers: Record<string, string> }[];
    expect(note[0]).toMatchObject({ url: "https://acme.freshdesk.com/api/v2/tickets/5/notes", body: { body: "n", private: true } });
    expect(note[0]!.headers.authorization).toBe(`Basic ${btoa("fk:X")}`);
    const update = buildHelpdeskRequests(spec("helpdesk.update", "helpdesk", { helpdesk: "freshdesk", ticketId: "5", priority: "urgent", assignee: "123", status: "pending" }), helpdeskConfigs);
    expect(update).toMatchObject([{ method: "PUT", url: "https://acme.freshdesk.com/api/v2/tickets/5", body: { status: 3, priority: 4, responder_id: 123 } }]);
    const reply = buildHelpdeskRequests(spec("helpdesk.reply", "helpdesk", { helpdesk: "freshdesk", ticketId: "5", body: "hi", status: null }), helpdeskConfigs);
    expect(reply).toMatchObject([{ method: "POST", url: "https://acme.freshdesk.com/api/v2/tickets/5/reply", body: { body: "hi" } }]);
  });
  it("zendesk: one PUT with comment public flag, status, priority, assignee; email/token auth", () => {
    const note = buildHelpdeskRequests(spec("helpdesk.internal_note", "helpdesk", { helpdesk: "zendesk", ticketId: "7", body: "n" }), helpdeskConfigs) as { method: string; url: string; body: unknown; headers: Record<string, string> }[];
    expect(note).toHaveLength(1);
    expect(note[0]).toMatchObject({ method: "PUT", url: "https://acme.zendesk.com/api/v2/tickets/7.json", body: { ticket: { comment: { body: "n", public: false } } } });
    expect(note[0]!.headers.authorization).toBe(`Basic ${btoa("ops@acme.in/token:zt")}`);
    const update = buildHelpdeskRequests(spec("helpdesk.update", "helpdesk", { helpdesk: "zendesk", ticketId: "7", priority: "high", assignee: "991", status: "open", tags: ["vip"] }), helpdeskConfigs);
    expect(update).toMatchObject([{ body: { ticket: { status: "open", priority: "high", assignee_id: 991, additional_tags: ["vip"] } } }]);
  });
});

describe("klaviyo", () => {
  const config = { apiKey: "pk_x", revision: "2025-10-15" };
  it("creates an event in the JSON:API shape with unique_id and the revision header", () => {
    const req = buildKlaviyoRequest(spec("klaviyo.event", "klaviyo", { metric: "Return Requested", email: "asha@example.in", phone: "+919812345678", properties: { orderId: "42" }, time: "2026-05-01T10:00:00Z", uniqueId: "ret:42" }), config);
    expect(req.url).toBe("https://a.klaviyo.com/api/events");
    expect(req.headers).toEqual({ authorization: "Klaviyo-API-Key pk_x", revision: "2025-10-15", accept: "application/vnd.api+json", "content-type": "application/vnd.api+json" });
    expect(req.body).toEqual({
      data: {
        type: "event",
        attributes: {
          properties: { orderId: "42" },
          time: "2026-05-01T10:00:00Z",
          unique_id: "ret:42",
          metric: { data: { type: "metric", attributes: { name: "Return Requested" } } },
          profile: { data: { type: "profile", attributes: { email: "asha@example.in", phone_number: "+919812345678" } } },
        },
      },
    });
  });
  it("imports profile properties", () => {
    const req = buildKlaviyoRequest(spec("klaviyo.profile_properties", "klaviyo", { email: "asha@example.in", phone: null, properties: { open_ticket: true } }), config);
    expect(req).toMatchObject({ method: "POST", url: "https://a.klaviyo.com/api/profile-import", body: { data: { type: "profile", attributes: { email: "asha@example.in", properties: { open_ticket: true } } } } });
  });
});

describe("shiprocket", () => {
  it("posts the NDR action for the AWB", () => {
    const req = buildShiprocketRequest(spec("shiprocket.ndr_action", "shiprocket", { awb: "SR123", action: "re-attempt", comments: "customer confirmed address" }), { apiToken: "srt" });
    expect(req).toEqual({
      method: "POST",
      url: "https://apiv2.shiprocket.in/v1/external/ndr/SR123/action",
      headers: { authorization: "Bearer srt", "content-type": "application/json" },
      body: { action: "re-attempt", comments: "customer confirmed address" },
    });
  });
});

describe("executor", () => {
  it("redacts credentials but keeps the rest of the request", () => {
    const r = redactRequest({ method: "POST", url: "https://x", headers: { authorization: "Bearer t", "x-shopify-access-token": "s", revision: "r" }, body: { a: 1 } });
    expect(r.headers).toEqual({ authorization: "[redacted]", "x-shopify-access-token": "[redacted]", revision: "r" });
  });
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterSeconds("30", 0)).toBe(30);
    expect(retryAfterSeconds(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(retryAfterSeconds(null, 0)).toBeNull();
  });
  it("classifies 429, 5xx, 4xx and network errors", async () => {
    const req = { method: "POST" as const, url: "https://x", headers: {}, body: {} };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => async () => new Response(JSON.stringify(body), { status, headers });
    expect(await executeRequest(reply(429, {}, { "retry-after": "12" }), req)).toMatchObject({ kind: "retry", throttled: true, waitSeconds: 12 });
    expect(await executeRequest(reply(503, { message: "down" }), req)).toMatchObject({ kind: "retry", throttled: false });
    expect(await executeRequest(reply(400, { error: { message: "Invalid parameter" } }), req)).toMatchObject({ kind: "failed", reason: "HTTP 400: Invalid parameter" });
    expect(await executeRequest(async () => { throw new TypeError("connection reset"); }, req)).toMatchObject({ kind: "retry", reason: "network: connection reset" });
  });
});
