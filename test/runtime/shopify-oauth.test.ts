/**
 * The Shopify OAuth install against an edge that answers as Shopify does: the callback is accepted
 * only when HMAC, state, timestamp and shop are right; the code becomes an expiring offline token
 * whose refresh token rotates on every refresh (persisted, and recovered after a lost response);
 * webhook subscriptions are registered once; app/uninstalled stops every Shopify call.
 */
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/routes";
import { SHOPIFY_SUBSCRIPTION_TOPICS } from "../../src/canonical/shopify-topics";
import { configFromEnv } from "../../src/connectors/config";
import { credentialClient, credentialStub } from "../../src/connectors/credentials";
import { subscribeShopifyOnce } from "../../src/jobs/credentials";
import { unseal } from "../../src/lib/sealed";
import { createSession } from "../../src/routes/dashboard/session";
import { executeOne } from "../../src/queues/actions";
import { form, json, vendorEdge, type EdgeCall } from "../helpers/vendor-edge";

afterEach(() => vi.restoreAllMocks());

const SHOP = "client-store.myshopify.com";
const SECRET = "oauth-client-secret";
const ENV = { ...env, SHOPIFY_CLIENT_ID: "oauth-client", SHOPIFY_CLIENT_SECRET: SECRET, SHOPIFY_SHOP_DOMAIN: "", SHOPIFY_ADMIN_TOKEN: "", PUBLIC_URL: "https://switchyard.example" } as unknown as Env;
const config = configFromEnv(ENV);
const TOKEN_URL = `https://${SHOP}/admin/oauth/access_token`;
const GRAPHQL = `https://${SHOP}/admin/api/2026-07/graphql.json`;
const HOOK_URI = "https://switchyard.example/webhooks/shopify";

const request = (path: string, init: RequestInit = {}) => app.request(path, init, ENV, createExecutionContext());

async function hexHmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Shopify's store: codes, the rotating refresh token (previous kept until its replacement is used), Admin GraphQL. */
function shopifyStore(opts: { existingTopics?: string[] } = {}) {
  let n = 0;
  const codes = new Set<string>();
  let current: string | null = null;
  let retained: string | null = null;
  const access = new Set<string>();
  const subscriptions = (opts.existingTopics ?? []).map((topic) => ({ topic, uri: HOOK_URI }));
  const creates: string[] = [];
  let loseNextRefresh = false;
  const issue = () => {
    n += 1;
    const pair = { access_token: `shpua_${n}`, refresh_token: `shprt_${n}` };
    access.add(pair.access_token);
    return pair;
  };
  const edge = vendorEdge({
    [`POST ${TOKEN_URL}`]: (call: EdgeCall) => {
      const f = form(call);
      if (f.client_id !== "oauth-client" || f.client_secret !== SECRET) return json(401, { error: "invalid_client" });
      if (f.code) {
        if (!codes.delete(f.code) || f.expiring !== "1") return json(400, { error: "invalid_request", error_description: "The authorization code was not found or was already used" });
        const p = issue();
        retained = null;
        current = p.refresh_token;
        return json(200, { ...p, expires_in: 3599, refresh_token_expires_in: 7_776_000, scope: "write_orders,write_inventory" });
      }
      if (f.grant_type === "refresh_token") {
        if (f.refresh_token !== current && f.refresh_token !== retained) return json(400, { error: "invalid_grant", error_description: "refresh token is invalid or expired" });
        const p = issue();
        retained = f.refresh_token!;
        current = p.refresh_token;
        if (loseNextRefresh) {
          loseNextRefresh = false;
          throw new TypeError("Network connection lost.");
        }
        return json(200, { ...p, expires_in: 3599, refresh_token_expires_in: 7_776_000, scope: "write_orders,write_inventory" });
      }
      return json(400, { error: "unsupported_grant_type" });
    },
    [`POST ${GRAPHQL}`]: (call) => {
      if (!access.has(call.headers.get("x-shopify-access-token") ?? "")) return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
      const body = JSON.parse(call.body) as { query: string; variables: Record<string, any> };
      if (body.query.includes("webhookSubscriptions(")) {
        return json(200, { data: { webhookSubscriptions: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: subscriptions.map((s, i) => ({ id: `gid://shopify/WebhookSubscription/${i}`, ...s })) } } });
      }
      if (body.query.includes("webhookSubscriptionCreate")) {
        subscriptions.push({ topic: body.variables.topic, uri: body.variables.sub.uri });
        creates.push(body.variables.topic);
        return json(200, { data: { webhookSubscriptionCreate: { webhookSubscription: { id: `gid://shopify/WebhookSubscription/${subscriptions.length}` }, userErrors: [] } } });
      }
      return json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/42" }, userErrors: [] } } });
    },
  });
  return {
    ...edge,
    codes,
    creates,
    get current() { return current; },
    loseNextRefresh: () => { loseNextRefresh = true; },
  };
}

