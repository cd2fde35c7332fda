/**
 * Channel fallback, the contact policy's last rule: a WhatsApp message that cannot reach the
 * customer (not on WhatsApp, template not approved or paused, failed after sending) goes by SMS
 * when it is a utility message with an SMS template configured, else by email where there is an
 * address; a failed SMS goes by email. Pure: the failed message and the policy in, the next action out.
 */
import type { ActionSpec } from "../canonical/actions";
import { smsTemplateFor } from "../canonical/sms-templates";
import { renderEmail } from "../messages/email/render";
import type { EmailData, EmailItem, EmailTemplate } from "../messages/email/templates";
import type { Policy } from "./policy";

/**
 * Graph API errors on a send that another channel can get around (Meta, "WhatsApp error codes"):
 * 131026 message undeliverable (not a WhatsApp user, old client, terms not accepted), 132001 template
 * does not exist (in this language / not approved), 132015 template paused, 132016 template disabled,
 * 131049 not delivered to keep the ecosystem healthy, 130472 number part of an experiment.
 */
export const FALLBACK_WHATSAPP_CODES: ReadonlySet<number> = new Set([131026, 132001, 132015, 132016, 131049, 130472]);

type WhatsAppTemplateParams = Extract<ActionSpec, { kind: "whatsapp.template" }>["params"];

/** The email each WhatsApp template turns into, when it has one. */
const EMAIL_FOR: Record<string, EmailTemplate> = {
  delay_alert: "delay_alert",
  order_delayed: "delay_alert",
  review_request: "review_request",
  cross_sell: "cross_sell",
  winback: "winback",
  winback_high: "winback",
  return_received: "return_update",
  refund_processed: "return_update",
  order_shipped: "shipping_update",
  out_for_delivery: "shipping_update",
};

export interface FallbackContext {
  /** What the failed message was: the WhatsApp template's params, or the SMS's. */
  failed: { channel: "whatsapp"; params: WhatsAppTemplateParams } | { channel: "sms"; params: Extract<ActionSpec, { kind: "sms.send" }>["params"]; whatsapp: WhatsAppTemplateParams | null };
  email: string | null;
  items: EmailItem[];
}

export type FallbackPlan = { spec: ActionSpec; reason: string } | { spec: null; reason: string };

function trackingLink(wa: WhatsAppTemplateParams, policy: Policy): string | null {
  const url = wa.buttons.find((b) => b.type === "url");
  if (!url) return null;
  // The tracking page's whole address when the button carries it; else the carrier's page by AWB.
  return url.url ?? `${policy.fallback.trackingUrlBase}${encodeURIComponent(url.param)}`;
}

/**
 * An SMS's link must be whitelisted on the DLT platform, where a dynamic URL is its fixed part ending in
 * "?" (MSG91, https://msg91.com/help/how-to-whitelist-urls-and-callback-numbers-on-dlt): the tracking
 * page goes by SMS as <PUBLIC_URL>/t?k=<token> (routes/tracking/ answers both forms).
 */
export function smsLink(url: string): string {
  const m = /^(https:\/\/[^?#]+)\/t\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(url);
  return m ? `${m[1]}/t?k=${m[2]}` : url;
}

function emailData(wa: WhatsAppTemplateParams, template: EmailTemplate, items: EmailItem[], policy: Policy): EmailData {
  const p = (n: number) => wa.bodyParams[n - 1] ?? "";
  const base = { firstName: p(1) || "there", items };
  switch (template) {
    case "delay_alert":
      return { ...base, orderName: p(2), revisedEta: p(3), creditLine: wa.template === "delay_alert" ? p(4) : undefined, trackingUrl: trackingLink(wa, policy) };
    case "shipping_update":
      return { ...base, orderName: p(2), shippingStage: wa.template === "out_for_delivery" ? "out_for_delivery" : "shipped", carrier: wa.template === "order_shipped" ? p(3) : undefined, trackingUrl: trackingLink(wa, policy) };
    case "winback":
      return { ...base, orderName: null, items: [], discountCode: p(2), percentOff: Number.parseFloat(p(3)) || 0 };
    case "return_update":
      return { ...base, orderName: p(2), returnKind: wa.template === "refund_processed" ? "refunded" : "return_requested", amount: p(3) || undefined };
    default:
      return { ...base, orderName: p(2) };
  }
}

function emailFallback(wa: WhatsAppTemplateParams | null, ctx: FallbackContext, policy: Policy, why: string): FallbackPlan {
  if (!wa) return { spec: null, reason: `${why}; nothing to turn into an email` };
  const template = EMAIL_FOR[wa.template];
  if (!template) return { spec: null, reason: `${why}; ${wa.template} has no email version` };
  if (!ctx.email) return { spec: null, reason: `${why}; no email address for the customer` };
  const r = renderEmail(template, emailData(wa, template, ctx.items, policy), policy.brand);
  return { spec: { kind: "email.send", connector: "email", params: { to: ctx.email, subject: r.subject, text: r.text, html: r.html, template } }, reason: `${why}: sent by email instead` };
}

export function planFallback(ctx: FallbackContext, policy: Policy): FallbackPlan {
  if (ctx.failed.channel === "sms") return emailFallback(ctx.failed.whatsapp, ctx, policy, "SMS failed");
  const wa = ctx.failed.params;
  const sms = smsTemplateFor(wa.template);
  const ids = policy.fallback.sms[wa.template];
  if (sms && ids) {
    const page = trackingLink(wa, policy);
    const link = page ? smsLink(page) : null;
    const variables: Record<string, string> = {};
    for (const [name, source] of Object.entries(sms.variables)) {
      variables[name] = "bodyParam" in source ? (wa.bodyParams[source.bodyParam - 1] ?? "") : (link ?? policy.brand.storeUrl ?? "");
    }
    const unicode = Object.values(variables).some((v) => /[^\x00-\x7F]/.test(v));
    return {
      spec: { kind: "sms.send", connector: "sms", params: { to: wa.to, template: wa.template, templateId: ids.templateId, dltTemplateId: ids.dltTemplateId, senderId: ids.senderId, variables, unicode } },
      reason: "WhatsApp could not reach the customer: sent by SMS instead",
    };
  }
  return emailFallback(wa, ctx, policy, sms ? `WhatsApp could not reach the customer; no SMS template ids configured for ${wa.template}` : "WhatsApp could not reach the customer");
}
