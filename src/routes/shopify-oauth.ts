/**
 * Shopify OAuth install (authorization code grant) for an app installed into a client's store:
 * `GET /shopify/install?shop=` (signed in to the dashboard) sends the merchant to Shopify with a
 * signed, single-use `state`;
 * `GET /shopify/callback` accepts Shopify's redirect only when the HMAC, state, timestamp and shop
 * are right, exchanges the code for an expiring offline token, stores the pair in the Shopify
 * credential and registers the webhook subscriptions. Anything forged or replayed → 400, nothing stored.
 *
 * Shopify: "Authenticate a standalone or API-only app" (redirect, validate the callback, exchange
 * the code): https://shopify.dev/docs/apps/build/authentication-authorization/authenticate-standalone-apps .
 * The callback HMAC is hex HMAC-SHA256, keyed with the client secret, over the query without `hmac`,
 * parameters sorted by name (as Shopify's own shopify-api-js validates it).
 */
import { Hono } from "hono";
import { configFromEnv } from "../connectors/config";
import { exchangeShopifyCode, shopifyOrigin } from "../connectors/credential-grants";
import { credentialClient, credentialStub } from "../connectors/credentials";
import { subscribeShopifyOnce } from "../jobs/credentials";
import { kvKeys, kvPut, kvTake } from "../db/kv";
import { hmacSha256, safeEqual, toHex } from "../lib/crypto";
import { HttpError } from "../lib/errors";
import { logEvent } from "../lib/log";
import { requireSession, type DashboardEnv } from "./dashboard/auth";

export const shopifyOAuth = new Hono<DashboardEnv>();

/** What the install asks for: the Admin API calls Switchyard makes (reads, stock sets, tags, metafields, store credit, fulfilment events). */
export const DEFAULT_SCOPES =
  "read_orders,write_orders,read_products,write_products,read_inventory,write_inventory,read_locations,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_customers,write_customers,read_returns,write_store_credit_account_transactions";

const SHOP_HOSTNAME = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
/** How old a callback's `timestamp` may be, and how far ahead of our clock. */
export const CALLBACK_MAX_AGE_S = 300;
const CALLBACK_MAX_SKEW_S = 60;
const STATE_TTL_MS = 10 * 60_000;

interface OAuthSettings { clientId: string; clientSecret: string; adminBaseUrl: string; scopes: string }

function oauthSettings(env: Env): OAuthSettings {
  const e = env as Env & { SHOPIFY_SCOPES?: string };
  const config = configFromEnv(env).shopify;
  const missing = [
    config && config.credential.grant !== "static" ? null : "SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (the Dev Dashboard app's client credentials)",
    env.CREDENTIALS_KEY ? null : "CREDENTIALS_KEY (seals the refresh token at rest)",
  ].filter(Boolean);
  if (missing.length || !config || config.credential.grant === "static") throw new HttpError(409, `Shopify install is not set up: set ${missing.join(" and ")}`);
  return { clientId: config.credential.clientId, clientSecret: config.credential.clientSecret, adminBaseUrl: config.adminBaseUrl, scopes: e.SHOPIFY_SCOPES?.trim() || DEFAULT_SCOPES };
}

export function validShopHostname(shop: string | undefined): shop is string {
  return typeof shop === "string" && SHOP_HOSTNAME.test(shop);
}

function publicOrigin(env: Env, requestUrl: string): string {
  return (env.PUBLIC_URL || new URL(requestUrl).origin).replace(/\/+$/, "");
}

async function signState(secret: string, nonce: string, shop: string): Promise<string> {
  return `${nonce}.${toHex(await hmacSha256(secret, `shopify-oauth-state:${nonce}:${shop}`))}`;
}

/** The query Shopify signed: every parameter but `hmac`, sorted by name, form-encoded. */
export function callbackMessage(query: URLSearchParams): string {
  const entries = [...query.entries()].filter(([k]) => k !== "hmac").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(entries).toString();
}

// Only a signed-in operator starts an install: otherwise anyone with a store could connect theirs
// in the brand's place. The callback needs no session: it is bound to a state only this route issues.
shopifyOAuth.get("/install", requireSession, async (c) => {
  const shop = c.req.query("shop")?.trim().toLowerCase();
  if (!validShopHostname(shop)) throw new HttpError(400, "shop must be the store's <name>.myshopify.com hostname");
  const s = oauthSettings(c.env);
  const nonce = crypto.randomUUID().replace(/-/g, "");
  const now = Date.now();
  await kvPut(c.env.DB, kvKeys.shopifyOAuthState(nonce), shop, now);
  const authorize = new URL(`${shopifyOrigin(s.adminBaseUrl, shop)}/admin/oauth/authorize`);
  authorize.searchParams.set("client_id", s.clientId);
  authorize.searchParams.set("scope", s.scopes);
  authorize.searchParams.set("redirect_uri", `${publicOrigin(c.env, c.req.url)}/shopify/callback`);
  authorize.searchParams.set("state", await signState(s.clientSecret, nonce, shop));
  return c.redirect(authorize.toString(), 302);
});

shopifyOAuth.get("/callback", async (c) => {
  const url = new URL(c.req.url);
  const q = url.searchParams;
  const s = oauthSettings(c.env);
  const shop = q.get("shop") ?? undefined;
  const now = Date.now();
  if (!validShopHostname(shop)) throw new HttpError(400, "shop is not a myshopify.com hostname");
  const given = q.get("hmac") ?? "";
  const expected = toHex(await hmacSha256(s.clientSecret, callbackMessage(q)));
  if (!given || !safeEqual(given.toLowerCase(), expected)) throw new HttpError(400, "invalid HMAC");
  const ts = Number(q.get("timestamp"));
  if (!Number.isFinite(ts) || ts * 1000 < now - CALLBACK_MAX_AGE_S * 1000 || ts * 1000 > now + CALLBACK_MAX_SKEW_S * 1000) throw new HttpError(400, "stale or missing timestamp");
  const state = q.get("state") ?? "";
  const [nonce] = state.split(".");
  if (!nonce || !safeEqual(state, await signState(s.clientSecret, nonce, shop))) throw new HttpError(400, "unknown state");
  // Single use: a replayed callback finds its state gone.
  const stored = await kvTake(c.env.DB, kvKeys.shopifyOAuthState(nonce));
  if (!stored || stored.value !== shop || stored.updatedAt < now - STATE_TTL_MS) throw new HttpError(400, "unknown state");
  const code = q.get("code");
  if (!code) throw new HttpError(400, "missing code");

  const fetchFn = (u: string, i: RequestInit) => fetch(u, i);
  const pair = await exchangeShopifyCode(fetchFn, s, shop, code, now);
  if (pair.kind !== "token") {
    logEvent("shopify_install_exchange_failed", { shop, httpStatus: pair.httpStatus });
    throw new HttpError(400, `Shopify did not exchange the code: ${pair.reason}`);
  }
  await credentialStub(c.env.CREDENTIAL, "shopify").install("shopify", shop, pair, now);
  const config = configFromEnv(c.env);
  const subscriptions = await subscribeShopifyOnce(c.env, config, credentialClient(c.env.CREDENTIAL), fetchFn, now, publicOrigin(c.env, c.req.url), true);
  return c.json({
    ok: true,
    shop,
    tokenExpiresAt: pair.expiresAt === null ? null : new Date(pair.expiresAt).toISOString(),
    expiring: pair.refreshToken !== null,
    subscriptions: subscriptions ? { created: subscriptions.created, alreadyPresent: subscriptions.present, failed: subscriptions.failed } : null,
  });
});
