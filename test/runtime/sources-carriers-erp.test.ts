/** POST /webhooks/{shiprocket,delhivery,zoho-inventory,unicommerce} end to end: tokens, caps, dead letters, dedupe, D1, linking. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, count, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import srWebhook from "../fixtures/vendor/shiprocket/tracking-webhook.json";
import dlPush from "../fixtures/vendor/delhivery/scan-push.json";
import zohoItem from "../fixtures/zoho-inventory/item-with-warehouses.json";
import zohoPo from "../fixtures/zoho-inventory/purchaseorder.json";
import ucSnapshot from "../fixtures/vendor/unicommerce/inventory-snapshot-response-fixture.json";

const TOKENS = {
  shiprocket: "test-shiprocket-token",
  delhivery: "test-delhivery-token",
  "zoho-inventory": "test-zoho-token",
  unicommerce: "test-unicommerce-token",
} as const;
type Path = keyof typeof TOKENS;

function post(path: Path, body: unknown, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  return SELF.fetch(`https://switchyard.test/webhooks/${path}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const bearer = (path: Path) => ({ authorization: `Bearer ${TOKENS[path]}` });
const rawCount = (marker: string) => count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%${marker}%`);
const deadCount = (marker: string) => count(`SELECT count(*) AS n FROM dead_letters WHERE body LIKE ?`, `%${marker}%`);

/** Posts, expects 200, waits for the ingest queue, and checks the event was processed (not dead). */
async function deliver(path: Path, body: unknown, headers: Record<string, string>, query = ""): Promise<{ id: string; duplicate: boolean }> {
  const res = await post(path, body, headers, query);
  expect(res.status).toBe(200);
  const out = await res.json<{ id: string; duplicate: boolean }>();
  await waitProcessed(out.id);
  const row = await env.DB.prepare(`SELECT status, error FROM raw_events WHERE id = ?`).bind(out.id).first<{ status: string; error: string | null }>();
  expect(row).toEqual({ status: "processed", error: null });
  return out;
}

const shiprocket = (awb: string, overrides: Record<string, unknown> = {}) => ({ ...structuredClone(srWebhook), awb, ...overrides });
const delhivery = (awb: string, status: Record<string, string> = {}, nsl = "X-UCI", ref = "28") => {
  const p = structuredClone(dlPush);
  Object.assign(p.Shipment.Status, status);
  Object.assign(p.Shipment, { AWB: awb, NSLCode: nsl, ReferenceNo: ref });
  return p;
};
const zohoItemFor = (sku: string) => {
  const p = structuredClone(zohoItem);
  p.item.sku = sku;
  p.item.item_id = uniqueId();
  return p;
};

