/**
 * Zoho's refresh-token flow at the account's data centre (api_domain from the answer, Zoho-oauthtoken
 * header, never a refresh per request, at most ten mints in ten minutes) and Shiprocket's login
 * (a 240 h token renewed a day early and on a 401), against edges that answer as the vendors do.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnv, type ConnectorConfig } from "../../src/connectors/config";
import { trackParcel } from "../../src/connectors/carriers";
import { credentialClient } from "../../src/connectors/credentials";
import trackAwb from "../fixtures/vendor/shiprocket/track-awb-response.json";
import { executeOne } from "../../src/queues/actions";
import { json, vendorEdge } from "../helpers/vendor-edge";

afterEach(() => vi.restoreAllMocks());

let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++seq}`;
const HOUR = 3_600_000;

async function insertAction(connector: string, kind: string, params: unknown): Promise<string> {
  const id = uid("act");
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, ?, ?, ?, 'pending', 0, ?, ?, 'sku', 'x', ?, ?)`,
  )
    .bind(id, connector, kind, `test:${id}`, now, JSON.stringify(params), now, now)
    .run();
  return id;
}
const row = (id: string) => env.DB.prepare(`SELECT status, last_error AS lastError FROM actions WHERE id = ?`).bind(id).first<{ status: string; lastError: string | null }>();
const run = (id: string, config: ConnectorConfig, prefix: string, at: number) =>
  executeOne(env, id, config, { now: () => at, credentials: credentialClient(env.CREDENTIAL, { now: () => at, prefix }) });

describe("Zoho refresh-token flow", () => {
  // An account in the US data centre: the accounts URL is configured, the API domain comes from the answer.
  const ACCOUNTS = "https://accounts.zoho.com";
  const config = configFromEnv({ ...env, ZOHO_ORGANIZATION_ID: "60001", ZOHO_VENDOR_ID: "V9", ZOHO_CLIENT_ID: "1000.ABC", ZOHO_CLIENT_SECRET: "zsecret", ZOHO_REFRESH_TOKEN: "1000.refresh", ZOHO_ACCOUNTS_URL: ACCOUNTS, ZOHO_ACCESS_TOKEN: "" } as unknown as Env);

  function zoho(opts: { refreshValid?: () => boolean } = {}) {
    const minted: string[] = [];
    const edge = vendorEdge({
      [`POST ${ACCOUNTS}/oauth/v2/token`]: (call) => {
        const q = call.url.searchParams;
        // Zoho answers a wrong or revoked refresh token with HTTP 200 and an error field.
        if (q.get("grant_type") !== "refresh_token" || q.get("refresh_token") !== "1000.refresh" || !(opts.refreshValid?.() ?? true)) return json(200, { error: "invalid_code" });
        const token = `1000.access.${minted.length + 1}`;
        minted.push(token);
        return json(200, { access_token: token, api_domain: "https://www.zohoapis.com", token_type: "Bearer", expires_in: 3600 });
      },
      ["POST https://www.zohoapis.com/inventory/v1/purchaseorders"]: (call) => {
        const auth = call.headers.get("authorization") ?? "";
        if (!minted.some((t) => auth === `Zoho-oauthtoken ${t}`)) return json(401, { code: 57, message: "You are not authorized to perform this operation" });
        return json(201, { code: 0, message: "Purchase Order has been created.", purchaseorder: { purchaseorder_id: "PO-1" } });
      },
    });
    return { ...edge, minted };
  }

  async function poAction(): Promise<string> {
    const sku = uid("SKU");
    await env.DB.prepare(`INSERT INTO inventory_records (source, sku, location_id, available, updated_at, source_id) VALUES ('zoho-inventory', ?, 'wh1', 5, ?, ?)`).bind(sku, Date.now(), `item-${sku}`).run();
    return insertAction("zoho", "zoho.purchase_order_draft", { sku, quantity: 40, expectedBy: null, note: "cover 30 days" });
  }

  it("refreshes at the configured accounts URL once, calls the api_domain it named with Zoho-oauthtoken, and reuses the token within the hour", async () => {
    const edge = zoho();
    const prefix = uid("p");
    const t0 = Date.now();
    const ids = [await poAction(), await poAction(), await poAction()];
    await run(ids[0]!, config, prefix, t0);
    await run(ids[1]!, config, prefix, t0 + 20 * 60_000);
    await run(ids[2]!, config, prefix, t0 + 40 * 60_000);
    expect(edge.to("POST", `${ACCOUNTS}/oauth/v2/token`)).toHaveLength(1);
    const po = edge.to("POST", "https://www.zohoapis.com/inventory/v1/purchaseorders");
    expect(po).toHaveLength(3);
    expect(po[0]!.url.searchParams.get("organization_id")).toBe("60001");
    expect(po.map((c) => c.headers.get("authorization"))).toEqual(Array(3).fill(`Zoho-oauthtoken ${edge.minted[0]}`));
    for (const id of ids) expect((await row(id))!.status).toBe("sent");
    // 55 minutes: renewed ahead of the hour, once.
    await run(await poAction(), config, prefix, t0 + 55 * 60_000);
    expect(edge.minted).toHaveLength(2);
    expect(edge.unexpected).toEqual([]);
  });

  it("keeps to Zoho's ten access tokens per refresh token in ten minutes, however many 401s ask for more", async () => {
    const edge = zoho();
    const prefix = uid("p");
    const t0 = Date.now();
    const client = credentialClient(env.CREDENTIAL, { now: () => t0, prefix });
    let last = await client.token(config.zoho!.credential);
    for (let i = 0; i < 12; i++) {
      const next = await client.token(config.zoho!.credential, { token: last.ok ? last.token : "", reason: "HTTP 401" });
      if (next.ok) last = next;
    }
    expect(edge.to("POST", `${ACCOUNTS}/oauth/v2/token`)).toHaveLength(10);
  });

  it("a revoked refresh token (HTTP 200, error invalid_code) → unauthorised, the action blocked with Zoho's words", async () => {
    zoho({ refreshValid: () => false });
    const id = await poAction();
    await run(id, config, uid("p"), Date.now());
    const r = await row(id);
    expect(r).toMatchObject({ status: "blocked" });
    expect(r!.lastError).toContain("invalid_code");
  });
});

describe("Shiprocket login", () => {
  const BASE = "https://apiv2.shiprocket.in";
  const config = configFromEnv({ ...env, SHIPROCKET_EMAIL: "api-user@brand.in", SHIPROCKET_PASSWORD: "pw", SHIPROCKET_API_TOKEN: "" } as unknown as Env);

  function shiprocket(opts: { expire?: (token: string) => boolean } = {}) {
    const issued: string[] = [];
    const edge = vendorEdge({
      [`POST ${BASE}/v1/external/auth/login`]: (call) => {
        const b = JSON.parse(call.body) as { email: string; password: string };
        if (b.email !== "api-user@brand.in" || b.password !== "pw") return json(400, { message: "Invalid email and password combination", status_code: 400 });
        const token = `eyJ.sr.${issued.length + 1}`;
        issued.push(token);
        return json(200, { id: 1, first_name: "API", last_name: "User", email: b.email, company_id: 42, created_at: "2026-11-01 10:00:00", token });
      },
      [`POST ${BASE}/v1/external/ndr/AWB1/action`]: (call) => {
        const token = (call.headers.get("authorization") ?? "").replace(/^Bearer /, "");
        if (!issued.includes(token) || opts.expire?.(token)) return json(401, { message: "Token has expired", status_code: 401 });
        return json(200, { message: "Action taken successfully" });
      },
    });
    return { ...edge, issued };
  }

  const ndr = () => insertAction("shiprocket", "shiprocket.ndr_action", { awb: "AWB1", action: "re-attempt", comments: "customer confirmed address" });

  it("logs in once, keeps the token for days, renews it a day before its 240 h, and logs in again on a 401", async () => {
    let expired: string | null = null;
    const edge = shiprocket({ expire: (t) => t === expired });
    const prefix = uid("p");
    const t0 = Date.now();
    await run(await ndr(), config, prefix, t0);
    await run(await ndr(), config, prefix, t0 + 100 * HOUR);
    await run(await ndr(), config, prefix, t0 + 210 * HOUR);
    expect(edge.issued).toHaveLength(1);
    // 217 h: inside the last day of 240 h → one new login.
    await run(await ndr(), config, prefix, t0 + 217 * HOUR);
    expect(edge.issued).toHaveLength(2);
    // Shiprocket expires it early: 401 → one login, one retry, sent.
    expired = edge.issued[1]!;
    const id = await ndr();
    await run(id, config, prefix, t0 + 220 * HOUR);
    expect(edge.issued).toHaveLength(3);
    expect((await row(id))!.status).toBe("sent");
    expect(edge.unexpected).toEqual([]);
  });

  it("a wrong password → unauthorised: the action is blocked with Shiprocket's message, not dead", async () => {
    vendorEdge({ [`POST ${BASE}/v1/external/auth/login`]: () => json(400, { message: "Invalid email and password combination", status_code: 400 }) });
    const id = await ndr();
    await run(id, config, uid("p"), Date.now());
    const r = await row(id);
    expect(r).toMatchObject({ status: "blocked" });
    expect(r!.lastError).toContain("Invalid email and password combination");
  });
});

describe("carrier tracking reads through the connectors", () => {
  it("Shiprocket tracking uses the login token (one login for many reads); Delhivery goes to its configured host", async () => {
    const config = configFromEnv({ ...env, SHIPROCKET_EMAIL: "api-user@brand.in", SHIPROCKET_PASSWORD: "pw", SHIPROCKET_API_TOKEN: "", DELHIVERY_API_TOKEN: "dl-token", DELHIVERY_API_BASE_URL: "https://staging-express.delhivery.com" } as unknown as Env);
    const edge = vendorEdge({
      ["POST https://apiv2.shiprocket.in/v1/external/auth/login"]: () => json(200, { id: 1, email: "api-user@brand.in", token: "eyJ.track" }),
      ["GET https://apiv2.shiprocket.in/v1/external/courier/track/awb/SR1"]: (call) => (call.headers.get("authorization") === "Bearer eyJ.track" ? json(200, trackAwb) : json(401, { message: "Token has expired", status_code: 401 })),
      ["GET https://staging-express.delhivery.com/api/v1/packages/json/"]: (call) => (call.headers.get("authorization") === "Token dl-token" ? json(200, { ShipmentData: [] }) : json(401, { detail: "Invalid token" })),
    });
    const deps = { config, credentials: credentialClient(env.CREDENTIAL, { prefix: uid("p") }), fetch: (u: string, i: RequestInit) => fetch(u, i) };
    const a = await trackParcel(deps, "shiprocket", "SR1");
    const b = await trackParcel(deps, "shiprocket", "SR1");
    expect(a).toMatchObject({ ok: true });
    expect(JSON.parse((a as { body: string }).body)).toEqual(trackAwb);
    expect(b).toMatchObject({ ok: true });
    expect(edge.to("POST", "https://apiv2.shiprocket.in/v1/external/auth/login")).toHaveLength(1);
    expect(await trackParcel(deps, "delhivery", "DL1")).toMatchObject({ ok: true });
    expect(edge.to("GET", "https://staging-express.delhivery.com/api/v1/packages/json/")[0]!.url.searchParams.get("waybill")).toBe("DL1");
    expect(edge.unexpected).toEqual([]);
  });
});
