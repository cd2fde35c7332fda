#!/usr/bin/env node
// `npm run backtest -- --from 2026-11-01 --to 2026-11-28 [--policy '{"delay_alert":{"stallHours":30}}'] [--url http://localhost:8787]`
// Replays the stored events of a period through the policy (or a candidate) in shadow, on the running worker.
import { readFileSync, existsSync } from "node:fs";
import { cliArgs, fail } from "./lib/cli.mjs";

const USAGE = `Usage: npm run backtest -- --from <date> --to <date> [--policy <json patch>] [--url http://localhost:8787]

Replays the period's stored events through the current policy (or the current policy with the
--policy patch laid over it) in shadow on the running worker (POST /api/backtest), and prints what
each decision type would have fired, then the COD risk policy measured against how orders ended:
recall (RTO orders it would have flagged high), false alarms (delivered orders it flagged) and the
rupees on each side.

Options:
  --from DATE     start of the period (ISO-8601 date or time)
  --to DATE       end of the period
  --policy JSON   a candidate policy patch, e.g. '{"cod_risk":{"highAt":50}}'
  --url URL       the worker (default http://localhost:8787)
  -h, --help      this text
`;

const args = cliArgs("backtest", USAGE, { from: { type: "string" }, to: { type: "string" }, policy: { type: "string" }, url: { type: "string" } }, ["from", "to"]);
let policy;
if (args.policy !== undefined) {
  try {
    policy = JSON.parse(args.policy);
  } catch (err) {
    fail("backtest", `--policy is not JSON: ${err.message}`);
  }
}
const from = new Date(args.from);
const to = new Date(args.to);
if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) fail("backtest", "--from and --to must be dates (see --help)");

const vars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : readFileSync(".dev.vars.example", "utf8");
const token = process.env.API_TOKEN ?? /^API_TOKEN=(.*)$/m.exec(vars)?.[1];
const url = `${args.url ?? "http://localhost:8787"}/api/backtest`;
const body = { from: from.toISOString(), to: to.toISOString(), ...(policy !== undefined ? { policy } : {}) };
let res;
try {
  res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
} catch (err) {
  console.error(`backtest: cannot reach ${url} (${err.cause?.code ?? err.message}); is npm start running?`);
  process.exit(1);
}
const out = await res.json();
if (!res.ok) {
  console.error(`backtest refused (${res.status}):`, JSON.stringify(out, null, 2));
  process.exit(1);
}
console.log(`Backtest ${body.from} → ${body.to}, ${out.report.cases} cases, policy v${out.policyVersion}${out.candidate ? " vs candidate" : ""}\n`);
console.log("type".padEnd(22), "evaluated".padStart(10), "current".padStart(9), "candidate".padStart(10));
for (const [type, c] of Object.entries(out.comparison)) {
  console.log(type.padEnd(22), String(out.report.byType[type].evaluated).padStart(10), String(c.current).padStart(9), String(c.candidate).padStart(10));
}

const pct = (x) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const inr = (paise) => `₹${Math.round(paise / 100).toLocaleString("en-IN")}`;
console.log("\nCOD risk policy (each COD order scored as of its placement, against how it ended):");
console.log("".padEnd(44), "current".padStart(16), "candidate".padStart(16));
const row = (label, f) => console.log(label.padEnd(44), f(out.cod.current).padStart(16), f(out.cod.candidate).padStart(16));
row("COD orders scored (low / medium / high)", (r) => `${r.byBand.low}/${r.byBand.medium}/${r.byBand.high}`);
row("ended RTO", (r) => String(r.rto.orders));
row("  flagged high (recall)", (r) => `${r.rto.flaggedHigh} (${pct(r.rto.recallHigh)})`);
row("  flagged medium or high", (r) => `${r.rto.flaggedMediumOrHigh} (${pct(r.rto.recallMediumOrHigh)})`);
row("delivered", (r) => String(r.delivered.orders));
row("  flagged high (false alarms)", (r) => `${r.delivered.flaggedHigh} (${pct(r.delivered.falseAlarmRateHigh)})`);
row("  flagged medium or high", (r) => `${r.delivered.flaggedMediumOrHigh} (${pct(r.delivered.falseAlarmRateMediumOrHigh)})`);
row("precision of high", (r) => pct(r.precisionHigh));
row("RTO order value (all / flagged high)", (r) => `${inr(r.rto.valuePaise)} / ${inr(r.rto.valueFlaggedHighPaise)}`);
row("delivered value flagged high", (r) => inr(r.delivered.valueFlaggedHighPaise));
row("no verdict yet (moving, cancelled)", (r) => String(r.unresolved));

console.log("\nSample reasons:");
for (const s of out.report.samples.slice(0, 12)) console.log(`- ${s.type} ${s.subjectType}:${s.subjectId}: ${s.reasons.join("; ")}`);
