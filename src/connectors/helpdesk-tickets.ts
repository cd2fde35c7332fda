/**
 * Helpdesk tickets a customer opened on WhatsApp: create the ticket (the customer as requester, their
 * words as its first message, the order context as a private note) and append their follow-ups.
 *
 * Vendor APIs, as documented:
 *  - Gorgias: POST /api/tickets needs `messages` (channel and via `api`, `from_agent: false`, a sender
 *    by id or email) — "Create a ticket using API", https://developers.gorgias.com/docs/create-a-ticket-using-api
 *    and https://developers.gorgias.com/reference/create-ticket; an incoming follow-up is
 *    POST /api/tickets/{id}/messages with `from_agent: false` and the customer as sender — "Create a new
 *    message in ticket via API", https://developers.gorgias.com/docs/create-a-new-message-in-ticket-via-api.
 *    A customer known only by phone is created first (POST /api/customers with a phone channel) so the
 *    sender can be named by id.
 *  - Freshdesk: POST /api/v2/tickets with `phone` (+ `name`, mandatory when there is no email), `subject`,
 *    HTML `description`, `status` 2 (open), `priority` 1–4, `source` 7 (chat) —
 *    https://developers.freshdesk.com/api/#create_ticket; the context is a private note and follow-ups are
 *    notes with `incoming: true` (shown as from outside) — https://developers.freshdesk.com/api/#add_note_to_a_ticket.
 *  - Zendesk: POST /api/v2/tickets.json with `requester` (created when new), `comment`, `priority`, `tags`
 *    — https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#create-ticket; comments are
 *    added by updating the ticket with `comment` (`author_id` = the requester for their follow-ups,
 *    `public: false` for the context note) — https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/.
 */
