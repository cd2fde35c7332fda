#!/usr/bin/env node
/**
 * npm run bench [-- --seconds 15 --e2e-events 10000 --e2e-deadline 150 --only ingest,e2e,models,dashboard,micro]
 *
 * Measures Switchyard on this machine, side by side on two runtimes (wrangler dev, and workerd
 * through Miniflare directly), and writes docs/benchmarks.md. Everything stays on 127.0.0.1, every
 * load run is bounded in count and time, and the webhook rate limit is off for the runtimes under test.
 *   1. ingest: signed orders/create at 32 connections vs bare GET /health (queue consumers off)
 *   2. end to end: mixed events through ingest → queue → canonical → objects → decisions
 *   3. models: forecastDemand over 10,000 SKUs × 365 days, buildCustomerModel over 100,000 customers (CPU)
 *   4. dashboard: scripts/bench-dashboard.mjs, when it exists
 *   5. micro: unit costs of a Durable Object call and a D1 statement on local workerd (lib/micro.mjs)
 */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DAY } from "./lib/brand.mjs";
import { createRng } from "./lib/rng.mjs";
import { microBench } from "./lib/micro.mjs";
import { bundleWorker, startDirect, startWrangler } from "./lib/runtimes.mjs";
import { ROOT, api, devVars, progress, sendAll, signed } from "./lib/webhooks.mjs";
import { buildWeek } from "./lib/week.mjs";

const { values: o } = parseArgs({
  options: {
    seconds: { type: "string", default: "15" },
    connections: { type: "string", default: "32" },
    "e2e-events": { type: "string", default: "10000" },
    "e2e-deadline": { type: "string", default: "150" },
    only: { type: "string", default: "ingest,e2e,models,dashboard,micro" },
  },
});
const only = new Set(o.only.split(","));
const SECONDS = Number(o.seconds);
const CONNECTIONS = Number(o.connections);
const benchStarted = Date.now();
const tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-"));
const vars = devVars();
const results = { ingest: [], e2e: [], models: null, dashboard: null, micro: null };
const step = (msg) => process.stderr.write(`[${((Date.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`);
const loadBefore = os.loadavg();

try {
  const scriptPath = await bundleWorker(tmp);
  step(`worker bundled with esbuild (${path.relative(ROOT, scriptPath) || scriptPath})`);
  const runtimes = [
    { label: "wrangler dev", start: (consumers, n) => startWrangler({ dir: path.join(tmp, `wrangler-${n}`), port: 8797 + n, consumers }) },
    { label: "workerd via Miniflare", start: (consumers, n) => startDirect({ dir: path.join(tmp, `direct-${n}`), port: 8807 + n, consumers, scriptPath, quiet: true }) },
  ];
  let n = 0;
  if (only.has("ingest")) {
    for (const rt of runtimes) {
      step(`${rt.label}: starting (queue consumers off)`);
      const r = await rt.start(false, n++);
      try {
        results.ingest.push({ runtime: rt.label, ...(await ingestBench(r)) });
      } finally {
        await r.stop();
      }
    }
  }
  if (only.has("e2e")) {
    for (const rt of runtimes) {
      step(`${rt.label}: starting (with queue consumers)`);
      const r = await rt.start(true, n++);
      try {
        results.e2e.push({ runtime: rt.label, ...(await e2eBench(r)) });
      } catch (err) {
        step(`${rt.label}: end-to-end run failed: ${err.message}`);
        results.e2e.push({ runtime: rt.label, failed: String(err.message).split("\n")[0] });
      } finally {
        await r.stop();
      }
    }
  }
  if (only.has("models")) results.models = await modelsBench();
  if (only.has("dashboard")) results.dashboard = dashboardBench();
  if (only.has("micro")) results.micro = await microBench(step);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
report();

// ------------------------------------------------------------------ load generator

/** Keep-alive load on loopback: `connections` workers, each sending until the time or count runs out. */
async function load(base, makeRequest, { connections = CONNECTIONS, seconds = SECONDS, maxRequests = 200_000, label }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  const latencies = [];
  let errors = 0;
  let sent = 0;
  const statuses = {};
  const end = Date.now() + seconds * 1000;
  const bar = progress(label, seconds);
  const ticker = setInterval(() => bar.update(Math.min(seconds, Math.round(seconds - (end - Date.now()) / 1000)), `${sent} requests`), 1000);
  const one = (req) =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const r = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.body ? { ...req.headers, "content-length": Buffer.byteLength(req.body) } : req.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      });
      r.on("error", () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      if (req.body) r.write(req.body);
      r.end();
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end && sent < maxRequests) {
        const i = sent++;
        const res = await one(makeRequest(i));
        latencies.push(res.ms);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200) errors += 1;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(ticker);
  bar.update(seconds, `${sent} requests`);
  bar.done();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? null;
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), errors, statuses, seconds: elapsed };
}

