/**
 * Credentials against a Shopify edge that answers as Shopify does (client credentials grant,
 * Admin GraphQL 401s): mint once, reuse, renew ahead of expiry, 401 → one refresh + one retry,
 * refused → actions blocked (not dead) and one ops alert, a new secret releases them, concurrent
 * callers share one refresh, a token endpoint that is down keeps the old token while it is valid.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnv, type ConnectorConfig } from "../../src/connectors/config";
import { credentialClient, credentialStub } from "../../src/connectors/credentials";
import { shopifyGraphql } from "../../src/connectors/shopify-admin";
import { sweepCredentials } from "../../src/jobs/credentials";
import { executeOne } from "../../src/queues/actions";
import { api } from "../helpers/runtime";
import { form, json, vendorEdge, type EdgeCall } from "../helpers/vendor-edge";

afterEach(() => vi.restoreAllMocks());

let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++seq}`;
const SHOP = "acme.myshopify.com";
const TOKEN_URL = `https://${SHOP}/admin/oauth/access_token`;
const GRAPHQL = `https://${SHOP}/admin/api/2026-07/graphql.json`;

function shopifyConfig(secret = "cc-secret"): ConnectorConfig {
  return configFromEnv({ ...env, SHOPIFY_SHOP_DOMAIN: SHOP, SHOPIFY_CLIENT_ID: "cc-client", SHOPIFY_CLIENT_SECRET: secret, SHOPIFY_ADMIN_TOKEN: "" } as unknown as Env);
}

/** Shopify as it behaves: the client credentials grant mints 24 h tokens; GraphQL answers 401 to any other token. */
function shopify(opts: { tokenStatus?: () => number; graphql401?: (token: string) => boolean; delayMs?: number; expiresIn?: number } = {}) {
  const minted: string[] = [];
  const edge = vendorEdge({
    [`POST ${TOKEN_URL}`]: async (call: EdgeCall) => {
      if (opts.delayMs) await scheduler.wait(opts.delayMs);
      const status = opts.tokenStatus?.() ?? 200;
      if (status >= 500) return json(status, { errors: "Internal Server Error" });
      const f = form(call);
      if (f.grant_type !== "client_credentials" || f.client_id !== "cc-client" || f.client_secret !== "cc-secret") {
        return json(401, { error: "invalid_client", error_description: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method." });
      }
      const token = `shpat_cc_${minted.length + 1}_${crypto.randomUUID().slice(0, 8)}`;
      minted.push(token);
      return json(200, { access_token: token, scope: "write_orders,write_inventory", expires_in: opts.expiresIn ?? 86399 });
    },
    [`POST ${GRAPHQL}`]: (call) => {
      const token = call.headers.get("x-shopify-access-token") ?? "";
      if (!minted.includes(token) || opts.graphql401?.(token)) return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
      return json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/42" }, userErrors: [] } }, extensions: { cost: { requestedQueryCost: 10 } } });
    },
  });
  return { ...edge, minted };
}

async function insertTagAction(): Promise<string> {
  const id = uid("act");
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, 'shopify', 'shopify.tags_add', ?, 'pending', 0, ?, ?, 'order', '42', ?, ?)`,
  )
    .bind(id, `test:${id}`, now, JSON.stringify({ resource: "order", id: "42", tags: ["at-risk"] }), now, now)
    .run();
  return id;
}

const row = (id: string) =>
  env.DB.prepare(`SELECT status, attempts, last_error AS lastError, request FROM actions WHERE id = ?`).bind(id).first<{ status: string; attempts: number; lastError: string | null; request: string | null }>();
const outcomes = async (id: string) =>
  (await env.DB.prepare(`SELECT outcome FROM action_attempts WHERE action_id = ? ORDER BY attempt, at`).bind(id).all<{ outcome: string }>()).results.map((r) => r.outcome);

/** Runs one action at time `at` through the real consumer code, with this test's own credential object. */
async function run(id: string, config: ConnectorConfig, prefix: string, at: number) {
  return executeOne(env, id, config, { now: () => at, credentials: credentialClient(env.CREDENTIAL, { now: () => at, prefix }) });
}

const HOUR = 3_600_000;

describe("credentials: Shopify client credentials grant", () => {
  it("mints on the first call, reuses the token within its life, and renews once a few hours before its 24 h are up", async () => {
    const edge = shopify();
    const prefix = uid("p");
    const config = shopifyConfig();
    const t0 = Date.now();
    const a = await insertTagAction(), b = await insertTagAction(), c = await insertTagAction(), d = await insertTagAction();
    await run(a, config, prefix, t0);
    await run(b, config, prefix, t0 + HOUR);
    expect(edge.to("POST", TOKEN_URL)).toHaveLength(1);
    const first = form(edge.to("POST", TOKEN_URL)[0]!);
    expect(first).toMatchObject({ grant_type: "client_credentials", client_id: "cc-client" });
    expect(edge.to("POST", GRAPHQL).map((x) => x.headers.get("x-shopify-access-token"))).toEqual([edge.minted[0], edge.minted[0]]);
    // 22 h in: inside the renewal margin (a tenth of the life, 2.4 h) → exactly one refresh.
    await run(c, config, prefix, t0 + 22 * HOUR);
    await run(d, config, prefix, t0 + 22 * HOUR + 60_000);
    expect(edge.minted).toHaveLength(2);
    expect(edge.to("POST", GRAPHQL).slice(2).map((x) => x.headers.get("x-shopify-access-token"))).toEqual([edge.minted[1], edge.minted[1]]);
    for (const id of [a, b, c, d]) expect((await row(id))!.status).toBe("sent");
    // The stored request never shows the token.
    expect((await row(a))!.request).not.toContain(edge.minted[0]!);
    expect(edge.unexpected).toEqual([]);
  });

  it("registers the webhook topics once after the store's first token (client credentials), skipping none twice", async () => {
    const subs: { topic: string; uri: string }[] = [];
    const created: string[] = [];
    const minted: string[] = [];
    vendorEdge({
      [`POST ${TOKEN_URL}`]: () => {
        minted.push(`shpat_sub_${minted.length}`);
        return json(200, { access_token: minted.at(-1), scope: "write_orders", expires_in: 86399 });
      },
      [`POST ${GRAPHQL}`]: (call) => {
        if (!minted.includes(call.headers.get("x-shopify-access-token") ?? "")) return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        const body = JSON.parse(call.body) as { query: string; variables: Record<string, any> };
        if (body.query.includes("webhookSubscriptions(")) return json(200, { data: { webhookSubscriptions: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: subs.map((x, i) => ({ id: `gid://shopify/WebhookSubscription/${i}`, ...x })) } } });
        subs.push({ topic: body.variables.topic, uri: body.variables.sub.uri });
        created.push(body.variables.topic);
        return json(200, { data: { webhookSubscriptionCreate: { webhookSubscription: { id: `gid://shopify/WebhookSubscription/${subs.length}` }, userErrors: [] } } });
      },
    });
    const prefix = uid("p");
    const shopEnv = { ...env, PUBLIC_URL: "https://brand-switchyard.example" } as unknown as Env;
    const t0 = Date.now();
    const first = await sweepCredentials(shopEnv, t0, { config: shopifyConfig(), prefix });
    expect(first.subscriptions!.created).toContain("APP_UNINSTALLED");
    expect(first.subscriptions!.created).toContain("ORDERS_CREATE");
    expect(subs.every((x) => x.uri === "https://brand-switchyard.example/webhooks/shopify")).toBe(true);
    const n = created.length;
    // The next sweeps find the store done and register nothing.
    const second = await sweepCredentials(shopEnv, t0 + 300_000, { config: shopifyConfig(), prefix });
    expect(second.subscriptions).toBeNull();
    expect(created.length).toBe(n);
    expect(new Set(created).size).toBe(created.length);
    expect(minted).toHaveLength(1);
  });

  it("an OAuth app not yet installed: actions wait as blocked (not connected), and the install releases them", async () => {
    const edge = vendorEdge({});
    const prefix = uid("p");
    const config = configFromEnv({ ...env, SHOPIFY_CLIENT_ID: "cid", SHOPIFY_CLIENT_SECRET: "sec", SHOPIFY_SHOP_DOMAIN: "", SHOPIFY_ADMIN_TOKEN: "" } as unknown as Env);
    const id = await insertTagAction();
    const t0 = Date.now();
    await run(id, config, prefix, t0);
    expect(await row(id)).toMatchObject({ status: "blocked" });
    expect((await row(id))!.lastError).toContain("/shopify/install");
    expect(edge.calls).toEqual([]);
    await credentialStub(env.CREDENTIAL, "shopify", prefix).install("shopify", "late.myshopify.com", { kind: "token", accessToken: "shpua_x", expiresAt: t0 + 3_600_000, refreshToken: "shprt_x", refreshExpiresAt: null, apiDomain: null, scope: null }, t0 + 1000);
    expect(["pending", "sending", "dry_run"]).toContain((await row(id))!.status);
  });

  it("keeps tokens sealed at rest: the object's storage holds no token in clear", async () => {
    const edge = shopify();
    const prefix = uid("p");
    await run(await insertTagAction(), shopifyConfig(), prefix, Date.now());
    const stored = await runInDurableObject(credentialStub(env.CREDENTIAL, "shopify", prefix), (_i, state) => state.storage.sql.exec<{ body: string }>(`SELECT body FROM state`).toArray()[0]!.body);
    expect(edge.minted).toHaveLength(1);
    expect(stored).not.toContain(edge.minted[0]!);
    expect(JSON.parse(stored).access).toMatch(/^v1\./);
  });

  it("a 401 on a live token → one refresh and one retry, and the action is sent", async () => {
    let revoked: string | null = null;
    const edge = shopify({ graphql401: (t) => t === revoked });
    const prefix = uid("p");
    const config = shopifyConfig();
    const t0 = Date.now();
    await run(await insertTagAction(), config, prefix, t0);
    revoked = edge.minted[0]!; // Shopify revoked it (say, the app's scopes changed)
    const id = await insertTagAction();
    await run(id, config, prefix, t0 + 60_000);
    expect(edge.minted).toHaveLength(2);
    expect(edge.to("POST", GRAPHQL).slice(1).map((x) => x.headers.get("x-shopify-access-token"))).toEqual([edge.minted[0], edge.minted[1]]);
    expect(await row(id)).toMatchObject({ status: "sent" });
  });

  it("a second 401 → unauthorised: actions wait as blocked (not dead, no attempt budget spent), one ops alert, nothing more is sent; a new secret releases them", async () => {
    const edge = shopify({ graphql401: () => true });
    const prefix = uid("p");
    const config = shopifyConfig();
    const t0 = Date.now();
    const first = await insertTagAction();
    await run(first, config, prefix, t0);
    expect(edge.minted).toHaveLength(2); // the first token and the one refresh
    expect(edge.to("POST", GRAPHQL)).toHaveLength(2); // the call and its one retry
    const r = await row(first);
    expect(r).toMatchObject({ status: "blocked" });
    expect(r!.lastError).toContain("Invalid API key or access token");
    expect(await outcomes(first)).toEqual(["blocked"]);
    // One ops alert for the refusal.
    const alerts = await env.DB.prepare(`SELECT count(*) AS n FROM actions WHERE kind = 'email.ops_alert' AND idempotency_key LIKE ?`).bind(`credential:shopify:unauthorised:${t0}:%`).first<{ n: number }>();
    expect(alerts!.n).toBe(1);
    // The next action waits without a single call to Shopify, and no second alert.
    const callsBefore = edge.calls.length;
    const second = await insertTagAction();
    await run(second, config, prefix, t0 + 60_000);
    expect(await row(second)).toMatchObject({ status: "blocked" });
    expect(edge.calls.length).toBe(callsBefore);
    const alertsAfter = await env.DB.prepare(`SELECT count(*) AS n FROM actions WHERE kind = 'email.ops_alert' AND subject_type = 'connector' AND idempotency_key LIKE ?`).bind(`credential:shopify:unauthorised:%`).first<{ n: number }>();
    expect(alertsAfter!.n).toBeGreaterThanOrEqual(1);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM actions WHERE kind = 'email.ops_alert' AND idempotency_key LIKE ?`).bind(`credential:shopify:unauthorised:${t0 + 60_000}:%`).first<{ n: number }>()).toEqual({ n: 0 });
    // GET /api/pipeline shows it.
    const pipeline = await (await api("/api/pipeline")).json<{ actions: Record<string, number>; connectors: { connector: string; status: string; reason: string; blocked: number }[] }>();
    expect(pipeline.actions.blocked).toBeGreaterThanOrEqual(2);
    expect(pipeline.connectors.find((c) => c.connector === "shopify")).toMatchObject({ status: "unauthorised" });

    // The brand puts the right secret; the sweep tries it, it works, and the blocked actions go back to the outbox.
    vi.restoreAllMocks();
    const healthy = shopify();
    const sweep = await sweepCredentials({ ...env, PUBLIC_URL: "" } as Env, t0 + 120_000, { config: shopifyConfig("cc-secret"), prefix });
    // Same settings as the refused ones: nothing retried until they change.
    expect(sweep.rechecked).toEqual([]);
    const changed = shopifyConfig("cc-secret-rotated");
    vi.restoreAllMocks();
    const rotated = vendorEdge({
      [`POST ${TOKEN_URL}`]: (call) => (form(call).client_secret === "cc-secret-rotated" ? json(200, { access_token: "shpat_new", scope: "write_orders", expires_in: 86399 }) : json(401, { error: "invalid_client" })),
      [`POST ${GRAPHQL}`]: (call) => (call.headers.get("x-shopify-access-token") === "shpat_new" ? json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/42" }, userErrors: [] } } }) : json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" })),
    });
    expect(healthy.calls).toEqual([]);
    const again = await sweepCredentials({ ...env, PUBLIC_URL: "" } as Env, t0 + 180_000, { config: changed, prefix });
    expect(again.rechecked).toEqual(["shopify"]);
    const released = await row(first);
    expect(["pending", "sending", "sent", "dry_run"]).toContain(released!.status);
    await run(first, changed, prefix, t0 + 181_000);
    await run(second, changed, prefix, t0 + 181_000);
    for (const id of [first, second]) {
      const settledRow = await row(id);
      // Sent by us, or (if the real queue consumer took the released message first) settled by it.
      expect(["sent", "dry_run"]).toContain(settledRow!.status);
      expect((await outcomes(id)).filter((o) => o === "error" || o === "dead")).toEqual([]);
    }
    expect(rotated.to("POST", TOKEN_URL)).toHaveLength(1);
  });

  it("200 concurrent callers at expiry share one refresh; 200 concurrent 401s on the same token share one too", async () => {
    const edge = shopify({ delayMs: 50 });
    const prefix = uid("p");
    const config = shopifyConfig();
    const t0 = Date.now();
    const client = credentialClient(env.CREDENTIAL, { now: () => t0, prefix });
    const results = await Promise.all(Array.from({ length: 200 }, () => client.token(config.shopify!.credential)));
    expect(edge.to("POST", TOKEN_URL)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.ok ? r.token : "fail")))).toEqual(new Set([edge.minted[0]]));
    const rejected = { token: edge.minted[0]!, reason: "HTTP 401" };
    const later = credentialClient(env.CREDENTIAL, { now: () => t0 + 60_000, prefix });
    const refreshed = await Promise.all(Array.from({ length: 200 }, () => later.token(config.shopify!.credential, rejected)));
    expect(edge.to("POST", TOKEN_URL)).toHaveLength(2);
    expect(new Set(refreshed.map((r) => (r.ok ? r.token : "fail")))).toEqual(new Set([edge.minted[1]]));
  });

  it("a token endpoint that answers 5xx: the old token is used while valid, with backoff; once expired the action retries later, not dead", async () => {
    let down = false;
    const edge = shopify({ tokenStatus: () => (down ? 503 : 200), expiresIn: 3600 });
    const prefix = uid("p");
    const config = shopifyConfig();
    const t0 = Date.now();
    await run(await insertTagAction(), config, prefix, t0);
    down = true;
    // 57 min: renewal due (6 min margin), the endpoint fails, the valid token is used.
    const a = await insertTagAction();
    await run(a, config, prefix, t0 + 57 * 60_000);
    expect(await row(a)).toMatchObject({ status: "sent" });
    expect(edge.to("POST", TOKEN_URL)).toHaveLength(2);
    // 10 s later: still backing off, no call to the endpoint.
    await run(await insertTagAction(), config, prefix, t0 + 57 * 60_000 + 10_000);
    expect(edge.to("POST", TOKEN_URL)).toHaveLength(2);
    // Past expiry and the endpoint still down: the action waits to retry; nothing is dead or blocked.
    const b = await insertTagAction();
    const verdict = await run(b, config, prefix, t0 + 61 * 60_000);
    expect(verdict).toHaveProperty("retryInSeconds");
    const rb = await row(b);
    expect(rb).toMatchObject({ status: "pending" });
    expect(rb!.lastError).toContain("token endpoint answered HTTP 503");
    expect(await outcomes(b)).toEqual(["error"]);
    // While the object waits out its backoff, actions wait too without spending an attempt.
    const calls = edge.to("POST", TOKEN_URL).length;
    const waiting = await insertTagAction();
    await run(waiting, config, prefix, t0 + 61 * 60_000 + 5_000);
    expect(edge.to("POST", TOKEN_URL).length).toBe(calls);
    expect(await outcomes(waiting)).toEqual(["throttled"]);
    down = false;
    await env.DB.prepare(`UPDATE actions SET next_attempt_at = ? WHERE id = ?`).bind(t0 + 63 * 60_000, b).run();
    await run(b, config, prefix, t0 + 63 * 60_000);
    expect(await row(b)).toMatchObject({ status: "sent" });
  });
});

describe("credentials: the legacy static Shopify token", () => {
  const staticConfig = (token: string) => configFromEnv({ ...env, SHOPIFY_SHOP_DOMAIN: SHOP, SHOPIFY_ADMIN_TOKEN: token, SHOPIFY_CLIENT_ID: "", SHOPIFY_CLIENT_SECRET: "" } as unknown as Env);

  it("reads go through the connector with it; a 401 refuses it at once (nothing to refresh); a new token releases the waiting actions", async () => {
    let good = "shpat_old";
    const edge = vendorEdge({
      [`POST ${GRAPHQL}`]: (call) => {
        if (call.headers.get("x-shopify-access-token") !== good) return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        const body = JSON.parse(call.body) as { query: string };
        if (body.query.includes("inventoryItem")) return json(200, { data: { inventoryItem: { inventoryLevel: { quantities: [{ name: "available", quantity: 7 }] } } } });
        return json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/42" }, userErrors: [] } } });
      },
    });
    const prefix = uid("p");
    const t0 = Date.now();
    const deps = { config: staticConfig("shpat_old").shopify!, credentials: credentialClient(env.CREDENTIAL, { now: () => t0, prefix }), fetch: (u: string, i: RequestInit) => fetch(u, i), now: t0 };
    const read = await shopifyGraphql<{ inventoryItem: { inventoryLevel: { quantities: { quantity: number }[] } } }>(deps, `query Available($item: ID!) { inventoryItem(id: $item) { inventoryLevel(locationId: "gid://shopify/Location/1") { quantities(names: ["available"]) { name quantity } } } }`, { item: "gid://shopify/InventoryItem/1" });
    expect(read).toMatchObject({ ok: true, data: { inventoryItem: { inventoryLevel: { quantities: [{ quantity: 7 }] } } } });

    good = "shpat_rotated_by_merchant";
    const id = await insertTagAction();
    await run(id, staticConfig("shpat_old"), prefix, t0 + 1000);
    expect(await row(id)).toMatchObject({ status: "blocked" });
    expect((await row(id))!.lastError).toContain("SHOPIFY_ADMIN_TOKEN");
    expect(edge.to("POST", GRAPHQL)).toHaveLength(2); // the read and the one refused call: no retry without a refresh

    const swept = await sweepCredentials({ ...env, PUBLIC_URL: "" } as unknown as Env, t0 + 60_000, { config: staticConfig("shpat_rotated_by_merchant"), prefix });
    expect(swept.rechecked).toEqual(["shopify"]);
    expect(["pending", "sending", "dry_run"]).toContain((await row(id))!.status);
    await run(id, staticConfig("shpat_rotated_by_merchant"), prefix, t0 + 61_000);
    expect(["sent", "dry_run"]).toContain((await row(id))!.status);
  });
});
