/**
 * NDR resolved and RTO counted, end to end in workerd with D1, queues and the OrderJourney objects:
 * a typed answer's date/phone/address reaches Shiprocket's and Delhivery's NDR actions (their
 * documented request shapes, answered at the network edge as each vendor answers, failures
 * included); silence runs the default once (re-attempt, then return); every NDR's outcome is
 * recorded; RTOs are priced per carrier and prefix; an RTO delivered back is one ERP sales return.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import waButton from "../fixtures/vendor/whatsapp/inbound-template-quick_reply-button.json";
import dlPush from "../fixtures/vendor/delhivery/scan-push.json";
import { configFromEnv } from "../../src/connectors/config";
import { credentialClient } from "../../src/connectors/credentials";
import { loadRtoPanelRows } from "../../src/db/ndr-rto";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { summariseRto, weekStart } from "../../src/decisions/rto-cost";
import type { JourneyTimer } from "../../src/durable-objects/order-journey";
import { onJourneyTimer } from "../../src/jobs/journey-timers";
import { executeOne } from "../../src/queues/actions";
import { api, count, postOrder, putPolicy, quietHoursAwayFromNow, waitProcessed } from "../helpers/runtime";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { json, vendorEdge } from "../helpers/vendor-edge";
import { postShiprocket, postWhatsapp, shiprocketTracking } from "../helpers/vendors";

afterEach(() => vi.restoreAllMocks());

const H = 3_600_000;
const WEEK = 7 * 24 * H;

/** A COD order with a phone the WhatsApp reply comes from. */
async function placeOrder(over: Parameters<typeof indianOrder>[0] = {}) {
  const id = uniqueId();
  const digits = `98${String(id).slice(-8)}`;
  const placed = new Date(Date.now() - 80 * H).toISOString();
  const order = indianOrder({ id, customerId: uniqueId(), phone: `+91${digits}`, createdAt: placed, updatedAt: placed, lineItems: [{ sku: `NDR-${id}`, quantity: 2, price: "499.00" }], ...over });
  await postOrder(order);
  return { orderId: String(id), name: String(order.name), digits };
}

/** The customer's reply as it reaches the decision: the NDR payload, with what they typed kept as the message text. */
async function reply(digits: string, payload: string, text: string) {
  const p = structuredClone(waButton) as Record<string, any>;
  Object.assign(p.entry[0].changes[0].value.messages[0], { from: `91${digits}`, id: `wamid.ndr${uniqueId()}`, timestamp: String(Math.floor(Date.now() / 1000)), button: { payload, text } });
  await postWhatsapp(p);
}

