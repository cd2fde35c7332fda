/**
 * Shopify Admin GraphQL reads and setup calls through the Shopify credential (static token, client
 * credentials or OAuth install): the same token cache, 401 handling and outcome classification as
 * the outbox actions. Reconciliation and inventory reads are meant to use `shopifyGraphql` too.
 *
 * webhookSubscriptionCreate(topic, webhookSubscription: { uri, format }) — Admin GraphQL reference:
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/webhooksubscriptioncreate
 */
import { SHOPIFY_SUBSCRIPTION_TOPICS } from "../canonical/shopify-topics";
import { configFromEnv, type ShopifyConfig } from "./config";
import { credentialClient, withCredential, type CredentialClient } from "./credentials";
import { asRecord, executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";
import { shopifyTarget } from "./index";
import { shopifyGraphqlUrl, throttleWaitSeconds } from "./shopify";

export interface ShopifyDeps {
  config: ShopifyConfig;
  credentials: CredentialClient;
  fetch: FetchFn;
  now: number;
}

export type GraphqlResult<T> = { ok: true; data: T; shop: string } | { ok: false; outcome: Outcome };

/** A query's answer: throttling retries, GraphQL errors fail, data is handed back. */
export function interpretGraphqlRead(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  const errors = Array.isArray(o?.errors) ? o.errors.map(asRecord) : [];
  if (errors.some((e) => asRecord(e?.extensions)?.code === "THROTTLED")) {
    return { kind: "retry", httpStatus: status, reason: "Shopify GraphQL cost throttle", waitSeconds: throttleWaitSeconds(o?.extensions), throttled: true, response: body };
  }
  if (errors.length || !asRecord(o?.data)) return { kind: "failed", httpStatus: status, reason: errors.map((e) => String(e?.message ?? "GraphQL error")).join("; ") || "Shopify returned no data", response: body };
  return { kind: "sent", httpStatus: status, externalId: null, response: body };
}

export async function shopifyGraphql<T>(deps: ShopifyDeps, query: string, variables: Record<string, unknown>): Promise<GraphqlResult<T>> {
  let shop = "";
  const { outcome } = await withCredential(
    deps.credentials,
    deps.config.credential,
    (t): OutboundRequest => {
      const target = shopifyTarget(deps.config, t);
      shop = target.shopDomain;
      return { method: "POST", url: shopifyGraphqlUrl(target), headers: { "x-shopify-access-token": target.accessToken, "content-type": "application/json" }, body: { query, variables } };
    },
    (req) => executeRequest(deps.fetch, req, { interpret: interpretGraphqlRead, now: deps.now }),
  );
  if (outcome.kind !== "sent") return { ok: false, outcome };
  return { ok: true, data: asRecord(outcome.response)!.data as T, shop };
}

const SUBSCRIPTIONS_QUERY = `query Subscriptions($after: String) {
  webhookSubscriptions(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id topic uri } }
}`;

const CREATE_SUBSCRIPTION = `mutation Create($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } }
}`;

export interface SubscriptionReport {
  shop: string;
  present: string[];
  created: string[];
  failed: { topic: string; error: string }[];
}

/**
 * Subscribes `<publicUrl>/webhooks/shopify` to every topic Switchyard reads and to app/uninstalled,
 * skipping the topics already subscribed to that address: running it twice creates nothing twice.
 */
export async function registerWebhookSubscriptions(deps: ShopifyDeps, publicUrl: string): Promise<SubscriptionReport | { error: Outcome }> {
  const uri = `${publicUrl.replace(/\/+$/, "")}/webhooks/shopify`;
  const present = new Set<string>();
  let after: string | null = null;
  let shop = "";
  do {
    type Page = { webhookSubscriptions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { topic: string; uri?: string | null }[] } };
    const page: GraphqlResult<Page> = await shopifyGraphql<Page>(deps, SUBSCRIPTIONS_QUERY, { after });
    if (!page.ok) return { error: page.outcome };
    shop = page.shop;
    for (const s of page.data.webhookSubscriptions.nodes) if (s.uri === uri) present.add(s.topic);
    after = page.data.webhookSubscriptions.pageInfo.hasNextPage ? page.data.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);
  const created: string[] = [];
  const failed: { topic: string; error: string }[] = [];
  for (const topic of SHOPIFY_SUBSCRIPTION_TOPICS) {
    if (present.has(topic)) continue;
    const r = await shopifyGraphql<{ webhookSubscriptionCreate: { userErrors: { message: string }[] } }>(deps, CREATE_SUBSCRIPTION, { topic, sub: { uri, format: "JSON" } });
    if (!r.ok) failed.push({ topic, error: "reason" in r.outcome ? r.outcome.reason : r.outcome.kind });
    else if (r.data.webhookSubscriptionCreate.userErrors.length) failed.push({ topic, error: r.data.webhookSubscriptionCreate.userErrors.map((e) => e.message).join("; ") });
    else created.push(topic);
  }
  return { shop, present: [...present], created, failed };
}

