/** Demand forecast on seeded synthetic series: method choice against seasonal naive, stockout and reorder math, speed. */
import { describe, expect, it } from "vitest";
import { createRng } from "../../scripts/lib/rng.mjs";
import { daysOfCover, forecastDemand, projectedStockoutAt, reorderQuantity, scoreMethods } from "../../src/decisions/models/forecast";

const D = 86_400_000;

/** The seed's own mulberry32 (scripts/lib/rng.mjs), so every run sees the same series. */
const rng = (seed: number): (() => number) => createRng(seed).next;

function poisson(lambda: number, rand: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

const WEEKLY = [1.3, 1.1, 0.9, 0.85, 0.9, 1.15, 0.8];

function weeklySeries(seed: number, days: number, level: number, trendPerDay = 0): number[] {
  const rand = rng(seed);
  return Array.from({ length: days }, (_, t) => poisson(Math.max(0, (level + trendPerDay * t) * WEEKLY[t % 7]!), rand));
}

function intermittentSeries(seed: number, days: number, pDemand: number): number[] {
  const rand = rng(seed);
  return Array.from({ length: days }, () => (rand() < pDemand ? 1 + Math.floor(rand() * 4) : 0));
}

const maeOf = (scores: ReturnType<typeof scoreMethods>, method: string) => scores.find((s) => s.method === method)!.mae;

describe("forecastDemand", () => {
  it("weekly-seasonal SKUs: the chosen method beats seasonal naive out of sample, on average over 20 series", () => {
    const { chosen, naive, methods } = outOfSample((seed) => weeklySeries(seed, 365, 30), 20);
    // Poisson noise: seasonal naive carries two days' noise, a smoothed model about one.
    expect(chosen).toBeLessThan(naive * 0.85);
    expect(methods.get("seasonal_naive") ?? 0).toBeLessThan(5);
  });

  it("weekly-seasonal SKU: the weekly shape survives into the forecast", () => {
    const series = weeklySeries(1, 365, 30);
    const f = forecastDemand(series);
    expect(f.intermittent).toBe(false);
    expect(f.mase!).toBeLessThan(1);
    const peak = f.dailyDemand[(7 - (365 % 7)) % 7]!; // next day with t % 7 === 0 (factor 1.3)
    const trough = f.dailyDemand[(13 - (365 % 7)) % 7]!; // t % 7 === 6 (factor 0.8)
    expect(peak).toBeGreaterThan(trough * 1.3);
  });

  it("trending SKU: still beats seasonal naive, and the forecast level follows the trend", () => {
    const series = weeklySeries(7, 365, 10, 0.08);
    const scores = scoreMethods(series);
    expect(maeOf(scores, "holt_winters")).toBeLessThan(maeOf(scores, "seasonal_naive"));
    const f = forecastDemand(series);
    const lastMonthMean = series.slice(-28).reduce((a, b) => a + b, 0) / 28;
    expect(Math.abs(f.meanDaily - lastMonthMean) / lastMonthMean).toBeLessThan(0.15);
  });

  it("intermittent SKUs: the chosen method beats seasonal naive out of sample in squared error and in 28-day total demand", () => {
    // Not in MAE: for sparse demand the absolute-error optimum is forecasting zero, useless for stock.
    const r = outOfSample((seed) => intermittentSeries(seed, 365, 0.12), 20);
    expect(r.chosenMse).toBeLessThan(r.naiveMse * 0.75);
    expect(r.chosenTotalError).toBeLessThan(r.naiveTotalError * 0.75);
  });

  it("intermittent long-tail SKU: flagged intermittent, SBA chosen, rate near the true one", () => {
    for (const seed of [11, 12, 13]) {
      const series = intermittentSeries(seed, 365, 0.12);
      const f = forecastDemand(series);
      expect(f.intermittent).toBe(true);
      expect(f.method).toBe("sba");
      expect(f.mase!).toBeLessThan(f.baselineMae! / seasonalScale(series));
      // Long-run rate is 0.12 × 2.5 = 0.3 units/day; SBA should be in that neighbourhood.
      expect(f.meanDaily).toBeGreaterThan(0.15);
      expect(f.meanDaily).toBeLessThan(0.45);
    }
  });

  it("short histories fall back without a backtest", () => {
    expect(forecastDemand([3, 4, 5]).method).toBe("mean");
    expect(forecastDemand([3, 4, 5]).meanDaily).toBe(4);
    expect(forecastDemand(weeklySeries(5, 30, 10)).mase).toBeNull();
  });
  // Its speed (10,000 SKUs × 365 days in CPU seconds) is measured by `npm run bench` (models), not timed here.
});

describe("stockout and reorder math", () => {
  const flat = { dailyDemand: Array(28).fill(10), meanDaily: 10 };

  it("days of cover walks the daily forecast, then the mean beyond the horizon", () => {
    expect(daysOfCover(flat, 90)).toBe(9);
    expect(daysOfCover({ dailyDemand: [5, 10, 20], meanDaily: 35 / 3 }, 20)).toBe(2.25);
    expect(daysOfCover({ dailyDemand: [1, 1], meanDaily: 1 }, 5)).toBe(5);
    expect(daysOfCover(flat, 0)).toBe(0);
    expect(daysOfCover({ dailyDemand: [0, 0], meanDaily: 0 }, 5)).toBe(Infinity);
  });

  it("projected stockout is now + days of cover; none without demand", () => {
    const now = Date.UTC(2026, 2, 10);
    expect(projectedStockoutAt(flat, now, 90)).toBe(now + 9 * D);
    expect(projectedStockoutAt({ dailyDemand: [0], meanDaily: 0 }, now, 90)).toBeNull();
  });

  it("reorder quantity covers lead time + safety days, net of position, in whole packs", () => {
    expect(reorderQuantity(10, 90, 12, 7, 12)).toBe(108);
    expect(reorderQuantity(10, 90, 12, 7, 1)).toBe(100);
    expect(reorderQuantity(10, 90, 12, 7, 50)).toBe(100);
    expect(reorderQuantity(10, 250, 12, 7, 12)).toBe(0);
    expect(reorderQuantity(0.1 * 3, 0, 10, 0, 1)).toBe(3);
  });
});

/** Holdout errors (last 28 days, never seen by the fit or the method choice) of the chosen method and of seasonal naive. */
function outOfSample(make: (seed: number) => number[], count: number) {
  let chosen = 0;
  let naive = 0;
  let chosenMse = 0;
  let naiveMse = 0;
  let chosenTotalError = 0;
  let naiveTotalError = 0;
  const methods = new Map<string, number>();
  for (let seed = 100; seed < 100 + count; seed++) {
    const series = make(seed);
    const train = series.slice(0, -28);
    const actual = series.slice(-28);
    const f = forecastDemand(train);
    methods.set(f.method, (methods.get(f.method) ?? 0) + 1);
    let chosenSum = 0;
    let naiveSum = 0;
    for (let h = 0; h < 28; h++) {
      const naiveForecast = train[train.length - 7 + (h % 7)]!;
      chosen += Math.abs(actual[h]! - f.dailyDemand[h]!);
      naive += Math.abs(actual[h]! - naiveForecast);
      chosenMse += (actual[h]! - f.dailyDemand[h]!) ** 2;
      naiveMse += (actual[h]! - naiveForecast) ** 2;
      chosenSum += f.dailyDemand[h]! - actual[h]!;
      naiveSum += naiveForecast - actual[h]!;
    }
    chosenTotalError += Math.abs(chosenSum);
    naiveTotalError += Math.abs(naiveSum);
  }
  const n = 28 * count;
  return { chosen: chosen / n, naive: naive / n, chosenMse: chosenMse / n, naiveMse: naiveMse / n, chosenTotalError, naiveTotalError, methods };
}

function seasonalScale(series: number[]): number {
  const end = series.length - 28;
  let abs = 0;
  for (let t = 7; t < end; t++) abs += Math.abs(series[t]! - series[t - 7]!);
  return abs / (end - 7);
}
