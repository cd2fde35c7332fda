/**
 * The COD risk policy measured on the simulator's weeks (scripts/lib/week.mjs with codRisk, as
 * `npm run simulate` sends it; 28 days by default, COD_SIM_DAYS to change, so that parcels have
 * come back and destinations have counts before the later orders): every Shopify and carrier webhook of the week through the real
 * mappers, orders' outcomes from their carrier scans, then the backtest's own scoring (each COD
 * order as of its placement) and report. The same figures `npm run backtest` prints for the COD
 * policy after a simulated week, without a running worker. Prints them; asserts they mean something.
 */
import { describe, expect, it } from "vitest";
import { addressFacts } from "../../src/decisions/cod-risk";
import { codBacktestReport, scoreHistory, type CodHistory, type CodHistoryOrder } from "../../src/decisions/cod-risk-backtest";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";
import { mapperFor } from "../../src/canonical/mappers";
import type { Order, ShipmentEvent } from "../../src/canonical/model";
import { parseJsonKeepingBigIds } from "../../src/lib/json";
import { buildWeek } from "../../scripts/lib/week.mjs";
import directory from "../fixtures/pincodes/directory-sample.json";

const NOW = Date.UTC(2026, 10, 30, 6, 0);
const DAY = 86_400_000;
const DAYS = Number(process.env.COD_SIM_DAYS ?? 28);

let lastHistory: CodHistory | null = null;

function replay(codRisk: boolean) {
  const { deliveries } = buildWeek({ days: DAYS, ordersPerDay: 60, seed: 42, now: NOW, codRisk });
  const orders = new Map<string, { first: Order; latest: Order }>();
  const awbOrder = new Map<string, string>();
  const nameToId = new Map<string, string>();
  const scans: { e: ShipmentEvent }[] = [];
  for (const d of deliveries) {
    if (!["shopify", "shiprocket", "delhivery"].includes(d.source)) continue;
    const topic = d.source === "shopify" ? d.topic! : d.source === "shiprocket" ? "tracking" : "scan";
    const batch = mapperFor(d.source)(topic, parseJsonKeepingBigIds(JSON.stringify(d.payload)));
    for (const o of batch.orders) {
      const seen = orders.get(o.id);
      orders.set(o.id, { first: seen?.first ?? o, latest: !seen || o.updatedAt >= seen.latest.updatedAt ? o : seen.latest });
      nameToId.set(o.name, o.id);
    }
    for (const l of batch.awbLinks) awbOrder.set(l.awb, l.orderId);
    for (const e of batch.shipmentEvents) scans.push({ e });
  }
  const byOrder = new Map<string, ShipmentEvent[]>();
  for (const { e } of scans) {
    const id = awbOrder.get(e.awb) ?? (e.orderRef ? nameToId.get(e.orderRef) ?? nameToId.get(`#${e.orderRef.replace(/^#/, "")}`) : undefined);
    if (id) byOrder.set(id, [...(byOrder.get(id) ?? []), e]);
  }
  const history: CodHistoryOrder[] = [...orders.values()].map(({ first, latest }) => {
    const events = byOrder.get(latest.id) ?? [];
    const at = (pred: (e: ShipmentEvent) => boolean) => {
      const ts = events.filter(pred).map((e) => Date.parse(e.occurredAt));
      return ts.length ? Math.min(...ts) : null;
    };
    const rtoAt = at((e) => e.status === "rto_initiated" || e.status === "rto_delivered" || e.isReturn);
    const deliveredAt = at((e) => e.status === "delivered" && !e.isReturn);
    const lines = first.shippingAddressLines ?? null;
    return {
      id: latest.id,
      createdAt: Date.parse(latest.createdAt),
      totalPrice: latest.totalPrice,
      paymentMethod: latest.paymentMethod,
      customerId: latest.customerId,
      phone: latest.phone,
      pincode: latest.shippingPincode,
      city: latest.shippingCity,
      state: latest.shippingState,
      cancelledAt: latest.cancelledAt ? Date.parse(latest.cancelledAt) : null,
      outcome: rtoAt !== null ? "rto" : deliveredAt !== null ? "delivered" : null,
      resolvedAt: rtoAt ?? deliveredAt,
      refusedAt: at((e) => (e.status === "failed_attempt" || e.status === "ndr") && /refus|reject/i.test(e.rawStatus)),
      address: addressFacts(lines),
      addressKey: lines ? `${lines} ${first.shippingPincode}`.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim() : null,
      blocked: (first.customerTags ?? []).includes("cod-blocked"),
    };
  });
  const places = new Map<string, { state: string; district: string; places: string }[]>();
  for (const r of directory) places.set(r.pincode, [...(places.get(r.pincode) ?? []), { state: r.state, district: r.district, places: r.places }]);
  lastHistory = { orders: history, directory: places, from: NOW - DAYS * DAY, to: NOW };
  return scoreHistory(lastHistory, DEFAULT_POLICY);
}