// ------------------------------------------------------------------ 1. ingest

async function ingestBench(r) {
  // One Indian COD order, re-signed per request with its own order id and webhook id (no duplicates).
  const now = Date.now();
  const { deliveries } = buildWeek({ days: 1, ordersPerDay: 5, seed: 1, now });
  const template = JSON.stringify(deliveries.find((d) => d.topic === "orders/create").payload);
  const orderId = /"id":(\d+)/.exec(template)[1];
  const runTag = createRng(now % 2 ** 31).int(1, 1e6);
  const makeOrder = (i) => {
    const id = String(7_000_000_000 + runTag * 1000 + i);
    const body = template.replaceAll(orderId, id);
    return {
      method: "POST",
      path: "/webhooks/shopify",
      body,
      headers: { "content-type": "application/json", "x-shopify-topic": "orders/create", "x-shopify-webhook-id": `bench-${runTag}-${i}`, "x-shopify-hmac-sha256": createHmac("sha256", vars.SHOPIFY_WEBHOOK_SECRET).update(body).digest("base64") },
    };
  };
  // Warm up: first requests compile the isolate and create the tables' pages.
  await load(r.url, makeOrder, { seconds: 2, connections: 4, maxRequests: 200, label: `${r.name}: warm-up` });
  const health = await load(r.url, () => ({ method: "GET", path: "/health", headers: {} }), { label: `${r.name}: GET /health` });
  const ingest = await load(r.url, (i) => makeOrder(i + 1000), { label: `${r.name}: POST orders/create` });
  return { health, ingest, ratio: ingest.rps / health.rps };
}

// ------------------------------------------------------------------ 2. end to end

