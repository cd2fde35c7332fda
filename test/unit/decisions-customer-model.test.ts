/** The rules on the BG/NBD customer model: churn offers by value at risk, reorder intervals shrunk toward the store's. */
import { describe, expect, it } from "vitest";
import type { CustomerSnapshot, ReorderPromptContext } from "../../src/decisions/context";
import { predictionReasons } from "../../src/decisions/models/customers";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { decideChurnIntervention } from "../../src/decisions/rules/churn-intervention";
import { decideReorderPrompt, shrinkInterval } from "../../src/decisions/rules/reorder-prompt";

const D = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 6, 0);

const customer = (over: Partial<CustomerSnapshot> = {}): CustomerSnapshot => ({
  id: "9001",
  firstName: "Meera",
  phone: "+919900445566",
  email: "meera@example.in",
  ltv: 600_000,
  tier: "mid",
  ordersCount: 4,
  lastOrderAt: NOW - 20 * D,
  expectedIntervalDays: 30,
  pActive: 0.3,
  expectedOrders90d: 0.2,
  predictedClv: 120_000,
  acceptsMarketing: true,
  acceptsWhatsapp: true,
  ...over,
});

describe("churn_intervention with the store's BG/NBD fit", () => {
  it("P(active) 30%, 0.2 expected orders: value at risk 70% × ₹4,000 if active = ₹2,800 → offer, with the numbers", () => {
    // Only 20 days since the last order: the interval rule (k × 30 days) would not fire; the model does.
    const d = decideChurnIntervention({ customer: customer(), openTicket: false }, DEFAULT_POLICY, NOW)!;
    expect(d).not.toBeNull();
    expect(d.reasons[0]).toContain("P(active) 30%, expected 0.2 orders in 90 days");
    expect(d.reasons[1]).toBe("value at risk ₹2,800 = 70% × ₹4,000 expected in 365 days if still active (minimum ₹500)");
    expect(d.inputs).toMatchObject({ pActive: 0.3, valueAtRisk: 280_000, valueIfActive: 400_000 });
    const wa = d.actions[0]!;
    expect(wa.kind === "whatsapp.template" && wa.params.bodyParams).toEqual(["Meera", "COMEBACK10", "10%"]);
  });

  it("skips a customer likely to order anyway, and one whose P(active) has not fallen far enough", () => {
    expect(decideChurnIntervention({ customer: customer({ expectedOrders90d: 0.6 }), openTicket: false }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideChurnIntervention({ customer: customer({ pActive: 0.55 }), openTicket: false }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("targets by value: the same P(active) with little predicted spend puts too little at risk", () => {
    // ₹120 expected at P(active) 30% → ₹400 if active → ₹280 at risk < ₹500.
    expect(decideChurnIntervention({ customer: customer({ predictedClv: 12_000 }), openTicket: false }, DEFAULT_POLICY, NOW)).toBeNull();
    const big = decideChurnIntervention({ customer: customer({ pActive: 0.1, expectedOrders90d: 0.05, predictedClv: 40_000 }), openTicket: false }, DEFAULT_POLICY, NOW)!;
    expect(big.inputs.valueAtRisk).toBeCloseTo(360_000, 6);
  });

  it("without a fit it falls back to k × the usual interval", () => {
    const none = { pActive: null, expectedOrders90d: null, predictedClv: null };
    expect(decideChurnIntervention({ customer: customer({ ...none, lastOrderAt: NOW - 20 * D }), openTicket: false }, DEFAULT_POLICY, NOW)).toBeNull();
    const d = decideChurnIntervention({ customer: customer({ ...none, lastOrderAt: NOW - 65 * D }), openTicket: false }, DEFAULT_POLICY, NOW)!;
    expect(d.reasons[0]).toContain("65 days since last order > 2 × expected interval 30 days");
  });
});

describe("reorder_prompt shrinks a few-order interval toward the store's", () => {
  const ctx = (over: Partial<ReorderPromptContext> = {}): ReorderPromptContext => ({
    customer: customer(),
    category: "Skincare",
    ordersInCategory: 3,
    intervalDays: 20,
    storeIntervalDays: 35,
    lastOrderAt: NOW - 25 * D,
    lastOrderDelivered: true,
    items: [{ variantId: "4111", quantity: 1, title: "Kumkumadi oil" }],
    shopDomain: "brand.myshopify.com",
    openTicket: false,
    openReturn: false,
    ...over,
  });

  it("3 orders 20 days apart in a store where 35 is typical: (2 × 20 + 2 × 35) ÷ 4 = 27.5 days, so day 25 prompts and the reason shows both", () => {
    const d = decideReorderPrompt(ctx(), DEFAULT_POLICY, NOW)!;
    expect(d.reasons[1]).toMatch(/^purchase interval in Skincare 27\.5 days; today is day 25/);
    expect(d.reasons[3]).toBe("own interval 20 days over 2 gaps, shrunk toward the store's typical 35 days in Skincare (weight 2 gaps): (2 × 20 + 2 × 35) ÷ 4 = 27.5 days");
    expect(d.inputs).toMatchObject({ intervalDays: 27.5, ownIntervalDays: 20, storeIntervalDays: 35 });
    // Day 22: unshrunk (20 days) it would prompt, 2 days late; shrunk it is 5.5 days early.
    expect(decideReorderPrompt(ctx({ lastOrderAt: NOW - 22 * D }), DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("many orders keep the customer's own rhythm", () => {
    expect(shrinkInterval(20, 18, 35, 2)).toBeCloseTo(21.5, 9);
    const d = decideReorderPrompt(ctx({ ordersInCategory: 19, lastOrderAt: NOW - 19 * D }), DEFAULT_POLICY, NOW)!;
    expect(d.inputs.intervalDays).toBeCloseTo(21.5, 9);
  });

  it("no store interval, or priorGaps 0: the customer's own interval", () => {
    expect(decideReorderPrompt(ctx({ storeIntervalDays: null, lastOrderAt: NOW - 18 * D }), DEFAULT_POLICY, NOW)!.inputs.intervalDays).toBe(20);
    const off = { ...DEFAULT_POLICY, reorder_prompt: { ...DEFAULT_POLICY.reorder_prompt, priorGaps: 0 } };
    expect(decideReorderPrompt(ctx({ lastOrderAt: NOW - 18 * D }), off, NOW)!.reasons).toHaveLength(3);
  });
});

describe("prediction reasons", () => {
  it("say P(active) and expected orders in words, with the spend", () => {
    expect(predictionReasons({ pActive: 0.234, expectedOrders90d: 0.42, predictedClv: 123_456, expectedOrderValue: 98_700 })).toEqual([
      "P(active) 23%, expected 0.4 orders in 90 days",
      "predicted spend ₹1,234.56 in the next 365 days (expected order value ₹987)",
    ]);
  });
});

describe("a fit that finds no drop-out", () => {
  it("gives expected orders and CLV but no P(active), so churn falls back to the interval rule", async () => {
    const { buildCustomerModel } = await import("../../src/decisions/models/customers");
    const fit = { unit: "day" as const, bgnbd: { r: 0.4, alpha: 50, a: 0.0001, b: 8000 }, gammaGamma: { p: 6, q: 4, gamma: 60_000 }, logLikelihood: 0, customers: 1000, repeatBuyers: 300, typicalIntervalDays: 30, dropoutIdentified: false, fittedAt: NOW };
    const history = { customerId: "c9", shopify: null, orders: [0, 30, 60].map((ago, i) => ({ id: `o${i}`, createdAt: NOW - (150 + ago) * D, totalPrice: 100_000, cancelled: false, categories: [] })) };
    const m = buildCustomerModel(history, DEFAULT_POLICY, NOW, fit);
    expect(m.pActive).toBeNull();
    expect(m.expectedOrders90d).toBeGreaterThan(0);
    expect(m.churnRisk).toBe(1); // the interval ramp: 150 days silent ≫ 2.5 × 30
    expect(predictionReasons({ ...m })[0]).toMatch(/^expected \d\.\d orders in 90 days \(P\(active\) not estimable: the store's history shows no drop-out yet\)$/);
  });
});
