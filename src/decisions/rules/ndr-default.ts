/**
 * ndr_followup, when the customer says nothing: the default action once the no-answer window has
 * passed. While the shipment has failed at most `ndrDefaultReattempts` times the carrier is asked to
 * re-attempt (one decision per failed attempt); on the next failed attempt it is asked to return the
 * parcel, once per order. Nothing when the customer answered that attempt, when the carrier has
 * moved on (out for delivery again, delivered, RTO), or when the platform has no NDR API.
 */
import type { NdrDefaultContext } from "../context";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft } from "./build";
import { ndrCarrierAction } from "./ndr-action";

export function decideNdrDefault(ctx: NdrDefaultContext, policy: Policy, now: number): DecisionDraft | null {
  const { order, journey, platform, attempt, answered } = ctx;
  const allowed = policy.ndr_rto.ndrDefaultReattempts;
  const hours = policy.ndr_rto.ndrNoAnswerHours;
  if (answered || !policy.ndr_followup.allowCarrierAction || order.cancelledAt !== null) return null;
  if (journey.state !== "failed_attempt" || journey.failedAttempts !== attempt || !journey.awb || !platform) return null;
  const reattempt = attempt <= allowed;
  const choice = reattempt ? "re-attempt" : "return";
  return draft(
    {
      type: "ndr_followup",
      subjectType: "order",
      subjectId: order.id,
      // A re-attempt per failed attempt; the return once, whatever attempt it comes at.
      dedupeKey: reattempt ? `ndr_followup:order:${order.id}:default:${attempt}` : `ndr_followup:order:${order.id}:default:return`,
      reasons: [
        `no answer from the customer ${hours} h after failed attempt ${attempt}`,
        reattempt
          ? `default action: re-attempt (failed attempt ${attempt}; the policy gives ${allowed} re-attempt${allowed === 1 ? "" : "s"} before returning)`
          : `default action: return to origin (failed attempt ${attempt}, after ${allowed} re-attempt${allowed === 1 ? "" : "s"})`,
        `carrier NDR action through ${platform}`,
      ],
      inputs: { awb: journey.awb, failedAttempts: attempt, platform, noAnswerHours: hours, defaultReattempts: allowed },
      actions: [ndrCarrierAction(platform, journey.awb, choice, {}, `No answer from the customer in ${hours} h: default ${choice} (Switchyard)`)],
    },
    policy,
    now,
  );
}
