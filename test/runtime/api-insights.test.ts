/** The read API around the models: customers, routes, KPIs, SKU stock and the helpdesk context widget. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { postShiprocket, postZoho, shiprocketTracking, zohoStock } from "../helpers/vendors";

async function shopify(topic: string, payload: unknown) {
  const { id } = await (await SELF.fetch(await shopifyRequest({ topic, payload }))).json<{ id: string }>();
  await waitProcessed(id);
}

describe("customers API", () => {
  it("returns LTV and tier from Shopify's own totals before any model has run", async () => {
    const customerId = uniqueId();
    const order = indianOrder({ customerId, cod: false }) as Record<string, any>;
    order.customer.total_spent = "21000.00";
    await shopify("orders/create", order);
    const body = await (await api(`/api/customers/${customerId}`)).json<any>();
    expect(body.ltv).toBe(2_100_000);
    expect(body.orders).toHaveLength(1);
    expect((await api(`/api/customers/${uniqueId()}`)).status).toBe(404);
  });
});

describe("SKU API", () => {
  it("shows inventory records by source and the live ledger, and validates settings", async () => {
    const sku = `GHEE-${uniqueId()}`;
    await postZoho(zohoStock(sku, 120, Date.now() - 60_000));
    const body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.inventory).toEqual([expect.objectContaining({ source: "zoho-inventory", available: 120 })]);
    expect(body.stock).toMatchObject({ sku, available: 120, safetyFloor: 0 });
    const bad = await api(`/api/skus/${sku}/settings`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ leadTimeDays: -1 }) });
    expect(bad.status).toBe(400);
    const ok = await api(`/api/skus/${sku}/settings`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ safetyStock: 5, leadTimeDays: 10 }) });
    expect((await ok.json<any>()).stock).toMatchObject({ safetyFloor: 5, leadTimeDays: 10 });
    expect((await api(`/api/skus/NOPE-${uniqueId()}`)).status).toBe(404);
  });
});

describe("KPIs", () => {
  it("counts today's orders and GMV and the shipments in transit", async () => {
    const before = await (await api("/api/kpis")).json<any>();
    const id = uniqueId();
    const now = new Date().toISOString();
    await shopify("orders/create", indianOrder({ id, cod: false, totalPrice: "1500.00", createdAt: now, updatedAt: now }));
    await postShiprocket(shiprocketTracking(`SRK${id}`, String(id), [["picked_up", Date.now() - 3_600_000, "Bhiwandi_Hub (Maharashtra)"]]));
    const after = await (await api("/api/kpis")).json<any>();
    expect(after.ordersToday).toBe(before.ordersToday + 1);
    expect(after.gmvToday).toBe(before.gmvToday + 150_000);
    expect(after.inTransit).toBe(before.inTransit + 1);
  });
});

describe("helpdesk context widget", () => {
  it("serves an order's context by email with its own token, and refuses the API token", async () => {
    const id = uniqueId();
    const email = `widget-${id}@example.in`;
    await shopify("orders/create", indianOrder({ id, email, cod: false }));
    const url = `https://switchyard.test/api/helpdesk/context?email=${encodeURIComponent(email)}`;
    expect((await SELF.fetch(url, { headers: { authorization: "Bearer test-api-token" } })).status).toBe(401);
    const res = await SELF.fetch(`${url}&token=test-helpdesk-context-token`);
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body.orders[0].order).toMatchObject({ id: String(id), paymentMethod: "prepaid", currency: "INR" });
    expect((await SELF.fetch("https://switchyard.test/api/helpdesk/context", { headers: { authorization: "Bearer test-helpdesk-context-token" } })).status).toBe(400);
  });
});

describe("routes API", () => {
  it("lists route stats with rates as fractions", async () => {
    await env.DB.prepare(
      `INSERT OR REPLACE INTO route_stats (carrier, origin, destination, shipments, delay_rate_milli, rto_rate_milli, baseline_delay_rate_milli, baseline_rto_rate_milli, median_transit_hours, trend, computed_at)
       VALUES ('xpressbees', 'DEL', '781', 64, 310, 120, 110, 60, 96, '[0.1,0.12,0.31]', ?)`,
    ).bind(Date.now()).run();
    const { routes } = await (await api("/api/routes")).json<any>();
    expect(routes.find((r: any) => r.carrier === "xpressbees" && r.destination === "781")).toMatchObject({ delayRate: 0.31, baselineDelayRate: 0.11, shipments: 64, trend: [0.1, 0.12, 0.31] });
  });
});
