/** The COD risk score of one order as the API and the order page show it: the score, band and each factor with its numbers (no address hash). */
import { getCodRisk } from "../../db/cod-risk";

export async function codRiskView(db: D1Database, orderId: string) {
  const r = await getCodRisk(db, orderId);
  if (!r) return null;
  return {
    score: r.score,
    band: r.band,
    forcedHigh: r.forcedHigh,
    destinationRtoRate: r.destinationRtoRate,
    destinationLevel: r.destinationLevel,
    factors: r.factors,
    address: r.addressChars === null ? null : { chars: r.addressChars, hasNumber: r.addressHasNumber },
    policyVersion: r.policyVersion,
    scoredAt: new Date(r.scoredAt).toISOString(),
  };
}
