#!/usr/bin/env node
/**
 * Forecast accuracy on a seeded synthetic catalogue: ~200 SKUs, one year of daily sales each
 * (weekly seasonality, promotions, trends, an intermittent long tail). Every method is fitted
 * on the first 337 days and scored on the last 28, which neither the fit nor the per-SKU method
 * choice ever saw. Prints MASE and MAPE per method against seasonal naive, overall and by class.
 *
 *   npm run forecast:accuracy                      (synthetic catalogue; -- --seed N for another)
 *   npm run forecast:accuracy -- --sales sales.csv (a brand's own sku,date,units export)
 *
 * With --sales: the same code as `npm run models:forecast`, scored on the last --holdout-days of each
 * of --origins successive windows against the simple baselines (MASE, mean over SKUs).
 * The TypeScript model is bundled on the fly with esbuild (already installed with wrangler).
 */
import { createRng } from "./lib/rng.mjs";
import { cliArgs, importTs, parseOrFail, positiveInt, progress, readInput } from "./lib/cli.mjs";

const NAME = "forecast:accuracy";
const USAGE = `usage: npm run forecast:accuracy -- [--seed 20260310] [--emit-sales synthetic.csv]
       npm run forecast:accuracy -- --sales sales.csv [--holdout-days 28] [--origins 4] [--no-festivals] [--json]

Without --sales: ~200 synthetic SKUs, one year each, last 28 days held out (MASE and MAPE per method);
--emit-sales writes that catalogue as a sku,date,units file (days from 2025-07-01) and exits.
With --sales (sku,date,units, as models:forecast): each SKU forecast from the data before each of
--origins successive holdout windows and scored on the window, against Holt-Winters everywhere, the
flat mean of the last 28 days, seasonal naive, SBA and the old one-window method choice.
MASE = holdout MAE ÷ in-sample MAE of one-step weekly seasonal naive, mean over SKUs.`;

const opts = cliArgs(NAME, USAGE, { "emit-sales": { type: "string" }, seed: { type: "string" }, sales: { type: "string" }, "holdout-days": { type: "string" }, origins: { type: "string" }, "no-festivals": { type: "boolean" }, json: { type: "boolean" } });
const HOLDOUT = 28;
const DAYS = 365;
const SEED = positiveInt(NAME, "seed", opts.seed, 20260310);

const loadForecast = () => importTs("src/decisions/models/forecast.ts");

