#!/usr/bin/env node
/**
 * Dashboard speed: 50,000 orders with their journeys, scans, decisions and actions in a local D1,
 * then the overview requested 30 times by a logged-in client. Prints median / p95 time and size.
 *
 *   npm run bench:dashboard            (or: node scripts/bench-dashboard.mjs [orders] [requests])
 *
 * The worker runs under Miniflare (workerd), the same runtime as `wrangler dev`; the timings are
 * whole requests as the browser would see them locally, server render included.
 */
import { seedBulk } from "./lib/bulk-seed.mjs";
import { login, startWorker } from "./lib/worker.mjs";

const ORDERS = Number(process.argv[2] ?? 50_000);
const REQUESTS = Number(process.argv[3] ?? 30);
const WARMUP = 3;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const worker = await startWorker();
try {
  const t0 = performance.now();
  await seedBulk(worker.db, { n: ORDERS });
  const counts = await worker.db
    .prepare(`SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM shipment_events) AS scans, (SELECT count(*) FROM decisions) AS decisions, (SELECT count(*) FROM actions) AS actions`)
    .first();
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

  const cookie = await login(worker.mf, worker.url);
  const times = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const start = performance.now();
    const res = await worker.mf.dispatchFetch(new URL("/", worker.url), { headers: { cookie } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - start;
    if (res.status !== 200) throw new Error(`GET / answered ${res.status}`);
    if (i >= WARMUP) times.push(ms);
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50);
  const p95 = percentile(times, 95);
  const kb = bytes / 1024;
  console.log(`GET / × ${REQUESTS}: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ${kb.toFixed(1)} KB (targets: < 100 ms median, < 100 KB)`);
  process.exitCode = median < 100 && kb < 100 ? 0 : 1;
} finally {
  await worker.dispose();
}
