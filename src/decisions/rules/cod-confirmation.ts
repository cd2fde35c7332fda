/** cod_confirmation: risky COD orders get confirm/cancel buttons before fulfilment; silence past the timeout → hold and alert. */
import { codButtonPayload, codConfirmationKey } from "../../canonical/vocabulary";
import type { CodConfirmationContext, JourneyState } from "../context";
import { HOUR_MS, hours, percent, rupees } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, opsAlert, whatsappTemplate } from "./build";
import { codTimeoutHoldActions } from "./cod-shopify";

/** The high-RTO list entry (a pincode prefix) the pincode falls under, if any. */
function listedRtoPrefix(pincode: string | null, prefixes: readonly string[]): string | undefined {
  return pincode ? prefixes.find((prefix) => pincode.startsWith(prefix)) : undefined;
}

/**
 * Whether a new order waits for the customer's confirmation before anything else happens to it:
 * the journey's first step (OrderJourney) and the rule's question share this one condition.
 */
export function needsCodConfirmation(
  order: { paymentMethod: string; totalPrice: number; shippingPincode: string | null },
  p: { minOrderPaise: number; highRtoPincodes: readonly string[] },
): boolean {
  return order.paymentMethod === "cod" && (order.totalPrice >= p.minOrderPaise || listedRtoPrefix(order.shippingPincode, p.highRtoPincodes) !== undefined);
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

  const reasons: string[] = [];
  if (order.totalPrice >= p.minOrderPaise) reasons.push(`COD order ${rupees(order.totalPrice)} ≥ ${rupees(p.minOrderPaise)}`);
  const pincode = order.shippingPincode ?? "";
  const listed = listedRtoPrefix(pincode, p.highRtoPincodes);
  if (listed) reasons.push(`pincode ${pincode} is on the high-RTO list (${listed})`);
  if (ctx.destinationRtoRate !== null && ctx.destinationRtoRate >= p.rtoRateThreshold) {
    reasons.push(`destination RTO rate ${percent(ctx.destinationRtoRate)} ≥ ${percent(p.rtoRateThreshold)}`);
  }
  if (!reasons.length || !order.phone) return null;

  return draft(
    {
      ...subject,
      dedupeKey: codConfirmationKey(order.id, "request"),
      reasons,
      inputs: { totalPrice: order.totalPrice, pincode: order.shippingPincode, destinationRtoRate: ctx.destinationRtoRate },
      actions: [
        whatsappTemplate(order.phone, p.template, [firstName(order.customerFirstName), order.name, rupees(order.totalPrice)], [
          { type: "quick_reply", param: codButtonPayload("confirm", order.name) },
          { type: "quick_reply", param: codButtonPayload("cancel", order.name) },
        ]),
      ],
    },
    policy,
    now,
  );
}
