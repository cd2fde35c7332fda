/** Bundles: a kit's count follows its components at each location; an order for the kit consumes them. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import productFixture from "../fixtures/shopify/products-update.json";
import levelFixture from "../fixtures/vendor/shopify/inventory_levels-update.json";
import { api, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { postZoho, zohoStock } from "../helpers/vendors";

async function shopify(topic: string, payload: unknown) {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic}: ${res.status} ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

const LOCATION = 61234567;

/** A product in Shopify with a level at the store's one location. */
async function inShopify(sku: string, available: number) {
  const item = uniqueId();
  const p = structuredClone(productFixture) as Record<string, any>;
  p.id = uniqueId();
  p.variants = [{ ...p.variants[0], id: uniqueId(), sku, inventory_item_id: item }];
  await shopify("products/update", p);
  await shopify("inventory_levels/update", { ...levelFixture, inventory_item_id: item, location_id: LOCATION, available, updated_at: new Date(Date.now() - 600_000).toISOString(), admin_graphql_api_id: `gid://shopify/InventoryLevel/${LOCATION}?inventory_item_id=${item}` });
  return String(item);
}

const pushes = (sku: string) =>
  env.DB.prepare(`SELECT params FROM actions WHERE kind = 'shopify.inventory_set' AND subject_id = ? ORDER BY created_at, id`).bind(sku).all<{ params: string }>().then((r) => r.results.map((x) => JSON.parse(x.params)));

const putBundle = (sku: string, components: unknown) =>
  api(`/api/skus/${sku}/bundle`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ components }) });

describe("bundles", () => {
  it("a 3-component kit sells out when its first component does, and comes back when that component is restocked", { timeout: 60_000 }, async () => {
    const id = uniqueId();
    const [cleanser, toner, serum, kit] = [`CLN-${id}`, `TNR-${id}`, `SRM-${id}`, `KIT3-${id}`];
    for (const sku of [cleanser, toner, serum]) await inShopify(sku, 0);
    const kitItem = await inShopify(kit, 0);
    const t = Date.now() - 300_000;
    await postZoho(zohoStock(cleanser, 2, t));
    await postZoho(zohoStock(toner, 10, t));
    await postZoho(zohoStock(serum, 9, t));

    const res = await putBundle(kit, [{ sku: cleanser, quantity: 1 }, { sku: toner, quantity: 1 }, { sku: serum, quantity: 3 }]);
    expect(res.status).toBe(200);
    expect(await pushes(kit)).toEqual([{ sku: kit, inventoryItemId: kitItem, locationId: String(LOCATION), quantity: 2, compareQuantity: 0, reason: "bundle_components" }]);

    // Two kits sold: Shopify lowered the kit to 0 itself; the components are consumed.
    const at = new Date(t + 60_000).toISOString();
    await shopify("orders/create", indianOrder({ cod: false, createdAt: at, updatedAt: at, lineItems: [{ sku: kit, quantity: 2, price: "1499.00" }] }));
    const stock = async (sku: string) => (await (await api(`/api/skus/${sku}`)).json<any>()).stock.available;
    expect([await stock(cleanser), await stock(toner), await stock(serum)]).toEqual([0, 8, 3]);
    // The cleanser is gone, so the kit is sold out: Shopify already shows 0, nothing more is pushed.
    expect((await pushes(kit)).length).toBe(1);
    expect((await (await api(`/api/skus/${kit}`)).json<any>()).stock.locations[0]).toMatchObject({ shopifyAvailable: 0 });

    // Restock: the ERP counts 12 cleansers (after the order): ⌊min(12, 8, 3/3)⌋ = 1 kit comes back;
    // then its serum snapshot (9, received) lifts it to ⌊min(12, 8, 9/3)⌋ = 3.
    await postZoho(zohoStock(cleanser, 12, t + 120_000));
    await postZoho(zohoStock(serum, 9, t + 120_000));
    expect((await pushes(kit)).slice(1)).toEqual([
      expect.objectContaining({ quantity: 1, compareQuantity: 0, reason: "bundle_components" }),
      expect.objectContaining({ quantity: 3, compareQuantity: 1, reason: "bundle_components" }),
    ]);
  });

  it("refuses a bundle that contains itself, directly or through another bundle", async () => {
    const id = uniqueId();
    const [a, b] = [`KA-${id}`, `KB-${id}`];
    let res = await putBundle(a, [{ sku: a, quantity: 1 }]);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toContain(`${a} → ${a}`);
    expect((await putBundle(b, [{ sku: a, quantity: 2 }])).status).toBe(200);
    res = await putBundle(a, [{ sku: b, quantity: 1 }]);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toContain(`${a} → ${b} → ${a}`);
  });
});
