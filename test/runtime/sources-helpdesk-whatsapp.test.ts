/** POST /webhooks/{gorgias,freshdesk,zendesk,whatsapp} end to end: auth, caps, dead letters, dedupe, D1 rows, linking to orders. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, count, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import gorgiasSample from "../fixtures/vendor/gorgias/ticket-created-http-integration.json";
import freshdeskAutomation from "../fixtures/freshdesk/automation-webhook.json";
import freshdeskTicket from "../fixtures/vendor/freshdesk/ticket-view-response.json";
import zendeskCreated from "../fixtures/vendor/zendesk/webhook-ticket-created.json";
import zendeskShow from "../fixtures/vendor/zendesk/ticket-show-response.json";
import waText from "../fixtures/vendor/whatsapp/inbound-text.json";
import waButton from "../fixtures/vendor/whatsapp/inbound-template-quick_reply-button.json";
import waStatusRead from "../fixtures/vendor/whatsapp/status-read.json";

const GORGIAS_TOKEN = "test-gorgias-token";
const FRESHDESK_TOKEN = "test-freshdesk-token";
const ZENDESK_SECRET = "test-zendesk-secret";
const WA_SECRET = "test-whatsapp-app-secret";
const WA_VERIFY = "test-whatsapp-verify-token";
const CAP = 1024 * 1024;

type Source = "gorgias" | "freshdesk" | "zendesk" | "whatsapp";

function post(source: Source, body: unknown, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  return SELF.fetch(`https://switchyard.test/webhooks/${source}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const rawCount = (marker: string) => count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${marker}%`);
const deadCount = (marker: string) => count(`SELECT count(*) AS n FROM dead_letters WHERE body LIKE ?`, `%${marker}%`);

/** Posts, expects 200, waits for the ingest queue and checks the event was processed, not dead. */
async function deliver(source: Source, body: unknown, headers: Record<string, string>, query = ""): Promise<{ id: string; duplicate: boolean }> {
  const res = await post(source, body, headers, query);
  expect(res.status, await res.clone().text()).toBe(200);
  const out = await res.json<{ id: string; duplicate: boolean }>();
  await waitProcessed(out.id);
  const row = await env.DB.prepare(`SELECT status, error FROM raw_events WHERE id = ?`).bind(out.id).first();
  expect(row).toEqual({ status: "processed", error: null });
  return out;
}

async function hmac(secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
}

async function zendeskHeaders(body: string, at = new Date(), secret = ZENDESK_SECRET): Promise<Record<string, string>> {
  const timestamp = at.toISOString();
  const sig = btoa(String.fromCharCode(...(await hmac(secret, timestamp + body))));
  return { "x-zendesk-webhook-signature": sig, "x-zendesk-webhook-signature-timestamp": timestamp };
}

