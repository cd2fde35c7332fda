/** Small constructors shared by the rules: action specs with every field filled, and the quiet-hours stamp on drafts. */
import type { ActionSpec } from "../../canonical/actions";
import { renderEmail } from "../../messages/email/render";
import type { EmailData, EmailTemplate } from "../../messages/email/templates";
import type { HelpdeskName } from "../context";
import { quietHoursEnd } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";

type Button = { type: "url" | "quick_reply"; param: string; url?: string };

/**
 * The tracking URL button: the tracking page's token when the page is on (the catalogue's template is
 * then approved with <PUBLIC_URL>/t/{{1}}), else the AWB for the carrier's page.
 */
export function trackButton(page: { token: string; url: string } | null | undefined, awb: string): Button {
  return page ? { type: "url", param: page.token, url: page.url } : { type: "url", param: awb };
}

export function whatsappTemplate(to: string, template: string, bodyParams: string[], buttons: Button[] = []): ActionSpec {
  return { kind: "whatsapp.template", connector: "whatsapp", params: { to, template, language: "en", bodyParams, buttons } };
}

/** A customer email, rendered (HTML and plain text) with the brand from the policy. */
export function customerEmail(to: string, template: EmailTemplate, data: EmailData, policy: Policy): ActionSpec {
  const r = renderEmail(template, data, policy.brand);
  return { kind: "email.send", connector: "email", params: { to, subject: r.subject, text: r.text, html: r.html, template } };
}

/** The items of an order as emails list them. */
export function emailItems(lines: readonly { title: string; quantity: number }[]): EmailData["items"] {
  return lines.map((l) => ({ title: l.title, quantity: l.quantity }));
}

export function opsAlert(subject: string, text: string): ActionSpec {
  return { kind: "email.ops_alert", connector: "email", params: { subject, text } };
}

export function helpdeskUpdate(
  helpdesk: HelpdeskName,
  ticketId: string,
  change: { priority: "low" | "normal" | "high" | "urgent" | null; assignee: string | null; status: "open" | "pending" | "solved" | null; tags: string[] },
): ActionSpec {
  return { kind: "helpdesk.update", connector: "helpdesk", params: { helpdesk, ticketId, ...change } };
}

export function internalNote(helpdesk: HelpdeskName, ticketId: string, body: string): ActionSpec {
  return { kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk, ticketId, body } };
}

/**
 * Completes a draft: WhatsApp is never sent in quiet hours, so a draft carrying a WhatsApp
 * action decided at night gets `notBefore` = the end of the window. Nothing else is deferred.
 */
export function draft(partial: Omit<DecisionDraft, "notBefore">, policy: Policy, now: number): DecisionDraft {
  const hasWhatsapp = partial.actions.some((a) => a.connector === "whatsapp");
  return { ...partial, notBefore: hasWhatsapp ? quietHoursEnd(now, policy.quietHours) : null };
}

export function firstName(name: string | null): string {
  return name && name.trim() ? name.trim() : "there";
}