/** Delhivery writes StatusDateTime in IST without a zone. */
const dlStamp = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 23);
async function postDelhivery(awb: string, ref: string, status: { StatusType: string; Status: string; Instructions?: string }, nsl: string, at: number) {
  const p = structuredClone(dlPush) as Record<string, any>;
  Object.assign(p.Shipment.Status, { ...status, StatusDateTime: dlStamp(at), StatusLocation: "Pune_Kharadi_D (Maharashtra)" });
  Object.assign(p.Shipment, { AWB: awb, NSLCode: nsl, ReferenceNo: ref });
  const res = await SELF.fetch("https://switchyard.test/webhooks/delhivery", { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer test-delhivery-token" }, body: JSON.stringify(p) });
  expect(res.status).toBe(200);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

type ActionRow = { id: string; kind: string; status: string; params: string; request: string | null; externalId: string | null; lastError: string | null; key: string };
const carrierActions = async (orderId: string) =>
  (
    await env.DB.prepare(
      `SELECT a.id, a.kind, a.status, a.params, a.request, a.external_id AS externalId, a.last_error AS lastError, d.dedupe_key AS key
       FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.subject_id = ? AND a.kind IN ('shiprocket.ndr_action', 'delhivery.ndr_action') ORDER BY a.created_at, a.id`,
    )
      .bind(orderId)
      .all<ActionRow>()
  ).results;

/** Waits until the actions queue has run (dry-run here: no carrier credentials) every carrier action of the order. */
async function settledCarrierActions(orderId: string, n: number) {
  await vi.waitFor(async () => {
    const rows = await carrierActions(orderId);
    expect(rows.filter((r) => r.request !== null)).toHaveLength(n);
  }, { timeout: 10_000, interval: 100 });
  return carrierActions(orderId);
}

const dryRun = configFromEnv({ ...env, SHIPROCKET_API_TOKEN: "", DELHIVERY_API_TOKEN: "" } as Env);

/** Runs the order's carrier actions not yet run, at `at` (dry-run: the request is recorded), and returns them all. */
async function runAt(orderId: string, at: number, n: number) {
  const pending = await carrierActions(orderId);
  expect(pending).toHaveLength(n);
  for (const a of pending) if (a.request === null) await executeOne(env, a.id, dryRun, { now: () => at, fetch: async (url) => { throw new Error(`dry run sent ${String(url)}`); } });
  return carrierActions(orderId);
}

const localDay = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);

/** The no-answer timer the order's object armed, as its alarm hands it to the jobs queue. */
async function ndrTimer(orderId: string, attempt: number): Promise<JourneyTimer> {
  const stub = env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId));
  const { snapshot, timers } = await stub.getJourney();
  const t = timers.find((x) => x.key === `ndr_timeout:${attempt}`);
  expect(t, `ndr_timeout:${attempt} armed`).toBeDefined();
  // Due a window after the failed attempt, or later: the object's own alarm may already have run it
  // and been told to come back a full window after the question went out.
  expect(t!.due_at).toBeGreaterThanOrEqual(snapshot.stateAt + DEFAULT_POLICY.ndr_rto.ndrNoAnswerHours * H);
  return { orderId, kind: "ndr_timeout", key: t!.key, dueAt: t!.due_at, stateAt: snapshot.stateAt };
}

const ndrCase = (orderId: string) =>
  env.DB.prepare(`SELECT awb, attempts, answer, default_action AS defaultAction, outcome FROM ndr_cases WHERE order_id = ?`).bind(orderId).first<{ awb: string; attempts: number; answer: string | null; defaultAction: string | null; outcome: string | null }>();

