/**
 * How each vendor issues a token today, and how long it lives. One declaration per credential;
 * the Credential Durable Object caches what these return and decides when to call them again.
 *
 * Vendor documentation read for this file (2026-12):
 * - Shopify client credentials grant (apps of your own organisation, tokens of 24 h):
 *   https://shopify.dev/docs/apps/build/authentication-authorization/client-credentials-grant
 *   and https://shopify.dev/docs/apps/build/authentication-authorization/client-secrets
 * - Shopify expiring offline tokens (1 h, refresh token replaced on every refresh):
 *   https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh ,
 *   https://shopify.dev/docs/apps/build/security/credentials-and-data/use-expiring-offline-access-tokens ,
 *   and "More resilient refreshes for expiring offline access tokens" (2026-08-28: the previous
 *   refresh token is kept until its replacement is used, so a lost response can be recovered):
 *   https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens
 * - Shopify authorization code grant (code exchange):
 *   https://shopify.dev/docs/apps/build/authentication-authorization/authenticate-standalone-apps
 * - Zoho: refresh at the account's data centre (accounts.zoho.in / .com / .eu …), 1 h tokens,
 *   `api_domain` in the answer, at most ten access tokens per refresh token in ten minutes:
 *   https://zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 * - Shiprocket: `POST /v1/external/auth/login` with an API user's email and password; the token
 *   lasts 240 hours (10 days): https://apidocs.shiprocket.in/ ("Authentication").
 * - Unicommerce: `GET /oauth/token?grant_type=password&client_id=my-trusted-client&username=…&password=…`,
 *   answering access_token, refresh_token, expires_in: https://documentation.unicommerce.com/docs/oauth.html
 */
import { asRecord, vendorMessage, type FetchFn } from "./http";

export type CredentialName = "shopify" | "zoho" | "shiprocket" | "unicommerce";
export const CREDENTIAL_NAMES: readonly CredentialName[] = ["shopify", "zoho", "shiprocket", "unicommerce"];

/** static: a token set by hand · client_credentials · authorization_code (OAuth install) · refresh_token · login (user + password). */
export type Grant = "static" | "client_credentials" | "authorization_code" | "refresh_token" | "login";

export type CredentialSettings =
  | { name: "shopify"; grant: "static"; shop: string; token: string; adminBaseUrl: string }
  | { name: "shopify"; grant: "client_credentials"; shop: string; clientId: string; clientSecret: string; adminBaseUrl: string }
  | { name: "shopify"; grant: "authorization_code"; clientId: string; clientSecret: string; adminBaseUrl: string }
  | { name: "zoho"; grant: "static"; token: string }
  | { name: "zoho"; grant: "refresh_token"; accountsUrl: string; clientId: string; clientSecret: string; refreshToken: string }
  | { name: "shiprocket"; grant: "static"; token: string }
  | { name: "shiprocket"; grant: "login"; baseUrl: string; email: string; password: string }
  | { name: "unicommerce"; grant: "login"; baseUrl: string; username: string; password: string };

const HOUR = 3_600_000;

/** Declared lifetimes, used when a vendor's answer does not say (Shiprocket never does). */
export const LIFETIME_MS: Record<CredentialName, Partial<Record<Grant, number>>> = {
  shopify: { client_credentials: 24 * HOUR, authorization_code: HOUR },
  zoho: { refresh_token: HOUR },
  shiprocket: { login: 240 * HOUR },
  unicommerce: { login: 10 * HOUR },
};

/**
 * How long before expiry a token is renewed: a tenth of its life, at least five minutes and at
 * most a day (Shopify and Zoho hour tokens: 6 min; Shopify's 24 h token: 2.4 h; Shiprocket: 1 day).
 */
export function renewMarginMs(lifetimeMs: number): number {
  return Math.min(24 * HOUR, Math.max(5 * 60_000, Math.round(lifetimeMs / 10)));
}

/** Zoho: a refresh token may mint ten access tokens in ten minutes, then it is blocked for the rest. */
export const MINT_LIMIT: Partial<Record<CredentialName, { count: number; windowMs: number }>> = {
  zoho: { count: 10, windowMs: 10 * 60_000 },
};

