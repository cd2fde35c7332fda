/**
 * Daily: demand per SKU over the last year from order lines, then a forecast per SKU. A kit's
 * units sold are demand for each of its components × units per kit (the kit itself is not
 * forecast: it holds no stock of its own and is never reordered).
 */
import { allBundles } from "../db/bundles";
import { runBatches } from "../db/bulk";
import { dailyUnitsBySku } from "../db/history";
import { upsertForecast } from "../db/models";
import { componentDemand } from "../decisions/bundles";
import type { DemandEvent } from "../decisions/models/calendar";
import { DEFAULT_FORECAST_OPTIONS, forecastDemand } from "../decisions/models/forecast";
import { DAY_MS } from "../lib/time";

export async function refreshForecasts(db: D1Database, now: number, days = 365, events: readonly DemandEvent[] = []): Promise<number> {
  const start = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS;
  const series = new Map<string, Float64Array>();
  // Today's kit definitions are applied to the whole history (sku_bundles keeps no past versions).
  const bundles = await allBundles(db);
  for (const r of await dailyUnitsBySku(db, start)) {
    if (r.day < 0 || r.day >= days) continue;
    for (const d of componentDemand(r.sku, r.units, bundles)) {
      let s = series.get(d.sku);
      if (!s) series.set(d.sku, (s = new Float64Array(days)));
      s[r.day] = (s[r.day] ?? 0) + d.units; // a component sold on its own and inside kits on the same day adds up
    }
  }
  const statements: D1PreparedStatement[] = [];
  for (const [sku, history] of series) {
    // Start the series at the SKU's first sale: days before launch are not zero demand.
    const first = history.findIndex((v) => v > 0);
    const f = forecastDemand(first > 0 ? history.subarray(first) : history, { ...DEFAULT_FORECAST_OPTIONS, start: start + Math.max(0, first) * DAY_MS, events });
    statements.push(
      upsertForecast(db, {
        sku, method: f.method, dailyDemand: f.dailyDemand, meanDaily: f.meanDaily, mase: f.mase, baselineMae: f.baselineMae,
        // A spread measured on past windows only: without them a service level has nothing to stand on.
        cumulativeSigma: f.windows > 0 ? f.cumulativeSigma : null,
        interval: { level: f.level, lower: f.lower, upper: f.upper },
        windows: f.windows,
      }, now),
    );
  }
  await runBatches(db, statements);
  return series.size;
}
