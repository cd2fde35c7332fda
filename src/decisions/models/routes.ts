/** Carrier-route performance: carrier × origin × destination pincode prefix, this week against its own recent baseline, smoothed. */
import { DAY_MS, HOUR_MS, localDate, localTime } from "../format";

const WEEK_MS = 7 * DAY_MS;

export interface ShipmentSummary {
  carrier: string;
  /** Pickup city/hub code, e.g. BLR. */
  origin: string;
  destPincode: string;
  shippedAt: number;
  deliveredAt: number | null;
  /** Promised delivery (first ETA the customer saw); null = no promise, so no delay verdict. */
  promisedAt: number | null;
  rto: boolean;
}

export interface RouteStat {
  carrier: string;
  origin: string;
  /** First three digits of the destination pincode (the sorting district). */
  destination: string;
  /** Shipped in the last 7 days. */
  shipments: number;
  /** Of those, how many already have an on-time/late verdict (delivered, or past the promise). */
  resolved: number;
  /** This week's delay rate, shrunk toward the route's baseline (0..1). */
  delayRate: number;
  rtoRate: number;
  /** Unsmoothed this-week delay rate; null when nothing resolved. */
  rawDelayRate: number | null;
  baselineShipments: number;
  /** Baseline (the previous `baselineWeeks` weeks), shrunk toward the carrier-wide rate. */
  baselineDelayRate: number;
  baselineRtoRate: number;
  medianTransitHours: number | null;
  /** 90th percentile of pickup-to-delivery hours (this week and the baseline weeks). */
  p90TransitHours?: number | null;
  /** How many deliveries the transit figures come from. */
  transitSamples?: number;
  /** The carrier's median lateness over its promised date, among its late deliveries (all routes). */
  carrierLatenessHours?: number | null;
  /** Weekly smoothed delay rate, oldest first; the last point is this week (sparkline). */
  trend: number[];
}

export interface RouteStatsOptions {
  /** Weeks before this one that form the baseline (4–8 is sensible). */
  baselineWeeks: number;
  /** Pseudo-shipments of prior: a route needs about this many of its own to move far from the prior. */
  priorStrength: number;
  trendWeeks: number;
}

export const DEFAULT_ROUTE_OPTIONS: RouteStatsOptions = { baselineWeeks: 6, priorStrength: 20, trendWeeks: 7 };

export function destinationPrefix(pincode: string): string {
  return pincode.replace(/\D/g, "").slice(0, 3);
}

export function routeId(route: Pick<RouteStat, "carrier" | "origin" | "destination">): string {
  return `${route.carrier}:${route.origin}:${route.destination}`;
}

// Per-week counters live in one flat Int32Array: [shipped, resolved, delayed, rto] × week.
const SHIPPED = 0;
const RESOLVED = 1;
const DELAYED = 2;
const RTO = 3;
const FIELDS = 4;

interface Acc {
  carrier: string;
  origin: string;
  destination: string;
  counts: Int32Array;
  transitHours: number[];
}

