/** The decision policy: every threshold, template and mode as validated configuration, with DESIGN.md defaults. */
import { z } from "zod";
import type { DecisionType } from "./types";

/**
 * Who an escalated ticket goes to: one value for every helpdesk, or one per helpdesk, because
 * each names agents its own way (Freshdesk: a numeric agent id; Gorgias and Zendesk: a user id
 * or the agent's email). Null, or no (or a blank) entry for a helpdesk, leaves the assignee as it is.
 */
export const Assignee = z.union([
  z.string(),
  z.strictObject({ gorgias: z.string().optional(), freshdesk: z.string().optional(), zendesk: z.string().optional() }),
]).nullable();
export type Assignee = z.infer<typeof Assignee>;

/** The assignee for one helpdesk (null when the policy names none for it). */
export function assigneeFor(assignee: Assignee, helpdesk: "gorgias" | "freshdesk" | "zendesk"): string | null {
  const named = assignee === null || typeof assignee === "string" ? assignee : assignee[helpdesk];
  return named ? named : null;
}

const Mode = z.enum(["live", "shadow"]);
const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM (24 h)");
const Rate = z.number().min(0).max(1);
const PositiveHours = z.number().positive();
const Paise = z.number().int().nonnegative();
const Template = z.string().min(1);
const CustomerTier = z.enum(["high", "mid", "low"]);

/** Every decision type carries these two switches; the shell applies them, rules ignore them. */
const switches = { enabled: z.boolean(), mode: Mode };

const NotifiedStatus = z.enum(["confirmed", "shipped", "out_for_delivery", "delivered", "delayed"]);

const StatusToggle = z.strictObject({ enabled: z.boolean(), template: Template });

const PostDeliveryStep = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/),
  delayHours: z.number().nonnegative(),
  channel: z.enum(["whatsapp", "email"]),
  template: Template,
  /** Marketing steps (cross-sell) need marketing consent; care and review steps do not. */
  marketing: z.boolean(),
  /** Email subject, when channel is email. */
  subject: z.string().nullable(),
});

const TierOffer = z.strictObject({ template: Template, discountCode: z.string().min(1), percentOff: z.number().min(0).max(100) });

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");
const SaleDays = z.strictObject({ name: z.string().regex(/^[a-z0-9_]+$/), start: IsoDay, end: IsoDay });

