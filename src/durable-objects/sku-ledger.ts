/**
 * The stock ledger of one SKU, as pure functions over a plain state object.
 *
 * Authority: the ERP's on-hand snapshot is the truth as of its own time; Shopify orders placed
 * after that time are subtracted until the next snapshot re-bases the count. Every change that
 * Shopify should see comes out as a compare-and-set push (`expected` is what we believe Shopify
 * shows now), so a concurrent change in Shopify makes the push fail instead of overwriting it.
 */
import type { StockReadModel } from "../db/stock-read-model";

export interface LocationStock {
  available: number;
  onHand: number | null;
  committed: number;
  incoming: number;
  at: number;
}

/**
 * What we believe one Shopify location shows for this SKU, and what we last told it. Shopify keeps
 * an inventory level per (inventory item, location) and reports each one on its own
 * (`inventory_levels/update`, `inventory_levels/connect|disconnect`, Shopify webhook reference
 * https://shopify.dev/docs/api/webhooks/2026-07); every push names one location and compares
 * against that location's count (`InventoryQuantityInput.changeFromQuantity`,
 * https://shopify.dev/docs/api/admin-graphql/2026-07/input-objects/InventoryQuantityInput).
 */
export interface ShopifyLocationLevel {
  available: number | null;
  at: number | null;
  /** False after `inventory_levels/disconnect`: the item is no longer stocked there, never written. */
  connected: boolean;
  drift: number;
  lastPush: { quantity: number; at: number; seq: number; reason: ShopifyPush["reason"] } | null;
}

/**
 * Which ERP warehouses feed which Shopify location (brand-wide, `PUT /api/locations`). `null` is the
 * default for the common case: one Shopify location, fed by every warehouse. A location the map
 * does not name (or names with no warehouses) is unmapped and never written to.
 */
export type LocationMap = Readonly<Record<string, readonly string[]>> | null;

export interface SkuLedgerState {
  sku: string;
  /** ERP stock per warehouse (Zoho `warehouses[]`, Unicommerce facilities): `byLocation` is keyed by warehouse id. */
  erp: { source: string | null; asOf: number | null; byLocation: Record<string, LocationStock> };
  /** Shopify orders not yet reflected in an ERP snapshot: order id → units, time and the Shopify location assigned (null until known). */
  pendingOrders: Record<string, { quantity: number; at: number; locationId?: string | null }>;
  /** Every order id ever counted, so a redelivered order is never subtracted twice. */
  seenOrders: string[];
  /** The inventory item id, and (legacy, before per-location levels) the one location last seen. */
  shopify: { available: number | null; at: number | null; inventoryItemId: string | null; locationId: string | null };
  /** Shopify's count per location (ledger version 2). */
  locations: Record<string, ShopifyLocationLevel>;
  /** Before Shopify has reported any location: what we believe the store's one location shows. */
  unplaced: ShopifyLocationLevel | null;
  settings: { safetyFloor: number; reorderPoint: number | null; leadTimeDays: number | null; packSize: number };
  /** Units sold per UTC day (`YYYY-MM-DD`), last 120 days. */
  dailySales: Record<string, number>;
  lastSyncedAt: number | null;
  drift: number;
  pushSeq: number;
}

export interface ShopifyPush {
  kind: "shopify_set";
  reason: "erp_rebase" | "oversell_guard" | "drift_correction" | "bundle_components";
  quantity: number;
  /** What we believe this location shows now; null when we have never seen Shopify's number. */
  expected: number | null;
  inventoryItemId: string | null;
  /** The Shopify location this push sets; null only before Shopify has named any location for the SKU. */
  locationId: string | null;
  seq: number;
}

export interface DriftEvent {
  kind: "drift";
  shopifyReported: number;
  ledgerAvailable: number;
  difference: number;
}

export type LedgerEffect = ShopifyPush | DriftEvent;

export const DRIFT_TOLERANCE = 1;
const SEEN_ORDERS_KEPT = 2000;

const newLevel = (): ShopifyLocationLevel => ({ available: null, at: null, connected: true, drift: 0, lastPush: null });

export function newLedger(sku: string): SkuLedgerState {
  return {
    sku,
    erp: { source: null, asOf: null, byLocation: {} },
    pendingOrders: {},
    seenOrders: [],
    shopify: { available: null, at: null, inventoryItemId: null, locationId: null },
    locations: {},
    unplaced: null,
    settings: { safetyFloor: 0, reorderPoint: null, leadTimeDays: null, packSize: 1 },
    dailySales: {},
    lastSyncedAt: null,
    drift: 0,
    pushSeq: 0,
  };
}