/** Runs /shopify/install and builds the callback Shopify would send, signed as Shopify signs it. */
async function startInstall(store: ReturnType<typeof shopifyStore>, over: Record<string, string> = {}) {
  const res = await request(`/shopify/install?shop=${SHOP}`, { headers: { cookie: await signedIn() } });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location")!);
  const code = `code-${crypto.randomUUID()}`;
  store.codes.add(code);
  const params: Record<string, string> = { code, host: btoa(`admin.shopify.com/store/client-store`), shop: SHOP, state: location.searchParams.get("state")!, timestamp: String(Math.floor(Date.now() / 1000)), ...over };
  const sorted = Object.keys(params).sort().map((k) => [k, params[k]!] as [string, string]);
  const hmac = await hexHmac(SECRET, new URLSearchParams(sorted).toString());
  return { location, params, hmac };
}

const signedIn = async () => `sy_session=${await createSession(env.SESSION_SECRET, Date.now())}`;

const callback = (params: Record<string, string>, hmac: string) => request(`/shopify/callback?${new URLSearchParams({ ...params, hmac })}`);

const describeShopify = () => credentialStub(env.CREDENTIAL, "shopify").describe(config.shopify!.credential);

async function insertTagAction(): Promise<string> {
  const id = `act-${crypto.randomUUID()}`;
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, 'shopify', 'shopify.tags_add', ?, 'pending', 0, ?, ?, 'order', '42', ?, ?)`,
  )
    .bind(id, `test:${id}`, now, JSON.stringify({ resource: "order", id: "42", tags: ["vip"] }), now, now)
    .run();
  return id;
}
const status = async (id: string) => (await env.DB.prepare(`SELECT status, last_error AS lastError FROM actions WHERE id = ?`).bind(id).first<{ status: string; lastError: string | null }>())!;

describe("Shopify OAuth install", () => {
  it("/shopify/install (signed in) redirects to the store's authorize page with the client id, scopes, callback and a signed state; anything but a myshopify hostname is 400", async () => {
    const store = shopifyStore();
    const { location } = await startInstall(store);
    expect(`${location.origin}${location.pathname}`).toBe(`https://${SHOP}/admin/oauth/authorize`);
    expect(location.searchParams.get("client_id")).toBe("oauth-client");
    expect(location.searchParams.get("redirect_uri")).toBe("https://switchyard.example/shopify/callback");
    expect(location.searchParams.get("scope")).toContain("write_inventory");
    expect(location.searchParams.get("state")).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{64}$/);
    for (const bad of ["evil.com", "client-store.myshopify.com.evil.com", "https://client-store.myshopify.com", ""]) {
      expect((await request(`/shopify/install?shop=${encodeURIComponent(bad)}`, { headers: { cookie: await signedIn() } })).status).toBe(400);
    }
    // Without a dashboard session nobody can start an install (someone else's store in the brand's place).
    const anonymous = await request(`/shopify/install?shop=${SHOP}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?next=/);
    expect(store.calls).toEqual([]);
  });

  it("refuses a forged or replayed callback (HMAC, state, timestamp, shop each wrong → 400) and stores nothing", async () => {
    const store = shopifyStore();
    const before = await describeShopify();
    const cases: [string, (s: Awaited<ReturnType<typeof startInstall>>) => Promise<Response>][] = [
      ["bad HMAC", async (s) => callback({ ...s.params, code: "code-tampered" }, s.hmac)],
      ["stale timestamp", async (s) => {
        const p = { ...s.params, timestamp: String(Math.floor(Date.now() / 1000) - 600) };
        return callback(p, await hexHmac(SECRET, new URLSearchParams(Object.keys(p).sort().map((k) => [k, p[k as keyof typeof p]!])).toString()));
      }],
      ["unknown state", async (s) => {
        const p = { ...s.params, state: `${"0".repeat(32)}.${"a".repeat(64)}` };
        return callback(p, await hexHmac(SECRET, new URLSearchParams(Object.keys(p).sort().map((k) => [k, p[k as keyof typeof p]!])).toString()));
      }],
      ["shop not myshopify", async (s) => {
        const p = { ...s.params, shop: "client-store.evil.com" };
        return callback(p, await hexHmac(SECRET, new URLSearchParams(Object.keys(p).sort().map((k) => [k, p[k as keyof typeof p]!])).toString()));
      }],
      ["state of another shop", async (s) => {
        const p = { ...s.params, shop: "other-store.myshopify.com" };
        return callback(p, await hexHmac(SECRET, new URLSearchParams(Object.keys(p).sort().map((k) => [k, p[k as keyof typeof p]!])).toString()));
      }],
    ];
    for (const [name, send] of cases) {
      const res = await send(await startInstall(store));
      expect(res.status, name).toBe(400);
      expect((await res.json<{ error: string }>()).error, name).toBeTruthy();
    }
    expect(store.to("POST", TOKEN_URL)).toEqual([]);
    const after = await describeShopify();
    expect(after.lastMintedAt).toBe(before.lastMintedAt);
    expect(after.shop).toBe(before.shop);

    // A right callback replayed: the first is accepted, the replay is 400 (its state was used).
    const ok = await startInstall(store);
    expect((await callback(ok.params, ok.hmac)).status).toBe(200);
    const mints = store.to("POST", TOKEN_URL).length;
    expect((await callback(ok.params, ok.hmac)).status).toBe(400);
    expect(store.to("POST", TOKEN_URL).length).toBe(mints);
  });

  it("exchanges the code for an expiring offline token, stores it sealed, and registers each webhook topic once (skipping those present)", async () => {
    const store = shopifyStore({ existingTopics: ["ORDERS_CREATE"] });
    const s = await startInstall(store);
    const res = await callback(s.params, s.hmac);
    expect(res.status).toBe(200);
    const body = await res.json<{ shop: string; expiring: boolean; subscriptions: { created: string[]; alreadyPresent: string[] } }>();
    expect(body).toMatchObject({ shop: SHOP, expiring: true });
    const exchange = form(store.to("POST", TOKEN_URL)[0]!);
    expect(exchange).toMatchObject({ client_id: "oauth-client", code: s.params.code, expiring: "1" });
    const expected = SHOPIFY_SUBSCRIPTION_TOPICS.filter((t) => t !== "ORDERS_CREATE");
    expect(body.subscriptions.created.sort()).toEqual([...expected].sort());
    expect(store.creates).toContain("APP_UNINSTALLED");
    expect(new Set(store.creates).size).toBe(store.creates.length);
    const view = await describeShopify();
    expect(view).toMatchObject({ mode: "oauth", status: "ok", shop: SHOP, tokenHeld: true, refreshTokenHeld: true, encryptedAtRest: true });
    expect(JSON.stringify(view)).not.toContain("shpua_");
    // The sweep and a second install register nothing twice.
    await subscribeShopifyOnce(ENV, config, credentialClient(env.CREDENTIAL), (u, i) => fetch(u, i), Date.now());
    const again = await startInstall(store);
    expect((await callback(again.params, again.hmac)).status).toBe(200);
    expect(store.creates.length).toBe(expected.length);
  });

  it("refresh-token rotation is persisted, and a refresh whose response was lost is recovered with the token Shopify kept", async () => {
    const store = shopifyStore();
    const s = await startInstall(store);
    expect((await callback(s.params, s.hmac)).status).toBe(200);
    const installedRefresh = store.current!;
    const t0 = Date.now();
    const at = (ms: number) => credentialClient(env.CREDENTIAL, { now: () => t0 + ms });
    const settings = config.shopify!.credential;
    // 55 min in (renewal margin 6 min): one refresh with the installed refresh token.
    const a = await at(55 * 60_000).token(settings);
    expect(a.ok).toBe(true);
    const refreshes = () => store.to("POST", TOKEN_URL).map(form).filter((f) => f.grant_type === "refresh_token").map((f) => f.refresh_token);
    expect(refreshes()).toEqual([installedRefresh]);
    const rotated = store.current!;
    // Persisted: the sealed refresh token in storage is the new one.
    const sealed = await runInDurableObject(credentialStub(env.CREDENTIAL, "shopify"), (_i, state) => JSON.parse(state.storage.sql.exec<{ body: string }>(`SELECT body FROM state`).toArray()[0]!.body) as { refresh: string });
    expect(await unseal(env.CREDENTIALS_KEY, "credential:shopify:refresh", sealed.refresh)).toBe(rotated);

    // The next refresh's response is lost after Shopify rotated: the token in hand is kept while valid…
    store.loseNextRefresh();
    const b = await at(110 * 60_000).token(settings);
    expect(b.ok && b.token).toBe(a.ok && a.token);
    expect(refreshes()).toEqual([installedRefresh, rotated]);
    // …and the next attempt, with the same refresh token (Shopify kept it), gets a new pair, which is kept.
    const c = await at(116 * 60_000).token(settings);
    expect(c.ok).toBe(true);
    expect(refreshes()).toEqual([installedRefresh, rotated, rotated]);
    const recovered = store.current!;
    const d = await at(175 * 60_000).token(settings);
    expect(d.ok).toBe(true);
    expect(refreshes()).toEqual([installedRefresh, rotated, rotated, recovered]);
  });

  it("app/uninstalled stops every Shopify call and shows the store disconnected; a new install releases what waited", async () => {
    const store = shopifyStore();
    const s = await startInstall(store);
    expect((await callback(s.params, s.hmac)).status).toBe(200);
    const uninstalled = async (shop: string) => {
      const body = JSON.stringify({ id: 1, name: "Client Store", domain: shop });
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const sig = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))));
      return request("/webhooks/shopify", {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-topic": "app/uninstalled", "x-shopify-hmac-sha256": sig, "x-shopify-shop-domain": shop, "x-shopify-webhook-id": crypto.randomUUID(), "x-shopify-event-id": crypto.randomUUID() },
        body,
      });
    };
    // Another store uninstalling the same app changes nothing here.
    expect(await (await uninstalled("another-client.myshopify.com")).json()).toEqual({ ok: true, disconnected: false });
    expect(await describeShopify()).toMatchObject({ status: "ok", tokenHeld: true });
    const res = await uninstalled(SHOP);
    expect(res.status).toBe(200);
    expect(await describeShopify()).toMatchObject({ status: "disconnected", tokenHeld: false });
    const calls = store.calls.length;
    const id = await insertTagAction();
    await executeOne(ENV, id, config, {});
    expect(await status(id)).toMatchObject({ status: "blocked" });
    expect((await status(id)).lastError).toContain("uninstalled");
    expect(store.calls.length).toBe(calls);
    const pipeline = await (await request("/api/pipeline", { headers: { authorization: "Bearer test-api-token" } })).json<{ connectors: { connector: string; status: string }[] }>();
    expect(pipeline.connectors.find((c) => c.connector === "shopify")).toMatchObject({ status: "disconnected" });
    const dashboard = await (await request("/", { headers: { cookie: await signedIn() } })).text();
    expect(dashboard).toContain('id="connectors-attention"');
    expect(dashboard).toMatch(/shopify disconnected: the app was uninstalled from client-store\.myshopify\.com/);

    const again = await startInstall(store);
    expect((await callback(again.params, again.hmac)).status).toBe(200);
    expect(["pending", "sending", "sent", "dry_run"]).toContain((await status(id)).status);
    await executeOne(ENV, id, config, {});
    expect(["sent", "dry_run"]).toContain((await status(id)).status);
  });
});
