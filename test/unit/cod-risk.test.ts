/** The COD risk score: each factor moves the score with its reason and numbers; bands; actions by band. */
import { describe, expect, it } from "vitest";
import { addressFacts, cityMatches, destinationRtoRate, normaliseState, prepaidOffer, scoreCodRisk, type CodRiskInputs } from "../../src/decisions/cod-risk";
import { customerFacts, destinationRows } from "../../src/decisions/cod-risk-history";
import type { OrderSummary } from "../../src/decisions/context";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/decisions/policy";
import { decideCodConfirmation } from "../../src/decisions/rules/cod-confirmation";

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 6, 0); // 11:30 IST, outside quiet hours

const BENGALURU = [{ state: "KARNATAKA", district: "BENGALURU URBAN", places: "Bengaluru South Division Bengaluru HQ Region" }];

/** A clean COD order: known customer with two delivered orders, a good address, a healthy destination. */
function inputs(over: Partial<CodRiskInputs> = {}, order: Partial<CodRiskInputs["order"]> = {}): CodRiskInputs {
  return {
    order: { id: "7001", totalPrice: 89_900, paymentMethod: "cod", pincode: "560034", city: "Bengaluru", state: "Karnataka", createdAt: NOW, ...order },
    destination: destinationRtoRate({ pincode: { shipments: 40, rtos: 2 }, prefix: { shipments: 300, rtos: 24 }, store: { shipments: 1000, rtos: 90 } }, DEFAULT_POLICY),
    customer: { earlierOrders: 2, earlierRtos: 0, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: 80_000, blocked: false },
    storeMedianOrderPaise: 90_000,
    address: addressFacts("Flat 12B, 4th Cross, Koramangala 5th Block"),
    directory: BENGALURU,
    velocity: { samePhone: 0, sameAddress: 0 },
    ...over,
  };
}

