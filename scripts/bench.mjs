#!/usr/bin/env node
/**
 * npm run bench [-- --only e2e --events 3000 --json FILE]   (see --help)
 *
 * Measures Switchyard on this machine, side by side on two runtimes (wrangler dev, and workerd
 * through Miniflare directly), and writes docs/benchmarks.md. Everything stays on 127.0.0.1, every
 * load run is bounded in count and time, and the webhook rate limit is off for the runtimes under test.
 *   1. ingest: signed orders/create at 32 connections vs bare GET /health (queue consumers off)
 *   2. end to end: mixed events through ingest → queue → canonical → objects → decisions; on direct
 *      workerd the worker runs metered (lib/metered-worker.ts): D1 round trips and rows, object
 *      calls, queue operations per event, CPU from a V8 profile; then the latency at half the
 *      measured capacity, and the monthly bill from those counts (lib/bill.mjs)
 *   3. models: forecastDemand over 10,000 SKUs × 365 days, buildCustomerModel over 100,000 customers (CPU)
 *   4. dashboard: scripts/bench-dashboard.mjs, when it exists
 *   5. micro: unit costs of a Durable Object call and a D1 statement on local workerd (lib/micro.mjs)
 */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { DAY } from "./lib/brand.mjs";
import { monthlyBill, PRICES } from "./lib/bill.mjs";
import { cliArgs, fail } from "./lib/cli.mjs";
import { createRng } from "./lib/rng.mjs";
import { microBench } from "./lib/micro.mjs";
import { bundleWorker, startDirect, startWrangler } from "./lib/runtimes.mjs";
import { ROOT, api, devVars, progress, sendAll, signed } from "./lib/webhooks.mjs";
import { buildWeek } from "./lib/week.mjs";

const USAGE = `npm run bench [-- options]

Measures ingest, end to end (with per-event counts, latency at half capacity and the monthly bill),
models, dashboard and unit costs, and writes docs/benchmarks.md (when every part runs, or with --doc).

  --only LIST           parts to run, comma-separated: ingest,e2e,models,dashboard,micro (default: all)
  --events N            quick end-to-end check: N events on direct workerd only (metered), e.g. 3000
  --e2e-events N        end-to-end events per runtime in a full run (default 10000)
  --e2e-deadline S      seconds to wait for the backlog to drain (default 150)
  --steady-events N     events sent at half the measured capacity for the latency (default: half the e2e events, at most 3000 or 40 s worth)
  --runtimes LIST       wrangler,direct (default both; --events implies direct)
  --seconds S           length of each ingest load run (default 15)
  --connections N       keep-alive connections for the ingest runs (default 32)
  --json FILE           also write the results (counts, rates, bill) as JSON to FILE
  --doc                 write docs/benchmarks.md even when only some parts ran
  -h, --help            this text`;

