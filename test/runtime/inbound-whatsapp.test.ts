/**
 * Inbound WhatsApp, understood (issue 17, part 1), end to end in workerd: a customer's text posted to
 * POST /webhooks/whatsapp signed as Meta signs it (payload shape: test/fixtures/vendor/whatsapp/inbound-text-official.json,
 * Meta's messages webhook reference), through the ingest queue, D1, the OrderJourney objects, the
 * contact policy and the outbox, to the actions queue (dry-run without vendor credentials). The live
 * helpdesk calls are checked against Freshdesk's documented answers at the network edge.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import textFixture from "../fixtures/vendor/whatsapp/inbound-text-official.json";
import freshdeskCreated from "../fixtures/vendor/freshdesk/ticket-create-response.json";
import { configFromEnv } from "../../src/connectors/config";
import { saveTicketModel } from "../../src/db/models";
import { trainTicketModel } from "../../src/decisions/models/tickets";
import { signTrackingToken } from "../../src/lib/tracking-token";
import { handleActionsBatch, type ActionMessage } from "../../src/queues/actions";
import { api, count, postOrder, putPolicy, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { gorgiasTicket, postGorgias, postShiprocket, postWhatsapp, shiprocketTracking } from "../helpers/vendors";

afterEach(() => vi.restoreAllMocks());

const H = 3_600_000;

/** When the worker accepted the last message a test sent (raw_events.received_at). */
let lastReceivedAt = 0;

/** Meta's text-message webhook (the official example) from `phone`, sent `ago` ms before now. */
async function customerWrites(phone: string, body: string, ago = 30_000): Promise<string> {
  const p = structuredClone(textFixture) as any;
  const waId = phone.replace(/^\+/, "");
  const value = p.entry[0].changes[0].value;
  const id = `wamid.${uniqueId()}`;
  value.contacts[0].wa_id = waId;
  Object.assign(value.messages[0], { from: waId, id, timestamp: String(Math.floor((Date.now() - ago) / 1000)), text: { body } });
  const rawId = await postWhatsapp(p);
  const raw = await env.DB.prepare(`SELECT status, received_at AS receivedAt FROM raw_events WHERE id = ?`).bind(rawId).first<{ status: string; receivedAt: number }>();
  expect(raw?.status).toBe("processed");
  lastReceivedAt = raw!.receivedAt;
  return id;
}

const phoneFor = (id: number) => `+9198${String(id).slice(-8)}`;

/** A prepaid order for `phone`, shipped with Shiprocket and last scanned `scanAgo` ms ago at `place`. */
async function shippedOrder(phone: string, opts: { scanAgo?: number; place?: string; last?: "in_transit" | "out_for_delivery"; placedAgo?: number } = {}) {
  const id = uniqueId();
  const placed = new Date(Date.now() - (opts.placedAgo ?? 3 * 24 * H)).toISOString();
  const order = indianOrder({ id, cod: false, phone, email: `c${id}@example.in`, customerId: Number(String(id).slice(-9)), createdAt: placed, updatedAt: placed });
  await postOrder(order);
  const awb = `SR${id}`;
  const scanAt = Date.now() - (opts.scanAgo ?? 2 * H);
  await postShiprocket(
    shiprocketTracking(awb, String(order.name), [
      ["picked_up", scanAt - 20 * H, "Bhiwandi WH"],
      [opts.last ?? "in_transit", scanAt, opts.place ?? "Nagpur Hub"],
    ]),
  );
  return { id: String(id), name: String(order.name), awb, scanAt };
}

interface ActionRow { id: string; kind: string; status: string; params: string; idempotencyKey: string; request: string | null }

async function decisionsFor(type: string, subject: string) {
  return (await (await api(`/api/decisions?type=${type}&subject=${encodeURIComponent(subject)}`)).json<{ decisions: any[] }>()).decisions;
}

async function actionsOf(decisionId: string): Promise<ActionRow[]> {
  return (await env.DB.prepare(`SELECT id, kind, status, params, idempotency_key AS idempotencyKey, request FROM actions WHERE decision_id = ? ORDER BY idempotency_key`).bind(decisionId).all<ActionRow>()).results;
}

