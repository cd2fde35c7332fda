/** The delay alert's revised ETA from the route model: route figures when there are enough, else the carrier's lateness, and the reason says which. */
import { describe, expect, it } from "vitest";
import type { CustomerSnapshot, JourneySnapshot, OrderSummary } from "../../src/decisions/context";
import { computeRouteStats, revisedEta, type RouteStat, type ShipmentSummary } from "../../src/decisions/models/routes";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { decideDelayAlert } from "../../src/decisions/rules/delay-alert";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 10, 20, 6, 0); // 20 Nov, 11:30 IST

const route = (over: Partial<RouteStat> = {}): RouteStat => ({
  carrier: "delhivery", origin: "BLR", destination: "110", shipments: 120, resolved: 100, delayRate: 0.27, rtoRate: 0.04, rawDelayRate: 0.27,
  baselineShipments: 600, baselineDelayRate: 0.09, baselineRtoRate: 0.04, medianTransitHours: 60, p90TransitHours: 90, transitSamples: 140,
  carrierLatenessHours: 30, trend: [], ...over,
});
const base = { now: NOW, carrierEta: NOW - 10 * H, minDeliveries: 20, minHoursAhead: 48, utcOffsetMinutes: 330 };

describe("computeRouteStats: transit percentiles and carrier lateness", () => {
  it("keeps the median and p90 of pickup-to-delivery hours, their count, and the carrier's median lateness", () => {
    const shipments: ShipmentSummary[] = [40, 50, 60, 70, 80, 90, 100, 110, 120, 130].map((hours, i) => ({
      carrier: "delhivery", origin: "BLR", destPincode: "110017", shippedAt: NOW - 3 * D, deliveredAt: NOW - 3 * D + hours * H,
      promisedAt: NOW - 3 * D + 72 * H, rto: i === 99,
    }));
    const [r] = computeRouteStats(shipments, NOW);
    expect(r!.medianTransitHours).toBe(85);
    expect(r!.p90TransitHours).toBe(120);
    expect(r!.transitSamples).toBe(10);
    // Late deliveries: 80…130 h against a 72 h promise → lateness 8, 18, … 58; median 33.
    expect(r!.carrierLatenessHours).toBe(33);
  });
});

describe("revisedEta", () => {
  it("from the route: p90 from pickup, stretched by this week's delay ratio (capped at 3×)", () => {
    const pickedUpAt = NOW - 30 * H;
    const eta = revisedEta({ ...base, pickedUpAt, route: route() });
    expect(eta.method).toBe("route");
    expect(eta.at).toBe(pickedUpAt + 90 * 3 * H); // 27% / 9% = 3×
    expect(eta.reason).toBe(
      "revised ETA 30 Nov from the route delhivery BLR→110: median 60 h, p90 90 h pickup to delivery over 140 deliveries, × 3.00 for this week's delay rate (27% vs 9% baseline): p90 from pickup at 19 Nov, 05:30 IST",
    );
  });

  it("a parcel already past the route's p90 gets the median-to-p90 spread from now", () => {
    const eta = revisedEta({ ...base, pickedUpAt: NOW - 200 * H, route: route({ delayRate: 0.09 }) });
    expect(eta.at).toBe(NOW + 30 * H);
    expect(eta.reason).toContain("already past the p90 from pickup, so now + the median-to-p90 spread");
    expect(eta.reason).toContain("× 1.00 for this week's delay rate (9% vs 9% baseline)");
  });

  it("a route with too few deliveries falls back to the carrier ETA plus the carrier's median lateness, and says so", () => {
    const eta = revisedEta({ ...base, pickedUpAt: NOW - 30 * H, route: route({ transitSamples: 6 }) });
    expect(eta).toEqual({
      at: NOW + 30 * H,
      method: "carrier_lateness",
      reason: "revised ETA 21 Nov: route delhivery BLR→110 has 6 measured deliveries (fewer than 20), so the later of the carrier ETA 20 Nov and now, plus delhivery's observed median lateness 30 h",
    });
  });

  it("with no figures at all: the policy floor, as before", () => {
    const eta = revisedEta({ ...base, pickedUpAt: null, route: null });
    expect(eta.at).toBe(NOW + 48 * H);
    expect(eta.method).toBe("floor");
    expect(eta.reason).toContain("no figures for this route");
  });
});

describe("decideDelayAlert uses the route model", () => {
  const order: OrderSummary = {
    id: "6001", name: "#2001", totalPrice: 99_900, currency: "INR", paymentMethod: "prepaid", customerId: "8001", customerFirstName: "Arjun", phone: "+919900112233",
    email: null, lineItems: [], shippingPincode: "110017", shippingCity: "Delhi", createdAt: NOW - 4 * D, cancelledAt: null,
  };
  const journey: JourneySnapshot = {
    state: "in_transit", stateAt: NOW - 40 * H, lastScanAt: NOW - 40 * H, lastScanLocation: "Nagpur_Hub", awb: "SR9", carrier: "delhivery", origin: "BLR",
    eta: NOW - 10 * H, failedAttempts: 0, trackingUrl: null, deliveredAt: null, pickedUpAt: NOW - 50 * H,
  };
  const customer: CustomerSnapshot = {
    id: "8001", firstName: "Arjun", phone: "+919900112233", email: null, ltv: 600_000, tier: "mid", ordersCount: 2, lastOrderAt: NOW - 4 * D, expectedIntervalDays: 30,
    acceptsMarketing: false, acceptsWhatsapp: true, pActive: null, expectedOrders90d: null, predictedClv: null,
  };

  it("the message's date and the decision's reason come from the route figures", () => {
    const d = decideDelayAlert({ order, journey, customer, route: route({ delayRate: 0.135 }) }, DEFAULT_POLICY, NOW)!;
    // 13.5% / 9% = 1.5 × p90 90 h = 135 h from pickup (50 h ago) → 85 h from now: 24 Nov, 00:30 IST.
    expect(d.inputs.revisedEta).toBe(NOW - 50 * H + 135 * H);
    expect(d.inputs.revisedEtaMethod).toBe("route");
    const wa = d.actions.find((a) => a.kind === "whatsapp.template")!;
    expect(wa.kind === "whatsapp.template" && wa.params.bodyParams[2]).toBe("24 Nov");
    expect(d.reasons.some((r) => r.startsWith("revised ETA 24 Nov from the route delhivery BLR→110: median 60 h, p90 90 h"))).toBe(true);
  });
});
