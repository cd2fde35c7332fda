/**
 * BG/NBD and Gamma-Gamma against the published CDNOW figures (Fader, Hardie & Lee 2005; fixture and
 * provenance in test/fixtures/cdnow/), plus what the store model adds: one-order customers,
 * Shopify's totals for orders before Switchyard, and the customer model's new outputs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bgnbdLogLikelihood, conditionalExpectedPurchases, fitBgnbd, pAlive } from "../../src/decisions/models/bgnbd";
import { fitStoreCustomerModel, predictCustomer } from "../../src/decisions/models/clv";
import { buildCustomerModel, customerSummary } from "../../src/decisions/models/customers";
import { expectedAverageSpend, fitGammaGamma } from "../../src/decisions/models/gamma-gamma";
import { DAY_MS, summarise, type Transaction } from "../../src/decisions/models/transactions";
import { DEFAULT_POLICY } from "../../src/decisions/policy";

const WEEK = 7 * DAY_MS;
const CALIBRATION_END = Date.UTC(1997, 8, 30); // week 39 ends 1997-09-30: T = (end − first) / 7 days, as in the paper

function cdnow(): Map<string, Transaction[]> {
  const byCustomer = new Map<string, Transaction[]>();
  const text = readFileSync("test/fixtures/cdnow/CDNOW_sample.txt", "utf8");
  for (const line of text.trim().split("\n")) {
    const [, id, ymd, , dollars] = line.trim().split(/\s+/);
    const at = Date.UTC(Number(ymd!.slice(0, 4)), Number(ymd!.slice(4, 6)) - 1, Number(ymd!.slice(6, 8)));
    const list = byCustomer.get(id!) ?? [];
    list.push({ at, value: Number(dollars) });
    byCustomer.set(id!, list);
  }
  return byCustomer;
}

const calibration = [...cdnow().values()].map((tx) => summarise(tx, CALIBRATION_END, WEEK)!);
const PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD on CDNOW (weeks 1–39)", () => {
  it("the calibration summary is the paper's: 2,357 customers, 946 with a repeat purchase", () => {
    expect(calibration).toHaveLength(2357);
    expect(calibration.filter((c) => c.x > 0)).toHaveLength(946);
  });

  it("maximum likelihood reproduces r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL −9582.4, well under a second", () => {
    const started = performance.now();
    const fit = fitBgnbd(calibration)!;
    const ms = performance.now() - started;
    expect(fit.params.r).toBeCloseTo(PUBLISHED.r, 3);
    expect(fit.params.alpha).toBeCloseTo(PUBLISHED.alpha, 2);
    expect(fit.params.a).toBeCloseTo(PUBLISHED.a, 3);
    expect(fit.params.b).toBeCloseTo(PUBLISHED.b, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    // The published (rounded) parameters sit at the same optimum.
    expect(bgnbdLogLikelihood(PUBLISHED, calibration)).toBeCloseTo(-9582.4, 0);
    expect(ms).toBeLessThan(1000);
  });

  it("the paper's worked example: x = 2, tₓ = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks", () => {
    expect(conditionalExpectedPurchases(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it("P(active) falls the longer a repeat buyer has been silent; a one-order customer still gets a forecast that shrinks with age", () => {
    const recent = pAlive(PUBLISHED, { x: 4, tx: 37, T: 38 });
    const silent = pAlive(PUBLISHED, { x: 4, tx: 5, T: 38 });
    expect(recent).toBeGreaterThan(0.8);
    expect(silent).toBeLessThan(0.05);
    const newOneOrder = conditionalExpectedPurchases(PUBLISHED, { x: 0, tx: 0, T: 2 }, 39);
    const oldOneOrder = conditionalExpectedPurchases(PUBLISHED, { x: 0, tx: 0, T: 38 }, 39);
    expect(newOneOrder).toBeGreaterThan(oldOneOrder);
    expect(oldOneOrder).toBeGreaterThan(0.05);
  });
});

describe("Gamma-Gamma on CDNOW", () => {
  it("reproduces p = 6.25, q = 3.74, γ = 15.44 on the 946 repeat buyers' mean repeat spend", () => {
    const fit = fitGammaGamma(calibration)!;
    expect(fit.customers).toBe(946);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 1);
  });

  it("expected spend shrinks a customer's own mean toward the population mean, less so with more purchases", () => {
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const population = (6.25 * 15.44) / 2.74;
    expect(expectedAverageSpend(params, { x: 0, m: 0 })).toBeCloseTo(population, 6);
    const one = expectedAverageSpend(params, { x: 1, m: 100 })!;
    const ten = expectedAverageSpend(params, { x: 10, m: 100 })!;
    expect(one).toBeGreaterThan(population);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThan(100);
  });
});

describe("store customer model (days)", () => {
  const NOW = Date.UTC(2026, 5, 30);
  // CDNOW recast in days with its calibration end as "now": the same customers, another unit.
  const days = [...cdnow().values()].map((tx) => summarise(tx, CALIBRATION_END, DAY_MS)!);

  it("the fit is unit-free: in days α is the weekly α × 7 and the other parameters are unchanged", () => {
    const fit = fitStoreCustomerModel(days, NOW)!;
    expect(fit.bgnbd.r).toBeCloseTo(0.243, 2);
    expect(fit.bgnbd.alpha / 7).toBeCloseTo(4.414, 1);
    expect(fit.gammaGamma!.q).toBeCloseTo(3.74, 1);
  });

  it("every customer with an order gets P(active), expected orders and CLV, one-order customers included", () => {
    const fit = fitStoreCustomerModel(days, NOW)!;
    const oneOrder = days.find((c) => c.x === 0)!;
    const p = predictCustomer(fit, oneOrder, 90);
    expect(p.pActive).toBe(1);
    expect(p.expectedOrders).toBeGreaterThan(0);
    expect(p.predictedClv).toBeCloseTo(p.expectedOrders * ((fit.gammaGamma!.p * fit.gammaGamma!.gamma) / (fit.gammaGamma!.q - 1)), 6);
  });

  it("refuses to fit a handful of customers", () => {
    expect(fitStoreCustomerModel(days.slice(0, 10), NOW)).toBeNull();
  });

  it("orders that predate Switchyard count from Shopify's orders_count / total_spent, from the customer's creation date", () => {
    const s = customerSummary(
      {
        customerId: "c1",
        createdAt: NOW - 200 * DAY_MS,
        shopify: { ordersCount: 4, totalSpent: 400_000, asOf: NOW - 20 * DAY_MS },
        orders: [
          { id: "a", createdAt: NOW - 30 * DAY_MS, totalPrice: 100_000, cancelled: false, categories: [] },
          { id: "b", createdAt: NOW - 10 * DAY_MS, totalPrice: 150_000, cancelled: false, categories: [] },
        ],
      },
      NOW,
    )!;
    // 3 orders never seen + 2 seen = 5 transactions → 4 repeats, first at creation, last 10 days ago.
    expect(s).toMatchObject({ x: 4, T: 200, tx: 190, transactions: 5 });
    expect(s.m).toBe((300_000 + 100_000 + 150_000) / 5);
  });

  it("buildCustomerModel carries the predictions (churn risk = 1 − P(active)) only when the store has a fit", () => {
    const fit = fitStoreCustomerModel(days, NOW)!;
    const history = {
      customerId: "c2",
      shopify: null,
      orders: [
        { id: "a", createdAt: NOW - 300 * DAY_MS, totalPrice: 50_000, cancelled: false, categories: ["tea"] },
        { id: "b", createdAt: NOW - 270 * DAY_MS, totalPrice: 60_000, cancelled: false, categories: ["tea"] },
      ],
    };
    const m = buildCustomerModel(history, DEFAULT_POLICY, NOW, fit);
    expect(m.pActive).toBeGreaterThan(0);
    expect(m.pActive).toBeLessThan(0.6);
    expect(m.churnRisk).toBeCloseTo(1 - m.pActive!, 9);
    expect(m.expectedOrders90d).toBeGreaterThan(0);
    expect(m.predictedClv).toBeGreaterThan(0);
    const without = buildCustomerModel(history, DEFAULT_POLICY, NOW);
    expect(without).toMatchObject({ pActive: null, expectedOrders90d: null, predictedClv: null, churnRisk: 1 });
  });
});