/**
 * A ledger body as stored by any release. Version 1 kept one Shopify location in `shopify`; it
 * becomes that location's level (the storage migration in sku-stock.ts does the same in SQL, this
 * covers a body written between the migration and the first load).
 */
export function upgradeLedger(body: SkuLedgerState): SkuLedgerState {
  if (!body.locations) {
    body.locations = {};
    if (body.shopify.locationId) body.locations[body.shopify.locationId] = { ...newLevel(), available: body.shopify.available, at: body.shopify.at, drift: body.drift };
    else if (body.shopify.available !== null) body.unplaced = { ...newLevel(), available: body.shopify.available, at: body.shopify.at };
  }
  body.unplaced ??= null;
  return body;
}

/** A location this SKU's count is pushed to, and the warehouses whose stock it sells. */
export interface PushTarget {
  locationId: string | null;
  warehouses: readonly string[] | "all";
}

/** The Shopify locations that stock this SKU (connected levels). */
export function knownLocations(s: SkuLedgerState): string[] {
  return Object.entries(s.locations)
    .filter(([, l]) => l.connected)
    .map(([id]) => id)
    .sort();
}

/** The locations this SKU is written to under `map`, each with its warehouses. Every other location is left alone. */
export function pushTargets(s: SkuLedgerState, map: LocationMap): PushTarget[] {
  const known = knownLocations(s);
  if (map === null) {
    if (known.length === 0) return [{ locationId: null, warehouses: "all" }];
    if (known.length === 1) return [{ locationId: known[0]!, warehouses: "all" }];
    return []; // several locations and no mapping: which warehouse feeds which is the brand's to say
  }
  return known.filter((id) => (map[id]?.length ?? 0) > 0).map((id) => ({ locationId: id, warehouses: map[id]! }));
}

/** Shopify locations holding this SKU that no mapping feeds (shown on the dashboard, never written). */
export function unmappedLocations(s: SkuLedgerState, map: LocationMap): string[] {
  const mapped = new Set(pushTargets(s, map).map((t) => t.locationId));
  return knownLocations(s).filter((id) => !mapped.has(id));
}

function warehousesOf(s: SkuLedgerState, t: PushTarget): string[] {
  return t.warehouses === "all" ? Object.keys(s.erp.byLocation) : t.warehouses.filter((w) => s.erp.byLocation[w]);
}

/** The time every warehouse's snapshot has reached: an order at or before it is counted by all of them. */
function erpFloorAt(s: SkuLedgerState, warehouses: readonly string[]): number | null {
  if (warehouses.length === 0) return null;
  return Math.min(...warehouses.map((w) => s.erp.byLocation[w]!.at));
}

/**
 * The units one location's warehouses hold for sale: their available stock as of their snapshots,
 * minus the Shopify orders since the oldest of those snapshots that were assigned to this location
 * (or whose location is not known yet: counted everywhere they might ship from, so no location
 * sells a unit another may already have promised). Null when none of its warehouses has reported.
 *
 * Committed units are already out of `available`: every mapper hands the ledger stock net of what
 * the ERP has committed to open sales orders (Zoho's `available_for_sale_stock` is stock on hand −
 * committed stock, and where Zoho sends only stock on hand the mapper subtracts committed itself;
 * see canonical/mappers/zoho-inventory.ts). Subtracting `committed` again here would count it twice.
 */
export function locationStock(s: SkuLedgerState, t: PushTarget): number | null {
  const whs = warehousesOf(s, t);
  const floorAt = erpFloorAt(s, whs);
  if (floorAt === null) return null;
  const stock = whs.reduce((n, w) => n + s.erp.byLocation[w]!.available, 0);
  const pending = Object.values(s.pendingOrders)
    .filter((o) => o.at > floorAt && (t.locationId === null || (o.locationId ?? null) === null || o.locationId === t.locationId))
    .reduce((n, o) => n + o.quantity, 0);
  return stock - pending;
}

/**
 * What one location may sell, the number pushed to Shopify (issue 18): its warehouses' available −
 * committed (see locationStock) − the SKU's safety floor. The floor is held back from sale at each
 * location, so Shopify reaches zero while the floor's units are still on the shelf. Can be
 * negative (an oversold location); pushes clamp it at 0. Null when none of its warehouses has reported.
 */
