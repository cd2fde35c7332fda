/**
 * The `cod_risk` policy section: how a COD order's risk score is built (points per factor, with the
 * numbers each factor compares) and what it leads to (bands, the prepaid offer, the hold).
 * Added to the policy with one line in policy.ts; every number has a range (docs/policies.md).
 */
import { z } from "zod";

// The same range message policy.ts uses (test/unit/policy-ranges.test.ts reads it).
function bounded(min: number, max: number, unit: string, opts: { int?: boolean } = {}) {
  const range = `must be ${opts.int ? "a whole number " : ""}from ${min} to ${max} ${unit}`;
  const n = z.number({ error: range });
  return (opts.int ? n.int({ error: range }) : n).min(min, { error: range }).max(max, { error: range });
}

const Points = bounded(0, 100, "points", { int: true });
const Rate = bounded(0, 1, "(a fraction)");

export const CodRiskPolicy = z.strictObject({
  /** Score (0–100, the factors' points summed and capped) at or above which an order is medium risk: WhatsApp confirmation. */
  mediumAt: bounded(1, 100, "points", { int: true }),
  /** At or above this, high risk: confirmation, an offer to pay now and a fulfilment hold from the start. */
  highAt: bounded(1, 100, "points", { int: true }),
  destination: z.strictObject({
    /** Resolved shipments (delivered or RTO) a pincode, or its 3-digit prefix, needs before its own rate counts. */
    minShipments: bounded(1, 100_000, "shipments", { int: true }),
    /** Beta prior weight, in pseudo-shipments: the pincode's rate is shrunk toward its prefix's, the prefix's toward the store's. */
    priorStrength: bounded(0, 1_000, "shipments"),
    /** The store's RTO rate to shrink toward while the store itself has fewer than minShipments resolved. */
    fallbackStoreRate: Rate,
    /** Smoothed rate at or above this scores `elevatedPoints`; at or above cod_confirmation.rtoRateThreshold, `highPoints`. */
    elevatedRate: Rate,
    elevatedPoints: Points,
    highPoints: Points,
    /** A pincode on cod_confirmation.highRtoPincodes (a hand-kept list). */
    listedPoints: Points,
  }),
  customer: z.strictObject({
    /** Points per earlier order of this customer (or phone) that ended RTO; at most two count. */
    rtoPoints: Points,
    /** This many earlier RTOs make the customer a repeat offender: high risk on its own. */
    repeatOffenderRtos: bounded(1, 20, "RTOs", { int: true }),
    /** Points per earlier delivery the customer refused (a failed attempt whose carrier reason names a refusal); at most two count. */
    refusedPoints: Points,
    /** Points per earlier COD order the customer cancelled; at most three count. */
    cancelledPoints: Points,
    /** The Shopify customer tag that makes every COD order high risk (set once a customer is blocked from COD). */
    blockedTag: z.string().min(1).max(100),
    /** No earlier order from this customer or phone. */
    firstOrderPoints: Points,
  }),
  value: z.strictObject({
    /** COD at or above cod_confirmation.minOrderPaise scores this (alone it makes the order medium, as before the score). */
    aboveMinPoints: Points,
    /** The order is at least this many times the customer's median earlier order (or, on a first order, the store's median COD order). */
    unusualRatio: bounded(1, 100, "× the usual order"),
    unusualPoints: Points,
  }),
  address: z.strictObject({
    /** Address lines (line 1 and 2 together) shorter than this, in characters, score `shortPoints`. */
    minChars: bounded(0, 200, "characters", { int: true }),
    shortPoints: Points,
    /** No digit in the address lines: no house, flat or plot number. */
    noNumberPoints: Points,
    /** The pincode is not in the India Post directory. */
    unknownPincodePoints: Points,
    /** The directory puts the pincode in another state than the address names. */
    otherStatePoints: Points,
    /** The address's city matches none of the pincode's district, postal division or region. */
    otherCityPoints: Points,
  }),
  velocity: z.strictObject({
    /** Other COD orders to the same phone or the same address within this many hours before this one. */
    windowHours: bounded(1, 168, "hours"),
    /** Points per other such order; at most three count. */
    perOrderPoints: Points,
  }),
  /** The offer to a high-risk customer: pay now by link instead, this share off (capped). */
  prepaidDiscountPercent: bounded(0, 50, "percent"),
  prepaidDiscountMaxPaise: bounded(0, 1_000_000, "paise (₹0 to ₹10,000)", { int: true }),
  /** High risk holds the Shopify fulfilment order from the start, until the customer confirms or pays. */
  holdHighRisk: z.boolean(),
}).refine((p) => p.highAt >= p.mediumAt, { message: "highAt must be at least mediumAt", path: ["highAt"] });
export type CodRiskPolicy = z.infer<typeof CodRiskPolicy>;

export const DEFAULT_COD_RISK_POLICY: CodRiskPolicy = {
  mediumAt: 30,
  highAt: 60,
  destination: { minShipments: 20, priorStrength: 10, fallbackStoreRate: 0.1, elevatedRate: 0.15, elevatedPoints: 15, highPoints: 35, listedPoints: 35 },
  customer: { rtoPoints: 30, repeatOffenderRtos: 2, refusedPoints: 20, cancelledPoints: 10, blockedTag: "cod-blocked", firstOrderPoints: 10 },
  value: { aboveMinPoints: 30, unusualRatio: 3, unusualPoints: 15 },
  address: { minChars: 12, shortPoints: 10, noNumberPoints: 10, unknownPincodePoints: 25, otherStatePoints: 35, otherCityPoints: 10 },
  velocity: { windowHours: 24, perOrderPoints: 25 },
  prepaidDiscountPercent: 5,
  prepaidDiscountMaxPaise: 20_000,
  holdHighRisk: true,
};
