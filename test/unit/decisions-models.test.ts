/** Route, customer and ticket models, and the backtest, on small hand-made data. */
import { describe, expect, it } from "vitest";
import { backtest, compareBacktest, type BacktestCase } from "../../src/decisions/backtest";
import { buildCustomerModel, churnRisk, medianGapDays } from "../../src/decisions/models/customers";
import { computeRouteStats, type ShipmentSummary } from "../../src/decisions/models/routes";
import { classifyWithModel, labelFromTags, rootCauseHints, trainTicketModel } from "../../src/decisions/models/tickets";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 2, 10, 6, 0);

describe("computeRouteStats", () => {
  // n shipments on a route in week `week` (0 = this week), `late` of them delivered after the promise.
  function week(route: Partial<ShipmentSummary>, weekAgo: number, n: number, late: number, rto = 0): ShipmentSummary[] {
    return Array.from({ length: n }, (_, i) => {
      const shippedAt = NOW - weekAgo * 7 * D - 3 * D - i * 60_000;
      const promisedAt = shippedAt + 72 * H;
      const isRto = i < rto;
      return {
        carrier: "delhivery", origin: "BLR", destPincode: "110017", ...route,
        shippedAt, promisedAt, rto: isRto,
        deliveredAt: isRto ? null : i < late + rto ? promisedAt + 24 * H : shippedAt + 60 * H,
      };
    });
  }

  it("a big route at 23% this week vs 9% before stays near its raw rates", () => {
    const data = [...week({}, 0, 100, 23), ...[1, 2, 3, 4, 5, 6].flatMap((w) => week({}, w, 100, 9))];
    const [r] = computeRouteStats(data, NOW);
    expect(r!.destination).toBe("110");
    expect(r!.shipments).toBe(100);
    expect(r!.rawDelayRate).toBeCloseTo(0.23);
    expect(r!.baselineDelayRate).toBeGreaterThan(0.085);
    expect(r!.baselineDelayRate).toBeLessThan(0.1);
    expect(r!.delayRate).toBeGreaterThan(0.2);
    expect(r!.trend).toHaveLength(7);
    expect(r!.trend[6]).toBe(r!.delayRate);
    expect(r!.medianTransitHours).toBe(60);
  });

  it("a tiny route with 2 late out of 3 is pulled toward its baseline, not flagged at 67%", () => {
    const data = [...week({ destPincode: "793001" }, 0, 3, 2), ...[1, 2, 3].flatMap((w) => week({ destPincode: "793001" }, w, 3, 0)), ...[0, 1, 2, 3].flatMap((w) => week({}, w, 100, 10))];
    const tiny = computeRouteStats(data, NOW).find((r) => r.destination === "793")!;
    expect(tiny.rawDelayRate).toBeCloseTo(2 / 3);
    expect(tiny.delayRate).toBeLessThan(0.25);
  });

  it("shipments not yet past their promise have no delay verdict; RTOs have their own rate", () => {
    const fresh: ShipmentSummary = { carrier: "xb", origin: "DEL", destPincode: "400001", shippedAt: NOW - D, promisedAt: NOW + D, deliveredAt: null, rto: false };
    const [r] = computeRouteStats([fresh, { ...fresh, rto: true }], NOW);
    expect(r!.shipments).toBe(2);
    expect(r!.resolved).toBe(0);
    expect(r!.rawDelayRate).toBeNull();
  });
});

describe("buildCustomerModel", () => {
  const order = (id: string, daysAgo: number, total: number, categories: string[]) => ({ id, createdAt: NOW - daysAgo * D, totalPrice: total, cancelled: false, categories });

  it("LTV starts from Shopify's totals and adds only orders after them; tier from ₹15,000", () => {
    const m = buildCustomerModel(
      { customerId: "c1", shopify: { totalSpent: 1_400_000, ordersCount: 5, asOf: NOW - 10 * D }, orders: [order("a", 40, 300_000, ["tea"]), order("b", 5, 150_000, ["tea"])] },
      DEFAULT_POLICY,
      NOW,
    );
    expect(m.ltv).toBe(1_550_000);
    expect(m.ordersCount).toBe(6);
    expect(m.tier).toBe("high");
  });

  it("interval per category is the median gap; next order date and churn risk follow", () => {
    const m = buildCustomerModel(
      { customerId: "c2", shopify: null, orders: [order("a", 90, 50_000, ["tea", "mugs"]), order("b", 62, 50_000, ["tea"]), order("c", 30, 50_000, ["tea", "mugs"])] },
      DEFAULT_POLICY,
      NOW,
    );
    expect(m.tier).toBe("low");
    expect(m.categoryIntervals.tea).toEqual({ orders: 3, intervalDays: 30, lastOrderAt: NOW - 30 * D });
    expect(m.categoryIntervals.mugs!.intervalDays).toBe(60);
    expect(m.predictedNextOrderAt).toBe(NOW);
    expect(m.churnRisk).toBe(0);
  });

  it("churn risk is 0 at the interval and 1 at k × interval", () => {
    expect(churnRisk(30, 30, 2)).toBe(0);
    expect(churnRisk(45, 30, 2)).toBe(0.5);
    expect(churnRisk(90, 30, 2)).toBe(1);
    expect(medianGapDays([0])).toBeNull();
  });
});