describe("a typed answer reaches the carrier's NDR action", () => {
  it("Shiprocket: 'kal bhejo, flat 302…, call 98765 43210' → re-attempt with deferred_date, phone and address1; Shiprocket's 202 sends it, its 422 fails it", { timeout: 60_000 }, async () => {
    const { orderId, name, digits } = await placeOrder();
    const awb = `SRN${orderId}`;
    await postShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 40 * H, "Bhiwandi_Hub (Maharashtra)"], ["failed_attempt", Date.now() - 2 * H, "Pune_DC"]]));
    const sentAt = Date.now();
    await reply(digits, `ndr:reattempt:${name}`, "kal bhejo, flat 302, Sai Residency, near Hanuman mandir, call 98765 43210");

    const [action] = await settledCarrierActions(orderId, 1);
    const tomorrow = localDay(sentAt + 24 * H);
    expect(action!.kind).toBe("shiprocket.ndr_action");
    expect(JSON.parse(action!.params)).toEqual({ awb, action: "re-attempt", comments: expect.stringContaining(`deliver on ${tomorrow}`), deferredDate: tomorrow, phone: "+919876543210", address: "flat 302, Sai Residency, near Hanuman mandir" });
    // Dry run (no Shiprocket credentials): the request it would send, in Shiprocket's documented shape.
    const req = JSON.parse(action!.request!);
    expect(req.url).toBe(`https://apiv2.shiprocket.in/v1/external/ndr/${awb}/action`);
    expect(req.body).toEqual({ action: "re-attempt", comments: expect.any(String), phone: "9876543210", address1: "flat 302, Sai Residency, near Hanuman mandir", deferred_date: tomorrow });
    expect(await ndrCase(orderId)).toMatchObject({ awb, attempts: 1, answer: "reattempt" });

    // Live, against an edge that answers as Shiprocket does: 202 on success, 422 when the AWB is no longer in NDR.
    const live = configFromEnv({ ...env, SHIPROCKET_API_TOKEN: "sr-live-token" } as Env);
    let refuse = false;
    const edge = vendorEdge({
      [`POST https://apiv2.shiprocket.in/v1/external/ndr/${awb}/action`]: (call) => {
        if (call.headers.get("authorization") !== "Bearer sr-live-token") return json(401, { message: "Unauthenticated.", status_code: 401 });
        return refuse ? json(422, { message: "NDR action can not be taken on this AWB", status_code: 422 }) : json(202, { status: "Data Updated Sucessfully" });
      },
    });
    const ok = await insertPending(action!);
    await executeOne(env, ok, live, { credentials: credentialClient(env.CREDENTIAL, { prefix: uniqueId().toString() }) });
    expect(JSON.parse(edge.calls[0]!.body)).toEqual(req.body);
    expect(await status(ok)).toMatchObject({ status: "sent" });
    refuse = true;
    const bad = await insertPending(action!);
    await executeOne(env, bad, live, { credentials: credentialClient(env.CREDENTIAL, { prefix: uniqueId().toString() }) });
    expect(await status(bad)).toMatchObject({ status: "failed", lastError: "HTTP 422: NDR action can not be taken on this AWB" });
    expect(edge.unexpected).toEqual([]);
  });

  it("Delhivery: 'parso aana, call 98765 43210' → EDIT_DETAILS + DEFER_DLV in one /api/p/update; the UPL id is kept, 'Package in incorrect status' fails it", { timeout: 60_000 }, async () => {
    const { orderId, name, digits } = await placeOrder();
    const awb = `DLN${orderId}`;
    const ref = name.replace("#", "");
    await postDelhivery(awb, ref, { StatusType: "UD", Status: "In Transit", Instructions: "Shipment picked up" }, "X-PPOM", Date.now() - 30 * H);
    await postDelhivery(awb, ref, { StatusType: "UD", Status: "Pending", Instructions: "Consignee Unavailable" }, "EOD-11", Date.now() - 2 * H);
    const sentAt = Date.now();
    await reply(digits, `ndr:reattempt:${name}`, "parso aana, call 98765 43210");

    const [action] = await settledCarrierActions(orderId, 1);
    const dayAfter = localDay(sentAt + 48 * H);
    expect(action!.kind).toBe("delhivery.ndr_action");
    const req = JSON.parse(action!.request!);
    expect(req.url).toBe("https://track.delhivery.com/api/p/update");
    expect(req.body).toEqual({ data: [{ waybill: awb, act: "EDIT_DETAILS", action_data: { phone: "9876543210" } }, { waybill: awb, act: "DEFER_DLV", action_data: { deferred_date: dayAfter } }] });

    const live = configFromEnv({ ...env, DELHIVERY_API_TOKEN: "dl-live-token" } as Env);
    let refuse = false;
    const edge = vendorEdge({
      "POST https://track.delhivery.com/api/p/update": (call) => {
        if (call.headers.get("authorization") !== "Token dl-live-token") return json(401, "There has been an error but we were asked to not let you see that. Please contact the dev team.");
        return refuse ? json(400, "Package in incorrect status") : json(200, { message: "Request submitted successfully!", request_id: "UPL17749083484755923441" });
      },
    });
    const ok = await insertPending(action!);
    await executeOne(env, ok, live);
    expect(JSON.parse(edge.calls[0]!.body)).toEqual(req.body);
    expect(await status(ok)).toMatchObject({ status: "sent", externalId: "UPL17749083484755923441" });
    refuse = true;
    const bad = await insertPending(action!);
    await executeOne(env, bad, live);
    expect(await status(bad)).toMatchObject({ status: "failed", lastError: "HTTP 400: Package in incorrect status" });
    expect(edge.unexpected).toEqual([]);
  });
});