describe("Shiprocket webhook", () => {
  it("accepts the token in x-api-key and lands every scan in shipment_events", async () => {
    const awb = `SR${uniqueId()}`;
    await deliver("shiprocket", shiprocket(awb), { "x-api-key": TOKENS.shiprocket });
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ?`, awb)).toBe(17);
    const first = await env.DB.prepare(`SELECT carrier, status, raw_status AS rawStatus, order_ref AS orderRef FROM shipment_events WHERE awb = ? ORDER BY occurred_at LIMIT 1`)
      .bind(awb)
      .first();
    expect(first).toEqual({ carrier: "delhivery", status: "created", rawStatus: "MANIFEST GENERATED", orderRef: "1373900_150876814" });
  });

  it("rejects a wrong or missing x-api-key with 401 and stores nothing", async () => {
    const awb = `SR${uniqueId()}`;
    expect((await post("shiprocket", shiprocket(awb), { "x-api-key": "not-the-token" })).status).toBe(401);
    expect((await post("shiprocket", shiprocket(awb))).status).toBe(401);
    // Another vendor's token is not this vendor's.
    expect((await post("shiprocket", shiprocket(awb), { "x-api-key": TOKENS.delhivery })).status).toBe(401);
    expect(await rawCount(awb)).toBe(0);
    expect(await deadCount(awb)).toBe(0);
  });

  it("stores an identical resend once", async () => {
    const awb = `SR${uniqueId()}`;
    const body = JSON.stringify(shiprocket(awb));
    const first = await deliver("shiprocket", body, { "x-api-key": TOKENS.shiprocket });
    const again = await post("shiprocket", body, { "x-api-key": TOKENS.shiprocket });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(awb)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ?`, awb)).toBe(17);
  });

  it("answers 413 above the body cap and stores nothing", async () => {
    const awb = `SR${uniqueId()}`;
    const res = await post("shiprocket", shiprocket(awb, { qc_failure_reason: "x".repeat(1024 * 1024 + 10) }), { "x-api-key": TOKENS.shiprocket });
    expect(res.status).toBe(413);
    expect(await rawCount(awb)).toBe(0);
  });

  it("answers 400 to malformed JSON and to a payload without awb, each a dead letter", async () => {
    const marker = `broken-${uniqueId()}`;
    const bad = await post("shiprocket", `{"awb": "${marker}", "scans": [`, { "x-api-key": TOKENS.shiprocket });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "malformed JSON" });
    const noAwb = await post("shiprocket", { ...shiprocket(marker), awb: undefined, note: marker }, { "x-api-key": TOKENS.shiprocket });
    expect(noAwb.status).toBe(400);
    expect((await noAwb.json<{ error: string }>()).error).toMatch(/shiprocket tracking webhook: awb/);
    expect(await deadCount(marker)).toBe(2);
    expect(await rawCount(marker)).toBe(0);
  });

  it("links a scan that arrives before its Shopify order once the order lands", async () => {
    const number = uniqueId() % 100_000_000;
    const awb = `SR${uniqueId()}`;
    await deliver("shiprocket", shiprocket(awb, { order_id: String(number) }), { "x-api-key": TOKENS.shiprocket });
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ? AND order_id IS NULL`, awb)).toBe(17);

    const order = indianOrder({ name: `#${number}` });
    const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
    expect(res.status).toBe(200);
    await waitProcessed((await res.json<{ id: string }>()).id);

    const body = await (await api(`/api/orders/${order.id}`)).json<{ shipments: { awb: string; carrier: string; status: string; rawStatus: string; occurredAt: string }[] }>();
    expect(body.shipments).toHaveLength(17);
    expect(body.shipments[0]).toMatchObject({ awb, carrier: "delhivery", status: "created", rawStatus: "MANIFEST GENERATED", occurredAt: "2023-05-19T06:29:16.000Z" });
    expect(body.shipments.at(-1)).toMatchObject({ status: "in_transit", occurredAt: "2023-05-23T06:13:46.000Z" });
  });

  it("links a later scan for a known order straight away, by order name with #", async () => {
    const number = uniqueId() % 100_000_000;
    const order = indianOrder({ name: `#${number}` });
    const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
    await waitProcessed((await res.json<{ id: string }>()).id);
    const awb = `SR${uniqueId()}`;
    await deliver("shiprocket", shiprocket(awb, { order_id: `#${number}` }), { "x-api-key": TOKENS.shiprocket });
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ? AND order_id = ?`, awb, String(order.id))).toBe(17);
  });
});

describe("Delhivery webhook", () => {
  it("accepts the token as Bearer and lands the scan", async () => {
    const awb = `DL${uniqueId()}`;
    await deliver("delhivery", delhivery(awb, { StatusType: "UD", Status: "Pending", Instructions: "Consignee Unavailable" }, "EOD-11"), bearer("delhivery"));
    const row = await env.DB.prepare(`SELECT carrier, status, raw_status AS rawStatus, order_ref AS orderRef, occurred_at AS occurredAt FROM shipment_events WHERE awb = ?`).bind(awb).first();
    expect(row).toEqual({ carrier: "delhivery", status: "ndr", rawStatus: "UD Pending (EOD-11): Consignee Unavailable", orderRef: "28", occurredAt: Date.parse("2019-01-09T11:40:42.767Z") });
  });

  it("accepts the token as ?token= for vendors that only let you set a URL", async () => {
    const awb = `DL${uniqueId()}`;
    await deliver("delhivery", delhivery(awb, { StatusType: "DL", Status: "Delivered" }, "EOD-38"), {}, `?token=${TOKENS.delhivery}`);
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ? AND status = 'delivered'`, awb)).toBe(1);
  });

  it("rejects a wrong token in either place with 401 and stores nothing", async () => {
    const awb = `DL${uniqueId()}`;
    expect((await post("delhivery", delhivery(awb), { authorization: "Bearer nope" })).status).toBe(401);
    expect((await post("delhivery", delhivery(awb), {}, "?token=nope")).status).toBe(401);
    expect((await post("delhivery", delhivery(awb))).status).toBe(401);
    expect(await rawCount(awb)).toBe(0);
  });

  it("stores a resent scan once", async () => {
    const awb = `DL${uniqueId()}`;
    const body = JSON.stringify(delhivery(awb, { StatusType: "RT", Status: "In Transit" }, "X-DLL2R"));
    const first = await deliver("delhivery", body, bearer("delhivery"));
    const again = await (await post("delhivery", body, bearer("delhivery"))).json();
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(awb)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM shipment_events WHERE awb = ? AND status = 'rto_initiated'`, awb)).toBe(1);
  });

  it("answers 400 to a scan without a status, keeping a dead letter", async () => {
    const awb = `DL${uniqueId()}`;
    const res = await post("delhivery", { Shipment: { AWB: awb, ReferenceNo: "1" } }, bearer("delhivery"));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/delhivery scan push: Shipment\.Status/);
    expect(await deadCount(awb)).toBe(1);
    expect(await rawCount(awb)).toBe(0);
  });

  it("links a scan to the order named by ReferenceNo", async () => {
    const number = uniqueId() % 100_000_000;
    const order = indianOrder({ name: `#${number}` });
    await waitProcessed((await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }))).json<{ id: string }>()).id);
    const awb = `DL${uniqueId()}`;
    await deliver("delhivery", delhivery(awb, { StatusType: "UD", Status: "Dispatched" }, "X-DDD3FD", String(number)), bearer("delhivery"));
    const body = await (await api(`/api/orders/${order.id}`)).json<{ shipments: { awb: string; status: string }[] }>();
    expect(body.shipments).toEqual([expect.objectContaining({ awb, status: "out_for_delivery" })]);
  });
});

