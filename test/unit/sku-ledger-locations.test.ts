/** The SKU ledger per Shopify location: warehouses mapped to locations, one compare-and-set per location. */
import { describe, expect, it } from "vitest";
import {
  applyErpStock,
  applyOrder,
  applyShopifyLevel,
  applyStaleCompare,
  assignOrderLocation,
  disconnectLocation,
  newLedger,
  settle,
  unmappedLocations,
  upgradeLedger,
  type LedgerEffect,
  type LocationMap,
  type ShopifyPush,
  type SkuLedgerState,
} from "../../src/durable-objects/sku-ledger";

const H = 3_600_000;
const t0 = Date.parse("2026-11-20T00:00:00Z");
const erp = (warehouse: string, available: number, at: number) => ({ source: "zoho-inventory", locationId: warehouse, available, onHand: available, committed: 0, incoming: 0, at });
const pushes = (effects: LedgerEffect[]) => effects.filter((e): e is ShopifyPush => e.kind === "shopify_set");
const level = (locationId: string, available: number, at: number) => ({ available, at, inventoryItemId: "inv-1", locationId });

/** Bhiwandi warehouse feeds the Bhiwandi location, the Bengaluru dark store feeds its own. */
const MAP: LocationMap = { "loc-bhw": ["wh-bhw"], "loc-blr": ["wh-blr"] };

function twoLocations(): SkuLedgerState {
  const s = newLedger("SKU-2L");
  applyShopifyLevel(s, level("loc-bhw", 0, t0), t0, MAP);
  applyShopifyLevel(s, level("loc-blr", 0, t0), t0, MAP);
  return s;
}

describe("SKU ledger per location", () => {
  it("each warehouse's snapshot is pushed to the location it feeds, compared against that location's own count", () => {
    const s = twoLocations();
    const a = pushes(applyErpStock(s, erp("wh-bhw", 30, t0 + H), t0 + H, MAP));
    const b = pushes(applyErpStock(s, erp("wh-blr", 5, t0 + H), t0 + H, MAP));
    expect(a).toEqual([expect.objectContaining({ locationId: "loc-bhw", quantity: 30, expected: 0 })]);
    expect(b).toEqual([expect.objectContaining({ locationId: "loc-blr", quantity: 5, expected: 0 })]);
  });

  it("an order assigned to one location lowers only that location; an order whose location is not known yet holds units at both", () => {
    const s = twoLocations();
    applyErpStock(s, erp("wh-bhw", 3, t0), t0, MAP);
    applyErpStock(s, erp("wh-blr", 3, t0), t0, MAP);
    settle(s, { safetyFloor: 1 });
    // Unassigned: both locations guard against it (either may ship it). Each is left 3 − 2 = 1 on
    // the shelf, and that 1 is the safety floor, held back from sale (issue 18: sellable = available
    // − committed − floor): both are told 0 (the old rule told them 1).
    const unassigned = pushes(applyOrder(s, "o1", 2, t0 + H, t0 + H, MAP, null));
    expect(unassigned.map((p) => [p.locationId, p.quantity]).sort()).toEqual([["loc-bhw", 0], ["loc-blr", 0]]);
    // Shopify routes it to Bengaluru: Bhiwandi gets its units back (3 − floor 1 = 2, was 3), Bengaluru stays at 0.
    const routed = pushes(assignOrderLocation(s, "o1", "loc-blr", t0 + 2 * H, MAP));
    expect(routed).toEqual([expect.objectContaining({ locationId: "loc-bhw", quantity: 2, expected: 0 })]);
  });

  it("never writes to a location the mapping does not feed, and lists it as unmapped", () => {
    const s = newLedger("SKU-U");
    const map: LocationMap = { "loc-bhw": ["wh-bhw", "wh-blr"] };
    applyShopifyLevel(s, level("loc-bhw", 10, t0), t0, map);
    applyShopifyLevel(s, level("loc-popup", 4, t0), t0, map);
    const effects = [...applyErpStock(s, erp("wh-bhw", 6, t0 + H), t0 + H, map), ...applyErpStock(s, erp("wh-blr", 2, t0 + H), t0 + H, map)];
    expect(pushes(effects).map((p) => p.locationId)).toEqual(["loc-bhw", "loc-bhw"]);
    expect(pushes(effects).at(-1)).toMatchObject({ quantity: 8 });
    // Shopify's popup count disagrees with everything, but nothing feeds it: recorded, never corrected.
    expect(applyShopifyLevel(s, level("loc-popup", 40, t0 + 2 * H), t0 + 2 * H, map)).toEqual([]);
    expect(unmappedLocations(s, map)).toEqual(["loc-popup"]);
  });

  it("without a mapping, one location is fed by every warehouse; several locations are left alone until mapped", () => {
    const one = newLedger("SKU-D");
    applyShopifyLevel(one, level("loc-1", 0, t0), t0);
    applyErpStock(one, erp("wh-a", 4, t0 + H), t0 + H);
    expect(pushes(applyErpStock(one, erp("wh-b", 6, t0 + H), t0 + H))).toEqual([expect.objectContaining({ locationId: "loc-1", quantity: 10 })]);
    const two = twoLocations();
    expect(applyErpStock(two, erp("wh-bhw", 9, t0 + H), t0 + H, null)).toEqual([]);
    expect(unmappedLocations(two, null)).toEqual(["loc-bhw", "loc-blr"]);
  });

  it("a stale compare at one location re-pushes that location only", () => {
    const s = twoLocations();
    applyErpStock(s, erp("wh-bhw", 10, t0), t0, MAP);
    applyErpStock(s, erp("wh-blr", 7, t0), t0, MAP);
    const retry = pushes(applyStaleCompare(s, 9, t0 + H, "loc-blr", MAP));
    expect(retry).toEqual([expect.objectContaining({ locationId: "loc-blr", quantity: 7, expected: 9 })]);
  });

  it("a disconnected location is never written again", () => {
    const s = twoLocations();
    disconnectLocation(s, "loc-blr", t0 + 1);
    expect(pushes(applyErpStock(s, erp("wh-blr", 7, t0 + H), t0 + H, MAP))).toEqual([]);
  });

  it("a version-1 body (one Shopify location) becomes that location's level", () => {
    const v1 = newLedger("SKU-V1") as Partial<SkuLedgerState> & SkuLedgerState;
    delete (v1 as { locations?: unknown }).locations;
    v1.shopify = { available: 12, at: t0, inventoryItemId: "inv-9", locationId: "loc-9" };
    const s = upgradeLedger(v1);
    expect(s.locations["loc-9"]).toMatchObject({ available: 12, connected: true });
    expect(pushes(applyErpStock(s, erp("wh", 10, t0 + H), t0 + H))).toEqual([expect.objectContaining({ locationId: "loc-9", expected: 12, quantity: 10 })]);
  });
});

