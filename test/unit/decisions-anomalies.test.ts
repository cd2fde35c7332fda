/** Each anomaly rule with a history where it must fire and a near-miss where it must not (decisions/anomalies.ts). */
import { describe, expect, it } from "vitest";
import { decideAnomalies, decideMissedPickups, decideOrderVolume, decideRates, decideSilentSkus, decideSourceSilence, median, robustScale } from "../../src/decisions/anomalies";
import type { AnomalyContext, HourCounts } from "../../src/decisions/context";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";

const H = 3_600_000;
const DAY = 24 * H;
const WEEK = 7 * DAY;
/** Tuesday 1 Dec 2026, 03:30 UTC (09:00 IST): the morning the rules run. */
const NOW = Date.UTC(2026, 11, 1, 3, 30);
const END = Math.floor(NOW / H) * H;

type Shape = (hourStart: number) => Partial<Omit<HourCounts, "hourStart">>;

/** Eight weeks of hourly orders from a shape function (orders per hour at that time). */
function history(shape: Shape, weeks = 8): HourCounts[] {
  const out: HourCounts[] = [];
  for (let t = END - weeks * WEEK - DAY; t < END; t += H) {
    const s = shape(t);
    out.push({ hourStart: t, orders: 0, cod: 0, cancelled: 0, refunded: 0, prepaid: 0, prepaidPending: 0, ...s });
  }
  return out;
}

const ctx = (over: Partial<AnomalyContext>): AnomalyContext => ({
  hours: [],
  firstOrderAt: END - 9 * WEEK,
  skus: [],
  pickups: [],
  sources: [],
  shopifySubscriptionsMissing: null,
  ...over,
});

/** `perHour` orders every hour, varying a little by week so the spread is real. */
const steady = (perHour: number): Shape => (t) => ({ orders: perHour + (Math.floor(t / WEEK) % 3) - 1 });
const lastHours = (t: number, n: number) => t >= END - n * H;

describe("robust statistics", () => {
  it("median and scale ignore one festival week", () => {
    expect(median([10, 11, 9, 10, 80])).toBe(10);
    expect(robustScale([10, 11, 9, 10, 80])).toBeLessThan(4);
    // Never below the Poisson spread of the count, however identical the weeks.
    expect(robustScale([4, 4, 4, 4])).toBe(2);
  });
});

describe("orders per hour against the seasonal baseline", () => {
  it("fires when the last 3 hours bring 3 orders where 30 are usual", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 3) ? { orders: 1 } : steady(10)(t))) });
    const d = decideOrderVolume(c, DEFAULT_POLICY, NOW)!;
    expect(d).not.toBeNull();
    expect(d.inputs.kind).toBe("orders_low");
    expect(d.inputs.observed).toBe(3);
    expect(d.reasons[0]).toMatch(/^3 orders in .* against the same 3 h of the same weekday over 8 weeks: median 30/);
    expect(d.dedupeKey).toBe("anomaly:brand:orders:orders_low:2026-12-01");
  });

  it("stays quiet on an ordinary night (a little under the median)", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 3) ? { orders: 8 } : steady(10)(t))) });
    expect(decideOrderVolume(c, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("stays quiet on a small brand's empty night: 0 orders where 3 are usual is below the minimum volume", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 3) ? { orders: 0 } : { orders: 1 })) });
    expect(decideOrderVolume(c, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("stays quiet for a new brand without enough weeks of its own history", () => {
    const c = ctx({ firstOrderAt: END - 2 * WEEK - 5 * H, hours: history((t) => (lastHours(t, 3) ? { orders: 0 } : steady(10)(t))) });
    expect(decideOrderVolume(c, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("fires on a surge beyond anything the history holds", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 3) ? { orders: 40 } : steady(10)(t))) });
    const d = decideOrderVolume(c, DEFAULT_POLICY, NOW)!;
    expect(d.inputs.kind).toBe("orders_high");
    expect(d.reasons[1]).toMatch(/above the busiest 3 h in 8 weeks \(33\)/);
  });

  it("does not call a festival-day surge a fault when the history has lived through a bigger one", () => {
    // Three weeks ago, a Diwali sale day brought 45 orders an hour.
    const festival = (t: number) => t >= END - 3 * WEEK - 2 * DAY && t < END - 3 * WEEK - DAY;
    const c = ctx({ hours: history((t) => (lastHours(t, 3) ? { orders: 40 } : festival(t) ? { orders: 45 } : steady(10)(t))) });
    expect(decideOrderVolume(c, DEFAULT_POLICY, NOW)).toBeNull();
  });
});

