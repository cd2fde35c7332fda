/** churn_intervention: a customer well past their usual reorder gap → a retention offer sized by LTV tier. */
import type { ActionSpec } from "../../canonical/actions";
import type { ChurnInterventionContext } from "../context";
import { DAY_MS, rupees } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { customerEmail, draft, firstName, whatsappTemplate } from "./build";

export function decideChurnIntervention(ctx: ChurnInterventionContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.churn_intervention;
  const { customer } = ctx;
  const interval = customer.expectedIntervalDays;
  if (ctx.openTicket || customer.lastOrderAt === null || interval === null || interval <= 0) return null;
  if (customer.ordersCount < p.minOrders || !customer.acceptsMarketing) return null;

  const k = p.k[customer.tier];
  const daysSince = (now - customer.lastOrderAt) / DAY_MS;
  if (daysSince <= k * interval) return null;

  const offer = p.offers[customer.tier];
  const name = firstName(customer.firstName);
  let action: ActionSpec | null = null;
  if (customer.phone && customer.acceptsWhatsapp) {
    action = whatsappTemplate(customer.phone, offer.template, [name, offer.discountCode, `${offer.percentOff}%`]);
  } else if (customer.email) {
    action = customerEmail(customer.email, "winback", { firstName: name, orderName: null, items: [], discountCode: offer.discountCode, percentOff: offer.percentOff }, policy);
  }
  if (!action) return null;

  return draft(
    {
      type: "churn_intervention",
      subjectType: "customer",
      subjectId: customer.id,
      // One offer per lapse: a new order resets lastOrderAt and with it the key.
      dedupeKey: `churn_intervention:customer:${customer.id}:lapse:${customer.lastOrderAt}`,
      reasons: [
        `${daysSince.toFixed(0)} days since last order > ${k} × expected interval ${interval.toFixed(0)} days (${(k * interval).toFixed(0)} days, ${customer.tier} tier)`,
        `LTV ${rupees(customer.ltv)}, ${customer.ordersCount} orders: ${customer.tier}-tier offer ${offer.discountCode} (${offer.percentOff}% off)`,
      ],
      inputs: { lastOrderAt: customer.lastOrderAt, daysSince, expectedIntervalDays: interval, k, tier: customer.tier, ltv: customer.ltv, offer },
      actions: [action],
    },
    policy,
    now,
  );
}
