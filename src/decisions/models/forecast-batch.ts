/**
 * Bring your own history, demand: a brand's daily sales export in, a forecast per SKU and day out,
 * with the same forecastDemand the daily cron runs (./forecast.ts).
 */
import { CsvError, parseIsoDate, readCsv } from "../../lib/csv";
import { DAY_MS } from "../format";
import { forecastDemand, predict, seasonalNaiveScale, type ForecastOptions } from "./forecast";
import { indianFestivalEvents } from "./calendar";

export { indianFestivalEvents };

export const SALES_COLUMNS = ["sku", "date", "units"] as const;
export const FORECAST_OUTPUT_COLUMNS = ["sku", "date", "units", "method"] as const;

export interface SkuSeries {
  sku: string;
  /** UTC midnight of series[0]. */
  start: number;
  series: Float64Array;
}

/**
 * sku,date,units → one daily series per SKU, from its first date to the file's last date (missing
 * days are zero; rows for the same SKU and day add up). A bad line throws CsvError naming it.
 */
export function parseSales(text: string, onProgress?: (lines: number) => void): { skus: SkuSeries[]; lastDay: number } {
  const rows = readCsv(
    text,
    SALES_COLUMNS,
    (row, line) => {
      if (!row.sku) throw new CsvError(line, "sku is empty");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(row.date!)) throw new CsvError(line, `date "${row.date}" is not an ISO date like 2026-06-30`);
      const at = parseIsoDate(row.date!);
      if (at === null) throw new CsvError(line, `date "${row.date}" is not a real calendar date`);
      const units = Number(row.units);
      if (row.units === "" || !Number.isFinite(units) || units < 0) throw new CsvError(line, `units "${row.units}" is not a non-negative number`);
      return { sku: row.sku!, day: Math.round(at / DAY_MS), units };
    },
    onProgress,
  );
  let lastDay = -Infinity;
  const first = new Map<string, number>();
  for (const r of rows) {
    if (r.day > lastDay) lastDay = r.day;
    const f = first.get(r.sku);
    if (f === undefined || r.day < f) first.set(r.sku, r.day);
  }
  const series = new Map<string, Float64Array>();
  for (const [sku, f] of first) series.set(sku, new Float64Array(lastDay - f + 1));
  for (const r of rows) series.get(r.sku)![r.day - first.get(r.sku)!]! += r.units;
  return { skus: [...series].map(([sku, s]) => ({ sku, start: first.get(sku)! * DAY_MS, series: s })), lastDay: lastDay * DAY_MS };
}

export interface ForecastRow {
  sku: string;
  date: string;
  units: number;
  method: string;
}

/** Each SKU forecast for the `horizonDays` after the file's last date. */
export function forecastSkus(skus: readonly SkuSeries[], horizonDays: number, options: Partial<ForecastOptions> = {}): ForecastRow[] {
  const out: ForecastRow[] = [];
  for (const s of skus) {
    const f = forecastDemand(s.series, { horizon: horizonDays, holdout: 28, season: 7, ...options, start: s.start });
    const end = s.start + (s.series.length - 1) * DAY_MS;
    for (let h = 0; h < horizonDays; h++) out.push({ sku: s.sku, date: new Date(end + (h + 1) * DAY_MS).toISOString().slice(0, 10), units: f.dailyDemand[h] ?? 0, method: f.method });
  }
  return out;
}

export function forecastRowsCsv(rows: readonly ForecastRow[]): string {
  const lines = [FORECAST_OUTPUT_COLUMNS.join(",")];
  for (const r of rows) lines.push([/[",\n\r]/.test(r.sku) ? `"${r.sku.replace(/"/g, '""')}"` : r.sku, r.date, r.units.toFixed(2), r.method].join(","));
  return `${lines.join("\n")}\n`;
}

/** What `npm run forecast:accuracy -- --sales` compares: the cron's choice and the simple baselines. */
export const ACCURACY_METHODS = ["chosen", "one_window_choice", "holt_winters", "recent_mean", "seasonal_naive", "sba"] as const;
export type AccuracyMethod = (typeof ACCURACY_METHODS)[number];

export interface ForecastAccuracy {
  /** Per origin (latest last): mean MASE over SKUs per method, and SKUs scored. */
  origins: { end: string; skus: number; mase: Record<AccuracyMethod, number>; coverage: number }[];
  /** Mean over origins. */
  mase: Record<AccuracyMethod, number>;
  /** Share of held-out days inside the chosen forecast's prediction interval. */
  coverage: number;
  chosen: Record<string, number>;
}

/**
 * Holdout check on successive windows: for each of `origins` origins (the last `holdout` days, the
 * `holdout` before them, …) every SKU with enough history before the origin is forecast from the data
 * before it and scored on the `holdout` days after. MASE = holdout MAE ÷ in-sample MAE of one-step
 * seasonal naive (weekly), averaged over SKUs.
 */
export function forecastAccuracy(skus: readonly SkuSeries[], holdout: number, origins: number, options: Partial<ForecastOptions> = {}): ForecastAccuracy {
  const out: ForecastAccuracy["origins"] = [];
  const chosen: Record<string, number> = {};
  let inside = 0;
  let days = 0;
  for (let o = origins - 1; o >= 0; o--) {
    const sums = Object.fromEntries(ACCURACY_METHODS.map((m) => [m, 0])) as Record<AccuracyMethod, number>;
    let count = 0;
    let end = 0;
    let originInside = 0;
    let originDays = 0;
    for (const s of skus) {
      const n = s.series.length - o * holdout - holdout;
      if (n < 2 * 7 + holdout) continue;
      const train = s.series.subarray(0, n);
      const actual = s.series.subarray(n, n + holdout);
      const scale = seasonalNaiveScale(train, n, 7);
      if (!(scale > 0)) continue;
      end = Math.max(end, s.start + (n - 1) * DAY_MS);
      const base = { horizon: holdout, holdout: 28, season: 7, ...options, start: s.start };
      const f = forecastDemand(train, base);
      if (o === 0) chosen[f.method] = (chosen[f.method] ?? 0) + 1;
      const forecasts: Record<AccuracyMethod, ArrayLike<number>> = {
        chosen: f.dailyDemand,
        one_window_choice: forecastDemand(train, { ...base, windows: 1 }).dailyDemand,
        holt_winters: predict("holt_winters", train, n, holdout, 7),
        recent_mean: predict("recent_mean", train, n, holdout, 7),
        seasonal_naive: predict("seasonal_naive", train, n, holdout, 7),
        sba: predict("sba", train, n, holdout, 7),
      };
      for (const m of ACCURACY_METHODS) {
        let abs = 0;
        for (let h = 0; h < holdout; h++) abs += Math.abs(actual[h]! - forecasts[m][h]!);
        sums[m] += abs / holdout / scale;
      }
      for (let h = 0; h < holdout; h++) {
        originDays++;
        if (actual[h]! >= f.lower[h]! && actual[h]! <= f.upper[h]!) originInside++;
      }
      count++;
    }
    if (!count) continue;
    inside += originInside;
    days += originDays;
    out.push({ end: new Date(end).toISOString().slice(0, 10), skus: count, mase: Object.fromEntries(ACCURACY_METHODS.map((m) => [m, sums[m] / count])) as Record<AccuracyMethod, number>, coverage: originInside / originDays });
  }
  const mase = Object.fromEntries(ACCURACY_METHODS.map((m) => [m, out.reduce((a, r) => a + r.mase[m], 0) / Math.max(1, out.length)])) as Record<AccuracyMethod, number>;
  return { origins: out, mase, coverage: days ? inside / days : 0, chosen };
}
