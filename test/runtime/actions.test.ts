/** The outbox and the actions consumer against workerd + D1: one send per action, every attempt recorded. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ActionSpec } from "../../src/canonical/actions";
import { configFromEnv, type ConnectorConfig } from "../../src/connectors/config";
import { applyMessageStatus, enqueueActions, requeueDueActions } from "../../src/db/actions";
import { handleActionDeadLetters, handleActionsBatch, type ActionMessage, type ActionsDeps } from "../../src/queues/actions";
import { api, count } from "../helpers/runtime";
import { newMeter, type Meter } from "../../src/lib/metrics";
import { counted } from "../helpers/metering";

afterEach(() => vi.restoreAllMocks());

const CREDENTIALS = {
  WHATSAPP_ACCESS_TOKEN: "wa-secret", WHATSAPP_PHONE_NUMBER_ID: "1098765",
  EMAIL_API_KEY: "re_secret", EMAIL_API_BASE_URL: "https://api.resend.com",
  SHOPIFY_SHOP_DOMAIN: "acme.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_secret",
  ZOHO_ACCESS_TOKEN: "zoho-secret", ZOHO_ORGANIZATION_ID: "60001", ZOHO_VENDOR_ID: "V9",
  GORGIAS_DOMAIN: "acme", GORGIAS_USERNAME: "ops@acme.in", GORGIAS_API_KEY: "g-secret",
  FRESHDESK_DOMAIN: "acme", FRESHDESK_API_KEY: "f-secret",
  ZENDESK_SUBDOMAIN: "acme", ZENDESK_EMAIL: "ops@acme.in", ZENDESK_API_TOKEN: "z-secret",
  KLAVIYO_API_KEY: "pk_secret", SHIPROCKET_API_TOKEN: "sr-secret",
};
const live: ConnectorConfig = configFromEnv({ ...env, ...CREDENTIALS } as Env);
const dry: ConnectorConfig = configFromEnv({ ...env, ...Object.fromEntries(Object.keys(CREDENTIALS).map((k) => [k, ""])) } as Env);

let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++seq}`;

/** A vendor edge that answers only the requests a test expects and records everything else as a failure. */
function edge(routes: Record<string, () => Response>) {
  const calls: { method: string; url: string; headers: Headers; body: unknown }[] = [];
  const unexpected: string[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const key = `${init.method} ${url}`;
    calls.push({ method: String(init.method), url, headers: new Headers(init.headers), body: init.body ? JSON.parse(String(init.body)) : null });
    const route = routes[key];
    if (!route) {
      unexpected.push(key);
      throw new Error(`unexpected request ${key}`);
    }
    return route();
  };
  return { fetch, calls, unexpected };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

async function insertAction(kind: string, connector: string, params: unknown, over: { status?: string; attempts?: number; externalId?: string; decisionId?: string } = {}): Promise<string> {
  const id = uid("act");
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, external_id, subject_type, subject_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'order', ?, ?, ?)`,
  )
    .bind(id, over.decisionId ?? null, connector, kind, `test:${id}`, over.status ?? "pending", over.attempts ?? 0, now, JSON.stringify(params), over.externalId ?? null, uid("order"), now, now)
    .run();
  return id;
}

async function deliver(actionIds: string[], deps: ActionsDeps, attempts = 1, meter?: Meter) {
  const batch = createMessageBatch<ActionMessage>("switchyard-actions", actionIds.map((actionId, i) => ({ id: `m-${actionId}-${i}-${attempts}`, timestamp: new Date(), attempts, body: { actionId } })));
  const ctx = createExecutionContext();
  // getQueueResult names retried messages but not their delay: the delay is read off retry() itself.
  const delays: (number | undefined)[] = [];
  for (const m of batch.messages) {
    const original = m.retry.bind(m);
    vi.spyOn(m, "retry").mockImplementation((opts?: QueueRetryOptions) => {
      delays.push(opts?.delaySeconds);
      original(opts);
    });
  }
  // Counted (when asked) only for this call: the real queues' consumers share the D1 binding.
  if (meter) await counted(meter, (e) => handleActionsBatch(batch, e, deps));
  else await handleActionsBatch(batch, env, deps);
  return { batch, result: await getQueueResult(batch, ctx), delays };
}

const row = (id: string) =>
  env.DB.prepare(`SELECT status, attempts, last_error AS lastError, external_id AS externalId, request, response FROM actions WHERE id = ?`).bind(id).first<{ status: string; attempts: number; lastError: string | null; externalId: string | null; request: string | null; response: string | null }>();
const outcomes = async (id: string) =>
  (await env.DB.prepare(`SELECT outcome FROM action_attempts WHERE action_id = ? ORDER BY attempt, at`).bind(id).all<{ outcome: string }>()).results.map((r) => r.outcome);

const PHONE = "+919812345678";
const template = { to: PHONE, template: "delay_update", language: "en", bodyParams: ["Asha"], buttons: [] };

describe("each connector with credentials: 200 → sent", () => {
  const cases: { name: string; kind: string; connector: string; params: unknown; route: string; reply: () => Response; auth: [string, string]; externalId: string | null; setup?: () => Promise<void> }[] = [
    { name: "whatsapp", kind: "whatsapp.template", connector: "whatsapp", params: template, route: "POST https://graph.facebook.com/v21.0/1098765/messages", reply: json(200, { messaging_product: "whatsapp", contacts: [{ input: PHONE, wa_id: "919812345678" }], messages: [{ id: "wamid.HBgM1" }] }), auth: ["authorization", "Bearer wa-secret"], externalId: "wamid.HBgM1" },
    { name: "email", kind: "email.send", connector: "email", params: { to: "asha@example.in", subject: "Update", text: "Hi" }, route: "POST https://api.resend.com/emails", reply: json(200, { id: "re_1" }), auth: ["authorization", "Bearer re_secret"], externalId: "re_1" },
    { name: "shopify", kind: "shopify.tags_add", connector: "shopify", params: { resource: "order", id: "42", tags: ["delayed"] }, route: "POST https://acme.myshopify.com/admin/api/2026-07/graphql.json", reply: json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/42" }, userErrors: [] } } }), auth: ["x-shopify-access-token", "shpat_secret"], externalId: "gid://shopify/Order/42" },
    {
      name: "zoho", kind: "zoho.purchase_order_draft", connector: "zoho", params: { sku: "ACT-SKU-1", quantity: 10, expectedBy: null, note: "reorder" },
      route: "POST https://www.zohoapis.in/inventory/v1/purchaseorders?organization_id=60001", reply: json(201, { code: 0, message: "created", purchaseorder: { purchaseorder_id: "4600001" } }), auth: ["authorization", "Zoho-oauthtoken zoho-secret"], externalId: "4600001",
      setup: async () => {
        await env.DB.prepare(`INSERT OR IGNORE INTO inventory_records (source, sku, location_id, available, updated_at, source_id) VALUES ('zoho-inventory', 'ACT-SKU-1', 'wh1', 3, 0, '990011')`).run();
      },
    },
    { name: "gorgias", kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk: "gorgias", ticketId: "501", body: "context" }, route: "POST https://acme.gorgias.com/api/tickets/501/messages", reply: json(201, { id: 1 }), auth: ["authorization", `Basic ${btoa("ops@acme.in:g-secret")}`], externalId: null },
    { name: "freshdesk", kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk: "freshdesk", ticketId: "502", body: "context" }, route: "POST https://acme.freshdesk.com/api/v2/tickets/502/notes", reply: json(201, { id: 2 }), auth: ["authorization", `Basic ${btoa("f-secret:X")}`], externalId: "2" },
    { name: "zendesk", kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk: "zendesk", ticketId: "503", body: "context" }, route: "PUT https://acme.zendesk.com/api/v2/tickets/503.json", reply: json(200, { ticket: { id: 503 } }), auth: ["authorization", `Basic ${btoa("ops@acme.in/token:z-secret")}`], externalId: null },
    { name: "klaviyo", kind: "klaviyo.event", connector: "klaviyo", params: { metric: "Delivered", email: "asha@example.in", phone: null, properties: {}, time: "2026-05-01T00:00:00Z", uniqueId: "d:1" }, route: "POST https://a.klaviyo.com/api/events", reply: () => new Response(null, { status: 202 }), auth: ["authorization", "Klaviyo-API-Key pk_secret"], externalId: null },
    { name: "shiprocket", kind: "shiprocket.ndr_action", connector: "shiprocket", params: { awb: "SR777", action: "re-attempt", comments: "address confirmed" }, route: "POST https://apiv2.shiprocket.in/v1/external/ndr/SR777/action", reply: json(200, { status: true }), auth: ["authorization", "Bearer sr-secret"], externalId: null },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await c.setup?.();
      const id = await insertAction(c.kind, c.connector, c.params);
      const vendor = edge({ [c.route]: c.reply });
      const { result } = await deliver([id], { config: live, fetch: vendor.fetch });
      expect(vendor.unexpected).toEqual([]);
      expect(vendor.calls).toHaveLength(1);
      expect(vendor.calls[0]!.headers.get(c.auth[0])).toBe(c.auth[1]);
      expect(result.explicitAcks).toHaveLength(1);
      const r = await row(id);
      expect(r).toMatchObject({ status: "sent", attempts: 1, externalId: c.externalId });
      // The stored request is the one sent, minus the credential.
      expect(r!.request).not.toContain(c.auth[1]);
      expect(JSON.parse(r!.request!).url).toBe(c.route.slice(c.route.indexOf(" ") + 1));
      expect(await outcomes(id)).toEqual(["sent"]);
    });
  }
});

describe("retries and failures", () => {
  it("429 with Retry-After is retried after exactly that delay and keeps the action pending", async () => {
    const id = await insertAction("whatsapp.template", "whatsapp", template);
    const vendor = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": json(429, { error: { message: "Too many requests" } }, { "retry-after": "120" }) });
    const { batch, result, delays } = await deliver([id], { config: live, fetch: vendor.fetch });
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([batch.messages[0]!.id]);
    expect(delays).toEqual([120]);
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await outcomes(id)).toEqual(["throttled"]);
  });

  it("Shopify's cost throttle waits (requested − available) / restoreRate seconds", async () => {
    const id = await insertAction("shopify.tags_add", "shopify", { resource: "order", id: "43", tags: ["x"] });
    const vendor = edge({
      "POST https://acme.myshopify.com/admin/api/2026-07/graphql.json": json(200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: { cost: { requestedQueryCost: 310, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 10, restoreRate: 100 } } },
      }),
    });
    const { delays } = await deliver([id], { config: live, fetch: vendor.fetch });
    expect(delays).toEqual([3]);
  });

  it("500 every time → dead after the configured attempts, one request per attempt", async () => {
    const id = await insertAction("shiprocket.ndr_action", "shiprocket", { awb: "SR500", action: "return", comments: "refused" });
    const vendor = edge({ "POST https://apiv2.shiprocket.in/v1/external/ndr/SR500/action": json(500, { message: "upstream" }) });
    let clock = Date.now();
    const deps = { config: { ...live, maxAttempts: 4 }, fetch: vendor.fetch, now: () => clock, random: () => 0.5 };
    const delays: (number | undefined)[] = [];
    for (let i = 1; i <= 4; i++) {
      delays.push(...(await deliver([id], deps, i)).delays);
      clock += 3_600_000;
    }
    expect(vendor.calls).toHaveLength(4);
    // Exponential with jitter (random fixed at ½ → ¾ of 10, 20, 40 s).
    expect(delays).toEqual([8, 15, 30]);
    const r = await row(id);
    expect(r).toMatchObject({ status: "dead", attempts: 4 });
    expect(r!.lastError).toContain("gave up after 4 attempts");
    expect(await outcomes(id)).toEqual(["error", "error", "error", "dead"]);
    // A later redelivery of the same message sends nothing.
    await deliver([id], deps, 5);
    expect(vendor.calls).toHaveLength(4);
  });

  it("400 → failed with the vendor's message, no retry", async () => {
    const id = await insertAction("whatsapp.template", "whatsapp", template);
    const vendor = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": json(400, { error: { message: "(#132001) Template name does not exist in the translation", code: 132001 } }) });
    const { result, delays } = await deliver([id], { config: live, fetch: vendor.fetch });
    expect(result.retryMessages).toEqual([]);
    expect(delays).toEqual([]);
    const r = await row(id);
    expect(r).toMatchObject({ status: "failed" });
    expect(r!.lastError).toBe("HTTP 400: (#132001) Template name does not exist in the translation");
  });

  it("a stale changeFromQuantity is its own outcome, not a failure to retry", async () => {
    const id = await insertAction("shopify.inventory_set", "shopify", { sku: "S1", inventoryItemId: "1", locationId: "2", quantity: 4, compareQuantity: 9, reason: "correction" });
    const vendor = edge({
      "POST https://acme.myshopify.com/admin/api/2026-07/graphql.json": json(200, { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ field: ["input", "quantities", "0", "changeFromQuantity"], message: "The specified compare quantity does not match", code: "CHANGE_FROM_QUANTITY_STALE" }] } } }),
    });
    await deliver([id], { config: live, fetch: vendor.fetch });
    expect((vendor.calls[0]!.body as { query: string }).query).toContain("@idempotent(key: $idempotencyKey)");
    expect(await row(id)).toMatchObject({ status: "stale", lastError: "The specified compare quantity does not match" });
  });

  it("the same message delivered twice (in one batch and again later) sends once", async () => {
    const id = await insertAction("whatsapp.template", "whatsapp", template);
    const vendor = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": json(200, { messages: [{ id: "wamid.DUP" }] }) });
    const first = await deliver([id, id], { config: live, fetch: vendor.fetch });
    await deliver([id], { config: live, fetch: vendor.fetch }, 2);
    expect(vendor.calls).toHaveLength(1);
    expect(first.result.explicitAcks).toHaveLength(2);
    expect(await outcomes(id)).toEqual(["sent"]);
  });

  it("free text outside the 24-hour window fails with the reason; inside it is sent", async () => {
    const phone = `+9198${String(Date.now()).slice(-8)}`;
    const outside = await insertAction("whatsapp.text", "whatsapp", { to: phone, text: "Any update?" });
    const vendor = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": json(200, { messages: [{ id: "wamid.TXT" }] }) });
    await deliver([outside], { config: live, fetch: vendor.fetch });
    expect(vendor.calls).toHaveLength(0);
    expect((await row(outside))!.lastError).toContain("outside the 24-hour customer-service window");
    await env.DB.prepare(`INSERT INTO messages (id, channel, direction, phone, kind, text, status, occurred_at, source, source_id) VALUES (?, 'whatsapp', 'inbound', ?, 'text', 'hi', 'received', ?, 'whatsapp', ?)`)
      .bind(uid("msg"), phone, Date.now() - 3_600_000, uid("wamid"))
      .run();
    const inside = await insertAction("whatsapp.text", "whatsapp", { to: phone, text: "It ships today" });
    await deliver([inside], { config: live, fetch: vendor.fetch });
    expect(vendor.calls).toHaveLength(1);
    expect(await row(inside)).toMatchObject({ status: "sent", externalId: "wamid.TXT" });
  });

  it("a message the queue dead-lettered marks its action dead", async () => {
    const id = await insertAction("klaviyo.event", "klaviyo", { metric: "m", email: "a@b.in", phone: null, properties: {}, time: "2026-01-01T00:00:00Z", uniqueId: "u" });
    const batch = createMessageBatch<ActionMessage>("switchyard-actions-dlq", [{ id: `dlq-${id}`, timestamp: new Date(), attempts: 1, body: { actionId: id } }]);
    const ctx = createExecutionContext();
    await handleActionDeadLetters(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`dlq-${id}`]);
    expect(await row(id)).toMatchObject({ status: "dead", lastError: "retries exhausted in the actions queue" });
  });
});

describe("dry-run", () => {
  it("records the exact request without credentials and sends nothing", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const id = await insertAction("shiprocket.ndr_action", "shiprocket", { awb: "SRDRY", action: "re-attempt", comments: "c" });
    await deliver([id], { config: dry });
    expect(spy).not.toHaveBeenCalled();
    const r = await row(id);
    expect(r).toMatchObject({ status: "dry_run", attempts: 1 });
    expect(JSON.parse(r!.request!)).toEqual({
      method: "POST",
      url: "https://apiv2.shiprocket.in/v1/external/ndr/SRDRY/action",
      headers: { authorization: "[redacted]", "content-type": "application/json" },
      body: { action: "re-attempt", comments: "c" },
    });
  });
});

describe("WhatsApp status webhooks", () => {
  it("move a sent action to delivered then read, never back", async () => {
    const wamid = uid("wamid");
    const id = await insertAction("whatsapp.template", "whatsapp", template, { status: "sent", attempts: 1, externalId: wamid });
    expect(await applyMessageStatus(env.DB, wamid, "delivered", null, Date.now())).toBe(true);
    expect((await row(id))!.status).toBe("delivered");
    expect(await applyMessageStatus(env.DB, wamid, "read", null, Date.now())).toBe(true);
    expect(await applyMessageStatus(env.DB, wamid, "delivered", null, Date.now())).toBe(false);
    expect((await row(id))!.status).toBe("read");
  });
  it("a failed status records the vendor's error", async () => {
    const wamid = uid("wamid");
    const id = await insertAction("whatsapp.template", "whatsapp", template, { status: "sent", attempts: 1, externalId: wamid });
    await applyMessageStatus(env.DB, wamid, "failed", "131026: Message undeliverable", Date.now());
    expect(await row(id)).toMatchObject({ status: "failed", lastError: "131026: Message undeliverable" });
  });
});

describe("a batch of actions", () => {
  it("sends to vendors one at a time in message order, with the batch's loads grouped", async () => {
    const ids = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => insertAction("klaviyo.event", "klaviyo", { metric: "Shipped", email: `c${i}@example.in`, phone: null, properties: { n: i }, time: "2026-05-01T00:00:00Z", uniqueId: uid("u") })),
    );
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      order.push((JSON.parse(String(init.body)) as { data: { attributes: { properties: { n: number } } } }).data.attributes.properties.n);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= 1;
      return new Response(null, { status: 202 });
    };
    const meter = newMeter();
    const { result } = await deliver(ids, { config: live, fetch }, 1, meter);
    expect(result.explicitAcks).toHaveLength(ids.length);
    for (const id of ids) expect((await row(id))!.status).toBe("sent");
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(1);
    // Alone, an action is 3 round trips (load, claim, settle with its connector row); six together share
    // their loads (one round trip), while each claim and settle stays in its own turn (crash-safe, below).
    const solo = newMeter();
    const one = await insertAction("klaviyo.event", "klaviyo", { metric: "Shipped", email: "solo@example.in", phone: null, properties: { n: 6 }, time: "2026-05-01T00:00:00Z", uniqueId: uid("u") });
    await deliver([one], { config: live, fetch }, 1, solo);
    console.log(`D1 round trips: ${solo.d1RoundTrips} for one action alone, ${meter.d1RoundTrips} for six in one batch`);
    expect(solo.d1RoundTrips).toBeGreaterThan(0);
    expect(meter.d1RoundTrips).toBeLessThanOrEqual(1 + 2 * ids.length);
    expect(meter.d1RoundTrips).toBeLessThan(solo.d1RoundTrips * ids.length);
  });
});

describe("a batch of actions, crash-safe", () => {
  it("claims one action at a time: during each vendor call only that one is sending, and the ones before it are recorded", async () => {
    const ids = await Promise.all(
      [0, 1, 2, 3].map((i) => insertAction("klaviyo.event", "klaviyo", { metric: "Shipped", email: `s${i}@example.in`, phone: null, properties: { n: i }, time: "2026-05-01T00:00:00Z", uniqueId: uid("u") })),
    );
    const seen: string[][] = [];
    const fetch = async (): Promise<Response> => {
      const rows = await env.DB.prepare(`SELECT id, status FROM actions WHERE id IN (?, ?, ?, ?)`).bind(...ids).all<{ id: string; status: string }>();
      const byId = new Map(rows.results.map((r) => [r.id, r.status]));
      seen.push(ids.map((id) => byId.get(id)!));
      return new Response(null, { status: 202 });
    };
    const { result } = await deliver(ids, { config: live, fetch });
    expect(result.explicitAcks).toHaveLength(ids.length);
    // A crash mid-batch strands at most one claimed action behind its lease, not the whole batch.
    expect(seen).toEqual([
      ["sending", "pending", "pending", "pending"],
      ["sent", "sending", "pending", "pending"],
      ["sent", "sent", "sending", "pending"],
      ["sent", "sent", "sent", "sending"],
    ]);
  });
});

describe("outbox", () => {
  it("enqueues once per idempotency key, and the real queue runs it in dry-run", async () => {
    const prefix = uid("dec");
    const input = { decisionId: prefix, subjectType: "order", subjectId: uid("o"), specs: [{ kind: "shiprocket.ndr_action" as const, connector: "shiprocket" as const, params: { awb: "SRQ", action: "return" as const, comments: "x" } }], keyPrefix: prefix };
    const [id] = await enqueueActions(env, input, Date.now());
    expect(await enqueueActions(env, input, Date.now())).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, prefix)).toBe(1);
    await vi.waitFor(async () => expect((await row(id!))!.status).toBe("dry_run"), { timeout: 5000, interval: 50 });
  });
  it("holds a decision's customer messages for quiet hours, not its other actions", async () => {
    const prefix = uid("quiet");
    const now = Date.now();
    const morning = now + 2 * 3_600_000;
    const sendBatch = vi.spyOn(env.ACTIONS, "sendBatch");
    // A high-risk COD order decided at night: the question to the customer, and the fulfilment hold.
    const specs: ActionSpec[] = [
      { kind: "whatsapp.template", connector: "whatsapp", params: { to: "+919845000111", template: "cod_confirm", language: "en", bodyParams: ["Asha", "#1001", "₹2,499"], buttons: [] } },
      { kind: "shopify_fulfillment_hold", connector: "shopify", params: { orderId: "6001", reason: "HIGH_RISK_OF_FRAUD", note: "COD risk high: confirm with the customer first" } },
    ];
    const ids = await enqueueActions(env, { decisionId: prefix, subjectType: "order", subjectId: uid("o"), specs, keyPrefix: prefix, notBefore: morning }, now);
    expect(ids).toHaveLength(2);
    const due = await env.DB.prepare(`SELECT kind, next_attempt_at AS dueAt FROM actions WHERE decision_id = ? ORDER BY kind`).bind(prefix).all<{ kind: string; dueAt: number }>();
    // The hold goes now (the warehouse must not ship it tonight); the WhatsApp waits for the end of quiet hours.
    expect(due.results).toEqual([{ kind: "shopify_fulfillment_hold", dueAt: now }, { kind: "whatsapp.template", dueAt: morning }]);
    const sent = sendBatch.mock.calls.flatMap((c) => c[0] as { body: { actionId: string }; delaySeconds?: number }[]);
    expect(sent.map((m) => m.delaySeconds ?? 0).sort((a, b) => a - b)).toEqual([0, 7200]);
  });

  it("leaves actions due beyond the queue's 12 h delay for the sweep", async () => {
    const prefix = uid("late");
    const now = Date.now();
    const send = vi.spyOn(env.ACTIONS, "send");
    const sendBatch = vi.spyOn(env.ACTIONS, "sendBatch");
    // A customer message held 13 h (only customer messages wait for `notBefore`: quiet hours).
    const [id] = await enqueueActions(env, { decisionId: prefix, subjectType: "order", subjectId: "o", specs: [{ kind: "whatsapp.template", connector: "whatsapp", params: { to: "+919845000112", template: "order_shipped", language: "en", bodyParams: [], buttons: [] } }], keyPrefix: prefix, notBefore: now + 13 * 3_600_000 }, now);
    expect(send).not.toHaveBeenCalled();
    expect(sendBatch).not.toHaveBeenCalled();
    expect(await requeueDueActions(env, now + 14 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(send).toHaveBeenCalledWith({ actionId: id });
  });
});

describe("API", () => {
  it("lists with filters, shows one with its attempts, and retries a failed one", async () => {
    const decision = uid("dec");
    const failed = await insertAction("shiprocket.ndr_action", "shiprocket", { awb: "SRAPI", action: "return", comments: "c" }, { status: "failed", attempts: 1, decisionId: decision });
    const sent = await insertAction("klaviyo.event", "klaviyo", { metric: "m", email: null, phone: null, properties: {}, time: "2026-01-01T00:00:00Z", uniqueId: "u" }, { status: "sent", attempts: 1, decisionId: decision });
    await env.DB.prepare(`INSERT INTO action_attempts (id, action_id, attempt, outcome, http_status, error, at) VALUES (?, ?, 1, 'failed', 400, 'bad awb', ?)`).bind(uid("att"), failed, Date.now()).run();

    const list = (await (await api(`/api/actions?decision=${decision}&status=failed`)).json()) as { actions: { id: string; attempts: unknown[]; attemptCount: number }[] };
    expect(list.actions.map((a) => a.id)).toEqual([failed]);
    expect(list.actions[0]!.attempts).toMatchObject([{ attempt: 1, outcome: "failed", httpStatus: 400, error: "bad awb" }]);
    const byConnector = (await (await api(`/api/actions?decision=${decision}&connector=klaviyo`)).json()) as { actions: { id: string }[] };
    expect(byConnector.actions.map((a) => a.id)).toEqual([sent]);
    expect((await api(`/api/actions?status=bogus`)).status).toBe(400);

    const one = (await (await api(`/api/actions/${failed}`)).json()) as { action: { status: string; params: unknown } };
    expect(one.action).toMatchObject({ status: "failed", params: { awb: "SRAPI" } });
    expect((await api(`/api/actions/nope-${decision}`)).status).toBe(404);

    expect((await api(`/api/actions/${sent}/retry`, { method: "POST" })).status).toBe(409);
    expect((await api(`/api/actions/${failed}/retry`, { method: "POST" })).status).toBe(202);
    // The real queue may already have run it (dry-run here); what matters is that it left "failed" and kept its history.
    expect((await row(failed))!.status).not.toBe("failed");
    expect(await count(`SELECT count(*) AS n FROM action_attempts WHERE action_id = ? AND outcome = 'failed'`, failed)).toBe(1);
  });
});
