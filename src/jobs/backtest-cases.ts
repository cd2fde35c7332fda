/**
 * Rebuilds, from the stored event log, the contexts each rule would have seen during a period,
 * so a candidate policy can be replayed in shadow ("what if the stall threshold were 30 h?").
 * Each case carries its own time; the rule is evaluated as of that time.
 */
import type { ShipmentStatus } from "../canonical/model";
import * as history from "../db/backtest-history";
import { listRouteStats } from "../db/models";
import { allStockedSkus } from "../db/stock-read-model";
import type { BacktestCase } from "../decisions/backtest";
import { scoreHistory } from "../decisions/cod-risk-backtest";
import { loadCodHistory } from "./cod-backtest";
import { journeyTargetForScan } from "../durable-objects/journey-machine";
import { HOUR_MS } from "../lib/time";
import type { JourneySnapshot, OrderSummary } from "../decisions/context";
import type { Policy } from "../decisions/policy";
import { unansweredCheckpoints } from "../decisions/escalation-policy";
import { hasOpenTicket, loadCustomer, loadOrderSummary, loadSkuSupply, originOf, routeFromRow, ticketSummary, trackingUrl } from "../db/rule-inputs";


const MAX_PER_TYPE = 2000;

function journeyAt(base: Partial<JourneySnapshot> & Pick<JourneySnapshot, "state" | "stateAt">): JourneySnapshot {
  return {
    lastScanAt: null,
    lastScanLocation: null,
    awb: null,
    carrier: null,
    origin: null,
    eta: null,
    failedAttempts: 0,
    trackingUrl: null,
    deliveredAt: null,
    ...base,
  };
}