const o = cliArgs("bench", USAGE, {
  seconds: { type: "string", default: "15" },
  connections: { type: "string", default: "32" },
  "e2e-events": { type: "string", default: "10000" },
  events: { type: "string" },
  "e2e-deadline": { type: "string", default: "150" },
  "steady-events": { type: "string" },
  runtimes: { type: "string" },
  only: { type: "string" },
  json: { type: "string" },
  doc: { type: "boolean", default: false },
});
const PARTS = ["ingest", "e2e", "models", "dashboard", "micro"];
const onlyGiven = o.only !== undefined;
o.only ??= PARTS.join(",");
for (const part of o.only.split(",")) if (!PARTS.includes(part)) fail("bench", `--only: unknown part "${part}" (one of ${PARTS.join(", ")})`);
const count = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) fail("bench", `--${name} must be a positive whole number, got "${v}"`);
  return n;
};
for (const k of ["seconds", "connections", "e2e-events", "e2e-deadline"]) count(k, o[k]);
if (o.events !== undefined) o["e2e-events"] = String(count("events", o.events));
if (o["steady-events"] !== undefined) count("steady-events", o["steady-events"]);
const RUNTIMES = (o.runtimes ?? (o.events !== undefined ? "direct" : "wrangler,direct")).split(",");
for (const r of RUNTIMES) if (!["wrangler", "direct"].includes(r)) fail("bench", `--runtimes: unknown runtime "${r}" (wrangler or direct)`);
const WRITE_DOC = o.doc || !onlyGiven;
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
  // The same worker with its bindings counted (scripts/lib/metered-worker.ts), for the end-to-end counts.
  const meteredPath = await bundleWorker(tmp, path.join(ROOT, "scripts", "lib", "metered-worker.ts"));
  step(`worker bundled with esbuild (${path.relative(ROOT, scriptPath) || scriptPath}, and its metered twin)`);
  const runtimes = [
    { key: "wrangler", label: "wrangler dev", start: (consumers, n) => startWrangler({ dir: path.join(tmp, `wrangler-${n}`), port: 8797 + n, consumers }) },
    {
      key: "direct",
      label: "workerd via Miniflare",
      start: (consumers, n) =>
        startDirect({ dir: path.join(tmp, `direct-${n}`), port: 8807 + n, consumers, scriptPath: consumers ? meteredPath : scriptPath, quiet: true, ...(consumers ? { inspectorPort: 9339 + n } : {}) }),
      inspectorPort: (n) => 9339 + n,
    },
  ].filter((r) => RUNTIMES.includes(r.key));
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
      const at = n++;
      const r = await rt.start(true, at);
      try {
        results.e2e.push({ runtime: rt.label, ...(await e2eBench(r, rt.key === "direct" ? { inspectorPort: rt.inspectorPort(at), dir: path.join(tmp, `direct-${at}`) } : null)) });
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
  // The raw results first, so a failure while reporting loses no run.
  if (o.json) writeFileSync(o.json, JSON.stringify({ at: new Date().toISOString(), options: o, results, prices: PRICES }, null, 2));
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

/** A week of the demo brand scaled until it holds `target` events, cut to exactly that, signed. */
function weekOfEvents(target, seed, tag) {
  const now = Date.now();
  const kept = (d) => ["shopify", "shiprocket", "delhivery", "zoho-inventory"].includes(d.source);
  let perDay = Math.ceil(target / 6 / 7);
  let deliveries = buildWeek({ days: 7, ordersPerDay: perDay, seed, now }).deliveries.filter(kept);
  while (deliveries.length < target) {
    perDay = Math.ceil(perDay * (target / deliveries.length) * 1.05);
    deliveries = buildWeek({ days: 7, ordersPerDay: perDay, seed, now }).deliveries.filter(kept);
  }
  const events = deliveries.slice(0, target);
  const mix = {};
  for (const d of events) mix[d.source] = (mix[d.source] ?? 0) + 1;
  return { mix, requests: events.map((d) => ({ source: d.source, ...signed(vars, d.source, d.payload, { topic: d.topic, id: `${d.id}-${tag}`, at: d.at }) })) };
}

/** Waits until processed + dead reaches `accepted` or the deadline; returns the pipeline counts. */
async function drain(r, accepted, deadline, label) {
  const bar = progress(label, accepted);
  let counts = {};
  for (;;) {
    // Progress through the worker's own API (a second process reading the SQLite file can collide with its writes).
    const res = await api(r.url, vars, "/api/pipeline");
    if (res.status !== 200) throw new Error(`/api/pipeline answered ${res.status}`);
    counts = res.json.rawEvents;
    const done = (counts.processed ?? 0) + (counts.dead ?? 0);
    bar.update(done);
    if (done >= accepted || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  bar.done();
  return counts;
}

async function e2eBench(r, metered = null) {
  const target = Number(o["e2e-events"]);
  // The customer messages go out during the run whatever the hour it runs at: the default quiet hours
  // (21:00–08:00 IST) would hold every WhatsApp decided in them until the morning, outside the count.
  // A one-minute window twelve hours away keeps the rest of the policy as shipped.
  const ist = (ms) => new Date(ms + 330 * 60_000).toISOString().slice(11, 16);
  const quiet = { start: ist(Date.now() + 12 * 3_600_000), end: ist(Date.now() + 12 * 3_600_000 + 60_000), utcOffsetMinutes: 330 };
  const put = await api(r.url, vars, "/api/policies", { method: "PUT", body: JSON.stringify({ quietHours: quiet }) });
  if (put.status !== 200) throw new Error(`PUT /api/policies answered ${put.status}: ${put.text.slice(0, 200)}`);
  const { mix, requests } = weekOfEvents(target, 99, "e2e");
  const meter = metered ? await startMetering(r, metered.inspectorPort) : null;
  step(`${r.name}: sending ${requests.length} events ${JSON.stringify(mix)}`);
  const sendStarted = Date.now();
  const cpuAtStart = meter ? workerdCpuMs() : null;
  const tally = await sendAll(r.url, requests, { rate: 100_000, inFlight: 16, label: `${r.name}: e2e ingest` });
  const sendSeconds = (Date.now() - sendStarted) / 1000;
  // Wait for processed + dead to reach what was accepted, or the deadline.
  const deadline = sendStarted + Number(o["e2e-deadline"]) * 1000;
  const accepted = tally.accepted + tally.duplicates;
  const counts = await drain(r, accepted, deadline, `${r.name}: processing`);
  const processedAt = Date.now();
  // How much of a core workerd used while the events were being processed: near 1 means its one
  // JavaScript thread (worker, consumers and objects alike) was the limit, not waiting.
  const coresWhileProcessing = cpuAtStart === null ? null : (workerdCpuMs() - cpuAtStart) / (processedAt - sendStarted);
  // The work the events cause runs after them (the outbox's actions, the journey timers that came
  // due): counted too, so the meter stops only once the runtime has gone idle.
  const settled = meter ? await settle(r.name) : null;
  const measured = meter ? await meter.stop() : null;
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
  const drained = processed + (counts.dead ?? 0) >= accepted;
  const eventsPerSecond = span.n ? span.n / ((span.last - span.first) / 1000) : 0;
  let perEvent = null;
  let steady = null;
  if (measured) {
    // D1's size on disk after the run (the local database's SQLite file and its WAL), per event.
    const storageBytes = d1Bytes(metered.dir);
    perEvent = perEventCounts(measured, { webhooks: tally.sent, events: processed, storageBytes });
    // Latency at a sustainable rate: fresh events at half the capacity just measured.
    if (drained && eventsPerSecond > 0) steady = await steadyRun(r, eventsPerSecond / 2, accepted);
    // What an event keeps in D1 once the retention job has blanked its raw body (src/jobs/prune-raw-bodies.ts):
    // its bytes less the raw body's. SQLite puts the freed pages on its freelist and later rows reuse
    // them (the file itself does not shrink), so a database whose old bodies are blanked grows by this.
    if (perEvent.storageBytes !== null) {
      const [{ bytes, n }] = await r.query(`SELECT sum(length(body)) AS bytes, count(*) AS n FROM raw_events WHERE status = 'processed'`);
      if (n > 0) perEvent.rawBodyBytes = bytes / n;
      if (n > 0) perEvent.storageBytesAfterRetention = Math.max(0, perEvent.storageBytes - bytes / n);
    }
  }
  return {
    mix,
    perEvent,
    meter: measured,
    settled: settled && { ...settled, afterProcessedMs: settled.at - processedAt },
    coresWhileProcessing,
    steady,
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
    eventsPerSecond,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    decisions,
    decisionP50: pct(dlat, 0.5),
    decisionP99: pct(dlat, 0.99),
    drained,
  };
}

/** Sends fresh events at `rate` per second and measures receipt → processed for them alone. */
async function steadyRun(r, rate, alreadyAccepted) {
  // Half the e2e events (at most 3000) or 40 s worth at this rate, whichever is fewer, so a quick check stays quick.
  const n = Number(o["steady-events"] ?? Math.max(50, Math.min(3000, Math.ceil(Number(o["e2e-events"]) / 2), Math.ceil(rate * 40))));
  const { requests } = weekOfEvents(n, 4242, "steady");
  // The burst's own tail (its actions, its timers) has already run: the e2e part waited for the
  // runtime to go idle before stopping the meter, so this run measures the events it sends.
  await settle(r.name);
  step(`${r.name}: latency at half capacity: ${n} events at ${rate.toFixed(0)}/s`);
  const started = Date.now();
  const tally = await sendAll(r.url, requests, { rate, inFlight: 16, label: `${r.name}: steady ingest` });
  const accepted = alreadyAccepted + tally.accepted + tally.duplicates;
  const counts = await drain(r, accepted, Date.now() + 60_000, `${r.name}: steady processing`);
  const rows = await r.query(`SELECT received_at AS at, processed_at - received_at AS ms FROM raw_events WHERE status = 'processed' AND received_at >= ${started} ORDER BY received_at`);
  const pct = (arr, p) => {
    const sorted = arr.map((x) => x.ms).sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null;
  };
  // The second half alone: whether latency settles or keeps growing (a backlog) shows there.
  const late = rows.slice(Math.floor(rows.length / 2));
  return { rate, sent: tally.sent, accepted: tally.accepted, sendSeconds: tally.seconds, processed: rows.length, drained: (counts.processed ?? 0) + (counts.dead ?? 0) >= accepted, p50: pct(rows, 0.5), p99: pct(rows, 0.99), max: pct(rows, 1), lateP50: pct(late, 0.5), lateP99: pct(late, 0.99) };
}

// ------------------------------------------------------------------ metering (direct workerd only)

/** Bytes of the local D1 database files under a Miniflare persist root (Durable Object storage excluded). */
function d1Bytes(root) {
  let total = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.sqlite(-wal)?$/.test(e.name)) total += statSync(p).size;
    }
  };
  try {
    const d1 = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && /d1/i.test(e.name)).map((e) => path.join(root, e.name));
    d1.forEach(walk);
  } catch {
    return null;
  }
  return total || null;
}

