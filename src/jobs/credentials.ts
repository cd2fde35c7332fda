/**
 * The credentials sweep (every 5 minutes): a refused credential whose settings changed (a new
 * secret was put) is tried again, and on success its blocked actions are released; a Shopify store
 * with a first token gets its webhook subscriptions registered once.
 */
import { configFromEnv, type ConnectorConfig } from "../connectors/config";
import type { CredentialSettings } from "../connectors/credential-grants";
import { credentialClient, credentialStub, type CredentialClient } from "../connectors/credentials";
import type { FetchFn } from "../connectors/http";
import { registerWebhookSubscriptions, type SubscriptionReport } from "../connectors/shopify-admin";
import { kvDelete, kvGet, kvKeys, kvPut } from "../db/kv";
import { logEvent } from "../lib/log";

export interface SweepDeps {
  config?: ConnectorConfig;
  fetch?: FetchFn;
  prefix?: string;
}

export function configuredCredentials(config: ConnectorConfig): CredentialSettings[] {
  return [config.shopify?.credential, config.zoho?.credential, config.shiprocket?.credential, config.unicommerce?.credential].filter((c): c is CredentialSettings => Boolean(c));
}

export async function sweepCredentials(env: Env, now: number, deps: SweepDeps = {}): Promise<{ rechecked: string[]; subscriptions: SubscriptionReport | null }> {
  const config = deps.config ?? configFromEnv(env);
  const rechecked: string[] = [];
  for (const settings of configuredCredentials(config)) {
    const r = await credentialStub(env.CREDENTIAL, settings.name, deps.prefix).recheck(settings, now);
    if (r) {
      rechecked.push(settings.name);
      logEvent("credential_rechecked", { credential: settings.name, ok: r.ok });
    }
  }
  const client = credentialClient(env.CREDENTIAL, { now: () => now, prefix: deps.prefix });
  const subscriptions = await subscribeShopifyOnce(env, config, client, deps.fetch ?? ((u, i) => fetch(u, i)), now);
  return { rechecked, subscriptions };
}


/**
 * After an install or a store's first token: register the README's topics and app/uninstalled,
 * once per store (the daily repair keeps them). Needs PUBLIC_URL, the address Shopify should call.
 */
export async function subscribeShopifyOnce(env: Env, config: ConnectorConfig, credentials: CredentialClient, fetchFn: FetchFn, now: number, publicUrl: string = env.PUBLIC_URL, force = false): Promise<SubscriptionReport | null> {
  if (!config.shopify || !publicUrl) return null;
  const t = await credentials.token(config.shopify.credential);
  if (!t.ok) return null;
  const shop = t.shop ?? ("shop" in config.shopify.credential ? config.shopify.credential.shop : "");
  if (!force && (await kvGet(env.DB, kvKeys.shopifySubscribed(shop)))) return null;
  const report = await registerWebhookSubscriptions({ config: config.shopify, credentials, fetch: fetchFn, now }, publicUrl);
  if ("error" in report) {
    logEvent("shopify_subscriptions_failed", { reason: "reason" in report.error ? report.error.reason : report.error.kind });
    return null;
  }
  if (!report.failed.length) await kvPut(env.DB, kvKeys.shopifySubscribed(shop), new Date(now).toISOString(), now);
  logEvent("shopify_subscriptions", { created: report.created.length, present: report.present.length, failed: report.failed.length });
  return report;
}

/** app/uninstalled: subscriptions go with the app, so a reinstall registers them afresh. */
export async function forgetShopifySubscriptions(db: D1Database, shop: string): Promise<void> {
  await kvDelete(db, kvKeys.shopifySubscribed(shop));
}
