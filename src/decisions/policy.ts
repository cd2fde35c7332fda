/** The decision policy: every threshold, template and mode as validated configuration, with DESIGN.md defaults. */
import { HELPDESKS, type HelpdeskName } from "../canonical/vocabulary";
import { IST_OFFSET_MINUTES } from "../lib/time";
import { z } from "zod";
import { EMAIL_TEMPLATES, isEmailTemplate } from "../messages/email/templates";
import type { DecisionType } from "./types";
import { DEFAULT_SUPPORT_ESCALATION, SupportEscalationPolicy } from "./escalation-policy";
import { CodShopifyPolicy, DEFAULT_COD_SHOPIFY_POLICY } from "./cod-shopify-policy";
import { DEFAULT_WHATSAPP_INBOUND, WhatsappInboundPolicy } from "./inbound-policy";
import { CodRiskPolicy, DEFAULT_COD_RISK_POLICY } from "./cod-risk-policy";
import { DEFAULT_NDR_RTO_POLICY, NdrRtoPolicy } from "./ndr-rto-policy";

/**
 * Who an escalated ticket goes to: one value for every helpdesk, or one per helpdesk, because
 * each names agents its own way (Freshdesk: a numeric agent id; Gorgias and Zendesk: a user id
 * or the agent's email). Null, or no (or a blank) entry for a helpdesk, leaves the assignee as it is.
 */
export const Assignee = z.union([
  z.string(),
  z.partialRecord(z.enum(HELPDESKS), z.string()),
]).nullable();
export type Assignee = z.infer<typeof Assignee>;

/** The assignee for one helpdesk (null when the policy names none for it). */
export function assigneeFor(assignee: Assignee, helpdesk: HelpdeskName): string | null {
  const named = assignee === null || typeof assignee === "string" ? assignee : assignee[helpdesk];
  return named ? named : null;
}

/** live: act; shadow: record what would have been done, send nothing; approve: record, hold the actions until a person approves. */
export const DECISION_MODES = ["live", "shadow", "approve"] as const;
const Mode = z.enum(DECISION_MODES);
export type DecisionMode = (typeof DECISION_MODES)[number];
const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM (24 h)");

/**
 * Every number in the policy has a range (docs/policies.md lists them all): a value outside it is
 * refused with a message naming the range, so `stallHours: 1e308` cannot be saved and become a
 * timer due at infinity.
 */
function bounded(min: number, max: number, unit: string, opts: { int?: boolean } = {}) {
  const range = `must be ${opts.int ? "a whole number " : ""}from ${min} to ${max} ${unit}`;
  const n = z.number({ error: range });
  return (opts.int ? n.int({ error: range }) : n).min(min, { error: range }).max(max, { error: range });
}

/** A share of shipments or a rate: 0 to 1. */
const Rate = bounded(0, 1, "(a fraction)");
/** Hours a rule waits: from 15 minutes to 30 days. */
const Hours = bounded(0.25, 720, "hours");
/** Money thresholds (LTV tiers, order values): ₹0 to ₹1 crore. */
const Paise = bounded(0, 1_000_000_000, "paise (₹0 to ₹1,00,00,000)", { int: true });
/** Money given away per customer (store credit): ₹0 to ₹10,000. */
const CreditPaise = bounded(0, 1_000_000, "paise (₹0 to ₹10,000)", { int: true });
/** Shipment counts for route statistics. */
const ShipmentCount = bounded(0, 100_000, "shipments", { int: true });
/** How many times over a baseline. */
const Ratio = bounded(1, 10, "× the baseline");
const Days = (min: number, max: number, opts: { int?: boolean } = {}) => bounded(min, max, "days", opts);
const OrderCount = bounded(2, 100, "orders", { int: true });
const Template = z.string().min(1).max(200);
const CustomerTier = z.enum(["high", "mid", "low"]);

/** Every decision type carries these two switches; the shell applies them, rules ignore them. */
const switches = { enabled: z.boolean(), mode: Mode };

