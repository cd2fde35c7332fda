/** The seed's four scenarios fire with exactly its numbers; their near-misses do not. */
import { describe, expect, it } from "vitest";
import type { CustomerSnapshot, JourneySnapshot, OrderSummary, ScanRecord, SkuSupply, TicketSummary } from "../../src/decisions/context";
import type { RouteStat } from "../../src/decisions/models/routes";
import { DEFAULT_POLICY, Policy as PolicySchema, parsePolicy } from "../../src/decisions/policy";
import { decideDelayAlert } from "../../src/decisions/rules/delay-alert";
import { decideInventoryReorder } from "../../src/decisions/rules/inventory-reorder";
import { decideReorderPrompt } from "../../src/decisions/rules/reorder-prompt";
import { decideSupportEscalation } from "../../src/decisions/rules/support-escalation";

const H = 3_600_000;
const D = 24 * H;
// 10 Mar 2026 11:30 IST: outside quiet hours, so nothing is deferred.
const NOW = Date.UTC(2026, 2, 10, 6, 0);

const order = (over: Partial<OrderSummary> = {}): OrderSummary => ({
  id: "5001",
  name: "#1042",
  totalPrice: 189_900,
  currency: "INR",
  paymentMethod: "prepaid",
  customerId: "7001",
  customerFirstName: "Priya",
  phone: "+919812345678",
  email: "priya@example.in",
  lineItems: [{ sku: "SERUM-30", title: "Vitamin C serum 30 ml", quantity: 1, unitPrice: 189_900, variantId: "4111", productId: "9001", category: "skincare" }],
  shippingPincode: "110017",
  shippingCity: "New Delhi",
  createdAt: NOW - 5 * D,
  cancelledAt: null,
  ...over,
});

const journey = (over: Partial<JourneySnapshot> = {}): JourneySnapshot => ({
  state: "in_transit",
  stateAt: NOW - 3 * D,
  lastScanAt: NOW - 36 * H,
  lastScanLocation: "Bhiwandi hub",
  awb: "1490811234567",
  carrier: "delhivery",
  origin: "BLR",
  eta: NOW - 6 * H,
  failedAttempts: 0,
  trackingUrl: "https://track.example/1490811234567",
  deliveredAt: null,
  ...over,
});

const customer = (over: Partial<CustomerSnapshot> = {}): CustomerSnapshot => ({
  id: "7001",
  firstName: "Priya",
  phone: "+919812345678",
  email: "priya@example.in",
  ltv: 1_845_000,
  tier: "high",
  ordersCount: 6,
  lastOrderAt: NOW - 5 * D,
  expectedIntervalDays: 30,
  // No store fit: the rules' interval fallback (the model's outputs are tested in their own cases).
  pActive: null,
  expectedOrders90d: null,
  predictedClv: null,
  acceptsMarketing: true,
  acceptsWhatsapp: true,
  ...over,
});

const route = (over: Partial<RouteStat> = {}): RouteStat => ({
  carrier: "delhivery",
  origin: "BLR",
  destination: "110",
  shipments: 64,
  resolved: 52,
  delayRate: 0.23,
  rtoRate: 0.04,
  rawDelayRate: 0.24,
  baselineShipments: 380,
  baselineDelayRate: 0.09,
  baselineRtoRate: 0.04,
  medianTransitHours: 70,
  trend: [0.08, 0.1, 0.09, 0.08, 0.1, 0.09, 0.23],
  ...over,
});

