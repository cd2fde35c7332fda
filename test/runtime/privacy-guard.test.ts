/**
 * Privacy webhooks that cannot be aimed: the outside review's replays (a signed customers/data_request
 * body re-sent as shop/redact and as customers/redact) and their relatives, each refused with 400 and
 * a dead letter, nothing erased. A shop/redact is honoured only 47 h+ after an app/uninstalled.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SHOP_DOMAIN, indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { api, count, waitProcessed } from "../helpers/runtime";

async function post(p: Parameters<typeof shopifyRequest>[0]) {
  return SELF.fetch(await shopifyRequest(p));
}

/** An order for a fresh customer, processed: what a replayed privacy body would try to erase. */
async function seedCustomer() {
  const customerId = uniqueId();
  const email = `victim-${customerId}@example.in`;
  const order = indianOrder({ customerId, email, phone: `+9198${String(customerId).slice(-8)}` });
  const { id } = await (await post({ topic: "orders/create", payload: order })).json<{ id: string }>();
  await waitProcessed(id);
  return { customerId, email, order };
}

function dataRequestBody(customerId: number, email: string) {
  return { shop_id: 954889, shop_domain: SHOP_DOMAIN, customer: { id: customerId, email, phone: null }, orders_requested: [], data_request: { id: 9999 } };
}

async function personalDataLeft(customerId: number, email: string) {
  return count(`SELECT count(*) AS n FROM customers WHERE id = ? AND email = ? AND redacted_at IS NULL`, String(customerId), email);
}

describe("privacy bodies replayed under another topic", () => {
  it("a customers/data_request body sent as shop/redact is refused: 400, a dead letter, nothing erased", async () => {
    const { customerId, email } = await seedCustomer();
    const ordersBefore = await count(`SELECT count(*) AS n FROM orders`);
    expect(ordersBefore).toBeGreaterThan(0);
    const webhookId = crypto.randomUUID();
    const res = await post({ topic: "shop/redact", payload: dataRequestBody(customerId, email), webhookId });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/shop\/redact/);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE id = ?`, `dl:shopify:shop/redact:${webhookId}`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE delivery_id = ?`, `shop/redact:${webhookId}`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(ordersBefore);
    expect(await personalDataLeft(customerId, email)).toBe(1);
  });

  it("a customers/data_request body sent as customers/redact is refused and the customer is untouched", async () => {
    const { customerId, email } = await seedCustomer();
    const webhookId = crypto.randomUUID();
    const res = await post({ topic: "customers/redact", payload: dataRequestBody(customerId, email), webhookId });
    expect(res.status).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE id = ?`, `dl:shopify:customers/redact:${webhookId}`)).toBe(1);
    expect(await personalDataLeft(customerId, email)).toBe(1);
  });

  it("a customers/redact for another store (body or header) is refused", async () => {
    const { customerId, email, order } = await seedCustomer();
    const redact = (shop: string) => ({ shop_id: 954889, shop_domain: shop, customer: { id: customerId, email, phone: null }, orders_to_redact: [order.id] });
    const otherBody = await post({ topic: "customers/redact", payload: redact("someone-else.myshopify.com") });
    expect(otherBody.status).toBe(400);
    expect((await otherBody.json<{ error: string }>()).error).toMatch(/someone-else\.myshopify\.com is not this store/);
    const otherHeader = await post({ topic: "customers/redact", payload: redact(SHOP_DOMAIN), shopDomain: "someone-else.myshopify.com" });
    expect(otherHeader.status).toBe(400);
    const noHeader = await post({ topic: "customers/redact", payload: redact(SHOP_DOMAIN), shopDomain: null });
    expect(noHeader.status).toBe(400);
    expect(await personalDataLeft(customerId, email)).toBe(1);
    // The same request for this store, with its header, is carried out and logged with what it erased.
    const ok = await post({ topic: "customers/redact", payload: redact(SHOP_DOMAIN.toUpperCase()) });
    expect(ok.status).toBe(200);
    const { id } = await ok.json<{ id: string }>();
    await waitProcessed(id);
    expect(await personalDataLeft(customerId, email)).toBe(0);
    const log = await env.DB.prepare(`SELECT subject_id AS s, erased, completed_at AS at FROM privacy_log WHERE id = ?`).bind(`customer_redact:${id}`).first<{ s: string; erased: string; at: number }>();
    expect(log?.s).toBe(String(customerId));
    expect(log?.at).toBeGreaterThan(0);
    expect(JSON.parse(log!.erased)).toMatchObject({ customers: 1, orders: 1 });
  });

  it("an ordinary topic from another store's header is refused too", async () => {
    const order = indianOrder();
    const res = await post({ topic: "orders/create", payload: order, shopDomain: "someone-else.myshopify.com" });
    expect(res.status).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(0);
  });

  it("an order body sent under products/update is refused by its own type (admin_graphql_api_id)", async () => {
    const order = indianOrder();
    const res = await post({ topic: "products/update", payload: order });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/body is a Order/);
  });

  it("a well-formed shop/redact for this store is refused when no app/uninstalled was received", async () => {
    const { customerId, email } = await seedCustomer();
    const res = await post({ topic: "shop/redact", payload: { shop_id: 954889, shop_domain: SHOP_DOMAIN } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/no app\/uninstalled has been received/);
    expect(await personalDataLeft(customerId, email)).toBe(1);
  });

  it("a refused privacy request replayed from the dead letters by hand is refused again by the consumer", async () => {
    const { customerId, email } = await seedCustomer();
    // Stored as if an earlier build had accepted it: the consumer, not the route, must refuse it.
    const rawId = `shopify:shop/redact:${crypto.randomUUID()}`;
    await env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status, attempts) VALUES (?, 'shopify', ?, 'shop/redact', ?, ?, 'dead', 0)`)
      .bind(rawId, rawId.slice("shopify:".length), Date.now(), JSON.stringify({ shop_id: 954889, shop_domain: SHOP_DOMAIN }))
      .run();
    await env.DB.prepare(`INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, body, received_at) VALUES (?, ?, 'shopify', 'shop/redact', 'test', NULL, ?)`)
      .bind(`dl:${rawId}`, rawId, Date.now())
      .run();
    const replay = await api(`/api/dead-letters/${encodeURIComponent(`dl:${rawId}`)}/replay`, { method: "POST" });
    expect(replay.status).toBe(202);
    await waitProcessed(rawId);
    const raw = await env.DB.prepare(`SELECT status, error FROM raw_events WHERE id = ?`).bind(rawId).first<{ status: string; error: string }>();
    expect(raw).toMatchObject({ status: "dead" });
    expect(raw?.error).toMatch(/no app\/uninstalled/);
    expect(await personalDataLeft(customerId, email)).toBe(1);
  });
});
