/**
 * COD answers reach Shopify (issue 19): the customer's Confirm/Cancel, silence past the timeout and a paid
 * Razorpay link each become outbox actions whose Shopify requests match Shopify's Admin GraphQL reference
 * (query document and variables), executed once even when the webhook or the queue message is redelivered.
 * Real workerd, D1, queues and Durable Objects; Shopify and Razorpay mocked at the network edge.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import paidFixture from "../fixtures/vendor/razorpay/payment_link-paid.json";
import { codShopifyKey } from "../../src/canonical/vocabulary";
import { configFromEnv, type ConnectorConfig } from "../../src/connectors/config";
import { COD_HOLD_HANDLE, FULFILLMENT_ORDER_HOLD, FULFILLMENT_ORDER_RELEASE_HOLD, FULFILLMENT_ORDERS_QUERY, ORDER_CANCEL, ORDER_MARK_AS_PAID } from "../../src/connectors/shopify-cod";
import { onJourneyTimer } from "../../src/jobs/journey-timers";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { settleDecision } from "../../src/pipeline/review";
import { handleActionsBatch, type ActionMessage, type ActionsDeps } from "../../src/queues/actions";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { api, count, postOrder, putPolicy, waitProcessed } from "../helpers/runtime";
import { postShiprocket, postWhatsapp, shiprocketTracking } from "../helpers/vendors";

afterEach(() => vi.restoreAllMocks());

const SHOPIFY_URL = "https://acme.myshopify.com/admin/api/2026-07/graphql.json";
const CREDENTIALS = { SHOPIFY_SHOP_DOMAIN: "acme.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_secret", RAZORPAY_KEY_ID: "rzp_test_key", RAZORPAY_KEY_SECRET: "rzp-secret" };
const live: ConnectorConfig = configFromEnv({ ...env, ...CREDENTIALS } as Env);
const H = 3_600_000;

const TAGS_ADD_DOC = `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}`;

type Call = { url: string; headers: Headers; body: { query: string; variables: Record<string, unknown> } | Record<string, unknown> };

/** A vendor edge that answers by GraphQL operation (or URL) and fails on anything it was not told about. */
function edge(answer: (call: Call) => Response | null) {
  const calls: Call[] = [];
  const unexpected: string[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const call: Call = { url, headers: new Headers(init.headers), body: init.body ? JSON.parse(String(init.body)) : {} };
    calls.push(call);
    const res = answer(call);
    if (!res) {
      unexpected.push(`${init.method} ${url} ${String((call.body as { query?: string }).query ?? "").slice(0, 40)}`);
      throw new Error("unexpected request");
    }
    return res;
  };
  return { fetch, calls, unexpected };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const op = (c: Call) => String((c.body as { query?: string }).query ?? "");

/** A new COD order high enough to be asked, with a phone: the confirmation question goes out. */
async function codOrder(opts: { customerId?: number } = {}) {
  const id = uniqueId();
  const phone = `+9198${String(id).slice(-8)}`;
  const at = new Date(Date.now() - 10 * 60_000).toISOString();
  const order = indianOrder({ id, totalPrice: "2750.00", phone, createdAt: at, updatedAt: at, ...(opts.customerId ? { customerId: opts.customerId } : {}) });
  await postOrder(order);
  return { id: String(id), name: String(order.name), phone };
}

/** The customer's quick-reply button, as Meta delivers it (the same message id when redelivered). */
async function pressButton(phone: string, payload: string, messageId = `wamid.${uniqueId()}`) {
  const fixture = (await import("../fixtures/vendor/whatsapp/inbound-template-quick_reply-button.json")).default;
  const p = structuredClone(fixture) as any;
  const value = p.entry[0].changes[0].value;
  value.contacts[0].wa_id = phone.slice(1);
  Object.assign(value.messages[0], { from: phone.slice(1), id: messageId, timestamp: String(Math.floor(Date.now() / 1000) - 30), button: { payload, text: "x" } });
  await postWhatsapp(p);
  return messageId;
}

async function decisionsFor(key: string) {
  return (await env.DB.prepare(`SELECT id, mode, reasons FROM decisions WHERE dedupe_key = ?`).bind(key).all<{ id: string; mode: string; reasons: string }>()).results;
}

async function actionsOf(decisionId: string) {
  return (await env.DB.prepare(`SELECT id, kind, connector, params, status, request FROM actions WHERE decision_id = ? ORDER BY idempotency_key`).bind(decisionId).all<{ id: string; kind: string; connector: string; params: string; status: string; request: string | null }>()).results;
}

let seq = 0;
/** A fresh outbox row with a decision's action: the queue in this test environment ran the original in dry-run. */
async function copyAction(a: { kind: string; connector: string; params: string }): Promise<string> {
  const id = `act-cod-${Date.now().toString(36)}-${++seq}`;
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, ?, ?, ?, 'pending', 0, ?, ?, 'order', 'x', ?, ?)`,
  ).bind(id, a.connector, a.kind, `test:${id}`, now, a.params, now, now).run();
  return id;
}

async function deliver(actionId: string, deps: ActionsDeps, msgId = `m-${actionId}`) {
  const batch = createMessageBatch<ActionMessage>("switchyard-actions", [{ id: msgId, timestamp: new Date(), attempts: 1, body: { actionId } }]);
  const ctx = createExecutionContext();
  const delays: (number | undefined)[] = [];
  const m = batch.messages[0]!;
  const original = m.retry.bind(m);
  vi.spyOn(m, "retry").mockImplementation((opts?: QueueRetryOptions) => {
    delays.push(opts?.delaySeconds);
    original(opts);
  });
  await handleActionsBatch(batch, env, deps);
  return { result: await getQueueResult(batch, ctx), delays };
}

const row = (id: string) => env.DB.prepare(`SELECT status, attempts, last_error AS lastError, external_id AS externalId FROM actions WHERE id = ?`).bind(id).first<{ status: string; attempts: number; lastError: string | null; externalId: string | null }>();

/** Shopify answering the fulfillment-orders read of `orderId`. */
function fulfillmentOrders(orderId: string, nodes: unknown[]) {
  return json(200, { data: { order: { id: `gid://shopify/Order/${orderId}`, fulfillmentOrders: { nodes } } }, extensions: { cost: { requestedQueryCost: 12, actualQueryCost: 6, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1994, restoreRate: 100 } } } });
}