export async function buildBacktestCases(db: D1Database, from: number, to: number, policy: Policy): Promise<BacktestCase[]> {
  const cases: BacktestCase[] = [];
  const orders = new Map<string, OrderSummary | null>();
  const order = async (id: string) => {
    if (!orders.has(id)) orders.set(id, await loadOrderSummary(db, id));
    return orders.get(id) ?? null;
  };

  // Carrier scans in the period, per parcel in time order: silences, failed attempts, deliveries.
  const scans = await history.carrierScansBetween(db, from, to);
  let delay = 0;
  let ndr = 0;
  let delivered = 0;
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i]!;
    const next = scans[i + 1]?.awb === s.awb ? scans[i + 1]! : null;
    const o = await order(s.orderId);
    if (!o) continue;
    const base = { awb: s.awb, carrier: s.carrier, lastScanAt: s.at, lastScanLocation: s.location, eta: s.eta, origin: originOf(scans.find((x) => x.awb === s.awb)?.location ?? null), trackingUrl: trackingUrl(s.carrier, s.awb) };
    if (["picked_up", "in_transit", "out_for_delivery"].includes(s.status) && delay < MAX_PER_TYPE) {
      // The silence after this scan lasted until the next scan (or the end of the period).
      // The state the live journey would be in after this scan (the same mapping OrderJourney uses).
      const state = journeyTargetForScan(s.status as ShipmentStatus)!;
      cases.push({ type: "delay_alert", at: next?.at ?? to, context: { order: o, journey: journeyAt({ ...base, state, stateAt: s.at }), customer: await loadCustomer(db, o.customerId, policy), route: null } });
      delay++;
    }
    if ((s.status === "failed_attempt" || s.status === "ndr") && ndr < MAX_PER_TYPE) {
      cases.push({ type: "ndr_followup", at: s.at, context: { order: o, journey: journeyAt({ ...base, state: "failed_attempt", stateAt: s.at, failedAttempts: 1 }), reply: null } });
      ndr++;
    }
    if (s.status === "delivered" && delivered < MAX_PER_TYPE) {
      const journey = journeyAt({ ...base, state: "delivered", stateAt: s.at, deliveredAt: s.at });
      const customer = await loadCustomer(db, o.customerId, policy);
      const stepsDone: string[] = [];
      for (const step of policy.post_delivery.steps) {
        const at = s.at + step.delayHours * HOUR_MS;
        if (at > to) break;
        cases.push({ type: "post_delivery", at, context: { order: o, journey, customer, openTicket: false, openReturn: false, stepsDone: [...stepsDone] } });
        stepsDone.push(step.name);
      }
      cases.push({ type: "status_notification", at: s.at, context: { order: o, status: "delivered", eventAt: s.at, journey } });
      delivered++;
    }
  }

  // COD orders placed in the period, each with its risk score as of its placement (jobs/cod-backtest.ts).
  const cod = await history.codOrdersBetween(db, from, to, MAX_PER_TYPE);
  const risks = new Map(scoreHistory(await loadCodHistory(db, from, to), policy).map((s) => [s.order.id, s.score]));
  for (const r of cod) {
    const o = await order(r.id);
    const risk = risks.get(r.id) ?? null;
    if (o) cases.push({ type: "cod_confirmation", at: r.at, context: { order: o, state: "placed", destinationRtoRate: risk?.destinationRtoRate ?? null, risk, confirmationRequestedAt: null, reply: null } });
  }

  // Tickets opened in the period, as of their SLA deadline (or first response, whichever came first).
  const tickets = await history.ticketsCreatedBetween(db, from, to, MAX_PER_TYPE);
  for (const t of tickets) {
    const ticket = ticketSummary({ ...t, status: "open" });
    const o = t.orderId ? await order(String(t.orderId)) : null;
    const customer = await loadCustomer(db, (t.customerId as string | null) ?? o?.customerId ?? null, policy);
    // As it arrived, then at each "unanswered" wait of the rules it was still unanswered at (as of then).
    cases.push({ type: "support_escalation", at: ticket.createdAt, context: { ticket: { ...ticket, firstResponseAt: null }, customer, order: o, journey: null, scans: [] } });
    for (const h of unansweredCheckpoints(policy.support_escalation)) {
      const at = ticket.createdAt + h * HOUR_MS;
      if (at > to || (ticket.firstResponseAt !== null && ticket.firstResponseAt <= at)) continue;
      cases.push({ type: "support_escalation", at, context: { ticket: { ...ticket, firstResponseAt: null }, customer, order: o, journey: null, scans: [] } });
    }
    if (ticket.category === "wismo") cases.push({ type: "wismo_autoreply", at: ticket.createdAt, context: { ticket: { ...ticket, firstResponseAt: null }, order: o, journey: null } });
  }

  // Returns and refunds in the period.
  const returns = await history.returnsBetween(db, from, to, MAX_PER_TYPE);
  for (const r of returns) {
    const o = await order(r.orderId);
    if (!o) continue;
    cases.push({
      type: "return_processing",
      at: r.at,
      context: { order: o, customer: await loadCustomer(db, o.customerId, policy), event: { kind: r.kind, refundId: r.refundId, amount: r.amount, restock: Boolean(r.restock), lineItems: JSON.parse(r.lineItems), occurredAt: r.at } },
    });
  }

  // Stock, routes and customers as they stand at the end of the period.
  for (const sku of (await allStockedSkus(db)).slice(0, MAX_PER_TYPE)) {
    const supply = await loadSkuSupply(db, sku, policy);
    if (supply) cases.push({ type: "inventory_reorder", at: to, context: { sku: supply } });
  }
  const routes = await listRouteStats(db, 100_000);
  if (routes.length) cases.push({ type: "carrier_route_alert", at: to, context: { routes: routes.map(routeFromRow) } });
  for (const id of await history.repeatCustomers(db, MAX_PER_TYPE)) {
    const customer = await loadCustomer(db, id, policy);
    if (customer) cases.push({ type: "churn_intervention", at: to, context: { customer, openTicket: await hasOpenTicket(db, id, null) } });
  }
  return cases;
}
