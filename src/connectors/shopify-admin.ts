/**
 * Shopify Admin GraphQL reads (reconciliation, subscriptions, inventory levels), through the same
 * credentials as the writes. Without a shop domain and Admin credentials there is nothing to read
 * from, and callers skip the job.
 */
import { logEvent } from "../lib/log";

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string }[];
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export function shopifyAdminConfigured(env: Env): boolean {
  return Boolean(env.SHOPIFY_SHOP_DOMAIN && env.SHOPIFY_ADMIN_TOKEN);
}

/** One Admin GraphQL call; a non-2xx answer or a GraphQL `errors` array is thrown (the job retries on its next run). */
export async function shopifyAdminGraphql<T>(env: Env, query: string, variables: Record<string, unknown>, fetchFn: FetchFn = (u, i) => fetch(u, i)): Promise<T> {
  const res = await fetchFn(`https://${env.SHOPIFY_SHOP_DOMAIN}/admin/api/${env.SHOPIFY_API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": env.SHOPIFY_ADMIN_TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  if (!res.ok) {
    logEvent("shopify_admin_read_failed", { status: res.status });
    throw new Error(`shopify graphql ${res.status}`);
  }
  const body = (await res.json()) as GraphqlResponse<T>;
  if (body.errors?.length || !body.data) throw new Error(`shopify graphql: ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`);
  return body.data;
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