describe("ticket classifier", () => {
  const fallback = () => "other";
  const examples = [
    ...Array.from({ length: 20 }, (_, i) => ({ subject: `Kab aayega parcel ${i}`, body: "tracking not updating, where is my parcel, still not delivered", category: "wismo" })),
    ...Array.from({ length: 20 }, (_, i) => ({ subject: `Broken bottle ${i}`, body: "the bottle arrived broken and leaking, box was crushed", category: "damaged" })),
  ];

  it("learns the brand's own phrasing and falls back to the rules when unsure", () => {
    const model = trainTicketModel(examples);
    const wismo = classifyWithModel(model, { subject: "parcel kab aayega?", body: "tracking stuck", tags: [] }, fallback);
    expect(wismo).toMatchObject({ category: "wismo", source: "model" });
    expect(wismo.confidence!).toBeGreaterThan(0.9);
    expect(classifyWithModel(model, { subject: "invoice GST number", body: "need GST invoice", tags: [] }, fallback).source).toBe("rules");
    expect(classifyWithModel(trainTicketModel(examples.slice(0, 5)), { subject: "parcel", body: "tracking", tags: [] }, fallback).source).toBe("rules");
  });

  it("agent tags are labels", () => {
    expect(labelFromTags(["VIP", "Where is my order"])).toBe("wismo");
    expect(classifyWithModel(null, { subject: "x", body: "y", tags: ["damaged"] }, fallback).category).toBe("damaged");
  });

  it("root-cause hint: most WISMO tickets this week on one carrier/origin with stalled scans", () => {
    const tickets = Array.from({ length: 8 }, (_, i) => ({ category: "wismo", createdAt: NOW - i * H, orderId: `o${i}` }));
    const shipments = new Map(tickets.map((t, i) => [t.orderId, i < 5 ? { carrier: "delhivery", origin: "BLR", state: "in_transit", lastScanAt: NOW - 40 * H } : { carrier: "bluedart", origin: "DEL", state: "in_transit", lastScanAt: NOW - H }]));
    const [hint] = rootCauseHints(tickets, shipments, NOW);
    expect(hint!.text).toBe("63% of WISMO tickets this week are on delhivery BLR routes with no scan > 36 h");
    expect(rootCauseHints(tickets.slice(5), shipments, NOW)).toEqual([]);
  });
});

describe("backtest", () => {
  const ticketCase = (ticketId: string, at: number): BacktestCase => ({
    type: "support_escalation",
    at,
    context: {
      ticket: { helpdesk: "zendesk", ticketId, category: "other", status: "open", subject: "help", createdAt: NOW - 25 * H, firstResponseAt: null },
      customer: null, order: null, journey: null, scans: [],
    },
  });

  it("counts what would fire per type, once per dedupe key, without executing anything", () => {
    const cases = [ticketCase("1", NOW), ticketCase("1", NOW + H), ticketCase("2", NOW)];
    const report = backtest(cases, DEFAULT_POLICY);
    expect(report.byType.support_escalation).toEqual({ enabled: true, evaluated: 3, fired: 2, deduped: 1 });
    expect(report.byType.delay_alert.fired).toBe(0);
    expect(report.actions["helpdesk.update"]).toBe(2);
    expect(report.samples).toHaveLength(2);
  });

  it("shows what a candidate threshold would change", () => {
    const candidate = parsePolicy({ support_escalation: { rules: { sla_breach: { when: { unansweredHours: 30 } } } } });
    if (!candidate.ok) throw new Error("policy");
    const diff = compareBacktest([ticketCase("1", NOW), ticketCase("2", NOW)], DEFAULT_POLICY, candidate.policy);
    expect(diff.support_escalation).toEqual({ current: 2, candidate: 0 });
  });
});
