/** Helpdesks (Gorgias, Freshdesk, Zendesk): public replies, internal notes, status, priority, assignee, tags. */
import type { ActionSpec } from "../canonical/actions";
import type { FreshdeskConfig, GorgiasConfig, ZendeskConfig } from "./config";
import { basicAuth, type OutboundRequest } from "./http";

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

function gorgias(spec: HelpdeskSpec, c: GorgiasConfig): OutboundRequest[] {
  const base = `${helpdeskOrigin(c.domain, "gorgias.com")}/api/tickets/${encodeURIComponent(spec.params.ticketId)}`;
  const auth = basicAuth(c.username, c.apiKey);
  const message = (channel: string, text: string) => json("POST", `${base}/messages`, auth, { channel, via: "api", from_agent: true, sender: { email: c.username }, body_text: text });
  switch (spec.kind) {
    case "helpdesk.internal_note":
      return [message("internal-note", spec.params.body)];
    case "helpdesk.reply": {
      const steps = [message("email", spec.params.body)];
      if (spec.params.status) steps.push(json("PUT", base, auth, { status: GORGIAS_STATUS[spec.params.status] }));
      return steps;
    }
    case "helpdesk.update": {
      const p = spec.params;
      const update = {
        ...(p.status ? { status: GORGIAS_STATUS[p.status] } : {}),
        ...(p.priority ? { priority: GORGIAS_PRIORITY[p.priority] } : {}),
        ...(p.assignee ? { assignee_user: /^\d+$/.test(p.assignee) ? { id: Number(p.assignee) } : { email: p.assignee } } : {}),
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
    case "helpdesk.reply": {
      const steps = [json("POST", `${base}/reply`, auth, { body: freshdeskHtml(spec.params.body) })];
      if (spec.params.status) steps.push(json("PUT", base, auth, { status: FRESHDESK_STATUS[spec.params.status] }));
      return steps;
    }
    case "helpdesk.update": {
      const p = spec.params;
      if (p.assignee && !/^\d+$/.test(p.assignee)) return { error: `Freshdesk needs a numeric agent id as assignee, got "${p.assignee}"` };
      // Freshdesk's tags field replaces the ticket's tags and it has no add-tags call, so tags are not sent.
      const update = {
        ...(p.status ? { status: FRESHDESK_STATUS[p.status] } : {}),
        ...(p.priority ? { priority: FRESHDESK_PRIORITY[p.priority] } : {}),
        ...(p.assignee ? { responder_id: Number(p.assignee) } : {}),
      };
      return Object.keys(update).length ? [json("PUT", base, auth, update)] : [];
    }
  }
}

function zendesk(spec: HelpdeskSpec, c: ZendeskConfig): OutboundRequest[] {
  const url = `${helpdeskOrigin(c.subdomain, "zendesk.com")}/api/v2/tickets/${encodeURIComponent(spec.params.ticketId)}.json`;
  const auth = basicAuth(`${c.email}/token`, c.apiToken);
  let ticket: Record<string, unknown>;
  switch (spec.kind) {
    case "helpdesk.internal_note":
      ticket = { comment: { body: spec.params.body, public: false } };
      break;
    case "helpdesk.reply":
      ticket = { comment: { body: spec.params.body, public: true }, ...(spec.params.status ? { status: spec.params.status } : {}) };
      break;
    case "helpdesk.update": {
      const p = spec.params;
      ticket = {
        ...(p.status ? { status: p.status } : {}),
        ...(p.priority ? { priority: p.priority } : {}),
        ...(p.assignee ? (/^\d+$/.test(p.assignee) ? { assignee_id: Number(p.assignee) } : { assignee_email: p.assignee }) : {}),
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