export function locationSellable(s: SkuLedgerState, t: PushTarget): number | null {
  const stock = locationStock(s, t);
  return stock === null ? null : stock - s.settings.safetyFloor;
}

/** Units we believe the business holds for sale (before the safety floor): ERP truth minus orders since, or Shopify's count without an ERP. */
export function ledgerAvailable(s: SkuLedgerState): number {
  if (s.erp.asOf === null) return shopifyTotal(s) ?? 0;
  return locationStock(s, { locationId: null, warehouses: "all" }) ?? 0;
}

/** What Shopify shows across its locations for this SKU (null when it has never said). */
export function shopifyTotal(s: SkuLedgerState): number | null {
  const levels = Object.values(s.locations).filter((l) => l.connected && l.available !== null);
  if (levels.length === 0) return s.unplaced?.available ?? null;
  return levels.reduce((n, l) => n + l.available!, 0);
}

export function totals(s: SkuLedgerState): { committed: number; incoming: number } {
  const locs = Object.values(s.erp.byLocation);
  return { committed: locs.reduce((n, l) => n + l.committed, 0), incoming: locs.reduce((n, l) => n + l.incoming, 0) };
}

function levelFor(s: SkuLedgerState, locationId: string | null): ShopifyLocationLevel {
  if (locationId === null) return (s.unplaced ??= newLevel());
  return (s.locations[locationId] ??= newLevel());
}

function push(s: SkuLedgerState, t: PushTarget, reason: ShopifyPush["reason"], now: number, fixed?: number): ShopifyPush | null {
  const sellable = fixed ?? locationSellable(s, t);
  if (sellable === null) return null;
  const quantity = Math.max(0, sellable);
  const level = levelFor(s, t.locationId);
  if (level.available === quantity) return null;
  s.pushSeq += 1;
  const effect: ShopifyPush = {
    kind: "shopify_set",
    reason,
    quantity,
    expected: level.available,
    inventoryItemId: s.shopify.inventoryItemId,
    locationId: t.locationId,
    seq: s.pushSeq,
  };
  // Optimistic: Shopify will show this once the push lands; its webhook confirms or corrects it.
  level.available = quantity;
  level.lastPush = { quantity, at: now, seq: s.pushSeq, reason };
  s.lastSyncedAt = now;
  return effect;
}

function pushAll(s: SkuLedgerState, map: LocationMap, reason: ShopifyPush["reason"], now: number, only?: (t: PushTarget) => boolean): ShopifyPush[] {
  const out: ShopifyPush[] = [];
  for (const t of pushTargets(s, map)) {
    if (only && !only(t)) continue;
    const e = push(s, t, reason, now);
    if (e) out.push(e);
  }
  return out;
}

function prunePending(s: SkuLedgerState): void {
  const floorAt = erpFloorAt(s, Object.keys(s.erp.byLocation));
  if (floorAt === null) return;
  for (const [id, o] of Object.entries(s.pendingOrders)) if (o.at <= floorAt) delete s.pendingOrders[id];
}

/** An ERP snapshot for one warehouse re-bases the locations it feeds; orders every warehouse already reflects stop counting. */
export function applyErpStock(
  s: SkuLedgerState,
  r: { source: string; locationId: string; available: number; onHand: number | null; committed: number | null; incoming: number | null; at: number; reorderPoint?: number | null; leadTimeDays?: number | null },
  now: number,
  map: LocationMap = null,
): LedgerEffect[] {
  const current = s.erp.byLocation[r.locationId];
  if (current && current.at > r.at) return []; // an older snapshot arriving late changes nothing
  s.erp.source = r.source;
  s.erp.byLocation[r.locationId] = { available: r.available, onHand: r.onHand, committed: r.committed ?? 0, incoming: r.incoming ?? 0, at: r.at };
  s.erp.asOf = Math.max(s.erp.asOf ?? 0, r.at);
  prunePending(s);
  if (r.reorderPoint !== undefined && r.reorderPoint !== null) s.settings.reorderPoint = r.reorderPoint;
  if (r.leadTimeDays !== undefined && r.leadTimeDays !== null) s.settings.leadTimeDays = r.leadTimeDays;
  return pushAll(s, map, "erp_rebase", now, (t) => t.warehouses === "all" || t.warehouses.includes(r.locationId));
}

/**
 * A Shopify order: Shopify already decremented its own count (at the location the order was
 * assigned to); we decrement ours and, at every location it may ship from whose stock is down to the
 * safety floor, push its sellable count (stock − floor, so 0 or less) at once.
 */
