/** Daily: reorder prompts and churn offers from the customer models, a page of customers per round trip. */
import { IDS_PER_STATEMENT } from "../db/bulk";
import { productCategories } from "../db/history";
import { loadCategoryIntervals } from "../db/customer-models";
import { outreachCandidates } from "../db/models";
import { storeTypicalIntervals } from "../decisions/models/clv";
import type { StoredPolicy } from "../db/policies";
import { loadCustomerPage } from "../db/rule-inputs";
import type { ReorderItem } from "../decisions/context";
import { decideChurnIntervention, decideReorderPrompt } from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import { commitDrafts } from "../pipeline/commit";

/**
 * Outreach also stops, after the customer that crossed it, once its reads and the decisions it
 * records reach this many queries (each customer adds at most a churn offer and a reorder prompt
 * per category), so an invocation stays well under 1,000 however many decisions a page holds.
 */
const OUTREACH_QUERY_BUDGET = 400;

/**
 * Reorder prompts and churn offers, from the customer models. Customers are read a page at a time
 * with everything the two rules need in one round trip per page (D1 counts queries per invocation).
 */
export async function decideCustomerOutreach(
  env: Env,
  stored: StoredPolicy,
  now: number,
  from: { after?: string; maxPages?: number; queryBudget?: number } = {},
): Promise<{ next: string | null }> {
  const shop = env.SHOPIFY_SHOP_DOMAIN || "your-store.myshopify.com";
  const categories = await productCategories(env.DB);
  const limit = (from.maxPages ?? Infinity) * IDS_PER_STATEMENT;
  const results = await outreachCandidates(env.DB, from.after ?? "", Number.isFinite(limit) ? limit + 1 : null);
  // One row past the budget says there is more: the next run starts after the last one done here.
  const more = Number.isFinite(limit) && results.length > limit;
  if (more) results.length = limit;
  // The store's typical interval per category, for shrinking each customer's few-order interval.
  const typical = storeTypicalIntervals(await loadCategoryIntervals(env.DB));
  let queries = 3;
  for (let i = 0; i < results.length; i += IDS_PER_STATEMENT) {
    const slice = results.slice(i, i + IDS_PER_STATEMENT);
    const page = await loadCustomerPage(env.DB, slice.map((r) => r.id), stored.policy);
    queries += 1;
    for (const [k, r] of slice.entries()) {
      const loaded = page.get(r.id);
      if (!loaded) continue;
      const { customer, openTicket, openReturn, orders } = loaded;
      const drafts: (DecisionDraft | null)[] = [];
      drafts.push(decideChurnIntervention({ customer, openTicket }, stored.policy, now));
      const intervals = JSON.parse(r.intervals) as Record<string, { orders: number; intervalDays: number | null; lastOrderAt: number }>;
      for (const [category, ci] of Object.entries(intervals)) {
        if (ci.intervalDays === null) continue;
        const items = lastItemsInCategory(orders, categories, category);
        if (!items) continue;
        drafts.push(
          decideReorderPrompt(
            {
              customer,
              category,
              ordersInCategory: ci.orders,
              intervalDays: ci.intervalDays,
              storeIntervalDays: typical.get(category) ?? null,
              lastOrderAt: ci.lastOrderAt,
              lastOrderDelivered: items.delivered,
              items: items.items,
              shopDomain: shop,
              openTicket,
              openReturn,
            },
            stored.policy,
            now,
          ),
        );
      }
      await commitDrafts(env, drafts, stored, now);
      // Each decision: its record (up to 2 queries), its actions (up to 2), the contact policy (2 reads in one round trip, 1 write).
      queries += 7 * drafts.filter(Boolean).length;
      const isLast = i + k === results.length - 1 && !more;
      if (queries >= (from.queryBudget ?? OUTREACH_QUERY_BUDGET) && !isLast) return { next: r.id };
    }
  }
  return { next: more ? results[results.length - 1]!.id : null };
}

/** The lines in `category` of the customer's newest order that has any (orders come newest first). */
function lastItemsInCategory(
  orders: readonly { lineItems: string; state: string | null }[],
  categories: ReadonlyMap<string, string | null>,
  category: string,
): { items: ReorderItem[]; delivered: boolean } | null {
  for (const o of orders) {
    const lines = JSON.parse(o.lineItems) as { sku: string | null; variantId: string | null; quantity: number; title: string }[];
    const inCategory = lines.filter((l) => l.sku && categories.get(l.sku) === category);
    if (!inCategory.length) continue;
    const items = inCategory.filter((l) => l.variantId).map((l) => ({ variantId: l.variantId!, quantity: l.quantity, title: l.title }));
    return items.length ? { items, delivered: o.state === "delivered" } : null;
  }
  return null;
}