/**
 * Waits until workerd has used under 5% of a core for 3 s running (at most `maxSeconds`): the queues'
 * follow-on work (actions, journey timers) has run. Returns when, and whether it went idle.
 */
async function settle(name, maxSeconds = 180) {
  step(`${name}: waiting for the follow-on work (actions, timers) to finish`);
  const started = Date.now();
  let quiet = 0;
  let last = workerdCpuMs();
  while (Date.now() - started < maxSeconds * 1000) {
    await new Promise((res) => setTimeout(res, 1000));
    const now = workerdCpuMs();
    quiet = now - last < 50 ? quiet + 1 : 0;
    last = now;
    if (quiet >= 3) return { at: Date.now() - 3000, idle: true };
  }
  return { at: Date.now(), idle: false };
}

/** CPU ms of this process's workerd children, from /proc (utime + stime; the runtime as a whole: JS, local D1's SQLite, queues). */
function workerdCpuMs() {
  const ps = spawnSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" }).stdout.trim().split("\n").map((l) => l.trim().split(/\s+/));
  const children = new Map();
  for (const [pid, ppid, comm] of ps) children.set(ppid, [...(children.get(ppid) ?? []), { pid, comm }]);
  const found = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (c.comm.startsWith("workerd")) found.push(c.pid);
      walk(c.pid);
    }
  };
  walk(String(process.pid));
  const tick = 1000 / Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
  let ms = 0;
  for (const pid of found) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ms += (Number(f[11]) + Number(f[12])) * tick;
    } catch {}
  }
  return ms;
}