describe("Confirm reaches Shopify", () => {
  it("tags cod-confirmed and releases only Switchyard's hold, once, also when the button webhook is redelivered", async () => {
    const o = await codOrder();
    const messageId = await pressButton(o.phone, `cod:confirm:${o.name}`);
    await pressButton(o.phone, `cod:confirm:${o.name}`, messageId); // Meta redelivers the same message
    const decisions = await decisionsFor(codShopifyKey(o.id, "confirmed"));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.mode).toBe("live");
    const actions = await actionsOf(decisions[0]!.id);
    expect(actions.map((a) => a.kind)).toEqual(["shopify.tags_add", "shopify_release_hold"]);

    const tag = await copyAction(actions[0]!);
    const release = await copyAction(actions[1]!);
    const vendor = edge((c) => {
      if (c.url !== SHOPIFY_URL) return null;
      if (op(c) === TAGS_ADD_DOC) return json(200, { data: { tagsAdd: { node: { id: `gid://shopify/Order/${o.id}` }, userErrors: [] } } });
      if (op(c) === FULFILLMENT_ORDERS_QUERY)
        return fulfillmentOrders(o.id, [
          { id: "gid://shopify/FulfillmentOrder/7001", status: "ON_HOLD", fulfillmentHolds: [{ id: "gid://shopify/FulfillmentHold/91", handle: COD_HOLD_HANDLE, heldByRequestingApp: true }, { id: "gid://shopify/FulfillmentHold/92", handle: "fraud-app", heldByRequestingApp: false }] },
          { id: "gid://shopify/FulfillmentOrder/7002", status: "CLOSED", fulfillmentHolds: [] },
        ]);
      if (op(c) === FULFILLMENT_ORDER_RELEASE_HOLD) return json(200, { data: { fulfillmentOrderReleaseHold: { fulfillmentOrder: { id: "gid://shopify/FulfillmentOrder/7001", status: "ON_HOLD" }, userErrors: [] } } });
      return null;
    });
    await deliver(tag, { config: live, fetch: vendor.fetch });
    await deliver(release, { config: live, fetch: vendor.fetch });
    // The queue redelivers both messages: nothing is sent again.
    await deliver(tag, { config: live, fetch: vendor.fetch }, "again-1");
    await deliver(release, { config: live, fetch: vendor.fetch }, "again-2");

    expect(vendor.unexpected).toEqual([]);
    expect(vendor.calls.map((c) => (c.body as { variables: unknown }).variables)).toEqual([
      { id: `gid://shopify/Order/${o.id}`, tags: ["cod-confirmed"] },
      { id: `gid://shopify/Order/${o.id}` },
      { id: "gid://shopify/FulfillmentOrder/7001", holdIds: ["gid://shopify/FulfillmentHold/91"] },
    ]);
    expect(vendor.calls.every((c) => c.headers.get("x-shopify-access-token") === "shpat_secret")).toBe(true);
    expect(await row(tag)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await row(release)).toMatchObject({ status: "sent", attempts: 1, externalId: "gid://shopify/FulfillmentOrder/7001" });
  });
});

