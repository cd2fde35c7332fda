/** delay_alert: a shipment gone quiet in transit → WhatsApp with a revised ETA, and store credit for high-LTV customers. */
import type { ActionSpec } from "../../canonical/actions";
import type { DelayAlertContext, JourneyState } from "../context";
import { HOUR_MS, hours, localDate, rupees } from "../format";
import { delayElevation, revisedEta as computeRevisedEta } from "../models/routes";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { customerEmail, draft, emailItems, firstName, trackButton, whatsappTemplate } from "./build";

const IN_TRANSIT: ReadonlySet<JourneyState> = new Set(["shipped", "in_transit", "out_for_delivery"]);

export function decideDelayAlert(ctx: DelayAlertContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.delay_alert;
  const { order, journey, customer, route } = ctx;
  if (!IN_TRANSIT.has(journey.state) || order.cancelledAt !== null) return null;
  // A shipment with no scan at all has been silent since it was handed over.
  const lastScanAt = journey.lastScanAt ?? journey.stateAt;
  const silentMs = now - lastScanAt;
  if (silentMs < p.stallHours * HOUR_MS) return null;

  const reasons = [`no carrier scan for ${hours(silentMs)} (threshold ${p.stallHours} h)`];
  const highLtv = customer !== null && customer.ltv >= p.highLtvPaise;
  if (highLtv) reasons.push(`customer LTV ${rupees(customer.ltv)} ≥ high-LTV tier ${rupees(p.highLtvPaise)}`);
  const routeReason = route
    ? delayElevation(route, { marginPoints: p.routeDelayMarginPoints, minRatio: p.routeDelayMinRatio, minShipments: p.routeMinShipments })
    : null;
  if (routeReason) reasons.push(routeReason);
  if (!highLtv && !routeReason) {
    if (!p.alertWithoutCredit) return null;
    reasons.push("neither high LTV nor an elevated route: alert without credit (policy alertWithoutCredit)");
  }

  const offset = policy.quietHours.utcOffsetMinutes;
  const eta = computeRevisedEta({
    now,
    pickedUpAt: journey.pickedUpAt ?? null,
    carrierEta: journey.eta,
    route,
    minDeliveries: p.routeMinShipments,
    minHoursAhead: p.revisedEtaMinHours,
    utcOffsetMinutes: offset,
  });
  const revisedEta = eta.at;
  reasons.push(eta.reason);

  const credit = highLtv && order.customerId !== null && p.storeCreditPaise > 0 ? p.storeCreditPaise : 0;
  const actions: ActionSpec[] = [];
  const phone = order.phone ?? customer?.phone ?? null;
  const email = order.email ?? customer?.email ?? null;
  const creditLine = credit ? `We've added ${rupees(credit)} store credit to your account for the wait.` : "We're following up with the courier.";
  const name = firstName(order.customerFirstName ?? customer?.firstName ?? null);
  if (phone) {
    const awb = journey.awb ?? order.name.replace(/^#/, "");
    actions.push(whatsappTemplate(phone, p.template, [name, order.name, localDate(revisedEta, offset), creditLine], [trackButton(ctx.trackingPage, awb)]));
  } else if (email) {
    // No number to reach on WhatsApp: the same news by email.
    actions.push(
      customerEmail(email, "delay_alert", { firstName: name, orderName: order.name, items: emailItems(order.lineItems), revisedEta: localDate(revisedEta, offset), creditLine, trackingUrl: ctx.trackingPage?.url ?? journey.trackingUrl }, policy),
    );
  }
  if (credit) {
    reasons.push(`${rupees(credit)} store credit for a high-LTV customer`);
    actions.push({ kind: "shopify.store_credit", connector: "shopify", params: { customerId: order.customerId!, amount: credit, currency: policy.currency } });
  }
  if (!actions.length) return null;

  return draft(
    {
      type: "delay_alert",
      subjectType: "order",
      subjectId: order.id,
      // One alert per silence: a new scan followed by a new stall is a new reason.
      dedupeKey: `delay_alert:order:${order.id}:stall:${lastScanAt}`,
      reasons,
      inputs: {
        state: journey.state,
        lastScanAt,
        lastScanLocation: journey.lastScanLocation,
        silentHours: silentMs / HOUR_MS,
        carrier: journey.carrier,
        awb: journey.awb,
        ltv: customer?.ltv ?? null,
        route: route ? { carrier: route.carrier, origin: route.origin, destination: route.destination, delayRate: route.delayRate, baselineDelayRate: route.baselineDelayRate, shipments: route.shipments } : null,
        carrierEta: journey.eta,
        revisedEta,
        revisedEtaMethod: eta.method,
        storeCredit: credit,
      },
      actions,
    },
    policy,
    now,
  );
}
