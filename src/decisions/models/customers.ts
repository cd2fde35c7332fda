/**
 * Customer model: LTV (from Shopify's own totals plus orders seen since), tier, purchase interval per
 * category, next order date; with the store's BG/NBD + Gamma-Gamma fit (./clv.ts) also P(active),
 * expected orders in the next 90 days and predicted CLV, and churn risk = 1 − P(active).
 */
import { DAY_MS, rupees } from "../format";
import type { CustomerTier, Policy } from "../policy";
import { predictCustomer, type StoreCustomerFit } from "./clv";
import { summarise, type CustomerSummary, type PriorHistory } from "./transactions";

/** Horizons of the stored predictions: expected orders over 90 days, predicted CLV over a year. */
export const EXPECTED_ORDERS_DAYS = 90;
export const CLV_HORIZON_DAYS = 365;

export interface CustomerOrder {
  id: string;
  createdAt: number;
  totalPrice: number;
  cancelled: boolean;
  /** Distinct product categories in the order. */
  categories: string[];
}

export interface CustomerHistory {
  customerId: string;
  /** Shopify's `total_spent` / `orders_count` and when they were read; null when never seen. */
  shopify: { totalSpent: number; ordersCount: number; asOf: number } | null;
  /** Orders Switchyard holds for this customer (any order, any age). */
  orders: readonly CustomerOrder[];
  /** Shopify's customer created_at: the earliest they can have bought, for orders that predate Switchyard. */
  createdAt?: number | null;
}

export interface CategoryInterval {
  orders: number;
  /** Median days between orders containing the category; null under two orders. */
  intervalDays: number | null;
  lastOrderAt: number;
}

export interface CustomerModel {
  customerId: string;
  ltv: number;
  tier: CustomerTier;
  ordersCount: number;
  lastOrderAt: number | null;
  intervalDays: number | null;
  categoryIntervals: Record<string, CategoryInterval>;
  predictedNextOrderAt: number | null;
  /**
   * With a store fit: 1 − P(active). Without one: 0 up to the expected interval, rising linearly to 1
   * at k × interval (k by tier, churn policy).
   */
  churnRisk: number | null;
  /** BG/NBD P(still active); null without a store fit, without any order, or when the fit finds no drop-out. */
  pActive: number | null;
  /** Expected orders in the next EXPECTED_ORDERS_DAYS days. */
  expectedOrders90d: number | null;
  /** Expected spend (paise) in the next CLV_HORIZON_DAYS days: expected orders × Gamma-Gamma order value. */
  predictedClv: number | null;
  /** Gamma-Gamma expected value of the next order (paise). */
  expectedOrderValue: number | null;
  /** When the next order is expected if the customer is still active (BG/NBD posterior rate); null without a fit. */
  expectedNextOrderAt: number | null;
}

export function tierFor(ltv: number, tiers: Policy["customerTiers"]): CustomerTier {
  return ltv >= tiers.highLtvPaise ? "high" : ltv >= tiers.midLtvPaise ? "mid" : "low";
}