/** The outbox ran it: dry-run here, since the tests hold no vendor credentials. */
async function ranDry(actionId: string) {
  await vi.waitFor(async () => {
    const row = await env.DB.prepare(`SELECT status, last_error AS e FROM actions WHERE id = ?`).bind(actionId).first<{ status: string; e: string | null }>();
    expect(row, "action row").not.toBeNull();
    expect(row!.status, row!.e ?? "").toBe("dry_run");
  }, { timeout: 8000, interval: 100 });
}

const link = async (orderId: string) => `https://switchyard.test/t/${await signTrackingToken("test-tracking-secret", orderId)}`;

describe("WISMO on WhatsApp", () => {
  it("English: answered in the 24-hour window with the live status, last scan (place, IST), ETA and the tracking page", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { place: "Nagpur Hub" });
    await customerWrites(phone, "Hi, where is my order?");
    const [d] = await decisionsFor("wismo_autoreply", `order:${o.id}`);
    expect(d, "a WISMO answer for this order").toBeDefined();
    // Answered in seconds: from the webhook's acceptance to the decision with its reply in the outbox.
    const tookMs = Date.parse(d.createdAt) - lastReceivedAt;
    console.log(`wismo answer decided ${tookMs} ms after the webhook was accepted`);
    expect(tookMs).toBeLessThan(5_000);
    expect(d.reasons.join(" | ")).toContain("classified wismo");
    expect(d.reasons.join(" | ")).toContain("inside the 24-hour customer-service window");
    const [reply] = await actionsOf(d.id);
    expect(reply!.kind).toBe("whatsapp.text");
    const params = JSON.parse(reply!.params);
    expect(params.to).toBe(phone);
    expect(params.text).toContain(`Your order ${o.name} is on its way.`);
    expect(params.text).toMatch(/Last update from .+: \d{1,2} \w{3}, \d\d:\d\d IST at Nagpur Hub\./);
    expect(params.text).toMatch(/Expected delivery: \d{1,2} \w{3}\./);
    expect(params.text).toContain(`Track it live: ${await link(o.id)}`);
    // Through the contact policy (its ledger has the message) and the outbox (the actions queue ran it).
    expect(await count(`SELECT count(*) AS n FROM customer_contacts WHERE action_id = ?`, reply!.id)).toBe(1);
    await ranDry(reply!.id);
    // The conversation on the order page: the customer's words and our answer, the phone masked.
    const page = await (await SELF.fetch(`https://switchyard.test/orders/${o.id}`, { headers: { cookie: await dashboardCookie() } })).text();
    expect(page).toContain("WhatsApp conversation");
    expect(page).toContain("Hi, where is my order?");
    expect(page).toContain(`Your order ${o.name} is on its way.`);
  });

  it("Hindi (Devanagari): the customer's latest open order, answered in Hindi", async () => {
    const phone = phoneFor(uniqueId());
    const older = await shippedOrder(phone, { last: "out_for_delivery", place: "Pune DC", placedAgo: 6 * 24 * H });
    const newer = await shippedOrder(phone, { place: "Indore Hub", placedAgo: 2 * 24 * H });
    await customerWrites(phone, "मेरा ऑर्डर कहाँ है?");
    expect(await decisionsFor("wismo_autoreply", `order:${older.id}`)).toHaveLength(0);
    const [d] = await decisionsFor("wismo_autoreply", `order:${newer.id}`);
    expect(d.reasons.join(" | ")).toContain("the customer's latest open order");
    const text = JSON.parse((await actionsOf(d.id))[0]!.params).text as string;
    expect(text).toContain(`आपका ऑर्डर ${newer.name} रास्ते में है`);
    expect(text).toContain("Indore Hub");
    expect(text).toContain(await link(newer.id));
  });

  it("Hinglish: the order named in the text, not the latest one", async () => {
    const phone = phoneFor(uniqueId());
    const named = await shippedOrder(phone, { last: "out_for_delivery", place: "Pune DC", placedAgo: 6 * 24 * H });
    const latest = await shippedOrder(phone, { place: "Indore Hub", placedAgo: 2 * 24 * H });
    await customerWrites(phone, `bhai mera order ${named.name} kab aayega`);
    expect(await decisionsFor("wismo_autoreply", `order:${latest.id}`)).toHaveLength(0);
    const [d] = await decisionsFor("wismo_autoreply", `order:${named.id}`);
    expect(d.reasons.join(" | ")).toContain(`order ${named.name} found by the name in the text`);
    const text = JSON.parse((await actionsOf(d.id))[0]!.params).text as string;
    // Hinglish is answered in Hindi, as the contact policy reads it.
    expect(text).toContain(`आपका ऑर्डर ${named.name} आज डिलीवरी के लिए निकल चुका है`);
    expect(text).toContain("Pune DC");
  });

  it("does not tell a stranger about someone else's order they name", async () => {
    const owner = phoneFor(uniqueId());
    const o = await shippedOrder(owner);
    const stranger = phoneFor(uniqueId());
    await customerWrites(stranger, `where is my order ${o.name}?`);
    expect(await decisionsFor("wismo_autoreply", `order:${o.id}`)).toHaveLength(0);
    const [d] = await decisionsFor("whatsapp_inbound", `customer:whatsapp:${stranger}`);
    expect(d.actions.map((a: { kind: string }) => a.kind)).toEqual(["helpdesk.create_ticket", "whatsapp.text"]);
    expect(JSON.stringify(d.actions)).not.toContain("Nagpur");
  });

  it("a stalled shipment: the same facts, plus a high-priority ticket for a person", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { scanAgo: 50 * H, place: "Hyderabad Hub" });
    await customerWrites(phone, "where is my parcel? no update for days");
    const [answer] = await decisionsFor("wismo_autoreply", `order:${o.id}`);
    const text = JSON.parse((await actionsOf(answer.id))[0]!.params).text as string;
    expect(text).toContain("Hyderabad Hub");
    expect(text).toContain("a person from our team is looking into it");
    const escalations = (await decisionsFor("support_escalation", `order:${o.id}`)).filter((x) => String(x.dedupeKey).includes(":whatsapp:"));
    expect(escalations).toHaveLength(1);
    const [ticket] = await actionsOf(escalations[0].id);
    expect(ticket!.kind).toBe("helpdesk.create_ticket");
    const p = JSON.parse(ticket!.params);
    expect(p.priority).toBe("high");
    expect(p.tags).toContain("switchyard-escalated");
    expect(p.context).toMatch(/stalled: no carrier scan for 5\d\.\d h/);
  });

  it("outside the 24-hour window: the approved wismo_status template, not free text", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { place: "Nagpur Hub" });
    // Meta redelivers a message the worker could not take for a day and more.
    await customerWrites(phone, "where is my order", 30 * H);
    const [d] = await decisionsFor("wismo_autoreply", `order:${o.id}`);
    expect(d.reasons.join(" | ")).toContain("past the 24-hour customer-service window: approved template");
    const [reply] = await actionsOf(d.id);
    expect(reply!.kind).toBe("whatsapp.template");
    const p = JSON.parse(reply!.params);
    expect(p.template).toBe("wismo_status");
    expect(p.bodyParams[1]).toBe(o.name);
    expect(p.bodyParams[2]).toBe("is on its way");
    expect(p.bodyParams[3]).toMatch(/IST, Nagpur Hub$/);
    expect(p.bodyParams[5]).toBe(await link(o.id));
    await ranDry(reply!.id);
  });
});

