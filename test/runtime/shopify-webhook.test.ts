/** POST /webhooks/shopify end to end: verification, caps, dead letters, idempotency, ordering, privacy. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SHOPIFY_PREVIOUS_SECRET, indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { api, count, waitProcessed } from "../helpers/runtime";

async function post(p: Parameters<typeof shopifyRequest>[0]) {
  return SELF.fetch(await shopifyRequest(p));
}

describe("Shopify webhook signature", () => {
  it("accepts a correctly signed order and stores it once", async () => {
    const order = indianOrder();
    const res = await post({ topic: "orders/create", payload: order });
    expect(res.status).toBe(200);
    const { id } = await res.json<{ id: string }>();
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
  });

  it("rejects a bad signature with 401 and stores nothing", async () => {
    const order = indianOrder();
    const res = await post({ topic: "orders/create", payload: order, hmac: "bm90IHRoZSByaWdodCBobWFj" });
    expect(res.status).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${order.id}%`)).toBe(0);
  });

  it("rejects a missing signature with 401", async () => {
    const order = indianOrder();
    const res = await post({ topic: "orders/create", payload: order, hmac: null });
    expect(res.status).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${order.id}%`)).toBe(0);
  });

  it("rejects a body changed by one byte after signing", async () => {
    const order = indianOrder();
    const body = JSON.stringify(order);
    const req = await shopifyRequest({ topic: "orders/create", payload: order, rawBody: body });
    const tampered = body.replace('"1877.00"', '"1878.00"');
    expect(tampered).not.toBe(body);
    const res = await SELF.fetch(new Request(req, { body: tampered }));
    expect(res.status).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${order.id}%`)).toBe(0);
  });

  it("accepts the previous secret during rotation, and no other", async () => {
    const order = indianOrder();
    const ok = await post({ topic: "orders/create", payload: order, secret: SHOPIFY_PREVIOUS_SECRET });
    expect(ok.status).toBe(200);
    const other = await post({ topic: "orders/create", payload: indianOrder(), secret: "some-other-secret" });
    expect(other.status).toBe(401);
  });
});

describe("Shopify webhook bad input", () => {
  it("answers 413 above the body cap and stores nothing", async () => {
    const order = indianOrder({ note: "x".repeat(1024 * 1024 + 10) });
    const res = await post({ topic: "orders/create", payload: order });
    expect(res.status).toBe(413);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${order.id}%`)).toBe(0);
  });

  it("reads a body sent without Content-Length (chunked) up to the cap, and refuses past it with 413", async () => {
    const streamed = async (order: Record<string, unknown>) => {
      const signed = await shopifyRequest({ topic: "orders/create", payload: order });
      const bytes = new Uint8Array(await signed.arrayBuffer());
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
          controller.close();
        },
      });
      const headers = new Headers(signed.headers);
      headers.delete("content-length");
      return SELF.fetch(new Request(signed.url, { method: "POST", headers, body: stream }));
    };
    const small = indianOrder();
    const ok = await streamed(small);
    expect(ok.status).toBe(200);
    const big = indianOrder({ note: "x".repeat(1024 * 1024 + 10) });
    expect((await streamed(big)).status).toBe(413);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${big.id}%`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${small.id}%`)).toBe(1);
  });

  it("answers 400 to signed malformed JSON and keeps one dead letter", async () => {
    const marker = `broken-${uniqueId()}`;
    const rawBody = `{"id": 1, "name": "${marker}", `;
    const webhookId = crypto.randomUUID();
    const res = await post({ topic: "orders/create", payload: null, rawBody, webhookId });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "malformed JSON" });
    const again = await post({ topic: "orders/create", payload: null, rawBody, webhookId });
    expect(again.status).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE body LIKE ?`, `%${marker}%`)).toBe(1);
    const list = await (await api("/api/dead-letters")).json<{ deadLetters: { reason: string; source: string }[] }>();
    expect(list.deadLetters.some((d) => d.reason === "malformed JSON" && d.source === "shopify")).toBe(true);
  });

  it("answers 400 to a signed payload that is not an order and says why", async () => {
    const res = await post({ topic: "orders/create", payload: { id: uniqueId(), hello: "world" } });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: string }>();
    expect(body.error).toMatch(/shopify orders\/create: name/);
  });

  it("answers 400 to a topic it does not know", async () => {
    const res = await post({ topic: "carts/create", payload: { id: uniqueId() } });
    expect(res.status).toBe(400);
  });
});

describe("Shopify webhook idempotency", () => {
  it("stores a delivery sent three times once", async () => {
    const order = indianOrder();
    const webhookId = crypto.randomUUID();
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await post({ topic: "orders/create", payload: order, webhookId }));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json<{ duplicate: boolean; id: string }>()));
    expect(bodies.map((b) => b.duplicate)).toEqual([false, true, true]);
    await waitProcessed(bodies[0]!.id);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ?`, bodies[0]!.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
  });

  it("stores a delivery sent three times concurrently once", async () => {
    const order = indianOrder();
    const webhookId = crypto.randomUUID();
    const requests = await Promise.all([0, 1, 2].map(() => shopifyRequest({ topic: "orders/create", payload: order, webhookId })));
    const responses = await Promise.all(requests.map((r) => SELF.fetch(r)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json<{ duplicate: boolean; id: string }>()));
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    await waitProcessed(bodies[0]!.id);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ?`, bodies[0]!.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
  });
});

describe("Shopify ordering by the record's own time", () => {
  it("keeps the newer order when an older orders/updated arrives late", async () => {
    const id = uniqueId();
    const newer = indianOrder({ id, updatedAt: "2026-11-21T12:00:00+05:30", financialStatus: "paid" });
    const older = indianOrder({ id, updatedAt: "2026-11-20T12:00:00+05:30", financialStatus: "pending" });
    const r1 = await (await post({ topic: "orders/updated", payload: newer })).json<{ id: string }>();
    await waitProcessed(r1.id);
    const r2 = await (await post({ topic: "orders/updated", payload: older })).json<{ id: string }>();
    await waitProcessed(r2.id);
    const res = await api(`/api/orders/${id}`);
    const body = await res.json<{ order: { financialStatus: string; updatedAt: string } }>();
    expect(body.order.financialStatus).toBe("paid");
    expect(body.order.updatedAt).toBe("2026-11-21T06:30:00.000Z");
  });
});

describe("Order API", () => {
  it("returns the order in the canonical shape by id and by name", async () => {
    const order = indianOrder({ name: `#${uniqueId() % 1000000}` });
    const { id } = await (await post({ topic: "orders/create", payload: order })).json<{ id: string }>();
    await waitProcessed(id);
    const byId = await (await api(`/api/orders/${order.id}`)).json<any>();
    expect(byId.order).toMatchObject({
      id: String(order.id),
      name: order.name,
      customerId: "7012345678",
      currency: "INR",
      totalPrice: 187700,
      paymentMethod: "cod",
      financialStatus: "pending",
      fulfillmentStatus: null,
      shippingPincode: "560038",
      createdAt: "2026-11-20T04:45:00.000Z",
    });
    expect(byId.order.lineItems).toEqual([
      expect.objectContaining({ sku: "KUMKUMADI-30ML", quantity: 1, unitPrice: 129900 }),
      expect.objectContaining({ sku: "NEEM-SOAP-100G", quantity: 1, unitPrice: 49900 }),
    ]);
    expect(byId.customer).toMatchObject({ id: "7012345678", phone: "+919876543210", totalSpent: 540000 });
    const byName = await (await api(`/api/orders?name=${encodeURIComponent(order.name as string)}`)).json<any>();
    expect(byName.order.id).toBe(String(order.id));
  });

  it("refuses requests without the bearer token", async () => {
    const res = await SELF.fetch("https://switchyard.test/api/orders/1");
    expect(res.status).toBe(401);
    const wrong = await SELF.fetch("https://switchyard.test/api/dead-letters", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  it("answers 404 for an unknown order", async () => {
    expect((await api(`/api/orders/${uniqueId()}`)).status).toBe(404);
  });

  it("serves /health without auth", async () => {
    const res = await SELF.fetch("https://switchyard.test/health");
    expect(res.status).toBe(200);
  });
});

describe("Shopify privacy topics", () => {
  it("customers/redact erases the customer's personal data from every table", async () => {
    const customerId = uniqueId();
    const email = `redact-${customerId}@example.in`;
    const phone = `+9198${String(customerId).slice(-8)}`;
    const order = indianOrder({ customerId, email, phone, note: "Leave with the guard at Flat 4B" });
    const { id } = await (await post({ topic: "orders/create", payload: order })).json<{ id: string }>();
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM customers WHERE email = ?`, email)).toBe(1);

    const redact = { shop_id: 954889, shop_domain: "vanaspati.myshopify.com", customer: { id: customerId, email, phone }, orders_to_redact: [order.id] };
    const r = await (await post({ topic: "customers/redact", payload: redact })).json<{ id: string }>();
    await waitProcessed(r.id);

    const needles = [email, phone, phone.slice(-10), "Flat 4B"];
    const tables: [string, string][] = [
      ["customers", "coalesce(email,'') || coalesce(phone,'') || coalesce(first_name,'')"],
      ["orders", "coalesce(email,'') || coalesce(phone,'') || coalesce(note,'')"],
      ["raw_events", "body"],
      ["dead_letters", "coalesce(body,'')"],
      ["tickets", "coalesce(email,'') || coalesce(phone,'') || body"],
      ["messages", "coalesce(phone,'') || coalesce(text,'')"],
      ["decisions", "actions"],
      ["actions", "params || coalesce(request,'')"],
      ["customer_contacts", "customer_key"],
    ];
    for (const needle of needles) {
      for (const [table, expr] of tables) {
        expect(await count(`SELECT count(*) AS n FROM ${table} WHERE instr(${expr}, ?) > 0`, needle), `${needle} in ${table}`).toBe(0);
      }
    }
    const customer = await env.DB.prepare(`SELECT redacted_at AS r FROM customers WHERE id = ?`).bind(String(customerId)).first<{ r: number }>();
    expect(customer?.r).toBeGreaterThan(0);
  });

  it("customers/data_request is recorded for ops", async () => {
    const customerId = uniqueId();
    const payload = { shop_id: 1, shop_domain: "vanaspati.myshopify.com", customer: { id: customerId, email: "a@b.in", phone: null }, orders_requested: [], data_request: { id: customerId } };
    const { id } = await (await post({ topic: "customers/data_request", payload })).json<{ id: string }>();
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM kv WHERE key = ?`, `privacy:data_request:${customerId}`)).toBe(1);
  });
});
