/** The store's customer model fit (BG/NBD + Gamma-Gamma), refitted at the start of each customer-model cron run. */
import { clearCustomerFit, loadStoreCustomerHistories, saveCustomerFit } from "../db/customer-models";
import { fitStoreCustomerModel, type StoreCustomerFit } from "../decisions/models/clv";
import { customerSummary, medianGapDays } from "../decisions/models/customers";
import type { Policy } from "../decisions/policy";
import type { CustomerSummary } from "../decisions/models/transactions";

/**
 * Fits on every customer with an order as of `now` and stores the fit; with too few customers to
 * trust a fit, removes any old one (predictions are then absent, and the rules fall back to intervals).
 */
export async function refitCustomerModel(db: D1Database, policy: Policy, now: number): Promise<StoreCustomerFit | null> {
  const histories = await loadStoreCustomerHistories(db);
  const summaries: CustomerSummary[] = [];
  const gaps: number[] = [];
  for (const h of histories) {
    const s = customerSummary(h, now, policy.quietHours.utcOffsetMinutes);
    if (!s) continue;
    summaries.push(s);
    const gap = medianGapDays(h.orders.filter((o) => !o.cancelled).map((o) => o.createdAt).sort((a, b) => a - b));
    if (gap !== null) gaps.push(gap);
  }
  const fit = fitStoreCustomerModel(summaries, now, gaps);
  if (fit) await saveCustomerFit(db, fit);
  else await clearCustomerFit(db);
  return fit;
}
