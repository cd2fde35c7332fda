/**
 * The newcomer's path, as the README gives it: `npm start` (migrations, demo history, wrangler's
 * dev server, the live part of the seed) and then `npm run simulate`, in a temporary state
 * directory. The simulated week must be accepted whole (no 5xx), drain completely, and fire every
 * one of the twelve decision types for a stated reason. Slow (2–3 minutes): `npm run test:demo`
 * and CI, not `npm test`.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer } from "../../scripts/lib/dev-server.mjs";

const ROOT = path.resolve(__dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const DECISION_TYPES = [
  "delay_alert",
  "status_notification",
  "reorder_prompt",
  "wismo_autoreply",
  "support_escalation",
  "inventory_reorder",
  "post_delivery",
  "churn_intervention",
  "carrier_route_alert",
  "ndr_followup",
  "cod_confirmation",
  "return_processing",
];

/** The development values npm start would copy into .dev.vars (a clean clone has only the example). */
const exampleVars = Object.fromEntries(
  readFileSync(path.join(ROOT, ".dev.vars.example"), "utf8")
    .split("\n")
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]),
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("the demo week", () => {
  const state = mkdtempSync(path.join(os.tmpdir(), "switchyard-demo-"));
  let server: { url: string; dispose: () => Promise<void> } | undefined;
  let url = "";

  beforeAll(async () => {
    const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env: ENV, encoding: "utf8" });
    expect(migrate.status, migrate.stderr).toBe(0);
    const history = await run(["scripts/seed.mjs", "--if-empty", "--persist-to", state]);
    expect(history.code, history.out.slice(-2000)).toBe(0);
    const port = await freePort();
    server = await startDevServer({ config: path.join(ROOT, "wrangler.toml"), port, hostname: "127.0.0.1", persist: state, vars: exampleVars });
    url = server.url;
    const live = await run(["scripts/seed.mjs", "--live", "--url", url, "--persist-to", state]);
    expect(live.code, live.out.slice(-2000)).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    rmSync(state, { recursive: true, force: true });
  });

  it("is accepted whole, drains, and fires every decision type for a stated reason", async () => {
    const sim = await run(["scripts/simulate.mjs", "--days", "7", "--orders-per-day", "60", "--rate", "150", "--seed", "42", "--url", url]);
    expect(sim.code, sim.out.slice(-3000)).toBe(0);
    const sent = /sent (\d+) in [\d.]+ s · accepted (\d+) · duplicates (\d+) · rejected (\d+)/.exec(sim.out);
    expect(sent, sim.out.slice(-3000)).not.toBeNull();
    const [, total, accepted, , rejected] = sent!.map(Number);
    expect(rejected).toBe(0);
    expect(accepted).toBe(total);

    const headers = { authorization: `Bearer ${exampleVars.API_TOKEN}` };
    const pipeline = (await (await fetch(`${url}/api/pipeline`, { headers })).json()) as { pending: number; rawEvents: { dead: number }; actions: Record<string, number> };
    expect(pipeline.pending).toBe(0);
    expect(pipeline.rawEvents.dead).toBe(0);
    // Every action the week caused was run in dry-run (or waits for the end of quiet hours); none failed.
    expect(pipeline.actions.failed ?? 0).toBe(0);
    expect(pipeline.actions.dead ?? 0).toBe(0);

    const missing: string[] = [];
    for (const type of DECISION_TYPES) {
      const { decisions } = (await (await fetch(`${url}/api/decisions?type=${type}&limit=5`, { headers })).json()) as { decisions: { reasons: string[] }[] };
      if (!decisions.length) missing.push(type);
      for (const d of decisions) expect(d.reasons.length, `${type} without a reason`).toBeGreaterThan(0);
    }
    expect(missing).toEqual([]);
  });
});