/**
 * The Admin API as a job sees it (reconciliation, inventory reads): null without Shopify
 * credentials. Every call then goes through `shopifyGraphql` with the store's current token.
 */
export function shopifyAdminFromEnv(env: Env, now: number, fetchFn: FetchFn = (u, i) => fetch(u, i)): ShopifyDeps | null {
  const config = configFromEnv(env).shopify;
  if (!config) return null;
  return { config, credentials: credentialClient(env.CREDENTIAL, { now: () => now }), fetch: fetchFn, now };
}

/** Whether the Admin API can be read at all (a shop and a credential in any mode). */
export function shopifyAdminConfigured(env: Env): boolean {
  return configFromEnv(env).shopify !== null;
}

/** One Admin GraphQL read for a job: throws on any outcome but data (the job retries on its next run). */
export async function shopifyAdminGraphql<T>(env: Env, query: string, variables: Record<string, unknown>, fetchFn?: FetchFn): Promise<T> {
  const deps = shopifyAdminFromEnv(env, Date.now(), fetchFn);
  if (!deps) throw new Error("shopify graphql: no Shopify credentials");
  const r = await shopifyGraphql<T>(deps, query, variables);
  if (!r.ok) throw new Error(`shopify graphql ${"httpStatus" in r.outcome && r.outcome.httpStatus !== null ? r.outcome.httpStatus : ""}: ${"reason" in r.outcome ? r.outcome.reason : r.outcome.kind}`.trim());
  return r.data;
}

const AVAILABLE_QUERY = `query Available($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
}`;

/** The `available` quantity Shopify holds for an inventory item at a location. */
export async function readInventoryAvailable(env: Env, inventoryItemId: string, locationId: string, fetchFn?: FetchFn): Promise<number> {
  type Level = { inventoryItem?: { inventoryLevel?: { quantities?: { name: string; quantity: number }[] } | null } | null };
  const data = await shopifyAdminGraphql<Level>(
    env,
    AVAILABLE_QUERY,
    { item: `gid://shopify/InventoryItem/${inventoryItemId}`, location: `gid://shopify/Location/${locationId}` },
    fetchFn,
  ).catch((err: Error) => {
    throw new Error(err.message.replace("shopify graphql", "shopify inventory read"));
  });
  const actual = data.inventoryItem?.inventoryLevel?.quantities?.find((q) => q.name === "available")?.quantity;
  if (typeof actual !== "number") throw new Error("shopify inventory read: no available quantity");
  return actual;
}

/**
 * The store's locations, active and deactivated (QueryRoot `locations`, `includeInactive: true`;
 * https://shopify.dev/docs/api/admin-graphql/2026-01/queries/locations), so the location mapping
 * can name them before Shopify has reported stock at each. Needs `read_locations`.
 */
const LOCATIONS_QUERY = `query Locations($after: String) {
  locations(first: 100, after: $after, includeInactive: true) { pageInfo { hasNextPage endCursor } nodes { id name isActive } }
}`;

export async function readShopifyLocations(deps: ShopifyDeps): Promise<{ id: string; name: string; active: boolean }[] | { error: Outcome }> {
  const out: { id: string; name: string; active: boolean }[] = [];
  let after: string | null = null;
  do {
    type Page = { locations: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string; name: string; isActive: boolean }[] } };
    const page: GraphqlResult<Page> = await shopifyGraphql<Page>(deps, LOCATIONS_QUERY, { after });
    if (!page.ok) return { error: page.outcome };
    for (const n of page.data.locations.nodes) out.push({ id: n.id.replace(/^gid:\/\/shopify\/Location\//, ""), name: n.name, active: n.isActive });
    after = page.data.locations.pageInfo.hasNextPage ? page.data.locations.pageInfo.endCursor : null;
  } while (after);
  return out;
}