const inr = (p: number) => `₹${Math.round(p / 100).toLocaleString("en-IN")}`;
const line = (label: string, r: ReturnType<typeof codBacktestReport>) =>
  `${label}: ${r.scored} COD orders scored (low/medium/high ${r.byBand.low}/${r.byBand.medium}/${r.byBand.high}); ` +
  `RTO ${r.rto.orders}: high ${r.rto.flaggedHigh} (recall ${r.rto.recallHigh}), medium+ ${r.rto.flaggedMediumOrHigh} (${r.rto.recallMediumOrHigh}); ` +
  `delivered ${r.delivered.orders}: high ${r.delivered.flaggedHigh} (false alarms ${r.delivered.falseAlarmRateHigh}), medium+ ${r.delivered.flaggedMediumOrHigh} (${r.delivered.falseAlarmRateMediumOrHigh}); ` +
  `precision of high ${r.precisionHigh}; RTO value ${inr(r.rto.valuePaise)}, flagged high ${inr(r.rto.valueFlaggedHighPaise)}; delivered value flagged high ${inr(r.delivered.valueFlaggedHighPaise)}; no verdict ${r.unresolved}`;

describe(`COD backtest on the simulated weeks (${DAYS} days)`, () => {
  it("flags the orders that came back far more often than the delivered ones; high is mostly right; offenders are high", () => {
    const scored = replay(true);
    const r = codBacktestReport(scored);
    console.log(line(`COD backtest, simulated ${DAYS} days (seed 42, 60 orders/day, codRisk), default policy`, r));
    expect(r.rto.orders).toBeGreaterThan(30);
    expect(r.delivered.orders).toBeGreaterThan(300);
    // Lift: an order that came back was flagged (medium or high) at least twice as often as a delivered one.
    expect(r.rto.recallMediumOrHigh!).toBeGreaterThanOrEqual(2 * r.delivered.falseAlarmRateMediumOrHigh!);
    // High (hold + payment link) is rare on good orders and mostly right.
    expect(r.delivered.falseAlarmRateHigh!).toBeLessThanOrEqual(0.02);
    expect(r.precisionHigh!).toBeGreaterThanOrEqual(0.5);
    // The repeat offenders' late orders are high on their own.
    expect(scored.some((s) => s.score.forcedHigh?.startsWith("repeat offender"))).toBe(true);
    // Each kind of factor the simulator plants is seen.
    const codes = new Set(scored.flatMap((s) => s.score.factors.map((f) => f.code)));
    for (const code of ["destination_rto", "customer_rto", "pincode_other_state", "address_no_number", "velocity", "first_order"]) expect(codes, code).toContain(code);

    // A candidate: high from 45 points catches more RTOs at the cost of more holds on good orders.
    const candidate = parsePolicy({ cod_risk: { highAt: 45 } });
    if (!candidate.ok) throw new Error("candidate policy");
    const c = codBacktestReport(scoreHistory(lastHistory!, candidate.policy));
    console.log(line("candidate cod_risk.highAt = 45", c));
    expect(c.rto.flaggedHigh).toBeGreaterThan(r.rto.flaggedHigh);
    expect(c.delivered.flaggedHigh).toBeGreaterThanOrEqual(r.delivered.flaggedHigh);
  }, 60_000);
});
