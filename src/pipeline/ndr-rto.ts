/**
 * NDR cases and RTO shipments kept as journeys move, and the customer's NDR reply turned into the
 * carrier's action: a failed attempt opens a case, a delivery or RTO ends it; an RTO is a row the
 * dashboard prices (decisions/rto-cost.ts). Idempotent: a retried event writes the same rows.
 */
import type { Message } from "../canonical/model";
import { parseNdrButton } from "../canonical/vocabulary";
import { closeNdrCase, openNdrCase, recordNdrAnswer, recordRto, shipmentPlatform } from "../db/ndr-rto";
import type { JourneySnapshot, OrderSummary } from "../decisions/context";
import type { Policy } from "../decisions/policy";
import { decideNdrFollowup } from "../decisions/rules/ndr-followup";
import type { DecisionDraft } from "../decisions/types";
import type { ForwardResult } from "./forward";

export async function recordNdrAndRto(env: Env, forwarded: ForwardResult, now: number): Promise<void> {
  for (const u of forwarded.journeys) {
    const s = u.snapshot;
    for (const t of u.newTransitions) {
      if (t.to === "failed_attempt" && s.awb) {
        const attempts = s.history.filter((h) => h.to === "failed_attempt" && h.at <= t.at).length;
        await openNdrCase(env.DB, { orderId: u.orderId, awb: s.awb, carrier: s.carrier, failedAt: t.at, attempts }, now);
      } else if (t.to === "delivered") {
        await closeNdrCase(env.DB, u.orderId, "delivered", t.at, now);
      } else if (t.to === "rto_initiated" || t.to === "rto_delivered") {
        await closeNdrCase(env.DB, u.orderId, "rto", t.at, now);
        if (s.awb) await recordRto(env.DB, { orderId: u.orderId, awb: s.awb, carrier: s.carrier ?? "unknown", at: t.at, received: t.to === "rto_delivered" }, now);
      }
    }
  }
}

/**
 * The customer's NDR reply (a button, or typed text the inbound pipeline gave the same payload):
 * recorded on the case, and decided with the platform that booked the parcel and the reply's text.
 */
export async function ndrReplyDraft(db: D1Database, input: { order: OrderSummary; journey: JourneySnapshot; message: Message }, policy: Policy, now: number): Promise<DecisionDraft | null> {
  const { order, journey, message } = input;
  const at = Date.parse(message.occurredAt);
  const answer = parseNdrButton(message.payload);
  const platform = journey.awb ? await shipmentPlatform(db, journey.awb) : null;
  if (answer && journey.awb && answer.orderName === order.name) await recordNdrAnswer(db, order.id, journey.awb, answer.choice, at, now);
  return decideNdrFollowup({ order, journey, reply: { payload: message.payload ?? "", at, text: message.text }, platform }, policy, now);
}
