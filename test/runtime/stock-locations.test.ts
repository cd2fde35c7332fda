/** Stock per Shopify location: levels per location, warehouses mapped to locations, one compare-and-set per location. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import productFixture from "../fixtures/shopify/products-update.json";
import levelFixture from "../fixtures/vendor/shopify/inventory_levels-update.json";
import zohoItem from "../fixtures/zoho-inventory/item-with-warehouses.json";
import { api, waitProcessed } from "../helpers/runtime";
import fulfillmentFixture from "../fixtures/shopify/fulfillments-create-delhivery.json";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { postZoho } from "../helpers/vendors";

async function shopify(topic: string, payload: unknown) {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic}: ${res.status} ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

/** Shopify's `inventory_levels/update` sample with this item, location and count. */
function level(inventoryItemId: number, locationId: number, available: number, at: number) {
  return { ...levelFixture, inventory_item_id: inventoryItemId, location_id: locationId, available, updated_at: new Date(at).toISOString(), admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}` };
}

async function product(sku: string, inventoryItemId: number) {
  const p = structuredClone(productFixture) as Record<string, any>;
  p.id = uniqueId();
  p.variants = [{ ...p.variants[0], id: uniqueId(), sku, inventory_item_id: inventoryItemId }];
  await shopify("products/update", p);
}

/** A Zoho item webhook with stock in several warehouses (the fixture's warehouse entry, per warehouse). */
function zohoWarehouses(sku: string, stock: Record<string, number>, modifiedAt: number) {
  const p = structuredClone(zohoItem) as Record<string, any>;
  const total = Object.values(stock).reduce((a, b) => a + b, 0);
  Object.assign(p.item, { sku, item_id: uniqueId(), stock_on_hand: total, available_stock: total, actual_available_stock: total, last_modified_time: new Date(modifiedAt + 330 * 60_000).toISOString().slice(0, 19) + "+0530" });
  p.item.warehouses = Object.entries(stock).map(([id, n]) => ({
    ...p.item.warehouses[0], warehouse_id: id, warehouse_name: id, warehouse_stock_on_hand: n, warehouse_available_stock: n, warehouse_actual_available_stock: n,
    warehouse_committed_stock: 0, warehouse_actual_committed_stock: 0, warehouse_available_for_sale_stock: n, warehouse_actual_available_for_sale_stock: n,
  }));
  return p;
}

const pushes = (sku: string) =>
  env.DB.prepare(`SELECT params FROM actions WHERE kind = 'shopify.inventory_set' AND subject_id = ? ORDER BY created_at, id`).bind(sku).all<{ params: string }>().then((r) => r.results.map((x) => JSON.parse(x.params)));

async function dashboardCookie(): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250) + 1}` },
    body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
    redirect: "manual",
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

