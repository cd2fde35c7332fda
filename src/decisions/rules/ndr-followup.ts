/**
 * ndr_followup: a failed delivery attempt → WhatsApp asking to re-attempt or return; the customer's
 * reply (a button, or a typed answer carrying the same payload) → the carrier's NDR action, with the
 * new date, phone or address the reply's text carried (decisions/ndr-answer.ts).
 */
import { ndrButtonPayload, parseNdrButton } from "../../canonical/vocabulary";
import type { NdrFollowupContext } from "../context";
import { localTime } from "../format";
import { parseNdrAnswer } from "../ndr-answer";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, whatsappTemplate } from "./build";
import { deferralWithin, localDay, maskedPhone, ndrCarrierAction } from "./ndr-action";

const SETTLED = new Set(["delivered", "rto_initiated", "rto_delivered", "cancelled", "returned", "refunded"]);


export function decideNdrFollowup(ctx: NdrFollowupContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.ndr_followup;
  const { order, journey, reply } = ctx;
  if (journey.failedAttempts < 1 || SETTLED.has(journey.state) || order.cancelledAt !== null) return null;
  const subject = { type: "ndr_followup" as const, subjectType: "order" as const, subjectId: order.id };
  const attempt = journey.failedAttempts;

  if (reply) {
    const answer = parseNdrButton(reply.payload);
    const platform = ctx.platform === undefined ? "shiprocket" : ctx.platform;
    if (!answer || answer.orderName !== order.name || !p.allowCarrierAction || !journey.awb || !platform) return null;
    const choice = answer.choice === "reattempt" ? "re-attempt" : "return";
    const typed = parseNdrAnswer(reply.text ?? null, reply.at, policy.quietHours.utcOffsetMinutes);
    const deferral = deferralWithin(typed.date, localDay(now, policy.quietHours.utcOffsetMinutes), policy.ndr_rto.ndrMaxDeferDays);
    const details = choice === "re-attempt" ? { date: deferral.date, phone: typed.phone, address: typed.address } : {};
    const carried = [
      details.date ? `new date ${details.date}` : null,
      details.phone ? `alternate phone ${maskedPhone(details.phone)}` : null,
      details.address ? `address line (${details.address.length} characters)` : null,
    ].filter((x): x is string => x !== null);
    const comments = `Customer chose ${choice} on WhatsApp ${new Date(reply.at).toISOString()}${details.date ? `; deliver on ${details.date}` : ""}`;
    return draft(
      {
        ...subject,
        dedupeKey: `ndr_followup:order:${order.id}:reply:${attempt}`,
        reasons: [
          `customer replied "${answer.choice}" after failed attempt ${attempt}`,
          `carrier NDR action: ${choice} through ${platform}${carried.length ? `, with ${carried.join(", ")}` : ""}`,
          ...(choice === "re-attempt" && deferral.note ? [deferral.note] : []),
        ],
        inputs: { payload: reply.payload, repliedAt: reply.at, awb: journey.awb, failedAttempts: attempt, platform, deferredDate: details.date ?? null, phoneGiven: Boolean(details.phone), addressGiven: Boolean(details.address) },
        actions: [ndrCarrierAction(platform, journey.awb, choice, details, comments)],
      },
      policy,
      now,
    );
  }

  if (!order.phone) return null;
  const offset = policy.quietHours.utcOffsetMinutes;
  return draft(
    {
      ...subject,
      dedupeKey: `ndr_followup:order:${order.id}:attempt:${attempt}`,
      reasons: [
        `failed delivery attempt ${attempt} reported by ${journey.carrier ?? "the carrier"}${journey.lastScanAt ? ` at ${localTime(journey.lastScanAt, offset)}` : ""}${journey.lastScanLocation ? ` (${journey.lastScanLocation})` : ""}`,
        "asking the customer to confirm re-attempt or return",
      ],
      inputs: { failedAttempts: attempt, awb: journey.awb, carrier: journey.carrier, lastScanAt: journey.lastScanAt },
      actions: [
        whatsappTemplate(order.phone, p.template, [firstName(order.customerFirstName), order.name], [
          { type: "quick_reply", param: ndrButtonPayload("reattempt", order.name) },
          { type: "quick_reply", param: ndrButtonPayload("return", order.name) },
        ]),
      ],
    },
    policy,
    now,
  );
}
