/** NDR resolution (answer details to the platform's action, the no-answer default) and RTO cost, as pure functions and request builders. */
import { describe, expect, it } from "vitest";
import type { ActionSpec } from "../../src/canonical/actions";
import { buildDelhiveryRequest, interpretDelhivery } from "../../src/connectors/delhivery";
import { buildShiprocketRequest } from "../../src/connectors/shiprocket";
import type { JourneySnapshot, OrderSummary } from "../../src/decisions/context";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";
import { decideNdrDefault } from "../../src/decisions/rules/ndr-default";
import { decideNdrFollowup } from "../../src/decisions/rules/ndr-followup";
import { summariseRto, weekStart } from "../../src/decisions/rto-cost";

const H = 3_600_000;
const D = 24 * H;
// Tuesday 1 Dec 2026, 11:30 IST.
const NOW = Date.parse("2026-12-01T06:00:00Z");

const order = (over: Partial<OrderSummary> = {}): OrderSummary => ({
  id: "7001",
  name: "#3001",
  totalPrice: 149_900,
  currency: "INR",
  paymentMethod: "cod",
  customerId: "9001",
  customerFirstName: "Meera",
  phone: "+919812300001",
  email: null,
  lineItems: [],
  shippingPincode: "411001",
  shippingCity: "Pune",
  createdAt: NOW - 4 * D,
  cancelledAt: null,
  ...over,
});

const failed = (over: Partial<JourneySnapshot> = {}): JourneySnapshot => ({
  state: "failed_attempt",
  stateAt: NOW - 26 * H,
  lastScanAt: NOW - 26 * H,
  lastScanLocation: "Pune_Kharadi_D",
  awb: "AWB777",
  carrier: "delhivery",
  origin: "BHI",
  eta: null,
  failedAttempts: 1,
  trackingUrl: null,
  deliveredAt: null,
  ...over,
});

const reply = (text: string, choice = "reattempt") => ({ payload: `ndr:${choice}:#3001`, at: NOW, text });