describe("Cancel reaches Shopify", () => {
  it("orderCancel with restock, reason CUSTOMER and the customer notified, plus the tag; held for approval by default (issue 20)", async () => {
    const o = await codOrder();
    const messageId = await pressButton(o.phone, `cod:cancel:${o.name}`);
    await pressButton(o.phone, `cod:cancel:${o.name}`, messageId);
    const decisions = await decisionsFor(codShopifyKey(o.id, "cancelled"));
    expect(decisions).toHaveLength(1);
    // approvals.codHolds (default on): a COD cancellation waits on the "needs you" queue, nothing in the outbox.
    expect(decisions[0]!.mode).toBe("approve");
    expect(JSON.parse(decisions[0]!.reasons)).toContain("cancelling a COD order in Shopify waits for approval");
    expect(await actionsOf(decisions[0]!.id)).toEqual([]);
    // A person approves on the "needs you" queue: the held actions enter the outbox once.
    expect(await settleDecision(env, decisions[0]!.id, { verdict: "approved", by: "ops@vanaspati.in", note: null }, DEFAULT_POLICY, Date.now())).toMatchObject({ ok: true, queued: 2 });
    expect(await settleDecision(env, decisions[0]!.id, { verdict: "approved", by: "ops@vanaspati.in", note: null }, DEFAULT_POLICY, Date.now())).toEqual({ ok: false, reason: "not_waiting" });
    const approved = await actionsOf(decisions[0]!.id);
    expect(approved.map((a) => a.kind)).toEqual(["shopify_order_cancel", "shopify.tags_add"]);
    expect(JSON.parse(approved[1]!.params)).toEqual({ resource: "order", id: o.id, tags: ["cod-cancelled"] });

    const cancel = await copyAction(approved[0]!);
    const vendor = edge((c) =>
      c.url === SHOPIFY_URL && op(c) === ORDER_CANCEL ? json(200, { data: { orderCancel: { job: { id: "gid://shopify/Job/5a1c", done: false }, orderCancelUserErrors: [] } } }) : null,
    );
    await deliver(cancel, { config: live, fetch: vendor.fetch });
    await deliver(cancel, { config: live, fetch: vendor.fetch }, "again");
    expect(vendor.unexpected).toEqual([]);
    expect(vendor.calls).toHaveLength(1);
    expect((vendor.calls[0]!.body as { variables: unknown }).variables).toEqual({
      orderId: `gid://shopify/Order/${o.id}`,
      notifyCustomer: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      restock: true,
      reason: "CUSTOMER",
      staffNote: "Customer cancelled on WhatsApp (COD confirmation)",
    });
    // Asynchronous in Shopify: the job is what comes back.
    expect(await row(cancel)).toMatchObject({ status: "sent", attempts: 1, externalId: "gid://shopify/Job/5a1c" });
  });

  it("with approvals.codHolds off the cancel and the tag go straight to the outbox", async () => {
    await putPolicy({ approvals: { codHolds: false } });
    try {
      const o = await codOrder();
      await pressButton(o.phone, `cod:cancel:${o.name}`);
      const [d] = await decisionsFor(codShopifyKey(o.id, "cancelled"));
      expect(d!.mode).toBe("live");
      const actions = await actionsOf(d!.id);
      expect(actions.map((a) => a.kind)).toEqual(["shopify_order_cancel", "shopify.tags_add"]);
      expect(JSON.parse(actions[1]!.params)).toEqual({ resource: "order", id: o.id, tags: ["cod-cancelled"] });
      // Without Shopify credentials (this environment) the connector ran in dry-run: the request is recorded, nothing sent.
      await vi.waitFor(async () => expect((await actionsOf(d!.id)).map((a) => a.status)).toEqual(["dry_run", "dry_run"]), { timeout: 5000 });
      const recorded = JSON.parse((await actionsOf(d!.id))[0]!.request!);
      expect(recorded.body.query).toBe(ORDER_CANCEL);
      expect(recorded.body.variables).toMatchObject({ orderId: `gid://shopify/Order/${o.id}`, reason: "CUSTOMER", restock: true, notifyCustomer: true });
    } finally {
      await putPolicy({ approvals: { codHolds: true } });
    }
  });
});