describe("seed (a) delay_alert", () => {
  const ctx = { order: order(), journey: journey(), customer: customer(), route: route() };

  it("36 h without a scan, high-LTV customer, route at 23% vs 9% → WhatsApp with revised ETA and ₹100 store credit", () => {
    const d = decideDelayAlert(ctx, DEFAULT_POLICY, NOW)!;
    expect(d).not.toBeNull();
    expect(d.type).toBe("delay_alert");
    expect(d.subjectId).toBe("5001");
    const wa = d.actions.find((a) => a.kind === "whatsapp.template");
    const credit = d.actions.find((a) => a.kind === "shopify.store_credit");
    expect(wa?.kind === "whatsapp.template" && wa.params.to).toBe("+919812345678");
    // Carrier ETA has passed, so the revised ETA is now + 48 h: 12 Mar in IST.
    expect(wa?.kind === "whatsapp.template" && wa.params.bodyParams).toContain("12 Mar");
    expect(credit).toEqual({ kind: "shopify.store_credit", connector: "shopify", params: { customerId: "7001", amount: 10000, currency: "INR" } });
    expect(d.reasons).toContain("no carrier scan for 36.0 h (threshold 36 h)");
    expect(d.reasons).toContain("customer LTV ₹18,450 ≥ high-LTV tier ₹15,000");
    expect(d.reasons.some((r) => r.includes("route delhivery BLR→110 delay rate 23% vs baseline 9%"))).toBe(true);
    expect(d.dedupeKey).toBe(`delay_alert:order:5001:stall:${NOW - 36 * H}`);
    expect(d.notBefore).toBeNull();
  });

  it("near-miss: 35 h without a scan → nothing", () => {
    expect(decideDelayAlert({ ...ctx, journey: journey({ lastScanAt: NOW - 35 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("near-miss: LTV ₹14,999 → still alerted for the route, but no credit and no LTV reason", () => {
    const d = decideDelayAlert({ ...ctx, customer: customer({ ltv: 1_499_900, tier: "mid" }) }, DEFAULT_POLICY, NOW)!;
    expect(d.actions.map((a) => a.kind)).toEqual(["whatsapp.template"]);
    expect(d.reasons.some((r) => r.includes("LTV"))).toBe(false);
  });

  it("neither signal: alert without credit by default, nothing when policy says so", () => {
    const quiet = { ...ctx, customer: customer({ ltv: 1_499_900 }), route: route({ delayRate: 0.1 }) };
    expect(decideDelayAlert(quiet, DEFAULT_POLICY, NOW)!.actions.map((a) => a.kind)).toEqual(["whatsapp.template"]);
    const strict = parsePolicy({ delay_alert: { alertWithoutCredit: false } });
    if (!strict.ok) throw new Error("policy");
    expect(decideDelayAlert(quiet, strict.policy, NOW)).toBeNull();
  });

  it("a route with too few shipments does not count as elevated", () => {
    const d = decideDelayAlert({ ...ctx, customer: customer({ ltv: 0 }), route: route({ shipments: 5 }) }, DEFAULT_POLICY, NOW)!;
    expect(d.reasons.some((r) => r.includes("delay rate"))).toBe(false);
  });

  it("a delivered order is not delayed", () => {
    expect(decideDelayAlert({ ...ctx, journey: journey({ state: "delivered" }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("seed (b) reorder_prompt", () => {
  const ctx = {
    customer: customer(),
    category: "skincare",
    ordersInCategory: 3,
    intervalDays: 28,
    storeIntervalDays: null,
    lastOrderAt: NOW - 25 * D,
    lastOrderDelivered: true,
    items: [
      { variantId: "4111", quantity: 2, title: "Vitamin C serum" },
      { variantId: "4222", quantity: 1, title: "Sunscreen" },
    ],
    shopDomain: "brand.myshopify.com",
    openTicket: false,
    openReturn: false,
  };

  it("3rd order in the category, interval 28 days, day 25 → WhatsApp with a Shopify cart permalink", () => {
    const d = decideReorderPrompt(ctx, DEFAULT_POLICY, NOW)!;
    expect(d.type).toBe("reorder_prompt");
    expect(d.subjectType).toBe("customer");
    const wa = d.actions[0]!;
    expect(wa.kind).toBe("whatsapp.template");
    if (wa.kind !== "whatsapp.template") return;
    expect(wa.params.bodyParams).toContain("https://brand.myshopify.com/cart/4111:2,4222:1");
    expect(wa.params.buttons).toEqual([{ type: "url", param: "4111:2,4222:1" }]);
    expect(d.reasons.some((r) => r.includes("28 days") && r.includes("day 25"))).toBe(true);
    expect(d.dedupeKey).toBe(`reorder_prompt:customer:7001:skincare:${NOW - 25 * D}`);
  });

  it("near-miss: day 24 → nothing", () => {
    expect(decideReorderPrompt({ ...ctx, lastOrderAt: NOW - 24 * D }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("not while a ticket or a return is open", () => {
    expect(decideReorderPrompt({ ...ctx, openTicket: true }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideReorderPrompt({ ...ctx, openReturn: true }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("not on the 2nd order in the category", () => {
    expect(decideReorderPrompt({ ...ctx, ordersInCategory: 2 }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("seed (c) support_escalation", () => {
  const ticket = (over: Partial<TicketSummary> = {}): TicketSummary => ({
    helpdesk: "freshdesk",
    ticketId: "88123",
    category: "delivered_not_received",
    status: "open",
    subject: "Marked delivered but I never got it",
    createdAt: NOW - 4 * H,
    firstResponseAt: null,
    ...over,
  });
  const scans: ScanRecord[] = [
    { status: "picked_up", rawStatus: "Picked Up", occurredAt: NOW - 4 * D, location: "Bengaluru_Hub" },
    { status: "in_transit", rawStatus: "In Transit", occurredAt: NOW - 3 * D, location: "Bhiwandi hub" },
    { status: "delivered", rawStatus: "Delivered", occurredAt: NOW - 1 * D, location: "Malviya Nagar DC" },
  ];
  const ctx = { ticket: ticket(), customer: customer({ ltv: 1_600_000 }), order: order(), journey: journey({ state: "delivered", deliveredAt: NOW - D }), scans };

  it("4 h without response, LTV above ₹15,000, delivered-not-received → priority, assignee, note with history, WhatsApp ack", () => {
    const d = decideSupportEscalation(ctx, DEFAULT_POLICY, NOW)!;
    expect(d.type).toBe("support_escalation");
    expect(d.subjectId).toBe("freshdesk:88123");
    const update = d.actions.find((a) => a.kind === "helpdesk.update");
    expect(update?.kind === "helpdesk.update" && update.params).toMatchObject({ helpdesk: "freshdesk", ticketId: "88123", priority: "urgent", assignee: "support-leads" });
    const note = d.actions.find((a) => a.kind === "helpdesk.internal_note");
    const body = note?.kind === "helpdesk.internal_note" ? note.params.body : "";
    for (const expected of ["#1042", "1490811234567", "delhivery", "Bengaluru_Hub", "Bhiwandi hub", "Malviya Nagar DC", "Vitamin C serum 30 ml"]) expect(body).toContain(expected);
    expect(d.actions.some((a) => a.kind === "whatsapp.template" && a.params.to === "+919812345678")).toBe(true);
    // The seed's rule is one conjunction; the reason names it with each condition's number.
    expect(d.reasons[0]).toBe(
      "rule high_value_not_received (all): unanswered 4.0 h (≥ 4 h), customer LTV ₹16,000 (≥ ₹15,000), category delivered_not_received (one of delivered_not_received)",
    );
    expect(d.reasons.some((r) => r.includes("delivered_not_received"))).toBe(true);
  });

  it("assigns per helpdesk when the policy names one agent per helpdesk, and leaves the assignee alone where it names none", () => {
    const parsed = parsePolicy({ support_escalation: { routing: { default: { assignee: { freshdesk: "43000012345", zendesk: "leads@vanaspati.in" } } } } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const policy = parsed.policy;
    expect(PolicySchema.safeParse(policy).success).toBe(true);
    const update = (helpdesk: "freshdesk" | "gorgias") => {
      const d = decideSupportEscalation({ ...ctx, ticket: ticket({ helpdesk }) }, policy, NOW)!;
      const u = d.actions.find((a) => a.kind === "helpdesk.update");
      return { params: u?.kind === "helpdesk.update" ? u.params : null, reasons: d.reasons };
    };
    expect(update("freshdesk").params).toMatchObject({ helpdesk: "freshdesk", assignee: "43000012345" });
    expect(update("gorgias").params).toMatchObject({ helpdesk: "gorgias", assignee: null });
    expect(update("gorgias").reasons).toContain("route: category=delivered_not_received, language=en → no assignee or group for gorgias (unchanged) (default route)");
    expect(update("gorgias").reasons.at(-1)).toBe("priority urgent");
    expect(parsePolicy({ support_escalation: { routing: { default: { assignee: { freshdesk: "1", zoho: "x" } } } } }).ok).toBe(false);
  });

  it("near-miss: LTV ₹14,999 on a fresh, ordinary ticket → nothing", () => {
    const near = { ...ctx, ticket: ticket({ category: "other", createdAt: NOW - H }), customer: customer({ ltv: 1_499_900 }) };
    expect(decideSupportEscalation(near, DEFAULT_POLICY, NOW)).toBeNull();
  });

  // The seed's rule is a conjunction: each near-miss (two of the three) escalates nothing.
  it("near-miss: LTV ₹14,999, 4 h unanswered, delivered-not-received → nothing", () => {
    expect(decideSupportEscalation({ ...ctx, customer: customer({ ltv: 1_499_900 }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("near-miss: 3.9 h unanswered, LTV ₹16,000, delivered-not-received → nothing; an answered ticket is not waiting", () => {
    expect(decideSupportEscalation({ ...ctx, ticket: ticket({ createdAt: NOW - 3.9 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideSupportEscalation({ ...ctx, ticket: ticket({ firstResponseAt: NOW - 3 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("near-miss: 4 h unanswered, LTV ₹16,000, but a general question → nothing", () => {
    expect(decideSupportEscalation({ ...ctx, ticket: ticket({ category: "other" }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("3.9 h without response on an ordinary ticket → nothing; answered tickets do not count as waiting", () => {
    const base = { ...ctx, customer: customer({ ltv: 0 }) };
    expect(decideSupportEscalation({ ...base, ticket: ticket({ category: "other", createdAt: NOW - 3.9 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideSupportEscalation({ ...base, ticket: ticket({ category: "other", firstResponseAt: NOW - 3 * H }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("seed (d) inventory_reorder", () => {
  const sku = (over: Partial<SkuSupply> = {}): SkuSupply => ({
    sku: "SERUM-30",
    title: "Vitamin C serum 30 ml",
    productId: "9001",
    available: 90,
    reorderPoint: 150,
    leadTimeDays: 12,
    safetyDays: null,
    packSize: 12,
    openPoQuantity: 0,
    dailyDemand: 10,
    // No forecast validated on past windows: the fixed safety-days rule (service level: forecast-cv and inventory tests).
    demandForecast: null,
    forecastMethod: "holt_winters",
    lastReceiptAt: NOW - 40 * D,
    ...over,
  });

  it("below reorder point, lead time 12 days, stockout in 9 days → PO draft covering lead time + safety, ops email, low-stock flag", () => {
    const d = decideInventoryReorder({ sku: sku() }, DEFAULT_POLICY, NOW)!;
    expect(d.type).toBe("inventory_reorder");
    const po = d.actions.find((a) => a.kind === "zoho.purchase_order_draft");
    if (po?.kind !== "zoho.purchase_order_draft") throw new Error("no PO draft");
    // 10/day × (12 lead + 7 safety) = 190 needed, 90 in position → 100, rounded up to packs of 12.
    expect(po.params.quantity).toBe(108);
    expect(po.params.quantity % 12).toBe(0);
    expect(po.params.expectedBy).toBe(new Date(NOW + 12 * D).toISOString());
    expect(d.actions.some((a) => a.kind === "email.ops_alert")).toBe(true);
    expect(d.actions).toContainEqual({ kind: "shopify.tags_add", connector: "shopify", params: { resource: "product", id: "9001", tags: ["low-stock"] } });
    expect(d.actions.some((a) => a.kind === "shopify.metafields_set" && a.params.key === "low_stock")).toBe(true);
    expect(d.reasons).toContain("available 90 ≤ reorder point 150");
    expect(d.reasons.some((r) => r.includes("stockout in 9.0 days"))).toBe(true);
    expect(d.reasons).toContain("cover 9.0 days < supplier lead time 12 days");
  });

  it("near-miss: stockout in 13 days (still below the reorder point) → nothing", () => {
    expect(decideInventoryReorder({ sku: sku({ available: 130 }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("stock already on order counts toward cover", () => {
    expect(decideInventoryReorder({ sku: sku({ openPoQuantity: 200 }) }, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("policy can make the reorder point fire on its own", () => {
    const p = parsePolicy({ inventory_reorder: { fireBelowReorderPoint: true } });
    if (!p.ok) throw new Error("policy");
    expect(decideInventoryReorder({ sku: sku({ available: 130 }) }, p.policy, NOW)).not.toBeNull();
  });
});
