/**
 * The COD risk score: pure, explainable. Each factor adds points and says which numbers it
 * compared; the sum (capped at 100) maps to low / medium / high by the policy's thresholds. A repeat
 * offender (N earlier RTOs) or a customer tagged cod-blocked is high on its own.
 */
import type { Policy } from "./policy";
import { percent, rupees } from "./format";

export const COD_RISK_BANDS = ["low", "medium", "high"] as const;
export type CodRiskBand = (typeof COD_RISK_BANDS)[number];

/** Resolved shipments (delivered or RTO) to one place, and how many of them came back. */
export interface RtoCount {
  shipments: number;
  rtos: number;
}

/** What the India Post directory says about the order's pincode (one row per state/district the pincode serves). */
export interface PincodePlace {
  state: string;
  district: string;
  /** Postal division and region names, for matching the address's city. */
  places: string;
}

/** The destination's smoothed RTO rate and the counts behind it (counts null when only the rate is known). */
export interface DestinationRate {
  rate: number;
  level: "pincode" | "prefix";
  storeRate: number | null;
  rtos: number | null;
  shipments: number | null;
}

/** Route-model counts for a destination, as known when the order was placed. */
export interface DestinationCounts {
  pincode: RtoCount | null;
  prefix: RtoCount | null;
  store: RtoCount;
}

/** Everything the score reads; a null part is unknown and scores nothing. */
export interface CodRiskInputs {
  order: { id: string; totalPrice: number; paymentMethod: "prepaid" | "cod"; pincode: string | null; city: string | null; state: string | null; createdAt: number };
  /** From destinationRtoRate(counts, policy); null without enough shipments. */
  destination: DestinationRate | null;
  /** The customer's (or, without a customer id, the phone's) orders before this one; null when unknown. */
  customer: {
    earlierOrders: number;
    earlierRtos: number;
    refusedDeliveries: number;
    cancelledCod: number;
    /** Median total of the earlier orders (paise); null without any. */
    medianOrderPaise: number | null;
    /** The customer carries the policy's blocked tag (cod_risk.customer.blockedTag) in Shopify. */
    blocked: boolean;
  } | null;
  /** Median COD order total of the store over the last 30 days; null when too few. */
  storeMedianOrderPaise: number | null;
  /** Address lines' facts; null when the source sent no address lines. */
  address: { chars: number; hasNumber: boolean } | null;
  /** The directory's rows for the pincode ([] = not in the directory); null when the directory is not loaded. */
  directory: PincodePlace[] | null;
  /** Other COD orders within the velocity window before this one; null when unknown. */
  velocity: { samePhone: number; sameAddress: number } | null;
}

export interface CodRiskFactor {
  code:
    | "destination_rto"
    | "listed_pincode"
    | "customer_rto"
    | "repeat_offender"
    | "cod_blocked"
    | "refused_delivery"
    | "cancelled_cod"
    | "first_order"
    | "value_above_min"
    | "value_unusual"
    | "address_short"
    | "address_no_number"
    | "pincode_unknown"
    | "pincode_other_state"
    | "pincode_other_city"
    | "velocity";
  points: number;
  reason: string;
  numbers: Record<string, number | string | null>;
}

export interface CodRiskScore {
  score: number;
  band: CodRiskBand;
  factors: CodRiskFactor[];
  /** Why the band is high whatever the points (repeat offender, blocked), if so. */
  forcedHigh: string | null;
  /** The smoothed destination RTO rate the score used (pincode, else prefix); null without enough shipments. */
  destinationRtoRate: number | null;
  destinationLevel: "pincode" | "prefix" | null;
}

/** Beta-binomial posterior mean: (rtos + k·prior) / (shipments + k). */
export function smoothedRate(c: RtoCount, prior: number, k: number): number {
  return (c.rtos + k * prior) / (c.shipments + k);
}

/**
 * The destination's RTO rate: the pincode's own when it has enough resolved shipments, shrunk
 * toward its prefix's; else the prefix's, shrunk toward the store's; null when neither has enough.
 */
