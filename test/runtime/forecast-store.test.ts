/** The daily forecast cron in real D1: a validated forecast stores its prediction interval and lead-time spread, and the reorder rule reads them. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { demandEvents } from "../../src/decisions/models/calendar";
import { refreshForecasts } from "../../src/jobs/forecasts";
import { loadSkuSupply } from "../../src/db/rule-inputs";
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
});
