#!/usr/bin/env node
// `npm run customers:accuracy -- --transactions tx.csv --calibration-end 1997-09-30 [--holdout-end 1998-06-30]`
// Holdout check of the customer model (same code as the cron and models:customers) against baselines.
import { cliArgs, endOfDay, importTs, parseOrFail, progress, readInput } from "./lib/cli.mjs";

const NAME = "customers:accuracy";
const USAGE = `usage: npm run customers:accuracy -- --transactions tx.csv --calibration-end 2026-03-31 [--holdout-end 2026-06-30] [--json]

Fits the customer model on transactions up to --calibration-end (customers whose first order is by
then), predicts each customer's transactions in (calibration-end, holdout-end] (default: the last
transaction's date), and reports per-customer MAE and RMSE of those counts, the total, holdout spend
MAE and the AUC of the predicted orders for "ordered in the holdout", against predicting zero, each customer's
own past rate, and the interval heuristic the project used before BG/NBD.

input (CSV with header): customer_id,ordered_at,total (as models:customers). Exit 2 on a malformed line.`;

const opts = cliArgs(NAME, USAGE, { transactions: { type: "string" }, "calibration-end": { type: "string" }, "holdout-end": { type: "string" }, json: { type: "boolean" } }, ["transactions", "calibration-end"]);
const calibrationEnd = endOfDay(NAME, "calibration-end", opts["calibration-end"]);
const text = readInput(NAME, opts.transactions);
const m = await importTs("src/decisions/models/customers-batch.ts");
const byCustomer = parseOrFail(NAME, opts.transactions, () => m.parseTransactions(text, text.length > 5_000_000 ? progress(opts.transactions) : undefined));
let holdoutEnd;
if (opts["holdout-end"] !== undefined) holdoutEnd = endOfDay(NAME, "holdout-end", opts["holdout-end"]);
else {
  let last = -Infinity;
  for (const tx of byCustomer.values()) for (const t of tx) if (t.at > last) last = t.at;
  holdoutEnd = endOfDay(NAME, "holdout-end", new Date(last).toISOString().slice(0, 10));
}
const report = m.customersAccuracy(byCustomer, calibrationEnd, holdoutEnd);
if (opts.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const f = (x, d = 3) => (x === null || x === undefined ? "—" : x.toFixed(d));
  console.log(`Customer model holdout check — ${report.customers} customers, calibration to ${opts["calibration-end"]}, holdout ${report.holdoutDays.toFixed(0)} days, ${report.actualTotal} holdout transactions`);
  if (report.fit) {
    const p = report.fit.bgnbd;
    console.log(`BG/NBD (days): r=${p.r.toFixed(3)} α=${p.alpha.toFixed(2)} a=${p.a.toFixed(3)} b=${p.b.toFixed(3)} LL=${report.fit.logLikelihood.toFixed(1)}${report.fit.gammaGamma ? `; Gamma-Gamma p=${report.fit.gammaGamma.p.toFixed(2)} q=${report.fit.gammaGamma.q.toFixed(2)} γ=${report.fit.gammaGamma.gamma.toFixed(2)}` : ""}`);
  } else console.log("Too few customers to fit the model: baselines only.");
  console.log(`\n${"model".padEnd(30)} ${"MAE".padStart(7)} ${"RMSE".padStart(7)} ${"total".padStart(9)} ${"spend MAE".padStart(10)} ${"spend RMSE".padStart(11)} ${"AUC".padStart(6)}`);
  for (const l of report.lines) console.log(`${l.model.padEnd(30)} ${f(l.mae).padStart(7)} ${f(l.rmse).padStart(7)} ${f(l.predictedTotal, 0).padStart(9)} ${f(l.spendMae, 2).padStart(10)} ${f(l.spendRmse, 2).padStart(11)} ${f(l.auc).padStart(6)}`);
  console.log(`\nMAE/RMSE: per customer, holdout transactions (same-day orders count once); spend in the file's currency.`);
  console.log(`AUC: customers ranked by predicted holdout orders against "ordered in the holdout" (0.5 = chance).`);
}
