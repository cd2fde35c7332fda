/**
 * The COD risk score end to end in workerd: a real, signed Shopify orders/create webhook through the
 * ingest queue, real D1 (the pincode directory sample, destination RTO counts as the route-stats job
 * writes them, the customer's earlier orders and their scans), the score on GET /api/orders/:id and
 * the order page, and the actions the band calls for in the outbox.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { replaceDestinationRto, replacePincodeDirectory } from "../../src/db/cod-risk";
import { runBatches } from "../../src/db/bulk";
import directory from "../fixtures/pincodes/directory-sample.json";
import { api, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";

const BASE = "https://switchyard.test";

async function post(payload: unknown): Promise<void> {
  const { id } = await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload }))).json<{ id: string }>();
  await waitProcessed(id);
}

/** A COD order to `address` from a customer (and phone) of its own. */
function order(o: { customerId: number; phone: string; pincode: string; city: string; province: string; address1: string; total?: string; createdAt?: string; tags?: string }): Record<string, any> {
  const p = indianOrder({ customerId: o.customerId, phone: o.phone, pincode: o.pincode, totalPrice: o.total ?? "899.00", createdAt: o.createdAt ?? "2026-11-20T10:15:00+05:30", updatedAt: o.createdAt ?? "2026-11-20T10:15:00+05:30" }) as Record<string, any>;
  Object.assign(p.shipping_address, { city: o.city, province: o.province, address1: o.address1, zip: o.pincode, phone: o.phone });
  p.billing_address = p.shipping_address;
  if (o.tags !== undefined) p.customer.tags = o.tags;
  return p;
}

let phoneSeq = 0;
const phone = () => `+9198${String(76_000_000 + Math.floor(Math.random() * 1_000_000) * 10 + ++phoneSeq).padStart(8, "0")}`;

async function detail(id: number) {
  const res = await api(`/api/orders/${id}`);
  expect(res.status).toBe(200);
  return res.json<any>();
}

