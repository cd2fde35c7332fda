/** Two-way inventory sync from webhooks: the ERP's count reaches Shopify as one compare-and-set. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import productFixture from "../fixtures/shopify/products-update.json";
import { api, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { postZoho, zohoStock } from "../helpers/vendors";

async function shopify(topic: string, payload: unknown) {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic}: ${res.status} ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

async function skuInShopify(available: number) {
  const sku = `TULSI-${uniqueId()}`;
  const inventoryItemId = uniqueId();
  const product = structuredClone(productFixture) as Record<string, any>;
  product.id = uniqueId();
  product.variants = [{ ...product.variants[0], id: uniqueId(), sku, inventory_item_id: inventoryItemId }];
  await shopify("products/update", product);
  await shopify("inventory_levels/update", { inventory_item_id: inventoryItemId, location_id: 61234567, available, updated_at: new Date(Date.now() - 120_000).toISOString() });
  return { sku, inventoryItemId: String(inventoryItemId) };
}

const pushes = (sku: string) =>
  env.DB.prepare(`SELECT params FROM actions WHERE kind = 'shopify.inventory_set' AND subject_id = ? ORDER BY created_at`).bind(sku).all<{ params: string }>().then((r) => r.results.map((x) => JSON.parse(x.params)));

describe("ERP → Shopify stock sync", () => {
  it("an ERP update produces exactly one Shopify set with Shopify's current count as the compare value", { timeout: 30_000 }, async () => {
    const { sku, inventoryItemId } = await skuInShopify(40);
    const erp = zohoStock(sku, 35, Date.now() - 60_000);
    await postZoho(erp);
    await postZoho(erp); // the same update again changes nothing
    expect(await pushes(sku)).toEqual([{ sku, inventoryItemId, locationId: "61234567", quantity: 35, compareQuantity: 40, reason: "correction" }]);
    const body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.stock).toMatchObject({ available: 35, shopifyAvailable: 35 });
  });

  it("subtracts Shopify orders placed after the ERP's snapshot, and reports drift when Shopify disagrees", { timeout: 30_000 }, async () => {
    const { sku } = await skuInShopify(20);
    await postZoho(zohoStock(sku, 20, Date.now() - 10 * 60_000));
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    await shopify("orders/create", indianOrder({ cod: false, createdAt: at, updatedAt: at, lineItems: [{ sku, quantity: 3, price: "299.00" }] }));
    let body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.stock.available).toBe(17);
    // Shopify now claims 25: someone edited it by hand. The ledger corrects it from the authority.
    await shopify("inventory_levels/update", { inventory_item_id: Number(body.product.inventoryItemId), location_id: 61234567, available: 25, updated_at: new Date().toISOString() });
    body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.stock.drift).toBe(8);
    const last = (await pushes(sku)).at(-1);
    expect(last).toMatchObject({ quantity: 17, compareQuantity: 25, reason: "drift_correction" });
  });
});

describe("stale compare", () => {
  it("re-reads Shopify's count after a refused compare-and-set and pushes again from the new value", { timeout: 30_000 }, async () => {
    const { executeOne } = await import("../../src/queues/actions");
    const { configFromEnv } = await import("../../src/connectors/config");
    const { sku, inventoryItemId } = await skuInShopify(40);
    await postZoho(zohoStock(sku, 35, Date.now() - 60_000));
    const first = await env.DB.prepare(`SELECT id FROM actions WHERE kind = 'shopify.inventory_set' AND subject_id = ?`).bind(sku).first<{ id: string }>();
    const shopEnv = { ...env, SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_test" } as unknown as Env;
    const seen: string[] = [];
    const fetchMock = async (url: string, init: RequestInit) => {
      if (url !== "https://vanaspati.myshopify.com/admin/api/2026-07/graphql.json") throw new Error(`unexpected request to ${url}`);
      const body = JSON.parse(String(init.body));
      if (String(body.query).includes("inventorySetQuantities")) {
        seen.push(`set from ${body.variables.input.quantities[0].changeFromQuantity}`);
        // A customer bought one in Shopify a moment ago: Shopify has 39, not the 40 we compared against.
        return Response.json({ data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ field: ["input"], message: "The compare quantity is stale.", code: "CHANGE_FROM_QUANTITY_STALE" }] } } });
      }
      expect(body.variables).toEqual({ item: `gid://shopify/InventoryItem/${inventoryItemId}`, location: "gid://shopify/Location/61234567" });
      seen.push("read");
      return Response.json({ data: { inventoryItem: { inventoryLevel: { quantities: [{ name: "available", quantity: 39 }] } } } });
    };
    await executeOne(shopEnv, first!.id, configFromEnv(shopEnv), { fetch: fetchMock });
    expect(seen).toEqual(["set from 40", "read"]);
    expect((await env.DB.prepare(`SELECT status FROM actions WHERE id = ?`).bind(first!.id).first<{ status: string }>())?.status).toBe("stale");
    expect((await pushes(sku)).map((p) => [p.quantity, p.compareQuantity])).toEqual([[35, 40], [35, 39]]);
  });
});