describe("the overview counts where WISMO was answered", () => {
  const panel = async () => {
    const html = await (await SELF.fetch("https://switchyard.test/", { headers: { cookie: await dashboardCookie() } })).text();
    const n = (k: string) => Number(new RegExp(`data-wismo="${k}">[^<]*?(\\d+)`).exec(html)?.[1] ?? NaN);
    return { whatsapp: n("whatsapp"), helpdesk: n("helpdesk"), agents: n("agents") };
  };

  it("one more on WhatsApp for a WhatsApp question, one more in the helpdesk for an auto-answered ticket", async () => {
    const before = await panel();
    expect(Number.isFinite(before.whatsapp)).toBe(true);
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone);
    await customerWrites(phone, "where is my order");
    const order = await (await api(`/api/orders/${o.id}`)).json<any>();
    await postGorgias(gorgiasTicket({ id: uniqueId() % 1_000_000_000, email: order.order.email, subject: `Where is my order ${o.name}?`, body: "Still not here", createdAt: Date.now() - 60_000 }));
    const after = await panel();
    expect(after.whatsapp).toBe(before.whatsapp + 1);
    expect(after.helpdesk).toBe(before.helpdesk + 1);
    expect(after.agents).toBe(before.agents);
  });
});

describe("typed answers to the COD and NDR questions", () => {
  it("a typed \"cancel\" on a pending COD order does what the Cancel button does", async () => {
    const viaText = await pendingCod();
    const viaButton = await pendingCod();
    await customerWrites(viaText.phone, "cancel");
    await pressButton(viaButton.phone, `cod:cancel:${viaButton.name}`);
    const text = await (await api(`/api/orders/${viaText.id}`)).json<any>();
    const button = await (await api(`/api/orders/${viaButton.id}`)).json<any>();
    expect(text.journey.state).toBe("cancelled");
    expect(text.journey.history.map((t: { to: string }) => t.to)).toEqual(button.journey.history.map((t: { to: string }) => t.to));
    // The message keeps the customer's words and carries the button's payload.
    const row = await env.DB.prepare(`SELECT text, payload, order_id AS orderId FROM messages WHERE phone = ? AND direction = 'inbound'`).bind(viaText.phone).first<{ text: string; payload: string; orderId: string }>();
    expect(row).toEqual({ text: "cancel", payload: `cod:cancel:${viaText.name}`, orderId: viaText.id });
    // Not a ticket, not a WISMO answer.
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE type IN ('whatsapp_inbound', 'wismo_autoreply') AND subject_id = ?`, viaText.id)).toBe(0);
  });

  it("\"haan\" confirms a pending COD order", async () => {
    const o = await pendingCod();
    await customerWrites(o.phone, "haan");
    expect((await (await api(`/api/orders/${o.id}`)).json<any>()).journey.state).toBe("confirmed");
  });

  it("\"kal bhejo\" on an open NDR asks the carrier to re-attempt, as the button does", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone);
    await postShiprocket(shiprocketTracking(o.awb, o.name, [["picked_up", o.scanAt - 20 * H, "Bhiwandi WH"], ["in_transit", o.scanAt, "Nagpur Hub"], ["failed_attempt", Date.now() - H, "Nagpur DC"]]));
    await customerWrites(phone, "kal bhejo please, main ghar pe rahunga");
    const replies = (await decisionsFor("ndr_followup", `order:${o.id}`)).filter((d) => String(d.dedupeKey).includes(":reply:"));
    const withAction = replies.find((d) => d.actions.some((a: { kind: string }) => a.kind === "shiprocket.ndr_action"));
    expect(withAction, JSON.stringify(replies.map((r) => r.reasons))).toBeDefined();
    expect(withAction.actions[0].params).toMatchObject({ awb: o.awb, action: "re-attempt" });
    const row = await env.DB.prepare(`SELECT text, payload FROM messages WHERE phone = ? AND direction = 'inbound'`).bind(phone).first<{ text: string; payload: string }>();
    expect(row).toEqual({ text: "kal bhejo please, main ghar pe rahunga", payload: `ndr:reattempt:${o.name}` });
  });

  async function pendingCod() {
    const id = uniqueId();
    const phone = phoneFor(id);
    const at = new Date(Date.now() - 10 * 60_000).toISOString();
    // Each customer their own (the fixture's customer id is shared by every order built from it).
    const order = indianOrder({ id, totalPrice: "2750.00", phone, customerId: Number(String(id).slice(-9)), createdAt: at, updatedAt: at });
    await postOrder(order);
    expect((await (await api(`/api/orders/${id}`)).json<any>()).journey.state).toBe("cod_confirmation_pending");
    return { id: String(id), name: String(order.name), phone };
  }

  async function pressButton(phone: string, payload: string) {
    const fixture = (await import("../fixtures/vendor/whatsapp/inbound-template-quick_reply-button.json")).default;
    const p = structuredClone(fixture) as any;
    const value = p.entry[0].changes[0].value;
    value.contacts[0].wa_id = phone.slice(1);
    Object.assign(value.messages[0], { from: phone.slice(1), id: `wamid.${uniqueId()}`, timestamp: String(Math.floor(Date.now() / 1000) - 30), button: { payload, text: "Cancel order" } });
    await postWhatsapp(p);
  }
});

describe("everything else goes to a person", () => {
  it("an unknown sender gets a ticket and a reply that a person will answer, not an error", async () => {
    const phone = phoneFor(uniqueId());
    // The brand's helpdesk, named in the policy (without it: the one with credentials, else the busiest).
    await putPolicy({ whatsapp_inbound: { helpdesk: "freshdesk" } });
    try {
      await customerWrites(phone, "Do you ship to Guwahati? I want to gift your kumkumadi oil");
    } finally {
      await putPolicy({ whatsapp_inbound: { helpdesk: null } });
    }
    const [d] = await decisionsFor("whatsapp_inbound", `customer:whatsapp:${phone}`);
    expect(d.reasons.join(" | ")).toContain("unknown sender: no customer with this phone");
    const [ticket, ack] = await actionsOf(d.id);
    expect(ticket!.kind).toBe("helpdesk.create_ticket");
    const p = JSON.parse(ticket!.params);
    expect(p.message).toBe("Do you ship to Guwahati? I want to gift your kumkumadi oil");
    expect(p.requester).toEqual({ name: null, email: null, phone });
    expect(p.context).toContain("no customer with this phone");
    expect(ack!.kind).toBe("whatsapp.text");
    expect(JSON.parse(ack!.params).text).toContain("a person will reply to you here shortly");
    await ranDry(ticket!.id);
    // Dry-run shows what Freshdesk would get.
    const request = JSON.parse((await env.DB.prepare(`SELECT request FROM actions WHERE id = ?`).bind(ticket!.id).first<{ request: string }>())!.request);
    expect(request[0].url).toMatch(/\/api\/v2\/tickets$/);
    expect(request[0].body).toMatchObject({ phone, source: 7, status: 2, subject: "WhatsApp: a message" });
  });

  it("a damage complaint opens one ticket with the order context; its follow-up is appended to it, and the customer is told once", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { last: "out_for_delivery" });
    await customerWrites(phone, `The bottle in my order ${o.name} arrived broken and leaking`);
    const [first] = await decisionsFor("whatsapp_inbound", `order:${o.id}`);
    const [create, ack] = await actionsOf(first.id);
    expect(create!.kind).toBe("helpdesk.create_ticket");
    const params = JSON.parse(create!.params);
    expect(params.subject).toBe(`WhatsApp: damaged or wrong item (${o.name})`);
    expect(params.tags).toEqual(["whatsapp", "damaged"]);
    expect(params.context).toContain(`Order ${o.name} (id ${o.id})`);
    expect(params.context).toContain(`AWB ${o.awb}`);
    expect(ack!.kind).toBe("whatsapp.text");

    await customerWrites(phone, "Sending photos now. Please replace it, I need it for a gift");
    const all = await decisionsFor("whatsapp_inbound", `order:${o.id}`);
    expect(all).toHaveLength(2);
    const follow = all.find((d) => d.id !== first.id)!;
    expect(follow.reasons.join(" | ")).toContain("follow-up in the open conversation");
    const [append] = await actionsOf(follow.id);
    expect(append!.kind).toBe("helpdesk.add_message");
    expect(JSON.parse(append!.params)).toMatchObject({ createKey: create!.idempotencyKey, message: "Sending photos now. Please replace it, I need it for a gift" });
    expect(await count(`SELECT count(*) AS n FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE a.kind = 'helpdesk.create_ticket' AND d.subject_id = ?`, o.id)).toBe(1);
    // Told once that a person will answer: the follow-up sends the customer nothing.
    expect(await count(`SELECT count(*) AS n FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.type = 'whatsapp_inbound' AND a.kind LIKE 'whatsapp.%' AND json_extract(a.params, '$.to') = ?`, phone)).toBe(1);
    expect(await count(`SELECT messages AS n FROM whatsapp_conversations WHERE create_key = ?`, create!.idempotencyKey)).toBe(2);
    await ranDry(append!.id);
  });
});

describe("a burst of messages", () => {
  it("two complaints sent together open one ticket; the other is appended to it", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { last: "out_for_delivery" });
    const payload = (body: string) => {
      const p = structuredClone(textFixture) as any;
      const value = p.entry[0].changes[0].value;
      value.contacts[0].wa_id = phone.slice(1);
      Object.assign(value.messages[0], { from: phone.slice(1), id: `wamid.${uniqueId()}`, timestamp: String(Math.floor(Date.now() / 1000) - 20), text: { body } });
      return p;
    };
    // Both in flight at once, so one ingest batch can hold both.
    await Promise.all([postWhatsapp(payload("the lid is broken")), postWhatsapp(payload("and the oil leaked all over the box"))]);
    const decided = await decisionsFor("whatsapp_inbound", `order:${o.id}`);
    expect(decided).toHaveLength(2);
    const kinds = decided.flatMap((d) => d.actions.map((a: { kind: string }) => a.kind)).sort();
    expect(kinds).toEqual(["helpdesk.add_message", "helpdesk.create_ticket", "whatsapp.text"]);
    expect(await count(`SELECT count(*) AS n FROM whatsapp_conversations WHERE phone = ?`, phone)).toBe(1);
  });
});

describe("privacy", () => {
  it("a customers/redact erases the customer's WhatsApp conversation with the rest", async () => {
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone);
    await customerWrites(phone, "The parcel box was torn and the bottle leaked");
    expect(await count(`SELECT count(*) AS n FROM whatsapp_conversations WHERE phone = ?`, phone)).toBe(1);
    const order = await (await api(`/api/orders/${o.id}`)).json<any>();
    const redact = { shop_id: 954889, shop_domain: "vanaspati.myshopify.com", customer: { id: Number(order.order.customerId), email: order.order.email, phone }, orders_to_redact: [Number(o.id)] };
    const { id } = await (await SELF.fetch(await shopifyRequest({ topic: "customers/redact", payload: redact }))).json<{ id: string }>();
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM whatsapp_conversations WHERE phone = ?`, phone)).toBe(0);
  });
});