export function applyOrder(s: SkuLedgerState, orderId: string, quantity: number, at: number, now: number, map: LocationMap = null, locationId: string | null = null): LedgerEffect[] {
  if (s.seenOrders.includes(orderId)) return [];
  s.seenOrders.push(orderId);
  if (s.seenOrders.length > SEEN_ORDERS_KEPT) s.seenOrders.splice(0, s.seenOrders.length - SEEN_ORDERS_KEPT);
  const day = new Date(at).toISOString().slice(0, 10);
  s.dailySales[day] = (s.dailySales[day] ?? 0) + quantity;
  pruneSales(s, now);
  const floorAt = erpFloorAt(s, Object.keys(s.erp.byLocation));
  if (floorAt !== null && at <= floorAt) return []; // every ERP snapshot already counts it
  if (floorAt !== null) s.pendingOrders[orderId] = { quantity, at, locationId };
  const known = knownLocations(s);
  const decremented = locationId !== null ? s.locations[locationId] : known.length === 1 ? s.locations[known[0]!] : known.length === 0 ? s.unplaced : null;
  if (decremented && decremented.available !== null) decremented.available -= quantity;
  if (floorAt === null) return [];
  // Oversell guard: once a location's stock is down to the floor (its sellable count at or below 0),
  // push at once rather than wait for the next snapshot.
  return pushAll(s, map, "oversell_guard", now, (t) => (locationStock(s, t) ?? Infinity) <= s.settings.safetyFloor);
}

/**
 * Shopify's fulfilment order names the location an order ships from (`FulfillmentOrder.assignedLocation`,
 * https://shopify.dev/docs/api/admin-graphql/2026-07/objects/FulfillmentOrderAssignedLocation; a
 * fulfilment's `location_id`): the order now counts against that location only.
 */
export function assignOrderLocation(s: SkuLedgerState, orderId: string, locationId: string, now: number, map: LocationMap = null): LedgerEffect[] {
  const o = s.pendingOrders[orderId];
  if (!o || o.locationId === locationId) return [];
  o.locationId = locationId;
  // Other locations had held these units back; they may sell them again.
  return pushAll(s, map, "erp_rebase", now, (t) => t.locationId !== locationId);
}

/**
 * A bundle's count comes from its components (min over components of ⌊count ÷ units per kit⌋ at
 * each location, computed by the pipeline): each of the bundle's locations is pushed its number.
 * `byLocation["*"]` is the number for a bundle Shopify has not yet named a location for.
 */
export function applyBundleStock(s: SkuLedgerState, byLocation: Readonly<Record<string, number>>, now: number, map: LocationMap = null): LedgerEffect[] {
  const out: LedgerEffect[] = [];
  for (const t of pushTargets(s, map)) {
    const n = byLocation[t.locationId ?? "*"];
    if (n === undefined) continue;
    const e = push(s, t, "bundle_components", now, n);
    if (e) out.push(e);
  }
  return out;
}

/** A bundle sold: Shopify lowered the bundle's own count (its components are decremented by their own ledgers). */
export function applyBundleSale(s: SkuLedgerState, orderId: string, quantity: number, locationId: string | null = null): void {
  if (s.seenOrders.includes(orderId)) return;
  s.seenOrders.push(orderId);
  if (s.seenOrders.length > SEEN_ORDERS_KEPT) s.seenOrders.splice(0, s.seenOrders.length - SEEN_ORDERS_KEPT);
  const known = knownLocations(s);
  const level = locationId !== null ? s.locations[locationId] : known.length === 1 ? s.locations[known[0]!] : known.length === 0 ? s.unplaced : null;
  if (level && level.available !== null) level.available -= quantity;
}

/** The brand changed which warehouses feed which location: push every mapped location its number. */
export function reapplyMapping(s: SkuLedgerState, now: number, map: LocationMap): LedgerEffect[] {
  return pushAll(s, map, "erp_rebase", now);
}

/** A cancelled or refunded-with-restock order gives its units back. */
export function releaseOrder(s: SkuLedgerState, orderId: string): void {
  delete s.pendingOrders[orderId];
}

/**
 * Shopify reports one location's count (inventory_levels/update or /connect). If it disagrees
 * with that location's sellable count by more than the tolerance, record the drift and correct
 * that location from the authority. An unmapped location's count is recorded and never corrected.
 */
