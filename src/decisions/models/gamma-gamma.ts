/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for
 * customer base analysis", JMR 42(4); Hardie's note "The Gamma-Gamma model of monetary value"):
 * a customer's transaction values are Gamma(p, ν) around their own mean, ν ~ Gamma(q, γ) across
 * customers. Fitted on customers with at least one repeat purchase, from x and the mean value m̄ₓ
 * of those repeat transactions; assumed independent of the purchase process.
 */
import { nelderMead } from "./optimise";
import { lnGamma } from "./special";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** One customer's spend summary: x repeat transactions with mean value m. */
export interface SpendSummary {
  x: number;
  m: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
}

/** ln L of the customers' mean spends (the note's eq. 3; m̄ₓ's density given x). */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, customers: readonly SpendSummary[]): number {
  const byX = new Map<number, number>();
  let ll = 0;
  for (const { x, m } of customers) {
    let g = byX.get(x);
    if (g === undefined) {
      g = lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + p * x * Math.log(x);
      byX.set(x, g);
    }
    ll += g + q * Math.log(gamma) + (p * x - 1) * Math.log(m) - (p * x + q) * Math.log(gamma + m * x);
  }
  return ll;
}

/**
 * Maximum-likelihood fit on customers with x ≥ 1 and m > 0; null when there are none. Spends are
 * first divided by their mean (γ is a money scale, p and q are unit-free), log-parameters kept within
 * ±9 of that scale (spends with no heterogeneity drive q and γ to infinity), and γ scaled back.
 */
export function fitGammaGamma(all: readonly SpendSummary[]): GammaGammaFit | null {
  const customers = all.filter((c) => c.x >= 1 && c.m > 0);
  if (customers.length === 0) return null;
  const scale = customers.reduce((s, c) => s + c.m, 0) / customers.length;
  const scaled = customers.map((c) => ({ x: c.x, m: c.m / scale }));
  const toParams = (v: readonly number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  const result = nelderMead((v) => (v.every((x) => Math.abs(x) <= 9) ? -gammaGammaLogLikelihood(toParams(v), scaled) : Infinity), [0, 0, 0], { step: 0.5, tolerance: 1e-12, maxIterations: 5000 });
  const p = toParams(result.x);
  const params = { ...p, gamma: p.gamma * scale };
  return { params, logLikelihood: gammaGammaLogLikelihood(params, customers), customers: customers.length };
}

/**
 * E[M | x, m̄ₓ]: expected value of this customer's future transactions, a weighted mean of the
 * population mean pγ/(q − 1) and their own m̄ₓ (weight grows with x). With x = 0 it is the
 * population mean. Needs q > 1 (a finite population mean); otherwise the customer's own mean,
 * or null when they have none.
 */
export function expectedAverageSpend({ p, q, gamma }: GammaGammaParams, { x, m }: SpendSummary): number | null {
  if (q <= 1) return x > 0 ? m : null;
  if (x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
