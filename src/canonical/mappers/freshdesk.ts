/** Freshdesk automation-webhook bodies and ticket objects → one SupportTicket. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, emptyBatch, UnmappableError } from "../model";
import { idString, splitReceivedAt, str, toE164, toEmail, toIsoUtcOrNull } from "../normalise";
import { buildTicket, normaliseOrderRef, parseOrThrow, plainText, tagList, ticketStatus, type TicketFields } from "./helpdesk";

const Id = z.union([z.string().trim().min(1), z.number()]);
const Text = z.union([z.string(), z.number()]).nullish();

/**
 * The "Trigger webhook" action of an automation rule posts a body the admin writes with
 * placeholders; we document this one (README), with Freshdesk's own placeholder names:
 * `{"freshdesk_webhook": {"ticket_id": "{{ticket.id}}", "ticket_subject": "{{ticket.subject}}", …}}`.
 * Every placeholder arrives as a string; custom fields as `ticket_cf_<name>`.
 */
const Automation = z.looseObject({
  ticket_id: Id,
  ticket_subject: Text,
  ticket_description: Text,
  ticket_description_text: Text,
  ticket_status: Text,
  ticket_priority: Text,
  ticket_source: Text,
  ticket_contact_email: Text,
  ticket_requester_email: Text,
  requester_email: Text,
  ticket_contact_phone: Text,
  ticket_contact_mobile: Text,
  ticket_requester_phone: Text,
  ticket_agent_email: Text,
  ticket_agent_name: Text,
  ticket_tags: z.unknown().optional(),
  ticket_created_at: Text,
  ticket_updated_at: Text,
});

/** The v2 API ticket object (`GET /api/v2/tickets/:id`, optionally `?include=requester,stats`). */
const TicketObject = z.looseObject({
  id: Id,
  subject: z.string().nullish(),
  description_text: z.string().nullish(),
  description: z.string().nullish(),
  status: z.number().int(),
  priority: z.number().int().nullish(),
  source: z.number().int().nullish(),
  email: z.string().nullish(),
  phone: Text,
  requester: z.looseObject({ email: z.string().nullish(), phone: Text, mobile: Text }).nullish(),
  responder_id: Id.nullish(),
  tags: z.array(z.string()).nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  stats: z.looseObject({ first_responded_at: z.string().nullish() }).nullish(),
  created_at: z.string(),
  updated_at: z.string(),
});

// Freshdesk's fixed codes (API v2 docs: status 2–5, priority 1–4, source 1–10).
const STATUS: Record<number, string> = { 2: "open", 3: "pending", 4: "resolved", 5: "closed", 6: "waiting on customer", 7: "waiting on third party" };
const PRIORITY: Record<number, string> = { 1: "low", 2: "medium", 3: "high", 4: "urgent" };
const SOURCE: Record<number, string> = { 1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email" };

export function mapFreshdeskWebhook(topic: string, payload: unknown): CanonicalBatch {
  const batch = emptyBatch();
  if (payload && typeof payload === "object" && "freshdesk_webhook" in payload) {
    batch.tickets.push(fromAutomation((payload as { freshdesk_webhook: unknown }).freshdesk_webhook, splitReceivedAt(topic).receivedAt));
  } else {
    const wrapped = payload && typeof payload === "object" && "ticket" in payload ? (payload as { ticket: unknown }).ticket : payload;
    batch.tickets.push(fromTicketObject(wrapped));
  }
  return batch;
}

function fromAutomation(body: unknown, receivedAt: string | null): ReturnType<typeof buildTicket> {
  const w = parseOrThrow(Automation, body, "freshdesk automation webhook");
  // Freshdesk has no ISO placeholder for every time; without one, the receipt time stands in.
  const updatedAt = toIsoUtcOrNull(w.ticket_updated_at) ?? receivedAt;
  const createdAt = toIsoUtcOrNull(w.ticket_created_at) ?? updatedAt;
  if (!createdAt || !updatedAt) throw new UnmappableError("freshdesk automation webhook: no ticket_created_at/ticket_updated_at and no receipt time");
  const fields = w as Record<string, unknown>;
  const orderKey = Object.keys(fields).find((k) => /^ticket_cf_.*order/i.test(k) && normaliseOrderRef(fields[k]));
  const priority = str(w.ticket_priority);
  const description = str(w.ticket_description_text) ?? plainText(str(w.ticket_description) ?? "");
  const fieldsOut: TicketFields = {
    ticketId: String(w.ticket_id),
    customerId: null,
    email: toEmail(w.ticket_contact_email) ?? toEmail(w.ticket_requester_email) ?? toEmail(w.requester_email),
    phone: toE164(w.ticket_contact_phone) ?? toE164(w.ticket_contact_mobile) ?? toE164(w.ticket_requester_phone),
    channel: str(w.ticket_source)?.trim().toLowerCase() || null,
    subject: str(w.ticket_subject) ?? "",
    body: description,
    status: ticketStatus(str(w.ticket_status)?.trim() || "open"),
    // The placeholder gives "Medium"; an admin may send the number instead.
    priority: priority ? (PRIORITY[Number(priority)] ?? priority.toLowerCase()) : null,
    // Placeholders render unset values as "": empty means none.
    assignee: toEmail(w.ticket_agent_email) ?? (str(w.ticket_agent_name)?.trim() || null),
    tags: tagList(w.ticket_tags),
    createdAt,
    firstResponseAt: null,
    updatedAt,
    orderRefField: orderKey ? normaliseOrderRef(fields[orderKey]) : null,
    sourceId: String(w.ticket_id),
  };
  return buildTicket("freshdesk", fieldsOut);
}

function fromTicketObject(body: unknown): ReturnType<typeof buildTicket> {
  const t = parseOrThrow(TicketObject, body, "freshdesk ticket");
  const createdAt = toIsoUtcOrNull(t.created_at);
  const updatedAt = toIsoUtcOrNull(t.updated_at);
  if (!createdAt || !updatedAt) throw new UnmappableError("freshdesk ticket: created_at/updated_at is not a valid time");
  const custom = t.custom_fields ?? {};
  const orderKey = Object.keys(custom).find((k) => /order/i.test(k) && normaliseOrderRef(custom[k]));
  return buildTicket("freshdesk", {
    ticketId: String(t.id),
    customerId: null,
    email: toEmail(t.requester?.email) ?? toEmail(t.email),
    phone: toE164(t.requester?.phone) ?? toE164(t.requester?.mobile) ?? toE164(t.phone),
    channel: t.source ? (SOURCE[t.source] ?? `source_${t.source}`) : null,
    subject: t.subject ?? "",
    body: t.description_text ?? plainText(t.description ?? ""),
    status: ticketStatus(STATUS[t.status] ?? `status_${t.status}`),
    priority: t.priority ? (PRIORITY[t.priority] ?? String(t.priority)) : null,
    assignee: idString(t.responder_id),
    tags: tagList(t.tags),
    createdAt,
    firstResponseAt: toIsoUtcOrNull(t.stats?.first_responded_at),
    updatedAt,
    orderRefField: orderKey ? normaliseOrderRef(custom[orderKey]) : null,
    sourceId: String(t.id),
  });
}