describe("no answer: the default action, once", () => {
  it("re-attempt after the window, once however often the timer comes; the next failed attempt returns, once", { timeout: 60_000 }, async () => {
    // The question goes out as soon as it is decided, whatever the time of day the test runs at (the next test holds it).
    await putPolicy({ quietHours: quietHoursAwayFromNow() });
    try {
      await reattemptThenReturn();
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });

  async function reattemptThenReturn() {
    const { orderId } = await placeOrder();
    const awb = `SRD${orderId}`;
    const scans: Parameters<typeof shiprocketTracking>[2] = [["picked_up", Date.now() - 60 * H, "Bhiwandi_Hub (Maharashtra)"], ["failed_attempt", Date.now() - 30 * H, "Pune_DC"]];
    await postShiprocket(shiprocketTracking(awb, orderId, scans));
    const first = await ndrTimer(orderId, 1);
    // Inside the window (the question went out just now): the timer is put back, nothing is decided.
    expect(await onJourneyTimer(env, first, Date.now() + 2 * H)).toEqual({ retryAt: expect.any(Number) });
    expect(await carrierActions(orderId)).toHaveLength(0);
    const later = Date.now() + 25 * H;
    await onJourneyTimer(env, first, later);
    await onJourneyTimer(env, first, later + 60_000); // handed over twice
    // Decided at `later`, the actions wait in the outbox until then; the test runs them at that time.
    let actions = await runAt(orderId, later + 120_000, 1);
    expect(actions.map((a) => [a.key, JSON.parse(a.params).action])).toEqual([[`ndr_followup:order:${orderId}:default:1`, "re-attempt"]]);
    expect(await ndrCase(orderId)).toMatchObject({ defaultAction: "re-attempt", outcome: null });

    // The re-attempt fails too: out for delivery again, then a second failed attempt → return.
    const second: typeof scans = [...scans, ["out_for_delivery", Date.now() - 3 * H, "Pune_DC"], ["failed_attempt", Date.now() - 2 * H, "Pune_DC"]];
    await postShiprocket(shiprocketTracking(awb, orderId, second));
    await onJourneyTimer(env, await ndrTimer(orderId, 2), Date.now() + 26 * H);
    // A third failure (the carrier tried once more anyway) does not ask for a second return.
    await postShiprocket(shiprocketTracking(awb, orderId, [...second, ["out_for_delivery", Date.now() - 60 * 60_000, "Pune_DC"], ["failed_attempt", Date.now() - 30 * 60_000, "Pune_DC"]]));
    await onJourneyTimer(env, await ndrTimer(orderId, 3), Date.now() + 27 * H);
    actions = await runAt(orderId, Date.now() + 28 * H, 2);
    expect(actions.map((a) => [a.key, JSON.parse(a.params).action])).toEqual([
      [`ndr_followup:order:${orderId}:default:1`, "re-attempt"],
      [`ndr_followup:order:${orderId}:default:return`, "return"],
    ]);
    expect(JSON.parse(actions[1]!.request!).body).toEqual({ action: "return", comments: "No answer from the customer in 24 h: default return (Switchyard)" });
    expect(await ndrCase(orderId)).toMatchObject({ attempts: 3, defaultAction: "return" });
  }

  it("a question held back by quiet hours: the window runs from when it goes out", { timeout: 60_000 }, async () => {
    const hhmm = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(11, 16);
    // Quiet from five minutes ago until two hours from now (IST): the question waits for the end.
    await putPolicy({ quietHours: { start: hhmm(Date.now() - 5 * 60_000), end: hhmm(Date.now() + 2 * H), utcOffsetMinutes: 330 } });
    try {
      const { orderId } = await placeOrder();
      await postShiprocket(shiprocketTracking(`SRQ${orderId}`, orderId, [["picked_up", Date.now() - 60 * H, "Bhiwandi_Hub (Maharashtra)"], ["failed_attempt", Date.now() - 30 * H, "Pune_DC"]]));
      const timer = await ndrTimer(orderId, 1);
      // 25 h after the decision, but only ~23 h after the message could go out: not yet.
      const early = await onJourneyTimer(env, timer, Date.now() + 25 * H);
      expect(early).toEqual({ retryAt: expect.any(Number) });
      expect((early as { retryAt: number }).retryAt).toBeGreaterThan(Date.now() + 25 * H);
      await onJourneyTimer(env, timer, Date.now() + 27 * H);
      expect((await carrierActions(orderId)).map((a) => a.key)).toEqual([`ndr_followup:order:${orderId}:default:1`]);
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });

  it("not when the customer answered", { timeout: 60_000 }, async () => {
    const { orderId, name, digits } = await placeOrder();
    const awb = `SRA${orderId}`;
    await postShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 60 * H, "Bhiwandi_Hub (Maharashtra)"], ["failed_attempt", Date.now() - 30 * H, "Pune_DC"]]));
    await reply(digits, `ndr:return:${name}`, "Return it");
    const timer = await ndrTimer(orderId, 1);
    await onJourneyTimer(env, timer, Date.now() + 25 * H);
    const actions = await runAt(orderId, Date.now() + 26 * H, 1);
    expect(actions.map((a) => [a.key, JSON.parse(a.params).action])).toEqual([[`ndr_followup:order:${orderId}:reply:1`, "return"]]);
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE subject_id = ? AND dedupe_key LIKE '%:default:%'`, orderId)).toBe(0);
  });
});

describe("every NDR's outcome, and what RTO costs", () => {
  it("a re-attempt delivered and an NDR ending in RTO are recorded; the conversion moves by one of two; the RTO delivered back is one Zoho sales return even when Delhivery redelivers the scan", { timeout: 60_000 }, async () => {
    const before = (await loadRtoPanelRows(env.DB, 0)).ndr;

    const a = await placeOrder();
    const awbA = `SRC${a.orderId}`;
    const scansA: Parameters<typeof shiprocketTracking>[2] = [["picked_up", Date.now() - 60 * H, "Bhiwandi_Hub (Maharashtra)"], ["failed_attempt", Date.now() - 30 * H, "Pune_DC"]];
    await postShiprocket(shiprocketTracking(awbA, a.orderId, scansA));
    await postShiprocket(shiprocketTracking(awbA, a.orderId, [...scansA, ["out_for_delivery", Date.now() - 5 * H, "Pune_DC"], ["delivered", Date.now() - 4 * H, "Pune_DC"]]));
    expect(await ndrCase(a.orderId)).toMatchObject({ outcome: "delivered" });

    const b = await placeOrder({ pincode: "411014" });
    const awbB = `DLC${b.orderId}`;
    const ref = b.name.replace("#", "");
    await postDelhivery(awbB, ref, { StatusType: "UD", Status: "Pending", Instructions: "Consignee refused" }, "EOD-6", Date.now() - 50 * H);
    await postDelhivery(awbB, ref, { StatusType: "RT", Status: "In Transit", Instructions: "Return to origin" }, "X-DLL2R", Date.now() - 30 * H);
    await postDelhivery(awbB, ref, { StatusType: "DL", Status: "RTO", Instructions: "RTO delivered to shipper" }, "RD-AC", Date.now() - 3 * H);
    await postDelhivery(awbB, ref, { StatusType: "DL", Status: "RTO", Instructions: "RTO delivered to shipper" }, "RD-AC", Date.now() - 3 * H); // redelivered
    expect(await ndrCase(b.orderId)).toMatchObject({ outcome: "rto" });
    expect(await env.DB.prepare(`SELECT carrier, pincode_prefix AS prefix, payment_method AS pay, received_at IS NOT NULL AS received FROM rto_shipments WHERE order_id = ?`).bind(b.orderId).first()).toEqual({
      carrier: "delhivery",
      prefix: "411",
      pay: "cod",
      received: 1,
    });
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'zoho.restock' AND request IS NOT NULL`, b.orderId)).toBe(1), { timeout: 10_000, interval: 100 });
    const ret = await env.DB.prepare(`SELECT request FROM actions WHERE subject_id = ? AND kind = 'zoho.restock'`).bind(b.orderId).first<{ request: string }>();
    expect(JSON.parse(ret!.request)).toMatchObject({ url: expect.stringMatching(/\/salesreturns\?.*salesorder_id=/), body: { reason: "RTO delivered back to the warehouse", line_items: [expect.objectContaining({ quantity: 2 })] } });

    const after = (await loadRtoPanelRows(env.DB, 0)).ndr;
    expect({ cases: after.cases - before.cases, delivered: after.delivered - before.delivered, rto: after.rto - before.rto }).toEqual({ cases: 2, delivered: 1, rto: 1 });
  });

  it("RTO ₹ by carrier and pincode prefix this week; COD orders the confirmation cancelled before shipping count as saved; the overview shows the panel", { timeout: 60_000 }, async () => {
    const now = Date.now();
    const since = weekStart(now, 330);
    const rowsBefore = await loadRtoPanelRows(env.DB, since);
    const sum = (rows: typeof rowsBefore) => summariseRto(rows.rtos, rows.codCancelledByWeek, DEFAULT_POLICY.ndr_rto, { since, weeks: 1, weekMs: WEEK });

    // An RTO on an Xpressbees parcel to a 795 pincode (Shiprocket-booked): ₹60 + ₹50.
    const o = await placeOrder({ pincode: "795001" });
    const awb = `SRX${o.orderId}`;
    await postShiprocket(shiprocketTracking(awb, o.orderId, [["picked_up", now - 60 * H, "Bhiwandi_Hub"], ["failed_attempt", now - 40 * H, "Imphal_DC"], ["rto_initiated", now - 60_000, "Imphal_DC"]], "Xpressbees Surface"));
    const s = sum(await loadRtoPanelRows(env.DB, since));
    expect(s.thisWeek.byPrefix.find((l) => l.key === "795")).toEqual({ key: "795", shipments: 1, paise: 11_000 });
    expect(s.thisWeek.byCarrier.find((l) => l.key === "xpressbees")!.paise - (sum(rowsBefore).thisWeek.byCarrier.find((l) => l.key === "xpressbees")?.paise ?? 0)).toBe(11_000);

    // A COD order the confirmation asked about, cancelled before anything shipped.
    const cod = indianOrder({ id: uniqueId(), customerId: uniqueId(), phone: "+919812399999", totalPrice: "2499.00", createdAt: new Date(now - 2 * H).toISOString(), updatedAt: new Date(now - 2 * H).toISOString() });
    await postOrder(cod);
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM decisions WHERE dedupe_key = ?`, `cod_confirmation:order:${cod.id}:request`)).toBe(1), { timeout: 5000, interval: 100 });
    await postOrder({ ...cod, cancelled_at: new Date(now - H).toISOString(), updated_at: new Date(now - H).toISOString(), cancel_reason: "customer" }, "orders/cancelled");
    const saved = sum(await loadRtoPanelRows(env.DB, since)).saved.thisWeek.orders - sum(rowsBefore).saved.thisWeek.orders;
    expect(saved).toBe(1);

    const cookie = (await SELF.fetch("https://switchyard.test/login", { method: "POST", body: new URLSearchParams({ token: "test-dashboard-token" }), redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
    const html = await (await SELF.fetch("https://switchyard.test/", { headers: { cookie } })).text();
    expect(html).toContain('id="rto"');
    expect(html).toMatch(/RTO this week \(\d+ shipments\)/);
    expect(html).toContain("795xxx");
    // The conversion shown is delivered ÷ (delivered + RTO) over the cases of the trend window.
    const ndr = (await loadRtoPanelRows(env.DB, weekStart(now, 330, 7))).ndr;
    expect(ndr.rto).toBeGreaterThanOrEqual(1); // at least this test's own RTO
    expect(html).toContain(`NDR → delivered, 8 weeks (${ndr.delivered} of ${ndr.delivered + ndr.rto} resolved; ${ndr.open} open)`);
    expect(html).toContain(`${((ndr.delivered / (ndr.delivered + ndr.rto)) * 100).toFixed(1)}%`);
  });
});

async function insertPending(from: ActionRow): Promise<string> {
  const id = `act-${uniqueId()}`;
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, ?, ?, ?, 'pending', 0, ?, ?, 'order', 'live-test', ?, ?)`,
  )
    .bind(id, from.kind.split(".")[0], from.kind, `live:${id}`, now, from.params, now, now)
    .run();
  return id;
}

const status = (id: string) =>
  env.DB.prepare(`SELECT status, external_id AS externalId, last_error AS lastError FROM actions WHERE id = ?`).bind(id).first<{ status: string; externalId: string | null; lastError: string | null }>();