describe("oversell simulation: two locations, two warehouses mapped one to one, late and out-of-order snapshots", () => {
  const LOCS = ["loc-bhw", "loc-blr"] as const;
  const WH: Record<string, string> = { "loc-bhw": "wh-bhw", "loc-blr": "wh-blr" };

  function simulate(seed: number) {
    let rnd = seed;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Bhiwandi is deep, Bengaluru shallow: the company total is far above what Bengaluru holds.
    const trueStock: Record<string, number> = { "wh-bhw": 60, "wh-blr": 8 };
    const shopify: Record<string, number> = { "loc-bhw": 60, "loc-blr": 8 };
    const oversold: Record<string, number> = { "loc-bhw": 0, "loc-blr": 0 };
    const badPushes: string[] = [];
    const s = newLedger("SKU-SIM2");
    settle(s, { safetyFloor: 1 });
    for (const l of LOCS) applyShopifyLevel(s, level(l, shopify[l]!, t0), t0, MAP);
    for (const l of LOCS) applyErpStock(s, erp(WH[l]!, trueStock[WH[l]!]!, t0), t0, MAP);

    type Ev = { at: number; kind: "order"; loc: string } | { at: number; kind: "take"; wh: string; deliverAt: number } | { at: number; kind: "deliver"; wh: string; value: number; takenAt: number };
    const events: Ev[] = [];
    for (let i = 0; i < 80; i++) events.push({ at: t0 + 1 + Math.floor(random() * 24 * H), kind: "order", loc: random() < 0.5 ? "loc-bhw" : "loc-blr" });
    for (let h = 3; h <= 24; h += 3) for (const wh of ["wh-bhw", "wh-blr"]) events.push({ at: t0 + h * H, kind: "take", wh, deliverAt: t0 + h * H + Math.floor(random() * 5 * H) });
    const queue = [...events].sort((a, b) => a.at - b.at);
    let n = 0;
    const pushesSeen: ShopifyPush[] = [];
    const applyPushes = (effects: LedgerEffect[], now: number) => {
      for (const p of pushes(effects)) {
        pushesSeen.push(p);
        const loc = p.locationId!;
        if (!LOCS.includes(loc as (typeof LOCS)[number])) badPushes.push(`push to ${loc}`);
        // Each push carries its own location's number: never more than that location's warehouse holds.
        if (p.quantity > trueStock[WH[loc]!]!) badPushes.push(`${loc} told ${p.quantity} while ${WH[loc]} holds ${trueStock[WH[loc]!]}`);
        if (p.expected !== shopify[loc]) {
          applyPushes(applyStaleCompare(s, shopify[loc]!, now, loc, MAP), now);
          continue;
        }
        shopify[loc] = p.quantity;
      }
    };
    while (queue.length) {
      const e = queue.shift()!;
      if (e.kind === "take") {
        trueStock[e.wh]! += 3; // a purchase-order receipt booked before the count
        const d: Ev = { at: e.deliverAt, kind: "deliver", wh: e.wh, value: trueStock[e.wh]!, takenAt: e.at };
        const i = queue.findIndex((x) => x.at > d.at);
        queue.splice(i === -1 ? queue.length : i, 0, d);
      } else if (e.kind === "deliver") {
        applyPushes(applyErpStock(s, erp(e.wh, e.value, e.takenAt), e.at, MAP), e.at);
      } else {
        const qty = 1 + Math.floor(random() * 2);
        if (shopify[e.loc]! < qty) continue; // Shopify refuses to sell what the location does not show
        shopify[e.loc]! -= qty;
        const wh = WH[e.loc]!;
        if (trueStock[wh]! < qty) oversold[e.loc]! += qty - Math.max(0, trueStock[wh]!);
        trueStock[wh] = Math.max(0, trueStock[wh]! - qty);
        n += 1;
        applyPushes(applyOrder(s, `o${n}`, qty, e.at, e.at, MAP, e.loc), e.at);
      }
    }
    return { oversold, badPushes, sold: n, pushesSeen, lateSnapshots: events.filter((x) => x.kind === "take").length };
  }

  it("no location sells a unit its warehouse does not hold, and every push names its own location's number", () => {
    for (const seed of [1, 7, 42, 99, 2026]) {
      const r = simulate(seed);
      expect(r.oversold, `seed ${seed}`).toEqual({ "loc-bhw": 0, "loc-blr": 0 });
      expect(r.badPushes, `seed ${seed}`).toEqual([]);
      expect(r.sold).toBeGreaterThan(10);
      // Both locations were written, each with its own numbers.
      expect(new Set(r.pushesSeen.map((p) => p.locationId))).toEqual(new Set(LOCS));
    }
  });
});
