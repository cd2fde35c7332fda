/** The order journey fold: transitions, forward-only by event time, permutation invariance. */
import { describe, expect, it } from "vitest";
import { canMove, foldJourney, journeyTargetForScan, JOURNEY_STATES, type JourneyEvent, type JourneyState } from "../../src/durable-objects/journey-machine";

const H = 3_600_000;
const t0 = Date.parse("2026-11-20T05:00:00Z");

function ev(id: string, hours: number, target: JourneyState | null, scan = false): JourneyEvent {
  return {
    id,
    at: t0 + hours * H,
    source: scan ? "shiprocket" : "shopify",
    target,
    scan: scan ? { awb: "AWB1", carrier: "delhivery", status: target === "failed_attempt" ? "failed_attempt" : target === "shipped" ? "picked_up" : ((target ?? "in_transit") as never), location: `hub-${id}`, eta: null } : null,
  };
}

const realistic: JourneyEvent[] = [
  ev("order", 0, "confirmed"),
  ev("fulfil", 5, "fulfilled"),
  ev("scan1", 10, "shipped", true),
  ev("scan2", 20, "in_transit", true),
  ev("scan3", 30, "in_transit", true),
  ev("scan4", 40, "out_for_delivery", true),
  ev("deliver", 44, "delivered", true),
];

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe("foldJourney", () => {
  it("walks the happy path and records every transition with its event", () => {
    const s = foldJourney(realistic);
    expect(s.state).toBe("delivered");
    expect(s.history.map((t) => `${t.from}>${t.to}`)).toEqual([
      "placed>confirmed",
      "confirmed>fulfilled",
      "fulfilled>shipped",
      "shipped>in_transit",
      "in_transit>out_for_delivery",
      "out_for_delivery>delivered",
    ]);
    expect(s.history[5]).toEqual({ from: "out_for_delivery", to: "delivered", at: t0 + 44 * H, source: "shiprocket", eventId: "deliver" });
    expect(s.lastScanAt).toBe(t0 + 44 * H);
    expect(s.deliveredAt).toBe(t0 + 44 * H);
  });

  it("ends in the same state for all 5040 permutations of a realistic event set", () => {
    const finals = new Set<string>();
    for (const p of permutations(realistic)) {
      const s = foldJourney(p);
      finals.add(`${s.state}|${s.history.length}|${s.lastScanAt}`);
    }
    expect([...finals]).toEqual([`delivered|6|${t0 + 44 * H}`]);
  });

  it("keeps a delivered order delivered when a stale in-transit scan arrives late", () => {
    const s = foldJourney([...realistic, ev("late-scan", 43, "in_transit", true)]);
    expect(s.state).toBe("delivered");
  });

  it("does not move back when a scan newer than delivery says in transit", () => {
    const s = foldJourney([...realistic, ev("noise", 50, "in_transit", true)]);
    expect(s.state).toBe("delivered");
  });

  it("goes through a failed attempt, a re-attempt and delivery", () => {
    const s = foldJourney([ev("o", 0, "confirmed"), ev("a", 10, "out_for_delivery", true), ev("b", 12, "failed_attempt", true), ev("c", 30, "out_for_delivery", true), ev("d", 32, "delivered", true)]);
    expect(s.state).toBe("delivered");
    expect(s.failedAttempts).toBe(1);
  });

  it("goes from a failed attempt to RTO", () => {
    const s = foldJourney([ev("o", 0, "confirmed"), ev("b", 12, "failed_attempt", true), ev("r", 40, "rto_initiated", true), ev("rd", 90, "rto_delivered", true)]);
    expect(s.history.map((t) => t.to)).toEqual(["confirmed", "failed_attempt", "rto_initiated", "rto_delivered"]);
  });

  it("handles COD confirmation, cancellation and the return branch", () => {
    expect(foldJourney([ev("p", 0, "cod_confirmation_pending"), ev("c", 2, "confirmed")]).state).toBe("confirmed");
    expect(foldJourney([ev("p", 0, "cod_confirmation_pending"), ev("x", 2, "cancelled")]).state).toBe("cancelled");
    const ret = foldJourney([...realistic, ev("rr", 60, "return_requested"), ev("rt", 90, "returned"), ev("rf", 100, "refunded")]);
    expect(ret.history.slice(-3).map((t) => t.to)).toEqual(["return_requested", "returned", "refunded"]);
  });

  it("reads a return-leg scan as RTO before delivery and as the customer's return after it", () => {
    const back = (id: string, hours: number, status: "in_transit" | "delivered"): JourneyEvent => ({
      id, at: t0 + hours * H, source: "delhivery", target: null, returnLeg: true,
      scan: { awb: "AWB-R", carrier: "delhivery", status, location: null, eta: null },
    });
    const rto = foldJourney([ev("o", 0, "confirmed"), ev("f", 10, "failed_attempt", true), back("r1", 30, "in_transit"), back("r2", 80, "delivered")]);
    expect(rto.history.slice(-2).map((t) => t.to)).toEqual(["rto_initiated", "rto_delivered"]);
    const ret = foldJourney([...realistic, back("p1", 100, "in_transit"), back("p2", 140, "delivered")]);
    expect(ret.history.slice(-2).map((t) => t.to)).toEqual(["return_requested", "returned"]);
    expect(ret.deliveredAt).toBe(t0 + 44 * H);
  });

  it("cannot cancel an order already with the carrier", () => {
    const s = foldJourney([ev("o", 0, "confirmed"), ev("s", 5, "in_transit", true), ev("x", 6, "cancelled")]);
    expect(s.state).toBe("in_transit");
  });

  it("defines where every state may go and nothing leaves refunded", () => {
    for (const from of JOURNEY_STATES) expect(canMove(from, from)).toBe(false);
    for (const to of JOURNEY_STATES) expect(canMove("refunded", to)).toBe(false);
    expect(canMove("delivered", "in_transit")).toBe(false);
    expect(canMove("in_transit", "delivered")).toBe(true);
  });

  it("maps carrier statuses to journey targets", () => {
    expect(journeyTargetForScan("picked_up")).toBe("shipped");
    expect(journeyTargetForScan("ndr")).toBe("failed_attempt");
    expect(journeyTargetForScan("lost")).toBeNull();
  });
});
