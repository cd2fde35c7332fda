/** The daily forecast cron in real D1: a validated forecast stores its prediction interval and lead-time spread, and the reorder rule reads them. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { demandEvents } from "../../src/decisions/models/calendar";
import { refreshForecasts } from "../../src/jobs/forecasts";
import { loadSkuSupply } from "../../src/db/rule-inputs";
import { saveBundle } from "../../src/db/bundles";
import { loadPolicy } from "../../src/db/policies";
import { decideStockForSkus } from "../../src/pipeline/stock";
import { uniqueId } from "../helpers/shopify";

const DAY = 86_400_000;

describe("forecast storage", () => {
  it("120 days of sales → method chosen on rolling windows, 95% interval per day, lead-time spread; the reorder rule gets the forecast", async () => {
    const sku = `CHAI-${uniqueId()}`;
    const now = Date.now();
    for (let d = 120; d >= 1; d--) {
      const at = now - d * DAY;
      const id = `${sku}-${d}`;
      const lines = JSON.stringify([{ sku, variantId: "v1", quantity: 4 + (d % 7 === 0 ? 4 : 0), title: "Masala chai", unitPrice: 29_900 }]);
      await env.DB.prepare(
        `INSERT INTO orders (id, name, currency, total_price, subtotal_price, payment_method, line_items, tags, created_at, updated_at, source, source_id)
         VALUES (?, ?, 'INR', 119600, 119600, 'prepaid', ?, '[]', ?, ?, 'shopify', ?)`,
      )
        .bind(id, `#${id}`, lines, at, at, id)
        .run();
    }
    await refreshForecasts(env.DB, now, 365, demandEvents(DEFAULT_POLICY.demandCalendar));
    const row = await env.DB.prepare(`SELECT method, windows, cumulative_sigma AS cs, prediction_interval AS pi FROM sku_forecasts WHERE sku = ?`).bind(sku).first<{ method: string; windows: number; cs: string | null; pi: string }>();
    expect(row!.windows).toBeGreaterThanOrEqual(2);
    const interval = JSON.parse(row!.pi) as { level: number; lower: number[]; upper: number[] };
    expect(interval.level).toBe(0.95);
    expect(interval.lower).toHaveLength(28);
    expect(interval.upper.every((u, i) => u >= interval.lower[i]!)).toBe(true);
    const cs = JSON.parse(row!.cs!) as number[];
    expect(cs).toHaveLength(28);
    expect(cs[13]!).toBeGreaterThan(cs[0]!);

    await env.DB.prepare(`INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, drift, updated_at) VALUES (?, 40, 0, 0, '{}', 0, 0, ?)`).bind(sku, now).run();
    const supply = await loadSkuSupply(env.DB, sku, DEFAULT_POLICY);
    expect(supply!.demandForecast!.cumulativeSigma).toEqual(cs);
    expect(supply!.demandForecast!.dailyDemand).toHaveLength(28);
  });

  it("a kit of two components: its sales are forecast as demand for its parts, and the kit stays out of the reorder review", { timeout: 30_000 }, async () => {
    const id = uniqueId();
    const [kit, cleanser, toner] = [`KIT-${id}`, `CLEANSER-${id}`, `TONER-${id}`];
    const now = Date.now();
    await saveBundle(env.DB, kit, [{ sku: cleanser, quantity: 1 }, { sku: toner, quantity: 2 }], now);
    // 120 days: 3 kits a day, and 2 cleansers a day sold on their own; the toner is only ever sold in the kit.
    const insert = env.DB.prepare(
      `INSERT INTO orders (id, name, currency, total_price, subtotal_price, payment_method, line_items, tags, created_at, updated_at, source, source_id)
       VALUES (?, ?, 'INR', 0, 0, 'prepaid', ?, '[]', ?, ?, 'shopify', ?)`,
    );
    const rows = [];
    for (let d = 120; d >= 1; d--) {
      const at = now - d * DAY;
      for (const [suffix, lines] of [["k", [{ sku: kit, quantity: 3 }]], ["c", [{ sku: cleanser, quantity: 2 }]]] as const) {
        const oid = `${id}-${d}-${suffix}`;
        rows.push(insert.bind(oid, `#${oid}`, JSON.stringify(lines.map((l) => ({ ...l, variantId: "v1", title: l.sku, unitPrice: 49_900 }))), at, at, oid));
      }
    }
    await env.DB.batch(rows);
    await refreshForecasts(env.DB, now, 365, []);
    const forecast = async (sku: string) => env.DB.prepare(`SELECT mean_daily_milli AS m FROM sku_forecasts WHERE sku = ?`).bind(sku).first<{ m: number }>();
    // Cleanser: 2 alone + 3 in kits = 5 a day; toner: 3 kits × 2 = 6 a day. Flat demand, so the forecast is the mean.
    expect((await forecast(cleanser))!.m / 1000).toBeCloseTo(5, 1);
    expect((await forecast(toner))!.m / 1000).toBeCloseTo(6, 1);
    // The kit holds no stock of its own: not forecast.
    expect(await forecast(kit)).toBeNull();

    // Reorder review: all three are low on stock and selling (the kit's own ledger counts its sales
    // too: 3 a day); only the components are reviewed.
    for (const sku of [kit, cleanser, toner]) {
      await env.DB.prepare(`INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, drift, daily_demand_milli, updated_at) VALUES (?, 1, 0, 0, '{}', 0, 0, 3000, ?)`).bind(sku, now).run();
    }
    await decideStockForSkus(env, [kit, cleanser, toner], await loadPolicy(env.DB), now);
    const reviewed = await env.DB.prepare(`SELECT subject_id AS s FROM decisions WHERE type = 'inventory_reorder' AND subject_id IN (?, ?, ?)`).bind(kit, cleanser, toner).all<{ s: string }>();
    const subjects = reviewed.results.map((r) => r.s).sort();
    expect(subjects).toEqual([cleanser, toner].sort());
  });
});