/**
 * Zeroes the metered worker's counts, starts a V8 CPU profile of the worker's isolate (the worker,
 * its consumers and its objects run there on local workerd) and notes workerd's process CPU. `stop`
 * returns the counts, the isolate's busy ms (samples that are not idle) and the process CPU ms.
 */
async function startMetering(r, inspectorPort) {
  const reset = await fetch(`${r.url}/__meter`, { method: "DELETE" });
  if (!reset.ok) throw new Error(`/__meter answered ${reset.status}: is the metered worker running?`);
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => /core:user:/.test(t.webSocketDebuggerUrl ?? t.id)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej)));
  let id = 0;
  const pending = new Map();
  ws.on("message", (m) => {
    const msg = JSON.parse(String(m));
    if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg), pending.delete(msg.id);
  });
  const send = (method, params = {}) => new Promise((res) => (pending.set(++id, res), ws.send(JSON.stringify({ id, method, params }))));
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 1000 });
  await send("Profiler.start");
  const cpu0 = workerdCpuMs();
  const wall0 = Date.now();
  return {
    async stop() {
      const { result } = await send("Profiler.stop");
      const processCpuMs = workerdCpuMs() - cpu0;
      const wallMs = Date.now() - wall0;
      ws.close();
      const p = result.profile;
      const idle = new Set(p.nodes.filter((n) => ["(idle)", "(program)"].includes(n.callFrame.functionName)).map((n) => n.id));
      // Each sample stands for the time until the next one (timeDeltas, µs).
      let busyUs = 0;
      for (let i = 0; i < p.samples.length; i++) if (!idle.has(p.samples[i])) busyUs += p.timeDeltas[i + 1] ?? 0;
      const meter = await (await fetch(`${r.url}/__meter`)).json();
      return { ...meter, isolateBusyMs: busyUs / 1000, processCpuMs, wallMs };
    },
  };
}

