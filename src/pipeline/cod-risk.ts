/**
 * Scores each COD order the first time Switchyard sees it (decisions/cod-risk.ts) and keeps the
 * score: every later event of the order, the journey's first step, the confirmation decision, the
 * order page and the API read the same score. History is read as of the order's placement.
 */
import type { Order } from "../canonical/model";
import { codOrderTotals, codVelocity, destinationCounts, earlierOrders, getCodRisk, getCodRisks, pincodePlaces, saveCodRisk, type StoredCodRisk } from "../db/cod-risk";
import type { StoredPolicy } from "../db/policies";
import { addressFacts, destinationRtoRate, scoreCodRisk, type CodRiskInputs } from "../decisions/cod-risk";
import { customerFacts, storeUsualCod } from "../decisions/cod-risk-history";
import { sha256Hex } from "../lib/crypto";
import { DAY_MS, HOUR_MS } from "../lib/time";

/** A hash of the address lines and pincode, normalised (case, spaces, punctuation), so two orders to one door match without keeping the address. */
export async function addressKeyOf(lines: string, pincode: string | null): Promise<string> {
  const norm = `${lines} ${pincode ?? ""}`.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  return (await sha256Hex(`cod-address:${norm}`)).slice(0, 32);
}

/** What the score reads for one order, from D1 as of its placement. */
export async function codRiskInputs(db: D1Database, o: Order, stored: StoredPolicy, addressKey: string | null): Promise<CodRiskInputs> {
  const policy = stored.policy;
  const created = Date.parse(o.createdAt);
  const [counts, places, history, velocity, totals] = await Promise.all([
    destinationCounts(db, o.shippingPincode),
    o.shippingPincode ? pincodePlaces(db, o.shippingPincode) : Promise.resolve(null),
    earlierOrders(db, { orderId: o.id, customerId: o.customerId, phone: o.phone, before: created, asOf: created }),
    codVelocity(db, { orderId: o.id, phone: o.phone, addressKey, from: created - policy.cod_risk.velocity.windowHours * HOUR_MS, to: created }),
    codOrderTotals(db, created - 30 * DAY_MS, created),
  ]);
  const blockedTag = policy.cod_risk.customer.blockedTag.toLowerCase();
  return {
    order: { id: o.id, totalPrice: o.totalPrice, paymentMethod: o.paymentMethod, pincode: o.shippingPincode, city: o.shippingCity, state: o.shippingState, createdAt: created },
    destination: destinationRtoRate(counts, policy),
    customer: customerFacts(history, (o.customerTags ?? []).some((t) => t.toLowerCase() === blockedTag)),
    storeMedianOrderPaise: storeUsualCod(totals),
    address: addressFacts(o.shippingAddressLines ?? null),
    directory: places,
    velocity,
  };
}

/** The stored score of each COD order in the batch, scoring (and storing) those seen for the first time. */
export async function scoreCodOrders(db: D1Database, orders: readonly Order[], stored: StoredPolicy, now: number): Promise<Map<string, StoredCodRisk>> {
  const cod = orders.filter((o) => o.paymentMethod === "cod");
  if (!cod.length) return new Map();
  const known = await getCodRisks(db, cod.map((o) => o.id));
  for (const o of cod) {
    if (known.has(o.id)) continue;
    const addressKey = o.shippingAddressLines ? await addressKeyOf(o.shippingAddressLines, o.shippingPincode) : null;
    const inputs = await codRiskInputs(db, o, stored, addressKey);
    const score = scoreCodRisk(inputs, stored.policy);
    const row: StoredCodRisk = {
      ...score,
      orderId: o.id,
      addressChars: inputs.address?.chars ?? null,
      addressHasNumber: inputs.address?.hasNumber ?? null,
      addressKey,
      customerBlocked: inputs.customer?.blocked ?? false,
      policyVersion: stored.version,
      scoredAt: now,
    };
    await saveCodRisk(db, row).run();
    // Two deliveries of one order at once: the first insert wins, and its score is the one that stands.
    known.set(o.id, (await getCodRisk(db, o.id)) ?? row);
  }
  return known;
}