describe("rates against their baseline", () => {
  const base: Shape = (t) => ({ orders: 10, cod: 4, cancelled: 0.5 > (t / H) % 2 ? 1 : 0, refunded: 0, prepaid: 6, prepaidPending: 0 });

  it("fires on a COD-cancellation spike overnight: 40% cancelled where 5% is usual", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 12) ? { ...base(t), cancelled: 4 } : base(t))) });
    const found = decideRates(c, DEFAULT_POLICY, NOW);
    expect(found.map((d) => d.inputs.kind)).toEqual(["cancellation_rate_high"]);
    expect(found[0]!.reasons[0]).toMatch(/^cancellation rate 40% \(48 of 120\) in .* against 5% \(48 of 960\) in the same hours over 8 weeks$/);
  });

  it("stays quiet when the rate rises by less than the margin (5% → 14%, 9 points against 10)", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 12) ? { ...base(t), cancelled: (t / H) % 12 < 5 ? 2 : 1 } : base(t))) });
    expect(decideRates(c, DEFAULT_POLICY, NOW)).toEqual([]);
    const found = decideRates(c, DEFAULT_POLICY, NOW).filter((d) => d.inputs.kind === "cancellation_rate_high");
    expect(found).toEqual([]);
  });

  it("fires on the COD share and on prepaid orders stuck pending, not on the refund rate", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 12) ? { ...base(t), cod: 8, prepaid: 2, prepaidPending: 2 } : { ...base(t), prepaidPending: (t / H) % 6 < 1 ? 1 : 0 })) });
    const kinds = decideRates(c, DEFAULT_POLICY, NOW).map((d) => d.inputs.kind);
    expect(kinds).toContain("cod_share_high");
    expect(kinds).toContain("pending_payment_high");
    expect(kinds).not.toContain("refund_rate_high");
  });

  it("needs enough orders: 100% COD from 5 orders is not a finding", () => {
    const c = ctx({ hours: history((t) => (lastHours(t, 12) ? (t >= END - 5 * H ? { orders: 1, cod: 1 } : {}) : base(t))) });
    expect(decideRates(c, DEFAULT_POLICY, NOW)).toEqual([]);
  });
});

describe("a SKU that normally sells every day", () => {
  const sku = { sku: "KUMKUMADI-30ML", title: "Kumkumadi Oil", available: 140, daysSold: 28, daysObserved: 28, unitsObserved: 170 };

  it("fires after 30 h without a sale while in stock", () => {
    const [d] = decideSilentSkus(ctx({ skus: [{ ...sku, lastSoldAt: NOW - 30 * H }] }), DEFAULT_POLICY, NOW);
    expect(d!.subjectId).toBe("KUMKUMADI-30ML");
    expect(d!.reasons[0]).toBe("sold on 28 of the last 28 days (6.1 units/day); nothing for 30 h (threshold 24 h)");
  });

  it("stays quiet for a SKU that is out of stock, one silent 20 h, and one that sells every other day", () => {
    const p = DEFAULT_POLICY;
    expect(decideSilentSkus(ctx({ skus: [{ ...sku, available: 0, lastSoldAt: NOW - 30 * H }] }), p, NOW)).toEqual([]);
    expect(decideSilentSkus(ctx({ skus: [{ ...sku, lastSoldAt: NOW - 20 * H }] }), p, NOW)).toEqual([]);
    expect(decideSilentSkus(ctx({ skus: [{ ...sku, daysSold: 14, lastSoldAt: NOW - 30 * H }] }), p, NOW)).toEqual([]);
  });
});

describe("carrier pickups missed", () => {
  it("fires for a carrier with 3 fulfilled orders unscanned after 24 h, not for one with 2", () => {
    const c = ctx({
      pickups: [
        { carrier: "delhivery", missed: 3, oldestMissedAt: NOW - 30 * H, sample: ["#1001", "#1002", "#1003"] },
        { carrier: "bluedart", missed: 2, oldestMissedAt: NOW - 26 * H, sample: ["#1004", "#1005"] },
      ],
    });
    const found = decideMissedPickups(c, DEFAULT_POLICY, NOW);
    expect(found.map((d) => d.subjectId)).toEqual(["delhivery"]);
    expect(found[0]!.reasons[0]).toMatch(/^3 orders fulfilled more than 24 h ago have no first scan from delhivery/);
  });
});