describe("the customer's typed answer reaches the carrier's action", () => {
  it("Shiprocket: date, phone and address go into the NDR action and its request as Shiprocket documents them", () => {
    const d = decideNdrFollowup({ order: order(), journey: failed(), reply: reply("kal bhejo, flat 302, Sai Residency, near Hanuman mandir, call 98765 43210"), platform: "shiprocket" }, DEFAULT_POLICY, NOW)!;
    const spec = d.actions[0]!;
    expect(spec).toMatchObject({ kind: "shiprocket.ndr_action", params: { awb: "AWB777", action: "re-attempt", deferredDate: "2026-12-02", phone: "+919876543210", address: "flat 302, Sai Residency, near Hanuman mandir" } });
    const req = buildShiprocketRequest(spec as Extract<ActionSpec, { connector: "shiprocket" }>, { apiToken: "t" });
    expect(req.url).toBe("https://apiv2.shiprocket.in/v1/external/ndr/AWB777/action");
    expect(req.body).toEqual({ action: "re-attempt", comments: expect.stringContaining("deliver on 2026-12-02"), phone: "9876543210", address1: "flat 302, Sai Residency, near Hanuman mandir", deferred_date: "2026-12-02" });
    // The reasons say what was carried without showing the number.
    expect(d.reasons.join(" ")).toContain("alternate phone …3210");
    expect(JSON.stringify(d.reasons)).not.toContain("9876543210");
  });

  it("Delhivery: EDIT_DETAILS for the phone and address, DEFER_DLV for the date, in one /api/p/update list", () => {
    const d = decideNdrFollowup({ order: order(), journey: failed(), reply: reply("parso aana, call 9876543210"), platform: "delhivery" }, DEFAULT_POLICY, NOW)!;
    const spec = d.actions[0] as Extract<ActionSpec, { connector: "delhivery" }>;
    expect(spec).toEqual({ kind: "delhivery.ndr_action", connector: "delhivery", params: { awb: "AWB777", action: "re-attempt", deferredDate: "2026-12-03", phone: "+919876543210" } });
    const req = buildDelhiveryRequest(spec, { apiToken: "dl-token", baseUrl: "https://track.delhivery.com" });
    expect(req).toMatchObject({ method: "POST", url: "https://track.delhivery.com/api/p/update", headers: { authorization: "Token dl-token", "content-type": "application/json" } });
    expect(req.body).toEqual({
      data: [
        { waybill: "AWB777", act: "EDIT_DETAILS", action_data: { phone: "9876543210" } },
        { waybill: "AWB777", act: "DEFER_DLV", action_data: { deferred_date: "2026-12-03" } },
      ],
    });
  });

  it("Delhivery: a plain re-attempt is RE-ATTEMPT; a return is the Cancel Order API (cancellation: true)", () => {
    const plain = buildDelhiveryRequest({ kind: "delhivery.ndr_action", connector: "delhivery", params: { awb: "A1", action: "re-attempt" } }, { apiToken: "t", baseUrl: "https://track.delhivery.com" });
    expect(plain.body).toEqual({ data: [{ waybill: "A1", act: "RE-ATTEMPT" }] });
    const ret = buildDelhiveryRequest({ kind: "delhivery.ndr_action", connector: "delhivery", params: { awb: "A1", action: "return" } }, { apiToken: "t", baseUrl: "https://track.delhivery.com" });
    expect(ret).toMatchObject({ url: "https://track.delhivery.com/api/p/edit", body: { waybill: "A1", cancellation: "true" } });
    expect(interpretDelhivery(200, { message: "Request submitted successfully!", request_id: "UPL17749083484755923441" })).toMatchObject({ kind: "sent", externalId: "UPL17749083484755923441" });
    expect(interpretDelhivery(200, { status: false, remark: "Shipment not found" })).toMatchObject({ kind: "failed", reason: "Shipment not found" });
  });

  it("a return answer ignores typed details; a date further than the deferral window is not passed, and says why", () => {
    const ret = decideNdrFollowup({ order: order(), journey: failed(), reply: reply("kal, call 9876543210", "return"), platform: "shiprocket" }, DEFAULT_POLICY, NOW)!;
    expect(ret.actions[0]).toMatchObject({ params: { action: "return" } });
    expect("deferredDate" in (ret.actions[0] as { params: object }).params).toBe(false);
    const far = decideNdrFollowup({ order: order(), journey: failed(), reply: reply("deliver on 20 Dec"), platform: "delhivery" }, DEFAULT_POLICY, NOW)!;
    expect(far.actions[0]).toEqual({ kind: "delhivery.ndr_action", connector: "delhivery", params: { awb: "AWB777", action: "re-attempt" } });
    expect(far.reasons).toContain("asked for 2026-12-20, 19 days away: more than the 6 days a delivery can be deferred, so a plain re-attempt");
  });

  it("no platform with an NDR API (Shopify's own fulfilment events) → no carrier action", () => {
    expect(decideNdrFollowup({ order: order(), journey: failed(), reply: reply("kal"), platform: null }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("no answer: the default action", () => {
  const ctx = (over: Partial<Parameters<typeof decideNdrDefault>[0]> = {}) => ({ order: order(), journey: failed(), platform: "delhivery" as const, attempt: 1, answered: false, ...over });

  it("first unanswered failed attempt → one re-attempt, keyed by the attempt", () => {
    const d = decideNdrDefault(ctx(), DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("ndr_followup:order:7001:default:1");
    expect(d.actions).toEqual([{ kind: "delhivery.ndr_action", connector: "delhivery", params: { awb: "AWB777", action: "re-attempt" } }]);
    expect(d.reasons[0]).toBe("no answer from the customer 24 h after failed attempt 1");
  });

  it("the next failed attempt → return, keyed once per order", () => {
    const d = decideNdrDefault(ctx({ journey: failed({ failedAttempts: 2 }), attempt: 2, platform: "shiprocket" }), DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("ndr_followup:order:7001:default:return");
    expect(d.actions[0]).toMatchObject({ kind: "shiprocket.ndr_action", params: { action: "return" } });
    const third = decideNdrDefault(ctx({ journey: failed({ failedAttempts: 3 }), attempt: 3 }), DEFAULT_POLICY, NOW)!;
    expect(third.dedupeKey).toBe("ndr_followup:order:7001:default:return");
  });

  it("nothing when the customer answered, the carrier moved on, a newer attempt exists, or there is no NDR API; 0 re-attempts returns at once", () => {
    expect(decideNdrDefault(ctx({ answered: true }), DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideNdrDefault(ctx({ journey: failed({ state: "out_for_delivery" }) }), DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideNdrDefault(ctx({ journey: failed({ failedAttempts: 2 }) }), DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideNdrDefault(ctx({ platform: null }), DEFAULT_POLICY, NOW)).toBeNull();
    const none = parsePolicy({ ndr_rto: { ndrDefaultReattempts: 0 } });
    expect(none.ok && decideNdrDefault(ctx(), none.policy, NOW)!.actions[0]).toMatchObject({ params: { action: "return" } });
  });
});

describe("RTO counted in rupees", () => {
  const since = weekStart(NOW, 330, 2);
  const window = { since, weeks: 3, weekMs: 7 * D };
  const rto = DEFAULT_POLICY.ndr_rto; // delhivery 65 + 55, xpressbees 60 + 50, default 70 + 60

  it("weeks start on Monday 00:00 IST", () => {
    expect(new Date(weekStart(NOW, 330)).toISOString()).toBe("2026-11-29T18:30:00.000Z"); // Mon 30 Nov, 00:00 IST
    expect(weekStart(NOW, 330) - since).toBe(14 * D);
  });

  it("sums forward + reverse per carrier, by week, carrier and pincode prefix; saved = COD cancellations before shipping × the average", () => {
    const s = summariseRto(
      [
        { week: 0, carrier: "delhivery", prefix: "411", n: 2 },
        { week: 2, carrier: "delhivery", prefix: "411", n: 1 },
        { week: 2, carrier: "xpressbees", prefix: "411", n: 1 },
        { week: 2, carrier: "shadowfax", prefix: "560", n: 3 },
        { week: 2, carrier: "xpressbees", prefix: "", n: 1 },
      ],
      [{ week: 2, n: 4 }, { week: 1, n: 1 }],
      rto,
      window,
    );
    expect(s.weeks.map((w) => [w.shipments, w.paise])).toEqual([[2, 24_000], [0, 0], [6, 12_000 + 11_000 + 3 * 13_000 + 11_000]]);
    expect(s.thisWeek).toMatchObject({ shipments: 6, paise: 73_000 });
    expect(s.thisWeek.byCarrier).toEqual([
      { key: "shadowfax", shipments: 3, paise: 39_000 },
      { key: "xpressbees", shipments: 2, paise: 22_000 },
      { key: "delhivery", shipments: 1, paise: 12_000 },
    ]);
    expect(s.thisWeek.byPrefix).toEqual([
      { key: "560", shipments: 3, paise: 39_000 },
      { key: "411", shipments: 2, paise: 23_000 },
      { key: "unknown", shipments: 1, paise: 11_000 },
    ]);
    expect(s.averagePaise).toBe(Math.round(97_000 / 8));
    expect(s.saved).toEqual({ thisWeek: { orders: 4, paise: 4 * 12_125 }, window: { orders: 5, paise: 5 * 12_125 } });
  });

  it("with no RTO yet, a saving is priced at the default rate", () => {
    expect(summariseRto([], [{ week: 2, n: 1 }], rto, window).saved.thisWeek).toEqual({ orders: 1, paise: 13_000 });
  });
});
