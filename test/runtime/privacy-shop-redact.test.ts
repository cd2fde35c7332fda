/**
 * shop/redact is destructive: honoured only 47 h+ after an app/uninstalled for this shop, with no
 * ordinary Shopify delivery since (which would mean the app was installed again), and logged.
 * (Erases the whole database: kept in its own file, since runtime storage is per file.)
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SHOP_DOMAIN, indianOrder, shopifyRequest } from "../helpers/shopify";
import { count, waitProcessed } from "../helpers/runtime";

async function post(p: Parameters<typeof shopifyRequest>[0]) {
  return SELF.fetch(await shopifyRequest(p));
}

const SHOP = { id: 954889, name: "Vanaspati", email: "ops@vanaspati.in", domain: "vanaspati.in", myshopify_domain: SHOP_DOMAIN, created_at: "2024-01-02T10:00:00+05:30" };
const HOUR = 3_600_000;

describe("shop/redact after app/uninstalled", () => {
  it("is refused until 47 h after the uninstall, refused after a reinstall, then honoured and logged", async () => {
    const first = await (await post({ topic: "orders/create", payload: indianOrder() })).json<{ id: string }>();
    await waitProcessed(first.id);

    const uninstall = await post({ topic: "app/uninstalled", payload: SHOP });
    expect(uninstall.status).toBe(200);
    const uninstallId = (await uninstall.json<{ id: string }>()).id;
    await waitProcessed(uninstallId);
    expect(await count(`SELECT count(*) AS n FROM privacy_log WHERE kind = 'app_uninstalled' AND shop_domain = ? AND shop_id = '954889'`, SHOP_DOMAIN)).toBe(1);

    // Minutes later: not Shopify's timing.
    const early = await post({ topic: "shop/redact", payload: { shop_id: 954889, shop_domain: SHOP_DOMAIN } });
    expect(early.status).toBe(400);
    expect((await early.json<{ error: string }>()).error).toMatch(/48 h after/);

    // 49 h later, but an order arrived after the uninstall: the app is installed again.
    await env.DB.prepare(`UPDATE privacy_log SET received_at = received_at - ? WHERE kind = 'app_uninstalled'`).bind(49 * HOUR).run();
    const reinstalled = await post({ topic: "shop/redact", payload: { shop_id: 954889, shop_domain: SHOP_DOMAIN } });
    expect(reinstalled.status).toBe(400);
    expect((await reinstalled.json<{ error: string }>()).error).toMatch(/installed again/);

    // A different shop id than the uninstalled shop's is refused.
    await env.DB.prepare(`UPDATE raw_events SET received_at = received_at - ? WHERE topic = 'orders/create'`).bind(50 * HOUR).run();
    const otherId = await post({ topic: "shop/redact", payload: { shop_id: 111, shop_domain: SHOP_DOMAIN } });
    expect(otherId.status).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBeGreaterThan(0);

    // The last ordinary delivery came before the uninstall, 49 h ago: honoured.
    const ok = await post({ topic: "shop/redact", payload: { shop_id: 954889, shop_domain: SHOP_DOMAIN } });
    expect(ok.status).toBe(200);
    const { id } = await ok.json<{ id: string }>();
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM orders`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM customers`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body <> '{"redacted":true}'`)).toBe(0);
    const log = await env.DB.prepare(`SELECT erased, completed_at AS at FROM privacy_log WHERE id = ?`).bind(`shop_redact:${id}`).first<{ erased: string; at: number }>();
    expect(log?.at).toBeGreaterThan(0);
    expect(JSON.parse(log!.erased)).toMatchObject({ orders: 1, customers: 1 });
    // The audit outlives the erasure it records.
    expect(await count(`SELECT count(*) AS n FROM privacy_log WHERE kind = 'app_uninstalled'`)).toBe(1);
  });
});
