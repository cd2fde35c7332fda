/**
 * The newcomer's path, as the README gives it: `npm start` (migrations, demo history, wrangler's
 * dev server, the live part of the seed), then `npm run simulate`, then Ctrl-C, with the local
 * state in a temporary directory (`--persist-to`). The simulated week must be accepted whole (no
 * 5xx), drain completely, fire every one of the twelve decision types for a stated reason, and
 * cause no failed action; stopping must free the port. Slow (about 90 s): `npm run test:demo` and
 * CI, not `npm test`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devVars } from "../../scripts/lib/webhooks.mjs";
import { DECISION_TYPES } from "../../src/decisions/types";
import { freePort } from "../helpers/ports";

const ROOT = path.resolve(__dirname, "../..");
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };


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
  let start: ChildProcess | undefined;
  let startLog = "";
  let port = 0;
  let url = "";

  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    start = spawn(process.execPath, ["scripts/start.mjs", "--persist-to", state], { cwd: ROOT, env: { ...ENV, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    start.stderr!.on("data", (c) => (startLog += c));
    // Ready when the seed's live part says so; a start that exits first fails with its output.
    await new Promise<void>((resolve, reject) => {
      start!.stdout!.on("data", (c) => {
        startLog += c;
        if (startLog.includes("Demo brand ready")) resolve();
      });
      start!.once("exit", (code) => reject(new Error(`npm start exited ${code} before the demo brand was ready:\n${startLog.slice(-3000)}`)));
    });
  });

  afterAll(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((resolve) => start!.once("exit", resolve));
      start.kill("SIGINT");
      await exited;
    }
    rmSync(state, { recursive: true, force: true });
  });

  it("is accepted whole, drains, and fires every decision type for a stated reason; the quiet night's digest names its fault", async () => {
    // The week ends in a quiet night: Shopify silent for its last 4 h, 30 COD orders cancelled before that.
    // The week ends at this minute; the same flags with --dry-run give the requests it sends (Shopify's sent times).
    const simNow = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const week = ["--days", "7", "--orders-per-day", "60", "--seed", "42", "--now", simNow, "--quiet-night"];
    const dryFile = path.join(state, "week.jsonl");
    const dry = await run(["scripts/simulate.mjs", ...week, "--dry-run", dryFile]);
    expect(dry.code, dry.out).toBe(0);
    const shopifySentAt = readFileSync(dryFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string; headers: Record<string, string> })
      .filter((r) => r.path === "/webhooks/shopify")
      .map((r) => Date.parse(r.headers["x-shopify-triggered-at"]!));
    const checkFrom = Date.now();
    const sim = await run(["scripts/simulate.mjs", ...week, "--rate", "150", "--url", url]);
    expect(sim.code, sim.out.slice(-3000)).toBe(0);
    const sent = /sent (\d+) in [\d.]+ s · accepted (\d+) · duplicates (\d+) · rejected (\d+)/.exec(sim.out);
    expect(sent, sim.out.slice(-3000)).not.toBeNull();
    const [, total, accepted, , rejected] = sent!.map(Number);
    expect(rejected).toBe(0);
    expect(accepted).toBe(total);

    const headers = { authorization: `Bearer ${devVars().API_TOKEN}` };
    const pipeline = (await (await fetch(`${url}/api/pipeline`, { headers })).json()) as {
      pending: number;
      rawEvents: { dead: number };
      actions: Record<string, number>;
      customerMessages: { sent: number; repeatedMoments: number };
    };
    // On failure, what the simulator and the server said (a stalled queue shows in both).
    expect(pipeline.pending, `${sim.out.slice(-2500)}\n--- server ---\n${startLog.slice(-4000)}`).toBe(0);
    expect(pipeline.rawEvents.dead).toBe(0);
    // Every action the week caused was run in dry-run (or waits for the end of quiet hours); none failed.
    expect(pipeline.actions.failed ?? 0).toBe(0);
    expect(pipeline.actions.dead ?? 0).toBe(0);
    // The contact policy: customers heard from the brand, and no customer twice about one journey moment.
    expect(pipeline.customerMessages.sent).toBeGreaterThan(0);
    expect(pipeline.customerMessages.repeatedMoments).toBe(0);

    const missing: string[] = [];
    for (const type of DECISION_TYPES) {
      const { decisions } = (await (await fetch(`${url}/api/decisions?type=${type}&limit=5`, { headers })).json()) as { decisions: { reasons: string[] }[] };
      if (!decisions.length) missing.push(type);
      for (const d of decisions) expect(d.reasons.length, `${type} without a reason`).toBeGreaterThan(0);
    }
    expect(missing).toEqual([]);

    // Issue 17: the week's "where is my order?" on WhatsApp is answered with the live status and a tracking-page link.
    const wismo = (await (await fetch(`${url}/api/decisions?type=wismo_autoreply&limit=200`, { headers })).json()) as { decisions: { dedupeKey: string; actions: { kind: string; params: { text?: string } }[] }[] };
    const onWhatsapp = wismo.decisions.filter((d) => d.dedupeKey.includes(":whatsapp:")).map((d) => d.actions[0]?.params.text ?? "");
    const english = onWhatsapp.find((t) => t.startsWith("Hi! Your order #"));
    expect(english, onWhatsapp.join("\n---\n")).toMatch(/^Hi! Your order #\d+ (?:is|has) [^\n]+\.\nLast update from [^\n]+ IST/);
    expect(english).toMatch(/\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    // The link opens that order's tracking page with its journey.
    const orderName = /^Hi! Your order (#\d+)/.exec(english!)![1]!;
    const trackPath = /\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/.exec(english!)![0];
    const page = await fetch(`${url}${trackPath}`);
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain(`<title>Order ${orderName} · `);
    expect(pageHtml).toMatch(/<ol id="timeline">[^]*<li class="(?:done|current)/);

    // Issue 19: COD answers reach Shopify. A high-risk order is held from the start and released when
    // the customer confirms; a customer's Cancel becomes orderCancel, waiting for a person; a repeat
    // offender's second RTO tags the Shopify customer cod-blocked.
    type CodDecision = { subjectId: string; dedupeKey: string; reviewStatus: string | null; actions: { kind: string; params: Record<string, unknown> }[] };
    const cod = ((await (await fetch(`${url}/api/decisions?type=cod_confirmation&limit=1000`, { headers })).json()) as { decisions: CodDecision[] }).decisions;
    const kindsOf = (key: RegExp) => cod.filter((d) => key.test(d.dedupeKey)).map((d) => ({ subject: d.subjectId, kinds: d.actions.map((a) => a.kind), review: d.reviewStatus }));
    const held = new Set(cod.filter((d) => d.actions.some((a) => a.kind === "shopify_fulfillment_hold")).map((d) => d.subjectId));
    const released = new Set(kindsOf(/:confirmed$/).filter((d) => d.kinds.includes("shopify_release_hold")).map((d) => d.subject));
    expect([...held].filter((id) => released.has(id)).length, JSON.stringify([...held])).toBeGreaterThan(0);
    const codCancels = kindsOf(/:cancelled$/);
    expect(codCancels.length, JSON.stringify(cod.map((d) => d.dedupeKey))).toBeGreaterThan(0);
    for (const c of codCancels) expect(c).toMatchObject({ kinds: expect.arrayContaining(["shopify_order_cancel"]), review: "waiting" });
    const blocked = cod.filter((d) => /:cod_blocked$/.test(d.dedupeKey));
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0]!.actions).toContainEqual(expect.objectContaining({ kind: "shopify.tags_add", params: expect.objectContaining({ resource: "customer", tags: ["cod-blocked"] }) }));
    // And the overview shows RTO in rupees, lost and saved.
    const login = await fetch(`${url}/login`, { method: "POST", body: new URLSearchParams({ token: devVars().DASHBOARD_TOKEN!, next: "/" }), redirect: "manual" });
    const session = /^([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
    expect(session, `login ${login.status}`).toBeDefined();
    const overview = await (await fetch(`${url}/`, { headers: { cookie: session! } })).text();
    expect(overview).toMatch(/data-kpi="rto-week"><div class="v">₹[1-9][\d,]*</);
    expect(overview).toMatch(/data-kpi="rto-saved"><div class="v">₹[\d,]+</);

    // The ops lead's digest names the night's COD-cancellation spike, held for a person.
    const digest = (await (await fetch(`${url}/api/digest`, { headers })).json()) as { anomalies: { title: string; why: string; status: string }[] };
    const titles = digest.anomalies.map((a) => a.title);
    const cancels = digest.anomalies.find((a) => /^cancellation rate \d+% in .*, usually \d+%$/.test(a.title));
    expect(cancels, titles.join("; ")).toBeDefined();
    expect(cancels!.status).toBe("waiting");
    expect(cancels!.why).toMatch(/^cancellation rate \d+% \(\d+ of \d+\) in /);
    expect(sim.out).toMatch(/digest anomalies: \d+\n(  - .*\n)*  - cancellation rate \d+%/);

    // And Shopify's silence, read from when Shopify sent (X-Shopify-Triggered-At), not when the replay
    // arrived. Whether a silence is a fault depends on how much the same hours usually bring (a small
    // brand is quiet at 3 a.m.). Computed here from the requests themselves: the Shopify deliveries in
    // the silence's span (last send → the check, taken at its earliest) on each of the 7 days before.
    // With a clear margin over the rule's 8 (at 60 orders a day Shopify sends about 5 an hour, day and
    // night, so this holds at any hour) the silence must be named; otherwise it is reported, not asserted.
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    const lastSent = Math.max(...shopifySentAt);
    let sameHours = 0;
    for (let d = 1; d <= 7; d++) sameHours += shopifySentAt.filter((t) => t >= lastSent - d * DAY && t < checkFrom - d * DAY).length;
    const expected = sameHours / 7;
    const silence = digest.anomalies.find((a) => a.title.startsWith("shopify stopped sending"));
    if (expected >= 12) {
      expect(silence, `${expected.toFixed(1)} expected; ${titles.join("; ")}`).toBeDefined();
      expect(silence!.title).toMatch(/^shopify stopped sending: nothing for \d+\.\d h$/);
      expect(silence!.status).toBe("waiting");
      expect(sim.out).toMatch(/  - shopify stopped sending: nothing for /);
    } else {
      console.log(`quiet night: the same hours brought ${expected.toFixed(1)} Shopify deliveries a day; its silence ${silence ? "was" : "was not"} named`);
    }
  });

  it("stops on Ctrl-C and frees its port", async () => {
    const exited = new Promise<number | null>((resolve) => start!.once("exit", resolve));
    start!.kill("SIGINT");
    expect(await exited).toBe(0);
    // The runtime's processes go with it: the port can be bound again within a few seconds.
    let free = false;
    for (let i = 0; i < 20 && !free; i++) {
      free = await portIsFree(port);
      if (!free) await new Promise((r) => setTimeout(r, 500));
    }
    expect(free).toBe(true);
  });
});

function portIsFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(p, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