const putMapping = (body: unknown) => api("/api/locations", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("locations and the warehouse mapping", () => {
  it("refuses a mapping that names an unknown location or warehouse, naming them", async () => {
    const res = await putMapping({ locations: [{ locationId: "999000111", warehouses: ["wh-nowhere"] }] });
    expect(res.status).toBe(400);
    const { error } = await res.json<{ error: string }>();
    expect(error).toContain("999000111");
    expect(error).toContain("wh-nowhere");
  });

  it("two locations fed one to one: each gets its own warehouse's number, compared against its own count", { timeout: 30_000 }, async () => {
    const sku = `KIT-2L-${uniqueId()}`;
    const item = uniqueId();
    const [bhw, blr] = [uniqueId(), uniqueId()];
    const [whBhw, whBlr] = [`wh-bhw-${uniqueId()}`, `wh-blr-${uniqueId()}`];
    await product(sku, item);
    const t = Date.now() - 600_000;
    await shopify("inventory_levels/update", level(item, bhw, 50, t));
    await shopify("inventory_levels/update", level(item, blr, 50, t));
    // Two locations and no mapping yet: nothing is written (which warehouse feeds which is the brand's to say).
    await postZoho(zohoWarehouses(sku, { [whBhw]: 40, [whBlr]: 6 }, t + 60_000));
    expect(await pushes(sku)).toEqual([]);
    let body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.stock.unmappedLocations.sort()).toEqual([String(bhw), String(blr)].sort());
    // The overview says which locations nothing feeds.
    const overview = await (await SELF.fetch("https://switchyard.test/", { headers: { cookie: await dashboardCookie() } })).text();
    const notice = overview.slice(overview.indexOf('id="unmapped-locations"'), overview.indexOf("</p>", overview.indexOf('id="unmapped-locations"')));
    expect(notice).toContain(String(bhw));
    expect(notice).toContain(String(blr));

    const res = await putMapping({ locations: [{ locationId: String(bhw), warehouses: [whBhw] }, { locationId: String(blr), warehouses: [whBlr] }] });
    expect(res.status).toBe(200);
    // The remap job re-pushes every SKU under the new mapping: one compare-and-set per location.
    await vi.waitFor(async () => expect((await pushes(sku)).length).toBe(2), { timeout: 10_000, interval: 100 });
    const byLocation = Object.fromEntries((await pushes(sku)).map((p) => [p.locationId, p]));
    expect(byLocation[String(bhw)]).toMatchObject({ inventoryItemId: String(item), quantity: 40, compareQuantity: 50 });
    expect(byLocation[String(blr)]).toMatchObject({ inventoryItemId: String(item), quantity: 6, compareQuantity: 50 });

    // Bengaluru's warehouse changes: only Bengaluru is pushed, against the count it was last told.
    await postZoho(zohoWarehouses(sku, { [whBhw]: 40, [whBlr]: 2 }, t + 120_000));
    expect((await pushes(sku)).slice(2)).toEqual([expect.objectContaining({ locationId: String(blr), quantity: 2, compareQuantity: 6 })]);

    body = await (await api(`/api/skus/${sku}`)).json<any>();
    const views = Object.fromEntries(body.stock.locations.map((l: any) => [l.locationId, l]));
    expect(views[String(blr)]).toMatchObject({ warehouses: [whBlr], mapped: true, sellable: 2, shopifyAvailable: 2, lastPush: { quantity: 2, reason: "erp_rebase" } });
    expect(views[String(bhw)]).toMatchObject({ warehouses: [whBhw], mapped: true, sellable: 40 });
    expect(body.stock.unmappedLocations).toEqual([]);

    const locs = await (await api(`/api/locations`)).json<any>();
    expect(locs.warehouses).toEqual(expect.arrayContaining([expect.objectContaining({ id: whBlr, feeds: String(blr) })]));

    // The dashboard's SKU page: per location, Shopify's count, the warehouses behind it and the last push.
    const cookie = await dashboardCookie();
    const html = await (await SELF.fetch(`https://switchyard.test/skus/${sku}`, { headers: { cookie } })).text();
    const table = html.slice(html.indexOf('id="sku-locations"'), html.indexOf("</table>", html.indexOf('id="sku-locations"')));
    const row = table.slice(table.indexOf(`<td>${blr}`), table.indexOf("</tr>", table.indexOf(`<td>${blr}`)));
    expect(row).toContain(whBlr);
    expect(row).toMatch(/<td class="n">2<\/td>.*2 \(erp rebase\)/s);
  });

  it("refuses a warehouse feeding two locations (both would sell the same units)", { timeout: 30_000 }, async () => {
    const sku = `KIT-SH-${uniqueId()}`;
    const item = uniqueId();
    const [a, b] = [uniqueId(), uniqueId()];
    const wh = `wh-${uniqueId()}`;
    await product(sku, item);
    await shopify("inventory_levels/update", level(item, a, 1, Date.now() - 60_000));
    await shopify("inventory_levels/update", level(item, b, 1, Date.now() - 60_000));
    await postZoho(zohoWarehouses(sku, { [wh]: 3 }, Date.now() - 30_000));
    const res = await putMapping({ locations: [{ locationId: String(a), warehouses: [wh] }, { locationId: String(b), warehouses: [wh] }] });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toContain(`more than one location: ${wh}`);
  });

  it("a level for an unknown inventory item is kept and applied to the SKU when its product arrives", { timeout: 30_000 }, async () => {
    const sku = `LATE-${uniqueId()}`;
    const item = uniqueId();
    const loc = uniqueId();
    await shopify("inventory_levels/update", level(item, loc, 17, Date.now() - 60_000));
    await product(sku, item);
    const body = await (await api(`/api/skus/${sku}`)).json<any>();
    expect(body.stock.locations).toEqual([expect.objectContaining({ locationId: String(loc), shopifyAvailable: 17, connected: true })]);
  });

  it("locations/* topics register the store's locations; a deactivated one is never written", { timeout: 30_000 }, async () => {
    const id = uniqueId();
    await shopify("locations/create", { id, name: "Bengaluru dark store", active: true, updated_at: new Date(Date.now() - 60_000).toISOString(), admin_graphql_api_id: `gid://shopify/Location/${id}` });
    let locs = await (await api(`/api/locations`)).json<any>();
    expect(locs.locations).toEqual(expect.arrayContaining([{ id: String(id), name: "Bengaluru dark store", active: true, warehouses: expect.any(Array), mapped: expect.any(Boolean) }]));
    await shopify("locations/deactivate", { id, name: "Bengaluru dark store", active: false, updated_at: new Date().toISOString(), admin_graphql_api_id: `gid://shopify/Location/${id}` });
    locs = await (await api(`/api/locations`)).json<any>();
    expect(locs.locations.find((l: any) => l.id === String(id))).toMatchObject({ active: false, mapped: false });
    // A mapping may not feed a deactivated location.
    expect((await putMapping({ locations: [{ locationId: String(id), warehouses: [] }] })).status).toBe(400);
  });
});

