/** Zendesk ticket event webhooks and trigger bodies → one SupportTicket. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, emptyBatch, UnmappableError } from "../model";
import { idString, str, toE164, toEmail, toIsoUtc, toIsoUtcOrNull } from "../normalise";
import { buildTicket, normaliseOrderRef, parseOrThrow, plainText, tagList, ticketStatus } from "./helpdesk";

const Id = z.union([z.string().trim().min(1), z.number()]);
const Text = z.union([z.string(), z.number()]).nullish();

const Requester = z.looseObject({ email: Text, phone: Text }).nullish();

/** The ticket as an event's `detail` carries it, or as a trigger posts it (ticket-show shape). */
const TicketPayload = z.looseObject({
  id: Id,
  subject: Text,
  description: Text,
  status: Text,
  priority: Text,
  assignee_id: Id.nullish(),
  tags: z.unknown().optional(),
  created_at: z.string(),
  updated_at: Text,
  via: z.looseObject({ channel: Text }).nullish(),
  // Not in Zendesk's ticket object: a trigger body can add them with {{ticket.requester.email}}
  // and friends, and they are how a ticket finds its customer (events carry only requester_id).
  requester: Requester,
  requester_email: Text,
  requester_phone: Text,
  order_ref: Text,
  custom_fields: z.array(z.looseObject({ id: Id.nullish(), name: Text, title: Text, value: z.unknown().optional() })).nullish(),
});
type TicketPayload = z.infer<typeof TicketPayload>;

const Event = z.looseObject({
  type: z.string(),
  id: z.string().nullish(),
  time: Text,
  detail: z.unknown().optional(),
  event: z
    .looseObject({
      comment: z.looseObject({ is_public: z.boolean().nullish(), author: z.looseObject({ is_staff: z.boolean().nullish() }).nullish() }).nullish(),
    })
    .nullish(),
});

export function mapZendeskWebhook(_topic: string, payload: unknown): CanonicalBatch {
  const batch = emptyBatch();
  if (payload && typeof payload === "object" && "type" in payload && "detail" in payload) {
    const e = parseOrThrow(Event, payload, "zendesk event");
    if (!e.type.startsWith("zen:event-type:ticket.")) throw new UnmappableError(`zendesk event: not a ticket event: ${e.type.slice(0, 60)}`);
    const t = parseOrThrow(TicketPayload, e.detail, "zendesk event detail");
    // A public comment by staff is the agent answering: its time is a first-response candidate
    // (the store keeps the earliest it ever saw).
    const comment = e.type === "zen:event-type:ticket.comment_added" ? e.event?.comment : null;
    const answeredAt = comment?.is_public && comment.author?.is_staff ? toIsoUtcOrNull(e.time) : null;
    batch.tickets.push(ticket(t, answeredAt));
    return batch;
  }
  if (payload && typeof payload === "object" && "ticket" in payload) {
    batch.tickets.push(ticket(parseOrThrow(TicketPayload, (payload as { ticket: unknown }).ticket, "zendesk ticket"), null));
    return batch;
  }
  throw new UnmappableError("zendesk webhook: neither a ticket event (type, detail) nor a trigger body ({ticket: {...}})");
}

function ticket(t: TicketPayload, firstResponseAt: string | null): ReturnType<typeof buildTicket> {
  const createdAt = toIsoUtc(t.created_at, "zendesk created_at");
  const orderField = t.custom_fields?.find((f) => /order/i.test(str(f.title) ?? str(f.name) ?? ""));
  const priority = str(t.priority);
  return buildTicket("zendesk", {
    ticketId: String(t.id),
    customerId: null,
    email: toEmail(t.requester?.email) ?? toEmail(t.requester_email),
    phone: toE164(t.requester?.phone) ?? toE164(t.requester_phone),
    channel: str(t.via?.channel),
    subject: str(t.subject) ?? "",
    body: plainText(str(t.description) ?? ""),
    // Events send "OPEN"/"SOLVED", the API "open"/"solved"; `new` and `hold` fold into open/pending.
    status: ticketStatus(str(t.status) ?? "open"),
    priority: priority ? priority.toLowerCase() : null,
    assignee: idString(t.assignee_id),
    tags: tagList(t.tags),
    createdAt,
    firstResponseAt,
    updatedAt: toIsoUtcOrNull(t.updated_at) ?? createdAt,
    orderRefField: normaliseOrderRef(t.order_ref) ?? normaliseOrderRef(orderField?.value),
    sourceId: String(t.id),
  });
}
