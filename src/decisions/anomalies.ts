/**
 * anomaly: what went wrong overnight, as pure rules over the brand's own history. Each finding is a
 * decision whose reasons carry the numbers compared (observed, baseline, spread), so a person can
 * see why it fired, and whose dedupe key allows one finding per kind and subject per local day.
 */
import type { AnomalyContext, HourCounts } from "./context";
import { DAY_MS, HOUR_MS, localTime, percent } from "./format";
import type { Policy } from "./policy";
import { draft, opsAlert } from "./rules/build";
import type { DecisionDraft, SubjectType } from "./types";

const WEEK_MS = 7 * DAY_MS;

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation: the spread that one festival week or one outage cannot drag. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/**
 * The robust scale of a count: 1.4826 × MAD (the standard deviation for normal data), but never
 * below √median, the Poisson spread of a count, so eight identical quiet weeks do not make one
 * order more an alarm.
 */
export function robustScale(values: readonly number[]): number {
  return Math.max(1.4826 * mad(values), Math.sqrt(Math.max(median(values), 1)));
}

type Sum = Omit<HourCounts, "hourStart">;
const ZERO: Sum = { orders: 0, cod: 0, cancelled: 0, refunded: 0, prepaid: 0, prepaidPending: 0 };

function sumWindow(hours: readonly HourCounts[], from: number, to: number): Sum {
  const out = { ...ZERO };
  for (const h of hours) {
    if (h.hourStart < from || h.hourStart >= to) continue;
    for (const k of Object.keys(out) as (keyof Sum)[]) out[k] += h[k];
  }
  return out;
}

/** The same window 1..weeks weeks back, kept only where the brand already existed (before its first order is not "zero orders"). */
function seasonalWindows(ctx: AnomalyContext, end: number, windowMs: number, weeks: number): Sum[] {
  const out: Sum[] = [];
  for (let k = 1; k <= weeks; k++) {
    const from = end - windowMs - k * WEEK_MS;
    if (ctx.firstOrderAt === null || from < ctx.firstOrderAt) break;
    out.push(sumWindow(ctx.hours, from, from + windowMs));
  }
  return out;
}

/** The busiest window of this length anywhere in the history (a festival day the brand has lived through). */
function busiestWindow(ctx: AnomalyContext, before: number, windowHours: number): number {
  const byHour = new Map(ctx.hours.map((h) => [h.hourStart, h.orders]));
  let best = 0;
  for (const h of ctx.hours) {
    if (h.hourStart + windowHours * HOUR_MS > before) continue;
    let n = 0;
    for (let i = 0; i < windowHours; i++) n += byHour.get(h.hourStart + i * HOUR_MS) ?? 0;
    best = Math.max(best, n);
  }
  return best;
}

