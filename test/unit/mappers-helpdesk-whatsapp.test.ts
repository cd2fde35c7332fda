/** Gorgias, Freshdesk, Zendesk and WhatsApp mappers, as pure functions, against vendor samples and a hand-written Freshdesk body. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapperFor } from "../../src/canonical/mappers";
import { mapFreshdeskWebhook } from "../../src/canonical/mappers/freshdesk";
import { mapGorgiasWebhook } from "../../src/canonical/mappers/gorgias";
import { mapWhatsappWebhook } from "../../src/canonical/mappers/whatsapp";
import { mapZendeskWebhook } from "../../src/canonical/mappers/zendesk";
import { UnmappableError } from "../../src/canonical/model";
import { toIsoUtc, toIsoUtcOrNull } from "../../src/canonical/normalise";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const load = (path: string): any => parseJsonKeepingBigIds(readFileSync(`test/fixtures/${path}`, "utf8"));
const RECEIVED = "ticket@2026-11-24T10:00:00.000Z";

describe("toIsoUtc with epoch-second strings (WhatsApp timestamps)", () => {
  it("reads ten-digit seconds and thirteen-digit milliseconds sent as strings", () => {
    expect(toIsoUtc("1671644824")).toBe("2022-12-21T17:47:04.000Z");
    expect(toIsoUtc("1671644824123")).toBe("2022-12-21T17:47:04.123Z");
    expect(toIsoUtc(" 1671644824 ")).toBe("2022-12-21T17:47:04.000Z");
  });

  it("leaves other digit strings and every earlier format as they were", () => {
    expect(toIsoUtcOrNull("20250108")).toBeNull();
    expect(toIsoUtcOrNull("167164482")).toBeNull();
    expect(toIsoUtc(1671644824)).toBe("2022-12-21T17:47:04.000Z");
    expect(toIsoUtc("2023-05-18 14:25:11")).toBe("2023-05-18T08:55:11.000Z");
    expect(toIsoUtc("2024-02-14T21:30:50.201204+00:00")).toBe("2024-02-14T21:30:50.201Z");
  });
});

describe("Gorgias HTTP integration", () => {
  const sample = () => load("vendor/gorgias/ticket-created-http-integration.json");

  it("maps the ticket-created sample exactly", () => {
    const batch = mapGorgiasWebhook("ticket", sample());
    expect(batch.tickets).toEqual([
      {
        helpdesk: "gorgias",
        ticketId: "86538298",
        customerId: null,
        email: "test@sample.com",
        phone: null,
        orderRef: null,
        channel: "email",
        subject: "test",
        // The thread's first message, not the first_message summary (which differs in this sample).
        body: "hello",
        category: "other",
        status: "open",
        priority: "normal",
        assignee: "test@sample.com",
        tags: [],
        createdAt: "2024-02-14T21:30:50.201Z",
        // The only message is from an agent: that is the first response.
        firstResponseAt: "2024-02-14T21:30:50.201Z",
        updatedAt: "2024-02-14T21:30:50.228Z",
        source: "gorgias",
        sourceId: "86538298",
      },
    ]);
    expect(batch.messages).toEqual([]);
  });

  it("finds the order name in the subject, classifies, and reads tags, phone and snooze", () => {
    const p = sample();
    p.subject = "Where is my order #1042?";
    p.tags = [{ id: 1, name: "urgent" }];
    p.snooze_datetime = "2024-02-15T10:00:00+00:00";
    p.customer.channels.push({ type: "phone", address: "+91 98765 43210" });
    p.messages[0].from_agent = false;
    const [t] = mapGorgiasWebhook("ticket", p).tickets;
    expect(t).toMatchObject({ orderRef: "#1042", category: "wismo", tags: ["urgent"], phone: "+919876543210", status: "pending", firstResponseAt: null });
  });

  it("takes the earliest agent message as first response, and the order from an 'Order number' custom field", () => {
    const p = sample();
    p.messages = [
      { ...p.messages[0], id: 2, from_agent: true, body_text: "Sorry for the delay", created_datetime: "2024-02-14T23:00:00+00:00" },
      { ...p.messages[0], id: 1, from_agent: false, body_text: "My parcel shows delivered but I never got it", created_datetime: "2024-02-14T21:30:50+00:00" },
    ];
    p.custom_fields = { "77": { id: 77, label: "Order number", value: "1042" }, "78": { id: 78, label: "Pincode", value: "560038" } };
    const [t] = mapGorgiasWebhook("ticket", p).tickets;
    expect(t).toMatchObject({ body: "My parcel shows delivered but I never got it", category: "delivered_not_received", firstResponseAt: "2024-02-14T23:00:00.000Z", orderRef: "#1042" });
  });

  it("accepts the ticket wrapped as {ticket: {...}}", () => {
    expect(mapGorgiasWebhook("ticket", { ticket: sample() }).tickets[0]?.ticketId).toBe("86538298");
  });

  it("refuses payloads that are not a ticket", () => {
    expect(() => mapGorgiasWebhook("ticket", { hello: "world" })).toThrow(UnmappableError);
    expect(() => mapGorgiasWebhook("ticket", { ...sample(), created_datetime: "yesterday" })).toThrow(/created_datetime is not a valid time/);
    expect(() => mapGorgiasWebhook("ticket", null)).toThrow(UnmappableError);
    expect(() => mapGorgiasWebhook("ticket", [])).toThrow(UnmappableError);
  });
});

describe("Freshdesk", () => {
  it("maps the hand-written automation webhook body exactly", () => {
    const batch = mapFreshdeskWebhook(RECEIVED, load("freshdesk/automation-webhook.json"));
    expect(batch.tickets).toEqual([
      {
        helpdesk: "freshdesk",
        ticketId: "4821",
        customerId: null,
        email: "riya.sharma@gmail.com",
        phone: "+919876543210",
        orderRef: "#1042",
        channel: "email",
        subject: "Order #1042 kab aayega?",
        body: "Hi, I ordered on 20th Nov. Tracking has not moved for 3 days.\nPlease help.",
        category: "wismo",
        status: "open",
        priority: "medium",
        assignee: null,
        tags: ["wismo", "bengaluru"],
        createdAt: "2026-11-24T09:15:00.000Z",
        firstResponseAt: null,
        updatedAt: "2026-11-24T09:15:02.000Z",
        source: "freshdesk",
        sourceId: "4821",
      },
    ]);
  });

  it("takes the order from ticket_cf_order_number when the text names none, and the receipt time when the body has none", () => {
    const p = load("freshdesk/automation-webhook.json");
    Object.assign(p.freshdesk_webhook, { ticket_subject: "Help", ticket_description: "Box arrived broken", ticket_created_at: undefined, ticket_updated_at: undefined, ticket_status: "Resolved", ticket_priority: "4" });
    const [t] = mapFreshdeskWebhook(RECEIVED, p).tickets;
    expect(t).toMatchObject({ orderRef: "#1042", category: "damaged", createdAt: "2026-11-24T10:00:00.000Z", updatedAt: "2026-11-24T10:00:00.000Z", status: "solved", priority: "urgent" });
  });

  it("maps the API ticket object (view-ticket sample): numeric status, priority and source", () => {
    expect(mapFreshdeskWebhook(RECEIVED, load("vendor/freshdesk/ticket-view-response.json")).tickets).toEqual([
      {
        helpdesk: "freshdesk",
        ticketId: "20",
        customerId: null,
        email: null,
        phone: null,
        orderRef: null,
        channel: "portal",
        subject: "",
        body: "Not given.",
        category: "other",
        status: "open",
        priority: "low",
        assignee: null,
        tags: [],
        createdAt: "2015-08-24T11:56:51.000Z",
        firstResponseAt: null,
        updatedAt: "2015-08-24T11:59:05.000Z",
        source: "freshdesk",
        sourceId: "20",
      },
    ]);
  });

  it("folds status codes 2–5 into open/pending/solved/closed and priority 1–4 into low…urgent", () => {
    const t = load("vendor/freshdesk/ticket-create-response.json");
    const at = (status: number, priority: number) => mapFreshdeskWebhook(RECEIVED, { ...t, status, priority }).tickets[0]!;
    expect([2, 3, 4, 5].map((s) => at(s, 1).status)).toEqual(["open", "pending", "solved", "closed"]);
    expect([1, 2, 3, 4].map((p) => at(2, p).priority)).toEqual(["low", "medium", "high", "urgent"]);
  });

  it("reads the requester, stats and an order custom field when the API call included them", () => {
    const t = { ...load("vendor/freshdesk/ticket-view-response.json"), requester: { email: "Amit@Example.in", mobile: "9876543210" }, stats: { first_responded_at: "2015-08-24T12:30:00Z" }, custom_fields: { cf_order_number: "#2077" } };
    expect(mapFreshdeskWebhook(RECEIVED, t).tickets[0]).toMatchObject({ email: "amit@example.in", phone: "+919876543210", firstResponseAt: "2015-08-24T12:30:00.000Z", orderRef: "#2077" });
  });

  it("refuses bodies it cannot understand", () => {
    expect(() => mapFreshdeskWebhook(RECEIVED, { freshdesk_webhook: { ticket_subject: "no id" } })).toThrow(/freshdesk automation webhook: ticket_id/);
    expect(() => mapFreshdeskWebhook("ticket", { freshdesk_webhook: { ticket_id: "1" } })).toThrow(/no receipt time/);
    expect(() => mapFreshdeskWebhook(RECEIVED, { id: 1, status: "open" })).toThrow(UnmappableError);
    expect(() => mapFreshdeskWebhook(RECEIVED, "text")).toThrow(UnmappableError);
  });
});

describe("Zendesk", () => {
  it("maps the ticket.created event exactly", () => {
    expect(mapZendeskWebhook("ticket", load("vendor/zendesk/webhook-ticket-created.json")).tickets).toEqual([
      {
        helpdesk: "zendesk",
        ticketId: "5158",
        customerId: null,
        // Events carry only requester_id: the ticket links by order reference or not at all.
        email: null,
        phone: null,
        orderRef: null,
        channel: "web_service",
        subject: "ticketinfo_2294a6e9ece2",
        body: "ticket_info_desc_2294a6e9ece2",
        category: "other",
        status: "open",
        priority: "low",
        assignee: "8447388090494",
        tags: ["ticket-info-test-tag"],
        createdAt: "2025-01-08T10:12:07.000Z",
        firstResponseAt: null,
        updatedAt: "2025-01-08T10:12:07.000Z",
        source: "zendesk",
        sourceId: "5158",
      },
    ]);
  });

  it("maps status_changed (SOLVED) and takes a public staff comment as the first response", () => {
    expect(mapZendeskWebhook("ticket", load("vendor/zendesk/webhook-ticket-status_changed.json")).tickets[0]).toMatchObject({ status: "solved", updatedAt: "2025-01-08T16:45:20.000Z", firstResponseAt: null });
    const comment = mapZendeskWebhook("ticket", load("vendor/zendesk/webhook-ticket-comment_added.json")).tickets[0];
    expect(comment).toMatchObject({ status: "open", priority: "high", firstResponseAt: "2025-01-08T14:25:30.123Z", tags: ["mobile", "login", "priority-support"] });
    const p = load("vendor/zendesk/webhook-ticket-comment_added.json");
    p.event.comment.author.is_staff = false;
    expect(mapZendeskWebhook("ticket", p).tickets[0]?.firstResponseAt).toBeNull();
  });

  it("maps the classic trigger body (ticket-show shape) exactly", () => {
    expect(mapZendeskWebhook("ticket", load("vendor/zendesk/ticket-show-response.json")).tickets).toEqual([
      {
        helpdesk: "zendesk",
        ticketId: "35436",
        customerId: null,
        email: null,
        phone: null,
        orderRef: null,
        channel: "web",
        subject: "Help, my printer is on fire!",
        body: "The fire is very colorful.",
        category: "other",
        status: "open",
        priority: "high",
        assignee: "235323",
        tags: ["enterprise", "other_tag"],
        createdAt: "2009-07-20T22:55:29.000Z",
        firstResponseAt: null,
        updatedAt: "2011-05-05T10:38:52.000Z",
        source: "zendesk",
        sourceId: "35436",
      },
    ]);
  });

  it("reads a trigger body written with placeholders: string id, requester email, space-separated tags, order field", () => {
    const body = {
      ticket: {
        id: "981",
        subject: "Refund for damaged kurta",
        description: "Hi,\nThe kurta came torn. I want a refund.",
        status: "new",
        priority: "",
        tags: "vip refund",
        created_at: "2026-11-24T09:00:00Z",
        updated_at: "2026-11-24T09:00:00Z",
        requester: { email: "Riya.Sharma@gmail.com", phone: "+91 98765 43210" },
        custom_fields: [{ id: 1, title: "Order number", value: "1042" }],
      },
    };
    expect(mapZendeskWebhook("ticket", body).tickets[0]).toMatchObject({ ticketId: "981", email: "riya.sharma@gmail.com", phone: "+919876543210", tags: ["vip", "refund"], status: "open", priority: null, orderRef: "#1042", category: "damaged" });
  });

  it("refuses non-ticket events and shapeless bodies with a reason", () => {
    expect(() => mapZendeskWebhook("ticket", { type: "zen:event-type:user.created", detail: { id: "1" } })).toThrow(/not a ticket event: zen:event-type:user.created/);
    expect(() => mapZendeskWebhook("ticket", { type: "zen:event-type:ticket.created", detail: { subject: "x" } })).toThrow(/zendesk event detail: id/);
    expect(() => mapZendeskWebhook("ticket", { hello: 1 })).toThrow(/neither a ticket event/);
    expect(() => mapZendeskWebhook("ticket", { ticket: { id: 1, created_at: "nope" } })).toThrow(UnmappableError);
  });
});

describe("WhatsApp Cloud API", () => {
  it("maps an inbound text: E.164 phone from wa_id, epoch-second time", () => {
    expect(mapWhatsappWebhook("messages", load("vendor/whatsapp/inbound-text-official.json")).messages).toEqual([
      {
        channel: "whatsapp",
        messageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        direction: "inbound",
        phone: "+16505551234",
        kind: "text",
        text: "Does it come in another color?",
        payload: null,
        status: "received",
        error: null,
        occurredAt: "2025-06-08T20:59:43.000Z",
        source: "whatsapp",
        sourceId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      },
    ]);
    expect(mapWhatsappWebhook("messages", load("vendor/whatsapp/inbound-text.json")).messages[0]).toMatchObject({ phone: "+972987654321", text: "Body Text", occurredAt: "2023-10-11T16:53:43.000Z" });
  });

  it("keeps the reply id of an interactive button and the payload of a template quick-reply", () => {
    expect(mapWhatsappWebhook("messages", load("vendor/whatsapp/inbound-interactive-button_reply.json")).messages[0]).toMatchObject({
      messageId: "wamid.xyzxyz",
      kind: "button_reply",
      text: "title",
      payload: "callback_data",
      occurredAt: "2023-10-25T20:45:30.000Z",
    });
    const quick = load("vendor/whatsapp/inbound-template-quick_reply-button.json");
    quick.entry[0].changes[0].value.messages[0].button = { payload: "ndr:reattempt:#1042", text: "Deliver again" };
    expect(mapWhatsappWebhook("messages", quick).messages[0]).toMatchObject({ kind: "button", text: "Deliver again", payload: "ndr:reattempt:#1042", direction: "inbound", status: "received" });
  });

  it("maps sent, delivered, read and failed statuses as updates of our outbound message", () => {
    const status = (file: string) => mapWhatsappWebhook("messages", load(`vendor/whatsapp/${file}`)).messages[0]!;
    expect(status("status-sent.json")).toMatchObject({ messageId: "wamid.xyzxyz", direction: "outbound", status: "sent", phone: "+972987654321", occurredAt: "2023-10-25T20:49:05.000Z", error: null });
    expect(status("status-delivered.json").status).toBe("delivered");
    expect(status("status-delivered-official.json")).toMatchObject({ status: "delivered", phone: "+16505551234", occurredAt: "2025-06-15T23:27:53.000Z" });
    expect(status("status-read.json").status).toBe("read");
    expect(status("status-failed.json")).toEqual({
      channel: "whatsapp",
      messageId: "wamid.xyzxyz",
      direction: "outbound",
      phone: "+972987654321",
      kind: "status",
      text: null,
      payload: null,
      status: "failed",
      error: "130472: User's number is part of an experiment: Failed to send message because this user's phone number is part of an experiment",
      occurredAt: "2023-07-15T00:20:58.000Z",
      source: "whatsapp",
      sourceId: "wamid.xyzxyz:failed",
    });
  });

  it("maps every message and status of a batched POST, and nothing for other fields", () => {
    const text = load("vendor/whatsapp/inbound-text.json");
    const read = load("vendor/whatsapp/status-read.json");
    text.entry.push(...read.entry);
    text.entry[0].changes.push({ field: "message_template_status_update", value: { event: "APPROVED" } });
    expect(mapWhatsappWebhook("messages", text).messages.map((m) => [m.direction, m.status])).toEqual([["inbound", "received"], ["outbound", "read"]]);
  });

  it("refuses payloads that are not WhatsApp webhooks", () => {
    expect(() => mapWhatsappWebhook("messages", { object: "page", entry: [] })).toThrow(/whatsapp webhook: object/);
    expect(() => mapWhatsappWebhook("messages", { object: "whatsapp_business_account" })).toThrow(/whatsapp webhook: entry/);
    const bad = load("vendor/whatsapp/inbound-text.json");
    bad.entry[0].changes[0].value.messages[0].timestamp = "soon";
    expect(() => mapWhatsappWebhook("messages", bad)).toThrow(/whatsapp message timestamp is not a valid time/);
  });
});

describe("registry", () => {
  it("serves the four sources, each output checked against the canonical schemas", () => {
    expect(mapperFor("gorgias")("ticket", load("vendor/gorgias/ticket-created-http-integration.json")).tickets).toHaveLength(1);
    expect(mapperFor("freshdesk")(RECEIVED, load("freshdesk/automation-webhook.json")).tickets).toHaveLength(1);
    expect(mapperFor("zendesk")("ticket", load("vendor/zendesk/webhook-ticket-created.json")).tickets).toHaveLength(1);
    expect(mapperFor("whatsapp")("messages", load("vendor/whatsapp/status-failed.json")).messages).toHaveLength(1);
  });
});