async function whatsappHeaders(body: string, secret = WA_SECRET): Promise<Record<string, string>> {
  const hex = [...(await hmac(secret, body))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { "x-hub-signature-256": `sha256=${hex}` };
}

function gorgiasTicket(o: { id?: number; subject?: string; email?: string; body?: string; updated?: string } = {}) {
  const t = structuredClone(gorgiasSample) as Record<string, any>;
  t.id = o.id ?? uniqueId();
  t.subject = o.subject ?? `Question ${t.id}`;
  if (o.email) t.customer.email = o.email;
  if (o.body) Object.assign(t.messages[0], { body_text: o.body, stripped_text: o.body, from_agent: false });
  if (o.updated) t.updated_datetime = o.updated;
  return t;
}

async function placeOrder(o: Parameters<typeof indianOrder>[0]): Promise<Record<string, unknown>> {
  const order = indianOrder(o);
  const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
  expect(res.status).toBe(200);
  await waitProcessed((await res.json<{ id: string }>()).id);
  return order;
}

interface OrderView {
  tickets: { id: string; helpdesk: string; status: string; category: string; priority: string | null; createdAt: string }[];
  messages: { id: string; direction: string; phone: string | null; kind: string; text: string | null; payload: string | null; status: string }[];
}
async function orderView(id: unknown): Promise<OrderView> {
  const res = await api(`/api/orders/${id}`);
  expect(res.status).toBe(200);
  return res.json<OrderView>();
}

const ticketRow = (helpdesk: string, id: string) =>
  env.DB.prepare(`SELECT helpdesk, ticket_id AS ticketId, email, order_id AS orderId, order_ref AS orderRef, subject, category, status, priority FROM tickets WHERE id = ?`)
    .bind(`${helpdesk}:${id}`)
    .first<Record<string, unknown>>();

describe("Gorgias webhook", () => {
  it("accepts the token as Bearer, ?token= or x-gorgias-token and lands the ticket in tickets", async () => {
    const ids: string[] = [];
    for (const [headers, query] of [
      [{ authorization: `Bearer ${GORGIAS_TOKEN}` }, ""],
      [{}, `?token=${GORGIAS_TOKEN}`],
      [{ "x-gorgias-token": GORGIAS_TOKEN }, ""],
    ] as const) {
      const t = gorgiasTicket({ subject: "Parcel is leaking", email: `g${uniqueId()}@example.in` });
      await deliver("gorgias", t, headers, query);
      ids.push(String(t.id));
    }
    for (const id of ids) expect(await ticketRow("gorgias", id)).toMatchObject({ helpdesk: "gorgias", ticketId: id, category: "damaged", status: "open", priority: "normal" });
  });

  it("rejects a wrong, missing or other vendor's token with 401 and stores nothing", async () => {
    const t = gorgiasTicket();
    const marker = String(t.id);
    expect((await post("gorgias", t, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await post("gorgias", t)).status).toBe(401);
    expect((await post("gorgias", t, {}, `?token=${FRESHDESK_TOKEN}`)).status).toBe(401);
    expect(await rawCount(marker)).toBe(0);
    expect(await deadCount(marker)).toBe(0);
  });

  it("stores an identical resend once", async () => {
    const t = gorgiasTicket();
    const body = JSON.stringify(t);
    const first = await deliver("gorgias", body, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    const again = await post("gorgias", body, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(String(t.id))).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM tickets WHERE id = ?`, `gorgias:${t.id}`)).toBe(1);
  });

  it("answers 413 above the body cap and stores nothing", async () => {
    const t = gorgiasTicket({ body: "x".repeat(CAP + 10) });
    expect((await post("gorgias", t, { authorization: `Bearer ${GORGIAS_TOKEN}` })).status).toBe(413);
    expect(await rawCount(String(t.id))).toBe(0);
  });

  it("answers 400 to malformed JSON and to a body that is not a ticket, each a dead letter", async () => {
    const marker = `gorgias-broken-${uniqueId()}`;
    const bad = await post("gorgias", `{"id": "${marker}", "messages": [`, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "malformed JSON" });
    const notTicket = await post("gorgias", { event: "ticket-created", note: marker }, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    expect(notTicket.status).toBe(400);
    expect((await notTicket.json<{ error: string }>()).error).toMatch(/^gorgias ticket: id/);
    expect(await deadCount(marker)).toBe(2);
    expect(await rawCount(marker)).toBe(0);
  });

  it("links a ticket naming the order (#N) to that order, shown under tickets of GET /api/orders/:id", async () => {
    const number = 10_000 + (uniqueId() % 80_000_000);
    const order = await placeOrder({ name: `#${number}`, email: `o${number}@example.in` });
    // A different email than the order's: the order name alone must find it.
    const t = gorgiasTicket({ subject: `Where is my order #${number}?`, email: `someone-else-${number}@example.in` });
    await deliver("gorgias", t, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    expect(await ticketRow("gorgias", String(t.id))).toMatchObject({ orderId: String(order.id), orderRef: `#${number}`, category: "wismo" });
    const view = await orderView(order.id);
    expect(view.tickets).toEqual([{ ...view.tickets[0], id: String(t.id), helpdesk: "gorgias", status: "open", category: "wismo", priority: "normal", createdAt: "2024-02-14T21:30:50.201Z" }]);
  });

  it("links a ticket with no order name to the customer's latest order by email", async () => {
    const email = `latest-${uniqueId()}@example.in`;
    const customerId = uniqueId();
    const older = await placeOrder({ email, customerId, createdAt: "2026-10-01T10:00:00+05:30", updatedAt: "2026-10-01T10:00:00+05:30" });
    const newer = await placeOrder({ email, customerId, createdAt: "2026-11-01T10:00:00+05:30", updatedAt: "2026-11-01T10:00:00+05:30" });
    const t = gorgiasTicket({ subject: "Refund please", email: email.toUpperCase() });
    await deliver("gorgias", t, { authorization: `Bearer ${GORGIAS_TOKEN}` });
    expect(await ticketRow("gorgias", String(t.id))).toMatchObject({ orderId: String(newer.id), orderRef: null, category: "return_refund", email });
    expect((await orderView(newer.id)).tickets.map((x) => x.id)).toEqual([String(t.id)]);
    expect((await orderView(older.id)).tickets).toEqual([]);
  });
});

describe("Freshdesk webhook", () => {
  const automation = (ticketId: string, overrides: Record<string, unknown> = {}) => {
    const p = structuredClone(freshdeskAutomation);
    Object.assign(p.freshdesk_webhook, { ticket_id: ticketId, ticket_cf_order_number: "", ...overrides });
    return p;
  };

  it("lands an automation body (Bearer) and an API ticket object (?token=) in tickets", async () => {
    const a = String(uniqueId());
    await deliver("freshdesk", automation(a, { ticket_subject: "order kab aayega", ticket_contact_email: `f${a}@example.in` }), { authorization: `Bearer ${FRESHDESK_TOKEN}` });
    expect(await ticketRow("freshdesk", a)).toMatchObject({ category: "wismo", status: "open", priority: "medium", email: `f${a}@example.in` });
    const b = uniqueId();
    await deliver("freshdesk", { ...freshdeskTicket, id: b, status: 5, priority: 3 }, {}, `?token=${FRESHDESK_TOKEN}`);
    expect(await ticketRow("freshdesk", String(b))).toMatchObject({ status: "closed", priority: "high", category: "other" });
  });

  it("rejects a wrong or missing token with 401 and stores nothing", async () => {
    const a = `fd-${uniqueId()}`;
    expect((await post("freshdesk", automation(a), { authorization: `Bearer ${GORGIAS_TOKEN}` })).status).toBe(401);
    expect((await post("freshdesk", automation(a))).status).toBe(401);
    expect(await rawCount(a)).toBe(0);
  });

  it("stores a resend once and answers 400 + dead letter for a body without ticket_id", async () => {
    const a = `fd-${uniqueId()}`;
    const body = JSON.stringify(automation(a));
    const first = await deliver("freshdesk", body, { authorization: `Bearer ${FRESHDESK_TOKEN}` });
    expect(await (await post("freshdesk", body, { authorization: `Bearer ${FRESHDESK_TOKEN}` })).json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(a)).toBe(1);
    const marker = `fd-bad-${uniqueId()}`;
    const bad = await post("freshdesk", { freshdesk_webhook: { ticket_subject: marker } }, { authorization: `Bearer ${FRESHDESK_TOKEN}` });
    expect(bad.status).toBe(400);
    expect(await deadCount(marker)).toBe(1);
    expect(await rawCount(marker)).toBe(0);
  });

  it("answers 413 above the cap", async () => {
    const a = `fd-${uniqueId()}`;
    expect((await post("freshdesk", automation(a, { ticket_description: "x".repeat(CAP) }), { authorization: `Bearer ${FRESHDESK_TOKEN}` })).status).toBe(413);
    expect(await rawCount(a)).toBe(0);
  });
});

describe("Zendesk webhook", () => {
  const event = (ticketId: string) => {
    const e = structuredClone(zendeskCreated);
    e.id = crypto.randomUUID();
    e.subject = `zen:ticket:${ticketId}`;
    Object.assign(e.detail, { id: ticketId, subject: "Shows delivered but not received", description: "Courier says delivered, I have not received it" });
    return e;
  };

  it("accepts a signed event, lands the ticket, and stores a re-signed retry of the same event once", async () => {
    const id = String(uniqueId());
    const body = JSON.stringify(event(id));
    const first = await deliver("zendesk", body, await zendeskHeaders(body));
    expect(await ticketRow("zendesk", id)).toMatchObject({ category: "delivered_not_received", status: "open", priority: "low" });
    // Zendesk's retry signs again with a new timestamp; the event id still names it.
    const again = await post("zendesk", body, await zendeskHeaders(body, new Date(Date.now() + 1000)));
    expect(await again.json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(id)).toBe(1);
  });

  it("rejects a missing or wrong signature, another key, and a stale or future timestamp with 401, storing nothing", async () => {
    const id = String(uniqueId());
    const body = JSON.stringify(event(id));
    expect((await post("zendesk", body)).status).toBe(401);
    const good = await zendeskHeaders(body);
    expect((await post("zendesk", body, { ...good, "x-zendesk-webhook-signature": btoa("x".repeat(32)) })).status).toBe(401);
    expect((await post("zendesk", body, { "x-zendesk-webhook-signature": good["x-zendesk-webhook-signature"]! })).status).toBe(401);
    expect((await post("zendesk", body, await zendeskHeaders(body, new Date(), "another-secret"))).status).toBe(401);
    // Correctly signed, but six minutes old (or ahead): a replay window closed.
    expect((await post("zendesk", body, await zendeskHeaders(body, new Date(Date.now() - 6 * 60_000)))).status).toBe(401);
    expect((await post("zendesk", body, await zendeskHeaders(body, new Date(Date.now() + 6 * 60_000)))).status).toBe(401);
    // A body changed after signing.
    expect((await post("zendesk", body.replace("Shows", "Shown"), good)).status).toBe(401);
    expect(await rawCount(id)).toBe(0);
    expect(await deadCount(id)).toBe(0);
  });

  it("accepts the classic trigger body, deduped by the invocation id header", async () => {
    const id = uniqueId();
    const body = JSON.stringify({ ticket: { ...zendeskShow.ticket, id, subject: "Change address please", requester: { email: `z${id}@example.in` } } });
    const invocation = { "x-zendesk-webhook-invocation-id": `inv-${id}` };
    const first = await deliver("zendesk", body, { ...(await zendeskHeaders(body)), ...invocation });
    expect(await ticketRow("zendesk", String(id))).toMatchObject({ category: "address_change", email: `z${id}@example.in`, status: "open", priority: "high" });
    const again = await post("zendesk", body, { ...(await zendeskHeaders(body)), ...invocation });
    expect(await again.json()).toMatchObject({ id: first.id, duplicate: true });
  });

  it("answers 400 + dead letter for a signed non-ticket event and for malformed JSON", async () => {
    const marker = `zd-${uniqueId()}`;
    const userEvent = JSON.stringify({ type: "zen:event-type:user.created", id: marker, detail: { id: "1" } });
    const res = await post("zendesk", userEvent, await zendeskHeaders(userEvent));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/not a ticket event/);
    const broken = `{"id": "${marker}", "detail": {`;
    expect((await post("zendesk", broken, await zendeskHeaders(broken))).status).toBe(400);
    expect(await deadCount(marker)).toBe(2);
    expect(await rawCount(marker)).toBe(0);
  });

  it("answers 413 above the cap", async () => {
    const id = String(uniqueId());
    const e = event(id);
    e.detail.description = "x".repeat(CAP);
    const body = JSON.stringify(e);
    expect((await post("zendesk", body, await zendeskHeaders(body))).status).toBe(413);
    expect(await rawCount(id)).toBe(0);
  });
});

describe("WhatsApp webhook", () => {
  const verify = (query: string) => SELF.fetch(`https://switchyard.test/webhooks/whatsapp?${query}`);

  it("answers Meta's verification GET with the challenge as text, only for the right token", async () => {
    const ok = await verify(`hub.mode=subscribe&hub.verify_token=${WA_VERIFY}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("1158201444");
    expect((await verify(`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await verify(`hub.mode=unsubscribe&hub.verify_token=${WA_VERIFY}&hub.challenge=1`)).status).toBe(403);
    expect((await verify(`hub.challenge=1`)).status).toBe(403);
  });

  const textFrom = (waId: string, text: string) => {
    const p = structuredClone(waText) as Record<string, any>;
    const m = p.entry[0].changes[0].value.messages[0];
    Object.assign(m, { from: waId, id: `wamid.${uniqueId()}`, text: { body: text } });
    return { payload: p, messageId: m.id as string };
  };

  it("accepts a signed POST and lands the message; rejects a missing or wrong signature with 401, storing nothing", async () => {
    const { payload, messageId } = textFrom("919812345678", "Hi");
    const body = JSON.stringify(payload);
    expect((await post("whatsapp", body)).status).toBe(401);
    expect((await post("whatsapp", body, await whatsappHeaders(body, "not-the-app-secret"))).status).toBe(401);
    expect((await post("whatsapp", body, { "x-hub-signature-256": "sha1=abc" })).status).toBe(401);
    expect(await rawCount(messageId)).toBe(0);
    await deliver("whatsapp", body, await whatsappHeaders(body));
    const row = await env.DB.prepare(`SELECT direction, phone, kind, text, status FROM messages WHERE id = ?`).bind(messageId).first();
    expect(row).toEqual({ direction: "inbound", phone: "+919812345678", kind: "text", text: "Hi", status: "received" });
  });

  it("stores a redelivered POST once", async () => {
    const { payload, messageId } = textFrom("919812345679", "Hello");
    const body = JSON.stringify(payload);
    const first = await deliver("whatsapp", body, await whatsappHeaders(body));
    expect(await (await post("whatsapp", body, await whatsappHeaders(body))).json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(messageId)).toBe(1);
  });

  it("moves an outbound message's status forward only (read is not undone by a late delivered)", async () => {
    const wamid = `wamid.out${uniqueId()}`;
    const statusBody = (status: string, ts: string) => {
      const p = structuredClone(waStatusRead) as Record<string, any>;
      Object.assign(p.entry[0].changes[0].value.statuses[0], { id: wamid, status, timestamp: ts });
      return JSON.stringify(p);
    };
    for (const [status, ts] of [["sent", "1764000000"], ["read", "1764000100"], ["delivered", "1764000050"]] as const) {
      const body = statusBody(status, ts);
      await deliver("whatsapp", body, await whatsappHeaders(body));
    }
    expect(await env.DB.prepare(`SELECT direction, status FROM messages WHERE id = ?`).bind(wamid).first()).toEqual({ direction: "outbound", status: "read" });
  });

  it("answers 400 + dead letter for a signed body that is not a WhatsApp webhook, and 413 above the cap", async () => {
    const marker = `wa-${uniqueId()}`;
    const body = JSON.stringify({ object: "page", entry: [], note: marker });
    const res = await post("whatsapp", body, await whatsappHeaders(body));
    expect(res.status).toBe(400);
    expect(await deadCount(marker)).toBe(1);
    const big = JSON.stringify({ ...waText, note: marker, pad: "x".repeat(CAP) });
    expect((await post("whatsapp", big, await whatsappHeaders(big))).status).toBe(413);
    expect(await rawCount(marker)).toBe(0);
  });

  it("links a button reply from the order's phone to the customer and shows it under messages of the order", async () => {
    const digits = `98${String(uniqueId()).slice(-8)}`;
    const customerId = uniqueId();
    const order = await placeOrder({ phone: `+91${digits}`, customerId, email: `wa${digits}@example.in` });
    const p = structuredClone(waButton) as Record<string, any>;
    const m = p.entry[0].changes[0].value.messages[0];
    const wamid = `wamid.btn${uniqueId()}`;
    Object.assign(m, { from: `91${digits}`, id: wamid, button: { payload: `ndr:reattempt:${order.name}`, text: "Deliver again" } });
    const body = JSON.stringify(p);
    await deliver("whatsapp", body, await whatsappHeaders(body));
    const row = await env.DB.prepare(`SELECT customer_id AS customerId, order_id AS orderId FROM messages WHERE id = ?`).bind(wamid).first();
    expect(row).toEqual({ customerId: String(customerId), orderId: String(order.id) });
    const view = await orderView(order.id);
    expect(view.messages).toEqual([
      expect.objectContaining({ id: wamid, direction: "inbound", phone: `+91${digits}`, kind: "button", text: "Deliver again", payload: `ndr:reattempt:${order.name}`, status: "received" }),
    ]);
  });
});