describe("Zoho Inventory webhook", () => {
  it("lands an item as one inventory record per warehouse", async () => {
    const sku = `ZSKU-${uniqueId()}`;
    await deliver("zoho-inventory", zohoItemFor(sku), bearer("zoho-inventory"));
    const { results } = await env.DB.prepare(
      `SELECT location_id AS locationId, available, on_hand AS onHand, committed, reorder_point AS reorderPoint, updated_at AS updatedAt
       FROM inventory_records WHERE source = 'zoho-inventory' AND sku = ? ORDER BY location_id`,
    )
      .bind(sku)
      .all();
    expect(results).toEqual([
      { locationId: "982000000000391", available: 133, onHand: 150, committed: 10, reorderPoint: 40, updatedAt: Date.parse("2026-11-20T08:35:31.000Z") },
      { locationId: "982000000000407", available: 30, onHand: 32, committed: 2, reorderPoint: 40, updatedAt: Date.parse("2026-11-20T08:35:31.000Z") },
    ]);
  });

  it("lands a purchase order", async () => {
    const poNumber = `PO-${uniqueId()}`;
    const po = structuredClone(zohoPo);
    po.purchaseorder.purchaseorder_number = poNumber;
    await deliver("zoho-inventory", po, {}, `?token=${TOKENS["zoho-inventory"]}`);
    const row = await env.DB.prepare(`SELECT status, expected_at AS expectedAt, lines FROM purchase_orders WHERE po_number = ?`).bind(poNumber).first<{ status: string; expectedAt: number; lines: string }>();
    expect(row?.status).toBe("issued");
    expect(row?.expectedAt).toBe(Date.parse("2026-11-27T18:30:00.000Z"));
    expect(JSON.parse(row!.lines)).toEqual([
      { sku: "KUMKUMADI-30ML", quantity: 300 },
      { sku: "NEEM-SOAP-100G", quantity: 600 },
    ]);
  });

  it("rejects a wrong token with 401 and stores nothing", async () => {
    const sku = `ZSKU-${uniqueId()}`;
    expect((await post("zoho-inventory", zohoItemFor(sku), { authorization: "Bearer test-shiprocket-token" })).status).toBe(401);
    expect((await post("zoho-inventory", zohoItemFor(sku), { "x-api-key": TOKENS["zoho-inventory"] })).status).toBe(401);
    expect(await rawCount(sku)).toBe(0);
  });

  it("stores the same item change once (item id + last_modified_time)", async () => {
    const sku = `ZSKU-${uniqueId()}`;
    const item = zohoItemFor(sku);
    const first = await deliver("zoho-inventory", item, bearer("zoho-inventory"));
    expect(first.id).toBe(`zoho-inventory:item:${item.item.item_id}:2026-11-20T14:05:31+0530`);
    const again = await (await post("zoho-inventory", item, bearer("zoho-inventory"))).json();
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(sku)).toBe(1);
  });

  it("answers 400 to a body that is neither item nor purchase order, keeping a dead letter", async () => {
    const marker = `contact-${uniqueId()}`;
    const res = await post("zoho-inventory", { contact: { contact_name: marker } }, bearer("zoho-inventory"));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toBe("zoho-inventory: body is neither an item nor a purchaseorder");
    expect(await deadCount(marker)).toBe(1);
  });
});