function finding(
  policy: Policy,
  now: number,
  f: { subjectType: SubjectType; subjectId: string; kind: string; title: string; reasons: string[]; inputs: Record<string, unknown> },
): DecisionDraft {
  const day = new Date(now + policy.quietHours.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  return draft(
    {
      type: "anomaly",
      subjectType: f.subjectType,
      subjectId: f.subjectId,
      dedupeKey: `anomaly:${f.subjectType}:${f.subjectId}:${f.kind}:${day}`,
      reasons: f.reasons,
      inputs: { kind: f.kind, title: f.title, ...f.inputs },
      actions: [opsAlert(`Anomaly: ${f.title}`, `${f.title}\n${f.reasons.map((r) => `- ${r}`).join("\n")}`)],
    },
    policy,
    now,
  );
}

const hourLabel = (from: number, to: number, offset: number) => `${localTime(from, offset)}–${localTime(to, offset).split(", ")[1] ?? ""}`;

/** Orders in the last few whole hours against the same hours of the same weekday in past weeks, both directions. */
export function decideOrderVolume(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.anomaly;
  const end = Math.floor(now / HOUR_MS) * HOUR_MS;
  const windowMs = p.ordersWindowHours * HOUR_MS;
  const observed = sumWindow(ctx.hours, end - windowMs, end).orders;
  const samples = seasonalWindows(ctx, end, windowMs, p.historyWeeks).map((s) => s.orders);
  if (samples.length < p.minBaselineWeeks) return null;
  const m = median(samples);
  const scale = robustScale(samples);
  const z = (observed - m) / scale;
  const offset = policy.quietHours.utcOffsetMinutes;
  const when = hourLabel(end - windowMs, end, offset);
  const base = `the same ${p.ordersWindowHours} h of the same weekday over ${samples.length} weeks: median ${m}, spread ${scale.toFixed(1)} (${samples.join(", ")})`;
  const inputs = { observed, median: m, scale, z, samples, windowFrom: end - windowMs, windowTo: end };
  if (z <= -p.ordersDeviation) {
    // A small brand's quiet night: too few orders expected for their absence to mean anything.
    if (m < p.ordersMinExpected) return null;
    return finding(policy, now, {
      subjectType: "brand",
      subjectId: "orders",
      kind: "orders_low",
      title: `orders fell: ${observed} in ${when}, usually ${m}`,
      reasons: [`${observed} orders in ${when} against ${base}`, `${Math.abs(z).toFixed(1)} robust deviations below (threshold ${p.ordersDeviation}); at least ${p.ordersMinExpected} expected`],
      inputs,
    });
  }
  if (z >= p.ordersDeviation && observed >= p.ordersMinExpected) {
    // A surge no bigger than one the brand has lived through (a festival day) is not a fault.
    const busiest = busiestWindow(ctx, end - windowMs, p.ordersWindowHours);
    if (observed <= busiest) return null;
    return finding(policy, now, {
      subjectType: "brand",
      subjectId: "orders",
      kind: "orders_high",
      title: `orders surged: ${observed} in ${when}, usually ${m}`,
      reasons: [
        `${observed} orders in ${when} against ${base}`,
        `${z.toFixed(1)} robust deviations above (threshold ${p.ordersDeviation}), and above the busiest ${p.ordersWindowHours} h in ${p.historyWeeks} weeks (${busiest})`,
      ],
      inputs: { ...inputs, busiest },
    });
  }
  return null;
}

interface RateDef {
  kind: string;
  label: string;
  num: keyof Sum;
  den: keyof Sum;
}

const RATES: readonly RateDef[] = [
  { kind: "cod_share_high", label: "COD share", num: "cod", den: "orders" },
  { kind: "cancellation_rate_high", label: "cancellation rate", num: "cancelled", den: "orders" },
  { kind: "refund_rate_high", label: "refund rate", num: "refunded", den: "orders" },
  { kind: "pending_payment_high", label: "prepaid orders left pending (payment not captured)", num: "prepaidPending", den: "prepaid" },
];

/**
 * A share jumping against the same window in past weeks: it must clear a margin in points, a ratio,
 * and three binomial standard errors of the baseline share, with enough orders on both sides.
 */
export function decideRates(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft[] {
  const p = policy.anomaly;
  const end = Math.floor(now / HOUR_MS) * HOUR_MS;
  const windowMs = p.rateWindowHours * HOUR_MS;
  const current = sumWindow(ctx.hours, end - windowMs, end);
  const past = seasonalWindows(ctx, end, windowMs, p.historyWeeks);
  if (past.length < p.minBaselineWeeks) return [];
  const pooled = past.reduce((acc, s) => {
    for (const k of Object.keys(acc) as (keyof Sum)[]) acc[k] += s[k];
    return acc;
  }, { ...ZERO });
  const when = hourLabel(end - windowMs, end, policy.quietHours.utcOffsetMinutes);
  const out: DecisionDraft[] = [];
  for (const r of RATES) {
    const n = current[r.den];
    const N = pooled[r.den];
    if (n < p.rateMinOrders || N < p.rateMinOrders) continue;
    const rate = current[r.num] / n;
    const baseline = pooled[r.num] / N;
    const se = Math.sqrt(Math.max(baseline * (1 - baseline), 1 / N) / n);
    const z = (rate - baseline) / se;
    if (rate - baseline < p.rateMarginPoints || rate < p.rateMinRatio * baseline || z < 3) continue;
    out.push(
      finding(policy, now, {
        subjectType: "brand",
        subjectId: r.num,
        kind: r.kind,
        title: `${r.label} ${percent(rate)} in ${when}, usually ${percent(baseline)}`,
        reasons: [
          `${r.label} ${percent(rate)} (${current[r.num]} of ${n}) in ${when} against ${percent(baseline)} (${pooled[r.num]} of ${N}) in the same hours over ${past.length} weeks`,
          `up ${Math.round((rate - baseline) * 100)} points (margin ${Math.round(p.rateMarginPoints * 100)}), ${baseline > 0 ? `${(rate / baseline).toFixed(1)}×` : "from zero"} (min ${p.rateMinRatio}×), ${z.toFixed(1)} standard errors`,
        ],
        inputs: { rate, baseline, numerator: current[r.num], denominator: n, baselineNumerator: pooled[r.num], baselineDenominator: N, z },
      }),
    );
  }
  return out;
}

/** A SKU that sells nearly every day, in stock, with no sale for so long that chance cannot explain it. */
export function decideSilentSkus(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft[] {
  const p = policy.anomaly;
  const out: DecisionDraft[] = [];
  for (const s of ctx.skus) {
    if (s.available <= 0 || s.lastSoldAt === null || s.daysObserved < 14) continue;
    const share = s.daysSold / s.daysObserved;
    if (share < p.skuSellingDayShare) continue;
    const silentHours = (now - s.lastSoldAt) / HOUR_MS;
    if (silentHours < p.skuSilentHours) continue;
    // Chance of a gap this long from a SKU that sells on `share` of days: (1 − share)^(days silent).
    const chance = Math.pow(1 - Math.min(share, 0.999), silentHours / 24);
    if (chance > 0.05) continue;
    out.push(
      finding(policy, now, {
        subjectType: "sku",
        subjectId: s.sku,
        kind: "sku_silent",
        title: `${s.title} (${s.sku}) has not sold for ${Math.floor(silentHours)} h while in stock`,
        reasons: [
          `sold on ${s.daysSold} of the last ${s.daysObserved} days (${(s.unitsObserved / s.daysObserved).toFixed(1)} units/day); nothing for ${Math.floor(silentHours)} h (threshold ${p.skuSilentHours} h)`,
          `${s.available} available: not a stockout; a gap this long happens by chance ${(chance * 100).toFixed(1)}% of the time — check the product page and its price`,
        ],
        inputs: { daysSold: s.daysSold, daysObserved: s.daysObserved, silentHours, available: s.available, chance },
      }),
    );
  }
  return out;
}

/** Orders fulfilled long enough ago with no first carrier scan, by carrier. */
export function decideMissedPickups(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft[] {
  const p = policy.anomaly;
  return ctx.pickups
    .filter((c) => c.missed >= p.pickupMinMissed)
    .map((c) =>
      finding(policy, now, {
        subjectType: "carrier",
        subjectId: c.carrier,
        kind: "pickups_missed",
        title: `${c.carrier}: ${c.missed} orders fulfilled with no pickup scan after ${p.pickupHours} h`,
        reasons: [
          `${c.missed} orders fulfilled more than ${p.pickupHours} h ago have no first scan from ${c.carrier} (threshold ${p.pickupMinMissed})${c.oldestMissedAt ? `; the oldest since ${localTime(c.oldestMissedAt, policy.quietHours.utcOffsetMinutes)}` : ""}`,
          `e.g. ${c.sample.join(", ")}`,
        ],
        inputs: { carrier: c.carrier, missed: c.missed, oldestMissedAt: c.oldestMissedAt, sample: c.sample },
      }),
    );
}

/**
 * A source that stopped: silent for at least `sourceSilentHours`, where the same stretch of the day
 * on the past seven days brought, on average, at least `sourceMinExpected` events from it (so a
 * silence that long is a chance of e^−expected if it were still sending at its usual rate: a busy
 * store's four quiet hours fire, a small brand's 3 a.m. never does); or a burst of verification
 * failures (a rotated secret); or Shopify subscriptions missing. A source that never sent is not
 * silent, only unconfigured. `hourlyEvents` count by when the source sent; the span is capped at 24 h.
 */
export function decideSourceSilence(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft[] {
  const p = policy.anomaly;
  const out: DecisionDraft[] = [];
  const offset = policy.quietHours.utcOffsetMinutes;
  for (const s of ctx.sources) {
    if (s.firstEventAt === null) continue;
    if (s.lastEventAt !== null && now - s.lastEventAt >= p.sourceSilentHours * HOUR_MS) {
      const expected = expectedEvents(s.hourlyEvents, Math.max(s.lastEventAt, now - DAY_MS), now, s.firstEventAt);
      if (expected && expected.mean >= p.sourceMinExpected) {
        const silent = (now - s.lastEventAt) / HOUR_MS;
        out.push(
          finding(policy, now, {
            subjectType: "source",
            subjectId: s.source,
            kind: "source_silent",
            title: `${s.source} stopped sending: nothing for ${silent.toFixed(1)} h`,
            reasons: [
              `no ${s.source} event since ${localTime(s.lastEventAt, offset)} (${silent.toFixed(1)} h; threshold ${p.sourceSilentHours} h)`,
              `on the past ${expected.days} days it sent ${expected.mean.toFixed(1)} events on average in these hours (at least ${p.sourceMinExpected} expected): by chance, a silence this long is ${Math.exp(-expected.mean).toExponential(0)}; check the webhook subscription and its secret`,
            ],
            inputs: { lastEventAt: s.lastEventAt, silentHours: silent, expectedEvents: expected.mean, daysCompared: expected.days },
          }),
        );
      }
    }
    if (s.authFailuresLastHour >= p.authFailureBurst) {
      out.push(
        finding(policy, now, {
          subjectType: "source",
          subjectId: s.source,
          kind: "source_auth_failures",
          title: `${s.source}: ${s.authFailuresLastHour} deliveries refused (401) in the last hour`,
          reasons: [
            `${s.authFailuresLastHour} ${s.source} deliveries failed verification in the last hour (threshold ${p.authFailureBurst}): the secret was probably rotated on one side only`,
          ],
          inputs: { authFailuresLastHour: s.authFailuresLastHour },
        }),
      );
    }
  }
  if (ctx.shopifySubscriptionsMissing && ctx.shopifySubscriptionsMissing.length) {
    const missing = ctx.shopifySubscriptionsMissing;
    out.push(
      finding(policy, now, {
        subjectType: "source",
        subjectId: "shopify",
        kind: "shopify_subscriptions_missing",
        title: `Shopify webhook subscriptions missing: ${missing.length}`,
        reasons: [`Shopify had no subscription for ${missing.join(", ")} at the last check (Shopify removes one after repeated failed deliveries)`],
        inputs: { missing },
      }),
    );
  }
  return out;
}

/** Every anomaly rule over one context. */
export function decideAnomalies(ctx: AnomalyContext, policy: Policy, now: number): DecisionDraft[] {
  const volume = decideOrderVolume(ctx, policy, now);
  return [...(volume ? [volume] : []), ...decideRates(ctx, policy, now), ...decideSilentSkus(ctx, policy, now), ...decideMissedPickups(ctx, policy, now), ...decideSourceSilence(ctx, policy, now)];
}

/**
 * Events a source sent, on average, in [from, to) shifted back by each of the past 7 days that its
 * history covers (hour buckets counted pro rata at the edges); null with fewer than 3 such days.
 */
function expectedEvents(hourly: readonly { hourStart: number; n: number }[], from: number, to: number, firstEventAt: number): { mean: number; days: number } | null {
  let total = 0;
  let days = 0;
  for (let d = 1; d <= 7; d++) {
    const a = from - d * DAY_MS;
    const b = to - d * DAY_MS;
    if (a < firstEventAt) continue;
    days++;
    for (const h of hourly) {
      const overlap = Math.min(b, h.hourStart + HOUR_MS) - Math.max(a, h.hourStart);
      if (overlap > 0) total += (h.n * overlap) / HOUR_MS;
    }
  }
  return days >= 3 ? { mean: total / days, days } : null;
}
