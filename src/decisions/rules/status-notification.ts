/** status_notification: one WhatsApp per order per status, sent when the real event arrives, never at night. */
import type { StatusNotificationContext } from "../context";
import { HOUR_MS, hours, localDate, localTime } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, trackButton, whatsappTemplate } from "./build";

export function decideStatusNotification(ctx: StatusNotificationContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.status_notification;
  const { order, status, eventAt, journey } = ctx;
  const toggle = p.statuses[status];
  if (!toggle.enabled || !order.phone || order.cancelledAt !== null) return null;
  // Replays and backfills carry old events: announcing last week's "shipped" now would confuse.
  const ageMs = now - eventAt;
  if (ageMs > p.maxEventAgeHours * HOUR_MS) return null;

  const offset = policy.quietHours.utcOffsetMinutes;
  const name = firstName(order.customerFirstName);
  // Tracking goes in the template's URL button (canonical/whatsapp-templates.ts): its dynamic suffix is the
  // tracking page's token, or the AWB where the page is off (trackButton).
  const awb = journey?.awb ?? order.name.replace(/^#/, "");
  const params: Record<typeof status, string[]> = {
    confirmed: [name, order.name],
    shipped: [name, order.name, journey?.carrier ?? "our courier", awb],
    out_for_delivery: [name, order.name],
    delivered: [name, order.name, localTime(eventAt, offset)],
    delayed: [name, order.name, journey?.eta ? localDate(journey.eta, offset) : "soon"],
  };
  const tracked = status === "shipped" || status === "out_for_delivery" || status === "delayed";
  const reasons = [`${status.replace(/_/g, " ")} event at ${localTime(eventAt, offset)} (${hours(Math.max(0, ageMs))} ago, within ${p.maxEventAgeHours} h)`];
  reasons.push(`notification for ${status} is on (template ${toggle.template})`);

  const result = draft(
    {
      type: "status_notification",
      subjectType: "order",
      subjectId: order.id,
      dedupeKey: `status_notification:order:${order.id}:${status}`,
      reasons,
      inputs: { status, eventAt, awb: journey?.awb ?? null, carrier: journey?.carrier ?? null, eta: journey?.eta ?? null },
      actions: [whatsappTemplate(order.phone, toggle.template, params[status], tracked ? [trackButton(ctx.trackingPage, awb)] : [])],
    },
    policy,
    now,
  );
  if (result.notBefore !== null) reasons.push(`quiet hours ${policy.quietHours.start}–${policy.quietHours.end}: held until ${localTime(result.notBefore, offset)}`);
  return result;
}
