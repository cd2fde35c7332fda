/** Inbound WhatsApp, the pure part: order references, typed answers, and what a message decides (decisions/inbound-message.ts); the helpdesk requests it becomes. */
import { describe, expect, it } from "vitest";
import { buildTicketRequests, createdIds } from "../../src/connectors/helpdesk-tickets";
import type { ActionSpec } from "../../src/canonical/actions";
import type { JourneySnapshot, OrderSummary } from "../../src/decisions/context";
import { decideInboundMessage, extractOrderReferences, typedAnswer, type InboundContext } from "../../src/decisions/inbound-message";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";
import { recordedMode } from "../../src/decisions/approval";

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 6, 30);

describe("order references in a message", () => {
  it("finds names and AWBs, and does not take a phone number for an AWB", () => {
    expect(extractOrderReferences("where is #1042?")).toEqual({ names: ["#1042"], awbs: [] });
    expect(extractOrderReferences("order no. 20415 kab aayega")).toEqual({ names: ["#20415"], awbs: [] });
    expect(extractOrderReferences("AWB SR1042556781 not moving")).toEqual({ names: [], awbs: ["SR1042556781"] });
    expect(extractOrderReferences("call me on 9876543210 or 919876543210").awbs).toEqual([]);
  });
});

describe("typed answers", () => {
  const cod = { cod: "#1042", ndr: null };
  const ndr = { cod: null, ndr: "#1042" };
  it.each([
    ["yes", "cod:confirm:#1042"],
    ["Haan", "cod:confirm:#1042"],
    ["confirm", "cod:confirm:#1042"],
    ["हाँ", "cod:confirm:#1042"],
    ["cancel", "cod:cancel:#1042"],
    ["nahi chahiye", "cod:cancel:#1042"],
    ["Cancel kar do please", "cod:cancel:#1042"],
  ])("COD pending: %s → %s", (text, payload) => expect(typedAnswer(text, cod)?.payload).toBe(payload));

  it.each([
    ["kal bhejo", "ndr:reattempt:#1042"],
    ["dobara bhejo, ghar pe hoon", "ndr:reattempt:#1042"],
    ["yes", "ndr:reattempt:#1042"],
    ["return kar do", "ndr:return:#1042"],
    ["nahi chahiye", "ndr:return:#1042"],
  ])("NDR open: %s → %s", (text, payload) => expect(typedAnswer(text, ndr)?.payload).toBe(payload));

  it("is no answer without a question waiting, when negated or mixed, when it asks something, or when it is long", () => {
    expect(typedAnswer("yes", { cod: null, ndr: null })).toBeNull();
    expect(typedAnswer("don't cancel", cod)).toBeNull();
    expect(typedAnswer("cancel mat karo", cod)).toBeNull();
    expect(typedAnswer("yes no", cod)).toBeNull();
    expect(typedAnswer("ok, where is my order?", cod)).toBeNull();
    expect(typedAnswer("yes I would like to know more about the ingredients of this oil and whether it suits dry skin in winter", cod)).toBeNull();
  });
});

const order: OrderSummary = {
  id: "6001", name: "#2001", totalPrice: 149_900, currency: "INR", paymentMethod: "prepaid", customerId: "8001", customerFirstName: "Asha",
  phone: "+919900112233", email: "asha@example.in", lineItems: [{ sku: "KUMKUMADI-30ML", title: "Kumkumadi Face Oil", quantity: 1, unitPrice: 149_900, variantId: "1", productId: "2", category: "Skincare" }],
  shippingPincode: "560034", shippingCity: "Bengaluru", createdAt: NOW - 3 * 24 * H, cancelledAt: null,
};
const journey: JourneySnapshot = {
  state: "in_transit", stateAt: NOW - 20 * H, lastScanAt: NOW - 3 * H, lastScanLocation: "Nagpur Hub", awb: "SR2001", carrier: "delhivery", origin: "BLR", eta: NOW + 24 * H,
  failedAttempts: 0, trackingUrl: "https://shiprocket.co/tracking/SR2001", deliveredAt: null,
};
const base: InboundContext = {
  message: { messageId: "wamid.1", phone: "+919900112233", text: "where is my order?", at: NOW - 60_000 },
  category: "wismo",
  classifiedBy: "the keyword rules",
  customer: { id: "8001", firstName: "Asha", email: "asha@example.in", phone: "+919900112233", ordersCount: 2 },
  order,
  orderFoundBy: "latest_open",
  journey,
  scans: [],
  revisedEta: null,
  trackingUrl: "https://sy.example/t/abc.def",
  conversation: null,
  helpdesk: "freshdesk",
};

