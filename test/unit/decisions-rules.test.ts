/** Every other decision type: one case that fires, one that does not; quiet hours; shadow mode; policy parsing. */
import { describe, expect, it } from "vitest";
import type { CustomerSnapshot, JourneySnapshot, OrderSummary, TicketSummary } from "../../src/decisions/context";
import type { RouteStat } from "../../src/decisions/models/routes";
import { DEFAULT_POLICY, modeFor, parsePolicy, type Policy } from "../../src/decisions/policy";
import { decideCarrierRouteAlerts } from "../../src/decisions/rules/carrier-route-alert";
import { decideChurnIntervention } from "../../src/decisions/rules/churn-intervention";
import { decideCodConfirmation } from "../../src/decisions/rules/cod-confirmation";
import { decideDelayAlert } from "../../src/decisions/rules/delay-alert";
import { decideNdrFollowup } from "../../src/decisions/rules/ndr-followup";
import { decidePostDelivery, nextPostDeliveryStepAt } from "../../src/decisions/rules/post-delivery";
import { decideReturnProcessing } from "../../src/decisions/rules/return-processing";
import { decideStatusNotification } from "../../src/decisions/rules/status-notification";
import { decideWismoAutoreply } from "../../src/decisions/rules/wismo-autoreply";
import { rupees } from "../../src/decisions/format";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 2, 10, 6, 0); // 11:30 IST

const order = (over: Partial<OrderSummary> = {}): OrderSummary => ({
  id: "6001",
  name: "#2001",
  totalPrice: 99_900,
  currency: "INR",
  paymentMethod: "prepaid",
  customerId: "8001",
  customerFirstName: "Arjun",
  phone: "+919900112233",
  email: "arjun@example.in",
  lineItems: [{ sku: "TEA-100", title: "Masala chai 100 g", quantity: 2, unitPrice: 49_950, variantId: "5111", productId: "9101", category: "tea" }],
  shippingPincode: "560034",
  shippingCity: "Bengaluru",
  createdAt: NOW - 3 * D,
  cancelledAt: null,
  ...over,
});

const journey = (over: Partial<JourneySnapshot> = {}): JourneySnapshot => ({
  state: "in_transit",
  stateAt: NOW - 2 * D,
  lastScanAt: NOW - 5 * H,
  lastScanLocation: "Hosur Road hub",
  awb: "SR123456789",
  carrier: "bluedart",
  origin: "DEL",
  eta: NOW + D,
  failedAttempts: 0,
  trackingUrl: "https://track.example/SR123456789",
  deliveredAt: null,
  ...over,
});

const customer = (over: Partial<CustomerSnapshot> = {}): CustomerSnapshot => ({
  id: "8001",
  firstName: "Arjun",
  phone: "+919900112233",
  email: "arjun@example.in",
  ltv: 600_000,
  tier: "mid",
  ordersCount: 4,
  lastOrderAt: NOW - 20 * D,
  expectedIntervalDays: 30,
  // No store fit: the rules' interval fallback (the model's outputs are tested in their own cases).
  pActive: null,
  expectedOrders90d: null,
  predictedClv: null,
  acceptsMarketing: true,
  acceptsWhatsapp: true,
  ...over,
});

const ticket = (over: Partial<TicketSummary> = {}): TicketSummary => ({
  helpdesk: "gorgias",
  ticketId: "t-501",
  category: "wismo",
  status: "open",
  subject: "Where is my order?",
  createdAt: NOW - 10 * 60_000,
  firstResponseAt: null,
  ...over,
});

