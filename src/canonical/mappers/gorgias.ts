/** Gorgias HTTP-integration ticket payloads → one SupportTicket. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, emptyBatch } from "../model";
import { idString, toE164, toEmail, toIsoUtc, toIsoUtcOrNull } from "../normalise";
import { buildTicket, normaliseOrderRef, parseOrThrow, plainText, tagList, ticketStatus } from "./helpdesk";

const Id = z.union([z.string().min(1), z.number()]);
const Text = z.string().nullish();

const Person = z.looseObject({ email: Text, name: Text, firstname: Text, lastname: Text, id: Id.nullish() }).nullish();

const MessagePayload = z.looseObject({
  from_agent: z.boolean().nullish(),
  body_text: Text,
  stripped_text: Text,
  body_html: Text,
  created_datetime: Text,
  sent_datetime: Text,
});
type MessagePayload = z.infer<typeof MessagePayload>;

const Channel = z.looseObject({ type: Text, address: Text });

const Ticket = z.looseObject({
  id: Id,
  subject: Text,
  status: Text,
  priority: Text,
  channel: Text,
  created_datetime: z.string(),
  updated_datetime: Text,
  last_message_datetime: Text,
  snooze_datetime: Text,
  customer: z.looseObject({ email: Text, channels: z.array(Channel).nullish() }).nullish(),
  assignee_user: Person,
  tags: z.array(z.unknown()).nullish(),
  messages: z.array(MessagePayload).nullish(),
  first_message: MessagePayload.nullish(),
  custom_fields: z.unknown().optional(),
});

/**
 * The HTTP integration's body is whatever the merchant writes; we accept the ticket object
 * itself (what Gorgias sends for a ticket event) or the same wrapped as `{"ticket": {...}}`.
 */
export function mapGorgiasWebhook(_topic: string, payload: unknown): CanonicalBatch {
  const wrapped = payload && typeof payload === "object" && "ticket" in payload ? (payload as { ticket: unknown }).ticket : payload;
  const t = parseOrThrow(Ticket, wrapped, "gorgias ticket");
  const messages = [...(t.messages ?? [])].sort((a, b) => (messageTime(a) ?? "").localeCompare(messageTime(b) ?? ""));
  // The thread when the payload carries it; else Gorgias's first_message summary.
  if (messages.length === 0 && t.first_message) messages.push(t.first_message);
  const first = messages[0] ?? null;
  const firstAgent = messages.find((m) => m.from_agent === true) ?? null;
  const createdAt = toIsoUtc(t.created_datetime, "gorgias created_datetime");
  const channels = t.customer?.channels ?? [];
  const status = ticketStatus(t.status ?? "open");

  const batch = emptyBatch();
  batch.tickets.push(
    buildTicket("gorgias", {
      ticketId: String(t.id),
      customerId: null,
      email: toEmail(t.customer?.email) ?? toEmail(channels.find((c) => c.type === "email")?.address),
      phone: toE164(channels.find((c) => c.type === "phone" || c.type === "sms" || c.type === "whatsapp")?.address),
      channel: t.channel ?? null,
      subject: t.subject ?? "",
      body: first ? messageText(first) : "",
      // Gorgias has no pending state: a snoozed open ticket is waiting on the customer.
      status: status === "open" && t.snooze_datetime ? "pending" : status,
      priority: t.priority?.toLowerCase() ?? null,
      assignee: t.assignee_user ? (toEmail(t.assignee_user.email) ?? t.assignee_user.name ?? idString(t.assignee_user.id)) : null,
      tags: tagList(t.tags),
      createdAt,
      firstResponseAt: firstAgent ? messageTime(firstAgent) : null,
      updatedAt: toIsoUtcOrNull(t.updated_datetime) ?? toIsoUtcOrNull(t.last_message_datetime) ?? createdAt,
      orderRefField: orderField(t.custom_fields),
      sourceId: String(t.id),
    }),
  );
  return batch;
}

function messageTime(m: MessagePayload): string | null {
  return toIsoUtcOrNull(m.created_datetime) ?? toIsoUtcOrNull(m.sent_datetime);
}

function messageText(m: MessagePayload): string {
  return m.stripped_text ?? m.body_text ?? (m.body_html ? plainText(m.body_html) : "");
}

/**
 * Ticket custom fields arrive keyed by field id; only a field whose label names an order
 * (e.g. "Order number") is trusted, so a pincode or phone field is never read as an order.
 */
function orderField(fields: unknown): string | null {
  const entries = Array.isArray(fields) ? fields : fields && typeof fields === "object" ? Object.values(fields) : [];
  for (const f of entries) {
    if (!f || typeof f !== "object") continue;
    const field = f as { label?: unknown; name?: unknown; field?: { label?: unknown }; value?: unknown };
    const label = [field.label, field.name, field.field?.label].find((l) => typeof l === "string") as string | undefined;
    if (label && /order/i.test(label)) {
      const ref = normaliseOrderRef(field.value);
      if (ref) return ref;
    }
  }
  return null;
}
