/**
 * Bring your own history, demand: a brand's daily sales export in, a forecast per SKU and day out,
 * with the same forecastDemand the daily cron runs (./forecast.ts).
 */
import { CsvError, parseIsoDate, readCsv } from "../../lib/csv";
import { DAY_MS } from "../format";
import { forecastDemand, type ForecastOptions } from "./forecast";

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