describe("orders at locations", () => {
  it("an order holds units at every location until its fulfilment names one; then the others get them back", { timeout: 40_000 }, async () => {
    const sku = `ORD-2L-${uniqueId()}`;
    const item = uniqueId();
    const [bhw, blr] = [uniqueId(), uniqueId()];
    const [whBhw, whBlr] = [`wh-bhw-${uniqueId()}`, `wh-blr-${uniqueId()}`];
    await product(sku, item);
    const t = Date.now() - 600_000;
    await shopify("inventory_levels/update", level(item, bhw, 3, t));
    await shopify("inventory_levels/update", level(item, blr, 3, t));
    await postZoho(zohoWarehouses(sku, { [whBhw]: 3, [whBlr]: 3 }, t + 1000));
    // The floor is set before the mapping, so the remap job (asynchronous) pushes each location 3 − 1
    // = 2 (issue 18: the safety floor is held back from sale) before the order below, not after it.
    const settings = await api(`/api/skus/${sku}/settings`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ safetyStock: 1 }) });
    expect(settings.status).toBe(200);
    expect((await putMapping({ locations: [{ locationId: String(bhw), warehouses: [whBhw] }, { locationId: String(blr), warehouses: [whBlr] }] })).status).toBe(200);
    await vi.waitFor(async () => expect((await pushes(sku)).length).toBe(2), { timeout: 10_000, interval: 100 });
    expect((await pushes(sku)).map((p) => [p.locationId, p.quantity, p.compareQuantity]).sort()).toEqual([[String(bhw), 2, 3], [String(blr), 2, 3]].sort());
    const before = (await pushes(sku)).length;

    const order = indianOrder({ cod: false, createdAt: new Date(t + 60_000).toISOString(), updatedAt: new Date(t + 60_000).toISOString(), lineItems: [{ sku, quantity: 2, price: "499.00" }] });
    await shopify("orders/create", order);
    // Not yet routed: either location may ship it, so both fall to the floor: 1 left on each shelf,
    // and that 1 is the floor, held back from sale, so both are told 0 (the old rule told them 1).
    const guarded = (await pushes(sku)).slice(before);
    expect(guarded.map((p) => [p.locationId, p.quantity]).sort()).toEqual([[String(bhw), 0], [String(blr), 0]].sort());

    const f = structuredClone(fulfillmentFixture) as Record<string, any>;
    Object.assign(f, { id: uniqueId(), order_id: order.id, location_id: blr, tracking_number: `AWB${uniqueId()}`, tracking_numbers: undefined, created_at: new Date(t + 120_000).toISOString(), updated_at: new Date(t + 120_000).toISOString() });
    f.admin_graphql_api_id = `gid://shopify/Fulfillment/${f.id}`;
    f.line_items = [{ ...f.line_items[0], sku, quantity: 2 }];
    await shopify("fulfillments/create", f);
    // It ships from Bengaluru: Bhiwandi gets its 2 back (3 on the shelf − floor 1 = 2; was 3 before
    // the floor was held back); Bengaluru keeps 1 on the shelf, the floor, and stays at 0.
    expect((await pushes(sku)).slice(before + 2)).toEqual([expect.objectContaining({ locationId: String(bhw), quantity: 2, compareQuantity: 0 })]);
  });
});