/** What a token endpoint answered. `rejected` is for good (revoked, wrong secret); `retry` is not. */
export type MintResult =
  | { kind: "token"; accessToken: string; expiresAt: number | null; refreshToken: string | null; refreshExpiresAt: number | null; apiDomain: string | null; scope: string | null }
  | { kind: "rejected"; httpStatus: number | null; reason: string }
  | { kind: "retry"; httpStatus: number | null; reason: string; waitSeconds: number | null };

/** Refresh tokens the object holds (Shopify OAuth, Unicommerce): current and the one it replaced. */
export interface HeldRefresh {
  current: string | null;
  previous: string | null;
}

export const TOKEN_TIMEOUT_MS = 10_000;

/** `{shop}` in SHOPIFY_ADMIN_BASE_URL stands for the store's myshopify hostname. */
export function shopifyOrigin(adminBaseUrl: string, shop: string): string {
  return adminBaseUrl.replace("{shop}", shop).replace(/\/+$/, "");
}

/** Obtains a fresh token by the credential's grant (not used for static tokens). */
export async function mintToken(fetchFn: FetchFn, s: CredentialSettings, held: HeldRefresh & { shop: string | null }, now: number): Promise<MintResult> {
  switch (s.name) {
    case "shopify": {
      if (s.grant === "static") return { kind: "token", accessToken: s.token, expiresAt: null, refreshToken: null, refreshExpiresAt: null, apiDomain: null, scope: null };
      if (s.grant === "client_credentials") {
        return tokenCall(fetchFn, `${shopifyOrigin(s.adminBaseUrl, s.shop)}/admin/oauth/access_token`, form({ grant_type: "client_credentials", client_id: s.clientId, client_secret: s.clientSecret }), now, LIFETIME_MS.shopify.client_credentials!, "Shopify");
      }
      if (!held.shop || !held.current) return { kind: "rejected", httpStatus: null, reason: "no Shopify store installed: open /shopify/install?shop=<store>.myshopify.com" };
      const url = `${shopifyOrigin(s.adminBaseUrl, held.shop)}/admin/oauth/access_token`;
      const refresh = (token: string) => tokenCall(fetchFn, url, form({ grant_type: "refresh_token", client_id: s.clientId, client_secret: s.clientSecret, refresh_token: token }), now, HOUR, "Shopify");
      const first = await refresh(held.current);
      // Shopify keeps the refresh token it replaced until the replacement is used: when the one we
      // hold is refused and we still have the one before it, that one recovers the pair.
      if (first.kind === "rejected" && held.previous && held.previous !== held.current) return refresh(held.previous);
      return first;
    }
    case "zoho": {
      if (s.grant === "static") return { kind: "token", accessToken: s.token, expiresAt: null, refreshToken: null, refreshExpiresAt: null, apiDomain: null, scope: null };
      const q = new URLSearchParams({ refresh_token: s.refreshToken, client_id: s.clientId, client_secret: s.clientSecret, grant_type: "refresh_token" });
      return tokenCall(fetchFn, `${s.accountsUrl.replace(/\/+$/, "")}/oauth/v2/token?${q}`, { method: "POST", headers: {}, body: null }, now, HOUR, "Zoho");
    }
    case "shiprocket": {
      if (s.grant === "static") return { kind: "token", accessToken: s.token, expiresAt: null, refreshToken: null, refreshExpiresAt: null, apiDomain: null, scope: null };
      return tokenCall(
        fetchFn,
        `${s.baseUrl.replace(/\/+$/, "")}/v1/external/auth/login`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: s.email, password: s.password }) },
        now,
        LIFETIME_MS.shiprocket.login!,
        "Shiprocket",
      );
    }
    case "unicommerce": {
      const base = `${s.baseUrl.replace(/\/+$/, "")}/oauth/token`;
      const get = (q: Record<string, string>) => tokenCall(fetchFn, `${base}?${new URLSearchParams(q)}`, { method: "GET", headers: { "content-type": "application/json" }, body: null }, now, LIFETIME_MS.unicommerce.login!, "Unicommerce");
      if (held.current) {
        const r = await get({ grant_type: "refresh_token", client_id: "my-trusted-client", refresh_token: held.current });
        if (r.kind !== "rejected") return r;
        // An expired refresh token: the password grant starts a fresh pair.
      }
      return get({ grant_type: "password", client_id: "my-trusted-client", username: s.username, password: s.password });
    }
  }
}