describe("Unicommerce webhook", () => {
  const snapshotFor = (sku: string, facility = "BLR01") => {
    const p = structuredClone(ucSnapshot) as Record<string, any>;
    p.facility = facility;
    p.inventorySnapshots[0].itemTypeSKU = sku;
    p.inventorySnapshots[0].openPurchase = 20;
    p.inventorySnapshots[0].putawayPending = 4;
    p.inventorySnapshots.pop();
    return p;
  };

  it("lands a snapshot as inventory records, timed at receipt", async () => {
    const sku = `USKU-${uniqueId()}`;
    const before = Date.now();
    await deliver("unicommerce", snapshotFor(sku), bearer("unicommerce"));
    const row = await env.DB.prepare(
      `SELECT location_id AS locationId, available, committed, incoming, updated_at AS updatedAt FROM inventory_records WHERE source = 'unicommerce' AND sku = ?`,
    )
      .bind(sku)
      .first<{ updatedAt: number }>();
    expect(row).toMatchObject({ locationId: "BLR01", available: 50, committed: 5, incoming: 24 });
    expect(row!.updatedAt).toBeGreaterThanOrEqual(before);
  });

  it("rejects a missing token with 401 and stores nothing", async () => {
    const sku = `USKU-${uniqueId()}`;
    expect((await post("unicommerce", snapshotFor(sku))).status).toBe(401);
    expect((await post("unicommerce", snapshotFor(sku), {}, "?token=")).status).toBe(401);
    expect(await rawCount(sku)).toBe(0);
  });

  it("stores a resent snapshot once", async () => {
    const sku = `USKU-${uniqueId()}`;
    const body = JSON.stringify(snapshotFor(sku));
    const first = await deliver("unicommerce", body, bearer("unicommerce"));
    const again = await (await post("unicommerce", body, bearer("unicommerce"))).json();
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    expect(await rawCount(sku)).toBe(1);
  });

  it("answers 400 to an unsuccessful response and to malformed JSON, each a dead letter", async () => {
    const marker = `uc-${uniqueId()}`;
    const failed = await post("unicommerce", { successful: false, message: marker, inventorySnapshots: [] }, bearer("unicommerce"));
    expect(failed.status).toBe(400);
    expect((await failed.json<{ error: string }>()).error).toBe(`unicommerce inventory snapshot: unsuccessful response: ${marker}`);
    const broken = await post("unicommerce", `{"message": "${marker}-json", `, bearer("unicommerce"));
    expect(broken.status).toBe(400);
    expect(await deadCount(marker)).toBe(2);
    expect(await rawCount(marker)).toBe(0);
  });

  it("answers 413 above the body cap and stores nothing", async () => {
    const sku = `USKU-${uniqueId()}`;
    const res = await post("unicommerce", { ...snapshotFor(sku), padding: "x".repeat(1024 * 1024 + 10) }, bearer("unicommerce"));
    expect(res.status).toBe(413);
    expect(await rawCount(sku)).toBe(0);
  });
});