async function actionKinds(orderId: number): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT a.kind FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.type = 'cod_confirmation' AND d.subject_id = ? ORDER BY a.kind`,
  )
    .bind(String(orderId))
    .all<{ kind: string }>();
  return results.map((r) => r.kind);
}

beforeAll(async () => {
  await runBatches(env.DB, replacePincodeDirectory(env.DB, directory), 1000);
  // As the hourly route-stats job leaves them: 110017 measured at 30% RTO over 200 resolved parcels.
  await runBatches(
    env.DB,
    replaceDestinationRto(
      env.DB,
      [
        { level: "pincode", key: "110017", shipments: 200, rtos: 60 },
        { level: "prefix", key: "110", shipments: 500, rtos: 100 },
        { level: "pincode", key: "560038", shipments: 150, rtos: 9 },
        { level: "prefix", key: "560", shipments: 900, rtos: 63 },
        { level: "store", key: "", shipments: 3000, rtos: 270 },
      ],
      Date.now(),
    ),
    1000,
  );
});

describe("COD risk through the Shopify orders/create webhook", () => {
  it("a small COD order to a pincode with a measured 30% RTO rate is medium: the WhatsApp confirmation only", async () => {
    const id = uniqueId();
    await post({ ...order({ customerId: uniqueId(), phone: phone(), pincode: "110017", city: "New Delhi", province: "Delhi", address1: "C-42, Saket Block C" }), id, name: `#R${id % 100000}` });
    const body = await detail(id);
    expect(body.codRisk).toMatchObject({ band: "medium", score: 45, destinationLevel: "pincode" });
    expect(body.codRisk.destinationRtoRate).toBeCloseTo(0.295, 3);
    expect(body.codRisk.factors.map((f: any) => [f.code, f.points])).toEqual([
      ["destination_rto", 35],
      ["first_order", 10],
    ]);
    expect(body.codRisk.factors[0].reason).toBe("pincode 110017: RTO rate 30% smoothed (60 of 200 shipments came back; store 9%) ≥ 25%");
    expect(body.codRisk).not.toHaveProperty("addressKey");
    expect(body.journey.state).toBe("cod_confirmation_pending");
    expect(await actionKinds(id)).toEqual(["whatsapp.template"]);
    const { decisions } = await (await api(`/api/decisions?type=cod_confirmation&subject=order:${id}`)).json<{ decisions: any[] }>();
    expect(decisions).toHaveLength(1);
    expect(decisions[0].reasons).toContain("COD risk medium, 45 points (medium ≥ 30, high ≥ 60): destination rto +35, first order +10");
  });

  it("a repeat offender (two earlier RTOs) is high: confirmation, a payment link with the prepaid discount, and a fulfilment hold", async () => {
    const customerId = uniqueId();
    const tel = phone();
    // Two earlier COD orders of this customer, both returned to origin by the carrier.
    for (const [k, at] of [["a", "2026-10-02T11:00:00+05:30"], ["b", "2026-10-20T11:00:00+05:30"]] as const) {
      const earlier = uniqueId();
      await post({ ...order({ customerId, phone: tel, pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar", createdAt: at }), id: earlier, name: `#E${k}${earlier % 10000}` });
      await env.DB.prepare(
        `INSERT INTO shipment_events (id, order_id, order_ref, carrier, awb, status, raw_status, location, pincode, eta, is_return, occurred_at, source, source_id, received_at)
         VALUES (?, ?, NULL, 'delhivery', ?, 'rto_initiated', 'RTO', 'Bengaluru_Hub', '560038', NULL, 0, ?, 'delhivery', ?, ?)`,
      )
        .bind(`delhivery:AWB${earlier}:rto_initiated`, String(earlier), `AWB${earlier}`, Date.parse(at) + 5 * 86_400_000, `AWB${earlier}`, Date.now())
        .run();
    }
    const id = uniqueId();
    await post({ ...order({ customerId, phone: tel, pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar", total: "1499.00" }), id, name: `#H${id % 100000}` });
    const body = await detail(id);
    expect(body.codRisk.band).toBe("high");
    expect(body.codRisk.forcedHigh).toBe("repeat offender: 2 RTOs ≥ 2");
    expect(body.codRisk.factors.find((f: any) => f.code === "customer_rto")).toMatchObject({ points: 60, reason: "2 earlier orders of this customer came back (RTO)", numbers: { earlierRtos: 2 } });
    expect(await actionKinds(id)).toEqual(["cod_payment_link", "shopify_fulfillment_hold", "whatsapp.template"]);
    const link = await env.DB.prepare(`SELECT a.params, a.connector FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.subject_id = ? AND a.kind = 'cod_payment_link'`).bind(String(id)).first<{ params: string; connector: string }>();
    expect(link!.connector).toBe("razorpay");
    expect(JSON.parse(link!.params)).toMatchObject({ orderId: String(id), amountPaise: 142_405, discountPaise: 7_495, customerPhone: tel });

    // The order page shows the score with each factor.
    const login = await SELF.fetch(`${BASE}/login`, { method: "POST", body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }), headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.77" }, redirect: "manual" });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const html = await (await SELF.fetch(`${BASE}/orders/${id}`, { headers: { cookie } })).text();
    expect(html).toContain('data-panel="cod-risk"');
    expect(html).toContain('data-band="high"');
    expect(html).toContain("2 earlier orders of this customer came back (RTO)");
  });

  it("a pincode that belongs to another state is flagged with both states; a clean returning customer is low and confirmed", async () => {
    const wrong = uniqueId();
    await post({ ...order({ customerId: uniqueId(), phone: phone(), pincode: "560038", city: "Mumbai", province: "Maharashtra", address1: "Flat 3, Sea View" }), id: wrong, name: `#S${wrong % 100000}` });
    const w = await detail(wrong);
    expect(w.codRisk.factors.find((f: any) => f.code === "pincode_other_state")).toMatchObject({ points: 35, reason: "pincode 560038 belongs to KARNATAKA, not Maharashtra" });
    expect(w.codRisk.band).toBe("medium");

    const customerId = uniqueId();
    const tel = phone();
    const first = uniqueId();
    await post({ ...order({ customerId, phone: tel, pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar", createdAt: "2026-10-01T11:00:00+05:30" }), id: first, name: `#C${first % 100000}` });
    const id = uniqueId();
    await post({ ...order({ customerId, phone: tel, pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar" }), id, name: `#L${id % 100000}` });
    const body = await detail(id);
    expect(body.codRisk).toMatchObject({ band: "low", score: 0, factors: [] });
    expect(body.journey.state).toBe("confirmed");
    expect(await actionKinds(id)).toEqual([]);
  });

  it("a customer tagged cod-blocked in Shopify is high on any COD order; the score stays the one given at placement", async () => {
    const id = uniqueId();
    const payload: Record<string, any> = { ...order({ customerId: uniqueId(), phone: phone(), pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar", tags: "vip, cod-blocked" }), id, name: `#B${id % 100000}` };
    await post(payload);
    const body = await detail(id);
    expect(body.codRisk).toMatchObject({ band: "high", forcedHigh: "customer tagged cod-blocked" });
    // A later update of the same order (tag removed) does not re-score it.
    const { id: raw } = await (await SELF.fetch(await shopifyRequest({ topic: "orders/updated", payload: { ...payload, customer: { ...payload.customer, tags: "" }, updated_at: "2026-11-20T11:15:00+05:30" } }))).json<{ id: string }>();
    await waitProcessed(raw);
    expect((await detail(id)).codRisk.band).toBe("high");
    expect(await actionKinds(id)).toEqual(["cod_payment_link", "shopify_fulfillment_hold", "whatsapp.template"]);
  });

  it("customers/redact erases the address hash and the factors' reasons (pincode, state, city), keeping the score and band", async () => {
    const customerId = uniqueId();
    const id = uniqueId();
    await post({ ...order({ customerId, phone: phone(), pincode: "560038", city: "Mumbai", province: "Maharashtra", address1: "Flat 3, Sea View" }), id, name: `#P${id % 100000}` });
    const before = await env.DB.prepare(`SELECT address_key, factors FROM cod_risk WHERE order_id = ?`).bind(String(id)).first<{ address_key: string | null; factors: string }>();
    expect(before!.address_key).toMatch(/^[0-9a-f]{32}$/);
    expect(before!.factors).toContain("560038");
    const redact = { shop_id: 954889, shop_domain: "vanaspati.myshopify.com", customer: { id: customerId, email: "redact@example.in", phone: null }, orders_to_redact: [id] };
    const { id: raw } = await (await SELF.fetch(await shopifyRequest({ topic: "customers/redact", payload: redact }))).json<{ id: string }>();
    await waitProcessed(raw);
    const after = await env.DB.prepare(`SELECT address_key, factors, band, score FROM cod_risk WHERE order_id = ?`).bind(String(id)).first<{ address_key: string | null; factors: string; band: string; score: number }>();
    expect(after).toMatchObject({ address_key: null, band: "medium", score: 45 });
    expect(after!.factors).not.toContain("560038");
    expect(after!.factors).not.toContain("Mumbai");
  });

  it("POST /api/backtest reports the COD policy's recall and false alarms, each order scored as of its placement", async () => {
    const customerId = uniqueId();
    const tel = phone();
    const scan = async (orderId: number, status: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO shipment_events (id, order_id, order_ref, carrier, awb, status, raw_status, location, pincode, eta, is_return, occurred_at, source, source_id, received_at)
         VALUES (?, ?, NULL, 'delhivery', ?, ?, ?, 'Bengaluru_Hub', '560038', NULL, 0, ?, 'delhivery', ?, ?)`,
      )
        .bind(`delhivery:BT${orderId}:${status}`, String(orderId), `BT${orderId}`, status, status, at, `BT${orderId}`, Date.now())
        .run();
    // September: two COD orders that came back, then a third that was delivered.
    const placed = ["2026-09-02T11:00:00+05:30", "2026-09-10T11:00:00+05:30", "2026-09-20T11:00:00+05:30"];
    for (const [k, at] of placed.entries()) {
      const id = uniqueId();
      await post({ ...order({ customerId, phone: tel, pincode: "560038", city: "Bengaluru", province: "Karnataka", address1: "14, 2nd Cross, Indiranagar", createdAt: at }), id, name: `#T${k}${id % 10000}` });
      await scan(id, k < 2 ? "rto_initiated" : "delivered", Date.parse(at) + 5 * 86_400_000);
    }
    const res = await api("/api/backtest", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "2026-09-01T00:00:00Z", to: "2026-09-30T00:00:00Z", policy: { cod_risk: { highAt: 30 } } }) });
    expect(res.status).toBe(200);
    const { cod } = await res.json<any>();
    // Current policy: the first RTO was a first order (low), the second came after one RTO (medium), the third after two (high, but delivered).
    expect(cod.current).toMatchObject({
      scored: 3,
      byBand: { low: 1, medium: 1, high: 1 },
      rto: { orders: 2, flaggedHigh: 0, flaggedMediumOrHigh: 1, recallHigh: 0, recallMediumOrHigh: 0.5 },
      delivered: { orders: 1, flaggedHigh: 1, falseAlarmRateHigh: 1 },
    });
    // The candidate (high from 30 points) flags the second RTO high too.
    expect(cod.candidate.rto).toMatchObject({ flaggedHigh: 1, recallHigh: 0.5 });
  });
});