import type { ActionSpec } from "../canonical/actions";
import { conversationByCreateKey, createActionStatus, recordConversationTicket } from "../db/inbound";
import { actionStepsDone, recordActionStepsDone } from "../db/connector-state";
import type { FreshdeskConfig, GorgiasConfig, ZendeskConfig } from "./config";
import { freshdeskHtml, helpdeskOrigin, type HelpdeskConfigs } from "./helpdesk";
import { asRecord, basicAuth, executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";

export type TicketSpec = Extract<ActionSpec, { kind: "helpdesk.create_ticket" | "helpdesk.add_message" }>;
type CreateSpec = Extract<TicketSpec, { kind: "helpdesk.create_ticket" }>;
type AddSpec = Extract<TicketSpec, { kind: "helpdesk.add_message" }>;
type Priority = CreateSpec["params"]["priority"];

export function isTicketSpec(spec: ActionSpec): spec is TicketSpec {
  return spec.kind === "helpdesk.create_ticket" || spec.kind === "helpdesk.add_message";
}

const json = (method: "POST" | "PUT", url: string, authorization: string, body: unknown): OutboundRequest => ({
  method, url, headers: { authorization, "content-type": "application/json", accept: "application/json" }, body,
});

/** Placeholders a dry run shows where an id the vendor assigns would go. */
export const TICKET_ID = "{TICKET_ID}";
export const REQUESTER_ID = "{REQUESTER_ID}";

/** A ticket id in a path; the dry run's placeholder stays readable. */
const seg = (id: string) => (id === TICKET_ID ? id : encodeURIComponent(id));

const GORGIAS_PRIORITY: Record<Priority, string> = { low: "low", normal: "normal", high: "high", urgent: "critical" };
const FRESHDESK_PRIORITY: Record<Priority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

function displayName(r: CreateSpec["params"]["requester"]): string {
  return r.name?.trim() || `WhatsApp ${r.phone}`;
}

// ── Gorgias ──

function gorgiasAuth(c: GorgiasConfig) {
  return { origin: helpdeskOrigin(c.domain, "gorgias.com"), auth: basicAuth(c.username, c.apiKey) };
}

function gorgiasCustomer(spec: CreateSpec | AddSpec, c: GorgiasConfig): OutboundRequest {
  const { origin, auth } = gorgiasAuth(c);
  const r = spec.params.requester;
  return json("POST", `${origin}/api/customers`, auth, { name: displayName({ ...r }), channels: [{ type: "phone", address: r.phone, preferred: true }] });
}

function gorgiasSender(r: CreateSpec["params"]["requester"], requesterId: string | null): Record<string, unknown> {
  return r.email ? { email: r.email } : { id: requesterId && /^\d+$/.test(requesterId) ? Number(requesterId) : requesterId };
}

function gorgiasCreate(spec: CreateSpec, c: GorgiasConfig, requesterId: string | null): OutboundRequest {
  const { origin, auth } = gorgiasAuth(c);
  const p = spec.params;
  const sender = gorgiasSender(p.requester, requesterId);
  return json("POST", `${origin}/api/tickets`, auth, {
    channel: "api",
    via: "api",
    from_agent: false,
    subject: p.subject,
    priority: GORGIAS_PRIORITY[p.priority],
    customer: { ...sender, name: displayName(p.requester) },
    tags: p.tags.map((name) => ({ name })),
    ...(p.assignee ? { assignee_user: /^\d+$/.test(p.assignee) ? { id: Number(p.assignee) } : { email: p.assignee } } : {}),
    messages: [
      { channel: "api", via: "api", from_agent: false, sender, subject: p.subject, body_text: p.message },
      { channel: "internal-note", via: "api", from_agent: true, sender: { email: c.username }, body_text: p.context },
    ],
  });
}

function gorgiasAdd(spec: AddSpec, c: GorgiasConfig, ticketId: string, requesterId: string | null): OutboundRequest {
  const { origin, auth } = gorgiasAuth(c);
  return json("POST", `${origin}/api/tickets/${seg(ticketId)}/messages`, auth, {
    channel: "api", via: "api", from_agent: false, sender: gorgiasSender(spec.params.requester, requesterId), body_text: spec.params.message,
  });
}

// ── Freshdesk ──

function freshdeskBase(c: FreshdeskConfig) {
  return { base: `${helpdeskOrigin(c.domain, "freshdesk.com")}/api/v2/tickets`, auth: basicAuth(c.apiKey, "X") };
}

function freshdeskCreate(spec: CreateSpec, c: FreshdeskConfig): OutboundRequest {
  const { base, auth } = freshdeskBase(c);
  const p = spec.params;
  return json("POST", base, auth, {
    name: displayName(p.requester),
    phone: p.requester.phone,
    ...(p.requester.email ? { email: p.requester.email } : {}),
    subject: p.subject,
    description: freshdeskHtml(p.message),
    status: 2,
    priority: FRESHDESK_PRIORITY[p.priority],
    source: 7,
    tags: p.tags,
    ...(p.assignee && /^\d+$/.test(p.assignee) ? { responder_id: Number(p.assignee) } : {}),
  });
}

const freshdeskNote = (c: FreshdeskConfig, ticketId: string, body: string, incoming: boolean): OutboundRequest => {
  const { base, auth } = freshdeskBase(c);
  return json("POST", `${base}/${seg(ticketId)}/notes`, auth, incoming ? { body: freshdeskHtml(body), private: false, incoming: true } : { body: freshdeskHtml(body), private: true });
};

// ── Zendesk ──

function zendeskBase(c: ZendeskConfig) {
  return { base: `${helpdeskOrigin(c.subdomain, "zendesk.com")}/api/v2/tickets`, auth: basicAuth(`${c.email}/token`, c.apiToken) };
}

function zendeskCreate(spec: CreateSpec, c: ZendeskConfig): OutboundRequest {
  const { base, auth } = zendeskBase(c);
  const p = spec.params;
  return json("POST", `${base}.json`, auth, {
    ticket: {
      subject: p.subject,
      comment: { body: p.message },
      requester: { name: displayName(p.requester), ...(p.requester.email ? { email: p.requester.email } : {}) },
      priority: p.priority,
      tags: p.tags,
      ...(p.assignee ? (/^\d+$/.test(p.assignee) ? { assignee_id: Number(p.assignee) } : { assignee_email: p.assignee }) : {}),
    },
  });
}

const zendeskComment = (c: ZendeskConfig, ticketId: string, comment: Record<string, unknown>): OutboundRequest => {
  const { base, auth } = zendeskBase(c);
  return json("PUT", `${base}/${seg(ticketId)}.json`, auth, { ticket: { comment } });
};

function zendeskAdd(spec: AddSpec, c: ZendeskConfig, ticketId: string, requesterId: string | null): OutboundRequest {
  // Written as the customer's own public comment when their Zendesk user is known; else a private note saying whose words they are.
  const comment = requesterId && /^\d+$/.test(requesterId)
    ? { body: spec.params.message, public: true, author_id: Number(requesterId) }
    : { body: `Customer on WhatsApp (${spec.params.requester.phone}):\n${spec.params.message}`, public: false };
  return zendeskComment(c, ticketId, comment);
}

// ── Requests, as a dry run shows them and as the runner sends them ──

/** Every request the action takes, with placeholders for the ids the vendor assigns on the way. */
export function buildTicketRequests(spec: TicketSpec, configs: HelpdeskConfigs, ids: { ticketId: string | null; requesterId: string | null } = { ticketId: null, requesterId: null }): OutboundRequest[] {
  const ticketId = ids.ticketId ?? TICKET_ID;
  const requesterId = ids.requesterId ?? REQUESTER_ID;
  const h = spec.params.helpdesk;
  if (spec.kind === "helpdesk.create_ticket") {
    if (h === "gorgias") return [...(spec.params.requester.email ? [] : [gorgiasCustomer(spec, configs.gorgias)]), gorgiasCreate(spec, configs.gorgias, requesterId)];
    if (h === "freshdesk") return [freshdeskCreate(spec, configs.freshdesk), freshdeskNote(configs.freshdesk, ticketId, spec.params.context, false)];
    return [zendeskCreate(spec, configs.zendesk), zendeskComment(configs.zendesk, ticketId, { body: spec.params.context, public: false })];
  }
  if (h === "gorgias") return [gorgiasAdd(spec, configs.gorgias, ticketId, ids.requesterId)];
  if (h === "freshdesk") return [freshdeskNote(configs.freshdesk, ticketId, spec.params.message, true)];
  return [zendeskAdd(spec, configs.zendesk, ticketId, ids.requesterId)];
}

/** The ids in a vendor's create answer: Gorgias and Freshdesk return the ticket, Zendesk `{ ticket }`. */
export function createdIds(helpdesk: TicketSpec["params"]["helpdesk"], body: unknown): { ticketId: string | null; requesterId: string | null } {
  const o = asRecord(body);
  const t = helpdesk === "zendesk" ? asRecord(o?.ticket) : o;
  const id = t?.id;
  const requester = helpdesk === "gorgias" ? asRecord(t?.customer)?.id : t?.requester_id;
  const str = (v: unknown) => (typeof v === "number" || (typeof v === "string" && v) ? String(v) : null);
  return { ticketId: str(id), requesterId: str(requester) };
}

export interface TicketRunDeps {
  db: D1Database;
  fetch: FetchFn;
  now: number;
}

/**
 * Runs a create or an append against a helpdesk with credentials. Steps that succeeded are not
 * repeated: the ticket id is kept on the conversation as soon as the vendor assigns it, and the
 * number of steps done beside the action, so a retry after a failed note does not open a second ticket.
 */
export async function runTicketAction(action: { id: string; idempotencyKey: string }, spec: TicketSpec, configs: HelpdeskConfigs, deps: TicketRunDeps): Promise<{ outcome: Outcome; requests: OutboundRequest[] }> {
  const h = spec.params.helpdesk;
  const sent: OutboundRequest[] = [];
  const run = async (req: OutboundRequest) => {
    sent.push(req);
    return executeRequest(deps.fetch, req, { now: deps.now });
  };

  if (spec.kind === "helpdesk.add_message") {
    let ticketId = spec.params.ticketId;
    let requesterId: string | null = null;
    if (spec.params.createKey) {
      const conversation = await conversationByCreateKey(deps.db, spec.params.createKey);
      ticketId ??= conversation?.ticketId ?? null;
      requesterId = conversation?.requesterId ?? null;
      if (!ticketId) {
        const create = await createActionStatus(deps.db, spec.params.createKey);
        if (!create || ["failed", "dead", "suppressed", "stale"].includes(create.status)) {
          return { outcome: { kind: "failed", httpStatus: null, reason: `the ticket this follow-up belongs to was not created (${create?.status ?? "no create action"})` }, requests: [] };
        }
        // The ticket is still being created: wait for it without spending attempts.
        return { outcome: { kind: "retry", httpStatus: null, reason: "waiting for the conversation's ticket to be created", waitSeconds: 30, throttled: true }, requests: [] };
      }
    }
    if (!ticketId) return { outcome: { kind: "failed", httpStatus: null, reason: "no ticket to append to" }, requests: [] };
    const [req] = buildTicketRequests(spec, configs, { ticketId, requesterId });
    return { outcome: await run(req!), requests: sent };
  }

  // Create: (Gorgias, phone only: the customer) → the ticket → (Freshdesk, Zendesk: the context note).
  const conversation = await conversationByCreateKey(deps.db, action.idempotencyKey);
  let ticketId = conversation?.ticketId ?? null;
  let requesterId = conversation?.requesterId ?? null;
  const record = async (ids: { ticketId: string | null; requesterId: string | null }) => {
    if (ids.ticketId) await recordConversationTicket(deps.db, action.idempotencyKey, ids.ticketId, ids.requesterId);
  };
  if (!ticketId) {
    if (h === "gorgias" && !spec.params.requester.email && !requesterId) {
      const o = await run(buildTicketRequests(spec, configs)[0]!);
      if (o.kind !== "sent") return { outcome: o, requests: sent };
      const id = asRecord(o.response)?.id;
      requesterId = typeof id === "number" || typeof id === "string" ? String(id) : null;
      if (!requesterId) return { outcome: { kind: "failed", httpStatus: o.httpStatus, reason: "Gorgias created the customer but returned no id", response: o.response }, requests: sent };
    }
    const create = buildTicketRequests(spec, configs, { ticketId: null, requesterId }).find((r) => r.method === "POST" && /\/tickets(\.json)?$/.test(r.url))!;
    const o = await run(create);
    if (o.kind !== "sent") return { outcome: o, requests: sent };
    const ids = createdIds(h, o.response);
    if (!ids.ticketId) return { outcome: { kind: "failed", httpStatus: o.httpStatus, reason: `${h} answered without a ticket id`, response: o.response }, requests: sent };
    ticketId = ids.ticketId;
    requesterId = ids.requesterId ?? requesterId;
    await record({ ticketId, requesterId });
  }
  if (h !== "gorgias" && (await actionStepsDone(deps.db, action.id)) < 2) {
    const note = buildTicketRequests(spec, configs, { ticketId, requesterId })[1]!;
    const o = await run(note);
    if (o.kind !== "sent") return { outcome: o, requests: sent };
    await recordActionStepsDone(deps.db, action.id, 2, deps.now);
  }
  return { outcome: { kind: "sent", httpStatus: 200, externalId: ticketId, response: { ticketId, requesterId } }, requests: sent };
}
