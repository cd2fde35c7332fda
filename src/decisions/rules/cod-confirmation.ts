/** cod_confirmation: risky COD orders get confirm/cancel buttons before fulfilment; silence past the timeout → hold and alert. */
import { codButtonPayload, codConfirmationKey } from "../../canonical/vocabulary";
import type { CodConfirmationContext, JourneyState } from "../context";
import type { ActionSpec } from "../../canonical/actions";
import { listedRtoPrefix, prepaidOffer, scoreCodRisk, type CodRiskBand, type CodRiskScore } from "../cod-risk";
import { HOUR_MS, hours, rupees } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, opsAlert, whatsappTemplate } from "./build";
import { codTimeoutHoldActions } from "./cod-shopify";

/**
 * Whether a new order waits for the customer's confirmation before anything else happens to it:
 * the journey's first step (OrderJourney) and the rule's question share this one condition. With
 * the order's risk score (decisions/cod-risk.ts), medium and high wait; without one (a source that
 * was not scored), the score of the order's own facts decides: value and the high-RTO list.
 */
export function needsCodConfirmation(
  order: { paymentMethod: string; totalPrice: number; shippingPincode: string | null },
  p: { minOrderPaise: number; highRtoPincodes: readonly string[] },
  risk?: { band: CodRiskBand } | null,
): boolean {
  if (order.paymentMethod !== "cod") return false;
  if (risk) return risk.band !== "low";
  return order.totalPrice >= p.minOrderPaise || listedRtoPrefix(order.shippingPincode, p.highRtoPincodes) !== undefined;
}

/** The score from what the context alone carries (value, list, destination rate), for contexts assembled without one. */
function contextScore(ctx: CodConfirmationContext, policy: Policy): CodRiskScore {
  const o = ctx.order;
  const destination = ctx.destinationRtoRate === null ? null : { rate: ctx.destinationRtoRate, level: "prefix" as const, storeRate: null, rtos: null, shipments: null };
  return scoreCodRisk(
    {
      order: { id: o.id, totalPrice: o.totalPrice, paymentMethod: o.paymentMethod, pincode: o.shippingPincode, city: o.shippingCity, state: null, createdAt: o.createdAt },
      destination,
      customer: null,
      storeMedianOrderPaise: null,
      address: null,
      directory: null,
      velocity: null,
    },
    policy,
  );
}

/** "COD risk high, 95 points (medium ≥ 30, high ≥ 60): destination RTO +35, …" — the score and each factor's points in one line. */
export function riskSummary(risk: CodRiskScore, policy: Policy): string {
  const parts = risk.factors.map((f) => `${f.code.replace(/_/g, " ")} ${f.points ? `+${f.points}` : "(forces high)"}`);
  return `COD risk ${risk.band}, ${risk.score} points (medium ≥ ${policy.cod_risk.mediumAt}, high ≥ ${policy.cod_risk.highAt})${parts.length ? `: ${parts.join(", ")}` : ""}`;
}

const BEFORE_FULFILMENT: ReadonlySet<JourneyState> = new Set(["placed", "cod_confirmation_pending", "confirmed"]);

export function decideCodConfirmation(ctx: CodConfirmationContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.cod_confirmation;
  const { order } = ctx;
  if (order.paymentMethod !== "cod" || order.cancelledAt !== null || ctx.reply !== null) return null;
  if (!BEFORE_FULFILMENT.has(ctx.state)) return null;
  const subject = { type: "cod_confirmation" as const, subjectType: "order" as const, subjectId: order.id };

  if (ctx.confirmationRequestedAt !== null) {
    const waitedMs = now - ctx.confirmationRequestedAt;
    if (waitedMs < p.timeoutHours * HOUR_MS) return null;
    return draft(
      {
        ...subject,
        dedupeKey: codConfirmationKey(order.id, "timeout"),
        reasons: [`no answer to the COD confirmation for ${hours(waitedMs)} (timeout ${p.timeoutHours} h): hold before fulfilment`],
        inputs: { confirmationRequestedAt: ctx.confirmationRequestedAt, waitedHours: waitedMs / HOUR_MS },
        actions: [
          { kind: "shopify.tags_add", connector: "shopify", params: { resource: "order", id: order.id, tags: [p.holdTag] } },
          ...codTimeoutHoldActions(order, policy),
          opsAlert(`COD order ${order.name} unconfirmed: on hold`, `${order.name} (${rupees(order.totalPrice)} COD to ${order.shippingPincode ?? "unknown pincode"}) got no confirmation in ${p.timeoutHours} h. Tagged ${p.holdTag}; call the customer or cancel.`),
        ],
      },
      policy,
      now,
    );
  }

  const risk = ctx.risk ?? contextScore(ctx, policy);
  if (risk.band === "low" || !order.phone) return null;
  // Each factor with its numbers, then the score with each factor's points.
  const reasons = [...risk.factors.map((f) => f.reason), riskSummary(risk, policy)];
  const ask = whatsappTemplate(order.phone, p.template, [firstName(order.customerFirstName), order.name, rupees(order.totalPrice)], [
    { type: "quick_reply", param: codButtonPayload("confirm", order.name) },
    { type: "quick_reply", param: codButtonPayload("cancel", order.name) },
  ]);
  const actions: ActionSpec[] = [ask];
  if (risk.band === "high") {
    // Pay now instead: a payment link for the order less the prepaid discount (executed by the payment-link connector).
    const offer = prepaidOffer(order.totalPrice, policy);
    actions.push({
      kind: "cod_payment_link",
      connector: "razorpay",
      params: { orderId: order.id, amountPaise: offer.amountPaise, discountPaise: offer.discountPaise, customerPhone: order.phone, ...(order.email ? { customerEmail: order.email } : {}) },
    });
    reasons.push(`high risk: offered to pay ${rupees(offer.amountPaise)} now by link (${rupees(offer.discountPaise)} off for prepaying)`);
    if (policy.cod_risk.holdHighRisk) {
      // Shopify shows reasonNotes to the warehouse; kept within the 255 characters the hold note policy allows.
      const note = `COD risk ${risk.score}/100: ${risk.factors.map((f) => f.reason).join("; ")}`.slice(0, 255);
      actions.push({ kind: "shopify_fulfillment_hold", connector: "shopify", params: { orderId: order.id, reason: "HIGH_RISK_OF_FRAUD", note } });
      reasons.push("high risk: fulfilment held in Shopify until the customer confirms or pays");
    }
  }

  return draft(
    {
      ...subject,
      dedupeKey: codConfirmationKey(order.id, "request"),
      reasons,
      inputs: {
        totalPrice: order.totalPrice,
        pincode: order.shippingPincode,
        destinationRtoRate: risk.destinationRtoRate ?? ctx.destinationRtoRate,
        riskScore: risk.score,
        riskBand: risk.band,
        riskFactors: risk.factors.map((f) => ({ code: f.code, points: f.points, numbers: f.numbers })),
      },
      actions,
    },
    policy,
    now,
  );
}