export function applyShopifyLevel(
  s: SkuLedgerState,
  level: { available: number; at: number; inventoryItemId: string | null; locationId: string | null },
  now: number,
  map: LocationMap = null,
): LedgerEffect[] {
  const hadNone = Object.keys(s.locations).length === 0;
  const current = level.locationId === null ? s.unplaced : s.locations[level.locationId];
  if (current?.at !== null && current?.at !== undefined && level.at < current.at) return [];
  const l = levelFor(s, level.locationId);
  if (level.locationId !== null && hadNone && s.unplaced) {
    // The one location we pushed to without a name is this one: keep what we last told it.
    l.lastPush = s.unplaced.lastPush;
    s.unplaced = null;
  }
  l.at = level.at;
  l.available = level.available;
  l.connected = true;
  s.shopify.at = level.at;
  s.shopify.inventoryItemId = level.inventoryItemId ?? s.shopify.inventoryItemId;
  s.shopify.locationId = level.locationId ?? s.shopify.locationId;
  s.shopify.available = level.available;
  const target = pushTargets(s, map).find((t) => t.locationId === level.locationId);
  const truth = s.erp.asOf === null || !target ? null : locationSellable(s, target);
  if (truth === null || !target) {
    l.drift = 0;
    s.drift = totalDrift(s);
    return [];
  }
  const difference = level.available - Math.max(0, truth);
  l.drift = difference;
  s.drift = totalDrift(s);
  if (Math.abs(difference) <= DRIFT_TOLERANCE) return [];
  const effects: LedgerEffect[] = [{ kind: "drift", shopifyReported: level.available, ledgerAvailable: Math.max(0, truth), difference }];
  const correction = push(s, target, "drift_correction", now);
  if (correction) effects.push(correction);
  return effects;
}

/** `inventory_levels/disconnect`: the item is no longer stocked at that location; it is never written again. */
export function disconnectLocation(s: SkuLedgerState, locationId: string, at: number): void {
  const l = levelFor(s, locationId);
  if (l.at !== null && at < l.at) return;
  l.connected = false;
  l.at = at;
  l.drift = 0;
  s.drift = totalDrift(s);
}

function totalDrift(s: SkuLedgerState): number {
  return Object.values(s.locations).reduce((n, l) => n + (l.connected ? l.drift : 0), 0);
}

/**
 * A push was refused because one location's count moved: adopt the count Shopify really has there
 * and push that location again (no other location is touched).
 */
export function applyStaleCompare(s: SkuLedgerState, shopifyActual: number, now: number, locationId?: string | null, map: LocationMap = null): LedgerEffect[] {
  const loc = locationId === undefined ? (knownLocations(s).length === 1 ? knownLocations(s)[0]! : null) : locationId;
  levelFor(s, loc).available = shopifyActual;
  const target = pushTargets(s, map).find((t) => t.locationId === loc);
  if (!target) return [];
  const effect = push(s, target, "drift_correction", now);
  return effect ? [effect] : [];
}

export function settle(s: SkuLedgerState, settings: Partial<SkuLedgerState["settings"]>): void {
  s.settings = { ...s.settings, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== null)) };
}

/** Mean units per day over the last `days` days, counting days without sales as zero. */
export function sellThrough(s: SkuLedgerState, now: number, days = 28): number {
  let total = 0;
  for (let i = 1; i <= days; i++) total += s.dailySales[new Date(now - i * 86_400_000).toISOString().slice(0, 10)] ?? 0;
  return total / days;
}

function pruneSales(s: SkuLedgerState, now: number): void {
  const cutoff = new Date(now - 120 * 86_400_000).toISOString().slice(0, 10);
  for (const day of Object.keys(s.dailySales)) if (day < cutoff) delete s.dailySales[day];
}

/** The row of the D1 `sku_stock` read model this ledger implies at `now` (days of cover from sell-through). */
export function stockReadModel(s: SkuLedgerState, now: number): StockReadModel & { byLocation: Record<string, LocationStock> } {
  const available = ledgerAvailable(s);
  const t = totals(s);
  const daily = sellThrough(s, now);
  const cover = daily > 0 ? available / daily : null;
  return {
    sku: s.sku,
    available,
    committed: t.committed,
    incoming: t.incoming,
    byLocation: s.erp.byLocation,
    safetyFloor: s.settings.safetyFloor,
    dailyDemand: daily,
    daysOfCover: cover,
    projectedStockoutAt: cover === null ? null : Math.round(now + cover * 86_400_000),
    lastSyncedAt: s.lastSyncedAt,
    drift: s.drift,
  };
}
