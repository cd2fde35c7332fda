/**
 * The customer-model cron fits BG/NBD + Gamma-Gamma on the store's own customers in real D1, stores
 * P(active), expected orders and predicted CLV per customer, the API shows them in words, and the
 * churn offer goes to the lapsed high-value customer and not to the one who orders every few weeks.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadPolicy } from "../../src/db/policies";
import { decideCustomerOutreach } from "../../src/jobs/customer-outreach";
import { refreshCustomerModels } from "../../src/jobs/customer-models";
import { syncPredictionsToCrm } from "../../src/jobs/crm-predictions";
import { api, count } from "../helpers/runtime";
import { uniqueId } from "../helpers/shopify";

const DAY = 86_400_000;
const NOW = Date.now();
const prefix = `fit${uniqueId()}`;
const id = (n: number) => `${prefix}-${String(n).padStart(3, "0")}`;

async function customer(cid: string, opts: { ordersCount: number; totalSpent: number; createdAt: number; phone?: string; email?: string }) {
  await env.DB.prepare(
    `INSERT INTO customers (id, first_name, phone, email, updated_at, created_at, source, source_id, total_spent, orders_count, accepts_marketing, accepts_whatsapp)
     VALUES (?, 'Kavya', ?, ?, ?, ?, 'shopify', ?, ?, ?, 1, 1)`,
  )
    .bind(cid, opts.phone ?? null, opts.email ?? null, NOW, opts.createdAt, cid, opts.totalSpent, opts.ordersCount)
    .run();
}

async function orders(cid: string, daysAgo: number[], value = 120_000) {
  for (const [i, ago] of daysAgo.entries()) {
    const at = NOW - ago * DAY;
    await env.DB.prepare(
      `INSERT INTO orders (id, name, customer_id, currency, total_price, subtotal_price, payment_method, line_items, tags, created_at, updated_at, source, source_id)
       VALUES (?, ?, ?, 'INR', ?, ?, 'prepaid', '[]', '[]', ?, ?, 'shopify', ?)`,
    )
      .bind(`${cid}-o${i}`, `#${cid}-${i}`, cid, value, value, at, at, `${cid}-o${i}`)
      .run();
  }
}

const lapsed = id(900);
const regular = id(901);
const oneOrder = id(0);
const predating = id(902);

beforeAll(async () => {
  // 60 one-order customers over the last year, 30 repeat buyers with varied rhythms, many of whom stopped.
  for (let i = 0; i < 60; i++) {
    await customer(id(i), { ordersCount: 1, totalSpent: 80_000, createdAt: NOW - (5 + i * 6) * DAY });
    await orders(id(i), [5 + i * 6], 80_000);
  }
  for (let i = 0; i < 30; i++) {
    const gap = 20 + (i % 6) * 15;
    const silent = (i * 37) % 300; // some still buying, many gone quiet for months
    const days = [silent + 3 * gap, silent + 2 * gap, silent + gap, silent];
    await customer(id(100 + i), { ordersCount: days.length, totalSpent: 4 * 100_000, createdAt: NOW - days[0]! * DAY });
    await orders(id(100 + i), days, 100_000);
  }
  // Six orders a month apart, then silent for eight months: valuable, and very likely gone.
  await customer(lapsed, { ordersCount: 6, totalSpent: 6 * 300_000, createdAt: NOW - 400 * DAY, phone: "+919811100001" });
  await orders(lapsed, [400, 370, 340, 310, 280, 250], 300_000);
  // Every three weeks, the last a week ago: will order anyway.
  await customer(regular, { ordersCount: 8, totalSpent: 8 * 300_000, createdAt: NOW - 155 * DAY, phone: "+919811100002", email: "kavya.regular@example.in" });
  await orders(regular, [155, 134, 113, 92, 71, 50, 29, 8], 300_000);
  // Shopify counts 6 orders; Switchyard has seen only the last one.
  await customer(predating, { ordersCount: 6, totalSpent: 6 * 150_000, createdAt: NOW - 300 * DAY });
  await orders(predating, [4], 150_000);
}, 120_000);

describe("customer model cron", () => {
  it("fits the store and stores a prediction for every customer with an order, one-order customers included", async () => {
    const stored = await loadPolicy(env.DB);
    await refreshCustomerModels(env.DB, stored, NOW);
    const fit = await env.DB.prepare(`SELECT params, customers FROM model_fits WHERE model = 'customers'`).first<{ params: string; customers: number }>();
    expect(fit!.customers).toBeGreaterThanOrEqual(93);
    const params = JSON.parse(fit!.params) as { bgnbd: { r: number; alpha: number; a: number; b: number } };
    for (const v of Object.values(params.bgnbd)) expect(v).toBeGreaterThan(0);

    const one = await env.DB.prepare(`SELECT p_active_milli AS p, expected_orders_90d_milli AS e, predicted_clv AS clv FROM customer_models WHERE customer_id = ?`)
      .bind(oneOrder)
      .first<{ p: number; e: number; clv: number }>();
    expect(one!.p).toBe(1000);
    expect(one!.e).toBeGreaterThan(0);
    expect(one!.clv).toBeGreaterThan(0);

    const [l, r] = await Promise.all(
      [lapsed, regular].map((c) => env.DB.prepare(`SELECT p_active_milli AS p, expected_orders_90d_milli AS e FROM customer_models WHERE customer_id = ?`).bind(c).first<{ p: number; e: number }>()),
    );
    expect(l!.p).toBeLessThan(300);
    expect(r!.p).toBeGreaterThan(800);
    expect(r!.e).toBeGreaterThan(l!.e * 5);
  });

  it("GET /api/customers/:id returns pActive, expectedOrders90d and predictedClv with reasons in words", async () => {
    const res = await api(`/api/customers/${regular}`);
    expect(res.status).toBe(200);
    const body = await res.json<{ pActive: number; expectedOrders90d: number; predictedClv: number; clvHorizonDays: number; predictionReasons: string[] }>();
    expect(body.pActive).toBeGreaterThan(0.8);
    expect(body.expectedOrders90d).toBeGreaterThan(1);
    expect(body.predictedClv).toBeGreaterThan(300_000);
    expect(body.clvHorizonDays).toBe(365);
    expect(body.predictionReasons[0]).toBe(`P(active) ${Math.round(body.pActive * 100)}%, expected ${body.expectedOrders90d.toFixed(1)} orders in 90 days`);
    expect(body.predictionReasons[1]).toMatch(/^predicted spend ₹[\d,.]+ in the next 365 days \(expected order value ₹[\d,.]+\)$/);
  });

  it("orders that predate Switchyard count: Shopify's six orders make a repeat buyer of a customer seen once", async () => {
    const body = await (await api(`/api/customers/${predating}`)).json<{ pActive: number; expectedOrders90d: number }>();
    const single = await (await api(`/api/customers/${id(0)}`)).json<{ expectedOrders90d: number }>();
    expect(body.pActive).toBeGreaterThan(0.8);
    expect(body.expectedOrders90d).toBeGreaterThan(single.expectedOrders90d * 2);
  });

  it("churn offers go by value at risk: the lapsed high-value customer gets one, the three-weekly buyer does not", async () => {
    const stored = await loadPolicy(env.DB);
    await decideCustomerOutreach(env, stored, NOW, { after: `${prefix}-8` });
    const offers = await env.DB.prepare(`SELECT subject_id AS subjectId, reasons FROM decisions WHERE type = 'churn_intervention' AND subject_id IN (?, ?)`)
      .bind(lapsed, regular)
      .all<{ subjectId: string; reasons: string }>();
    expect(offers.results.map((o) => o.subjectId)).toEqual([lapsed]);
    const reasons = JSON.parse(offers.results[0]!.reasons) as string[];
    expect(reasons[0]).toMatch(/^P\(active\) \d+%, expected 0\.\d orders in 90 days/);
    expect(reasons[1]).toMatch(/^value at risk ₹[\d,.]+ = \d+% × ₹[\d,.]+ expected in 365 days if still active/);
  });
});

describe("predictions to the CRMs", () => {
  it("a page of customers goes to Klaviyo in one bulk import and to HubSpot in one batch upsert + one event batch, each customer once a day, dry-run without credentials", async () => {
    // Only 900 (lapsed) and 901 (regular) have a phone or email: a page of one leaves a cursor, the next finishes.
    expect(await syncPredictionsToCrm(env, NOW, { after: `${prefix}-8`, maxCustomers: 1 })).toEqual({ done: 1, next: lapsed });
    expect(await syncPredictionsToCrm(env, NOW, { after: lapsed, maxCustomers: 1 })).toEqual({ done: 1, next: null });
    const page = `${regular}..${regular}`;
    const { results } = await env.DB.prepare(`SELECT kind, params FROM actions WHERE subject_type = 'crm_sync' AND subject_id = ? ORDER BY kind`)
      .bind(page)
      .all<{ kind: string; params: string }>();
    expect(results.map((r) => r.kind)).toEqual(["hubspot.contacts_batch_upsert", "hubspot.events_batch", "klaviyo.profiles_bulk_import"]);
    const klaviyo = JSON.parse(results.find((r) => r.kind === "klaviyo.profiles_bulk_import")!.params) as { profiles: { phone: string; properties: Record<string, unknown> }[] };
    expect(klaviyo.profiles).toHaveLength(1);
    expect(klaviyo.profiles[0]!.phone).toBe("+919811100002");
    expect(klaviyo.profiles[0]!.properties.switchyard_p_active).toBeGreaterThan(0.8);
    expect(klaviyo.profiles[0]!.properties.switchyard_predicted_clv).toBeGreaterThan(3000);
    expect(String(klaviyo.profiles[0]!.properties.switchyard_expected_next_order_date)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The lapsed customer has only a phone: Klaviyo's bulk import alone (HubSpot keys contacts by email).
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_type = 'crm_sync' AND subject_id = ? AND kind = 'klaviyo.profiles_bulk_import'`, `${lapsed}..${lapsed}`)).toBe(1);
    // Same day again, with other page boundaries: nobody is sent twice (the day's sync is on the customer's row).
    expect(await syncPredictionsToCrm(env, NOW + 3_600_000, { after: `${prefix}-8`, maxCustomers: 2 })).toEqual({ done: 0, next: null });
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_type = 'crm_sync' AND (subject_id LIKE ? OR subject_id LIKE ?)`, `${lapsed}..%`, `${regular}..%`)).toBe(4);
    // The next day, both again, in one page.
    expect(await syncPredictionsToCrm(env, NOW + 86_400_000, { after: `${prefix}-8`, maxCustomers: 2 })).toEqual({ done: 2, next: null });
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_type = 'crm_sync' AND subject_id = ?`, `${lapsed}..${regular}`)).toBe(3);
    // The actions consumer runs them dry: no Klaviyo key, no HubSpot token in the test env.
    await vi.waitFor(
      async () => {
        const statuses = await env.DB.prepare(`SELECT status FROM actions WHERE subject_type = 'crm_sync' AND subject_id = ?`).bind(page).all<{ status: string }>();
        expect(statuses.results.map((s) => s.status)).toEqual(["dry_run", "dry_run", "dry_run"]);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
