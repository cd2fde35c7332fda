/**
 * Reconciliation with the source systems, for what webhooks never delivered: Shopify orders
 * updated since the last watermark, and the health of Shopify's webhook subscriptions.
 * Without Admin API credentials there is nothing to pull from, and the job says so.
 */
import { graphqlOrderToRest, ORDERS_SINCE_QUERY } from "../canonical/mappers/shopify-graphql";
import { storeAndEnqueue } from "../db/raw-events";
import { logEvent } from "../lib/log";

export const SUBSCRIBED_TOPICS = [
  "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE",
  "FULFILLMENT_EVENTS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "REFUNDS_CREATE",
  "RETURNS_REQUEST", "RETURNS_CLOSE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE",
  // Recorded so a later shop/redact can be honoured (docs/privacy.md).
  "APP_UNINSTALLED",
] as const;

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string }[];
}

async function shopifyGraphql<T>(env: Env, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`https://${env.SHOPIFY_SHOP_DOMAIN}/admin/api/${env.SHOPIFY_API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": env.SHOPIFY_ADMIN_TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  if (!res.ok) throw new Error(`shopify graphql ${res.status}`);
  const body = (await res.json()) as GraphqlResponse<T>;
  if (body.errors?.length || !body.data) throw new Error(`shopify graphql: ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`);
  return body.data;
}

function configured(env: Env): boolean {
  return Boolean(env.SHOPIFY_SHOP_DOMAIN && env.SHOPIFY_ADMIN_TOKEN);
}

async function getWatermark(db: D1Database, key: string): Promise<string | null> {
  return (await db.prepare(`SELECT value FROM kv WHERE key = ?`).bind(key).first<{ value: string }>())?.value ?? null;
}

async function setWatermark(db: D1Database, key: string, value: string, now: number): Promise<void> {
  await db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).bind(key, value, now).run();
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
  if (!configured(env)) return null;
  const key = "reconcile:shopify:orders";
  const since = backfill?.since ?? (await getWatermark(env.DB, key)) ?? new Date(now - lookbackMs).toISOString();
  let after: string | null = backfill?.after ?? null;
  let pulled = 0;
  let ingested = 0;
  let newest = since;
  let pages = 0;
  do {
    type Page = { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] } };
    const page: Page = await shopifyGraphql<Page>(env, ORDERS_SINCE_QUERY, { query: `updated_at:>='${since}'`, after });
    for (const node of page.orders.nodes) {
      pulled += 1;
      const rest = graphqlOrderToRest(node);
      const updatedAt = String(rest.updated_at);
      if (updatedAt > newest) newest = updatedAt;
      const known = await env.DB.prepare(`SELECT updated_at AS u FROM orders WHERE id = ?`).bind(String(rest.id)).first<{ u: number }>();
      if (known && known.u >= Date.parse(updatedAt)) continue;
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
  if (!backfill) await setWatermark(env.DB, key, newest, now);
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
  if (!configured(env) || !publicUrl) return null;
  const uri = `${publicUrl.replace(/\/$/, "")}/webhooks/shopify`;
  const present = new Set<string>();
  let after: string | null = null;
  do {
    type Page = { webhookSubscriptions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { topic: string; uri: string }[] } };
    const page: Page = await shopifyGraphql<Page>(env, SUBSCRIPTIONS_QUERY, { after });
    for (const s of page.webhookSubscriptions.nodes) if (s.uri === uri) present.add(s.topic);
    after = page.webhookSubscriptions.pageInfo.hasNextPage ? page.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);
  const missing = SUBSCRIBED_TOPICS.filter((t) => !present.has(t));
  const created: string[] = [];
  for (const topic of missing) {
    const r = await shopifyGraphql<{ webhookSubscriptionCreate: { userErrors: { message: string }[] } }>(env, CREATE_SUBSCRIPTION, { topic, sub: { uri, format: "JSON" } });
    if (r.webhookSubscriptionCreate.userErrors.length === 0) created.push(topic);
    else logEvent("webhook_subscription_create_failed", { topic, error: r.webhookSubscriptionCreate.userErrors[0]?.message });
  }
  if (missing.length) logEvent("webhook_subscriptions_repaired", { missing: missing.length, created: created.length });
  return { missing: [...missing], created };
}