describe("Shopify's refusals and limits, as Shopify answers them", () => {
  const cancelParams = JSON.stringify({ orderId: "5550001", reason: "CUSTOMER", restock: true, notifyCustomer: true, staffNote: "x" });

  it("orderCancelUserErrors (INVALID) fail the action with Shopify's words, no retry", async () => {
    const id = await copyAction({ kind: "shopify_order_cancel", connector: "shopify", params: cancelParams });
    const vendor = edge(() => json(200, { data: { orderCancel: { job: null, orderCancelUserErrors: [{ field: ["orderId"], message: "Cannot cancel an order that has already been fulfilled", code: "INVALID" }] } } }));
    const { result } = await deliver(id, { config: live, fetch: vendor.fetch });
    expect(result.retryMessages).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 1, lastError: "orderCancel: Cannot cancel an order that has already been fulfilled (INVALID)" });
  });

  it("orderCancel INTERNAL_ERROR and a 503 are retried; a 429 waits its Retry-After without spending the budget", async () => {
    const internal = await copyAction({ kind: "shopify_order_cancel", connector: "shopify", params: cancelParams });
    const a = await deliver(internal, { config: live, fetch: edge(() => json(200, { data: { orderCancel: { job: null, orderCancelUserErrors: [{ field: null, message: "Unexpected internal error happened", code: "INTERNAL_ERROR" }] } } })).fetch, random: () => 0 });
    expect(a.result.retryMessages).toHaveLength(1);
    expect(await row(internal)).toMatchObject({ status: "pending" });

    const down = await copyAction({ kind: "shopify_mark_paid", connector: "shopify", params: JSON.stringify({ orderId: "5550002" }) });
    const b = await deliver(down, { config: live, fetch: edge(() => json(503, { errors: "Service Unavailable" })).fetch, random: () => 0 });
    expect(b.result.retryMessages).toHaveLength(1);
    expect(await row(down)).toMatchObject({ status: "pending", lastError: "HTTP 503: Service Unavailable" });

    const limited = await copyAction({ kind: "shopify_release_hold", connector: "shopify", params: JSON.stringify({ orderId: "5550003" }) });
    const c = await deliver(limited, { config: live, fetch: edge(() => json(429, { errors: "Exceeded 2 calls per second for api client." }, { "retry-after": "2" })).fetch });
    expect(c.delays).toEqual([2]);
    expect(await row(limited)).toMatchObject({ status: "pending" });
    expect((await env.DB.prepare(`SELECT outcome FROM action_attempts WHERE action_id = ?`).bind(limited).all<{ outcome: string }>()).results.map((r) => r.outcome)).toEqual(["throttled"]);
  });

  it("a GraphQL cost throttle on the fulfillment-orders read waits for the bucket; a hold userError fails", async () => {
    const held = await copyAction({ kind: "shopify_fulfillment_hold", connector: "shopify", params: JSON.stringify({ orderId: "5550004", reason: "OTHER", note: "n" }) });
    const throttled = edge(() => json(200, { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost: { requestedQueryCost: 502, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 } } } }));
    const t = await deliver(held, { config: live, fetch: throttled.fetch });
    expect(t.delays).toEqual([5]);

    const refused = await copyAction({ kind: "shopify_fulfillment_hold", connector: "shopify", params: JSON.stringify({ orderId: "5550005", reason: "OTHER", note: "n" }) });
    const vendor = edge((c) =>
      op(c) === FULFILLMENT_ORDERS_QUERY
        ? fulfillmentOrders("5550005", [{ id: "gid://shopify/FulfillmentOrder/8001", status: "OPEN", fulfillmentHolds: [] }])
        : json(200, { data: { fulfillmentOrderHold: { fulfillmentHold: null, fulfillmentOrder: null, userErrors: [{ field: ["id"], message: "The fulfillment order's assigned fulfillment service does not support holds", code: "FULFILLMENT_ORDER_NOT_FOUND" }] } } }),
    );
    await deliver(refused, { config: live, fetch: vendor.fetch });
    expect(await row(refused)).toMatchObject({ status: "failed", lastError: expect.stringContaining("fulfillmentOrderHold: The fulfillment order's assigned fulfillment service does not support holds") });
  });
});