const NotifiedStatus = z.enum(["confirmed", "shipped", "out_for_delivery", "delivered", "delayed"]);

const StatusToggle = z.strictObject({ enabled: z.boolean(), template: Template });

const PostDeliveryStep = z
  .strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/),
  /** Up to 90 days after delivery. */
  delayHours: bounded(0, 2160, "hours"),
  channel: z.enum(["whatsapp", "email"]),
  template: Template,
  /** Marketing steps (cross-sell) need marketing consent; care and review steps do not. */
  marketing: z.boolean(),
  /** Email subject, when channel is email. */
  subject: z.string().nullable(),
})
  // An email step names one of the rendered emails (src/messages/email/templates.ts).
  .refine((s) => s.channel !== "email" || isEmailTemplate(s.template), { message: `an email step's template is one of ${EMAIL_TEMPLATES.join(", ")}`, path: ["template"] });

const HttpsUrl = z.string().regex(/^https:\/\/[^\s"'<>]+$/, "an https:// URL");

/** How customer email presents the brand (src/messages/email/brand.ts). */
const Brand = z.strictObject({
  name: z.string().min(1),
  logoUrl: HttpsUrl.nullable(),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, "#rrggbb"),
  supportEmail: z.string().email().nullable(),
  supportPhone: z.string().min(1).nullable(),
  postalAddress: z.string(),
  storeUrl: HttpsUrl.nullable(),
});

const TierOffer = z.strictObject({ template: Template, discountCode: z.string().min(1).max(100), percentOff: bounded(0, 100, "percent") });

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");
const SaleDays = z.strictObject({ name: z.string().regex(/^[a-z0-9_]+$/), start: IsoDay, end: IsoDay });

export const Policy = z.strictObject({
  currency: z.string().length(3),
  /**
   * Days the demand forecast treats as events (their lift learned per SKU from history): the
   * built-in Indian festival windows (src/decisions/models/calendar.ts) and the brand's own sales.
   */
  demandCalendar: z.strictObject({ indianFestivals: z.boolean(), saleDays: z.array(SaleDays) }),
  /** WhatsApp is not sent inside these local hours; drafts get `notBefore` = the end of the window, which holds their customer messages only (a hold, a return, a ticket go now). */
  quietHours: z.strictObject({ start: Hhmm, end: Hhmm, utcOffsetMinutes: bounded(-720, 840, "minutes", { int: true }) }),
  customerTiers: z.strictObject({ highLtvPaise: Paise, midLtvPaise: Paise }),
  brand: Brand,
  /** Channel fallback when WhatsApp cannot reach a customer (decisions/channel-fallback.ts). */
  fallback: z.strictObject({
    /** The tracking page prefix the AWB is appended to, for SMS and email links. */
    trackingUrlBase: HttpsUrl,
    /** SMS through MSG91: per WhatsApp template, the MSG91 template id, DLT template id and DLT sender id. */
    sms: z.record(
      z.string(),
      z.strictObject({ templateId: z.string().min(1), dltTemplateId: z.string().regex(/^\d{19}$/, "a 19-digit DLT template id"), senderId: z.string().regex(/^[A-Z]{6}$/, "a 6-letter DLT header") }),
    ),
  }),
  /** The contact policy (decisions/contact-policy.ts) between the rules and the outbox for customer messages. */
  contact: z.strictObject({
    /** Non-urgent messages a customer gets in a day: 0 (none) to 10. */
    dailyCap: bounded(0, 10, "messages a day", { int: true }),
  }),
  /**
   * Decisions that wait for a person even when their type runs live (decisions/approval.ts applies
   * these): large purchase orders, COD holds (the step before a cancellation), escalations that put a
   * named person (an email or an agent id, not a team) on a ticket. A type in `approve` mode always waits.
   */
  approvals: z.strictObject({
    /** A PO draft whose value (quantity × the SKU's selling price, the only price Switchyard knows) is at or above this waits; unknown price = no wait. */
    purchaseOrderAbovePaise: Paise,
    codHolds: z.boolean(),
    escalationsToAPerson: z.boolean(),
    /** How long Snooze takes an item off the "needs you" queue. */
    snoozeHours: Hours,
  }),
  /** The morning digest to the ops lead (decisions/digest.ts, sent by jobs/digest.ts). */
  digest: z.strictObject({
    enabled: z.boolean(),
    /** Local time (quietHours.utcOffsetMinutes) at or after which the day's digest goes. */
    time: Hhmm,
    /** The ops lead's WhatsApp number (E.164); null sends the email only. */
    opsLeadPhone: z.string().regex(/^\+[1-9]\d{7,14}$/, "E.164, e.g. +919812345678").nullable(),
    template: Template,
    /** How many waiting items the digest names. */
    topItems: bounded(1, 20, "items", { int: true }),
  }),
  delay_alert: z.strictObject({
    ...switches,
    stallHours: Hours,
    highLtvPaise: Paise,
    /** Route "elevated" = delay rate at least this many points over baseline AND at least minRatio × baseline. */
    routeDelayMarginPoints: Rate,
    routeDelayMinRatio: Ratio,
    routeMinShipments: ShipmentCount,
    storeCreditPaise: CreditPaise,
    /** With neither high LTV nor an elevated route: still send the alert (without credit), or send nothing. */
    alertWithoutCredit: z.boolean(),
    /** Revised ETA without route or carrier-lateness figures = max(carrier ETA, now + this) (models/routes.ts revisedEta). */
    revisedEtaMinHours: Hours,
    template: Template,
  }),
  status_notification: z.strictObject({
    ...switches,
    statuses: z.strictObject({
      confirmed: StatusToggle,
      shipped: StatusToggle,
      out_for_delivery: StatusToggle,
      delivered: StatusToggle,
      delayed: StatusToggle,
    }),
    /** Events older than this (replays, backfills) are not announced. */
    maxEventAgeHours: Hours,
  }),
  reorder_prompt: z.strictObject({
    ...switches,
    daysBefore: Days(0, 60, { int: true }),
    minOrdersInCategory: OrderCount,
    /** Past the predicted date by more than this, it is churn territory, not a reorder prompt. */
    maxDaysLate: Days(0, 365, { int: true }),
    /**
     * A customer's own interval in a category is shrunk toward the store's typical one, weighted as
     * if the store's were this many gaps: (gaps × own + priorGaps × store) / (gaps + priorGaps). 0 turns it off.
     */
    priorGaps: bounded(0, 100, "gaps"),
    template: Template,
  }),
  wismo_autoreply: z.strictObject({
    ...switches,
    stallHours: Hours,
    replyStatus: z.enum(["pending", "solved"]),
    escalationPriority: z.enum(["normal", "high", "urgent"]),
    escalationAssignee: Assignee,
  }),
  /** Escalation rules (all/any) and routing: decisions/escalation-policy.ts. */
  support_escalation: SupportEscalationPolicy,
  inventory_reorder: z.strictObject({
    ...switches,
    /** Fires when days of cover (available + open POs) < lead time + this margin. */
    triggerMarginDays: Days(0, 365),
    /** Also fire when available ≤ the ERP/ops reorder point, whatever the forecast says. */
    fireBelowReorderPoint: z.boolean(),
    /** Safety stock in days of demand, added to the lead time when sizing the purchase order (when no service level applies). */
    safetyDays: Days(0, 365),
    /**
     * Cycle service level: P(no stockout before a PO raised now lands). With a forecast validated on
     * past windows, safety stock = z × σ(lead-time demand) and the reorder point = lead-time demand +
     * safety stock replace safetyDays. 0 turns it off.
     */
    serviceLevel: bounded(0, 0.999, "(a probability; 0 turns it off)"),
    /** With a service level: days of mean demand an order covers beyond the lead time. */
    cycleDays: Days(0, 365),
    defaultLeadTimeDays: Days(0.5, 365),
    defaultPackSize: bounded(1, 100_000, "units", { int: true }),
    lowStockTag: z.string().min(1).nullable(),
    lowStockMetafield: z.strictObject({ namespace: z.string().min(1), key: z.string().min(1) }).nullable(),
  }),
  post_delivery: z.strictObject({ ...switches, steps: z.array(PostDeliveryStep).max(10), maxLateHours: Hours }),
  churn_intervention: z.strictObject({
    ...switches,
    /** Fires when days since last order > k × expected interval; k per LTV tier. */
    k: z.strictObject({ high: Ratio, mid: Ratio, low: Ratio }),
    minOrders: OrderCount,
    /**
     * With the store's BG/NBD fit (replacing k): fires when P(active) has fallen to at most maxPActive,
     * the value at risk — (1 − P(active)) × predicted spend if still active — is at least
     * minValueAtRiskPaise, and the customer is not likely to order anyway (expected orders in 90 days
     * below likelyToOrder).
     */
    maxPActive: Rate,
    minValueAtRiskPaise: Paise,
    likelyToOrder: bounded(0, 100, "orders"),
    offers: z.strictObject({ high: TierOffer, mid: TierOffer, low: TierOffer }),
  }),
  carrier_route_alert: z.strictObject({
    ...switches,
    minShipments: ShipmentCount,
    delayMarginPoints: Rate,
    rtoMarginPoints: Rate,
    minRatio: Ratio,
  }),
  ndr_followup: z.strictObject({ ...switches, template: Template, allowCarrierAction: z.boolean() }),
  ndr_rto: NdrRtoPolicy,
  cod_confirmation: z.strictObject({
    ...switches,
    minOrderPaise: Paise,
    highRtoPincodes: z.array(z.string().regex(/^\d{3,6}$/)).max(20_000),
    /** Destination RTO rate (route model, pincode prefix) at or above which COD is confirmed. */
    rtoRateThreshold: Rate,
    timeoutHours: Hours,
    template: Template,
    holdTag: z.string().min(1),
  }),
  /** What COD answers and silence do in Shopify (decisions/cod-shopify-policy.ts). */
  cod_shopify: CodShopifyPolicy,
  /** The COD risk score (decisions/cod-risk.ts) and its actions: defined in decisions/cod-risk-policy.ts. */
  cod_risk: CodRiskPolicy,
  return_processing: z.strictObject({
    ...switches,
    requestedTemplate: Template,
    refundedTemplate: Template,
    /** Marketing suppression in the CRM while a return is open, and this long after a refund. */
    suppressDays: Days(0, 365, { int: true }),
  }),
  /** Overnight anomalies (decisions/anomalies.ts), checked hourly; each finding is a decision with its numbers. */
  anomaly: z.strictObject({
    ...switches,
    /** Weeks of the brand's own history the seasonal (hour × weekday) baselines read. */
    historyWeeks: bounded(2, 12, "weeks", { int: true }),
    /** Fewer same-window weeks than this in the history (a new brand): no baseline, no finding. */
    minBaselineWeeks: bounded(2, 12, "weeks", { int: true }),
    /** Orders are compared over this many whole hours ending at the last full hour. */
    ordersWindowHours: bounded(1, 24, "hours", { int: true }),
    /** A drop is judged only when the baseline expects at least this many orders in the window (a small brand's quiet night is not an alarm). */
    ordersMinExpected: bounded(1, 100_000, "orders", { int: true }),
    /** Robust z: |observed − median| / (1.4826 × MAD, at least √median) at or above this fires. */
    ordersDeviation: bounded(1, 20, "robust deviations"),
    /** Rates (COD share, cancellations, refunds, prepaid pending) are compared over this window. */
    rateWindowHours: bounded(1, 72, "hours", { int: true }),
    rateMinOrders: bounded(1, 100_000, "orders", { int: true }),
    rateMarginPoints: Rate,
    rateMinRatio: Ratio,
    /** A SKU "normally sells every day" when it sold on at least this share of the last 28 days. */
    skuSellingDayShare: Rate,
    skuSilentHours: Hours,
    /** Fulfilled orders with no first carrier scan after this long count as a missed pickup. */
    pickupHours: Hours,
    pickupMinMissed: bounded(1, 10_000, "orders", { int: true }),
    /** A source silent this long fires when the same hours of the past week brought at least this many events on average. */
    sourceSilentHours: Hours,
    sourceMinExpected: bounded(1, 100_000, "events"),
    /** Verification failures (401) in the last hour at or above this fire (a rotated secret). */
    authFailureBurst: bounded(1, 100_000, "requests", { int: true }),
  }),
  whatsapp_inbound: WhatsappInboundPolicy,
});
export type Policy = z.infer<typeof Policy>;
export type NotifiedStatus = z.infer<typeof NotifiedStatus>;
export type CustomerTier = z.infer<typeof CustomerTier>;
export type PostDeliveryStep = z.infer<typeof PostDeliveryStep>;
export const NOTIFIED_STATUSES = NotifiedStatus.options;

const live = { enabled: true, mode: "live" } as const;

export const DEFAULT_POLICY: Policy = {
  currency: "INR",
  demandCalendar: { indianFestivals: true, saleDays: [] },
  quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: IST_OFFSET_MINUTES },
  customerTiers: { highLtvPaise: 1_500_000, midLtvPaise: 500_000 },
  brand: { name: "Our store", logoUrl: null, colour: "#1f6f4a", supportEmail: null, supportPhone: null, postalAddress: "", storeUrl: null },
  contact: { dailyCap: 2 },
  fallback: { trackingUrlBase: "https://shiprocket.co/tracking/", sms: {} },
  approvals: { purchaseOrderAbovePaise: 10_000_000, codHolds: true, escalationsToAPerson: true, snoozeHours: 4 },
  digest: { enabled: true, time: "09:00", opsLeadPhone: null, template: "ops_morning_digest", topItems: 5 },
  delay_alert: {
    ...live,
    stallHours: 36,
    highLtvPaise: 1_500_000,
    routeDelayMarginPoints: 0.08,
    routeDelayMinRatio: 1.25,
    routeMinShipments: 20,
    storeCreditPaise: 10_000,
    alertWithoutCredit: true,
    revisedEtaMinHours: 48,
    template: "delay_alert",
  },
  status_notification: {
    ...live,
    statuses: {
      confirmed: { enabled: true, template: "order_confirmed" },
      shipped: { enabled: true, template: "order_shipped" },
      out_for_delivery: { enabled: true, template: "out_for_delivery" },
      delivered: { enabled: true, template: "order_delivered" },
      delayed: { enabled: true, template: "order_delayed" },
    },
    maxEventAgeHours: 24,
  },
  reorder_prompt: { ...live, daysBefore: 3, minOrdersInCategory: 3, maxDaysLate: 7, priorGaps: 2, template: "reorder_prompt" },
  wismo_autoreply: { ...live, stallHours: 36, replyStatus: "pending", escalationPriority: "high", escalationAssignee: "support-leads" },
  support_escalation: DEFAULT_SUPPORT_ESCALATION,
  inventory_reorder: {
    ...live,
    triggerMarginDays: 0,
    fireBelowReorderPoint: false,
    safetyDays: 7,
    serviceLevel: 0.95,
    cycleDays: 7,
    defaultLeadTimeDays: 14,
    defaultPackSize: 1,
    lowStockTag: "low-stock",
    lowStockMetafield: { namespace: "switchyard", key: "low_stock" },
  },
  post_delivery: {
    ...live,
    maxLateHours: 72,
    steps: [
      { name: "review_request", delayHours: 48, channel: "whatsapp", template: "review_request", marketing: false, subject: null },
      { name: "care_tips", delayHours: 120, channel: "email", template: "care_tips", marketing: false, subject: "Getting the most from your order" },
      { name: "cross_sell", delayHours: 336, channel: "whatsapp", template: "cross_sell", marketing: true, subject: null },
    ],
  },
  churn_intervention: {
    ...live,
    k: { high: 1.5, mid: 2, low: 2.5 },
    minOrders: 2,
    maxPActive: 0.5,
    minValueAtRiskPaise: 50_000,
    likelyToOrder: 0.5,
    offers: {
      high: { template: "winback_high", discountCode: "COMEBACK20", percentOff: 20 },
      mid: { template: "winback", discountCode: "COMEBACK10", percentOff: 10 },
      low: { template: "winback", discountCode: "COMEBACK5", percentOff: 5 },
    },
  },
  carrier_route_alert: { ...live, minShipments: 30, delayMarginPoints: 0.08, rtoMarginPoints: 0.05, minRatio: 1.25 },
  ndr_followup: { ...live, template: "ndr_followup", allowCarrierAction: true },
  ndr_rto: DEFAULT_NDR_RTO_POLICY,
  cod_confirmation: {
    ...live,
    minOrderPaise: 200_000,
    highRtoPincodes: [],
    rtoRateThreshold: 0.25,
    timeoutHours: 24,
    template: "cod_confirm",
    holdTag: "cod-unconfirmed",
  },
  cod_shopify: DEFAULT_COD_SHOPIFY_POLICY,
  cod_risk: DEFAULT_COD_RISK_POLICY,
  return_processing: { ...live, requestedTemplate: "return_received", refundedTemplate: "refund_processed", suppressDays: 30 },
  // Anomalies wait on the "needs you" queue: a person confirms (the ops alert goes out) or dismisses.
  anomaly: {
    enabled: true,
    mode: "approve",
    historyWeeks: 8,
    minBaselineWeeks: 3,
    ordersWindowHours: 3,
    ordersMinExpected: 12,
    ordersDeviation: 4,
    rateWindowHours: 12,
    rateMinOrders: 20,
    rateMarginPoints: 0.1,
    rateMinRatio: 1.5,
    skuSellingDayShare: 0.9,
    skuSilentHours: 24,
    pickupHours: 24,
    pickupMinMissed: 3,
    sourceSilentHours: 2,
    sourceMinExpected: 8,
    authFailureBurst: 10,
  },
  whatsapp_inbound: DEFAULT_WHATSAPP_INBOUND,
};

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; issues: z.core.$ZodIssue[] };