/** Sums the metered phases that belong to the events (everything but the bench's own API polls). */
function billable(meter) {
  const out = { d1RoundTrips: 0, d1Statements: 0, d1RowsRead: 0, d1RowsWritten: 0, d1RowsWrittenBy: {}, objectCalls: 0, objectCallMs: 0, objectAlarms: 0, queueWrites: 0, queueReads: 0, queueAcks: 0, queueRetries: 0, queueBatches: 0, byObjectMethod: {}, byPhase: {} };
  const sum = (rec) => Object.values(rec ?? {}).reduce((a, b) => a + b, 0);
  for (const [phase, m] of Object.entries(meter.phases)) {
    if (phase === "api") continue;
    out.byPhase[phase] = { d1RoundTrips: m.d1RoundTrips, d1RowsRead: m.d1RowsRead, d1RowsWritten: m.d1RowsWritten, objectCalls: sum(m.objectCalls), queueWrites: sum(m.queueWrites) };
    for (const k of ["d1RoundTrips", "d1Statements", "d1RowsRead", "d1RowsWritten", "objectCallMs", "objectAlarms"]) out[k] += m[k];
    out.objectCalls += sum(m.objectCalls);
    for (const [k, v] of Object.entries(m.objectCalls)) out.byObjectMethod[k] = (out.byObjectMethod[k] ?? 0) + v;
    for (const [k, v] of Object.entries(m.d1RowsWrittenBy ?? {})) out.d1RowsWrittenBy[k] = (out.d1RowsWrittenBy[k] ?? 0) + v;
    for (const k of ["queueWrites", "queueReads", "queueAcks", "queueRetries", "queueBatches"]) out[k] += sum(m[k]);
  }
  return out;
}

