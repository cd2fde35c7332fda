/** Rolling-origin method choice, prediction intervals, the event calendar, yearly shape and lead-time demand, on series with a known answer. */
import { describe, expect, it } from "vitest";
import { createRng } from "../../scripts/lib/rng.mjs";
import { eventDays, indianFestivalEvents } from "../../src/decisions/models/calendar";
import { forecastDemand, leadTimeDemand, normalQuantile, serviceLevelOrderQuantity } from "../../src/decisions/models/forecast";
import type { SkuSupply } from "../../src/decisions/context";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { decideInventoryReorder } from "../../src/decisions/rules/inventory-reorder";

const D = 86_400_000;

/** The seed's own mulberry32 (scripts/lib/rng.mjs), so every run sees the same series. */
const rng = (seed: number): (() => number) => createRng(seed).next;

function poisson(lambda: number, rand: () => number): number {
  if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

const opts = { horizon: 28, holdout: 28, season: 7 };

describe("rolling-origin choice", () => {
  it("a last window that happens to repeat last week fools a one-window choice, not four windows", () => {
    const rand = rng(3);
    const y = Array.from({ length: 365 }, () => poisson(20, rand));
    for (let h = 0; h < 28; h++) y[365 - 28 + h] = y[365 - 35 + (h % 7)]!;
    expect(forecastDemand(y, { ...opts, windows: 1 }).method).toBe("seasonal_naive");
    const f = forecastDemand(y, opts);
    expect(f.windows).toBe(4);
    expect(f.method).not.toBe("seasonal_naive");
    expect(f.meanDaily).toBeGreaterThan(16);
    expect(f.meanDaily).toBeLessThan(24);
  });

  it("an exact weekly pattern is forecast exactly, with only count noise in the interval", () => {
    const pattern = [10, 20, 30, 40, 30, 20, 10];
    const y = Array.from({ length: 200 }, (_, t) => pattern[t % 7]!);
    const f = forecastDemand(y, opts);
    for (let h = 0; h < 28; h++) expect(f.dailyDemand[h]).toBeCloseTo(pattern[(200 + h) % 7]!, 6);
    // Zero error in every window: the spread is the Poisson floor √forecast.
    expect(f.sigma[0]).toBeCloseTo(Math.sqrt(f.dailyDemand[0]!), 6);
  });
});

describe("prediction intervals", () => {
  it("95% intervals cover about 95% of the next 28 days of steady Poisson demand", () => {
    let inside = 0;
    let total = 0;
    for (let seed = 0; seed < 60; seed++) {
      const rand = rng(1000 + seed);
      const y = Array.from({ length: 365 + 28 }, () => poisson(15, rand));
      const f = forecastDemand(y.slice(0, 365), opts);
      for (let h = 0; h < 28; h++) {
        total++;
        if (y[365 + h]! >= f.lower[h]! && y[365 + h]! <= f.upper[h]!) inside++;
      }
      expect(f.level).toBe(0.95);
    }
    expect(inside / total).toBeGreaterThan(0.92);
    expect(inside / total).toBeLessThan(0.99);
  });

  it("the spread of a 10-day total is about √10 × the daily one for independent days", () => {
    const rand = rng(77);
    const y = Array.from({ length: 365 }, () => poisson(25, rand));
    const f = forecastDemand(y, opts);
    expect(f.cumulativeSigma[9]! / f.sigma[0]!).toBeGreaterThan(2.2);
    expect(f.cumulativeSigma[9]! / f.sigma[0]!).toBeLessThan(4.5);
  });
});

describe("event calendar", () => {
  it("Diwali 2026 (8 Nov) and its ten shopping days are on the built-in calendar", () => {
    const start = Date.UTC(2026, 9, 25);
    const days = eventDays(indianFestivalEvents(), start, 20);
    expect(days[0]).toBeNull(); // 25 Oct
    expect(days[4]).toBe("diwali"); // 29 Oct = 8 Nov − 10
    expect(days[14]).toBe("diwali"); // 8 Nov
    expect(days[15]).toBeNull();
  });

  it("a brand's monthly sale that triples demand: history cleaned, lift learned, put back on the next sale days", () => {
    const start = Date.UTC(2025, 0, 1);
    const sales = Array.from({ length: 15 }, (_, i) => {
      const from = new Date(Date.UTC(2025, i, 10)).toISOString().slice(0, 10);
      const to = new Date(Date.UTC(2025, i, 12)).toISOString().slice(0, 10);
      return { name: "brand_sale", start: from, end: to };
    });
    const names = eventDays(sales, start, 400);
    const rand = rng(9);
    const y = Array.from({ length: 365 }, (_, t) => poisson(names[t] ? 30 : 10, rand));
    const f = forecastDemand(y, { ...opts, horizon: 40, start, events: sales });
    // 36 sale days seen: lift shrunk from 3 toward 1 by 7 pseudo-days ≈ 2.7.
    expect(f.eventLift.brand_sale).toBeGreaterThan(2.4);
    expect(f.eventLift.brand_sale).toBeLessThan(3.0);
    // Forecast days 9–11 after 31 Dec 2025 are 10–12 Jan 2026: the sale.
    const sale = f.dailyDemand[9]!;
    const normal = f.dailyDemand[20]!;
    expect(sale / normal).toBeGreaterThan(2.3);
    expect(normal).toBeGreaterThan(8.5);
    expect(normal).toBeLessThan(11.5);
    // Without the calendar the sale days inflate every day instead.
    expect(forecastDemand(y, { ...opts, horizon: 40 }).dailyDemand[9]! / sale).toBeLessThan(0.6);
  });
});

describe("yearly seasonality", () => {
  it("with two years of a yearly wave, last year's shape is kept and the forecast climbs into the peak", () => {
    const rand = rng(21);
    const wave = (t: number) => 20 * (1 + 0.6 * Math.sin((2 * Math.PI * (t - 300)) / 364));
    const n = 2 * 364 + 300; // the origin sits on the ramp up toward the yearly peak (t ≡ 391 mod 364)
    const y = Array.from({ length: n + 28 }, (_, t) => poisson(wave(t), rand));
    const f = forecastDemand(y.slice(0, n), opts);
    expect(f.method.endsWith("+yearly")).toBe(true);
    const truth = Array.from({ length: 28 }, (_, h) => wave(n + h));
    expect(truth[27]! - truth[0]!).toBeGreaterThan(4);
    expect(f.dailyDemand.slice(21).reduce((a, b) => a + b, 0) / 7).toBeGreaterThan(f.dailyDemand.slice(0, 7).reduce((a, b) => a + b, 0) / 7 + 2);
  });
});

describe("lead-time demand at a service level", () => {
  it("flat 10/day, daily total spread 3 × √days: 9-day lead time → mean 90, σ 9, 95% → safety 14.8, reorder point 104.8", () => {
    const forecast = { dailyDemand: Array(28).fill(10), meanDaily: 10, cumulativeSigma: Array.from({ length: 28 }, (_, h) => 3 * Math.sqrt(h + 1)) };
    const ltd = leadTimeDemand(forecast, 9, 0.95);
    expect(ltd.mean).toBe(90);
    expect(ltd.sigma).toBeCloseTo(9, 9);
    expect(ltd.z).toBeCloseTo(1.6449, 3);
    expect(ltd.safetyStock).toBeCloseTo(14.80, 2);
    expect(ltd.reorderPoint).toBeCloseTo(104.80, 2);
    // Up to 90 + 7 days × 10 + 14.8 = 174.8 from a position of 50: 124.8 → 11 packs of 12.
    expect(serviceLevelOrderQuantity(ltd, 10, 7, 50, 12)).toBe(132);
    // Beyond the forecast's horizon the spread grows with √days.
    expect(leadTimeDemand(forecast, 112, 0.95).sigma).toBeCloseTo(3 * Math.sqrt(28) * 2, 6);
  });

  it("normal quantiles", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });
});

