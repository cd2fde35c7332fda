/** Helpdesks (Gorgias, Freshdesk, Zendesk): public replies, internal notes, status, priority, assignee, tags. */
import type { ActionSpec } from "../canonical/actions";
import type { FreshdeskConfig, GorgiasConfig, ZendeskConfig } from "./config";
import { basicAuth, type Interpret, type OutboundRequest } from "./http";

/** Replies, notes and updates on an existing ticket; creating one from WhatsApp is connectors/helpdesk-tickets.ts. */
export type HelpdeskSpec = Exclude<Extract<ActionSpec, { connector: "helpdesk" }>, { kind: "helpdesk.create_ticket" | "helpdesk.add_message" }>;
export interface HelpdeskConfigs { gorgias: GorgiasConfig; freshdesk: FreshdeskConfig; zendesk: ZendeskConfig }
type Status = "open" | "pending" | "solved";
type Priority = "low" | "normal" | "high" | "urgent";

/**
 * One action can take more than one request (Gorgias and Freshdesk post a reply and change status
 * separately); the executor runs them in order and never repeats a step that already succeeded.
 */
export function buildHelpdeskRequests(spec: HelpdeskSpec, configs: HelpdeskConfigs): OutboundRequest[] | { error: string } {
  switch (spec.params.helpdesk) {
    case "gorgias":
      return gorgias(spec, configs.gorgias);
    case "freshdesk":
      return freshdesk(spec, configs.freshdesk);
    case "zendesk":
      return zendesk(spec, configs.zendesk);
  }
}

function json(method: "POST" | "PUT", url: string, authorization: string, body: unknown): OutboundRequest {
  return { method, url, headers: { authorization, "content-type": "application/json", accept: "application/json" }, body };
}

// Gorgias has no "pending": a closed ticket reopens when the customer writes back, which is what pending means elsewhere.
const GORGIAS_STATUS: Record<Status, string> = { open: "open", pending: "closed", solved: "closed" };
const GORGIAS_PRIORITY: Record<Priority, string> = { low: "low", normal: "normal", high: "high", urgent: "critical" };

/** A group (Gorgias team, Freshdesk/Zendesk group) is named by its numeric id in every one of the three APIs. */
function groupError(helpdesk: string, group: string | null | undefined): { error: string } | null {
  return group && !/^\d+$/.test(group) ? { error: `${helpdesk} needs a numeric group id, got "${group}"` } : null;
}

function gorgias(spec: HelpdeskSpec, c: GorgiasConfig): OutboundRequest[] | { error: string } {
  const base = `${helpdeskOrigin(c.domain, "gorgias.com")}/api/tickets/${encodeURIComponent(spec.params.ticketId)}`;
  const auth = basicAuth(c.username, c.apiKey);
  const message = (channel: string, text: string) => json("POST", `${base}/messages`, auth, { channel, via: "api", from_agent: true, sender: { email: c.username }, body_text: text });
  switch (spec.kind) {
    case "helpdesk.internal_note":
      return [message("internal-note", spec.params.body)];
    case "helpdesk.update_note":
      return { error: "Gorgias notes are not edited by Switchyard: a new note supersedes the last one" };
    case "helpdesk.reply": {
      const steps = [message("email", spec.params.body)];
      if (spec.params.status) steps.push(json("PUT", base, auth, { status: GORGIAS_STATUS[spec.params.status] }));
      return steps;
    }
    case "helpdesk.update": {
      const p = spec.params;
      const bad = groupError("Gorgias", p.group);
      if (bad) return bad;
      // PUT /api/tickets/{id} takes assignee_user and assignee_team as objects with an id
      // (https://developers.gorgias.com/reference/update-ticket; teams: https://developers.gorgias.com/reference/teams).
      const update = {
        ...(p.status ? { status: GORGIAS_STATUS[p.status] } : {}),
        ...(p.priority ? { priority: GORGIAS_PRIORITY[p.priority] } : {}),
        ...(p.assignee ? { assignee_user: /^\d+$/.test(p.assignee) ? { id: Number(p.assignee) } : { email: p.assignee } } : {}),
        ...(p.group ? { assignee_team: { id: Number(p.group) } } : {}),
      };
      const steps: OutboundRequest[] = [];
      if (Object.keys(update).length) steps.push(json("PUT", base, auth, update));
      // Tags go through the add-tags endpoint: PUT would replace the tags the agents set.
      if (p.tags.length) steps.push(json("POST", `${base}/tags`, auth, { names: p.tags }));
      return steps;
    }
  }
}

const FRESHDESK_STATUS: Record<Status, number> = { open: 2, pending: 3, solved: 4 };
const FRESHDESK_PRIORITY: Record<Priority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/**
 * Freshdesk's note and reply `body` is HTML ("Content of the note in HTML format",
 * https://developers.freshdesk.com/api/#add_note_to_a_ticket and #reply_ticket): our plain text is
 * escaped, and its line breaks kept as <br>, so "<b>" or "a < b" reads as written.
 */
export function freshdeskHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replace(/\r?\n/g, "<br>");
}