const policy = (patch: unknown): Policy => {
  const r = parsePolicy(patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
};

describe("COD risk factors", () => {
  it("a clean order scores 0 and is low", () => {
    const s = scoreCodRisk(inputs(), DEFAULT_POLICY);
    expect(s).toMatchObject({ score: 0, band: "low", factors: [] });
  });

  it("a pincode with a measured 30% RTO rate adds the destination factor with its counts", () => {
    // 60 of 200 resolved parcels to 110017 came back; its prefix 110 runs at 20%, the store at 9%.
    const destination = destinationRtoRate({ pincode: { shipments: 200, rtos: 60 }, prefix: { shipments: 500, rtos: 100 }, store: { shipments: 1000, rtos: 90 } }, DEFAULT_POLICY);
    expect(destination).toMatchObject({ level: "pincode", shipments: 200, rtos: 60 });
    expect(destination!.rate).toBeCloseTo((60 + 10 * ((100 + 10 * 0.09) / 510)) / 210, 3);
    const delhi = [{ state: "DELHI", district: "SOUTH", places: "New Delhi South Division" }];
    const s = scoreCodRisk(inputs({ destination, directory: delhi }, { pincode: "110017", city: "New Delhi", state: "Delhi" }), DEFAULT_POLICY);
    expect(s.factors.map((x) => x.code)).toEqual(["destination_rto"]);
    const f = s.factors.find((x) => x.code === "destination_rto")!;
    expect(f.points).toBe(DEFAULT_POLICY.cod_risk.destination.highPoints);
    expect(f.reason).toBe("pincode 110017: RTO rate 30% smoothed (60 of 200 shipments came back; store 9%) ≥ 25%");
    expect(f.numbers).toMatchObject({ rtos: 60, shipments: 200, level: "pincode" });
    expect(s.destinationRtoRate).toBeCloseTo(0.295, 3);
    expect(s.band).toBe("medium");
  });

  it("a destination with too few shipments gives no rate; the pincode falls back to its prefix, shrunk toward the store", () => {
    const few = destinationRtoRate({ pincode: { shipments: 5, rtos: 4 }, prefix: { shipments: 10, rtos: 8 }, store: { shipments: 1000, rtos: 100 } }, DEFAULT_POLICY);
    expect(few).toBeNull();
    expect(scoreCodRisk(inputs({ destination: few }), DEFAULT_POLICY).factors).toEqual([]);
    const prefix = destinationRtoRate({ pincode: { shipments: 5, rtos: 4 }, prefix: { shipments: 40, rtos: 12 }, store: { shipments: 1000, rtos: 100 } }, DEFAULT_POLICY)!;
    expect(prefix.level).toBe("prefix");
    expect(prefix.rate).toBeCloseTo((12 + 10 * 0.1) / 50, 3);
    // A young store (under minShipments resolved) shrinks toward the policy's fallback rate.
    expect(destinationRtoRate({ pincode: null, prefix: { shipments: 20, rtos: 0 }, store: { shipments: 20, rtos: 0 } }, policy({ cod_risk: { destination: { minShipments: 30 } } }))).toBeNull();
  });

  it("a customer with two earlier RTOs is a repeat offender: high on its own, with both RTOs' points", () => {
    const customer = customerFacts(
      [
        { totalPrice: 120_000, paymentMethod: "cod", cancelled: 0, rto: 1, refused: 1 },
        { totalPrice: 99_000, paymentMethod: "cod", cancelled: 0, rto: 1, refused: 0 },
        { totalPrice: 60_000, paymentMethod: "cod", cancelled: 1, rto: 0, refused: 0 },
      ],
      false,
    );
    expect(customer).toMatchObject({ earlierOrders: 3, earlierRtos: 2, refusedDeliveries: 1, cancelledCod: 1, medianOrderPaise: 99_000 });
    const s = scoreCodRisk(inputs({ customer }), DEFAULT_POLICY);
    expect(s.band).toBe("high");
    expect(s.forcedHigh).toBe("repeat offender: 2 RTOs ≥ 2");
    expect(s.factors.map((f) => [f.code, f.points])).toEqual([
      ["customer_rto", 60],
      ["repeat_offender", 0],
      ["refused_delivery", 20],
      ["cancelled_cod", 10],
    ]);
    expect(s.factors[0]!.reason).toBe("2 earlier orders of this customer came back (RTO)");
    // One RTO alone is not a repeat offender: its points, no forced band.
    const one = scoreCodRisk(inputs({ customer: { ...customer, earlierRtos: 1, refusedDeliveries: 0, cancelledCod: 0 } }), DEFAULT_POLICY);
    expect(one).toMatchObject({ score: 30, band: "medium", forcedHigh: null });
  });

  it("a customer tagged cod-blocked is high whatever the points", () => {
    const s = scoreCodRisk(inputs({ customer: { earlierOrders: 4, earlierRtos: 0, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: 80_000, blocked: true } }), DEFAULT_POLICY);
    expect(s).toMatchObject({ score: 0, band: "high", forcedHigh: "customer tagged cod-blocked" });
  });

  it("a pincode that belongs to another state adds its points, naming both states", () => {
    // 560034 is Bengaluru's; the address says Maharashtra.
    const s = scoreCodRisk(inputs({}, { state: "Maharashtra", city: "Mumbai" }), DEFAULT_POLICY);
    expect(s.factors).toEqual([
      { code: "pincode_other_state", points: 35, reason: "pincode 560034 belongs to KARNATAKA, not Maharashtra", numbers: { pincode: "560034", directoryState: "KARNATAKA", addressState: "Maharashtra" } },
    ]);
    expect(s.band).toBe("medium");
    // Codes and old names count as the same state.
    expect(scoreCodRisk(inputs({}, { state: "KA" }), DEFAULT_POLICY).factors).toEqual([]);
    expect(normaliseState("Orissa")).toBe(normaliseState("ODISHA"));
    expect(normaliseState("Jammu & Kashmir")).toBe(normaliseState("JAMMU AND KASHMIR"));
  });

  it("a pincode not in the directory, or in another city, is flagged; an unloaded directory flags nothing", () => {
    expect(scoreCodRisk(inputs({ directory: [] }, { pincode: "999999" }), DEFAULT_POLICY).factors.map((f) => f.code)).toEqual(["pincode_unknown"]);
    expect(scoreCodRisk(inputs({}, { city: "Mysuru" }), DEFAULT_POLICY).factors.map((f) => [f.code, f.reason])).toEqual([["pincode_other_city", "pincode 560034 is in BENGALURU URBAN, not Mysuru"]]);
    expect(scoreCodRisk(inputs({ directory: null }, { state: "Maharashtra" }), DEFAULT_POLICY).factors).toEqual([]);
    expect(cityMatches("Bangalore", BENGALURU)).toBe(true);
    expect(cityMatches("Gurgaon", [{ state: "HARYANA", district: "GURUGRAM", places: "Gurgaon Division" }])).toBe(true);
    expect(cityMatches("Kolkata", [{ state: "WEST BENGAL", district: "24 PARAGANAS NORTH", places: "Kolkata East Division Kolkata Region" }])).toBe(true);
  });

  it("a short address without a house number adds both", () => {
    const s = scoreCodRisk(inputs({ address: addressFacts("Near temple") }), DEFAULT_POLICY);
    expect(s.factors.map((f) => [f.code, f.points, f.reason])).toEqual([
      ["address_short", 10, "address only 11 characters (< 12)"],
      ["address_no_number", 10, "address has no house or flat number"],
    ]);
  });

  it("several COD orders to one phone within a day add velocity points per order", () => {
    const s = scoreCodRisk(inputs({ velocity: { samePhone: 2, sameAddress: 1 } }), DEFAULT_POLICY);
    expect(s.factors).toEqual([{ code: "velocity", points: 50, reason: "2 other COD orders to the same phone in the last 24 h", numbers: { samePhone: 2, sameAddress: 1 } }]);
    expect(s.band).toBe("medium");
    expect(scoreCodRisk(inputs({ velocity: { samePhone: 0, sameAddress: 1 } }), DEFAULT_POLICY).factors[0]!.reason).toBe("1 other COD order to the same address in the last 24 h");
  });

  it("a first order adds its points; at 3× the store's usual COD order, the value factor too", () => {
    const first = { earlierOrders: 0, earlierRtos: 0, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: null, blocked: false };
    expect(scoreCodRisk(inputs({ customer: first }), DEFAULT_POLICY).factors.map((f) => [f.code, f.points])).toEqual([["first_order", 10]]);
    expect(scoreCodRisk(inputs({ customer: first }, { totalPrice: 180_000 }), DEFAULT_POLICY).factors.map((f) => f.code)).toEqual(["first_order"]);
    const big = scoreCodRisk(inputs({ customer: first }, { totalPrice: 300_000 }), DEFAULT_POLICY);
    expect(big.factors.map((f) => [f.code, f.points, f.reason])).toEqual([
      ["value_above_min", 30, "COD order ₹3,000 ≥ ₹2,000"],
      ["first_order", 10, "first order from this customer and phone"],
      ["value_unusual", 15, "₹3,000 is 3.3× the store's usual COD order (₹900; ≥ 3×)"],
    ]);
    expect(big).toMatchObject({ score: 55, band: "medium" });
  });

  it("a returning customer's order at 3× their own usual adds the value factor against their median", () => {
    const s = scoreCodRisk(inputs({}, { totalPrice: 150_000 }), DEFAULT_POLICY);
    expect(s.factors.map((f) => f.reason)).toEqual([]);
    const t = scoreCodRisk(inputs({}, { totalPrice: 199_000 }), policy({ cod_risk: { value: { unusualRatio: 2 } } }));
    expect(t.factors.map((f) => [f.code, f.reason])).toEqual([["value_unusual", "₹1,990 is 2.5× the customer's usual (₹800; ≥ 2×)"]]);
  });

  it("prepaid orders score nothing", () => {
    expect(scoreCodRisk(inputs({ customer: { earlierOrders: 0, earlierRtos: 3, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: null, blocked: true } }, { paymentMethod: "prepaid" }), DEFAULT_POLICY)).toMatchObject({ score: 0, band: "low", factors: [] });
  });
});

describe("COD risk bands", () => {
  const withPoints = (points: number) => policy({ cod_risk: { velocity: { perOrderPoints: points } } });
  it.each([
    [29, "low"],
    [30, "medium"],
    [59, "medium"],
    [60, "high"],
  ])("%i points → %s by the default thresholds", (points, band) => {
    expect(scoreCodRisk(inputs({ velocity: { samePhone: 1, sameAddress: 0 } }), withPoints(points))).toMatchObject({ score: points, band });
  });

  it("thresholds are the policy's, and highAt below mediumAt is refused", () => {
    const p = policy({ cod_risk: { mediumAt: 10, highAt: 20 } });
    expect(scoreCodRisk(inputs({ velocity: { samePhone: 1, sameAddress: 0 } }), p).band).toBe("high");
    const refused = parsePolicy({ cod_risk: { mediumAt: 50, highAt: 40 } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.issues[0]).toMatchObject({ path: ["cod_risk", "highAt"], message: "highAt must be at least mediumAt" });
    expect(parsePolicy({ cod_risk: { mediumAt: 101 } }).ok).toBe(false);
  });

  it("the score is capped at 100", () => {
    const s = scoreCodRisk(inputs({ velocity: { samePhone: 3, sameAddress: 0 }, address: addressFacts("x"), directory: [] }, { totalPrice: 900_000 }), DEFAULT_POLICY);
    expect(s.score).toBe(100);
  });
});

describe("destination counts from the shipment log", () => {
  it("counts resolved parcels per pincode, prefix and store; parcels still moving count nowhere", () => {
    const rows = destinationRows([
      { destPincode: "110017", deliveredAt: 1, rto: false },
      { destPincode: "110017", deliveredAt: null, rto: true },
      { destPincode: "110024", deliveredAt: null, rto: false },
      { destPincode: "560034", deliveredAt: 5, rto: false },
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        { level: "pincode", key: "110017", shipments: 2, rtos: 1 },
        { level: "prefix", key: "110", shipments: 2, rtos: 1 },
        { level: "store", key: "", shipments: 3, rtos: 1 },
        { level: "pincode", key: "560034", shipments: 1, rtos: 0 },
      ]),
    );
    expect(rows.find((r) => r.key === "110024")).toBeUndefined();
  });
});

describe("actions by risk (cod_confirmation)", () => {
  const order = (over: Partial<OrderSummary> = {}): OrderSummary => ({
    id: "7001", name: "#3001", totalPrice: 149_900, currency: "INR", paymentMethod: "cod", customerId: "9001", customerFirstName: "Meera",
    phone: "+919812345678", email: "meera@example.in", lineItems: [], shippingPincode: "110017", shippingCity: "New Delhi", createdAt: NOW - H, cancelledAt: null, ...over,
  });
  const ctx = (risk: ReturnType<typeof scoreCodRisk>) => ({ order: order(), state: "cod_confirmation_pending" as const, destinationRtoRate: risk.destinationRtoRate, risk, confirmationRequestedAt: null, reply: null });

  it("low → nothing", () => {
    expect(decideCodConfirmation(ctx(scoreCodRisk(inputs(), DEFAULT_POLICY)), DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("medium → the WhatsApp confirmation only, with every factor in the reasons", () => {
    const risk = scoreCodRisk(inputs({ velocity: { samePhone: 1, sameAddress: 0 }, address: addressFacts("Main road") }), DEFAULT_POLICY);
    expect(risk.band).toBe("medium");
    const d = decideCodConfirmation(ctx(risk), DEFAULT_POLICY, NOW)!;
    expect(d.actions.map((a) => a.kind)).toEqual(["whatsapp.template"]);
    expect(d.reasons).toEqual([
      "address only 9 characters (< 12)",
      "address has no house or flat number",
      "1 other COD order to the same phone in the last 24 h",
      "COD risk medium, 45 points (medium ≥ 30, high ≥ 60): address short +10, address no number +10, velocity +25",
    ]);
    expect(d.inputs).toMatchObject({ riskScore: 45, riskBand: "medium" });
  });

  it("high → confirmation, a payment link with the prepaid discount, and a fulfilment hold", () => {
    const risk = scoreCodRisk(inputs({ customer: { earlierOrders: 2, earlierRtos: 2, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: 90_000, blocked: false } }), DEFAULT_POLICY);
    const d = decideCodConfirmation(ctx(risk), DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("cod_confirmation:order:7001:request");
    expect(d.actions).toEqual([
      expect.objectContaining({ kind: "whatsapp.template", params: expect.objectContaining({ to: "+919812345678", buttons: [{ type: "quick_reply", param: "cod:confirm:#3001" }, { type: "quick_reply", param: "cod:cancel:#3001" }] }) }),
      { kind: "cod_payment_link", connector: "razorpay", params: { orderId: "7001", amountPaise: 142_405, discountPaise: 7_495, customerPhone: "+919812345678", customerEmail: "meera@example.in" } },
      { kind: "shopify_fulfillment_hold", connector: "shopify", params: { orderId: "7001", reason: "HIGH_RISK_OF_FRAUD", note: expect.stringContaining("2 earlier orders of this customer came back (RTO)") } },
    ]);
    expect(d.reasons).toContain("repeat offender: 2 RTOs ≥ 2: high risk on its own");
    expect(d.reasons).toContain("high risk: offered to pay ₹1,424.05 now by link (₹74.95 off for prepaying)");
    // No hold when the policy says so; the discount is capped.
    const noHold = decideCodConfirmation(ctx(risk), policy({ cod_risk: { holdHighRisk: false } }), NOW)!;
    expect(noHold.actions.map((a) => a.kind)).toEqual(["whatsapp.template", "cod_payment_link"]);
    expect(prepaidOffer(10_000_000, DEFAULT_POLICY)).toEqual({ amountPaise: 9_980_000, discountPaise: 20_000 });
  });

  it("shadow mode is the policy's: the rule drafts the same actions (the shell records them without sending)", () => {
    const risk = scoreCodRisk(inputs({ customer: { earlierOrders: 0, earlierRtos: 0, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: null, blocked: true } }), DEFAULT_POLICY);
    const d = decideCodConfirmation(ctx(risk), policy({ cod_confirmation: { mode: "shadow" } }), NOW)!;
    expect(d.actions.map((a) => a.kind)).toEqual(["whatsapp.template", "cod_payment_link", "shopify_fulfillment_hold"]);
  });
});
