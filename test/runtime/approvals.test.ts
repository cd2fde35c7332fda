/**
 * Approve mode, end to end in workerd with real D1 and the real actions queue: a held decision
 * sends nothing until a person approves it on the dashboard; approval sends once; dismissal sends
 * nothing; the buttons need a session, the session's CSRF token and a same-site request.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/decisions/policy";
import { decideInventoryReorder } from "../../src/decisions/rules/inventory-reorder";
import type { DecisionDraft } from "../../src/decisions/types";
import { codConfirmationKey } from "../../src/canonical/vocabulary";
import { commitDrafts } from "../../src/pipeline/commit";
import { api, count } from "../helpers/runtime";

const BASE = "https://switchyard.test";
let ip = 0;
let seq = 0;

async function sessionCookie(): Promise<string> {
  const res = await SELF.fetch(`${BASE}/login`, {
    method: "POST",
    body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `198.51.100.${200 + (++ip % 50)}` },
    redirect: "manual",
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** The "needs you" section of the overview (the folded decision list below it names every decision). */
async function queue(cookie: string): Promise<string> {
  const html = await overview(cookie);
  return html.slice(html.indexOf('id="needs-you"'), html.indexOf('class="kpis"'));
}

async function overview(cookie: string): Promise<string> {
  return (await SELF.fetch(`${BASE}/`, { headers: { cookie }, redirect: "manual" })).text();
}

function post(path: string, cookie: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
    redirect: "manual",
  });
}

/** A real inventory_reorder draft from the rule: 400 units of a ₹1,299 SKU = a ₹5,19,600 purchase order. */
function bigPurchaseOrder(now: number): DecisionDraft {
  const sku = `APPR-${Date.now()}-${++seq}`;
  const d = decideInventoryReorder(
    {
      sku: {
        sku,
        title: "Kumkumadi Oil 30 ml",
        productId: null,
        available: 20,
        reorderPoint: null,
        leadTimeDays: 14,
        safetyDays: null,
        packSize: null,
        openPoQuantity: 0,
        dailyDemand: 20,
        forecastMethod: null,
        lastReceiptAt: null,
        demandForecast: null,
        unitPricePaise: 129_900,
      },
    },
    DEFAULT_POLICY,
    now,
  );
  if (!d) throw new Error("the rule should fire");
  return d;
}

const stored = (policy: Policy = DEFAULT_POLICY) => ({ version: 0, policy, createdAt: null });

async function actionRows(decisionId: string) {
  const { results } = await env.DB.prepare(`SELECT kind, status FROM actions WHERE decision_id = ? ORDER BY kind`).bind(decisionId).all<{ kind: string; status: string }>();
  return results;
}

async function held(): Promise<{ id: string; draft: DecisionDraft }> {
  const now = Date.now();
  const draft = bigPurchaseOrder(now);
  const [c] = await commitDrafts(env, [draft], stored(), now);
  return { id: c!.id, draft };
}

