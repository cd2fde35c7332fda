/** Reconciliation: orders the webhooks missed are pulled from Shopify's Admin GraphQL API and ingested. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ensureWebhookSubscriptions, reconcileShopifyOrders, SUBSCRIBED_TOPICS } from "../../src/jobs/reconcile";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { count, waitProcessed } from "../helpers/runtime";

const shopEnv = { ...env, SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_test", SHOPIFY_API_VERSION: "2026-07" } as unknown as Env;
const GRAPHQL_URL = "https://vanaspati.myshopify.com/admin/api/2026-07/graphql.json";

/** The same order as Admin GraphQL returns it. */
function graphqlNode(rest: Record<string, any>) {
  return {
    legacyResourceId: String(rest.id),
    name: rest.name,
    email: rest.email,
    phone: rest.phone,
    createdAt: rest.created_at,
    updatedAt: rest.updated_at,
    cancelledAt: null,
    displayFinancialStatus: "PENDING",
    displayFulfillmentStatus: "UNFULFILLED",
    paymentGatewayNames: rest.payment_gateway_names,
    currencyCode: "INR",
    totalPriceSet: { shopMoney: { amount: rest.total_price } },
    subtotalPriceSet: { shopMoney: { amount: rest.subtotal_price } },
    tags: ["cod"],
    note: null,
    customer: { legacyResourceId: String(rest.customer.id), email: rest.customer.email, phone: rest.customer.phone, firstName: "Riya", lastName: "Sharma", numberOfOrders: "3", amountSpent: { amount: "5400.00" } },
    shippingAddress: { zip: "560038", city: "Bengaluru", province: "Karnataka", phone: null },
    lineItems: { nodes: rest.line_items.map((li: any) => ({ sku: li.sku, title: li.title, quantity: li.quantity, originalUnitPriceSet: { shopMoney: { amount: li.price } }, variant: { legacyResourceId: String(li.variant_id) }, product: { legacyResourceId: String(li.product_id) } })) },
  };
}

afterEach(() => vi.restoreAllMocks());

describe("reconciliation", () => {
  it("restores the full state in one cycle when 5% of order webhooks were dropped", async () => {
    const base = Date.now() - 3_600_000;
    const orders = Array.from({ length: 40 }, (_, i) => {
      const at = new Date(base + i * 1000).toISOString();
      return indianOrder({ id: uniqueId(), createdAt: at, updatedAt: at, cod: i % 2 === 0 });
    });
    const dropped = new Set([3, 17]); // 2 of 40 = 5%
    const accepted = await Promise.all(
      orders.filter((_, i) => !dropped.has(i)).map(async (o) => (await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: o }))).json<{ id: string }>()).id),
    );
    for (const id of accepted) await waitProcessed(id, 20_000);
    const ids = orders.map((o) => String(o.id));
    const countPresent = () => count(`SELECT count(*) AS n FROM orders WHERE id IN (${ids.map(() => "?").join(",")})`, ...ids);
    expect(await countPresent()).toBe(38);

    const calls: unknown[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== GRAPHQL_URL) throw new Error(`unexpected request to ${url}`);
      const body = JSON.parse(String(init?.body));
      calls.push(body.variables);
      expect((init?.headers as Record<string, string>)["x-shopify-access-token"]).toBe("shpat_test");
      return Response.json({ data: { orders: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: orders.map(graphqlNode) } } });
    });
    await env.DB.prepare(`DELETE FROM kv WHERE key = 'reconcile:shopify:orders'`).run();
    const result = await reconcileShopifyOrders(shopEnv, Date.now());
    expect(result).toEqual({ pulled: 40, ingested: 2, after: null });
    expect(calls).toHaveLength(1);
    for (const i of dropped) await waitProcessed(`shopify:reconcile:${orders[i]!.id}:${orders[i]!.updated_at}`);
    expect(await countPresent()).toBe(40);
    const restored = await env.DB.prepare(`SELECT total_price AS t, payment_method AS p FROM orders WHERE id = ?`).bind(String(orders[17]!.id)).first();
    expect(restored).toEqual({ t: 187700, p: "prepaid" });
  }, 60_000);

  it("does nothing without Admin API credentials", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    expect(await reconcileShopifyOrders({ ...env, SHOPIFY_ADMIN_TOKEN: "" } as Env, Date.now())).toBeNull();
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("webhook subscription health", () => {
  it("re-creates the subscriptions Shopify removed", async () => {
    const uri = "https://switchyard.example.com/webhooks/shopify";
    const present = SUBSCRIBED_TOPICS.filter((t) => t !== "ORDERS_UPDATED" && t !== "FULFILLMENTS_UPDATE");
    const created: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      const body = JSON.parse(String(init?.body));
      if (body.query.includes("webhookSubscriptions(")) {
        return Response.json({ data: { webhookSubscriptions: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: present.map((topic, i) => ({ id: `gid://shopify/WebhookSubscription/${i}`, topic, uri })) } } });
      }
      expect(body.query).toContain("webhookSubscriptionCreate");
      expect(body.variables.sub).toEqual({ uri, format: "JSON" });
      created.push(body.variables.topic);
      return Response.json({ data: { webhookSubscriptionCreate: { webhookSubscription: { id: "gid://shopify/WebhookSubscription/99" }, userErrors: [] } } });
    });
    const result = await ensureWebhookSubscriptions(shopEnv, "https://switchyard.example.com/");
    expect(result).toEqual({ missing: ["ORDERS_UPDATED", "FULFILLMENTS_UPDATE"], created: ["ORDERS_UPDATED", "FULFILLMENTS_UPDATE"] });
    expect(created).toEqual(["ORDERS_UPDATED", "FULFILLMENTS_UPDATE"]);
  });
});

