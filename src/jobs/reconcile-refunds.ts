/**
 * Refund reconciliation (every 5 minutes): refunded orders updated since the watermark, read
 * through the Shopify credential; each refund D1 lacks is stored as a `refunds/create` raw event
 * with a deterministic delivery id and ingested by the webhook's own mapper. A refund D1 holds is
 * not stored again. Without Admin API credentials there is nothing to pull and the job says so.
 */
import { GraphqlOrderRefunds, graphqlRefundToRest, REFUNDED_ORDERS_QUERY, refundedOrdersSearch } from "../canonical/mappers/shopify-graphql";
import { shopifyAdminConfigured, shopifyAdminGraphql } from "../connectors/shopify-admin";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { knownShopifyRefunds } from "../db/reconcile-reads";
import { logEvent } from "../lib/log";

/** Pages (of 5 orders) one run reads; the watermark moves to the last order read, so the next run goes on from there. */
export const REFUND_PAGES_PER_RUN = 10;

export interface RefundReconcileResult {
  orders: number;
  refunds: number;
  ingested: number;
  complete: boolean;
}

export async function reconcileShopifyRefunds(env: Env, now: number, lookbackMs = 3 * 86_400_000): Promise<RefundReconcileResult | null> {
  if (!shopifyAdminConfigured(env)) {
    logEvent("reconcile_shopify_refunds_skipped", { reason: "no Shopify Admin credentials" });
    return null;
  }
  const mark = kvKeys.watermark("shopify", "refunds");
  const since = (await kvGet(env.DB, mark)) ?? new Date(now - lookbackMs).toISOString();
  let after: string | null = null;
  let newest = since;
  let orders = 0;
  let refunds = 0;
  let ingested = 0;
  let pages = 0;
  do {
    type Page = { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] } };
    const page: Page = await shopifyAdminGraphql<Page>(env, REFUNDED_ORDERS_QUERY, { query: refundedOrdersSearch(since), after });
    const parsed = page.orders.nodes.map((n) => GraphqlOrderRefunds.parse(n));
    const rest = parsed.flatMap((o) => o.refunds.map((r) => graphqlRefundToRest(o.legacyResourceId, r)));
    const known = await knownShopifyRefunds(env.DB, rest.map((r) => String(r.id)));
    for (const o of parsed) {
      orders += 1;
      if (o.updatedAt > newest) newest = o.updatedAt;
    }
    for (const refund of rest) {
      refunds += 1;
      if (known.has(String(refund.id))) continue;
      const stored = await storeAndEnqueue(env, {
        source: "shopify",
        deliveryId: `reconcile:refund:${refund.id}`,
        topic: "refunds/create",
        triggeredAt: Date.parse(String(refund.created_at)),
        body: JSON.stringify(refund),
        receivedAt: now,
      });
      if (stored.inserted) ingested += 1;
    }
    after = page.orders.pageInfo.hasNextPage ? page.orders.pageInfo.endCursor : null;
    pages += 1;
  } while (after && pages < REFUND_PAGES_PER_RUN);
  // Oldest first: everything up to the newest order read is done, even when the page budget ran out.
  await kvPut(env.DB, mark, newest, now);
  const result = { orders, refunds, ingested, complete: after === null };
  logEvent("reconcile_shopify_refunds", { ...result });
  return result;
}
