/** Hourly: customer models (LTV, tier, intervals, next order, churn) a page at a time. */
import { runBatches } from "../db/bulk";
import { customerPage, ordersOfCustomers, productCategories } from "../db/history";
import { loadCustomerFit } from "../db/customer-models";
import { upsertCustomerModel } from "../db/models";
import { refitCustomerModel } from "./customer-fit";
import type { StoredPolicy } from "../db/policies";
import { buildCustomerModel, type CustomerOrder } from "../decisions/models/customers";

/**
 * Customer models for every customer after `from.after`, a page at a time, for at most
 * `from.maxPages` pages. Returns how many were modelled and, when the page budget ran out first,
 * the cursor to continue from.
 */
export async function refreshCustomerModels(
  db: D1Database,
  stored: StoredPolicy,
  now: number,
  from: { after?: string; maxPages?: number; pageSize?: number } = {},
): Promise<{ done: number; next: string | null }> {
  const pageSize = from.pageSize ?? 500;
  // The store's BG/NBD + Gamma-Gamma fit: refitted when a run starts, read back by its later slices.
  const fit = from.after === undefined ? await refitCustomerModel(db, stored.policy, now) : await loadCustomerFit(db);
  const categories = await productCategories(db);
  let after = from.after ?? "";
  let done = 0;
  for (let page = 0; ; page++) {
    if (page >= (from.maxPages ?? Infinity)) return { done, next: after };
    const customers = await customerPage(db, after, pageSize);
    if (customers.length === 0) break;
    after = customers[customers.length - 1]!.id;
    const byCustomer = new Map<string, CustomerOrder[]>();
    for (const o of await ordersOfCustomers(db, customers.map((c) => c.id))) {
      const cats = new Set<string>();
      for (const li of JSON.parse(o.lineItems) as { sku: string | null }[]) {
        const c = li.sku ? categories.get(li.sku) : null;
        if (c) cats.add(c);
      }
      const list = byCustomer.get(o.customerId) ?? [];
      list.push({ id: o.id, createdAt: o.createdAt, totalPrice: o.totalPrice, cancelled: o.cancelledAt !== null, categories: [...cats] });
      byCustomer.set(o.customerId, list);
    }
    const statements = customers.map((c) => {
      const model = buildCustomerModel(
        { customerId: c.id, shopify: c.totalSpent === null ? null : { totalSpent: c.totalSpent, ordersCount: c.ordersCount ?? 0, asOf: c.updatedAt }, createdAt: c.createdAt, orders: byCustomer.get(c.id) ?? [] },
        stored.policy,
        now,
        fit,
      );
      return upsertCustomerModel(db, model, now);
    });
    await runBatches(db, statements);
    done += customers.length;
    if (customers.length < pageSize) break;
  }
  return { done, next: null };
}