export function destinationRtoRate(d: DestinationCounts, policy: Policy): DestinationRate | null {
  const p = policy.cod_risk.destination;
  const storeRate = d.store.shipments >= p.minShipments ? d.store.rtos / d.store.shipments : p.fallbackStoreRate;
  const prefixRate = d.prefix && d.prefix.shipments >= p.minShipments ? smoothedRate(d.prefix, storeRate, p.priorStrength) : null;
  if (d.pincode && d.pincode.shipments >= p.minShipments) {
    return { rate: round3(smoothedRate(d.pincode, prefixRate ?? storeRate, p.priorStrength)), level: "pincode", storeRate: round3(storeRate), ...d.pincode };
  }
  if (prefixRate !== null && d.prefix) return { rate: round3(prefixRate), level: "prefix", storeRate: round3(storeRate), ...d.prefix };
  return null;
}

/** Address facts without keeping the address: its length and whether it carries a house or flat number. */
export function addressFacts(lines: string | null): { chars: number; hasNumber: boolean } | null {
  if (lines === null) return null;
  const text = lines.replace(/\s+/g, " ").trim();
  return { chars: text.length, hasNumber: /\d/.test(text) };
}

const STATE_ALIASES: Record<string, string> = {
  orissa: "odisha",
  pondicherry: "puducherry",
  uttaranchal: "uttarakhand",
  nctofdelhi: "delhi",
  newdelhi: "delhi",
  jammuandkashmir: "jammuandkashmir",
  dadraandnagarhaveli: "thedadraandnagarhavelianddamananddiu",
  damananddiu: "thedadraandnagarhavelianddamananddiu",
  andamanandnicobar: "andamanandnicobarislands",
};
/** ISO 3166-2:IN codes Shopify uses as province_code, for addresses that carry the code as the state. */
const STATE_CODES: Record<string, string> = {
  an: "andamanandnicobarislands", ap: "andhrapradesh", ar: "arunachalpradesh", as: "assam", br: "bihar", ch: "chandigarh", cg: "chhattisgarh",
  ct: "chhattisgarh", dn: "thedadraandnagarhavelianddamananddiu", dd: "thedadraandnagarhavelianddamananddiu", dh: "thedadraandnagarhavelianddamananddiu",
  dl: "delhi", ga: "goa", gj: "gujarat", hr: "haryana", hp: "himachalpradesh", jk: "jammuandkashmir", jh: "jharkhand", ka: "karnataka", kl: "kerala",
  la: "ladakh", ld: "lakshadweep", mp: "madhyapradesh", mh: "maharashtra", mn: "manipur", ml: "meghalaya", mz: "mizoram", nl: "nagaland",
  od: "odisha", or: "odisha", py: "puducherry", pb: "punjab", rj: "rajasthan", sk: "sikkim", tn: "tamilnadu", ts: "telangana", tg: "telangana",
  tr: "tripura", up: "uttarpradesh", uk: "uttarakhand", ut: "uttarakhand", wb: "westbengal",
};

/** A state name reduced for comparison: lower case letters only, "&" as "and", old names and codes mapped. */
export function normaliseState(state: string): string {
  const s = state.toLowerCase().replace(/&/g, "and").replace(/[^a-z]/g, "");
  return STATE_CODES[s] ?? STATE_ALIASES[s] ?? s;
}

function sameState(a: string, b: string): boolean {
  const x = normaliseState(a);
  const y = normaliseState(b);
  return x === y || (x.length >= 4 && y.includes(x)) || (y.length >= 4 && x.includes(y));
}

const CITY_ALIASES: Record<string, string> = { bangalore: "bengaluru", gurgaon: "gurugram", bombay: "mumbai", calcutta: "kolkata", madras: "chennai", cochin: "kochi", trivandrum: "thiruvananthapuram", mysore: "mysuru", ahmadabad: "ahmedabad", poona: "pune", baroda: "vadodara" };
const CITY_NOISE = new Set(["new", "city", "old", "north", "south", "east", "west", "nagar", "town", "urban", "rural", "district"]);

function cityWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length >= 4 && !CITY_NOISE.has(w))
    .map((w) => CITY_ALIASES[w] ?? w);
}

/** Whether a city name fits one of the directory's rows: a word of it in the district, division or region. */
export function cityMatches(city: string, rows: readonly PincodePlace[]): boolean {
  const words = cityWords(city);
  if (!words.length) return true; // nothing to compare ("New", a number): no verdict
  const known = new Set(rows.flatMap((r) => cityWords(`${r.district} ${r.places}`)));
  return words.some((w) => known.has(w));
}

