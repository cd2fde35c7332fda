/**
 * From a customer's transactions to the models' inputs: same-day purchases are one transaction
 * (as in the BG/NBD papers), the first is not a repeat, and money is averaged over repeats.
 * Orders that predate Switchyard (Shopify's `orders_count` / `total_spent` count them, we never
 * saw them) enter as repeats between the customer's Shopify creation date and the first order seen.
 */
import type { Rft } from "./bgnbd";
import type { SpendSummary } from "./gamma-gamma";

export const DAY_MS = 86_400_000;

export interface Transaction {
  at: number;
  /** Value in minor units (or any money unit, consistently). */
  value: number;
}

/** Orders Shopify knows of and Switchyard does not: counted and valued by Shopify's totals. */
export interface PriorHistory {
  /** Orders before Switchyard saw any (Shopify orders_count minus those we hold up to its asOf). */
  orders: number;
  /** Their total value (Shopify total_spent minus what we hold up to asOf), ≥ 0. */
  value: number;
  /** Earliest the customer is known to have bought: Shopify's customer created_at. Null when unknown. */
  since: number | null;
}

export interface CustomerSummary extends Rft, SpendSummary {
  /** All transactions counted (x + 1). */
  transactions: number;
  firstAt: number;
  lastAt: number;
}

/** Same-day purchases (UTC + `utcOffsetMinutes` calendar day) merged into one, values summed; sorted by time. */
export function mergeSameDay(transactions: readonly Transaction[], utcOffsetMinutes = 0): Transaction[] {
  const sorted = [...transactions].sort((a, b) => a.at - b.at);
  const out: Transaction[] = [];
  let lastDay = NaN;
  for (const t of sorted) {
    const day = Math.floor((t.at + utcOffsetMinutes * 60_000) / DAY_MS);
    if (day === lastDay) out[out.length - 1]!.value += t.value;
    else out.push({ at: t.at, value: t.value });
    lastDay = day;
  }
  return out;
}

/**
 * The summary at `asOf` in units of `unitMs` (a day or a week): transactions after `asOf` are
 * ignored. Null when the customer has no transaction at all by then.
 */
export function summarise(transactions: readonly Transaction[], asOf: number, unitMs: number, opts: { prior?: PriorHistory | null; utcOffsetMinutes?: number } = {}): CustomerSummary | null {
  const seen = mergeSameDay(transactions.filter((t) => t.at <= asOf), opts.utcOffsetMinutes ?? 0);
  const prior = opts.prior && opts.prior.orders > 0 ? opts.prior : null;
  if (seen.length === 0 && !prior) return null;
  if (!prior) {
    const first = seen[0]!;
    const last = seen[seen.length - 1]!;
    const x = seen.length - 1;
    const repeatValue = seen.slice(1).reduce((s, t) => s + t.value, 0);
    return { x, tx: (last.at - first.at) / unitMs, T: (asOf - first.at) / unitMs, m: x > 0 ? repeatValue / x : 0, transactions: seen.length, firstAt: first.at, lastAt: last.at };
  }
  // With orders we never saw, the first purchase is Shopify's creation date (else the first one seen)
  // and which of the values was the first purchase is unknown: every order counts at the mean value.
  const firstSeen = seen[0]?.at ?? null;
  const firstAt = Math.min(prior.since ?? firstSeen ?? asOf, firstSeen ?? Infinity, asOf);
  const lastAt = seen.length ? seen[seen.length - 1]!.at : Math.max(firstAt, prior.since ?? firstAt);
  const count = prior.orders + seen.length;
  const total = prior.value + seen.reduce((s, t) => s + t.value, 0);
  const x = count - 1;
  return { x, tx: (lastAt - firstAt) / unitMs, T: (asOf - firstAt) / unitMs, m: x > 0 ? total / count : 0, transactions: count, firstAt, lastAt };
}