export function computeRouteStats(
  shipments: readonly ShipmentSummary[],
  now: number,
  options: RouteStatsOptions = DEFAULT_ROUTE_OPTIONS,
): RouteStat[] {
  const weeks = Math.max(options.baselineWeeks + 1, options.trendWeeks);
  const routes = new Map<string, Acc>();
  const carriers = new Map<string, Int32Array>();
  const lateness = new Map<string, number[]>();
  const all = new Int32Array(FIELDS * weeks);

  for (const s of shipments) {
    const week = Math.floor((now - s.shippedAt) / WEEK_MS);
    if (week < 0 || week >= weeks) continue;
    const destination = destinationPrefix(s.destPincode);
    const key = `${s.carrier}\u0000${s.origin}\u0000${destination}`;
    let acc = routes.get(key);
    if (!acc) {
      acc = { carrier: s.carrier, origin: s.origin, destination, counts: new Int32Array(FIELDS * weeks), transitHours: [] };
      routes.set(key, acc);
    }
    let carrier = carriers.get(s.carrier);
    if (!carrier) {
      carrier = new Int32Array(FIELDS * weeks);
      carriers.set(s.carrier, carrier);
    }
    // RTOs have their own rate; they get no on-time verdict. Undelivered before the promise: no verdict yet.
    const resolved = s.promisedAt !== null && !s.rto && (s.deliveredAt !== null || now > s.promisedAt);
    const delayed = resolved && (s.deliveredAt ?? now) > s.promisedAt!;
    const base = FIELDS * week;
    for (const counts of [acc.counts, carrier, all]) {
      counts[base + SHIPPED]! += 1;
      if (resolved) counts[base + RESOLVED]! += 1;
      if (delayed) counts[base + DELAYED]! += 1;
      if (s.rto) counts[base + RTO]! += 1;
    }
    if (s.deliveredAt !== null && week <= options.baselineWeeks) acc.transitHours.push((s.deliveredAt - s.shippedAt) / HOUR_MS);
    if (s.deliveredAt !== null && s.promisedAt !== null && s.deliveredAt > s.promisedAt && week <= options.baselineWeeks) {
      const late = lateness.get(s.carrier) ?? [];
      late.push((s.deliveredAt - s.promisedAt) / HOUR_MS);
      lateness.set(s.carrier, late);
    }
  }

  const m = options.priorStrength;
  const baseline = [1, options.baselineWeeks] as const;
  const globalDelay = ratio(sum(all, DELAYED, ...baseline), sum(all, RESOLVED, ...baseline), 0);
  const globalRto = ratio(sum(all, RTO, ...baseline), sum(all, SHIPPED, ...baseline), 0);

  const out: RouteStat[] = [];
  for (const acc of routes.values()) {
    const carrier = carriers.get(acc.carrier)!;
    const carrierDelay = shrink(sum(carrier, DELAYED, ...baseline), sum(carrier, RESOLVED, ...baseline), globalDelay, m);
    const carrierRto = shrink(sum(carrier, RTO, ...baseline), sum(carrier, SHIPPED, ...baseline), globalRto, m);
    const c = acc.counts;
    const baselineDelayRate = shrink(sum(c, DELAYED, ...baseline), sum(c, RESOLVED, ...baseline), carrierDelay, m);
    const baselineRtoRate = shrink(sum(c, RTO, ...baseline), sum(c, SHIPPED, ...baseline), carrierRto, m);
    const trend: number[] = [];
    for (let w = options.trendWeeks - 1; w >= 0; w--) {
      trend.push(shrink(c[FIELDS * w + DELAYED]!, c[FIELDS * w + RESOLVED]!, baselineDelayRate, m));
    }
    const resolved = c[RESOLVED]!;
    out.push({
      carrier: acc.carrier,
      origin: acc.origin,
      destination: acc.destination,
      shipments: c[SHIPPED]!,
      resolved,
      delayRate: trend[trend.length - 1]!,
      rtoRate: shrink(c[RTO]!, c[SHIPPED]!, baselineRtoRate, m),
      rawDelayRate: resolved > 0 ? c[DELAYED]! / resolved : null,
      baselineShipments: sum(c, SHIPPED, ...baseline),
      baselineDelayRate,
      baselineRtoRate,
      medianTransitHours: median(acc.transitHours),
      p90TransitHours: percentile(acc.transitHours, 0.9),
      transitSamples: acc.transitHours.length,
      carrierLatenessHours: median(lateness.get(acc.carrier) ?? []),
      trend,
    });
  }
  return out;
}

/** Why a route's delays count as elevated, or null: needs both an absolute margin and a ratio, and enough shipments. */
export function delayElevation(
  route: RouteStat,
  rule: { marginPoints: number; minRatio: number; minShipments: number },
): string | null {
  if (route.shipments < rule.minShipments) return null;
  if (route.delayRate - route.baselineDelayRate < rule.marginPoints) return null;
  if (route.delayRate < route.baselineDelayRate * rule.minRatio) return null;
  return `route ${route.carrier} ${route.origin}→${route.destination} delay rate ${pct(route.delayRate)} vs baseline ${pct(route.baselineDelayRate)} (margin ${pts(rule.marginPoints)}, ${route.shipments} shipments this week)`;
}

export function rtoElevation(
  route: RouteStat,
  rule: { marginPoints: number; minRatio: number; minShipments: number },
): string | null {
  if (route.shipments < rule.minShipments) return null;
  if (route.rtoRate - route.baselineRtoRate < rule.marginPoints) return null;
  if (route.rtoRate < route.baselineRtoRate * rule.minRatio) return null;
  return `route ${route.carrier} ${route.origin}→${route.destination} RTO rate ${pct(route.rtoRate)} vs baseline ${pct(route.baselineRtoRate)} (margin ${pts(rule.marginPoints)}, ${route.shipments} shipments this week)`;
}

const pct = (rate: number) => `${Math.round(rate * 100)}%`;
const pts = (rate: number) => `+${Math.round(rate * 100)} points`;

function sum(counts: Int32Array, field: number, fromWeek: number, toWeek: number): number {
  let total = 0;
  for (let w = fromWeek; w <= toWeek && FIELDS * w + field < counts.length; w++) total += counts[FIELDS * w + field]!;
  return total;
}