/** Shopify authorization code grant: the code from the callback for an expiring offline token (`expiring=1`). */
export async function exchangeShopifyCode(fetchFn: FetchFn, s: { adminBaseUrl: string; clientId: string; clientSecret: string }, shop: string, code: string, now: number): Promise<MintResult> {
  return tokenCall(fetchFn, `${shopifyOrigin(s.adminBaseUrl, shop)}/admin/oauth/access_token`, form({ client_id: s.clientId, client_secret: s.clientSecret, code, expiring: "1" }), now, null, "Shopify");
}

function form(fields: Record<string, string>): { method: string; headers: Record<string, string>; body: string } {
  return { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: new URLSearchParams(fields).toString() };
}

async function tokenCall(fetchFn: FetchFn, url: string, init: { method: string; headers: Record<string, string>; body: string | null }, now: number, defaultLifetimeMs: number | null, vendor: string): Promise<MintResult> {
  let res: Response;
  try {
    res = await fetchFn(url, { method: init.method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { kind: "retry", httpStatus: null, reason: `${vendor} token endpoint ${timedOut ? "timed out" : `unreachable: ${err instanceof Error ? err.message : String(err)}`}`, waitSeconds: null };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: kept as text for the message */
  }
  const o = asRecord(body);
  const message = describeTokenError(body, text);
  if (res.status === 429) return { kind: "retry", httpStatus: 429, reason: `${vendor} token endpoint rate limited: ${message}`, waitSeconds: numberOr(res.headers.get("retry-after"), null) };
  if (res.status >= 500) return { kind: "retry", httpStatus: res.status, reason: `${vendor} token endpoint answered HTTP ${res.status}: ${message}`, waitSeconds: null };
  // Zoho blocks a refresh token that minted too often, with "Access Denied": wait out its ten minutes.
  if (o?.error === "Access Denied" && /too many requests/i.test(String(o.error_description ?? ""))) {
    return { kind: "retry", httpStatus: res.status, reason: `${vendor}: ${message}`, waitSeconds: 600 };
  }
  // Zoho answers a revoked or wrong refresh token with HTTP 200 and {"error": "invalid_code"}.
  const token = typeof o?.access_token === "string" ? o.access_token : typeof o?.token === "string" ? o.token : null;
  if (res.status >= 400 || o?.error || !token) {
    return { kind: "rejected", httpStatus: res.status, reason: `${vendor} refused the credentials (HTTP ${res.status}): ${message}` };
  }
  const expiresIn = numberOr(o?.expires_in, null);
  const refreshIn = numberOr(o?.refresh_token_expires_in, null);
  return {
    kind: "token",
    accessToken: token,
    // No expires_in and no declared lifetime: a token that does not expire (a non-expiring Shopify install).
    expiresAt: expiresIn !== null ? now + expiresIn * 1000 : defaultLifetimeMs !== null ? now + defaultLifetimeMs : null,
    refreshToken: typeof o?.refresh_token === "string" ? o.refresh_token : null,
    refreshExpiresAt: refreshIn !== null ? now + refreshIn * 1000 : null,
    apiDomain: typeof o?.api_domain === "string" ? o.api_domain : null,
    scope: typeof o?.scope === "string" ? o.scope : null,
  };
}

function describeTokenError(body: unknown, text: string): string {
  const o = asRecord(body);
  const parts = [o?.error, o?.error_description].filter((v): v is string => typeof v === "string" && v.length > 0);
  return (parts.length ? parts.join(": ") : vendorMessage(body, text)).slice(0, 300);
}

function numberOr(v: unknown, fallback: number | null): number | null {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : fallback;
}

/** What a credential's object answers when asked for a token. */
export type TokenResult =
  | { ok: true; token: string; expiresAt: number | null; shop: string | null; apiDomain: string | null }
  | { ok: false; status: "unauthorised" | "disconnected" | "not_connected"; reason: string }
  /** `attempted`: the endpoint was called and failed now; otherwise the object is waiting out its backoff. */
  | { ok: false; status: "retry"; reason: string; waitSeconds: number; attempted: boolean };
