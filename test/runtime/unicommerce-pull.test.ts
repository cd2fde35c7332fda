/**
 * The scheduled Unicommerce pull against an edge that answers as Uniware does: the password grant
 * mints a token, inventorySnapshot/get is asked per facility for the SKUs updated since the last
 * pull, and the answer goes through the ingest path into the stock ledger like a pushed snapshot.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnv } from "../../src/connectors/config";
import { credentialClient } from "../../src/connectors/credentials";
import { pullUnicommerceStock } from "../../src/jobs/unicommerce-pull";
import snapshotFixture from "../fixtures/vendor/unicommerce/inventory-snapshot-response-fixture.json";
import { waitProcessed } from "../helpers/runtime";
import { json, vendorEdge } from "../helpers/vendor-edge";

afterEach(() => vi.restoreAllMocks());

const BASE = "https://acme.unicommerce.com";
let seq = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++seq}`;

function uniware(skus: Record<string, string[]>, opts: { passwordOk?: () => boolean; refreshOk?: () => boolean; expiresIn?: number } = {}) {
  let n = 0;
  const live = new Set<string>();
  const refreshes = new Set<string>();
  const edge = vendorEdge({
    [`GET ${BASE}/oauth/token`]: (call) => {
      const q = call.url.searchParams;
      if (q.get("client_id") !== "my-trusted-client") return json(401, { error: "invalid_client" });
      const okPassword = q.get("grant_type") === "password" && q.get("username") === "api@brand.in" && q.get("password") === "uni-pass" && (opts.passwordOk?.() ?? true);
      const okRefresh = q.get("grant_type") === "refresh_token" && refreshes.has(q.get("refresh_token") ?? "") && (opts.refreshOk?.() ?? true);
      if (!okPassword && !okRefresh) return json(400, { error: "invalid_grant", error_description: "Bad credentials" });
      n += 1;
      const pair = { access_token: `uni-access-${n}`, token_type: "bearer", refresh_token: `uni-refresh-${n}`, expires_in: opts.expiresIn ?? 41621, scope: "read trust write" };
      live.add(pair.access_token);
      refreshes.add(pair.refresh_token);
      return json(200, pair);
    },
    [`POST ${BASE}/services/rest/v1/inventory/inventorySnapshot/get`]: (call) => {
      const token = (call.headers.get("authorization") ?? "").replace(/^bearer /i, "");
      if (!live.has(token)) return json(401, { error: "invalid_token", error_description: "Invalid access token" });
      const facility = call.headers.get("facility") ?? "";
      const wanted = skus[facility];
      if (!wanted) return json(200, { successful: false, message: "Invalid facility", errors: [{ code: 1000, description: `Facility ${facility} not found` }], inventorySnapshots: null });
      const snapshots = wanted.map((sku, i) => ({ ...snapshotFixture.inventorySnapshots[i % 2]!, itemTypeSKU: sku }));
      return json(200, { ...snapshotFixture, inventorySnapshots: snapshots });
    },
  });
  return edge;
}

describe("Unicommerce scheduled pull", () => {
  it("asks each facility for the SKUs updated since the last pull and feeds the stock ledger through the ingest path", async () => {
    const a = uid("SKU"), b = uid("SKU");
    const edge = uniware({ WH_BLR: [a], WH_DEL: [b] });
    const config = configFromEnv({ ...env, UNICOMMERCE_TENANT: "acme", UNICOMMERCE_USERNAME: "api@brand.in", UNICOMMERCE_PASSWORD: "uni-pass", UNICOMMERCE_FACILITIES: "WH_BLR,WH_DEL" } as unknown as Env);
    const prefix = uid("p");
    const t0 = Date.now();
    const first = await pullUnicommerceStock(env, t0, { config, credentials: credentialClient(env.CREDENTIAL, { now: () => t0, prefix }) });
    expect(first.map((f) => [f.facility, f.ok, f.skus, f.updatedSinceInMinutes])).toEqual([["WH_BLR", true, 1, 1440], ["WH_DEL", true, 1, 1440]]);
    const token = edge.to("GET", `${BASE}/oauth/token`);
    expect(token).toHaveLength(1);
    expect(Object.fromEntries(token[0]!.url.searchParams)).toMatchObject({ grant_type: "password", client_id: "my-trusted-client", username: "api@brand.in" });
    const pulls = edge.to("POST", `${BASE}/services/rest/v1/inventory/inventorySnapshot/get`);
    expect(pulls.map((p) => p.headers.get("facility"))).toEqual(["WH_BLR", "WH_DEL"]);
    expect(pulls.map((p) => p.headers.get("authorization"))).toEqual(["bearer uni-access-1", "bearer uni-access-1"]);
    expect(JSON.parse(pulls[0]!.body)).toEqual({ updatedSinceInMinutes: 1440 });
    for (const f of first) await waitProcessed(f.rawEventId!);
    const rec = await env.DB.prepare(`SELECT location_id AS loc, available, committed FROM inventory_records WHERE source = 'unicommerce' AND sku = ?`).bind(a).first<{ loc: string; available: number; committed: number }>();
    expect(rec).toEqual({ loc: "WH_BLR", available: 50, committed: 5 });
    const ledger = await env.DB.prepare(`SELECT available FROM sku_stock WHERE sku = ?`).bind(b).first<{ available: number }>();
    expect(ledger).not.toBeNull();

    // Five minutes later: only the last six minutes are asked for, with the same token.
    const t1 = t0 + 5 * 60_000;
    const second = await pullUnicommerceStock(env, t1, { config, credentials: credentialClient(env.CREDENTIAL, { now: () => t1, prefix }) });
    expect(second.every((f) => f.ok && f.updatedSinceInMinutes === 6)).toBe(true);
    expect(edge.to("GET", `${BASE}/oauth/token`)).toHaveLength(1);
    expect(edge.unexpected).toEqual([]);
  });

  it("renews with the refresh token near expiry, and falls back to the password grant when the refresh token is refused", async () => {
    let refreshOk = true;
    const edge = uniware({ WH_BLR: [uid("SKU")] }, { expiresIn: 3600, refreshOk: () => refreshOk });
    const config = configFromEnv({ ...env, UNICOMMERCE_TENANT: "acme", UNICOMMERCE_USERNAME: "api@brand.in", UNICOMMERCE_PASSWORD: "uni-pass", UNICOMMERCE_FACILITIES: "WH_BLR" } as unknown as Env);
    const prefix = uid("p");
    const t0 = Date.now();
    const at = (ms: number) => credentialClient(env.CREDENTIAL, { now: () => t0 + ms, prefix });
    await at(0).token(config.unicommerce!.credential);
    const renewed = await at(57 * 60_000).token(config.unicommerce!.credential);
    expect(renewed).toMatchObject({ ok: true, token: "uni-access-2" });
    const grants = () => edge.to("GET", `${BASE}/oauth/token`).map((c) => c.url.searchParams.get("grant_type"));
    expect(grants()).toEqual(["password", "refresh_token"]);
    // The refresh token expired on Uniware's side: the password grant starts a new pair.
    refreshOk = false;
    const fresh = await at(114 * 60_000).token(config.unicommerce!.credential);
    expect(fresh).toMatchObject({ ok: true, token: "uni-access-3" });
    expect(grants()).toEqual(["password", "refresh_token", "refresh_token", "password"]);
  });

  it("a facility Uniware does not know is reported, and the watermark stays for the next pull", async () => {
    uniware({ WH_BLR: [uid("SKU")] });
    const config = configFromEnv({ ...env, UNICOMMERCE_TENANT: "acme", UNICOMMERCE_USERNAME: "api@brand.in", UNICOMMERCE_PASSWORD: "uni-pass", UNICOMMERCE_FACILITIES: "WH_NOPE" } as unknown as Env);
    const t0 = Date.now();
    const r = await pullUnicommerceStock(env, t0, { config, credentials: credentialClient(env.CREDENTIAL, { now: () => t0, prefix: uid("p") }) });
    expect(r).toEqual([{ facility: "WH_NOPE", ok: false, skus: 0, rawEventId: null, updatedSinceInMinutes: 1440, reason: "Facility WH_NOPE not found" }]);
  });
});