describe("source silence", () => {
  /** A source that sent every hour for 8 days until `stoppedAt` (null: still sending). */
  const hourly = (source: string, stoppedAt: number | null) => {
    const hourlyEvents: { hourStart: number; n: number }[] = [];
    for (let t = END - 8 * DAY; t < (stoppedAt ?? NOW); t += H) hourlyEvents.push({ hourStart: t, n: 5 });
    return { source, hourlyEvents, firstEventAt: END - 8 * DAY, lastEventAt: stoppedAt ? stoppedAt - 60_000 : NOW - 60_000, authFailuresLastHour: 0 };
  };

  it("fires for Shopify, which sent 5 events every hour and stopped 4 h ago", () => {
    const [d] = decideSourceSilence(ctx({ sources: [hourly("shopify", END - 4 * H)] }), DEFAULT_POLICY, NOW);
    expect(d!.inputs.kind).toBe("source_silent");
    // The silence runs from the last event (1 min before it stopped) to now, half past: 4 h 31 min at 5 an hour.
    expect(d!.inputs.expectedEvents).toBeCloseTo(5 * (4.5 + 1 / 60), 6);
    expect(d!.reasons[1]).toBe("on the past 7 days it sent 22.6 events on average in these hours (at least 8 expected): by chance, a silence this long is 2e-10; check the webhook subscription and its secret");
  });

  it("weighs the whole silence against the brand's size: a small brand's 4 quiet hours do not fire, the same at 3 an hour do", () => {
    const small = hourly("shopify", END - 4 * H);
    small.hourlyEvents = small.hourlyEvents.map((h) => ({ ...h, n: 1 }));
    expect(decideSourceSilence(ctx({ sources: [small] }), DEFAULT_POLICY, NOW)).toEqual([]);
    const medium = { ...small, hourlyEvents: small.hourlyEvents.map((h) => ({ ...h, n: 3 })) };
    expect(decideSourceSilence(ctx({ sources: [medium] }), DEFAULT_POLICY, NOW).map((d) => d.inputs.kind)).toEqual(["source_silent"]);
    // Under the 2 h minimum nothing fires, however busy; with under 3 days of history neither.
    const recent = hourly("shopify", NOW - H);
    recent.hourlyEvents = recent.hourlyEvents.map((h) => ({ ...h, n: 100 }));
    expect(decideSourceSilence(ctx({ sources: [recent] }), DEFAULT_POLICY, NOW)).toEqual([]);
    const young = { ...hourly("shopify", END - 4 * H), firstEventAt: END - 2 * DAY - 5 * H };
    expect(decideSourceSilence(ctx({ sources: [young] }), DEFAULT_POLICY, NOW)).toEqual([]);
  });

  it("still loads a policy saved with the retired sourceActiveShare, and refuses it in a new edit's other typos", () => {
    const saved = { anomaly: { ...DEFAULT_POLICY.anomaly, sourceActiveShare: 0.8 } };
    const loaded = parsePolicy(saved);
    expect(loaded.ok && loaded.policy.anomaly.sourceMinExpected).toBe(8);
    expect(parsePolicy({ anomaly: { sourceMinExpect: 8 } }).ok).toBe(false);
    expect(parsePolicy({ anomaly: { sourceMinExpected: 0 } }).ok).toBe(false);
  });

  it("stays quiet for a source that never sent, one still sending, and one that only ever sends by day", () => {
    const never = { source: "zendesk", hourlyEvents: [], firstEventAt: null, lastEventAt: null, authFailuresLastHour: 0 };
    // Sends 09:00–21:00 IST only (03:30–15:30 UTC): silent at night, as always.
    const daytime = hourly("gorgias", null);
    daytime.hourlyEvents = daytime.hourlyEvents.filter((h) => {
      const hour = new Date(h.hourStart).getUTCHours();
      return hour >= 4 && hour < 15;
    });
    daytime.lastEventAt = END - 13 * H;
    expect(decideSourceSilence(ctx({ sources: [never, hourly("shiprocket", null), daytime] }), DEFAULT_POLICY, NOW)).toEqual([]);
  });

  it("fires on a burst of 401s from a source that has sent before, and on missing Shopify subscriptions", () => {
    const s = { ...hourly("shopify", null), authFailuresLastHour: 25 };
    const found = decideSourceSilence(ctx({ sources: [s], shopifySubscriptionsMissing: ["ORDERS_CREATE"] }), DEFAULT_POLICY, NOW);
    expect(found.map((d) => d.inputs.kind)).toEqual(["source_auth_failures", "shopify_subscriptions_missing"]);
    const few = { ...hourly("shopify", null), authFailuresLastHour: 9 };
    expect(decideSourceSilence(ctx({ sources: [few], shopifySubscriptionsMissing: [] }), DEFAULT_POLICY, NOW)).toEqual([]);
  });
});

describe("all rules together", () => {
  it("an ordinary night produces nothing", () => {
    const c = ctx({
      hours: history((t) => ({ orders: 10, cod: 4, cancelled: (t / H) % 20 < 1 ? 1 : 0, prepaid: 6 })),
      skus: [{ sku: "A", title: "A", available: 50, daysSold: 28, daysObserved: 28, unitsObserved: 100, lastSoldAt: NOW - 3 * H }],
      pickups: [{ carrier: "delhivery", missed: 1, oldestMissedAt: NOW - 25 * H, sample: ["#1"] }],
    });
    expect(decideAnomalies(c, DEFAULT_POLICY, NOW)).toEqual([]);
  });
});