async function e2eBench(r) {
  const target = Number(o["e2e-events"]);
  const now = Date.now();
  // A week of the demo brand scaled until it holds the target number of events, then cut to exactly that.
  const kept = (d) => ["shopify", "shiprocket", "delhivery", "zoho-inventory"].includes(d.source);
  let perDay = Math.ceil(target / 6 / 7);
  let deliveries = buildWeek({ days: 7, ordersPerDay: perDay, seed: 99, now }).deliveries.filter(kept);
  if (deliveries.length < target) {
    perDay = Math.ceil(perDay * (target / deliveries.length) * 1.05);
    deliveries = buildWeek({ days: 7, ordersPerDay: perDay, seed: 99, now }).deliveries.filter(kept);
  }
  const events = deliveries.slice(0, target);
  const mix = {};
  for (const d of events) mix[d.source] = (mix[d.source] ?? 0) + 1;
  const requests = events.map((d) => ({ source: d.source, ...signed(vars, d.source, d.payload, { topic: d.topic, id: `${d.id}-e2e`, at: d.at }) }));
  step(`${r.name}: sending ${requests.length} events ${JSON.stringify(mix)}`);
  const sendStarted = Date.now();
  const tally = await sendAll(r.url, requests, { rate: 100_000, inFlight: 16, label: `${r.name}: e2e ingest` });
  const sendSeconds = (Date.now() - sendStarted) / 1000;
  // Wait for processed + dead to reach what was accepted, or the deadline.
  const deadline = sendStarted + Number(o["e2e-deadline"]) * 1000;
  const accepted = tally.accepted + tally.duplicates;
  const bar = progress(`${r.name}: processing`, accepted);
  let counts = {};
  for (;;) {
    // Progress through the worker's own API (a second process reading the SQLite file can collide with its writes).
    const res = await api(r.url, vars, "/api/pipeline");
    if (res.status !== 200) throw new Error(`/api/pipeline answered ${res.status}`);
    counts = res.json.rawEvents;
    const done = (counts.processed ?? 0) + (counts.dead ?? 0);
    bar.update(done);
    if (done >= accepted || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 2000));
  }
  bar.done();
  // Counted at the deadline above; what follows reads the stored rows for latencies.
  await r.quiesce?.();
  const [{ n: rawIn }] = await r.query(`SELECT count(*) AS n FROM raw_events`);
  const [{ n: deadLetters }] = await r.query(`SELECT count(*) AS n FROM dead_letters`);
  const lat = (await r.query(`SELECT processed_at - received_at AS ms FROM raw_events WHERE status = 'processed' ORDER BY ms`)).map((x) => x.ms);
  const [span] = await r.query(`SELECT min(received_at) AS first, max(processed_at) AS last, count(*) AS n FROM raw_events WHERE status = 'processed'`);
  // Receipt → decision: each order decision against the newest event about that order received before it.
  const dlat = (
    await r.query(
      `SELECT d.created_at - (SELECT max(x.received_at) FROM raw_events x WHERE x.received_at <= d.created_at AND instr(x.body, d.subject_id) > 0) AS ms
       FROM decisions d WHERE d.subject_type = 'order' AND d.created_at >= ${sendStarted}`,
    )
  )
    .map((x) => x.ms)
    .filter((v) => v !== null)
    .sort((a, b) => a - b);
  const [{ n: decisions }] = await r.query(`SELECT count(*) AS n FROM decisions WHERE created_at >= ${sendStarted}`);
  const pct = (arr, p) => (arr.length ? arr[Math.min(arr.length - 1, Math.floor(p * arr.length))] : null);
  const processed = counts.processed ?? 0;
  return {
    sent: tally.sent,
    accepted,
    rejected: tally.rejected,
    sendSeconds,
    ingestRps: tally.sent / sendSeconds,
    rawIn,
    processed,
    dead: counts.dead ?? 0,
    deadLetters,
    pending: (counts.received ?? 0) + (counts.queued ?? 0),
    eventsPerSecond: span.n ? span.n / ((span.last - span.first) / 1000) : 0,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    decisions,
    decisionP50: pct(dlat, 0.5),
    decisionP99: pct(dlat, 0.99),
    drained: processed + (counts.dead ?? 0) >= accepted,
  };
}

// ------------------------------------------------------------------ 3. models

async function modelsBench() {
  step("models: bundling forecast.ts and customers.ts for node");
  const esbuild = await import("esbuild");
  const entry = path.join(tmp, "models-entry.ts");
  writeFileSync(entry, `export { forecastDemand } from ${JSON.stringify(path.join(ROOT, "src/decisions/models/forecast.ts"))};\nexport { buildCustomerModel } from ${JSON.stringify(path.join(ROOT, "src/decisions/models/customers.ts"))};\nexport { DEFAULT_POLICY } from ${JSON.stringify(path.join(ROOT, "src/decisions/policy.ts"))};\n`);
  const outfile = path.join(tmp, "models.mjs");
  await esbuild.build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", target: "node20", outfile, logLevel: "error" });
  const { forecastDemand, buildCustomerModel, DEFAULT_POLICY } = await import(outfile);
  const rng = createRng(2026);
  // 10,000 SKUs × 365 days: weekly seasonality, a trend, intermittent tails (a third of SKUs sell some days only).
  const skus = Array.from({ length: 10_000 }, (_, s) => {
    const level = rng.between(0.2, 25);
    const intermittent = s % 3 === 0;
    const series = new Float64Array(365);
    for (let d = 0; d < 365; d++) {
      const mean = level * (1 + 0.25 * Math.sin((2 * Math.PI * d) / 7)) * (1 + d / 730);
      series[d] = intermittent && rng.next() < 0.6 ? 0 : Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean + 0.1))));
    }
    return series;
  });
  const now = Date.now();
  const customers = Array.from({ length: 100_000 }, (_, c) => {
    const n = 1 + Math.floor(rng.next() ** 2 * 8);
    const orders = Array.from({ length: n }, (_, k) => ({ id: `${c}-${k}`, createdAt: now - rng.between(1, 365) * DAY, totalPrice: rng.int(30_000, 400_000), cancelled: rng.next() < 0.03, categories: [rng.pick(["Skincare", "Haircare", "Wellness", "Bath"])] }));
    return { customerId: String(c), shopify: { totalSpent: orders.reduce((s, x) => s + x.totalPrice, 0), ordersCount: n, asOf: now - DAY }, orders };
  });
  step("models: forecastDemand × 10,000 SKUs");
  let cpu = process.cpuUsage();
  let wall = Date.now();
  const methods = {};
  for (const s of skus) {
    const f = forecastDemand(s);
    methods[f.method] = (methods[f.method] ?? 0) + 1;
  }
  let used = process.cpuUsage(cpu);
  const forecast = { cpuSeconds: (used.user + used.system) / 1e6, wallSeconds: (Date.now() - wall) / 1000, methods };
  step("models: buildCustomerModel × 100,000 customers");
  cpu = process.cpuUsage();
  wall = Date.now();
  for (const c of customers) buildCustomerModel(c, DEFAULT_POLICY, now);
  used = process.cpuUsage(cpu);
  const customerModels = { cpuSeconds: (used.user + used.system) / 1e6, wallSeconds: (Date.now() - wall) / 1000 };
  return { forecast, customers: customerModels, totalCpu: forecast.cpuSeconds + customerModels.cpuSeconds };
}

