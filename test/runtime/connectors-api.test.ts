/** GET /api/connectors: each connector's mode, token state and last call, in words; never a token or secret. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/routes";
import { configFromEnv } from "../../src/connectors/config";
import { executeOne } from "../../src/queues/actions";
import { json, vendorEdge } from "../helpers/vendor-edge";

afterEach(() => vi.restoreAllMocks());

const SHOP = "brand.myshopify.com";
const ENV = {
  ...env,
  SHOPIFY_SHOP_DOMAIN: SHOP, SHOPIFY_CLIENT_ID: "cid", SHOPIFY_CLIENT_SECRET: "very-secret-client-secret", SHOPIFY_ADMIN_TOKEN: "",
  SHIPROCKET_API_TOKEN: "sr-fixed-token-secret", PUBLIC_URL: "",
} as unknown as Env;

interface Report { connectors: { connector: string; mode: string; status: string; summary: string; missing: string[]; notes: string[]; token: { held: boolean; expiresAt: string | null } | null; lastCall: { outcome: string; httpStatus: number | null } | null }[] }

const get = async (e: Env) => (await app.request("/api/connectors", { headers: { authorization: "Bearer test-api-token" } }, e, createExecutionContext())).json<Report>();

describe("GET /api/connectors", () => {
  it("says, per connector, its mode, whether a token is held and until when, the last call, and what is missing", async () => {
    vendorEdge({
      [`POST https://${SHOP}/admin/oauth/access_token`]: () => json(200, { access_token: "shpat_minted_secret", scope: "write_orders", expires_in: 86399 }),
      [`POST https://${SHOP}/admin/api/2026-07/graphql.json`]: () => json(200, { data: { tagsAdd: { node: { id: "gid://shopify/Order/1" }, userErrors: [] } } }),
    });
    const before = await get(ENV);
    const shopify0 = before.connectors.find((c) => c.connector === "shopify")!;
    expect(shopify0).toMatchObject({ mode: "client credentials", status: "ok", token: { held: false }, lastCall: null });
    expect(shopify0.notes.join(" ")).toContain("PUBLIC_URL");

    const id = `act-${crypto.randomUUID()}`;
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
       VALUES (?, NULL, 'shopify', 'shopify.tags_add', ?, 'pending', 0, ?, ?, 'order', '1', ?, ?)`,
    ).bind(id, `t:${id}`, now, JSON.stringify({ resource: "order", id: "1", tags: ["x"] }), now, now).run();
    await executeOne(ENV, id, configFromEnv(ENV), {});

    const report = await get(ENV);
    const text = JSON.stringify(report);
    for (const secret of ["shpat_minted_secret", "very-secret-client-secret", "sr-fixed-token-secret"]) expect(text).not.toContain(secret);
    const shopify = report.connectors.find((c) => c.connector === "shopify")!;
    expect(shopify.token!.held).toBe(true);
    expect(Date.parse(shopify.token!.expiresAt!)).toBeGreaterThan(now + 23 * 3_600_000);
    expect(shopify.lastCall).toMatchObject({ outcome: "sent", httpStatus: 200 });
    expect(shopify.summary).toMatch(/^live \(client credentials\), token valid until /);
    const shiprocket = report.connectors.find((c) => c.connector === "shiprocket")!;
    expect(shiprocket.mode).toBe("static token");
    expect(shiprocket.notes.join(" ")).toContain("expires after 240 hours");
    const zoho = report.connectors.find((c) => c.connector === "zoho")!;
    expect(zoho).toMatchObject({ mode: "dry-run", status: "dry_run" });
    expect(zoho.summary).toContain("ZOHO_REFRESH_TOKEN");
    // Razorpay Payment Links (issue 19): listed, in dry-run without keys, saying what to set.
    const razorpay = report.connectors.find((c) => c.connector === "razorpay")!;
    expect(razorpay).toMatchObject({ mode: "dry-run", status: "dry_run" });
    expect(razorpay.summary).toContain("RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET");
    expect(report.connectors.map((c) => c.connector).sort()).toEqual(["delhivery", "email", "freshdesk", "gorgias", "klaviyo", "razorpay", "shiprocket", "shopify", "unicommerce", "whatsapp", "zendesk", "zoho"]);
  });

  it("is behind the API token", async () => {
    expect((await app.request("/api/connectors", {}, ENV, createExecutionContext())).status).toBe(401);
  });
});