describe("the helpdesk calls, as Freshdesk answers them", () => {
  const live = configFromEnv({ ...env, FRESHDESK_DOMAIN: "acme", FRESHDESK_API_KEY: "f-secret" } as Env);

  async function deliver(actionIds: string[], fetch: (u: string, i: RequestInit) => Promise<Response>) {
    const batch = createMessageBatch<ActionMessage>("switchyard-actions", actionIds.map((actionId, i) => ({ id: `m-${actionId}-${i}`, timestamp: new Date(), attempts: 1, body: { actionId } })));
    const ctx = createExecutionContext();
    await handleActionsBatch(batch, env, { config: live, fetch });
    return getQueueResult(batch, ctx);
  }

  async function insertAction(key: string, kind: string, params: unknown): Promise<string> {
    const id = `act-${uniqueId()}`;
    await env.DB.prepare(
      `INSERT INTO actions (id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, created_at, updated_at) VALUES (?, 'helpdesk', ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    ).bind(id, kind, key, Date.now(), JSON.stringify(params), Date.now(), Date.now()).run();
    return id;
  }

  it("creates the ticket, adds the context as a private note, and appends the follow-up as an incoming note", async () => {
    const phone = phoneFor(uniqueId());
    const createKey = `whatsapp_inbound:customer:whatsapp:${phone}:whatsapp:wamid.x:0:helpdesk.create_ticket`;
    await env.DB.prepare(
      `INSERT INTO whatsapp_conversations (id, phone, helpdesk, create_key, category, status, opened_at, last_message_at) VALUES (?, ?, 'freshdesk', ?, 'damaged', 'open', ?, ?)`,
    ).bind(`wa:${phone}:x`, phone, createKey, Date.now(), Date.now()).run();
    const requester = { name: "Asha", email: null, phone };
    const create = await insertAction(createKey, "helpdesk.create_ticket", { helpdesk: "freshdesk", subject: "WhatsApp: damaged or wrong item", message: "Arrived broken <b>badly</b>", context: "Order #1042", requester, priority: "normal", assignee: null, tags: ["whatsapp"] });
    const append = await insertAction(`append-${phone}`, "helpdesk.add_message", { helpdesk: "freshdesk", ticketId: null, createKey, message: "Photos attached", requester });

    const calls: { key: string; body: any; auth: string | null }[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      const key = `${init.method} ${url}`;
      calls.push({ key, body: JSON.parse(String(init.body)), auth: new Headers(init.headers).get("authorization") });
      // Freshdesk answers a create with the ticket (201) and a note with the note (201).
      if (key === "POST https://acme.freshdesk.com/api/v2/tickets") return new Response(JSON.stringify({ ...freshdeskCreated, id: 4242, requester_id: 77 }), { status: 201, headers: { "content-type": "application/json" } });
      if (key === "POST https://acme.freshdesk.com/api/v2/tickets/4242/notes") return new Response(JSON.stringify({ id: 9, ticket_id: 4242 }), { status: 201, headers: { "content-type": "application/json" } });
      throw new Error(`unexpected request ${key}`);
    };

    // The follow-up waits (without spending attempts) until the ticket exists.
    const early = await deliver([append], fetch);
    expect(early.retryMessages).toHaveLength(1);
    expect(calls).toHaveLength(0);

    await deliver([create], fetch);
    expect(calls.map((c) => c.key)).toEqual(["POST https://acme.freshdesk.com/api/v2/tickets", "POST https://acme.freshdesk.com/api/v2/tickets/4242/notes"]);
    expect(calls[0]!.auth).toBe(`Basic ${btoa("f-secret:X")}`);
    expect(calls[0]!.body).toMatchObject({ name: "Asha", phone, subject: "WhatsApp: damaged or wrong item", description: "Arrived broken &lt;b&gt;badly&lt;/b&gt;", status: 2, priority: 2, source: 7 });
    expect(calls[1]!.body).toEqual({ body: "Order #1042", private: true });
    const created = await env.DB.prepare(`SELECT status, external_id AS externalId FROM actions WHERE id = ?`).bind(create).first();
    expect(created).toEqual({ status: "sent", externalId: "4242" });
    expect(await env.DB.prepare(`SELECT ticket_id AS t, requester_id AS r FROM whatsapp_conversations WHERE create_key = ?`).bind(createKey).first()).toEqual({ t: "4242", r: "77" });

    await env.DB.prepare(`UPDATE actions SET next_attempt_at = ? WHERE id = ?`).bind(Date.now(), append).run();
    await deliver([append], fetch);
    expect(calls[2]).toMatchObject({ key: "POST https://acme.freshdesk.com/api/v2/tickets/4242/notes", body: { body: "Photos attached", private: false, incoming: true } });
    expect((await env.DB.prepare(`SELECT status FROM actions WHERE id = ?`).bind(append).first<{ status: string }>())!.status).toBe("sent");

    // A retry of the create after it went through opens no second ticket.
    await env.DB.prepare(`UPDATE actions SET status = 'pending', next_attempt_at = ? WHERE id = ?`).bind(Date.now(), create).run();
    await deliver([create], fetch);
    expect(calls.filter((c) => c.key === "POST https://acme.freshdesk.com/api/v2/tickets")).toHaveLength(1);
  });
});

async function dashboardCookie(): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/login", {
    method: "POST",
    body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `198.51.100.${(uniqueId() % 200) + 20}` },
    redirect: "manual",
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

// Last in the file: the brand's model is stored in this file's D1 for the rest of it.
describe("the brand's learned ticket model", () => {
  it("reads words the keyword rules do not know (\"parcel kidhar pahucha\") as WISMO and answers with the status", async () => {
    const examples = [
      ...Array.from({ length: 20 }, (_, i) => ({ subject: "", body: `parcel kidhar pahucha bhai ${i}`, category: "wismo" })),
      ...Array.from({ length: 20 }, (_, i) => ({ subject: "", body: `bottle tuta hua aaya ${i}`, category: "damaged" })),
    ];
    await saveTicketModel(env.DB, trainTicketModel(examples), Date.now());
    const phone = phoneFor(uniqueId());
    const o = await shippedOrder(phone, { place: "Surat Hub" });
    await customerWrites(phone, "parcel kidhar pahucha");
    const [d] = await decisionsFor("wismo_autoreply", `order:${o.id}`);
    expect(d, "answered as WISMO").toBeDefined();
    expect(d.reasons.join(" | ")).toMatch(/classified wismo \(the brand's ticket model \(p=[01]\.\d\d\)\)/);
    expect(JSON.parse((await actionsOf(d.id))[0]!.params).text).toContain("Surat Hub");
  });
});