describe("what a message decides", () => {
  it("WISMO on a healthy shipment: one free-form answer with status, last scan in IST, ETA and the tracking page; no ticket", () => {
    const { drafts, opens } = decideInboundMessage(base, DEFAULT_POLICY, NOW);
    expect(opens).toBeNull();
    expect(drafts.map((d) => d.type)).toEqual(["wismo_autoreply"]);
    const a = drafts[0]!.actions[0] as Extract<ActionSpec, { kind: "whatsapp.text" }>;
    expect(a.kind).toBe("whatsapp.text");
    expect(a.params.text.split("\n")).toEqual([
      "Hi! Your order #2001 is on its way.",
      "Last update from delhivery: 1 Dec, 09:00 IST at Nagpur Hub.",
      "Expected delivery: 2 Dec.",
      "Track it live: https://sy.example/t/abc.def",
      "Reply here if anything looks wrong and we'll jump in.",
    ]);
    expect(drafts[0]!.notBefore).toBeNull();
  });

  it("says the revised ETA of the current delay alert instead of the carrier's", () => {
    const { drafts } = decideInboundMessage({ ...base, revisedEta: NOW + 72 * H }, DEFAULT_POLICY, NOW);
    expect((drafts[0]!.actions[0] as Extract<ActionSpec, { kind: "whatsapp.text" }>).params.text).toContain("Revised expected delivery: 4 Dec.");
  });

  it("outside the 24-hour window the answer is the wismo_status template, one line per parameter", () => {
    const { drafts } = decideInboundMessage({ ...base, message: { ...base.message, at: NOW - 25 * H } }, DEFAULT_POLICY, NOW);
    const a = drafts[0]!.actions[0] as Extract<ActionSpec, { kind: "whatsapp.template" }>;
    expect(a.params.template).toBe("wismo_status");
    expect(a.params.bodyParams).toEqual(["Asha", "#2001", "is on its way", "1 Dec, 09:00 IST, Nagpur Hub", "2 Dec", "https://sy.example/t/abc.def"]);
    expect(a.params.bodyParams.every((p) => !/\n|\t/.test(p))).toBe(true);
  });

  it("a failed attempt: the facts plus an escalation ticket, high priority, to the WISMO escalation assignee", () => {
    const { drafts, opens } = decideInboundMessage({ ...base, journey: { ...journey, state: "failed_attempt", failedAttempts: 1 } }, DEFAULT_POLICY, NOW);
    expect(drafts.map((d) => d.type)).toEqual(["wismo_autoreply", "support_escalation"]);
    const ticket = drafts[1]!.actions[0] as Extract<ActionSpec, { kind: "helpdesk.create_ticket" }>;
    expect(ticket.params).toMatchObject({ helpdesk: "freshdesk", priority: "high", assignee: "support-leads" });
    // The answer already said a person is on it: no second acknowledgement.
    expect(drafts[1]!.actions).toHaveLength(1);
    expect(opens?.createKey).toBe(`${drafts[1]!.dedupeKey}:0:helpdesk.create_ticket`);
  });

  it("an escalation ticket that names a person waits for approval, as escalations do", () => {
    const parsed = parsePolicy({ wismo_autoreply: { escalationAssignee: { freshdesk: "43000012345" } } });
    if (!parsed.ok) throw new Error("policy");
    const { drafts } = decideInboundMessage({ ...base, journey: { ...journey, state: "failed_attempt", failedAttempts: 1 } }, parsed.policy, NOW);
    expect(recordedMode(drafts[1]!, parsed.policy).mode).toBe("approve");
    expect(recordedMode(drafts[0]!, parsed.policy).mode).toBe("live");
  });

  it("a complaint in an open conversation is appended to its ticket, with nothing sent to the customer", () => {
    const conversation = { id: "wa:1", helpdesk: "zendesk" as const, ticketId: "88", createKey: "k" };
    const { drafts, joins, opens } = decideInboundMessage({ ...base, category: "damaged", message: { ...base.message, text: "still waiting on the replacement" }, conversation }, DEFAULT_POLICY, NOW);
    expect(opens).toBeNull();
    expect(joins).toBe("wa:1");
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.actions).toEqual([
      { kind: "helpdesk.add_message", connector: "helpdesk", params: { helpdesk: "zendesk", ticketId: "88", createKey: null, message: "still waiting on the replacement", requester: { name: "Asha", email: "asha@example.in", phone: "+919900112233" } } },
    ]);
  });

  it("an unknown sender: a ticket without an order and a Hindi acknowledgement when they write in Hindi", () => {
    const { drafts } = decideInboundMessage({ ...base, category: "other", customer: null, order: null, orderFoundBy: null, journey: null, message: { ...base.message, text: "क्या आप गुवाहाटी भेजते हैं?" } }, DEFAULT_POLICY, NOW);
    expect(drafts[0]!.subjectType).toBe("customer");
    expect(drafts[0]!.subjectId).toBe("whatsapp:+919900112233");
    expect(drafts[0]!.actions.map((a) => a.kind)).toEqual(["helpdesk.create_ticket", "whatsapp.text"]);
    expect((drafts[0]!.actions[1] as Extract<ActionSpec, { kind: "whatsapp.text" }>).params.text).toContain("हमारी टीम का एक सदस्य");
  });
});

