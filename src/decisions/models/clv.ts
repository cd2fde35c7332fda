/**
 * Store-level customer model: BG/NBD for how many orders each customer will place and whether they
 * are still active, Gamma-Gamma for what those orders are worth, fitted once per store by maximum
 * likelihood; predicted CLV over a horizon = expected orders × expected order value. Time in days.
 */
import { conditionalExpectedPurchases, fitBgnbd, pAlive, type BgnbdParams } from "./bgnbd";
import { expectedAverageSpend, fitGammaGamma, type GammaGammaParams } from "./gamma-gamma";
import type { CustomerSummary } from "./transactions";

/** Fewer customers than this, or fewer repeat buyers, and the fit is not trusted: no predictions. */
export const MIN_CUSTOMERS_TO_FIT = 20;
export const MIN_REPEAT_BUYERS_TO_FIT = 5;

export interface StoreCustomerFit {
  /** Time unit of the BG/NBD parameters. */
  unit: "day";
  bgnbd: BgnbdParams;
  /** Null when too few repeat buyers have a positive spend, or q ≤ 1 (no finite mean spend). */
  gammaGamma: GammaGammaParams | null;
  logLikelihood: number;
  customers: number;
  repeatBuyers: number;
  /** Median, over customers with two or more orders, of each one's median days between orders. */
  typicalIntervalDays: number | null;
  /**
   * Whether the fit finds drop-out at all: with a mean drop-out probability per order a ÷ (a + b)
   * under 0.1% (a → 0 or b → ∞, the optimiser at its bound) nobody ever becomes inactive in the model,
   * so its P(active) is 1 for everyone and says nothing; the rules then use their interval fallbacks.
   */
  dropoutIdentified: boolean;
  fittedAt: number;
}

export interface CustomerPrediction {
  pActive: number;
  /** Expected orders in (asOf, asOf + horizonDays]. */
  expectedOrders: number;
  /** Expected value of one future order (Gamma-Gamma), in the money unit of the input; null without a spend fit. */
  expectedOrderValue: number | null;
  /** expectedOrders × expectedOrderValue. */
  predictedClv: number | null;
  horizonDays: number;
  /**
   * Days from asOf to the next order if the customer is still active: 1 ÷ their posterior mean order
   * rate, (α + T) ÷ (r + x) (the Gamma(r, α) rate updated by x orders in T days).
   */
  daysToNextOrderIfActive: number;
}

/** Fits both models on the store's customer summaries (in days); null when there are too few customers to trust it. */
export function fitStoreCustomerModel(summaries: readonly CustomerSummary[], fittedAt: number, medianGaps: readonly number[] = []): StoreCustomerFit | null {
  const repeatBuyers = summaries.filter((s) => s.x > 0).length;
  if (summaries.length < MIN_CUSTOMERS_TO_FIT || repeatBuyers < MIN_REPEAT_BUYERS_TO_FIT) return null;
  const bg = fitBgnbd(summaries);
  if (!bg) return null;
  const gg = fitGammaGamma(summaries);
  const gammaGamma = gg && gg.customers >= MIN_REPEAT_BUYERS_TO_FIT && gg.params.q > 1 ? gg.params : null;
  return {
    unit: "day",
    bgnbd: bg.params,
    gammaGamma,
    logLikelihood: bg.logLikelihood,
    customers: summaries.length,
    repeatBuyers,
    typicalIntervalDays: median(medianGaps),
    dropoutIdentified: bg.params.a / (bg.params.a + bg.params.b) >= 1e-3,
    fittedAt,
  };
}

/** One customer's prediction for the `horizonDays` after their summary's asOf. */
export function predictCustomer(fit: Pick<StoreCustomerFit, "bgnbd" | "gammaGamma">, summary: CustomerSummary, horizonDays: number): CustomerPrediction {
  const pActive = pAlive(fit.bgnbd, summary);
  const expectedOrders = conditionalExpectedPurchases(fit.bgnbd, summary, horizonDays);
  const expectedOrderValue = fit.gammaGamma ? expectedAverageSpend(fit.gammaGamma, summary) : summary.x > 0 ? summary.m : null;
  return {
    pActive,
    expectedOrders,
    expectedOrderValue,
    predictedClv: expectedOrderValue === null ? null : expectedOrders * expectedOrderValue,
    horizonDays,
    daysToNextOrderIfActive: (fit.bgnbd.alpha + summary.T) / (fit.bgnbd.r + summary.x),
  };
}

/** Categories with at least this many customers' intervals get a store-typical interval. */
export const MIN_CUSTOMERS_FOR_TYPICAL = 3;

/** The median of customers' own intervals per category, where enough customers have one. */
export function storeTypicalIntervals(byCategory: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [category, days] of byCategory) {
    const positive = days.filter((d) => d > 0);
    if (positive.length >= MIN_CUSTOMERS_FOR_TYPICAL) out.set(category, median(positive)!);
  }
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