const policyWith = (patch: unknown): Policy => {
  const r = parsePolicy(patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
};

describe("policy", () => {
  it("the defaults are a valid policy and carry DESIGN.md's thresholds", () => {
    const r = parsePolicy(DEFAULT_POLICY);
    expect(r.ok).toBe(true);
    expect(DEFAULT_POLICY.delay_alert.stallHours).toBe(36);
    expect(DEFAULT_POLICY.support_escalation.rules.high_value_not_received!.when.unansweredHours).toBe(4);
    expect(DEFAULT_POLICY.customerTiers.highLtvPaise).toBe(1_500_000);
    expect(DEFAULT_POLICY.reorder_prompt.daysBefore).toBe(3);
  });

  it("a partial document changes only what it names", () => {
    const p = policyWith({ delay_alert: { stallHours: 30 } });
    expect(p.delay_alert.stallHours).toBe(30);
    expect(p.delay_alert.storeCreditPaise).toBe(10_000);
    expect(p.reorder_prompt).toEqual(DEFAULT_POLICY.reorder_prompt);
  });

  it("invalid values and unknown keys are rejected with issues", () => {
    const bad = parsePolicy({ delay_alert: { stallHours: -1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.path).toEqual(["delay_alert", "stallHours"]);
    expect(parsePolicy({ delay_alert: { stalHours: 30 } }).ok).toBe(false);
    expect(parsePolicy({ quietHours: { start: "25:00" } }).ok).toBe(false);
    expect(parsePolicy({ cod_confirmation: { mode: "dry" } }).ok).toBe(false);
  });

  it("merges over a given base, so the previous policy is the starting point", () => {
    const previous = policyWith({ delay_alert: { stallHours: 30 } });
    const next = parsePolicy({ delay_alert: { storeCreditPaise: 20_000 } }, previous);
    expect(next.ok && next.policy.delay_alert.stallHours).toBe(30);
  });
});

describe("shadow mode", () => {
  it("does not change the draft; modeFor exposes it for the shell", () => {
    const shadow = policyWith({ delay_alert: { mode: "shadow" } });
    const ctx = { order: order(), journey: journey({ lastScanAt: NOW - 40 * H }), customer: customer({ ltv: 2_000_000 }), route: null };
    expect(modeFor(shadow, "delay_alert")).toBe("shadow");
    expect(modeFor(DEFAULT_POLICY, "delay_alert")).toBe("live");
    expect(decideDelayAlert(ctx, shadow, NOW)).toEqual(decideDelayAlert(ctx, DEFAULT_POLICY, NOW));
  });
});

describe("status_notification", () => {
  const ctx = { order: order(), status: "shipped" as const, eventAt: NOW - 10 * 60_000, journey: journey() };

  it("sends one message per order per status, on the real event", () => {
    const d = decideStatusNotification(ctx, DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("status_notification:order:6001:shipped");
    expect(d.actions[0]!.kind === "whatsapp.template" && d.actions[0]!.params.template).toBe("order_shipped");
    expect(d.notBefore).toBeNull();
  });

  it("is off per status in policy, and skips stale replayed events", () => {
    expect(decideStatusNotification(ctx, policyWith({ status_notification: { statuses: { shipped: { enabled: false } } } }), NOW)).toBeNull();
    expect(decideStatusNotification({ ...ctx, eventAt: NOW - 25 * H }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("at 23:00 IST is deferred to 08:00 IST the next morning", () => {
    const at2300Ist = Date.UTC(2026, 2, 10, 17, 30);
    const d = decideStatusNotification({ ...ctx, eventAt: at2300Ist - 60_000 }, DEFAULT_POLICY, at2300Ist)!;
    expect(d.notBefore).toBe(Date.UTC(2026, 2, 11, 2, 30));
    expect(d.reasons.some((r) => r.includes("quiet hours"))).toBe(true);
  });

  it("at 02:00 IST waits until 08:00 the same morning; at 20:59 IST it goes now", () => {
    const at0200Ist = Date.UTC(2026, 2, 10, 20, 30);
    expect(decideStatusNotification({ ...ctx, eventAt: at0200Ist }, DEFAULT_POLICY, at0200Ist)!.notBefore).toBe(Date.UTC(2026, 2, 11, 2, 30));
    const at2059Ist = Date.UTC(2026, 2, 10, 15, 29);
    expect(decideStatusNotification({ ...ctx, eventAt: at2059Ist }, DEFAULT_POLICY, at2059Ist)!.notBefore).toBeNull();
  });
});

describe("wismo_autoreply", () => {
  it("healthy shipment → public reply with live status, last scan time and place, ETA, tracking link, status pending", () => {
    const d = decideWismoAutoreply({ ticket: ticket(), order: order(), journey: journey() }, DEFAULT_POLICY, NOW)!;
    expect(d.type).toBe("wismo_autoreply");
    const reply = d.actions[0]!;
    if (reply.kind !== "helpdesk.reply") throw new Error(reply.kind);
    expect(reply.params.status).toBe("pending");
    expect(reply.params.body).toContain("#2001 is on its way");
    expect(reply.params.body).toContain("10 Mar, 06:30 IST at Hosur Road hub");
    expect(reply.params.body).toContain("Expected delivery: 11 Mar");
    expect(reply.params.body).toContain("https://track.example/SR123456789");
  });

  it("policy can solve instead of pending", () => {
    const d = decideWismoAutoreply({ ticket: ticket(), order: order(), journey: journey() }, policyWith({ wismo_autoreply: { replyStatus: "solved" } }), NOW)!;
    expect(d.actions[0]!.kind === "helpdesk.reply" && d.actions[0]!.params.status).toBe("solved");
  });

  for (const [label, j] of [
    ["stalled", journey({ lastScanAt: NOW - 40 * H })],
    ["failed attempt", journey({ state: "failed_attempt", failedAttempts: 1 })],
    ["RTO", journey({ state: "rto_initiated" })],
  ] as const) {
    it(`${label} shipment → no public answer, escalation with context instead`, () => {
      const d = decideWismoAutoreply({ ticket: ticket(), order: order(), journey: j }, DEFAULT_POLICY, NOW)!;
      expect(d.type).toBe("support_escalation");
      expect(d.dedupeKey).toBe("support_escalation:ticket:gorgias:t-501");
      expect(d.actions.some((a) => a.kind === "helpdesk.reply")).toBe(false);
      expect(d.actions.map((a) => a.kind)).toEqual(["helpdesk.update", "helpdesk.internal_note"]);
    });
  }

  it("only at first contact, and only for WISMO tickets", () => {
    expect(decideWismoAutoreply({ ticket: ticket({ firstResponseAt: NOW - 60_000 }), order: order(), journey: journey() }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideWismoAutoreply({ ticket: ticket({ category: "damaged" }), order: order(), journey: journey() }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("post_delivery", () => {
  const delivered = journey({ state: "delivered", deliveredAt: NOW - 50 * H });
  const ctx = { order: order(), journey: delivered, customer: customer(), openTicket: false, openReturn: false, stepsDone: [] as string[] };

  it("carrier-confirmed delivery 50 h ago → the review request step", () => {
    const d = decidePostDelivery(ctx, DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("post_delivery:order:6001:review_request");
    expect(d.actions[0]!.kind === "whatsapp.template" && d.actions[0]!.params.template).toBe("review_request");
    expect(nextPostDeliveryStepAt({ ...ctx, stepsDone: ["review_request"] }, DEFAULT_POLICY)).toBe(NOW - 50 * H + 120 * H);
  });

  it("suppressed while a ticket or return is open; never without a delivery scan", () => {
    expect(decidePostDelivery({ ...ctx, openTicket: true }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decidePostDelivery({ ...ctx, openReturn: true }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decidePostDelivery({ ...ctx, journey: journey({ state: "in_transit" }) }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decidePostDelivery({ ...ctx, journey: journey({ state: "delivered", deliveredAt: NOW - 47 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("churn_intervention", () => {
  it("mid tier, 65 days since last order > 2 × 30 → tiered offer", () => {
    const d = decideChurnIntervention({ customer: customer({ lastOrderAt: NOW - 65 * D }), openTicket: false }, DEFAULT_POLICY, NOW)!;
    const wa = d.actions[0]!;
    expect(wa.kind === "whatsapp.template" && wa.params.bodyParams).toEqual(["Arjun", "COMEBACK10", "10%"]);
    expect(d.reasons[0]).toContain("65 days since last order > 2 × expected interval 30 days");
  });

  it("55 days is not yet churn for mid tier, but is for high tier (k 1.5)", () => {
    expect(decideChurnIntervention({ customer: customer({ lastOrderAt: NOW - 55 * D }), openTicket: false }, DEFAULT_POLICY, NOW)).toBeNull();
    const high = decideChurnIntervention({ customer: customer({ lastOrderAt: NOW - 55 * D, tier: "high", ltv: 2_000_000 }), openTicket: false }, DEFAULT_POLICY, NOW)!;
    expect(high.actions[0]!.kind === "whatsapp.template" && high.actions[0]!.params.template).toBe("winback_high");
  });
});

describe("carrier_route_alert", () => {
  const stat = (over: Partial<RouteStat>): RouteStat => ({
    carrier: "delhivery", origin: "BLR", destination: "110", shipments: 80, resolved: 70, delayRate: 0.09, rtoRate: 0.04, rawDelayRate: 0.09,
    baselineShipments: 400, baselineDelayRate: 0.09, baselineRtoRate: 0.04, medianTransitHours: 60, trend: [0.09, 0.09, 0.09, 0.09, 0.09, 0.09, 0.09], ...over,
  });

  it("alerts the elevated routes only, with the route table", () => {
    const drafts = decideCarrierRouteAlerts({ routes: [stat({ delayRate: 0.23 }), stat({ destination: "400" }), stat({ destination: "700", rtoRate: 0.15 })] }, DEFAULT_POLICY, NOW);
    expect(drafts.map((d) => d.dedupeKey.split(":").slice(2, 6).join(":"))).toEqual(["delhivery:BLR:110:delay", "delhivery:BLR:700:rto"]);
    const alert = drafts[0]!.actions[0]!;
    expect(alert.kind === "email.ops_alert" && alert.params.text).toContain("delhivery | BLR | 110 | 80 | 23% (9%)");
  });

  it("does not alert a small route however bad it looks", () => {
    expect(decideCarrierRouteAlerts({ routes: [stat({ shipments: 12, delayRate: 0.5 })] }, DEFAULT_POLICY, NOW)).toEqual([]);
  });
});

describe("ndr_followup", () => {
  const failed = journey({ state: "failed_attempt", failedAttempts: 1, lastScanAt: NOW - H });

  it("a failed attempt → WhatsApp with re-attempt / return buttons", () => {
    const d = decideNdrFollowup({ order: order(), journey: failed, reply: null }, DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("ndr_followup:order:6001:attempt:1");
    const wa = d.actions[0]!;
    expect(wa.kind === "whatsapp.template" && wa.params.buttons.map((b) => b.param)).toEqual(["ndr:reattempt:#2001", "ndr:return:#2001"]);
  });

  it("the customer's reply drives the carrier NDR action", () => {
    const d = decideNdrFollowup({ order: order(), journey: failed, reply: { payload: "ndr:reattempt:#2001", at: NOW } }, DEFAULT_POLICY, NOW)!;
    expect(d.actions[0]).toMatchObject({ kind: "shiprocket.ndr_action", params: { awb: "SR123456789", action: "re-attempt" } });
    expect(decideNdrFollowup({ order: order(), journey: failed, reply: { payload: "ndr:reattempt:#9999", at: NOW } }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("no failed attempt → nothing", () => {
    expect(decideNdrFollowup({ order: order(), journey: journey(), reply: null }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("cod_confirmation", () => {
  const cod = (over: Partial<OrderSummary> = {}) => order({ paymentMethod: "cod", ...over });
  const ctx = { order: cod({ totalPrice: 250_000 }), state: "placed" as const, destinationRtoRate: 0.1, confirmationRequestedAt: null, reply: null };

  it("COD above ₹2,000 → confirm/cancel buttons", () => {
    const d = decideCodConfirmation(ctx, DEFAULT_POLICY, NOW)!;
    expect(d.reasons).toContain(`COD order ${rupees(250_000)} ≥ ${rupees(200_000)}`);
    expect(d.actions[0]!.kind === "whatsapp.template" && d.actions[0]!.params.buttons.map((b) => b.param)).toEqual(["cod:confirm:#2001", "cod:cancel:#2001"]);
  });

  it("a small COD order to a high-RTO destination also asks; a small one elsewhere does not", () => {
    expect(decideCodConfirmation({ ...ctx, order: cod({ totalPrice: 50_000 }), destinationRtoRate: 0.3 }, DEFAULT_POLICY, NOW)).not.toBeNull();
    expect(decideCodConfirmation({ ...ctx, order: cod({ totalPrice: 50_000 }) }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideCodConfirmation({ ...ctx, order: cod({ totalPrice: 50_000 }) }, policyWith({ cod_confirmation: { highRtoPincodes: ["560"] } }), NOW)).not.toBeNull();
  });

  it("no answer within the timeout → hold tag and ops alert; an answer or prepaid → nothing", () => {
    const waiting = { ...ctx, state: "cod_confirmation_pending" as const, confirmationRequestedAt: NOW - 25 * H };
    const d = decideCodConfirmation(waiting, DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("cod_confirmation:order:6001:timeout");
    expect(d.actions.map((a) => a.kind)).toEqual(["shopify.tags_add", "shopify_fulfillment_hold", "email.ops_alert"]);
    // The hold the warehouse sees in Shopify (issue 19): reason and note from the cod_shopify policy.
    expect(d.actions[1]!.params).toEqual({ orderId: "6001", reason: DEFAULT_POLICY.cod_shopify.holdReason, note: DEFAULT_POLICY.cod_shopify.holdNote });
    expect(decideCodConfirmation({ ...waiting, confirmationRequestedAt: NOW - 23 * H }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideCodConfirmation({ ...waiting, reply: "confirm" }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideCodConfirmation({ ...ctx, order: order({ totalPrice: 250_000 }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("return_processing", () => {
  it("refund with restock → ERP restock, customer update, CRM suppression", () => {
    const event = { kind: "refunded" as const, refundId: "r-1", amount: 99_900, restock: true, lineItems: [{ sku: "TEA-100", quantity: 2 }], occurredAt: NOW - H };
    const d = decideReturnProcessing({ order: order(), event, customer: customer() }, DEFAULT_POLICY, NOW)!;
    expect(d.actions.map((a) => a.kind)).toEqual(["zoho.restock", "shopify.tags_add", "whatsapp.template", "klaviyo.profile_properties"]);
    expect(d.dedupeKey).toBe("return_processing:order:6001:refunded:r-1");
  });

  it("a return request does not restock yet", () => {
    const event = { kind: "return_requested" as const, refundId: null, amount: 0, restock: true, lineItems: [{ sku: "TEA-100", quantity: 2 }], occurredAt: NOW - H };
    const d = decideReturnProcessing({ order: order(), event, customer: customer() }, DEFAULT_POLICY, NOW)!;
    expect(d.actions.some((a) => a.kind === "zoho.restock")).toBe(false);
  });
});

describe("rupees", () => {
  it("groups the Indian way", () => {
    expect(rupees(1_845_000)).toBe("₹18,450");
    expect(rupees(15_000_000)).toBe("₹1,50,000");
    expect(rupees(9_950)).toBe("₹99.50");
  });
});
