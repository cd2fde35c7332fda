#!/usr/bin/env node
/**
 * npm run simulate -- [--days 7] [--orders-per-day 60] [--rate 50] [--seed 42] [--url http://localhost:8787]
 *                     [--now ISO] [--dry-run FILE] [--no-crons] [--quiet-night]
 *
 * Generates a week for the demo brand (see scripts/lib/week.mjs) ending now and sends it to the
 * running worker as signed webhooks through the public routes only, in event-time order, at
 * --rate requests/s. Then waits for the ingest queue to drain, fires the crons and lists which
 * decision types fired. Same flags and --now → byte-identical bodies (Zendesk's signature
 * timestamp is the one input taken at send time, as Zendesk does). Exits 1 on any 5xx.
 * --quiet-night: see USAGE.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cliArgs } from "./lib/cli.mjs";
import { CRONS, api, devVars, fireCron, printTally, sendAll, signed } from "./lib/webhooks.mjs";
import { buildWeek } from "./lib/week.mjs";

const QUIET = { silentHours: 4, burst: 30 };
const USAGE = `npm run simulate -- [options]   (with npm start running)

Sends a seeded week of signed webhooks for the demo brand through the public routes, waits for the
ingest queue to drain, fires the crons (sweep, hourly, daily) and lists the decisions by type.

  --days N              days of history to send (default 7)
  --orders-per-day N    average orders a day (default 60)
  --rate N              requests per second (default 50)
  --seed N              random seed (default 42); same flags and --now send the same bytes
  --url URL             the worker (default http://localhost:$PORT or 8787)
  --now ISO             the week ends at this time (default: now, to the minute)
  --dry-run FILE        write the signed requests to FILE as JSON lines and send nothing
  --no-crons            do not fire the crons
  --quiet-night         the week ends in a night with one injected fault: Shopify sends nothing for the
                        last ${QUIET.silentHours} hours while the carriers, the ERP, the helpdesks and WhatsApp keep sending,
                        and in the 6 hours before it ${QUIET.burst} COD orders are placed and cancelled; after the
                        crons the digest's anomalies are printed (GET /api/digest). The hourly check names the
                        COD-cancellation spike, and the Shopify silence when Shopify usually sends in the hours
                        before the check (it reads Shopify's own send times, X-Shopify-Triggered-At; a brand of
                        60 orders a day is quiet at 3 a.m., and that is no fault). Use a fresh npm start.
  -h, --help            this text`;

const o = cliArgs("simulate", USAGE, {
    days: { type: "string", default: "7" },
    "orders-per-day": { type: "string", default: "60" },
    rate: { type: "string", default: "50" },
    seed: { type: "string", default: "42" },
    url: { type: "string", default: `http://localhost:${process.env.PORT ?? "8787"}` },
    now: { type: "string" },
    "dry-run": { type: "string" },
    "no-crons": { type: "boolean", default: false },
    "quiet-night": { type: "boolean", default: false },
});

// "Now" to the minute, so two runs in the same minute send the same bytes (and the second is all duplicates).
const now = o.now ? Date.parse(o.now) : Math.floor(Date.now() / 60_000) * 60_000;
const quiet = o["quiet-night"];
const { deliveries, orders, silenceFrom } = buildWeek({ days: Number(o.days), ordersPerDay: Number(o["orders-per-day"]), seed: Number(o.seed), now, quietNight: quiet ? QUIET : null, codRisk: true });
const vars = devVars();
const requests = deliveries.map((d) => ({ source: d.source, ...signed(vars, d.source, d.payload, { topic: d.topic, id: d.id, at: d.at }) }));
const digest = createHash("sha256").update(requests.map((r) => r.body).join("\n")).digest("hex").slice(0, 16);
const counts = {};
for (const d of deliveries) counts[d.source] = (counts[d.source] ?? 0) + 1;
console.log(`week ending ${new Date(now).toISOString()}: ${orders.length} orders, ${deliveries.length} webhooks ${JSON.stringify(counts)} (bodies sha256 ${digest})`);
if (quiet) console.log(`quiet night: no Shopify delivery after ${new Date(silenceFrom).toISOString()}; ${QUIET.burst} COD orders placed and cancelled in the 6 h before`);

if (o["dry-run"]) {
  writeFileSync(o["dry-run"], requests.map((r) => JSON.stringify({ path: r.path, headers: r.headers, body: r.body })).join("\n") + "\n");
  console.log(`dry run: wrote ${requests.length} requests to ${o["dry-run"]}`);
  process.exit(0);
}

const health = await fetch(new URL("/health", o.url)).catch(() => null);
if (!health?.ok) {
  console.error(`no worker at ${o.url} (start it with npm start)`);
  process.exit(1);
}
// Up to 16 in flight so the rate holds when the worker is busy; events of one parcel are hours apart in the stream anyway.
const tally = await sendAll(o.url, requests, { rate: Number(o.rate), inFlight: 16, label: "simulate" });
printTally(tally);

await waitForQueue();
if (!o["no-crons"]) {
  // Sweep (ticket SLAs), hourly (routes, customers), daily (forecasts, stock, outreach), in that order.
  for (const [name, cron] of [["sweep", CRONS.sweep], ["hourly", CRONS.hourly], ["daily", CRONS.daily]]) {
    const started = Date.now();
    await fireCron(o.url, cron);
    console.log(`cron ${name} (${cron}) ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
await report();
if (quiet) await printDigest();
process.exit(tally.serverErrors ? 1 : 0);

async function printDigest() {
  const res = await api(o.url, vars, "/api/digest");
  if (res.status !== 200) {
    console.error(`cannot read /api/digest (HTTP ${res.status})`);
    process.exitCode = 1;
    return;
  }
  const anomalies = res.json?.anomalies ?? [];
  console.log(`digest anomalies: ${anomalies.length}`);
  for (const a of anomalies) console.log(`  - ${a.title} [${a.status}]${a.why ? `: ${a.why}` : ""}`);
}

/** The ingest queue drains on its own; the worker's /api/pipeline says how far behind it is. */
async function waitForQueue(timeoutMs = 900_000) {
  const deadline = Date.now() + timeoutMs;
  let lastLine = 0;
  let lastPending = -1;
  let lastChange = Date.now();
  for (;;) {
    const res = await api(o.url, vars, "/api/pipeline");
    if (res.status !== 200) {
      console.error(`cannot read /api/pipeline (HTTP ${res.status}); waiting 15 s instead`);
      await new Promise((r) => setTimeout(r, 15_000));
      return;
    }
    const { pending, rawEvents, deadLetters } = res.json;
    if (process.stderr.isTTY || Date.now() - lastLine > 15_000) {
      process.stderr.write(`${process.stderr.isTTY ? "\r" : ""}queue: ${pending} waiting, ${rawEvents.processed} processed, ${deadLetters.unreplayed} dead letters   ${process.stderr.isTTY ? "" : "\n"}`);
      lastLine = Date.now();
    }
    // Nothing moving for a minute: say so instead of waiting forever (the */5 sweep re-queues what is stuck).
    if (pending === lastPending && Date.now() - lastChange > 60_000) {
      console.error(`\nqueue: ${pending} events have waited 60 s with nothing processed`);
      break;
    }
    if (pending !== lastPending) (lastPending = pending), (lastChange = Date.now());
    if (pending === 0) break;
    if (Date.now() > deadline) {
      console.error(`\nqueue still has ${pending} events after ${timeoutMs / 1000} s`);
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stderr.write("\n");
}

async function report() {
  const types = ["delay_alert", "status_notification", "reorder_prompt", "wismo_autoreply", "support_escalation", "inventory_reorder", "post_delivery", "churn_intervention", "carrier_route_alert", "ndr_followup", "cod_confirmation", "return_processing"];
  console.log("decisions (all time, by type):");
  for (const type of types) {
    const res = await api(o.url, vars, `/api/decisions?type=${type}&limit=1000`);
    const list = res.json?.decisions ?? [];
    const example = list[0]?.reasons?.[0] ?? "";
    console.log(`  ${type.padEnd(20)} ${String(list.length).padStart(4)}${list.length ? `   e.g. ${list[0].subjectType}:${list[0].subjectId}: ${String(example).slice(0, 90)}` : "   — none"}`);
  }
}
