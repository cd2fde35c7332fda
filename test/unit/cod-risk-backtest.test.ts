/** The COD policy's backtest on a history whose answer is known: recall, false alarms, rupees; scores as of each order's placement. */
import { describe, expect, it } from "vitest";
import { codBacktestReport, scoreHistory, type CodHistory, type CodHistoryOrder } from "../../src/decisions/cod-risk-backtest";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";

const H = 3_600_000;
const D = 24 * H;
const FROM = Date.UTC(2026, 10, 1);
const TO = FROM + 7 * D;

let seq = 0;
function o(over: Partial<CodHistoryOrder> & Pick<CodHistoryOrder, "createdAt" | "pincode">): CodHistoryOrder {
  seq++;
  return {
    id: `o${seq}`,
    totalPrice: 90_000,
    paymentMethod: "cod",
    customerId: `c${seq}`,
    phone: `+9190000${String(seq).padStart(5, "0")}`,
    city: null,
    state: null,
    cancelledAt: null,
    outcome: "delivered",
    resolvedAt: over.createdAt + 4 * D,
    refusedAt: null,
    address: null,
    addressKey: null,
    blocked: false,
    ...over,
  };
}

/**
 * Lookback (before FROM): 30 parcels to 110017, 12 came back; 60 to 560038, 3 came back, two of them
 * the orders of customer R. The period: R again (RTO), two new customers to 110017 (one RTO, one
 * delivered), two to 560038 (one delivered, one RTO the score cannot see), a phone ordering twice in
 * two hours to 110017 (the first RTO, the second delivered), and one parcel still moving.
 */
function history(): { h: CodHistory; ids: Record<string, string> } {
  const orders: CodHistoryOrder[] = [];
  const early = FROM - 40 * D;
  for (let i = 0; i < 30; i++) orders.push(o({ createdAt: early + i * H, pincode: "110017", outcome: i < 12 ? "rto" : "delivered" }));
  for (let i = 0; i < 58; i++) orders.push(o({ createdAt: early + i * H, pincode: "560038", outcome: i < 1 ? "rto" : "delivered" }));
  const r1 = o({ createdAt: early + 100 * H, pincode: "560038", customerId: "R", phone: "+919111111111", outcome: "rto" });
  const r2 = o({ createdAt: early + 200 * H, pincode: "560038", customerId: "R", phone: "+919111111111", outcome: "rto" });
  orders.push(r1, r2);
  // The period: every outcome is known only after the period, so no count moves within it.
  const after = TO + 2 * D;
  const p = {
    p1: o({ createdAt: FROM + 1 * H, pincode: "560038", customerId: "R", phone: "+919111111111", outcome: "rto", resolvedAt: after }),
    p2: o({ createdAt: FROM + 2 * H, pincode: "110017", outcome: "rto", resolvedAt: after }),
    p3: o({ createdAt: FROM + 3 * H, pincode: "110017", outcome: "delivered", resolvedAt: after }),
    p4: o({ createdAt: FROM + 4 * H, pincode: "560038", outcome: "delivered", resolvedAt: after }),
    p5: o({ createdAt: FROM + 5 * H, pincode: "560038", outcome: "rto", resolvedAt: after }),
    p6: o({ createdAt: FROM + 6 * H, pincode: "110017", customerId: null, phone: "+919222222222", outcome: "rto", resolvedAt: after }),
    p7: o({ createdAt: FROM + 7 * H, pincode: "110017", customerId: null, phone: "+919222222222", outcome: "delivered", resolvedAt: after }),
    p8: o({ createdAt: FROM + 8 * H, pincode: "560038", outcome: null, resolvedAt: null }),
  };
  orders.push(...Object.values(p));
  return { h: { orders, directory: null, from: FROM, to: TO }, ids: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.id])) };
}

describe("COD backtest on a known history", () => {
  it("scores only the period's COD orders, as of their placement", () => {
    const { h, ids } = history();
    const scored = scoreHistory(h, DEFAULT_POLICY);
    expect(scored.map((s) => s.order.id)).toEqual(Object.values(ids));
    const band = Object.fromEntries(scored.map((s) => [s.order.id, s.score.band]));
    expect(Object.entries(ids).map(([k, id]) => [k, band[id]])).toEqual([
      ["p1", "high"], // repeat offender: R's two earlier RTOs
      ["p2", "medium"], // 110017 measured high (+35) and a first order (+10)
      ["p3", "medium"],
      ["p4", "low"], // 560038 is healthy; a first order alone is 10
      ["p5", "low"],
      ["p6", "medium"],
      ["p7", "high"], // the same phone's second COD order in an hour: +35 destination, +25 velocity
      ["p8", "low"],
    ]);
    // p2 sees the 30 parcels resolved before it (12 RTO), not the period's own outcomes.
    const p2 = scored.find((s) => s.order.id === ids.p2)!;
    expect(p2.inputs.destination).toMatchObject({ level: "pincode", shipments: 30, rtos: 12 });
    expect(scored.find((s) => s.order.id === ids.p7)!.inputs.velocity).toEqual({ samePhone: 1, sameAddress: 0 });
  });

  it("reports recall, false alarms, precision and rupees", () => {
    const { h } = history();
    const r = codBacktestReport(scoreHistory(h, DEFAULT_POLICY));
    expect(r).toMatchObject({
      scored: 8,
      byBand: { low: 3, medium: 3, high: 2 },
      rto: { orders: 4, flaggedHigh: 1, flaggedMediumOrHigh: 3, recallHigh: 0.25, recallMediumOrHigh: 0.75, valuePaise: 360_000, valueFlaggedHighPaise: 90_000 },
      delivered: { orders: 3, flaggedHigh: 1, flaggedMediumOrHigh: 2, falseAlarmRateHigh: 0.333, falseAlarmRateMediumOrHigh: 0.667, valueFlaggedHighPaise: 90_000 },
      unresolved: 1,
      precisionHigh: 0.5,
    });
    expect(r.samples[0]!.reasons).toContain("repeat offender: 2 RTOs ≥ 2: high risk on its own");
  });

  it("a candidate policy moves the figures: a lower high threshold catches more RTOs and more good orders", () => {
    const { h } = history();
    const p = parsePolicy({ cod_risk: { highAt: 45 } });
    if (!p.ok) throw new Error("policy");
    const r = codBacktestReport(scoreHistory(h, p.policy));
    expect(r.rto).toMatchObject({ flaggedHigh: 3, recallHigh: 0.75 });
    expect(r.delivered).toMatchObject({ flaggedHigh: 2, falseAlarmRateHigh: 0.667 });
  });

  it("an outcome known before a later order counts for it: a refusal and an RTO inside the period", () => {
    const a = o({ createdAt: FROM + H, pincode: "560038", customerId: "Z", phone: "+919333333333", outcome: "rto", resolvedAt: FROM + 2 * D, refusedAt: FROM + 2 * D - H });
    const b = o({ createdAt: FROM + 3 * D, pincode: "560038", customerId: "Z", phone: "+919333333333", outcome: "delivered", resolvedAt: FROM + 5 * D });
    const scored = scoreHistory({ orders: [a, b], directory: null, from: FROM, to: TO }, DEFAULT_POLICY);
    expect(scored[0]!.score.factors.map((f) => f.code)).toEqual(["first_order"]);
    expect(scored[1]!.score.factors.map((f) => [f.code, f.points])).toEqual([
      ["customer_rto", 30],
      ["refused_delivery", 20],
    ]);
  });
});