function ratio(numerator: number, denominator: number, fallback: number): number {
  return denominator > 0 ? numerator / denominator : fallback;
}

/** Beta-binomial posterior mean with a prior of `strength` pseudo-observations at `prior`. */
function shrink(successes: number, trials: number, prior: number, strength: number): number {
  return (successes + strength * prior) / (trials + strength);
}

/** Nearest-rank percentile (q in 0..1); sorts in place. */
function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))]!;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

export interface RevisedEtaInput {
  now: number;
  /** The carrier's first scan (pickup); null when unknown. */
  pickedUpAt: number | null;
  carrierEta: number | null;
  route: RouteStat | null;
  /** Deliveries a route needs measured before its transit times are trusted. */
  minDeliveries: number;
  /** Without route or lateness figures: at least this many hours from now. */
  minHoursAhead: number;
  utcOffsetMinutes: number;
}

export interface RevisedEta {
  at: number;
  method: "route" | "carrier_lateness" | "floor";
  /** How it was computed, with the numbers. */
  reason: string;
}

/** A stuck parcel is never due sooner than this. */
const MIN_REMAINING_HOURS = 12;

const h = (hours: number) => `${Math.round(hours)} h`;

/**
 * When a delayed parcel should now arrive. With enough measured deliveries on its route: the route's
 * high percentile (p90) of pickup-to-delivery time, stretched by this week's delay ratio (this week's
 * delay rate over the baseline, between 1 and 3), from pickup; a parcel already past that gets the
 * route's median-to-p90 spread from now. Otherwise the carrier's ETA plus the carrier's observed
 * median lateness; with neither, the policy's floor.
 */
export function revisedEta(i: RevisedEtaInput): RevisedEta {
  const r = i.route;
  const fmt = (ms: number) => localDate(ms, i.utcOffsetMinutes);
  const median = r?.medianTransitHours ?? null;
  const p90 = r?.p90TransitHours ?? null;
  const samples = r?.transitSamples ?? 0;
  if (r && median !== null && p90 !== null && samples >= i.minDeliveries && i.pickedUpAt !== null) {
    const ratio = r.baselineDelayRate > 0 ? Math.min(3, Math.max(1, r.delayRate / r.baselineDelayRate)) : 1;
    const fromPickup = i.pickedUpAt + p90 * ratio * HOUR_MS;
    const remaining = i.now + Math.max(MIN_REMAINING_HOURS, (p90 - median) * ratio) * HOUR_MS;
    const at = Math.max(fromPickup, remaining);
    const week = `× ${ratio.toFixed(2)} for this week's delay rate (${Math.round(r.delayRate * 100)}% vs ${Math.round(r.baselineDelayRate * 100)}% baseline)`;
    const figures = `route ${r.carrier} ${r.origin}→${r.destination}: median ${h(median)}, p90 ${h(p90)} pickup to delivery over ${samples} deliveries, ${week}`;
    return {
      at,
      method: "route",
      reason:
        at === fromPickup
          ? `revised ETA ${fmt(at)} from the ${figures}: p90 from pickup at ${localTime(i.pickedUpAt, i.utcOffsetMinutes)}`
          : `revised ETA ${fmt(at)} from the ${figures}: already past the p90 from pickup, so now + the median-to-p90 spread (at least ${MIN_REMAINING_HOURS} h)`,
    };
  }
  const why = r ? `route ${r.carrier} ${r.origin}→${r.destination} has ${samples} measured deliveries (fewer than ${i.minDeliveries})` : "no figures for this route";
  const lateness = r?.carrierLatenessHours ?? null;
  if (i.carrierEta !== null && lateness !== null) {
    const at = Math.max(i.carrierEta, i.now) + Math.max(MIN_REMAINING_HOURS, lateness) * HOUR_MS;
    return {
      at,
      method: "carrier_lateness",
      reason: `revised ETA ${fmt(at)}: ${why}, so the later of the carrier ETA ${fmt(i.carrierEta)} and now, plus ${r!.carrier}'s observed median lateness ${h(lateness)}`,
    };
  }
  const at = Math.max(i.carrierEta ?? 0, i.now + i.minHoursAhead * HOUR_MS);
  return {
    at,
    method: "floor",
    reason: `revised ETA ${fmt(at)} (carrier ETA ${i.carrierEta ? fmt(i.carrierEta) : "none"}, at least ${i.minHoursAhead} h from now): ${why} and no lateness figures for the carrier`,
  };
}