// ------------------------------------------------------------------ 4. dashboard

function dashboardBench() {
  const script = path.join(ROOT, "scripts", "bench-dashboard.mjs");
  if (!existsSync(script)) return { missing: true };
  step("dashboard: running scripts/bench-dashboard.mjs");
  const res = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  return { missing: false, status: res.status, output: (res.stdout || "").trim(), error: (res.stderr || "").trim().slice(-1500) };
}

// ------------------------------------------------------------------ report

function report() {
  const f = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? "–" : Number(v).toFixed(d));
  const ok = (cond) => (cond ? "met" : "**not met**");
  const lines = [];
  const cpus = os.cpus();
  lines.push("# Benchmarks", "");
  lines.push(`Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Machine: ${cpus.length} × ${cpus[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, node ${process.version}.`);
  lines.push(`Load average before / after: ${loadBefore.map((x) => x.toFixed(2)).join(" ")} / ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (other work on the machine shares these cores). Whole run: ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`);
  lines.push("", "wrangler dev is run as `npm start` runs it: wrangler's dev server (its proxy in front of workerd) started through wrangler's API with the inspector off (scripts/lib/dev-server.mjs explains why). Both runtimes run on 127.0.0.1 with their own temporary state, migrations applied, and the webhook rate limit off (`WEBHOOK_RATE_LIMIT_PER_MINUTE=0`, a binding on both), so the load generator is not throttled by the worker's per-IP limit.", "");
  if (results.ingest.length) {
    lines.push(`## 1. Ingest (${CONNECTIONS} keep-alive connections, ${SECONDS} s per run; queue consumers off so the run measures the webhook path: body cap, HMAC check, JSON parse, mapping check, one D1 insert, one queue send)`, "");
    lines.push("| runtime | GET /health req/s | p50 ms | p99 ms | POST orders/create req/s | p50 ms | p99 ms | errors | ratio ingest ÷ bare | targets (ratio ≥ 0.4; p99 < 50 ms direct) |", "|---|---|---|---|---|---|---|---|---|---|");
    for (const r of results.ingest) {
      const direct = r.runtime.includes("Miniflare");
      lines.push(`| ${r.runtime} | ${f(r.health.rps)} | ${f(r.health.p50, 1)} | ${f(r.health.p99, 1)} | ${f(r.ingest.rps)} | ${f(r.ingest.p50, 1)} | ${f(r.ingest.p99, 1)} | ${r.ingest.errors + r.health.errors} | ${f(r.ratio, 3)} | ratio ${ok(r.ratio >= 0.4)}${direct ? `; p99 ${ok(r.ingest.p99 < 50)}` : ""} |`);
    }
    lines.push("");
  }
  if (results.e2e.length) {
    lines.push(`## 2. End to end (${o["e2e-events"]} mixed events: orders, fulfilments, carrier scans, ERP stock; ingest → queue → canonical → Durable Objects → decisions; deadline ${o["e2e-deadline"]} s per runtime)`, "");
    lines.push("| runtime | accepted | ingest req/s | processed | dead | pending at deadline | events/s processed | receipt→processed p50 / p99 ms | decisions | receipt→decision p50 / p99 ms | lost | target (≥ 400 ev/s, p99 < 2 s, direct) |", "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const r of results.e2e) {
      if (r.failed) {
        lines.push(`| ${r.runtime} | run failed: ${r.failed} |||||||||||`);
        continue;
      }
      const lost = r.drained ? r.accepted - r.processed - r.dead : "n/a (not drained)";
      const direct = r.runtime.includes("Miniflare");
      lines.push(`| ${r.runtime} | ${r.accepted} | ${f(r.ingestRps)} | ${r.processed} | ${r.dead} | ${r.pending} | ${f(r.eventsPerSecond, 1)} | ${f(r.p50)} / ${f(r.p99)} | ${r.decisions} | ${f(r.decisionP50)} / ${f(r.decisionP99)} | ${lost} | ${direct ? `${ok(r.eventsPerSecond >= 400)} / ${ok(r.p99 !== null && r.p99 < 2000)}` : ""} |`);
    }
    lines.push("");
  }
  if (results.models) {
    const m = results.models;
    lines.push("## 3. Models (pure functions bundled with esbuild, run in node, CPU from process.cpuUsage)", "");
    lines.push("| model | input | CPU s | wall s |", "|---|---|---|---|");
    lines.push(`| forecastDemand | 10,000 SKUs × 365 days (methods chosen: ${Object.entries(m.forecast.methods).map(([k, v]) => `${k} ${v}`).join(", ")}) | ${f(m.forecast.cpuSeconds, 2)} | ${f(m.forecast.wallSeconds, 2)} |`);
    lines.push(`| buildCustomerModel | 100,000 customers, 1–8 orders each | ${f(m.customers.cpuSeconds, 2)} | ${f(m.customers.wallSeconds, 2)} |`);
    lines.push(`| total | | ${f(m.totalCpu, 2)} (target < 5 s: ${ok(m.totalCpu < 5)}) | |`, "");
  }
  if (results.dashboard) {
    lines.push("## 4. Dashboard", "");
    if (results.dashboard.missing) lines.push("scripts/bench-dashboard.mjs does not exist yet (the dashboard issue owns it), so no dashboard figures in this run.", "");
    else lines.push(`scripts/bench-dashboard.mjs exited ${results.dashboard.status}:`, "", "```", results.dashboard.output || results.dashboard.error, "```", "");
  }
  if (results.micro) {
    const m = results.micro;
    lines.push("## 5. Unit costs on local workerd (a probe worker in Miniflare; each figure is the mean of " + m.n + " awaited calls made one after another inside the worker)", "");
    lines.push("| operation | ms per call |", "|---|---|");
    lines.push(`| Durable Object RPC, object created by the call | ${f(m.doNew, 2)} |`);
    lines.push(`| Durable Object RPC, object warm | ${f(m.doWarm, 2)} |`);
    lines.push(`| Durable Object RPC, object evicted after 12 s idle (workerd evicts idle objects after ~10 s; production after 70–140 s) | ${f(m.doEvicted, 2)} |`);
    lines.push(`| D1 INSERT, one statement per round trip | ${f(m.d1Single, 2)} |`);
    lines.push(`| D1 INSERT, inside db.batch of 10 (per statement) | ${f(m.d1Batch, 2)} |`);
    lines.push(`| D1 point SELECT by primary key | ${f(m.d1Read, 2)} |`, "");
  }
  const text = lines.join("\n") + "\n";
  const out = path.join(ROOT, "docs", "benchmarks.md");
  // The hand-written analysis below "## Where the limit is" survives a re-run.
  const existing = existsSync(out) ? (readFileSync(out, "utf8").split("\n## Where the limit is")[1] ?? null) : null;
  writeFileSync(out, existing ? `${text}\n## Where the limit is${existing}` : text);
  console.log(text);
  console.log(`written to ${path.relative(ROOT, out)}`);
}
