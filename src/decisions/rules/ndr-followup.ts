/** ndr_followup: a failed delivery attempt → WhatsApp asking to re-attempt or update the address; the customer's button reply → the carrier's NDR action. */
import { ndrButtonPayload, parseNdrButton } from "../../canonical/vocabulary";
import type { ActionSpec } from "../../canonical/actions";
import type { NdrFollowupContext } from "../context";
import { localTime } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, whatsappTemplate } from "./build";

const SETTLED = new Set(["delivered", "rto_initiated", "rto_delivered", "cancelled", "returned", "refunded"]);


export function decideNdrFollowup(ctx: NdrFollowupContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.ndr_followup;
  const { order, journey, reply } = ctx;
  if (journey.failedAttempts < 1 || SETTLED.has(journey.state) || order.cancelledAt !== null) return null;
  const subject = { type: "ndr_followup" as const, subjectType: "order" as const, subjectId: order.id };
  const attempt = journey.failedAttempts;

  if (reply) {
    const answer = parseNdrButton(reply.payload);
    if (!answer || answer.orderName !== order.name || !p.allowCarrierAction || !journey.awb) return null;
    const choice = answer.choice === "reattempt" ? "re-attempt" : "return";
    const action: ActionSpec = { kind: "shiprocket.ndr_action", connector: "shiprocket", params: { awb: journey.awb, action: choice, comments: `Customer chose ${choice} on WhatsApp ${new Date(reply.at).toISOString()}` } };
    return draft(
      {
        ...subject,
        dedupeKey: `ndr_followup:order:${order.id}:reply:${attempt}`,
        reasons: [`customer replied "${answer.choice}" after failed attempt ${attempt}`, `carrier NDR action: ${choice}`],
        inputs: { payload: reply.payload, repliedAt: reply.at, awb: journey.awb, failedAttempts: attempt },
        actions: [action],
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