describe("No answer by the timeout", () => {
  async function timeoutTimer(orderId: string) {
    const askedAt = Number((await env.DB.prepare(`SELECT created_at AS at FROM decisions WHERE dedupe_key = ?`).bind(`cod_confirmation:order:${orderId}:request`).first<{ at: number }>())!.at);
    return { timer: { orderId, kind: "cod_timeout" as const, key: `cod_timeout:${askedAt}`, dueAt: askedAt + 24 * H, stateAt: askedAt }, askedAt };
  }

  it("puts a hold the warehouse sees on each open fulfillment order, alerts ops, reminds the customer; the hold waits for approval by default", async () => {
    const o = await codOrder();
    const { timer, askedAt } = await timeoutTimer(o.id);
    await onJourneyTimer(env, timer, askedAt + 25 * H);
    await onJourneyTimer(env, timer, askedAt + 25 * H + 60_000); // the timer handed over twice

    const [timeout] = await decisionsFor(`cod_confirmation:order:${o.id}:timeout`);
    expect(timeout!.mode).toBe("approve");
    const listed = await (await api(`/api/decisions?type=cod_confirmation&subject=order:${o.id}`)).json<{ decisions: { actions: { kind: string; params: Record<string, unknown> }[] }[] }>();
    const holdDecision = listed.decisions.find((d) => d.actions.some((a) => a.kind === "shopify_fulfillment_hold"))!;
    expect(holdDecision.actions.map((a) => a.kind)).toEqual(["shopify.tags_add", "shopify_fulfillment_hold", "email.ops_alert"]);
    const hold = holdDecision.actions[1]!.params;
    expect(hold).toEqual({ orderId: o.id, reason: "OTHER", note: "COD order not confirmed by the customer: do not ship until Switchyard releases this hold" });

    // The second reminder is its own decision: it goes out while the hold waits for a person.
    const [reminder] = await decisionsFor(codShopifyKey(o.id, "reminder"));
    expect(reminder!.mode).toBe("live");
    const sent = await actionsOf(reminder!.id);
    expect(sent.map((a) => [a.kind, JSON.parse(a.params).template, JSON.parse(a.params).to])).toEqual([["whatsapp.template", "cod_confirm_reminder", o.phone]]);
    expect(JSON.parse(sent[0]!.params).buttons.map((b: { param: string }) => b.param)).toEqual([`cod:confirm:${o.name}`, `cod:cancel:${o.name}`]);
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE dedupe_key LIKE ?`, `cod_confirmation:order:${o.id}:%`)).toBe(3);

    // Executed (once approved): one fulfillmentOrderHold per open fulfillment order, with the policy's reason and note.
    const action = await copyAction({ kind: "shopify_fulfillment_hold", connector: "shopify", params: JSON.stringify(hold) });
    const vendor = edge((c) => {
      if (op(c) === FULFILLMENT_ORDERS_QUERY)
        return fulfillmentOrders(o.id, [
          { id: "gid://shopify/FulfillmentOrder/9001", status: "OPEN", fulfillmentHolds: [] },
          { id: "gid://shopify/FulfillmentOrder/9002", status: "CLOSED", fulfillmentHolds: [] },
        ]);
      if (op(c) === FULFILLMENT_ORDER_HOLD) return json(200, { data: { fulfillmentOrderHold: { fulfillmentHold: { id: "gid://shopify/FulfillmentHold/31", handle: COD_HOLD_HANDLE }, fulfillmentOrder: { id: "gid://shopify/FulfillmentOrder/9001", status: "ON_HOLD" }, userErrors: [] } } });
      return null;
    });
    await deliver(action, { config: live, fetch: vendor.fetch });
    await deliver(action, { config: live, fetch: vendor.fetch }, "again");
    expect(vendor.unexpected).toEqual([]);
    expect(vendor.calls.map((c) => (c.body as { variables: unknown }).variables)).toEqual([
      { id: `gid://shopify/Order/${o.id}` },
      {
        fulfillmentHold: { reason: "OTHER", reasonNotes: "COD order not confirmed by the customer: do not ship until Switchyard releases this hold", notifyMerchant: true, handle: COD_HOLD_HANDLE },
        id: "gid://shopify/FulfillmentOrder/9001",
      },
    ]);
    expect(await row(action)).toMatchObject({ status: "sent", externalId: "gid://shopify/FulfillmentHold/31" });
  });

  it("a retried hold after a partial success places no second hold on a fulfillment order that has Switchyard's", async () => {
    const action = await copyAction({ kind: "shopify_fulfillment_hold", connector: "shopify", params: JSON.stringify({ orderId: "5551001", reason: "OTHER", note: "n" }) });
    const vendor = edge((c) =>
      op(c) === FULFILLMENT_ORDERS_QUERY
        ? fulfillmentOrders("5551001", [{ id: "gid://shopify/FulfillmentOrder/9101", status: "ON_HOLD", fulfillmentHolds: [{ id: "gid://shopify/FulfillmentHold/41", handle: COD_HOLD_HANDLE, heldByRequestingApp: true }] }])
        : null,
    );
    await deliver(action, { config: live, fetch: vendor.fetch });
    expect(vendor.unexpected).toEqual([]);
    expect(vendor.calls).toHaveLength(1);
    expect(await row(action)).toMatchObject({ status: "sent" });
  });

  it("auto-cancels only when the policy says so, after the further timeout, and that cancel waits for approval", async () => {
    const o = await codOrder();
    const { timer, askedAt } = await timeoutTimer(o.id);
    expect(await onJourneyTimer(env, timer, askedAt + 25 * H)).toBeUndefined(); // default policy: no auto-cancel, no timer back
    expect(await decisionsFor(codShopifyKey(o.id, "auto_cancel"))).toHaveLength(0);

    await putPolicy({ cod_shopify: { autoCancel: true, autoCancelAfterHours: 12 } });
    try {
      const o2 = await codOrder();
      const t2 = await timeoutTimer(o2.id);
      const back = await onJourneyTimer(env, t2.timer, t2.askedAt + 25 * H);
      expect(back).toEqual({ retryAt: t2.askedAt + 24 * H + 12 * H });
      expect(await decisionsFor(codShopifyKey(o2.id, "auto_cancel"))).toHaveLength(0);
      await onJourneyTimer(env, t2.timer, t2.askedAt + 37 * H);
      await onJourneyTimer(env, t2.timer, t2.askedAt + 37 * H + 1000);
      const cancels = await decisionsFor(codShopifyKey(o2.id, "auto_cancel"));
      expect(cancels).toHaveLength(1);
      expect(cancels[0]!.mode).toBe("approve");
      const listed = await (await api(`/api/decisions?type=cod_confirmation&subject=order:${o2.id}`)).json<{ decisions: { actions: { kind: string; params: Record<string, unknown> }[] }[] }>();
      const cancel = listed.decisions.flatMap((d) => d.actions).find((a) => a.kind === "shopify_order_cancel")!;
      expect(cancel.params).toEqual({ orderId: o2.id, reason: "OTHER", restock: true, notifyCustomer: true, staffNote: "COD order never confirmed by the customer (Switchyard auto-cancel)" });
    } finally {
      await putPolicy({ cod_shopify: { autoCancel: false, autoCancelAfterHours: 24 } });
    }
  });
});

