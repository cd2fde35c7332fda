#!/usr/bin/env node
// `npm run models:forecast -- --sales sales.csv --horizon-days 28 --out forecast.csv`
// The daily cron's demand forecast (src/decisions/models/forecast.ts) on a brand's own sales export.
import { cliArgs, importTs, parseOrFail, positiveInt, progress, readInput, writeOutput } from "./lib/cli.mjs";

const NAME = "models:forecast";
const USAGE = `usage: npm run models:forecast -- --sales sales.csv [--horizon-days 28] [--out forecast.csv] [--no-festivals]

Forecasts each SKU's daily units for --horizon-days after the file's last date, with the same code the
daily cron runs: the method chosen per SKU by rolling-origin cross-validation over four 28-day windows,
Indian festival windows learned as events (--no-festivals to leave them out), last year's shape when
a year of history exists.

input  (CSV with header): sku,date,units (daily; date YYYY-MM-DD). Days missing between a SKU's first
       date and the file's last date are zero; rows for the same SKU and day add up.
output (CSV): sku,date,units,method — one row per SKU and forecast day.
A malformed line is reported with its number (exit 2). --out - (default) writes to stdout.`;

const opts = cliArgs(NAME, USAGE, { sales: { type: "string" }, "horizon-days": { type: "string" }, out: { type: "string" }, "no-festivals": { type: "boolean" } }, ["sales"]);
const horizon = positiveInt(NAME, "horizon-days", opts["horizon-days"], 28);
const text = readInput(NAME, opts.sales);
const m = await importTs("src/decisions/models/forecast-batch.ts");
const { skus } = parseOrFail(NAME, opts.sales, () => m.parseSales(text, text.length > 5_000_000 ? progress(opts.sales) : undefined));
const started = performance.now();
const rows = m.forecastSkus(skus, horizon, { events: opts["no-festivals"] ? [] : m.indianFestivalEvents() });
writeOutput(opts.out, m.forecastRowsCsv(rows));
const methods = {};
for (let i = 0; i < rows.length; i += horizon) methods[rows[i].method] = (methods[rows[i].method] ?? 0) + 1;
process.stderr.write(`${skus.length} SKUs × ${horizon} days forecast in ${(performance.now() - started).toFixed(0)} ms; methods ${JSON.stringify(methods)}${opts.out && opts.out !== "-" ? ` → ${opts.out}` : ""}\n`);
