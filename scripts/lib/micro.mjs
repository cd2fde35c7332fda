/**
 * Costs per operation on local workerd (Miniflare), measured inside a tiny worker so nothing but
 * the operation is timed: what a Durable Object call costs when the object is new, warm, or was
 * evicted after idling; what a D1 statement costs alone and inside a batch. These are the unit
 * costs the end-to-end figure is made of (see docs/benchmarks.md, "Where the limit is").
 */
const WORKER = `
import { DurableObject } from "cloudflare:workers";
export class Probe extends DurableObject {
  constructor(ctx, env) { super(ctx, env); ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)"); }
  async put(k, v) { this.ctx.storage.sql.exec("INSERT OR REPLACE INTO t VALUES (?, ?)", k, v); return 1; }
}
export default { async fetch(req, env) {
  const u = new URL(req.url); const n = Number(u.searchParams.get("n")); const tag = u.searchParams.get("tag");
  const t0 = Date.now();
  switch (u.pathname) {
    case "/do": for (let i = 0; i < n; i++) await env.PROBE.get(env.PROBE.idFromName(tag + i)).put("k", "v"); break;
    case "/d1-setup": await env.DB.exec("CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, body TEXT, at INTEGER)"); break;
    case "/d1-single": for (let i = 0; i < n; i++) await env.DB.prepare("INSERT INTO rows (id, body, at) VALUES (?, ?, ?)").bind(tag + i, "x".repeat(200), i).run(); break;
    case "/d1-batch": for (let i = 0; i < n; i += 10) await env.DB.batch(Array.from({ length: 10 }, (_, j) => env.DB.prepare("INSERT INTO rows (id, body, at) VALUES (?, ?, ?)").bind(tag + (i + j), "x".repeat(200), i))); break;
    case "/d1-read": for (let i = 0; i < n; i++) await env.DB.prepare("SELECT body FROM rows WHERE id = ?").bind(tag + i).first(); break;
  }
  return new Response(String(Date.now() - t0));
} };`;

export async function microBench(step) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-04-01",
    cf: false,
    durableObjects: { PROBE: { className: "Probe", useSQLite: true } },
    d1Databases: { DB: "micro" },
  });
  const url = String(await mf.ready);
  const n = 300;
  const run = async (p, tag = "a") => Number(await (await mf.dispatchFetch(`${url}${p.slice(1)}?n=${n}&tag=${tag}`)).text()) / n;
  try {
    step("micro: Durable Object calls (new, warm, after 12 s idle)");
    const doNew = await run("/do", "a");
    const doWarm = await run("/do", "a");
    await new Promise((r) => setTimeout(r, 12_000));
    const doEvicted = await run("/do", "a");
    step("micro: D1 statements (alone, in batches of 10, point reads)");
    await run("/d1-setup");
    const d1Single = await run("/d1-single", "s");
    const d1Batch = await run("/d1-batch", "b");
    const d1Read = await run("/d1-read", "s");
    return { n, doNew, doWarm, doEvicted, d1Single, d1Batch, d1Read };
  } finally {
    await mf.dispose();
  }
}