async function razorpaySignature(body: string, secret = "test-razorpay-webhook-secret"): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function paidEvent(orderRef: string, amount = 261_250) {
  const p = structuredClone(paidFixture) as any;
  p.payload.payment_link.entity.reference_id = orderRef;
  p.payload.payment_link.entity.amount = p.payload.payment_link.entity.amount_paid = amount;
  p.payload.payment.entity.amount = amount;
  p.payload.payment.entity.id = `pay_${uniqueId()}`;
  p.payload.payment.entity.created_at = Math.floor(Date.now() / 1000) - 60;
  return p;
}

async function postRazorpay(body: string, headers: Record<string, string>) {
  return SELF.fetch("https://switchyard.test/webhooks/razorpay", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("Razorpay webhook and paid-by-link", () => {
  it("refuses a bad or missing X-Razorpay-Signature with 401 and stores nothing", async () => {
    const body = JSON.stringify(paidEvent("999"));
    const eventId = `evt_${uniqueId()}`;
    expect((await postRazorpay(body, { "x-razorpay-signature": await razorpaySignature(body, "wrong-secret"), "x-razorpay-event-id": eventId })).status).toBe(401);
    expect((await postRazorpay(body, { "x-razorpay-event-id": eventId })).status).toBe(401);
    // Signed over other bytes (the body re-serialised) is not the body Razorpay sent.
    expect((await postRazorpay(body, { "x-razorpay-signature": await razorpaySignature(JSON.stringify(JSON.parse(body), null, 1)), "x-razorpay-event-id": eventId })).status).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE source = 'razorpay' AND delivery_id = ?`, `event:${eventId}`)).toBe(0);
  });

  it("payment_link.paid → orderMarkAsPaid, tag cod-converted, release the hold; a replay answers 200 with no second effect", async () => {
    const o = await codOrder();
    const body = JSON.stringify(paidEvent(o.id));
    const headers = { "x-razorpay-signature": await razorpaySignature(body), "x-razorpay-event-id": `evt_${uniqueId()}` };
    const first = await postRazorpay(body, headers);
    expect(first.status).toBe(200);
    const { id, duplicate } = await first.json<{ id: string; duplicate: boolean }>();
    expect(duplicate).toBe(false);
    await waitProcessed(id);
    const replay = await postRazorpay(body, headers);
    expect(replay.status).toBe(200);
    expect(await replay.json<{ id: string; duplicate: boolean }>()).toMatchObject({ id, duplicate: true });

    const decisions = await decisionsFor(codShopifyKey(o.id, "paid"));
    expect(decisions).toHaveLength(1);
    const actions = await actionsOf(decisions[0]!.id);
    expect(actions.map((a) => a.kind)).toEqual(["shopify_mark_paid", "shopify.tags_add", "shopify_release_hold"]);
    expect(JSON.parse(actions[1]!.params)).toEqual({ resource: "order", id: o.id, tags: ["cod-converted"] });
    // The COD question is answered: the journey is confirmed, so the timeout has nothing to hold.
    expect((await (await api(`/api/orders/${o.id}`)).json<any>()).journey.state).toBe("confirmed");

    const markPaid = await copyAction(actions[0]!);
    const vendor = edge((c) => (op(c) === ORDER_MARK_AS_PAID ? json(200, { data: { orderMarkAsPaid: { order: { id: `gid://shopify/Order/${o.id}`, displayFinancialStatus: "PAID" }, userErrors: [] } } }) : null));
    await deliver(markPaid, { config: live, fetch: vendor.fetch });
    await deliver(markPaid, { config: live, fetch: vendor.fetch }, "again");
    expect(vendor.calls).toHaveLength(1);
    expect((vendor.calls[0]!.body as { variables: unknown }).variables).toEqual({ input: { id: `gid://shopify/Order/${o.id}` } });
    expect(await row(markPaid)).toMatchObject({ status: "sent", externalId: `gid://shopify/Order/${o.id}` });
  });

  it("a paid link for an order Switchyard does not know is stored and processed, and does nothing in Shopify", async () => {
    const ref = `unknown-${uniqueId()}`;
    const body = JSON.stringify(paidEvent(ref));
    const res = await postRazorpay(body, { "x-razorpay-signature": await razorpaySignature(body), "x-razorpay-event-id": `evt_${uniqueId()}` });
    expect(res.status).toBe(200);
    const { id } = await res.json<{ id: string }>();
    await waitProcessed(id);
    expect((await env.DB.prepare(`SELECT status FROM raw_events WHERE id = ?`).bind(id).first<{ status: string }>())!.status).toBe("processed");
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE dedupe_key LIKE ?`, `cod_confirmation:order:${ref}:%`)).toBe(0);
  });

  it("a signed body that is not a Razorpay event is a 400 and a dead letter", async () => {
    const body = JSON.stringify({ hello: "world" });
    const res = await postRazorpay(body, { "x-razorpay-signature": await razorpaySignature(body), "x-razorpay-event-id": `evt_${uniqueId()}` });
    expect(res.status).toBe(400);
  });
});

describe("Razorpay Payment Link connector", () => {
  it("creates the link (amount in paise, INR, reference_id = order, Basic auth) and sends it to the customer on WhatsApp once", async () => {
    const o = await codOrder();
    const params = { orderId: o.id, amountPaise: 261_250, discountPaise: 13_750, customerPhone: o.phone };
    const action = await copyAction({ kind: "cod_payment_link", connector: "razorpay", params: JSON.stringify(params) });
    const vendor = edge((c) =>
      c.url === "https://api.razorpay.com/v1/payment_links"
        ? json(200, { id: "plink_ExjpAUN3gVHrPJ", amount: 261_250, currency: "INR", reference_id: o.id, short_url: "https://rzp.io/i/nxrHnLJ", status: "created" })
        : null,
    );
    await deliver(action, { config: live, fetch: vendor.fetch });
    await deliver(action, { config: live, fetch: vendor.fetch }, "again");
    expect(vendor.unexpected).toEqual([]);
    expect(vendor.calls).toHaveLength(1);
    expect(vendor.calls[0]!.headers.get("authorization")).toBe(`Basic ${btoa("rzp_test_key:rzp-secret")}`);
    expect(vendor.calls[0]!.body).toMatchObject({ amount: 261_250, currency: "INR", reference_id: o.id, accept_partial: false, customer: { contact: o.phone }, notify: { sms: false, email: false } });
    expect(await row(action)).toMatchObject({ status: "sent", externalId: "plink_ExjpAUN3gVHrPJ" });

    const [d] = await decisionsFor(codShopifyKey(o.id, "pay_link"));
    const sent = await actionsOf(d!.id);
    expect(sent.map((a) => [a.kind, JSON.parse(a.params).template])).toEqual([["whatsapp.template", "cod_pay_now"]]);
    expect(JSON.parse(sent[0]!.params).bodyParams.slice(1)).toEqual([o.name, "₹2,612.50", "₹137.50", "https://rzp.io/i/nxrHnLJ"]);
  });

  it("without credentials runs in dry-run: the request is recorded, nothing leaves the machine", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const action = await copyAction({ kind: "cod_payment_link", connector: "razorpay", params: JSON.stringify({ orderId: "5552001", amountPaise: 100_000, discountPaise: 5_000 }) });
    await deliver(action, {});
    expect(fetchSpy).not.toHaveBeenCalled();
    const r = await env.DB.prepare(`SELECT status, request FROM actions WHERE id = ?`).bind(action).first<{ status: string; request: string }>();
    expect(r!.status).toBe("dry_run");
    expect(JSON.parse(r!.request)).toMatchObject({ method: "POST", url: "https://api.razorpay.com/v1/payment_links", body: { amount: 100_000, currency: "INR", reference_id: "5552001" } });
  });
});

describe("cod-blocked", () => {
  it("a customer's second RTO tags the Shopify customer cod-blocked, once", async () => {
    const customerId = uniqueId();
    const rto = async () => {
      const id = uniqueId();
      const at = Date.now() - 5 * 24 * H;
      await postOrder(indianOrder({ id, customerId, cod: false, createdAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString() }));
      await postShiprocket(shiprocketTracking(`AWB${id}`, String(id), [["picked_up", at + H, "Bengaluru"], ["rto_initiated", at + 3 * 24 * H, "Nagpur"]]));
      return id;
    };
    await rto();
    expect(await decisionsFor(`cod_confirmation:customer:${customerId}:cod_blocked`)).toHaveLength(0);
    await rto();
    await rto();
    const [d, ...more] = await decisionsFor(`cod_confirmation:customer:${customerId}:cod_blocked`);
    expect(more).toHaveLength(0);
    const actions = await actionsOf(d!.id);
    expect(actions.map((a) => [a.kind, JSON.parse(a.params)])).toEqual([["shopify.tags_add", { resource: "customer", id: String(customerId), tags: ["cod-blocked"] }]]);
    const dry = await vi.waitFor(async () => {
      const r = (await actionsOf(d!.id))[0]!;
      if (r.status !== "dry_run") throw new Error(r.status);
      return JSON.parse(r.request!);
    });
    expect(dry.body).toEqual({ query: TAGS_ADD_DOC, variables: { id: `gid://shopify/Customer/${customerId}`, tags: ["cod-blocked"] } });
  });
});