if (opts.sales !== undefined) {
  const holdout = positiveInt(NAME, "holdout-days", opts["holdout-days"], 28);
  const origins = positiveInt(NAME, "origins", opts.origins, 4);
  const text = readInput(NAME, opts.sales);
  const m = await importTs("src/decisions/models/forecast-batch.ts");
  const { skus } = parseOrFail(NAME, opts.sales, () => m.parseSales(text, text.length > 5_000_000 ? progress(opts.sales) : undefined));
  const started = performance.now();
  const r = m.forecastAccuracy(skus, holdout, origins, { events: opts["no-festivals"] ? [] : m.indianFestivalEvents() });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    console.log(`Forecast accuracy — ${skus.length} SKUs from ${opts.sales}, ${origins} successive ${holdout}-day holdouts (MASE, mean over SKUs)\n`);
    console.log(["holdout ending".padEnd(15), "SKUs".padStart(5), ...m.ACCURACY_METHODS.map((x) => x.padStart(18)), "95% PI cover".padStart(13)].join(" "));
    const row = (label, n, mase, cover) => console.log([label.padEnd(15), String(n).padStart(5), ...m.ACCURACY_METHODS.map((x) => mase[x].toFixed(3).padStart(18)), `${(cover * 100).toFixed(1)}%`.padStart(13)].join(" "));
    for (const o of r.origins) row(o.end, o.skus, o.mase, o.coverage);
    row("mean", "", r.mase, r.coverage);
    console.log(`\nMethods chosen at the latest origin: ${JSON.stringify(r.chosen)}`);
    console.log(`Took ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  }
  process.exit(0);
}

function rng(seed) {
  return createRng(seed).next;
}

function poisson(lambda, rand) {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(rand)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Indian D2C shape: weekend-heavy or weekday-heavy weeks, sale events (payday, festive), some launches. */
function makeCatalogue(seed) {
  const rand = rng(seed);
  const skus = [];
  const sales = [];
  for (let d = 0; d < 6; d++) sales.push({ start: Math.floor(rand() * (DAYS - 10)), length: 2 + Math.floor(rand() * 4), lift: 1.8 + rand() * 1.5 });
  for (let i = 0; i < 200; i++) {
    const kind = i < 90 ? "regular" : i < 120 ? "trending" : "intermittent";
    const weekly = Array.from({ length: 7 }, () => 1 + (rand() - 0.5) * 0.7);
    const level = kind === "intermittent" ? 0 : 3 + rand() ** 2 * 80;
    const growth = kind === "trending" ? (rand() < 0.7 ? 1 : -0.5) * (0.5 + rand()) / DAYS : 0;
    const pDemand = 0.04 + rand() * 0.26;
    const dispersion = 0.1 + rand() * 0.4; // gamma-Poisson: real demand is noisier than Poisson
    const series = new Array(DAYS);
    for (let t = 0; t < DAYS; t++) {
      const sale = sales.find((s) => t >= s.start && t < s.start + s.length);
      const lift = sale && rand() < 0.8 ? sale.lift : 1;
      if (kind === "intermittent") {
        series[t] = rand() < pDemand * lift ? 1 + Math.floor(rand() * rand() * 6) : 0;
      } else {
        const mean = level * Math.max(0.05, 1 + growth * t) * weekly[t % 7] * lift;
        const shape = 1 / dispersion;
        series[t] = poisson(Math.max(0, mean * gammaUnit(shape, rand)), rand);
      }
    }
    skus.push({ id: `SKU-${String(i).padStart(3, "0")}`, kind, series });
  }
  return skus;
}

/** Gamma(shape, 1/shape): mean 1, so it only adds noise (Marsaglia–Tsang). */
function gammaUnit(shape, rand) {
  if (shape < 1) return gammaUnit(shape + 1, rand) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = gaussian(rand);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(rand() || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
  }
}

function score(actual, forecast, scale) {
  let abs = 0;
  let ape = 0;
  let apeDays = 0;
  for (let h = 0; h < actual.length; h++) {
    const err = Math.abs(actual[h] - forecast[h]);
    abs += err;
    if (actual[h] > 0) {
      ape += err / actual[h];
      apeDays++;
    }
  }
  const mae = abs / actual.length;
  return { mase: scale > 0 ? mae / scale : null, ape, apeDays };
}

const METHODS = ["chosen", "holt_winters", "sba", "seasonal_naive"];

async function main() {
  const f = await loadForecast();
  const catalogue = makeCatalogue(SEED);
  if (opts["emit-sales"]) {
    const lines = ["sku,date,units"];
    const start = Date.UTC(2025, 6, 1);
    for (const sku of catalogue) sku.series.forEach((u, t) => lines.push(`${sku.id},${new Date(start + t * 86_400_000).toISOString().slice(0, 10)},${u}`));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(opts["emit-sales"], `${lines.join("\n")}\n`);
    console.error(`${catalogue.length} SKUs × ${DAYS} days → ${opts["emit-sales"]}`);
    return;
  }
  const started = performance.now();
  const rows = [];
  const picked = {};
  for (const sku of catalogue) {
    const train = sku.series.slice(0, DAYS - HOLDOUT);
    const actual = sku.series.slice(DAYS - HOLDOUT);
    const scale = f.seasonalNaiveScale(train, train.length, 7);
    const chosen = f.forecastDemand(train);
    picked[sku.kind] ??= {};
    picked[sku.kind][chosen.method] = (picked[sku.kind][chosen.method] ?? 0) + 1;
    const forecasts = {
      chosen: chosen.dailyDemand,
      holt_winters: f.predict("holt_winters", train, train.length, HOLDOUT, 7),
      sba: f.predict("sba", train, train.length, HOLDOUT, 7),
      seasonal_naive: f.predict("seasonal_naive", train, train.length, HOLDOUT, 7),
    };
    for (const m of METHODS) rows.push({ kind: sku.kind, method: m, ...score(actual, forecasts[m], scale) });
  }
  const ms = performance.now() - started;
  const timedAt = performance.now();
  for (const sku of catalogue) f.forecastDemand(sku.series);
  const forecastMs = performance.now() - timedAt;

  const classes = ["all", "regular", "trending", "intermittent"];
  console.log(`Forecast accuracy — ${catalogue.length} SKUs × ${DAYS} days, holdout last ${HOLDOUT} days, seed ${SEED}`);
  console.log("MASE = holdout MAE ÷ in-sample MAE of 1-step seasonal naive (mean over SKUs); MAPE over days with sales.\n");
  console.log(["class".padEnd(13), "SKUs".padStart(5), ...METHODS.flatMap((m) => [`${m} MASE`.padStart(21), "MAPE".padStart(7)])].join(" "));
  for (const cls of classes) {
    const of = (m) => rows.filter((r) => r.method === m && (cls === "all" || r.kind === cls));
    const cells = METHODS.flatMap((m) => {
      const rs = of(m);
      const mases = rs.map((r) => r.mase).filter((x) => x !== null);
      const mase = mases.reduce((a, b) => a + b, 0) / mases.length;
      const mape = rs.reduce((a, r) => a + r.ape, 0) / Math.max(1, rs.reduce((a, r) => a + r.apeDays, 0));
      return [mase.toFixed(3).padStart(21), `${(mape * 100).toFixed(1)}%`.padStart(7)];
    });
    console.log([cls.padEnd(13), String(of("chosen").length).padStart(5), ...cells].join(" "));
  }
  console.log("\nMethod chosen per class:", JSON.stringify(picked));
  console.log(`Evaluation took ${ms.toFixed(0)} ms. forecastDemand alone (backtest + choice + final fit): ${forecastMs.toFixed(0)} ms for ${catalogue.length} SKUs ≈ ${((forecastMs / catalogue.length) * 10).toFixed(1)} s per 10,000 SKUs on this machine.`);
}

await main();