/**
 * Validates a policy document. Partial input is laid over `base` (objects merged key by key,
 * arrays and scalars replaced), so `PUT {"delay_alert":{"stallHours":30}}` changes one number.
 * Unknown keys are errors: a typo must not silently leave a default in force.
 */
export function parsePolicy(input: unknown, base: Policy = DEFAULT_POLICY): PolicyResult {
  const result = Policy.safeParse(mergeOver(base, withoutRetiredFields(input)));
  return result.success ? { ok: true, policy: result.data } : { ok: false, issues: result.error.issues };
}

/**
 * Fields a stored policy may still carry from an earlier version, dropped before validation so the
 * brand's saved policy keeps loading: `anomaly.sourceActiveShare` (replaced by `sourceMinExpected`).
 */
function withoutRetiredFields(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const anomaly = (input as Record<string, unknown>).anomaly;
  if (!anomaly || typeof anomaly !== "object" || !("sourceActiveShare" in anomaly)) return input;
  const { sourceActiveShare: _retired, ...rest } = anomaly as Record<string, unknown>;
  return { ...(input as Record<string, unknown>), anomaly: rest };
}

export function modeFor(policy: Policy, type: DecisionType): DecisionMode {
  return policy[type].mode;
}

export function isEnabled(policy: Policy, type: DecisionType): boolean {
  return policy[type].enabled;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mergeOver(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = mergeOver(base[key], value);
  return out;
}