describe("helpdesk ticket requests (dry-run shape)", () => {
  const configs = { gorgias: { domain: "acme", username: "ops@acme.in", apiKey: "g" }, freshdesk: { domain: "acme", apiKey: "f" }, zendesk: { subdomain: "acme", email: "ops@acme.in", apiToken: "z" } };
  const create = (helpdesk: "gorgias" | "freshdesk" | "zendesk", email: string | null): Extract<ActionSpec, { kind: "helpdesk.create_ticket" }> => ({
    kind: "helpdesk.create_ticket", connector: "helpdesk",
    params: { helpdesk, subject: "WhatsApp: damaged", message: "broken", context: "Order #1", requester: { name: "Asha", email, phone: "+919900112233" }, priority: "urgent", assignee: null, tags: ["whatsapp"] },
  });
  it("Gorgias: a phone-only customer is created first; the ticket carries the message and the context as an internal note", () => {
    const reqs = buildTicketRequests(create("gorgias", null), configs);
    expect(reqs.map((r) => `${r.method} ${r.url}`)).toEqual(["POST https://acme.gorgias.com/api/customers", "POST https://acme.gorgias.com/api/tickets"]);
    expect(reqs[0]!.body).toEqual({ name: "Asha", channels: [{ type: "phone", address: "+919900112233", preferred: true }] });
    const body = reqs[1]!.body as any;
    expect(body).toMatchObject({ channel: "api", via: "api", from_agent: false, priority: "critical" });
    expect(body.messages.map((m: any) => [m.channel, m.from_agent])).toEqual([["api", false], ["internal-note", true]]);
  });
  it("Freshdesk and Zendesk: the ticket, then the private context note on the id the vendor returns", () => {
    expect(buildTicketRequests(create("freshdesk", "a@b.in"), configs).map((r) => `${r.method} ${r.url}`)).toEqual(["POST https://acme.freshdesk.com/api/v2/tickets", "POST https://acme.freshdesk.com/api/v2/tickets/{TICKET_ID}/notes"]);
    const z = buildTicketRequests(create("zendesk", null), configs);
    expect(z.map((r) => `${r.method} ${r.url}`)).toEqual(["POST https://acme.zendesk.com/api/v2/tickets.json", "PUT https://acme.zendesk.com/api/v2/tickets/{TICKET_ID}.json"]);
    expect((z[0]!.body as any).ticket).toMatchObject({ requester: { name: "Asha" }, priority: "urgent", comment: { body: "broken" } });
    expect(z[1]!.body).toEqual({ ticket: { comment: { body: "Order #1", public: false } } });
    expect(createdIds("zendesk", { ticket: { id: 35436, requester_id: 20978392 } })).toEqual({ ticketId: "35436", requesterId: "20978392" });
    expect(createdIds("freshdesk", { id: 1, requester_id: 129 })).toEqual({ ticketId: "1", requesterId: "129" });
  });
  it("a Zendesk follow-up is the requester's own public comment once their user id is known", () => {
    const add: Extract<ActionSpec, { kind: "helpdesk.add_message" }> = { kind: "helpdesk.add_message", connector: "helpdesk", params: { helpdesk: "zendesk", ticketId: "35436", createKey: null, message: "photos", requester: { name: null, email: null, phone: "+919900112233" } } };
    expect(buildTicketRequests(add, configs, { ticketId: "35436", requesterId: "20978392" })[0]!.body).toEqual({ ticket: { comment: { body: "photos", public: true, author_id: 20978392 } } });
    expect((buildTicketRequests(add, configs, { ticketId: "35436", requesterId: null })[0]!.body as any).ticket.comment.public).toBe(false);
  });
});