describe("inventory_reorder at a service level", () => {
  const NOW = Date.UTC(2026, 2, 10, 6, 0);
  const supply = (over: Partial<SkuSupply> = {}): SkuSupply => ({
    sku: "SERUM-30",
    title: "Vitamin C serum 30 ml",
    productId: "9001",
    available: 100,
    reorderPoint: null,
    leadTimeDays: 9,
    safetyDays: null,
    packSize: 12,
    openPoQuantity: 0,
    dailyDemand: 10,
    demandForecast: { dailyDemand: Array(28).fill(10), cumulativeSigma: Array.from({ length: 28 }, (_, h) => 3 * Math.sqrt(h + 1)) },
    forecastMethod: "holt_winters",
    lastReceiptAt: NOW - 40 * D,
    ...over,
  });

  it("10 days of cover against a 9-day lead time: days-of-cover says wait, 95% service level says reorder now, and the reason shows lead-time demand and safety stock", () => {
    expect(decideInventoryReorder({ sku: supply({ demandForecast: null }) }, DEFAULT_POLICY, NOW)).toBeNull();
    const d = decideInventoryReorder({ sku: supply() }, DEFAULT_POLICY, NOW)!;
    expect(d.reasons).toContain("lead-time demand 90.0 units over 9 days (σ 9.0); safety stock 14.8 = 1.64 σ for a 95% service level; reorder point 104.8");
    expect(d.reasons).toContain("position 100 ≤ reorder point 104.8 (lead-time demand 90.0 + safety stock 14.8)");
    // 90 + 10 × 7 + 14.8 − 100 = 74.8 → 7 packs of 12.
    expect(d.inputs.quantity).toBe(84);
    expect(d.reasons).toContain("order 84 = 90.0 lead-time demand + 10.0/day × 7 cycle days + 14.8 safety stock − 100 in position, rounded up to packs of 12");
  });

  it("a higher service level holds more safety stock; past the reorder point nothing fires", () => {
    const p99 = { ...DEFAULT_POLICY, inventory_reorder: { ...DEFAULT_POLICY.inventory_reorder, serviceLevel: 0.99 } };
    const d = decideInventoryReorder({ sku: supply() }, p99, NOW)!;
    expect(d.inputs.safetyStock).toBeCloseTo(2.326 * 9, 2);
    expect(decideInventoryReorder({ sku: supply({ available: 106 }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});
