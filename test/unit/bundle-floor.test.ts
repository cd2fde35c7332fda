/** A kit's count uses its components' sellable counts, safety floor held back, at a named location and before any location is named. */
import { describe, expect, it } from "vitest";
import { bundleByLocation } from "../../src/pipeline/bundles";
import type { StockView } from "../../src/durable-objects/sku-stock";

const view = (sku: string, available: number, safetyFloor: number): StockView =>
  ({
    sku, available, committed: 0, incoming: 0, byLocation: {}, safetyFloor, reorderPoint: null, leadTimeDays: null, shopifyAvailable: available,
    lastSyncedAt: null, drift: 0, sellThroughPerDay: 0, erpAsOf: "2026-11-20T00:00:00.000Z",
    locations: [{ locationId: "loc-1", shopifyAvailable: available - safetyFloor, shopifyAt: null, connected: true, warehouses: ["wh"], mapped: true, sellable: available - safetyFloor, lastPush: null, drift: 0 }],
    unmappedLocations: [],
  }) as StockView;

describe("bundle count and the components' safety floor", () => {
  it("holds each component's floor back, whether Shopify has named the location or not", () => {
    // Cleanser 10 on the shelf, floor 4 → 6 for sale; toner 9, floor 3 → 6 for sale, 2 per kit → 3 kits
    // (without the floors the toner would allow 4).
    const views = new Map([["CLEANSER", view("CLEANSER", 10, 4)], ["TONER", view("TONER", 9, 3)]]);
    const out = bundleByLocation([{ sku: "CLEANSER", quantity: 1 }, { sku: "TONER", quantity: 2 }], views);
    expect(out).toEqual({ "loc-1": 3, "*": 3 });
  });
});
