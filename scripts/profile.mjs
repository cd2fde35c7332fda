#!/usr/bin/env node
/**
 * npm run profile -- [--mode ingest|e2e] [--seconds 10] [--events 3000]
 *
 * Where the worker's CPU goes: starts workerd through Miniflare (as the bench does) with its
 * inspector on, drives it with signed webhooks on loopback, records a V8 CPU profile of the
 * Switchyard isolate and prints the top functions by self time (and writes the .cpuprofile for
 * Chrome DevTools). `ingest` measures the webhook path with consumers off; `e2e` sends a week of
 * mixed events and profiles the queue consumers working through them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { cliArgs, fail } from "./lib/cli.mjs";
import { bundleWorker, startDirect } from "./lib/runtimes.mjs";
import { devVars, sendAll, signed } from "./lib/webhooks.mjs";
import { buildWeek } from "./lib/week.mjs";

const USAGE = `npm run profile -- [options]

Records a V8 CPU profile of the worker's isolate on local workerd under signed webhooks and prints the
top functions by self time (and writes the .cpuprofile for Chrome DevTools).

  --mode ingest|e2e     ingest: the webhook path alone (consumers off); e2e: a week of events processed (default e2e)
  --seconds S           how long to keep profiling while the consumers drain (e2e; default 10)
  --events N            events to send (default 3000)
  --out FILE            where to write the .cpuprofile (default: the temp dir)
  -h, --help            this text`;
const o = cliArgs("profile", USAGE, { mode: { type: "string", default: "e2e" }, seconds: { type: "string", default: "10" }, events: { type: "string", default: "3000" }, out: { type: "string" } });
if (!["ingest", "e2e"].includes(o.mode)) fail("profile", `--mode must be ingest or e2e, got "${o.mode}"`);
for (const k of ["seconds", "events"]) if (!(Number.isInteger(Number(o[k])) && Number(o[k]) > 0)) fail("profile", `--${k} must be a positive whole number, got "${o[k]}"`);
const tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-profile-"));
const vars = devVars();
const inspectorPort = 9329;
const scriptPath = await bundleWorker(tmp);
const rt = await startDirect({ dir: path.join(tmp, "state"), port: 8839, consumers: o.mode === "e2e", scriptPath, inspectorPort, quiet: true });
try {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => /core:user:/.test(t.webSocketDebuggerUrl ?? t.id)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
  let id = 0;
  const pending = new Map();
  ws.on("message", (m) => {
    const msg = JSON.parse(String(m));
    if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg), pending.delete(msg.id);
  });
  const send = (method, params = {}) => new Promise((r) => (pending.set(++id, r), ws.send(JSON.stringify({ id, method, params }))));
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 500 });

  const now = Date.now();
  const kept = (d) => ["shopify", "shiprocket", "delhivery", "zoho-inventory"].includes(d.source);
  const events = buildWeek({ days: 7, ordersPerDay: Math.ceil(Number(o.events) / 40), seed: 7, now }).deliveries.filter(kept).slice(0, Number(o.events));
  const requests = events.map((d) => ({ source: d.source, ...signed(vars, d.source, d.payload, { topic: d.topic, id: d.id, at: d.at }) }));
  await send("Profiler.start");
  const started = Date.now();
  const tally = await sendAll(rt.url, requests, { rate: 100_000, inFlight: 16, label: "profile: send" });
  const sent = (Date.now() - started) / 1000;
  if (o.mode === "e2e") {
    const end = Date.now() + Number(o.seconds) * 1000;
    while (Date.now() < end) {
      const [{ n }] = await rt.query(`SELECT count(*) AS n FROM raw_events WHERE status IN ('received', 'queued')`);
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const { result } = await send("Profiler.stop");
  const elapsed = (Date.now() - started) / 1000;
  const [{ n: processed }] = await rt.query(`SELECT count(*) AS n FROM raw_events WHERE status = 'processed'`);
  ws.close();
  const profile = result.profile;
  const out = o.out ?? path.join(os.tmpdir(), `switchyard-${o.mode}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));

  // Self time per function from the sample counts.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfCount = new Map();
  for (const s of profile.samples) selfCount.set(s, (selfCount.get(s) ?? 0) + 1);
  const dt = (profile.endTime - profile.startTime) / 1000 / profile.samples.length; // ms per sample
  const agg = new Map();
  let busy = 0;
  for (const [nodeId, c] of selfCount) {
    const f = byId.get(nodeId).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${path.basename(f.url || "")}:${f.lineNumber + 1}`;
    if (!["(idle)", "(program)"].includes(f.functionName)) busy += c;
    agg.set(key, (agg.get(key) ?? 0) + c);
  }
  console.log(`${o.mode}: sent ${tally.accepted} in ${sent.toFixed(1)} s; processed ${processed}; profiled ${elapsed.toFixed(1)} s; isolate busy ${((busy * dt) / 1000).toFixed(1)} s`);
  console.log(`top self time (ms):`);
  for (const [k, c] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(c * dt).toFixed(0).padStart(8)}  ${k}`);
  console.log(`profile: ${out} (open in Chrome DevTools → Performance)`);
} finally {
  await rt.stop();
  rmSync(tmp, { recursive: true, force: true });
}
