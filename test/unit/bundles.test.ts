/** Bundle arithmetic and the self-containment check. */
import { describe, expect, it } from "vitest";
import { bundleCycle, bundleSellable, componentDemand } from "../../src/decisions/bundles";

describe("bundles", () => {
  it("sells the fewest kits any component allows", () => {
    const stock: Record<string, number> = { CLEANSER: 7, TONER: 20, SERUM: 9 };
    expect(bundleSellable([{ sku: "CLEANSER", quantity: 1 }, { sku: "TONER", quantity: 2 }, { sku: "SERUM", quantity: 2 }], (s) => stock[s] ?? null)).toBe(4);
    expect(bundleSellable([{ sku: "CLEANSER", quantity: 1 }, { sku: "MISSING", quantity: 1 }], (s) => stock[s] ?? null)).toBe(0);
    expect(bundleSellable([{ sku: "CLEANSER", quantity: 3 }], () => -2)).toBe(0);
  });

  it("finds a bundle that would contain itself, directly or through another bundle", () => {
    const edges = new Map([["KIT-B", ["KIT-C", "TONER"]], ["KIT-C", ["KIT-A"]]]);
    expect(bundleCycle("KIT-A", ["KIT-A"], new Map())).toEqual(["KIT-A", "KIT-A"]);
    expect(bundleCycle("KIT-A", ["SERUM", "KIT-B"], edges)).toEqual(["KIT-A", "KIT-B", "KIT-C", "KIT-A"]);
    expect(bundleCycle("KIT-A", ["SERUM", "TONER"], edges)).toBeNull();
  });

  it("a kit's units sold are demand for each component × units per kit, through kits made of kits", () => {
    const bundles = new Map([
      ["KIT-2", [{ sku: "CLEANSER", quantity: 1 }, { sku: "TONER", quantity: 2 }]],
      ["KIT-GIFT", [{ sku: "KIT-2", quantity: 2 }, { sku: "SERUM", quantity: 1 }]],
    ]);
    expect(componentDemand("KIT-2", 3, bundles)).toEqual([{ sku: "CLEANSER", units: 3 }, { sku: "TONER", units: 6 }]);
    expect(componentDemand("KIT-GIFT", 1, bundles)).toEqual([{ sku: "CLEANSER", units: 2 }, { sku: "TONER", units: 4 }, { sku: "SERUM", units: 1 }]);
    expect(componentDemand("SERUM", 5, bundles)).toEqual([{ sku: "SERUM", units: 5 }]);
    // A cycle (refused by the API) ends at the repeated kit rather than looping.
    expect(componentDemand("LOOP", 1, new Map([["LOOP", [{ sku: "LOOP", quantity: 1 }]]]))).toEqual([{ sku: "LOOP", units: 1 }]);
  });
});