function freshdesk(spec: HelpdeskSpec, c: FreshdeskConfig): OutboundRequest[] | { error: string } {
  const base = `${helpdeskOrigin(c.domain, "freshdesk.com")}/api/v2/tickets/${encodeURIComponent(spec.params.ticketId)}`;
  const auth = basicAuth(c.apiKey, "X");
  switch (spec.kind) {
    case "helpdesk.internal_note":
      return [json("POST", `${base}/notes`, auth, { body: freshdeskHtml(spec.params.body), private: true })];
    case "helpdesk.update_note":
      // "Update a conversation": PUT /api/v2/conversations/[id] with the note's new HTML body; only
      // notes can be edited (https://developers.freshdesk.com/api/#update_conversation).
      return [json("PUT", `${helpdeskOrigin(c.domain, "freshdesk.com")}/api/v2/conversations/${encodeURIComponent(spec.params.noteId)}`, auth, { body: freshdeskHtml(spec.params.body) })];
    case "helpdesk.reply": {
      const steps = [json("POST", `${base}/reply`, auth, { body: freshdeskHtml(spec.params.body) })];
      if (spec.params.status) steps.push(json("PUT", base, auth, { status: FRESHDESK_STATUS[spec.params.status] }));
      return steps;
    }
    case "helpdesk.update": {
      const p = spec.params;
      if (p.assignee && !/^\d+$/.test(p.assignee)) return { error: `Freshdesk needs a numeric agent id as assignee, got "${p.assignee}"` };
      const bad = groupError("Freshdesk", p.group);
      if (bad) return bad;
      // Freshdesk's tags field replaces the ticket's tags and it has no add-tags call, so tags are not sent.
      const update = {
        ...(p.status ? { status: FRESHDESK_STATUS[p.status] } : {}),
        ...(p.priority ? { priority: FRESHDESK_PRIORITY[p.priority] } : {}),
        // PUT /api/v2/tickets/[id]: responder_id "ID of the agent to whom the ticket has been assigned",
        // group_id "ID of the group to which the ticket has been assigned" (https://developers.freshdesk.com/api/#update_ticket).
        ...(p.assignee ? { responder_id: Number(p.assignee) } : {}),
        ...(p.group ? { group_id: Number(p.group) } : {}),
      };
      return Object.keys(update).length ? [json("PUT", base, auth, update)] : [];
    }
  }
}

function zendesk(spec: HelpdeskSpec, c: ZendeskConfig): OutboundRequest[] | { error: string } {
  const url = `${helpdeskOrigin(c.subdomain, "zendesk.com")}/api/v2/tickets/${encodeURIComponent(spec.params.ticketId)}.json`;
  const auth = basicAuth(`${c.email}/token`, c.apiToken);
  let ticket: Record<string, unknown>;
  switch (spec.kind) {
    case "helpdesk.update_note":
      // Comments are created through the Tickets API and cannot be edited afterwards, only redacted or made
      // private (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
      return { error: "Zendesk comments cannot be edited: a new private comment supersedes the last one" };
    case "helpdesk.internal_note":
      ticket = { comment: { body: spec.params.body, public: false } };
      break;
    case "helpdesk.reply":
      ticket = { comment: { body: spec.params.body, public: true }, ...(spec.params.status ? { status: spec.params.status } : {}) };
      break;
    case "helpdesk.update": {
      const p = spec.params;
      const bad = groupError("Zendesk", p.group);
      if (bad) return bad;
      // Update Ticket (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket):
      // assignee_id / assignee_email for the agent, group_id for the group.
      ticket = {
        ...(p.status ? { status: p.status } : {}),
        ...(p.priority ? { priority: p.priority } : {}),
        ...(p.assignee ? (/^\d+$/.test(p.assignee) ? { assignee_id: Number(p.assignee) } : { assignee_email: p.assignee }) : {}),
        ...(p.group ? { group_id: Number(p.group) } : {}),
        // additional_tags adds without replacing what agents set.
        ...(p.tags.length ? { additional_tags: p.tags } : {}),
      };
      break;
    }
  }
  return [json("PUT", url, auth, { ticket })];
}

/**
 * The helpdesk's host: GORGIAS_DOMAIN / FRESHDESK_DOMAIN / ZENDESK_SUBDOMAIN name the account
 * (`acme` → https://acme.freshdesk.com); a full URL there points at another host (a sandbox, a mock).
 */
export function helpdeskOrigin(account: string, vendorDomain: string): string {
  return account.includes("://") ? account.replace(/\/+$/, "") : `https://${account}.${vendorDomain}`;
}

/**
 * Freshdesk answers "Create a note" with the conversation it created, `id` first
 * (https://developers.freshdesk.com/api/#add_note_to_a_ticket): kept as the action's external id, so
 * the next material change edits this note instead of adding another (pipeline/ticket-context.ts).
 */
export function helpdeskInterpret(spec: HelpdeskSpec): Interpret | undefined {
  if (spec.kind !== "helpdesk.internal_note" || spec.params.helpdesk !== "freshdesk") return undefined;
  return (status, body) => {
    const id = typeof body === "object" && body !== null ? (body as { id?: unknown }).id : undefined;
    return { kind: "sent", httpStatus: status, externalId: typeof id === "number" || (typeof id === "string" && /^\d+$/.test(id)) ? String(id) : null, response: body };
  };
}