function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}
export { median as medianPaise };

/** Pincodes on the hand-kept list by prefix (cod_confirmation.highRtoPincodes). */
export function listedRtoPrefix(pincode: string | null, prefixes: readonly string[]): string | undefined {
  return pincode ? prefixes.find((prefix) => pincode.startsWith(prefix)) : undefined;
}

export function bandFor(score: number, policy: Policy): CodRiskBand {
  const p = policy.cod_risk;
  return score >= p.highAt ? "high" : score >= p.mediumAt ? "medium" : "low";
}

/** Scores one COD order. Prepaid orders score nothing (there is no cash to refuse). */
export function scoreCodRisk(x: CodRiskInputs, policy: Policy): CodRiskScore {
  const p = policy.cod_risk;
  const factors: CodRiskFactor[] = [];
  const add = (code: CodRiskFactor["code"], points: number, reason: string, numbers: CodRiskFactor["numbers"]) => {
    if (points > 0) factors.push({ code, points, reason, numbers });
  };
  const { order } = x;
  if (order.paymentMethod !== "cod") return { score: 0, band: "low", factors, forcedHigh: null, destinationRtoRate: null, destinationLevel: null };

  // The rule's own value limit first: the reason ops have always read first.
  if (order.totalPrice >= policy.cod_confirmation.minOrderPaise) {
    add("value_above_min", p.value.aboveMinPoints, `COD order ${rupees(order.totalPrice)} ≥ ${rupees(policy.cod_confirmation.minOrderPaise)}`, { totalPrice: order.totalPrice, minOrderPaise: policy.cod_confirmation.minOrderPaise });
  }
  // Destination: the route model's measured RTO rate, smoothed, with enough shipments.
  const dest = x.destination;
  if (dest) {
    const place = dest.level === "pincode" ? `pincode ${order.pincode}` : `pincode prefix ${order.pincode?.slice(0, 3) ?? "?"}`;
    const numbers = { rate: dest.rate, rtos: dest.rtos, shipments: dest.shipments, storeRate: dest.storeRate, level: dest.level };
    const counts = dest.shipments !== null ? ` (${dest.rtos} of ${dest.shipments} shipments came back${dest.storeRate !== null ? `; store ${percent(dest.storeRate)}` : ""})` : "";
    const measured = `${place}: RTO rate ${percent(dest.rate)}${dest.shipments !== null ? " smoothed" : ""}${counts}`;
    if (dest.rate >= policy.cod_confirmation.rtoRateThreshold) add("destination_rto", p.destination.highPoints, `${measured} ≥ ${percent(policy.cod_confirmation.rtoRateThreshold)}`, numbers);
    else if (dest.rate >= p.destination.elevatedRate) add("destination_rto", p.destination.elevatedPoints, `${measured} ≥ ${percent(p.destination.elevatedRate)}`, numbers);
  }
  const listed = listedRtoPrefix(order.pincode, policy.cod_confirmation.highRtoPincodes);
  if (listed) add("listed_pincode", p.destination.listedPoints, `pincode ${order.pincode} is on the high-RTO list (${listed})`, { listed });

  // The customer's own history.
  const c = x.customer ?? { earlierOrders: -1, earlierRtos: 0, refusedDeliveries: 0, cancelledCod: 0, medianOrderPaise: null, blocked: false };
  let forcedHigh: string | null = null;
  if (c.earlierRtos > 0) add("customer_rto", p.customer.rtoPoints * Math.min(c.earlierRtos, 2), `${c.earlierRtos} earlier order${c.earlierRtos === 1 ? "" : "s"} of this customer came back (RTO)`, { earlierRtos: c.earlierRtos });
  if (c.earlierRtos >= p.customer.repeatOffenderRtos) {
    forcedHigh = `repeat offender: ${c.earlierRtos} RTOs ≥ ${p.customer.repeatOffenderRtos}`;
    factors.push({ code: "repeat_offender", points: 0, reason: `${forcedHigh}: high risk on its own`, numbers: { earlierRtos: c.earlierRtos, threshold: p.customer.repeatOffenderRtos } });
  }
  if (c.blocked) {
    forcedHigh ??= `customer tagged ${p.customer.blockedTag}`;
    factors.push({ code: "cod_blocked", points: 0, reason: `customer tagged ${p.customer.blockedTag} in Shopify: high risk on its own`, numbers: { tag: p.customer.blockedTag } });
  }
  if (c.refusedDeliveries > 0) add("refused_delivery", p.customer.refusedPoints * Math.min(c.refusedDeliveries, 2), `${c.refusedDeliveries} earlier deliver${c.refusedDeliveries === 1 ? "y" : "ies"} refused at the door`, { refused: c.refusedDeliveries });
  if (c.cancelledCod > 0) add("cancelled_cod", p.customer.cancelledPoints * Math.min(c.cancelledCod, 3), `${c.cancelledCod} earlier COD order${c.cancelledCod === 1 ? "" : "s"} cancelled`, { cancelledCod: c.cancelledCod });
  if (c.earlierOrders === 0) add("first_order", p.customer.firstOrderPoints, "first order from this customer and phone", { earlierOrders: 0 });

  // Order value against the customer's and the store's usual.
  const usual = c.medianOrderPaise ?? (c.earlierOrders === 0 ? x.storeMedianOrderPaise : null);
  if (usual !== null && usual > 0 && order.totalPrice >= p.value.unusualRatio * usual) {
    const whose = c.medianOrderPaise !== null ? "the customer's usual" : "the store's usual COD order";
    add("value_unusual", p.value.unusualPoints, `${rupees(order.totalPrice)} is ${(order.totalPrice / usual).toFixed(1)}× ${whose} (${rupees(usual)}; ≥ ${p.value.unusualRatio}×)`, { totalPrice: order.totalPrice, usualPaise: usual, ratio: round3(order.totalPrice / usual) });
  }

  // Address quality.
  if (x.address) {
    if (x.address.chars < p.address.minChars) add("address_short", p.address.shortPoints, `address only ${x.address.chars} characters (< ${p.address.minChars})`, { chars: x.address.chars });
    if (!x.address.hasNumber) add("address_no_number", p.address.noNumberPoints, "address has no house or flat number", { hasNumber: 0 });
  }
  if (x.directory !== null && order.pincode) {
    if (x.directory.length === 0) add("pincode_unknown", p.address.unknownPincodePoints, `pincode ${order.pincode} is not in the India Post directory`, { pincode: order.pincode });
    else if (order.state && !x.directory.some((r) => sameState(r.state, order.state!))) {
      const states = [...new Set(x.directory.map((r) => r.state))].join(" / ");
      add("pincode_other_state", p.address.otherStatePoints, `pincode ${order.pincode} belongs to ${states}, not ${order.state}`, { pincode: order.pincode, directoryState: states, addressState: order.state });
    } else if (order.city && !cityMatches(order.city, x.directory)) {
      const districts = [...new Set(x.directory.map((r) => r.district))].join(" / ");
      add("pincode_other_city", p.address.otherCityPoints, `pincode ${order.pincode} is in ${districts}, not ${order.city}`, { pincode: order.pincode, directoryDistrict: districts, addressCity: order.city });
    }
  }

  // Velocity: several COD orders to one phone or one address within the window.
  const v = x.velocity ?? { samePhone: 0, sameAddress: 0 };
  const others = Math.max(v.samePhone, v.sameAddress);
  if (others > 0) {
    const what = v.samePhone >= v.sameAddress ? "phone" : "address";
    add("velocity", p.velocity.perOrderPoints * Math.min(others, 3), `${others} other COD order${others === 1 ? "" : "s"} to the same ${what} in the last ${p.velocity.windowHours} h`, { samePhone: v.samePhone, sameAddress: v.sameAddress });
  }

  const score = Math.min(100, factors.reduce((s, f) => s + f.points, 0));
  const band = forcedHigh ? "high" : bandFor(score, policy);
  return { score, band, factors, forcedHigh, destinationRtoRate: dest?.rate ?? null, destinationLevel: dest?.level ?? null };
}

/** The prepaid offer for a high-risk order: the policy's share off, capped, never the whole order. */
export function prepaidOffer(totalPrice: number, policy: Policy): { amountPaise: number; discountPaise: number } {
  const p = policy.cod_risk;
  const discountPaise = Math.min(Math.round((totalPrice * p.prepaidDiscountPercent) / 100), p.prepaidDiscountMaxPaise, Math.max(0, totalPrice - 100));
  return { amountPaise: totalPrice - discountPaise, discountPaise };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
