#!/usr/bin/env node
// `npm run models:customers -- --transactions tx.csv --as-of 2026-06-30 --horizon-days 90 --out customers.csv`
// The hourly cron's customer model (BG/NBD + Gamma-Gamma, src/decisions/models/) on a brand's own export.
import { cliArgs, endOfDay, fail, importTs, parseOrFail, positiveInt, progress, readInput, writeOutput } from "./lib/cli.mjs";

const NAME = "models:customers";
const USAGE = `usage: npm run models:customers -- --transactions tx.csv [--as-of 2026-06-30] [--horizon-days 90] [--out customers.csv]

Fits BG/NBD (orders, P(active)) and Gamma-Gamma (order value) on every customer's transactions up to
--as-of (default: the last transaction's date) and predicts the --horizon-days after it, with the
same code the hourly cron runs.

input  (CSV with header): customer_id,ordered_at,total
       ordered_at: ISO date (2026-06-30) or date-time (2026-06-30T14:05:00+05:30; UTC if no offset)
       total: order value in the store's currency. Same-day orders of a customer count as one.
output (CSV): customer_id,orders,expected_orders,p_active,predicted_clv
       orders = transactions by --as-of; expected_orders and predicted_clv (expected spend, store
       currency) are for (as-of, as-of + horizon]. One row per customer with an order by --as-of.
A malformed line is reported with its number (exit 2). --out - (default) writes to stdout.`;

const opts = cliArgs(NAME, USAGE, { transactions: { type: "string" }, "as-of": { type: "string" }, "horizon-days": { type: "string" }, out: { type: "string" } }, ["transactions"]);
const horizon = positiveInt(NAME, "horizon-days", opts["horizon-days"], 90);
const text = readInput(NAME, opts.transactions);
const m = await importTs("src/decisions/models/customers-batch.ts");
const big = text.length > 5_000_000;
const byCustomer = parseOrFail(NAME, opts.transactions, () => m.parseTransactions(text, big ? progress(opts.transactions) : undefined));
let asOf;
if (opts["as-of"] !== undefined) asOf = endOfDay(NAME, "as-of", opts["as-of"]);
else {
  let last = -Infinity;
  for (const tx of byCustomer.values()) for (const t of tx) if (t.at > last) last = t.at;
  if (!Number.isFinite(last)) fail(NAME, `${opts.transactions} has no transactions`);
  asOf = endOfDay(NAME, "as-of", new Date(last).toISOString().slice(0, 10));
}
const started = performance.now();
const { fit, rows, skipped } = m.predictCustomers(byCustomer, asOf, horizon);
if (!fit) fail(NAME, `too few customers to fit by ${new Date(asOf).toISOString().slice(0, 10)} (need at least 20, 5 of them with a repeat order)`);
writeOutput(opts.out, m.customerRowsCsv(rows));
if (!fit.dropoutIdentified) process.stderr.write(`note: the fit finds almost no drop-out (mean drop-out probability per order ${(fit.bgnbd.a / (fit.bgnbd.a + fit.bgnbd.b)).toExponential(1)}): p_active is about 1 for everyone and says nothing here\n`);
const p = fit.bgnbd;
process.stderr.write(
  `${rows.length} customers (${skipped} with no order by as-of left out), fitted in ${(performance.now() - started).toFixed(0)} ms: ` +
    `BG/NBD r=${p.r.toFixed(3)} α=${p.alpha.toFixed(2)} days a=${p.a.toFixed(3)} b=${p.b.toFixed(3)}` +
    (fit.gammaGamma ? `, Gamma-Gamma p=${fit.gammaGamma.p.toFixed(2)} q=${fit.gammaGamma.q.toFixed(2)} γ=${fit.gammaGamma.gamma.toFixed(2)}` : ", no spend fit") +
    `${opts.out && opts.out !== "-" ? ` → ${opts.out}` : ""}\n`,
);