export const Policy = z.strictObject({
  currency: z.string().length(3),
  /**
   * Days the demand forecast treats as events (their lift learned per SKU from history): the
   * built-in Indian festival windows (src/decisions/models/calendar.ts) and the brand's own sales.
   */
  demandCalendar: z.strictObject({ indianFestivals: z.boolean(), saleDays: z.array(SaleDays) }),
  /** WhatsApp is not sent inside these local hours; drafts get `notBefore` = the end of the window. */
  quietHours: z.strictObject({ start: Hhmm, end: Hhmm, utcOffsetMinutes: z.number().int().min(-720).max(840) }),
  customerTiers: z.strictObject({ highLtvPaise: Paise, midLtvPaise: Paise }),
  delay_alert: z.strictObject({
    ...switches,
    stallHours: PositiveHours,
    highLtvPaise: Paise,
    /** Route "elevated" = delay rate at least this many points over baseline AND at least minRatio × baseline. */
    routeDelayMarginPoints: Rate,
    routeDelayMinRatio: z.number().min(1),
    routeMinShipments: z.number().int().nonnegative(),
    storeCreditPaise: Paise,
    /** With neither high LTV nor an elevated route: still send the alert (without credit), or send nothing. */
    alertWithoutCredit: z.boolean(),
    /** Revised ETA = max(carrier ETA, now + this). */
    revisedEtaMinHours: PositiveHours,
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
    maxEventAgeHours: PositiveHours,
  }),
  reorder_prompt: z.strictObject({
    ...switches,
    daysBefore: z.number().int().nonnegative(),
    minOrdersInCategory: z.number().int().min(2),
    /** Past the predicted date by more than this, it is churn territory, not a reorder prompt. */
    maxDaysLate: z.number().int().nonnegative(),
    /**
     * A customer's own interval in a category is shrunk toward the store's typical one, weighted as
     * if the store's were this many gaps: (gaps × own + priorGaps × store) / (gaps + priorGaps). 0 turns it off.
     */
    priorGaps: z.number().nonnegative(),
    template: Template,
  }),
  wismo_autoreply: z.strictObject({
    ...switches,
    stallHours: PositiveHours,
    replyStatus: z.enum(["pending", "solved"]),
    escalationPriority: z.enum(["normal", "high", "urgent"]),
    escalationAssignee: Assignee,
  }),
  support_escalation: z.strictObject({
    ...switches,
    noResponseHours: PositiveHours,
    ltvPaise: Paise,
    /** Ticket categories that escalate on their own. */
    categories: z.array(z.string()),
    priority: z.enum(["normal", "high", "urgent"]),
    /** Priority when two or more reasons hold at once. */
    priorityWhenSeveral: z.enum(["normal", "high", "urgent"]),
    assignee: Assignee,
    tags: z.array(z.string()),
    ackTemplate: Template,
  }),
  inventory_reorder: z.strictObject({
    ...switches,
    /** Fires when days of cover (available + open POs) < lead time + this margin. */
    triggerMarginDays: z.number().nonnegative(),
    /** Also fire when available ≤ the ERP/ops reorder point, whatever the forecast says. */
    fireBelowReorderPoint: z.boolean(),
    /** Safety stock in days of demand, added to the lead time when sizing the purchase order (when no service level applies). */
    safetyDays: z.number().nonnegative(),
    /**
     * Cycle service level: P(no stockout before a PO raised now lands). With a forecast validated on
     * past windows, safety stock = z × σ(lead-time demand) and the reorder point = lead-time demand +
     * safety stock replace safetyDays. 0 turns it off.
     */
    serviceLevel: z.number().min(0).max(0.999),
    /** With a service level: days of mean demand an order covers beyond the lead time. */
    cycleDays: z.number().nonnegative(),
    defaultLeadTimeDays: z.number().positive(),
    defaultPackSize: z.number().int().positive(),
    lowStockTag: z.string().min(1).nullable(),
    lowStockMetafield: z.strictObject({ namespace: z.string().min(1), key: z.string().min(1) }).nullable(),
  }),
  post_delivery: z.strictObject({ ...switches, steps: z.array(PostDeliveryStep), maxLateHours: PositiveHours }),
  churn_intervention: z.strictObject({
    ...switches,
    /** Fires when days since last order > k × expected interval; k per LTV tier. */
    k: z.strictObject({ high: z.number().min(1), mid: z.number().min(1), low: z.number().min(1) }),
    minOrders: z.number().int().min(2),
    /**
     * With the store's BG/NBD fit (replacing k): fires when P(active) has fallen to at most maxPActive,
     * the value at risk — (1 − P(active)) × predicted spend if still active — is at least
     * minValueAtRiskPaise, and the customer is not likely to order anyway (expected orders in 90 days
     * below likelyToOrder).
     */
    maxPActive: Rate,
    minValueAtRiskPaise: Paise,
    likelyToOrder: z.number().nonnegative(),
    offers: z.strictObject({ high: TierOffer, mid: TierOffer, low: TierOffer }),
  }),
  carrier_route_alert: z.strictObject({
    ...switches,
    minShipments: z.number().int().nonnegative(),
    delayMarginPoints: Rate,
    rtoMarginPoints: Rate,
    minRatio: z.number().min(1),
  }),
  ndr_followup: z.strictObject({ ...switches, template: Template, allowCarrierAction: z.boolean() }),
  cod_confirmation: z.strictObject({
    ...switches,
    minOrderPaise: Paise,
    highRtoPincodes: z.array(z.string().regex(/^\d{3,6}$/)),
    /** Destination RTO rate (route model, pincode prefix) at or above which COD is confirmed. */
    rtoRateThreshold: Rate,
    timeoutHours: PositiveHours,
    template: Template,
    holdTag: z.string().min(1),
  }),
  return_processing: z.strictObject({
    ...switches,
    requestedTemplate: Template,
    refundedTemplate: Template,
    /** Marketing suppression in the CRM while a return is open, and this long after a refund. */
    suppressDays: z.number().int().nonnegative(),
  }),
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
  quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 },
  customerTiers: { highLtvPaise: 1_500_000, midLtvPaise: 500_000 },
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
  support_escalation: {
    ...live,
    noResponseHours: 4,
    ltvPaise: 1_500_000,
    categories: ["delivered_not_received"],
    priority: "high",
    priorityWhenSeveral: "urgent",
    assignee: "support-leads",
    tags: ["switchyard-escalated"],
    ackTemplate: "support_ack",
  },
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
  cod_confirmation: {
    ...live,
    minOrderPaise: 200_000,
    highRtoPincodes: [],
    rtoRateThreshold: 0.25,
    timeoutHours: 24,
    template: "cod_confirm",
    holdTag: "cod-unconfirmed",
  },
  return_processing: { ...live, requestedTemplate: "return_received", refundedTemplate: "refund_processed", suppressDays: 30 },
};

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; issues: z.core.$ZodIssue[] };

/**
 * Validates a policy document. Partial input is laid over `base` (objects merged key by key,
 * arrays and scalars replaced), so `PUT {"delay_alert":{"stallHours":30}}` changes one number.
 * Unknown keys are errors: a typo must not silently leave a default in force.
 */
export function parsePolicy(input: unknown, base: Policy = DEFAULT_POLICY): PolicyResult {
  const result = Policy.safeParse(mergeOver(base, input));
  return result.success ? { ok: true, policy: result.data } : { ok: false, issues: result.error.issues };
}

export function modeFor(policy: Policy, type: DecisionType): "live" | "shadow" {
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