describe("approve mode", () => {
  it("holds a ₹5 lakh purchase order: recorded with why it waits, nothing in the outbox, also when decided again", async () => {
    const now = Date.now();
    const draft = bigPurchaseOrder(now);
    expect(draft.inputs.poValuePaise).toBe(400 * 129_900);
    const [c] = await commitDrafts(env, [draft], stored(), now);
    expect(c!.mode).toBe("approve");
    const row = await env.DB.prepare(`SELECT mode, review_status AS review, reasons FROM decisions WHERE id = ?`).bind(c!.id).first<{ mode: string; review: string; reasons: string }>();
    expect(row).toMatchObject({ mode: "approve", review: "waiting" });
    expect(JSON.parse(row!.reasons)).toContain("purchase order worth ₹5,19,600 ≥ ₹1,00,000 waits for approval");
    // The same decision arriving again (a redelivered event, the next cron) still sends nothing.
    await commitDrafts(env, [draft], stored(), now + 1000);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c!.id)).toBe(0);
  });

  it("lets a small purchase order act on its own (below the approval value)", async () => {
    const now = Date.now();
    const draft = bigPurchaseOrder(now);
    draft.inputs.poValuePaise = 9_999_999;
    const [c] = await commitDrafts(env, [draft], stored(), now);
    expect(c!.mode).toBe("live");
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c!.id)).toBe(draft.actions.length);
  });

  it("holds every decision of a type whose policy mode is approve", async () => {
    const parsed = parsePolicy({ inventory_reorder: { mode: "approve" } });
    if (!parsed.ok) throw new Error("policy should parse");
    const now = Date.now();
    const draft = bigPurchaseOrder(now);
    draft.inputs.poValuePaise = 100;
    const [c] = await commitDrafts(env, [draft], stored(parsed.policy), now);
    expect(c!.mode).toBe("approve");
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c!.id)).toBe(0);
  });

  it("shows the held decision in the needs-you queue at the top of the overview, before the KPIs", async () => {
    const { id } = await held();
    const html = await overview(await sessionCookie());
    const at = html.indexOf('id="needs-you"');
    expect(at).toBeGreaterThan(-1);
    expect(at).toBeLessThan(html.indexOf('class="kpis"'));
    expect(await queue(await sessionCookie())).toContain(`data-decision="${id}"`);
    expect(html).toContain(`action="/decisions/${id}/approve"`);
    expect(html).toContain(`action="/decisions/${id}/dismiss"`);
    expect(html).toContain(`action="/decisions/${id}/snooze"`);
  });

  it("approving queues the held actions once: a second click, and the decision again, add nothing", async () => {
    const { id, draft } = await held();
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await overview(cookie));
    const res = await post(`/decisions/${id}/approve`, cookie, { _csrf: csrf, by: "Priya (ops lead)" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/?done=approved#needs-you");
    expect((await actionRows(id)).map((a) => a.kind)).toEqual(draft.actions.map((a) => a.kind).sort());
    // The real actions queue runs them (dry-run: no Zoho or email credentials in tests).
    await vi.waitFor(async () => expect((await actionRows(id)).every((a) => a.status === "dry_run")).toBe(true), { timeout: 10_000, interval: 100 });

    const again = await post(`/decisions/${id}/approve`, cookie, { _csrf: csrf });
    expect(again.headers.get("location")).toBe("/?done=not-waiting#needs-you");
    await commitDrafts(env, [draft], stored(), Date.now());
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, id)).toBe(draft.actions.length);
    expect(await count(`SELECT count(*) AS n FROM action_attempts t JOIN actions a ON a.id = t.action_id WHERE a.decision_id = ?`, id)).toBe(draft.actions.length);

    // The approval is on the decision's record, and the queue no longer lists it.
    const body = await (await api(`/api/decisions?subject=sku:${draft.subjectId}`)).json<{ decisions: { id: string; reviewStatus: string; reviews: { verdict: string; by: string }[] }[] }>();
    const d = body.decisions.find((x) => x.id === id)!;
    expect(d.reviewStatus).toBe("approved");
    expect(d.reviews).toEqual([expect.objectContaining({ verdict: "approved", by: "Priya (ops lead)" })]);
    expect(await queue(cookie)).not.toContain(`data-decision="${id}"`);
  });

  it("dismissal needs a reason, records who and why, and sends nothing, ever", async () => {
    const { id, draft } = await held();
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await overview(cookie));
    const bare = await post(`/decisions/${id}/dismiss`, cookie, { _csrf: csrf, why: "  " });
    expect(bare.headers.get("location")).toBe("/?done=dismiss-needs-why#needs-you");
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE id = ? AND review_status = 'waiting'`, id)).toBe(1);

    const res = await post(`/decisions/${id}/dismiss`, cookie, { _csrf: csrf, by: "Arjun", why: "supplier is changing; order next week" });
    expect(res.headers.get("location")).toBe("/?done=dismissed#needs-you");
    const review = await env.DB.prepare(`SELECT verdict, by, note FROM decision_reviews WHERE decision_id = ?`).bind(id).first();
    expect(review).toEqual({ verdict: "dismissed", by: "Arjun", note: "supplier is changing; order next week" });
    // Neither a late approval nor the same decision arriving again sends anything.
    expect((await post(`/decisions/${id}/approve`, cookie, { _csrf: csrf })).headers.get("location")).toBe("/?done=not-waiting#needs-you");
    await commitDrafts(env, [draft], stored(), Date.now());
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, id)).toBe(0);
    expect(await queue(cookie)).not.toContain(`data-decision="${id}"`);
  });

  it("snooze takes the item off the queue for the policy's hours and keeps it waiting", async () => {
    const { id } = await held();
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await overview(cookie));
    const before = Date.now();
    expect((await post(`/decisions/${id}/snooze`, cookie, { _csrf: csrf })).headers.get("location")).toBe("/?done=snoozed#needs-you");
    const row = await env.DB.prepare(`SELECT review_status AS s, review_until AS until FROM decisions WHERE id = ?`).bind(id).first<{ s: string; until: number }>();
    expect(row!.s).toBe("waiting");
    expect(row!.until).toBeGreaterThanOrEqual(before + 4 * 3_600_000);
    expect(await queue(cookie)).not.toContain(`data-decision="${id}"`);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, id)).toBe(0);
  });

  it("refuses the buttons without a session, without the CSRF token, and from another site, changing nothing", async () => {
    const { id } = await held();
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await overview(cookie));
    const anonymous = await SELF.fetch(`${BASE}/decisions/${id}/approve`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf }), redirect: "manual" });
    expect(anonymous.status).toBe(401);
    expect((await post(`/decisions/${id}/approve`, cookie, {})).status).toBe(403);
    expect((await post(`/decisions/${id}/approve`, cookie, { _csrf: csrfFrom(await overview(await sessionCookie())) })).status).toBe(403);
    expect((await post(`/decisions/${id}/approve`, cookie, { _csrf: csrf }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post(`/decisions/${id}/dismiss`, cookie, { _csrf: csrf, why: "x" }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE id = ? AND review_status = 'waiting'`, id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM decision_reviews WHERE decision_id = ?`, id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, id)).toBe(0);
  });

  it("holds a COD order's hold (the step before cancelling) by default; the order page shows who dismissed it and why", async () => {
    const orderId = `appr-cod-${Date.now()}`;
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO orders (id, name, currency, total_price, subtotal_price, payment_method, line_items, tags, created_at, updated_at, source, source_id)
       VALUES (?, '#A9001', 'INR', 349900, 349900, 'cod', '[]', '[]', ?, ?, 'shopify', ?)`,
    )
      .bind(orderId, now, now, orderId)
      .run();
    const hold: DecisionDraft = {
      type: "cod_confirmation",
      subjectType: "order",
      subjectId: orderId,
      dedupeKey: codConfirmationKey(orderId, "timeout"),
      reasons: ["no answer to the COD confirmation for 24.5 h (timeout 24 h): hold before fulfilment"],
      inputs: { waitedHours: 24.5 },
      actions: [{ kind: "shopify.tags_add", connector: "shopify", params: { resource: "order", id: orderId, tags: ["cod-unconfirmed"] } }],
      notBefore: null,
    };
    const [c] = await commitDrafts(env, [hold], stored(), now);
    expect(c!.mode).toBe("approve");
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c!.id)).toBe(0);
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await overview(cookie));
    await post(`/decisions/${c!.id}/dismiss`, cookie, { _csrf: csrf, by: "Arjun", why: "customer called back and confirmed" });
    const page = await (await SELF.fetch(`${BASE}/orders/${orderId}`, { headers: { cookie } })).text();
    expect(page).toMatch(/dismissed by Arjun · [^<]*: customer called back and confirmed/);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c!.id)).toBe(0);
  });
});
