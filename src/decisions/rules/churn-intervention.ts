/**
 * churn_intervention: a retention offer sized by LTV tier, to the customers whose lapse puts the most
 * value at risk. With the store's BG/NBD fit: P(active) fallen below the policy's line, times the
 * spend they would bring if still active, and not to those likely to order anyway. Without a fit
 * (too few customers yet): days since the last order past k × their usual gap.
 */
import type { ActionSpec } from "../../canonical/actions";
import type { ChurnInterventionContext, CustomerSnapshot } from "../context";
import { DAY_MS, rupees } from "../format";
import { CLV_HORIZON_DAYS, EXPECTED_ORDERS_DAYS } from "../models/customers";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { customerEmail, draft, firstName, whatsappTemplate } from "./build";

export function decideChurnIntervention(ctx: ChurnInterventionContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.churn_intervention;
  const { customer } = ctx;
  if (ctx.openTicket || customer.lastOrderAt === null) return null;
  if (customer.ordersCount < p.minOrders || !customer.acceptsMarketing) return null;

  const lapse = customer.pActive !== null && customer.expectedOrders90d !== null && customer.predictedClv !== null
    ? modelLapse(customer, customer.pActive, customer.expectedOrders90d, customer.predictedClv, p)
    : intervalLapse(customer, p, now);
  if (!lapse) return null;

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
        ...lapse.reasons,
        `LTV ${rupees(customer.ltv)}, ${customer.ordersCount} orders: ${customer.tier}-tier offer ${offer.discountCode} (${offer.percentOff}% off)`,
      ],
      inputs: { lastOrderAt: customer.lastOrderAt, ...lapse.inputs, tier: customer.tier, ltv: customer.ltv, offer },
      actions: [action],
    },
    policy,
    now,
  );
}

type Lapse = { reasons: string[]; inputs: Record<string, unknown> } | null;

/**
 * Value at risk = (1 − P(active)) × what the customer would spend over the CLV horizon if still
 * active. Expected spend = P(active) × spend-if-active (an inactive customer spends nothing), so
 * spend-if-active = predicted CLV ÷ P(active).
 */
function modelLapse(customer: CustomerSnapshot, pActive: number, expectedOrders: number, predictedClv: number, p: Policy["churn_intervention"]): Lapse {
  const prediction = `P(active) ${pct(pActive)}, expected ${expectedOrders.toFixed(1)} orders in ${EXPECTED_ORDERS_DAYS} days`;
  if (expectedOrders >= p.likelyToOrder || pActive > p.maxPActive || pActive <= 0) return null;
  const ifActive = predictedClv / pActive;
  const valueAtRisk = (1 - pActive) * ifActive;
  if (valueAtRisk < p.minValueAtRiskPaise) return null;
  return {
    reasons: [
      `${prediction}: P(active) at or below ${pct(p.maxPActive)} and fewer than ${p.likelyToOrder} expected orders (not likely to order anyway)`,
      `value at risk ${rupees(valueAtRisk)} = ${pct(1 - pActive)} × ${rupees(ifActive)} expected in ${CLV_HORIZON_DAYS} days if still active (minimum ${rupees(p.minValueAtRiskPaise)})`,
    ],
    inputs: { pActive, expectedOrders90d: expectedOrders, predictedClv, valueIfActive: ifActive, valueAtRisk, maxPActive: p.maxPActive, likelyToOrder: p.likelyToOrder },
  };
}

/** The fallback without a store fit: days since the last order past k × the usual gap (k by tier). */
function intervalLapse(customer: CustomerSnapshot, p: Policy["churn_intervention"], now: number): Lapse {
  const interval = customer.expectedIntervalDays;
  if (customer.lastOrderAt === null || interval === null || interval <= 0) return null;
  const k = p.k[customer.tier];
  const daysSince = (now - customer.lastOrderAt) / DAY_MS;
  if (daysSince <= k * interval) return null;
  return {
    reasons: [`${daysSince.toFixed(0)} days since last order > ${k} × expected interval ${interval.toFixed(0)} days (${(k * interval).toFixed(0)} days, ${customer.tier} tier)`],
    inputs: { daysSince, expectedIntervalDays: interval, k },
  };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