function perEventCounts(measured, { webhooks, events, storageBytes }) {
  const b = billable(measured);
  const per = (v) => (events ? v / events : null);
  return {
    events,
    webhooks,
    totals: b,
    d1RoundTrips: per(b.d1RoundTrips),
    d1RoundTripsIngest: per(b.byPhase.ingest?.d1RoundTrips ?? 0),
    // The event's own path: the webhook, the ingest consumer and what the objects write while it runs
    // (the actions consumer's work is per action, the jobs queue's per timer: reported beside it).
    d1RoundTripsEventPath: per(["webhook", "ingest", "objects"].reduce((n, k) => n + (b.byPhase[k]?.d1RoundTrips ?? 0), 0)),
    d1Statements: per(b.d1Statements),
    d1RowsRead: per(b.d1RowsRead),
    d1RowsWritten: per(b.d1RowsWritten),
    objectCalls: per(b.objectCalls),
    objectRequests: per(b.objectCalls + b.objectAlarms),
    objectActiveMs: per(b.objectCallMs),
    // Each message written is read once per delivery and deleted once when acked (a retry is another read).
    queueOps: per(b.queueWrites + b.queueReads + b.queueAcks),
    queueWrites: per(b.queueWrites),
    workerRequests: per(webhooks + b.queueBatches),
    // CPU for the bill: workerd's own CPU time (/proc), which also holds local D1's SQLite and the
    // queue simulator, so an upper bound. The V8 profile's busy time is wall time while JS runs and
    // counts time the thread is descheduled on a loaded machine: reported, not billed.
    cpuMs: per(measured.processCpuMs),
    isolateBusyMs: per(measured.isolateBusyMs),
    storageBytes: storageBytes === null ? null : per(storageBytes),
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

/** One brand: 50,000 orders a month at about 15 events an order, and ten times that (a function: report() runs before later consts exist). */
function brandVolumes() {
  return [
    { label: "50,000 orders/month (≈ 750,000 events)", events: 50_000 * 15 },
    { label: "500,000 orders/month (≈ 7,500,000 events)", events: 500_000 * 15 },
  ];
}

function countsReport(r, f, ok) {
  const p = r.perEvent;
  const t = p.totals;
  const lines = [];
  lines.push(`### Counts per event (${r.runtime}, metered worker; ${p.events} events processed from ${p.webhooks} webhooks)`, "");
  const tail = r.settled ? (r.settled.idle ? `, and the work they caused (actions, journey timers), which ran until the runtime went idle ${f(r.settled.afterProcessedMs / 1000, 1)} s after the last event was processed` : `; the runtime had not gone idle ${f(r.settled.afterProcessedMs / 1000, 1)} s after the last event was processed, so the work they caused is counted only in part`) : "";
  lines.push(`Counted by instrumentation (scripts/lib/metered-worker.ts wraps the bindings with src/lib/metrics.ts), not estimated: these do not depend on the machine. Counted from the first webhook through processing${tail}.`, "");
  lines.push("| per event | value | total in the run | target |", "|---|---|---|---|");
  lines.push(`| D1 round trips on the event's path (webhook + ingest consumer + objects) | ${f(p.d1RoundTripsEventPath, 2)} | ${["webhook", "ingest", "objects"].reduce((n, k) => n + (t.byPhase[k]?.d1RoundTrips ?? 0), 0)} | ≤ 2: ${ok(p.d1RoundTripsEventPath <= 2)} |`);
  lines.push(`| D1 round trips, all phases (also the actions consumer and the journey-timer jobs the events cause) | ${f(p.d1RoundTrips, 2)} | ${t.d1RoundTrips} | |`);
  lines.push(`| D1 round trips in the ingest consumer | ${f(p.d1RoundTripsIngest, 2)} | ${t.byPhase.ingest?.d1RoundTrips ?? 0} | |`);
  lines.push(`| D1 statements | ${f(p.d1Statements, 2)} | ${t.d1Statements} | |`);
  lines.push(`| D1 rows read | ${f(p.d1RowsRead, 1)} | ${t.d1RowsRead} | |`);
  lines.push(`| D1 rows written | ${f(p.d1RowsWritten, 1)} | ${t.d1RowsWritten} | |`);
  lines.push(`| Durable Object calls | ${f(p.objectCalls, 2)} | ${t.objectCalls} (${Object.entries(t.byObjectMethod).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}) | ≤ 1: ${ok(p.objectCalls <= 1)} |`);
  lines.push(`| Durable Object alarms | ${f(t.objectAlarms / p.events, 3)} | ${t.objectAlarms} | |`);
  lines.push(`| queue operations (writes + reads + deletes) | ${f(p.queueOps, 2)} | ${t.queueWrites} written, ${t.queueReads} read, ${t.queueAcks} acked, ${t.queueRetries} retried | |`);
  lines.push(`| Workers requests (webhooks + consumer invocations) | ${f(p.workerRequests, 3)} | ${p.webhooks} + ${t.queueBatches} batches | |`);
  lines.push(`| CPU ms, workerd process (/proc utime + stime: the worker, its consumers and objects, and local D1's SQLite and queues; billed below as an upper bound) | ${f(p.cpuMs, 2)} | ${f(r.meter.processCpuMs)} ms | |`);
  if (r.coresWhileProcessing !== null && r.coresWhileProcessing !== undefined) lines.push(`| cores workerd used from the first webhook to the last event processed (its CPU ÷ wall time) | ${f(r.coresWhileProcessing, 2)} | | |`);
  lines.push(`| isolate busy ms (V8 CPU profile of the worker's isolate: wall time while JavaScript runs, inflated when the machine is loaded) | ${f(p.isolateBusyMs, 2)} | ${f(r.meter.isolateBusyMs)} ms of ${f(r.meter.wallMs)} ms | |`);
  lines.push(`| D1 bytes stored (the local database files after the run, WAL included) | ${p.storageBytes === null ? "–" : f(p.storageBytes)} | | |`);
  if (p.rawBodyBytes !== undefined) lines.push(`| … of which the raw webhook body (kept for \`RAW_BODY_RETENTION_DAYS\`, 30 by default, then blanked) | ${f(p.rawBodyBytes)} | | |`);
  if (p.storageBytesAfterRetention !== undefined) lines.push(`| D1 bytes an event keeps once its raw body is blanked (its pages are reused by later rows) | ${f(p.storageBytesAfterRetention)} | | |`);
  lines.push("");
  lines.push("By phase (D1 round trips / rows read / rows written / object calls / queue messages written, per event):", "");
  lines.push("| phase | round trips | rows read | rows written | object calls | queue writes |", "|---|---|---|---|---|---|");
  for (const [phase, x] of Object.entries(t.byPhase)) lines.push(`| ${phase} | ${f(x.d1RoundTrips / p.events, 2)} | ${f(x.d1RowsRead / p.events, 1)} | ${f(x.d1RowsWritten / p.events, 1)} | ${f(x.objectCalls / p.events, 2)} | ${f(x.queueWrites / p.events, 2)} |`);
  lines.push("");
  const writers = Object.entries(t.d1RowsWrittenBy ?? {}).sort((a, b) => b[1] - a[1]);
  if (writers.length) {
    lines.push("Where the rows written go (per event, by statement; D1 counts each index entry a write changes as a row written):", "");
    lines.push("| statement | rows written per event | share |", "|---|---|---|");
    for (const [k, v] of writers.slice(0, 12)) lines.push(`| \`${k}\` | ${f(v / p.events, 2)} | ${f((100 * v) / t.d1RowsWritten, 0)}% |`);
    const rest = writers.slice(12).reduce((n, [, v]) => n + v, 0);
    if (rest) lines.push(`| ${writers.length - 12} others | ${f(rest / p.events, 2)} | ${f((100 * rest) / t.d1RowsWritten, 0)}% |`);
    lines.push("");
  }
  if (r.steady) {
    const s = r.steady;
    lines.push(`### Latency at a sustainable rate (${r.runtime})`, "");
    lines.push(`Half the capacity just measured (${f(r.eventsPerSecond, 1)} events/s): ${s.sent} fresh events sent at ${f(s.rate, 1)}/s (took ${f(s.sendSeconds, 1)} s), ${s.processed} processed${s.drained ? "" : " (not all drained within 60 s)"}.`, "");
    lines.push("| receipt → processed | p50 ms | p99 ms | max ms | second half p50 / p99 ms | target p99 < 2 s |", "|---|---|---|---|---|---|");
    lines.push(`| at ${f(s.rate, 1)} events/s | ${f(s.p50)} | ${f(s.p99)} | ${f(s.max)} | ${f(s.lateP50)} / ${f(s.lateP99)} | ${ok(s.p99 !== null && s.p99 < 2000)} |`, "");
  }
  lines.push(`### The bill (${r.runtime} counts; Cloudflare Workers Paid prices read 2026-12-01, cited below)`, "");
  lines.push("Worker CPU is workerd's CPU above, which on local workerd includes the objects' JavaScript (in production billed as object duration instead) and local D1 and queues (not billed as Workers CPU in production), so the CPU line is an upper bound. Object duration is the wall time callers waited on object calls × 128 MB (objects without WebSockets hibernate when idle and are not billed then). D1 storage is what 12 months of events hold, with each raw body blanked after the default 30 days of `RAW_BODY_RETENTION_DAYS` (and one row written per event for that).", "");
  const perEvent = { ...p, storageBytes: p.storageBytes ?? 0 };
  const bills = brandVolumes().map((b) => ({ ...b, bill: monthlyBill(perEvent, b.events, 12, { retentionMonths: 1 }) }));
  lines.push(`| line (USD/month) | ${bills.map((b) => b.label).join(" | ")} |`, `|---|${bills.map(() => "---").join("|")}|`);
  const row = (label, key, usedKey, unit) => lines.push(`| ${label} | ${bills.map((b) => `$${b.bill.lines[key].toFixed(2)}${usedKey ? ` (${fmtBig(b.bill.used[usedKey])} ${unit})` : ""}`).join(" | ")} |`);
  row("Workers Paid minimum", "base");
  row("Workers requests", "workerRequests", "workerRequests", "requests");
  row("Workers CPU", "workerCpu", "cpuMs", "CPU ms");
  row("Queues operations", "queueOps", "queueOps", "ops");
  row("D1 rows read", "d1RowsRead", "d1RowsRead", "rows");
  row("D1 rows written", "d1RowsWritten", "d1RowsWritten", "rows");
  row("D1 storage", "d1Storage", "d1StorageGb", "GB after 12 months");
  row("Durable Object requests", "objectRequests", "objectRequests", "requests");
  row("Durable Object duration", "objectDuration", "objectGbSeconds", "GB-s");
  lines.push(`| **total** | ${bills.map((b) => `**$${b.bill.total.toFixed(2)}**`).join(" | ")} |`, "");
  r.bill = bills.map((b) => ({ label: b.label, ...b.bill }));
  return lines;
}

function fmtBig(v) {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(v < 10 ? 2 : 0);
}

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
    lines.push("| runtime | GET /health req/s | p50 ms | p99 ms | POST orders/create req/s | p50 ms | p99 ms | errors | ratio ingest ÷ bare | targets (ratio ≥ 0.3; p99 < 50 ms direct) |", "|---|---|---|---|---|---|---|---|---|---|");
    for (const r of results.ingest) {
      const direct = r.runtime.includes("Miniflare");
      lines.push(`| ${r.runtime} | ${f(r.health.rps)} | ${f(r.health.p50, 1)} | ${f(r.health.p99, 1)} | ${f(r.ingest.rps)} | ${f(r.ingest.p50, 1)} | ${f(r.ingest.p99, 1)} | ${r.ingest.errors + r.health.errors} | ${f(r.ratio, 3)} | ratio ${ok(r.ratio >= 0.3)}${direct ? `; p99 ${ok(r.ingest.p99 < 50)}` : ""} |`);
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
      lines.push(`| ${r.runtime} | ${r.accepted} | ${f(r.ingestRps)} | ${r.processed} | ${r.dead} | ${r.pending} | ${f(r.eventsPerSecond, 1)} | ${f(r.p50)} / ${f(r.p99)} | ${r.decisions} | ${f(r.decisionP50)} / ${f(r.decisionP99)} | ${lost} | ${direct ? `${ok(r.eventsPerSecond >= 400)} (burst p99 is queueing; see the half-capacity latency below)` : ""} |`);
    }
    lines.push("");
    for (const r of results.e2e.filter((x) => x.perEvent)) lines.push(...countsReport(r, f, ok));
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
  if (o.json) {
    writeFileSync(o.json, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus.length, model: cpus[0]?.model ?? null, loadBefore, loadAfter: os.loadavg() }, options: o, results, prices: PRICES }, null, 2));
    console.error(`results written to ${o.json}`);
  }
  if (!WRITE_DOC) {
    console.log(text);
    console.log("docs/benchmarks.md left as it is (only some parts ran; --doc writes it)");
    return;
  }
  const out = path.join(ROOT, "docs", "benchmarks.md");
  // The hand-written analysis below "## Where the limit is" survives a re-run.
  const existing = existsSync(out) ? (readFileSync(out, "utf8").split("\n## Where the limit is")[1] ?? null) : null;
  writeFileSync(out, existing ? `${text}\n## Where the limit is${existing}` : text);
  console.log(text);
  console.log(`written to ${path.relative(ROOT, out)}`);
}
