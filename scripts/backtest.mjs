#!/usr/bin/env node
// `npm run backtest -- --from 2026-11-01 --to 2026-11-28 [--policy '{"delay_alert":{"stallHours":30}}'] [--url http://localhost:8787]`
// Replays the stored events of a period through the policy (or a candidate) in shadow, on the running worker.
import { readFileSync, existsSync } from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
if (!args.from || !args.to) {
  console.error("usage: npm run backtest -- --from <date> --to <date> [--policy <json patch>] [--url http://localhost:8787]");
  process.exit(2);
}
const vars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : readFileSync(".dev.vars.example", "utf8");
const token = process.env.API_TOKEN ?? /^API_TOKEN=(.*)$/m.exec(vars)?.[1];
const url = `${args.url ?? "http://localhost:8787"}/api/backtest`;
const body = { from: new Date(args.from).toISOString(), to: new Date(args.to).toISOString(), ...(args.policy ? { policy: JSON.parse(args.policy) } : {}) };
const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
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
console.log("\nSample reasons:");
for (const s of out.report.samples.slice(0, 12)) console.log(`- ${s.type} ${s.subjectType}:${s.subjectId}: ${s.reasons.join("; ")}`);
