/** Customer model: LTV (from Shopify's own totals plus orders seen since), tier, purchase interval per category, next order date, churn risk. */
import { DAY_MS } from "../format";
import type { CustomerTier, Policy } from "../policy";

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
  /** 0 up to the expected interval, rising linearly to 1 at k × interval (k by tier, churn policy). */
  churnRisk: number | null;
}

export function tierFor(ltv: number, tiers: Policy["customerTiers"]): CustomerTier {
  return ltv >= tiers.highLtvPaise ? "high" : ltv >= tiers.midLtvPaise ? "mid" : "low";
}

export function buildCustomerModel(history: CustomerHistory, policy: Policy, now: number): CustomerModel {
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
  return {
    customerId: history.customerId,
    ltv,
    tier,
    ordersCount,
    lastOrderAt,
    intervalDays,
    categoryIntervals,
    predictedNextOrderAt,
    churnRisk: lastOrderAt !== null && intervalDays !== null ? churnRisk((now - lastOrderAt) / DAY_MS, intervalDays, policy.churn_intervention.k[tier]) : null,
  };
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