export function buildCustomerModel(history: CustomerHistory, policy: Policy, now: number, fit: StoreCustomerFit | null = null): CustomerModel {
  const orders = history.orders.filter((o) => !o.cancelled).sort((a, b) => a.createdAt - b.createdAt);
  const seenTotal = orders.reduce((sum, o) => sum + o.totalPrice, 0);
  // Shopify's totals already include every order up to asOf; only later orders add to them.
  const shopify = history.shopify;
  const later = shopify ? orders.filter((o) => o.createdAt > shopify.asOf) : orders;
  const laterTotal = later.reduce((sum, o) => sum + o.totalPrice, 0);
  const ltv = Math.max(seenTotal, (shopify?.totalSpent ?? 0) + laterTotal);
  const ordersCount = Math.max(orders.length, (shopify?.ordersCount ?? 0) + later.length);

  const lastOrderAt = orders.length ? orders[orders.length - 1]!.createdAt : null;
  const intervalDays = medianGapDays(orders.map((o) => o.createdAt));

  const byCategory = new Map<string, number[]>();
  for (const o of orders) {
    for (const category of new Set(o.categories)) {
      const times = byCategory.get(category) ?? [];
      times.push(o.createdAt);
      byCategory.set(category, times);
    }
  }
  const categoryIntervals: Record<string, CategoryInterval> = {};
  for (const [category, times] of byCategory) {
    categoryIntervals[category] = { orders: times.length, intervalDays: medianGapDays(times), lastOrderAt: times[times.length - 1]! };
  }

  const tier = tierFor(ltv, policy.customerTiers);
  const predictedNextOrderAt = lastOrderAt !== null && intervalDays !== null ? lastOrderAt + intervalDays * DAY_MS : null;
  const summary = fit ? customerSummary(history, now, policy.quietHours.utcOffsetMinutes) : null;
  const soon = fit && summary ? predictCustomer(fit, summary, EXPECTED_ORDERS_DAYS) : null;
  const year = fit && summary ? predictCustomer(fit, summary, CLV_HORIZON_DAYS) : null;
  const heuristicRisk = lastOrderAt !== null && intervalDays !== null ? churnRisk((now - lastOrderAt) / DAY_MS, intervalDays, policy.churn_intervention.k[tier]) : null;
  return {
    customerId: history.customerId,
    ltv,
    tier,
    ordersCount,
    lastOrderAt,
    intervalDays,
    categoryIntervals,
    predictedNextOrderAt,
    churnRisk: soon && fit?.dropoutIdentified ? 1 - soon.pActive : heuristicRisk,
    pActive: soon && fit?.dropoutIdentified ? soon.pActive : null,
    expectedOrders90d: soon?.expectedOrders ?? null,
    predictedClv: year?.predictedClv ?? null,
    expectedOrderValue: year?.expectedOrderValue ?? null,
    expectedNextOrderAt: soon ? Math.round(now + soon.daysToNextOrderIfActive * DAY_MS) : null,
  };
}

/**
 * The customer's recency–frequency–value summary in days at `now`: the orders Switchyard holds,
 * plus those Shopify counted before it (orders_count / total_spent as of their `asOf`, less what we
 * hold up to then). Null for a customer with no order at all.
 */
export function customerSummary(history: CustomerHistory, now: number, utcOffsetMinutes = 0): CustomerSummary | null {
  const orders = history.orders.filter((o) => !o.cancelled);
  const shopify = history.shopify;
  let prior: PriorHistory | null = null;
  if (shopify) {
    const known = orders.filter((o) => o.createdAt <= shopify.asOf);
    const unseen = shopify.ordersCount - known.length;
    if (unseen > 0) prior = { orders: unseen, value: Math.max(0, shopify.totalSpent - known.reduce((s, o) => s + o.totalPrice, 0)), since: history.createdAt ?? null };
  }
  return summarise(orders.map((o) => ({ at: o.createdAt, value: o.totalPrice })), now, DAY_MS, { prior, utcOffsetMinutes });
}

export function churnRisk(daysSince: number, intervalDays: number, k: number): number {
  if (intervalDays <= 0) return 0;
  if (k <= 1) return daysSince > intervalDays ? 1 : 0;
  return Math.min(1, Math.max(0, (daysSince - intervalDays) / ((k - 1) * intervalDays)));
}

/** Median gap in days between consecutive times (sorted ascending); null under two. */
export function medianGapDays(sortedTimes: readonly number[]): number | null {
  if (sortedTimes.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < sortedTimes.length; i++) gaps.push((sortedTimes[i]! - sortedTimes[i - 1]!) / DAY_MS);
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}

/** The model's predictions in words, with their numbers: what the API and the decisions show. */
export function predictionReasons(p: { pActive: number | null; expectedOrders90d: number | null; predictedClv: number | null; expectedOrderValue: number | null }): string[] {
  if (p.expectedOrders90d === null) return ["no prediction yet: the store has too few customers for a model fit"];
  const reasons = [
    p.pActive === null
      ? `expected ${p.expectedOrders90d.toFixed(1)} orders in ${EXPECTED_ORDERS_DAYS} days (P(active) not estimable: the store's history shows no drop-out yet)`
      : `P(active) ${Math.round(p.pActive * 100)}%, expected ${p.expectedOrders90d.toFixed(1)} orders in ${EXPECTED_ORDERS_DAYS} days`,
  ];
  if (p.predictedClv !== null && p.expectedOrderValue !== null) {
    reasons.push(`predicted spend ${rupees(p.predictedClv)} in the next ${CLV_HORIZON_DAYS} days (expected order value ${rupees(p.expectedOrderValue)})`);
  }
  return reasons;
}
