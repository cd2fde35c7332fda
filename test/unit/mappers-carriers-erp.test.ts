/** Shiprocket, Delhivery, Zoho Inventory and Unicommerce mappers, as pure functions, against vendor samples. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapDelhiveryScanPush, mapDelhiveryTracking } from "../../src/canonical/mappers/delhivery";
import { carrierName, mapShiprocketTracking, mapShiprocketWebhook } from "../../src/canonical/mappers/shiprocket";
import { mapUnicommerceWebhook } from "../../src/canonical/mappers/unicommerce";
import { mapZohoInventoryWebhook } from "../../src/canonical/mappers/zoho-inventory";
import { UnmappableError } from "../../src/canonical/model";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const load = (path: string): any => parseJsonKeepingBigIds(readFileSync(`test/fixtures/${path}`, "utf8"));
const srWebhook = () => load("vendor/shiprocket/tracking-webhook.json");

describe("Shiprocket tracking webhook", () => {
  it("maps the documented sample: one event per scan, oldest first, IST times in UTC", () => {
    const events = mapShiprocketWebhook("tracking", srWebhook()).shipmentEvents;
    // 17 scans; the current status (IN TRANSIT) repeats the latest scan, so it adds no event.
    expect(events).toHaveLength(17);
    expect(events[0]).toEqual({
      carrier: "delhivery",
      awb: "19041424751540",
      status: "created",
      rawStatus: "MANIFEST GENERATED",
      occurredAt: "2023-05-19T06:29:16.000Z",
      orderId: null,
      orderRef: "1373900_150876814",
      location: "Chomu_SamodRd_D (Rajasthan)",
      pincode: null,
      eta: "2023-05-23T10:10:19.000Z",
      isReturn: false,
      source: "shiprocket",
      sourceId: "19041424751540",
    });
    expect(events.map((e) => e.status)).toEqual(["created", "picked_up", ...Array(15).fill("in_transit")]);
    expect(events[16]).toMatchObject({ rawStatus: "IN TRANSIT", occurredAt: "2023-05-23T06:13:46.000Z", location: "Mumbai_MiraRdIndEstate_I (Maharashtra)" });
  });

  it("keeps an unlabelled scan (sr-status NA) raw, in the state the shipment was already in", () => {
    const p = srWebhook();
    p.scans = [
      { date: "2023-05-24 09:00:00", status: "DLVD", activity: "Delivered", location: "Mira Road", "sr-status": "7", "sr-status-label": "DELIVERED" },
      { date: "2023-05-24 09:30:00", status: "X-POD", activity: "POD uploaded", location: "Mira Road", "sr-status": "NA", "sr-status-label": "NA" },
    ];
    p.shipment_status_id = 7;
    p.shipment_status = "DELIVERED";
    const events = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(events.map((e) => [e.status, e.rawStatus])).toEqual([
      ["delivered", "DELIVERED"],
      ["delivered", "POD uploaded"],
    ]);
  });

  it("adds the current status when it is newer news than the scans (delivered)", () => {
    const p = srWebhook();
    p.current_status = "DELIVERED";
    p.shipment_status = "DELIVERED";
    p.shipment_status_id = 7;
    p.current_timestamp = "24 05 2023 13:05:10";
    const events = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(events).toHaveLength(18);
    expect(events[17]).toMatchObject({ status: "delivered", rawStatus: "DELIVERED", occurredAt: "2023-05-24T07:35:10.000Z", location: "Mumbai_MiraRdIndEstate_I (Maharashtra)" });
  });

  it.each([
    [21, "UNDELIVERED", "ndr"],
    [17, "OUT FOR DELIVERY", "out_for_delivery"],
    [9, "RTO INITIATED", "rto_initiated"],
    [46, "RTO IN TRANSIT", "rto_initiated"],
    [10, "RTO DELIVERED", "rto_delivered"],
    [12, "LOST", "lost"],
    [8, "CANCELLED", "cancelled"],
    [42, "PICKED UP", "picked_up"],
    [38, "REACHED AT DESTINATION HUB", "in_transit"],
  ])("maps shipment_status_id %i (%s) to %s", (id, label, expected) => {
    const p = { ...srWebhook(), scans: [], shipment_status_id: id, shipment_status: label, current_status: label };
    const [event] = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(event).toMatchObject({ status: expected, rawStatus: label, occurredAt: "2023-05-23T06:13:52.000Z", location: null });
  });

  it("maps an NDR scan and an RTO delivery scan by sr-status", () => {
    const p = srWebhook();
    p.scans = [
      { date: "2023-05-24 18:10:00", status: "UD", activity: "Consignee not available", location: "Mira Road", "sr-status": "21", "sr-status-label": "UNDELIVERED" },
      { date: "2023-05-30 12:00:00", status: "RTD", activity: "RTO delivered to seller", location: "Chomu", "sr-status": "10", "sr-status-label": "RTO DELIVERED" },
    ];
    p.shipment_status_id = 10;
    p.shipment_status = "RTO DELIVERED";
    const events = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(events.map((e) => e.status)).toEqual(["ndr", "rto_delivered"]);
  });

  it("keeps an unknown status id raw and reads it as in transit, never dropping it", () => {
    const p = { ...srWebhook(), scans: [], shipment_status_id: 999, shipment_status: "HELD AT CUSTOMS GATE", current_status: "HELD AT CUSTOMS GATE" };
    const events = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "in_transit", rawStatus: "HELD AT CUSTOMS GATE" });
    const scan = { date: "2023-05-24 09:00:00", status: "ZZ", activity: "Something new", location: "Hub", "sr-status": "998", "sr-status-label": "BRAND NEW STATE" };
    const withScan = mapShiprocketWebhook("tracking", { ...srWebhook(), scans: [scan] }).shipmentEvents;
    expect(withScan[0]).toMatchObject({ status: "in_transit", rawStatus: "BRAND NEW STATE" });
  });

  it("does not read current_status_id with the tracking table (20 there is Pickup Exception)", () => {
    const p = { ...srWebhook(), scans: [], shipment_status_id: undefined, shipment_status: undefined, current_status_id: 20, current_status: "IN TRANSIT" };
    expect(mapShiprocketWebhook("tracking", p).shipmentEvents[0]).toMatchObject({ status: "in_transit", rawStatus: "IN TRANSIT" });
  });

  it("marks returns and falls back to channel_order_id", () => {
    const p = { ...srWebhook(), is_return: 1, order_id: undefined, channel_order_id: "#1042" };
    const [event] = mapShiprocketWebhook("tracking", p).shipmentEvents;
    expect(event).toMatchObject({ isReturn: true, orderRef: "#1042" });
  });

  it("normalises courier names to one carrier per company", () => {
    expect(carrierName("Delhivery Surface")).toBe("delhivery");
    expect(carrierName("Xpressbees Surface 2kg")).toBe("xpressbees");
    expect(carrierName("Blue Dart Air")).toBe("blue dart");
    expect(carrierName(null)).toBe("shiprocket");
  });

  it.each([
    ["a payload without awb", { ...srWebhook(), awb: undefined }, /awb/],
    ["scans that are not a list", { ...srWebhook(), scans: "none" }, /scans/],
    ["a scan date that is not a time", { ...srWebhook(), scans: [{ date: "soon", "sr-status": "18" }] }, /scan date is not a valid time/],
    ["no scans and no current_timestamp", { awb: "123", scans: [] }, /no scans and no current_timestamp/],
    ["a JSON array", [], /root/],
    ["null", null, /root/],
  ])("throws UnmappableError for %s", (_name, payload, reason) => {
    expect(() => mapShiprocketWebhook("tracking", payload)).toThrow(UnmappableError);
    expect(() => mapShiprocketWebhook("tracking", payload)).toThrow(reason);
  });
});

describe("Shiprocket track-by-AWB response (reconciliation)", () => {
  it("maps every activity oldest first with the documented statuses", () => {
    const events = mapShiprocketTracking(load("vendor/shiprocket/track-awb-response.json")).shipmentEvents;
    expect(events.map((e) => [e.status, e.rawStatus, e.occurredAt])).toEqual([
      ["in_transit", "Pending Manifest Data Received", "2022-07-18T04:21:00.000Z"],
      ["created", "OUT FOR PICKUP", "2022-07-18T04:34:00.000Z"],
      ["picked_up", "PICKED UP", "2022-07-18T08:20:00.000Z"],
      ["in_transit", "SHIPPED", "2022-07-18T14:58:00.000Z"],
      ["in_transit", "IN TRANSIT", "2022-07-18T15:32:00.000Z"],
      ["in_transit", "REACHED AT DESTINATION HUB", "2022-07-19T02:03:00.000Z"],
      ["out_for_delivery", "OUT FOR DELIVERY", "2022-07-19T03:27:00.000Z"],
      ["delivered", "DELIVERED", "2022-07-19T06:07:00.000Z"],
    ]);
    expect(events[7]).toMatchObject({ carrier: "xpressbees", awb: "141123221084922", orderRef: null, eta: "2022-07-20T13:58:00.000Z", location: "MADANPALLI, Madanapalli, ANDHRA PRADESH" });
  });

  it("throws UnmappableError for a response without tracking data", () => {
    expect(() => mapShiprocketTracking({ tracking_data: { track_status: 0, shipment_track: [] } })).toThrow(UnmappableError);
    expect(() => mapShiprocketTracking({ error: "no" })).toThrow(/tracking_data/);
  });
});

const dlPush = (status: Record<string, string>, nsl: string) => {
  const p = load("vendor/delhivery/scan-push.json");
  Object.assign(p.Shipment.Status, status);
  p.Shipment.NSLCode = nsl;
  return p;
};

describe("Delhivery scan push", () => {
  it("maps the documented default payload", () => {
    const batch = mapDelhiveryScanPush("scan", load("vendor/delhivery/scan-push.json"));
    expect(batch.shipmentEvents).toEqual([
      {
        carrier: "delhivery",
        awb: "XXXXXXXXXXXX",
        status: "created",
        rawStatus: "UD Manifested (X-UCI): Manifest uploaded",
        occurredAt: "2019-01-09T11:40:42.767Z",
        orderId: null,
        orderRef: "28",
        location: "Chandigarh_Raiprkln_C (Chandigarh)",
        pincode: null,
        eta: null,
        isReturn: false,
        source: "delhivery",
        sourceId: "XXXXXXXXXXXX",
      },
    ]);
  });

  it.each([
    ["UD", "In Transit", "X-PPOM", "picked_up", false],
    ["UD", "In Transit", "X-ILL1F", "in_transit", false],
    ["UD", "Pending", "X-IBD3F", "in_transit", false],
    ["UD", "Dispatched", "X-DDD3FD", "out_for_delivery", false],
    ["UD", "Pending", "EOD-11", "ndr", false],
    ["UD", "Pending", "EOD-6", "ndr", false],
    ["UD", "Pending", "EOD-74", "ndr", false],
    ["UD", "Pending", "EOD-16", "failed_attempt", false],
    ["UD", "Not Picked", "X-PNP", "created", false],
    ["DL", "Delivered", "EOD-38", "delivered", false],
    ["RT", "In Transit", "X-DLL2R", "rto_initiated", false],
    ["RT", "Dispatched", "X-DRD1R", "rto_initiated", false],
    ["DL", "RTO", "RT-110", "rto_delivered", false],
    ["PP", "Scheduled", "", "created", true],
    ["PU", "In Transit", "", "in_transit", true],
    ["DL", "DTO", "", "delivered", true],
    ["CN", "Canceled", "", "cancelled", false],
    ["LT", "Lost", "LT-100", "lost", false],
  ])("maps %s %s (%s) to %s", (StatusType, Status, nsl, expected, isReturn) => {
    const [event] = mapDelhiveryScanPush("scan", dlPush({ StatusType, Status }, nsl)).shipmentEvents;
    expect(event).toMatchObject({ status: expected, isReturn });
  });

  it("keeps an unknown status type raw and reads it as in transit", () => {
    const [event] = mapDelhiveryScanPush("scan", dlPush({ StatusType: "ZZ", Status: "Held", Instructions: "Held at gateway" }, "Q-1")).shipmentEvents;
    expect(event).toMatchObject({ status: "in_transit", rawStatus: "ZZ Held (Q-1): Held at gateway" });
  });

  it.each([
    ["no Shipment", { AWB: "1" }, /Shipment/],
    ["no Status", { Shipment: { AWB: "1", ReferenceNo: "2" } }, /Shipment\.Status/],
    ["an empty AWB", { Shipment: { ...load("vendor/delhivery/scan-push.json").Shipment, AWB: " " } }, /AWB/],
    ["a StatusDateTime that is not a time", dlPush({ StatusDateTime: "yesterday" }, "X-UCI"), /StatusDateTime is not a valid time/],
    ["a string", "Manifested", /root/],
  ])("throws UnmappableError for %s", (_name, payload, reason) => {
    expect(() => mapDelhiveryScanPush("scan", payload)).toThrow(UnmappableError);
    expect(() => mapDelhiveryScanPush("scan", payload)).toThrow(reason);
  });
});

describe("Delhivery track response (reconciliation)", () => {
  it("maps a delivered shipment's scans: pickup, out for delivery, NDR, delivered", () => {
    const events = mapDelhiveryTracking(load("vendor/delhivery/track-response-delivered.json")).shipmentEvents;
    // 28 scans; the current Status repeats the last one.
    expect(events).toHaveLength(28);
    expect(events.map((e) => e.status)).toEqual([
      "created", "created", "picked_up", ...Array(21).fill("in_transit"), "out_for_delivery", "out_for_delivery", "ndr", "delivered",
    ]);
    expect(events[26]).toMatchObject({ rawStatus: "UD Pending (EOD-11): Consignee Unavailable", occurredAt: "2024-09-20T09:47:44.002Z" });
    expect(events[27]).toMatchObject({
      carrier: "delhivery",
      awb: "26805710004060",
      orderRef: "2237",
      pincode: "110008",
      eta: "2024-09-22T18:29:59.000Z",
      location: "Delhi_DLEIndustrialArea_D (Delhi)",
      occurredAt: "2024-09-20T10:11:19.002Z",
    });
  });

  it("maps an in-transit shipment", () => {
    const events = mapDelhiveryTracking(load("vendor/delhivery/track-response-in-transit.json")).shipmentEvents;
    expect(events).toHaveLength(9);
    expect(events.at(-1)).toMatchObject({ status: "in_transit", awb: "26805710004126", orderRef: "2245", pincode: "144042" });
  });

  it("throws UnmappableError for an empty response", () => {
    expect(() => mapDelhiveryTracking({ ShipmentData: [] })).toThrow(UnmappableError);
  });
});

const RECEIVED = "inventory_snapshot@2026-11-20T10:00:00.000Z";

describe("Zoho Inventory webhook", () => {
  it("maps the documented item (no warehouses) to one default-location record, physical stock first", () => {
    const batch = mapZohoInventoryWebhook("item@2026-11-20T10:00:00.000Z", load("vendor/zoho-inventory/item-retrieve-response.json"));
    expect(batch.inventory).toEqual([
      {
        sku: "SK123",
        inventoryItemId: null,
        locationId: "default",
        available: 2,
        onHand: 50,
        committed: null,
        incoming: null,
        reorderPoint: 5,
        leadTimeDays: null,
        updatedAt: "2026-11-20T10:00:00.000Z",
        source: "zoho-inventory",
        sourceId: "4815000000044208",
      },
    ]);
    expect(batch.products).toEqual([]);
  });

  it("maps one record per warehouse, timed by last_modified_time", () => {
    const batch = mapZohoInventoryWebhook("item", load("zoho-inventory/item-with-warehouses.json"));
    expect(batch.inventory.map((r) => [r.locationId, r.available, r.onHand, r.committed, r.reorderPoint, r.updatedAt])).toEqual([
      ["982000000000391", 133, 150, 10, 40, "2026-11-20T08:35:31.000Z"],
      ["982000000000407", 30, 32, 2, 40, "2026-11-20T08:35:31.000Z"],
    ]);
  });

  it("maps the captured warehouse entry: oversold stock stays negative", () => {
    const item = load("vendor/zoho-inventory/item-retrieve-response.json");
    item.item.warehouses = [load("vendor/zoho-inventory/item-warehouse-entry.json")];
    const [record] = mapZohoInventoryWebhook("item@2026-11-20T10:00:00.000Z", item).inventory;
    expect(record).toMatchObject({ locationId: "2799904000000376323", available: -20, onHand: 0, committed: 20 });
  });

  it("subtracts committed stock only where Zoho's figure does not already exclude it (available for sale = on hand − committed)", () => {
    const { item } = load("zoho-inventory/item-with-warehouses.json");
    // An account whose webhook body carries no for-sale figures: only stock on hand / available_stock and committed.
    for (const w of item.warehouses) {
      delete w.warehouse_available_for_sale_stock;
      delete w.warehouse_actual_available_for_sale_stock;
    }
    const byWarehouse = mapZohoInventoryWebhook("item", { item }).inventory.map((r) => [r.locationId, r.available, r.committed]);
    // Physical available stock minus committed: the same 133 / 30 the for-sale figures give above, not counted twice.
    expect(byWarehouse).toEqual([
      ["982000000000391", 143 - 10, 10],
      ["982000000000407", 32 - 2, 2],
    ]);
    const bare = { item_id: "7", sku: "BARE", stock_on_hand: 40, committed_stock: 6, last_modified_time: "2026-11-20T10:00:00+0530" };
    expect(mapZohoInventoryWebhook("item", { item: bare }).inventory[0]).toMatchObject({ available: 34, onHand: 40, committed: 6 });
  });

  it("maps a purchase order, skipping SKU-less charge lines", () => {
    const batch = mapZohoInventoryWebhook("purchaseorder", load("zoho-inventory/purchaseorder.json"));
    expect(batch.purchaseOrders).toEqual([
      {
        poNumber: "PO-00042",
        status: "issued",
        expectedAt: "2026-11-27T18:30:00.000Z",
        lines: [
          { sku: "KUMKUMADI-30ML", quantity: 300 },
          { sku: "NEEM-SOAP-100G", quantity: 600 },
        ],
        updatedAt: "2026-11-18T11:10:02.000Z",
        source: "zoho-inventory",
        sourceId: "982000000051003",
      },
    ]);
  });

  it("accepts a bare item object", () => {
    const { item } = load("zoho-inventory/item-with-warehouses.json");
    expect(mapZohoInventoryWebhook("item", item).inventory).toHaveLength(2);
  });

  it.each([
    ["an object that is neither item nor purchase order", { contact: { id: 1 } }, /neither an item nor a purchaseorder/],
    ["an item without sku", { item: { item_id: "1", stock_on_hand: 3, last_modified_time: "2026-11-20T10:00:00+0530" } }, /item has no sku/],
    ["an item with a non-numeric stock", { item: { item_id: "1", sku: "A", stock_on_hand: "lots", last_modified_time: "2026-11-20T10:00:00+0530" } }, /not a quantity/],
    ["an item with no stock figure", { item: { item_id: "1", sku: "A", last_modified_time: "2026-11-20T10:00:00+0530" } }, /no stock figure/],
    ["an item with no time at all", { item: { item_id: "1", sku: "A", stock_on_hand: 3 } }, /no last_modified_time/],
    ["a purchase order without line items", { purchaseorder: { purchaseorder_number: "PO-1", status: "issued" } }, /line_items/],
  ])("throws UnmappableError for %s", (_name, payload, reason) => {
    expect(() => mapZohoInventoryWebhook("item", payload)).toThrow(UnmappableError);
    expect(() => mapZohoInventoryWebhook("item", payload)).toThrow(reason);
  });
});

describe("Unicommerce inventory snapshot", () => {
  it("maps each SKU: available = inventory, committed = openSale, incoming = openPurchase + putawayPending", () => {
    const batch = mapUnicommerceWebhook(RECEIVED, load("vendor/unicommerce/inventory-snapshot-response-fixture.json"));
    expect(batch.inventory).toEqual([
      {
        sku: "SKU1",
        inventoryItemId: null,
        locationId: "default",
        available: 50,
        onHand: null,
        committed: 5,
        incoming: 0,
        reorderPoint: null,
        leadTimeDays: null,
        updatedAt: "2026-11-20T10:00:00.000Z",
        source: "unicommerce",
        sourceId: "default:SKU1",
      },
      expect.objectContaining({ sku: "SKU2", available: 10, committed: 1, incoming: 0 }),
    ]);
  });

  it("adds open purchases to putaway as incoming, at the facility the pusher names", () => {
    const p = load("vendor/unicommerce/inventory-snapshot-response-fixture.json");
    p.facility = "BLR01";
    p.inventorySnapshots[0].openPurchase = 20;
    p.inventorySnapshots[0].putawayPending = 3;
    const [first] = mapUnicommerceWebhook(RECEIVED, p).inventory;
    expect(first).toMatchObject({ locationId: "BLR01", incoming: 23, sourceId: "BLR01:SKU1" });
  });

  it.each([
    ["an unsuccessful response", { successful: false, message: "Facility not found", inventorySnapshots: [] }, /unsuccessful response: Facility not found/],
    ["no inventorySnapshots", { successful: true }, /inventorySnapshots/],
    ["a non-numeric inventory", { inventorySnapshots: [{ itemTypeSKU: "A", inventory: "50" }] }, /inventory/],
    ["a snapshot without SKU", { inventorySnapshots: [{ inventory: 5 }] }, /itemTypeSKU/],
  ])("throws UnmappableError for %s", (_name, payload, reason) => {
    expect(() => mapUnicommerceWebhook(RECEIVED, payload)).toThrow(UnmappableError);
    expect(() => mapUnicommerceWebhook(RECEIVED, payload)).toThrow(reason);
  });

  it("throws UnmappableError when the topic carries no receipt time", () => {
    expect(() => mapUnicommerceWebhook("inventory_snapshot", load("vendor/unicommerce/inventory-snapshot-response-fixture.json"))).toThrow(/no receipt time/);
  });
});
