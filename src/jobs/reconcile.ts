/**
 * Reconciliation with the source systems, for what webhooks never delivered: Shopify orders
 * updated since the last watermark, and the health of Shopify's webhook subscriptions.
 * Without Admin API credentials there is nothing to pull from, and the job says so.
 */
import { graphqlOrderToRest, ORDERS_SINCE_QUERY } from "../canonical/mappers/shopify-graphql";
import { shopifyAdminConfigured, shopifyAdminGraphql } from "../connectors/shopify-admin";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { orderUpdatedAt } from "../db/rule-inputs";
import { logEvent } from "../lib/log";

export const SUBSCRIBED_TOPICS = [
  "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE",
  "FULFILLMENT_EVENTS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "REFUNDS_CREATE",
  "RETURNS_REQUEST", "RETURNS_CLOSE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE",
  // Recorded so a later shop/redact can be honoured (docs/privacy.md).
  "APP_UNINSTALLED",
] as const;

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

const SUBSCRIPTIONS_QUERY = `query Subscriptions($after: String) {
  webhookSubscriptions(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id topic uri } }
}`;

const CREATE_SUBSCRIPTION = `mutation Create($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } }
}`;

/** Lists the shop's webhook subscriptions and re-creates any topic Shopify removed after failures. */
export async function ensureWebhookSubscriptions(env: Env, publicUrl: string): Promise<{ missing: string[]; created: string[] } | null> {
  if (!shopifyAdminConfigured(env) || !publicUrl) return null;
  const uri = `${publicUrl.replace(/\/$/, "")}/webhooks/shopify`;
  const present = new Set<string>();
  let after: string | null = null;
  do {
    type Page = { webhookSubscriptions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { topic: string; uri: string }[] } };
    const page: Page = await shopifyAdminGraphql<Page>(env, SUBSCRIPTIONS_QUERY, { after });
    for (const s of page.webhookSubscriptions.nodes) if (s.uri === uri) present.add(s.topic);
    after = page.webhookSubscriptions.pageInfo.hasNextPage ? page.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);
  const missing = SUBSCRIBED_TOPICS.filter((t) => !present.has(t));
  const created: string[] = [];
  for (const topic of missing) {
    const r = await shopifyAdminGraphql<{ webhookSubscriptionCreate: { userErrors: { message: string }[] } }>(env, CREATE_SUBSCRIPTION, { topic, sub: { uri, format: "JSON" } });
    if (r.webhookSubscriptionCreate.userErrors.length === 0) created.push(topic);
    else logEvent("webhook_subscription_create_failed", { topic, error: r.webhookSubscriptionCreate.userErrors[0]?.message });
  }
  if (missing.length) logEvent("webhook_subscriptions_repaired", { missing: missing.length, created: created.length });
  return { missing: [...missing], created };
}
