/**
 * The crash: `npm start` (its own scheduler included) takes a burst of signed orders; mid-burst its
 * runtime is killed with SIGKILL (workerd and the Node process around it, as a power cut would);
 * `npm start` runs again on the same state. Every event the worker accepted is then processed within
 * the stated bound, exactly once: one order row and one ERP deduction per accepted order, nothing
 * pending, nothing dead. No sweep is fired by hand: the restart's own `@restart` run re-queues what the
 * dead runtime's in-memory queues lost. Runs in Node beside the dev server (`npm run test:reliability`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devVars } from "../../scripts/lib/webhooks.mjs";
import { query } from "../../scripts/lib/wrangler.mjs";
import { indianOrder, shopifyRequest } from "../helpers/shopify";
import { freePort } from "../helpers/ports";

const ROOT = path.resolve(__dirname, "../..");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const TOTAL = Number(process.env.CRASH_TOTAL ?? 1000);
/** The measured bound (docs/reliability.md): from the restarted server's "running" line to nothing pending. */
const DRAIN_BOUND_MS = 60_000;


/** The process ids under `pid` (children, grandchildren…), read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone already
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function startServer(state: string, port: number): { child: ChildProcess; ready: Promise<number>; log: () => string } {
  const child = spawn(process.execPath, ["scripts/start.mjs", "--persist-to", state, "--no-seed"], { cwd: ROOT, env: { ...ENV, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr!.on("data", (c) => (log += c));
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      log += c;
      if (log.includes("Switchyard is running")) resolve(Date.now());
    });
    child.once("exit", (code) => reject(new Error(`npm start exited ${code} before it was running:\n${log.slice(-3000)}`)));
  });
  return { child, ready, log: () => log };
}

describe("a crash mid-burst", () => {
  const state = mkdtempSync(path.join(os.tmpdir(), "switchyard-crash-"));
  const servers: ChildProcess[] = [];

  afterAll(async () => {
    for (const s of servers) {
      if (s.exitCode === null && s.signalCode === null) {
        const exited = new Promise((resolve) => s.once("exit", resolve));
        s.kill("SIGINT");
        await exited;
      }
    }
    rmSync(state, { recursive: true, force: true });
  });

  it("processes every accepted event exactly once after SIGKILL and a restart, within the bound", async () => {
    const vars = devVars();
    const port = Number(process.env.CRASH_TEST_PORT ?? (await freePort()));
    const url = `http://127.0.0.1:${port}`;
    const first = startServer(state, port);
    servers.push(first.child);
    await first.ready;

    // The burst: distinct prepaid orders, 40 in flight, until the runtime dies.
    const orders = Array.from({ length: TOTAL }, (_, i) => indianOrder({ id: 7_100_000_000 + i, cod: false }));
    const accepted = new Set<string>();
    let refused = 0;
    let killedAt = 0;
    let next = 0;
    const kill = () => {
      if (killedAt) return;
      killedAt = Date.now();
      for (const pid of [...descendants(first.child.pid!), first.child.pid!]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    };
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (next < orders.length && !killedAt) {
          const order = orders[next++]!;
          const req = await shopifyRequest({ topic: "orders/create", payload: order, secret: vars.SHOPIFY_WEBHOOK_SECRET, shopDomain: null });
          try {
            const res = await fetch(`${url}/webhooks/shopify`, { method: "POST", headers: req.headers, body: await req.text() });
            if (res.status === 200) accepted.add(String(order.id));
            else refused += 1;
          } catch {
            refused += 1;
          }
          if (accepted.size >= TOTAL / 2) kill();
        }
      }),
    );
    expect(killedAt).toBeGreaterThan(0);
    const tree = descendants(first.child.pid!);
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once("exit", () => resolve())));
    // Nothing of the dead runtime may linger (it would hold the state the restart opens).
    for (let i = 0; i < 50 && tree.some((pid) => existsSync(`/proc/${pid}`)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);

    // What the crash left behind: accepted events the dead runtime had not processed (their queue
    // messages died with it). The test means something only if there are some.
    const one = (sql: string) => Number((query(sql, state)[0] as { n: number } | undefined)?.n ?? -1);
    const pendingAtCrash = one(`SELECT count(*) AS n FROM raw_events WHERE status IN ('received', 'queued')`);
    expect(pendingAtCrash).toBeGreaterThan(0);

    // The restart, on the same state: no sweep fired by hand.
    const second = startServer(state, port);
    servers.push(second.child);
    const readyAt = await second.ready;
    const headers = { authorization: `Bearer ${vars.API_TOKEN}` };
    type Pipeline = { pending: number; rawEvents: Record<string, number>; actions: Record<string, number> };
    let pipeline: Pipeline | null = null;
    let drainedAt = 0;
    while (Date.now() - readyAt < DRAIN_BOUND_MS + 30_000) {
      try {
        pipeline = (await (await fetch(`${url}/api/pipeline`, { headers })).json()) as Pipeline;
        if (pipeline.pending === 0 && (pipeline.actions.pending ?? 0) === 0 && (pipeline.actions.sending ?? 0) === 0) {
          drainedAt = Date.now();
          break;
        }
      } catch {
        // still starting
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainMs = drainedAt - readyAt;
    if (process.env.CRASH_LOG) (await import("node:fs")).writeFileSync(process.env.CRASH_LOG, first.log() + "\n===== restart =====\n" + second.log());
    console.log(`crash: ${accepted.size} accepted, ${refused} refused by the dying runtime, ${pendingAtCrash} pending at the crash, drained ${drainMs} ms after the restart; ${JSON.stringify(pipeline)}`);
    if (!drainedAt) {
      second.child.kill("SIGINT");
      await new Promise((resolve) => second.child.once("exit", resolve));
      const stuck = query(`SELECT id, status, attempts, error, received_at AS at FROM raw_events WHERE status <> 'processed' LIMIT 5`, state);
      expect.fail(`not drained ${DRAIN_BOUND_MS + 30_000} ms after the restart: ${JSON.stringify(pipeline)}; e.g. ${JSON.stringify(stuck)}`);
    }
    expect(drainMs).toBeLessThan(DRAIN_BOUND_MS);
    expect(pipeline!.rawEvents.dead ?? 0).toBe(0);
    // Every accepted event, and any the worker stored before dying without answering, is processed.
    expect(pipeline!.rawEvents.processed).toBeGreaterThanOrEqual(accepted.size);

    // Exactly once, read from the stopped server's own D1: one order and one ERP deduction per
    // event the worker stored, each deduction tried once.
    const stopped = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGINT");
    await stopped;
    const stored = one(`SELECT count(*) AS n FROM raw_events WHERE source = 'shopify' AND topic = 'orders/create'`);
    expect(stored).toBeGreaterThanOrEqual(accepted.size);
    expect(one(`SELECT count(*) AS n FROM raw_events WHERE status <> 'processed'`)).toBe(0);
    const ids = new Set((query(`SELECT id FROM orders WHERE CAST(id AS INTEGER) BETWEEN 7100000000 AND ${7_100_000_000 + TOTAL}`, state) as { id: string }[]).map((r) => r.id));
    expect(ids.size).toBe(stored);
    expect([...accepted].filter((id) => !ids.has(id))).toEqual([]);
    expect(one(`SELECT count(*) AS n FROM actions WHERE kind = 'zoho.sales_order'`)).toBe(stored);
    expect(one(`SELECT count(DISTINCT json_extract(params, '$.orderId')) AS n FROM actions WHERE kind = 'zoho.sales_order'`)).toBe(stored);
    expect(one(`SELECT count(*) AS n FROM action_attempts t JOIN actions a ON a.id = t.action_id WHERE a.kind = 'zoho.sales_order'`)).toBe(stored);
  }, 240_000);
});