describe("carrier reconciliation", () => {
  it("pulls a quiet parcel from Shiprocket's tracking API and ingests the scans the webhooks missed", async () => {
    const { postShiprocket, shiprocketTracking, istStamp } = await import("../helpers/vendors");
    const { pullQuietParcels } = await import("../../src/jobs/carrier-pull");
    const trackResponse = (await import("../fixtures/vendor/shiprocket/track-awb-response.json")).default;
    const id = uniqueId();
    const awb = `SRP${id}`;
    const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: indianOrder({ id, cod: false, createdAt: at, updatedAt: at }) })).then((r) => r.json<{ id: string }>()).then((r) => waitProcessed(r.id));
    await postShiprocket(shiprocketTracking(awb, String(id), [["picked_up", Date.now() - 20 * 3_600_000, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", Date.now() - 13 * 3_600_000, "Nagpur_Hub (Maharashtra)"]]));

    // The carrier's own record: out for delivery and delivered, never pushed to us.
    const response = structuredClone(trackResponse) as any;
    response.tracking_data.shipment_track[0].awb_code = awb;
    response.tracking_data.shipment_track[0].delivered_date = istStamp(Date.now() - 2 * 3_600_000);
    response.tracking_data.shipment_track_activities = [
      { date: istStamp(Date.now() - 2 * 3_600_000), status: "DLVD", activity: "Delivered", location: "Indiranagar, Bengaluru", "sr-status": "7", "sr-status-label": "DELIVERED" },
      { date: istStamp(Date.now() - 5 * 3_600_000), status: "OFD", activity: "Out for Delivery", location: "Indiranagar, Bengaluru", "sr-status": "17", "sr-status-label": "OUT FOR DELIVERY" },
    ];
    const requested: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const req = input instanceof Request ? input : new Request(String(input), init);
      if (!req.url.startsWith("https://apiv2.shiprocket.in/v1/external/courier/track/awb/")) throw new Error(`unexpected request to ${req.url}`);
      expect(req.headers.get("authorization")).toBe("Bearer sr-test-token");
      requested.push(decodeURIComponent(req.url.split("/").pop()!));
      return Response.json(response);
    });
    const result = await pullQuietParcels({ ...env, SHIPROCKET_API_TOKEN: "sr-test-token" } as unknown as Env, Date.now());
    expect(requested).toContain(awb);
    expect(result.pulled).toBeGreaterThanOrEqual(1);
    vi.restoreAllMocks();
    await vi.waitFor(async () => {
      const row = await env.DB.prepare(`SELECT state FROM journeys WHERE order_id = ?`).bind(String(id)).first<{ state: string }>();
      expect(row?.state).toBe("delivered");
    }, { timeout: 5000 });
  });
});

describe("backfill", () => {
  it("imports past orders a bounded slice at a time, handing back the cursor, without moving the watermark", async () => {
    const old = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const orders = [400, 300, 200].map((d) => indianOrder({ id: uniqueId(), cod: false, createdAt: old(d), updatedAt: old(d) }));
    const pages = [
      { pageInfo: { hasNextPage: true, endCursor: "cursor-1" }, nodes: orders.slice(0, 2).map(graphqlNode) },
      { pageInfo: { hasNextPage: false, endCursor: null }, nodes: orders.slice(2).map(graphqlNode) },
    ];
    const seen: unknown[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      const { variables } = JSON.parse(String(init?.body));
      seen.push(variables);
      return Response.json({ data: { orders: pages[variables.after === "cursor-1" ? 1 : 0] } });
    });
    const watermark = () => env.DB.prepare(`SELECT value FROM kv WHERE key = 'reconcile:shopify:orders'`).first<{ value: string }>();
    const before = await watermark();
    const since = old(500);
    const first = await reconcileShopifyOrders(shopEnv, Date.now(), 0, { since, after: null, maxPages: 1 });
    expect(first).toEqual({ pulled: 2, ingested: 2, after: "cursor-1" });
    const second = await reconcileShopifyOrders(shopEnv, Date.now(), 0, { since, after: "cursor-1", maxPages: 1 });
    expect(second).toEqual({ pulled: 1, ingested: 1, after: null });
    expect(seen).toEqual([{ query: `updated_at:>='${since}'`, after: null }, { query: `updated_at:>='${since}'`, after: "cursor-1" }]);
    expect(await watermark()).toEqual(before);
    vi.restoreAllMocks();
    for (const o of orders) await waitProcessed(`shopify:reconcile:${o.id}:${o.updated_at}`);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id IN (?, ?, ?)`, ...orders.map((o) => String(o.id)))).toBe(3);
  });

  it("answers 409 through the API when no Admin credentials are configured, and 400 without a since", async () => {
    const { api } = await import("../helpers/runtime");
    expect((await api("/api/backfill", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ since: "2025-01-01" }) })).status).toBe(409);
    expect((await api("/api/backfill", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(400);
  });
});