describe("SkuStock storage v3", () => {
  it("turns a stored v1 ledger (one Shopify location) into that location's level, in SQL", async () => {
    const { runInDurableObject } = await import("cloudflare:test");
    const { SKU_STOCK_MIGRATIONS } = await import("../../src/durable-objects/sku-stock");
    const { migrateStorage } = await import("../../src/durable-objects/schema");
    const { newLedger } = await import("../../src/durable-objects/sku-ledger");
    const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(`V1-${uniqueId()}`));
    const body = await runInDurableObject(stub, (_instance, state) => {
      const v1 = newLedger("V1") as unknown as Record<string, unknown>;
      delete v1.locations;
      delete v1.unplaced;
      v1.shopify = { available: 12, at: 1_700_000_000_000, inventoryItemId: "inv-9", locationId: "loc-9" };
      v1.drift = 3;
      state.storage.sql.exec(`INSERT INTO ledger (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, JSON.stringify(v1));
      state.storage.sql.exec(`UPDATE _schema SET version = 2`);
      migrateStorage(state.storage.sql, SKU_STOCK_MIGRATIONS);
      return JSON.parse(state.storage.sql.exec<{ body: string }>(`SELECT body FROM ledger WHERE id = 1`).one().body);
    });
    expect(body.locations).toEqual({ "loc-9": { available: 12, at: 1_700_000_000_000, connected: true, drift: 3, lastPush: null } });
    expect(body.unplaced).toBeNull();
  });
});

describe("Shopify locations from the Admin API", () => {
  it("reads every location, deactivated ones included, into the store's list", { timeout: 30_000 }, async () => {
    const { syncShopifyLocations } = await import("../../src/jobs/shopify-locations");
    const shopEnv = { ...env, SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_test" } as unknown as Env;
    const [a, b] = [uniqueId(), uniqueId()];
    const seen: unknown[] = [];
    const fetchMock = async (url: string, init: RequestInit) => {
      if (url !== "https://vanaspati.myshopify.com/admin/api/2026-07/graphql.json") throw new Error(`unexpected request to ${url}`);
      const body = JSON.parse(String(init.body));
      seen.push(body.variables);
      if (!String(body.query).includes("includeInactive: true")) throw new Error("expected deactivated locations to be asked for");
      // Two pages, as Shopify pages a connection.
      if (body.variables.after === null) {
        return Response.json({ data: { locations: { pageInfo: { hasNextPage: true, endCursor: "c1" }, nodes: [{ id: `gid://shopify/Location/${a}`, name: "Bhiwandi warehouse", isActive: true }] } } });
      }
      return Response.json({ data: { locations: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ id: `gid://shopify/Location/${b}`, name: "Old popup", isActive: false }] } } });
    };
    expect(await syncShopifyLocations(shopEnv, Date.now(), fetchMock)).toBe(2);
    expect(seen).toEqual([{ after: null }, { after: "c1" }]);
    const locs = await (await api(`/api/locations`)).json<any>();
    expect(locs.locations).toEqual(expect.arrayContaining([expect.objectContaining({ id: String(a), name: "Bhiwandi warehouse", active: true }), expect.objectContaining({ id: String(b), active: false, mapped: false })]));
  });
});
