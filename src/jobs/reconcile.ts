/**
 * Reconciliation with the source systems, for what webhooks never delivered: Shopify orders
 * updated since the last watermark, and the health of Shopify's webhook subscriptions.
 * Without Admin API credentials there is nothing to pull from, and the job says so.
 */
import { graphqlOrderToRest, ORDERS_SINCE_QUERY } from "../canonical/mappers/shopify-graphql";
import { SHOPIFY_SUBSCRIPTION_TOPICS } from "../canonical/shopify-topics";
import { registerWebhookSubscriptions, shopifyAdminConfigured, shopifyAdminFromEnv, shopifyAdminGraphql } from "../connectors/shopify-admin";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { orderUpdatedAt } from "../db/rule-inputs";
import { logEvent } from "../lib/log";

/** The topics the daily repair keeps subscribed: the same list an install registers. */
export const SUBSCRIBED_TOPICS = SHOPIFY_SUBSCRIPTION_TOPICS;

async function getWatermark(db: D1Database): Promise<string | null> {
  return kvGet(db, kvKeys.watermark("shopify", "orders"));
}

async function setWatermark(db: D1Database, value: string, now: number): Promise<void> {
  await kvPut(db, kvKeys.watermark("shopify", "orders"), value, now);
}

/**
 * Pulls every order updated since the watermark and ingests the ones D1 lacks or holds an older
 * version of, through the same raw-event → queue → mapper path as a webhook.
 */
export async function reconcileShopifyOrders(
  env: Env,
  now: number,
  lookbackMs = 3 * 86_400_000,
  backfill?: { since: string; after: string | null; maxPages: number },
): Promise<{ pulled: number; ingested: number; after: string | null } | null> {
  if (!shopifyAdminConfigured(env)) return null;
  const since = backfill?.since ?? (await getWatermark(env.DB)) ?? new Date(now - lookbackMs).toISOString();
  let after: string | null = backfill?.after ?? null;
  let pulled = 0;
  let ingested = 0;
  let newest = since;
  let pages = 0;
  do {
    type Page = { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] } };
    const page: Page = await shopifyAdminGraphql<Page>(env, ORDERS_SINCE_QUERY, { query: `updated_at:>='${since}'`, after });
    for (const node of page.orders.nodes) {
      pulled += 1;
      const rest = graphqlOrderToRest(node);
      const updatedAt = String(rest.updated_at);
      if (updatedAt > newest) newest = updatedAt;
      const known = await orderUpdatedAt(env.DB, String(rest.id));
      if (known !== null && known >= Date.parse(updatedAt)) continue;
      const stored = await storeAndEnqueue(env, {
        source: "shopify",
        deliveryId: `reconcile:${rest.id}:${updatedAt}`,
        topic: "orders/updated",
        triggeredAt: Date.parse(updatedAt),
        body: JSON.stringify(rest),
        receivedAt: now,
      });
      if (stored.inserted) ingested += 1;
    }
    after = page.orders.pageInfo.hasNextPage ? page.orders.pageInfo.endCursor : null;
    pages += 1;
    // A backfill stops after a bounded number of pages per call (subrequest and CPU limits) and
    // hands back the cursor; the caller comes back for the next slice.
    if (backfill && pages >= backfill.maxPages) break;
  } while (after);
  if (!backfill) await setWatermark(env.DB, newest, now);
  logEvent("reconcile_shopify_orders", { pulled, ingested, backfill: Boolean(backfill) });
  return { pulled, ingested, after };
}

/**
 * The daily repair: re-creates any topic Shopify removed (it drops a subscription after repeated
 * failed deliveries), whatever the credential mode, through the same registration an install runs.
 */
export async function ensureWebhookSubscriptions(env: Env, publicUrl: string, now = Date.now()): Promise<{ missing: string[]; created: string[] } | null> {
  const deps = shopifyAdminFromEnv(env, now);
  if (!deps || !publicUrl) return null;
  const report = await registerWebhookSubscriptions(deps, publicUrl);
  if ("error" in report) throw new Error(`shopify webhook subscriptions: ${"reason" in report.error ? report.error.reason : report.error.kind}`);
  const missing = SUBSCRIBED_TOPICS.filter((t) => !report.present.includes(t));
  for (const f of report.failed) logEvent("webhook_subscription_create_failed", { topic: f.topic, error: f.error });
  if (missing.length) logEvent("webhook_subscriptions_repaired", { missing: missing.length, created: report.created.length });
  // The hourly anomaly check names what Shopify had dropped (it drops a topic after repeated failed deliveries).
  await kvPut(env.DB, kvKeys.shopifySubscriptionsMissing(), JSON.stringify({ missing, created: report.created, at: now }), now);
  return { missing: [...missing], created: report.created };
}
