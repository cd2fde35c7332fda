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

export interface SkuLedgerState {
  sku: string;
  erp: { source: string | null; asOf: number | null; byLocation: Record<string, LocationStock> };
  /** Shopify orders not yet reflected in an ERP snapshot: order id → units and time. */
  pendingOrders: Record<string, { quantity: number; at: number }>;
  /** Every order id ever counted, so a redelivered order is never subtracted twice. */
  seenOrders: string[];
  shopify: { available: number | null; at: number | null; inventoryItemId: string | null; locationId: string | null };
  settings: { safetyFloor: number; reorderPoint: number | null; leadTimeDays: number | null; packSize: number };
  /** Units sold per UTC day (`YYYY-MM-DD`), last 120 days. */
  dailySales: Record<string, number>;
  lastSyncedAt: number | null;
  drift: number;
  pushSeq: number;
}

export interface ShopifyPush {
  kind: "shopify_set";
  reason: "erp_rebase" | "oversell_guard" | "drift_correction";
  quantity: number;
  /** What we believe Shopify shows now; null when we have never seen Shopify's number. */
  expected: number | null;
  inventoryItemId: string | null;
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

export function newLedger(sku: string): SkuLedgerState {
  return {
    sku,
    erp: { source: null, asOf: null, byLocation: {} },
    pendingOrders: {},
    seenOrders: [],
    shopify: { available: null, at: null, inventoryItemId: null, locationId: null },
    settings: { safetyFloor: 0, reorderPoint: null, leadTimeDays: null, packSize: 1 },
    dailySales: {},
    lastSyncedAt: null,
    drift: 0,
    pushSeq: 0,
  };
}

/** Units we believe can still be sold: ERP truth minus orders since, or Shopify's count without an ERP. */
export function ledgerAvailable(s: SkuLedgerState): number {
  if (s.erp.asOf === null) return s.shopify.available ?? 0;
  const erp = Object.values(s.erp.byLocation).reduce((sum, l) => sum + l.available, 0);
  const pending = Object.values(s.pendingOrders).reduce((sum, o) => sum + o.quantity, 0);
  return erp - pending;
}

export function totals(s: SkuLedgerState): { committed: number; incoming: number } {
  const locs = Object.values(s.erp.byLocation);
  return { committed: locs.reduce((n, l) => n + l.committed, 0), incoming: locs.reduce((n, l) => n + l.incoming, 0) };
}

function push(s: SkuLedgerState, reason: ShopifyPush["reason"], now: number): ShopifyPush | null {
  const quantity = Math.max(0, ledgerAvailable(s));
  if (s.shopify.available === quantity) return null;
  s.pushSeq += 1;
  const effect: ShopifyPush = {
    kind: "shopify_set",
    reason,
    quantity,
    expected: s.shopify.available,
    inventoryItemId: s.shopify.inventoryItemId,
    locationId: s.shopify.locationId,
    seq: s.pushSeq,
  };
  // Optimistic: Shopify will show this once the push lands; its webhook confirms or corrects it.
  s.shopify.available = quantity;
  s.lastSyncedAt = now;
  return effect;
}

/** An ERP snapshot for one location re-bases the count; orders it already reflects stop counting. */
export function applyErpStock(
  s: SkuLedgerState,
  r: { source: string; locationId: string; available: number; onHand: number | null; committed: number | null; incoming: number | null; at: number; reorderPoint?: number | null; leadTimeDays?: number | null },
  now: number,
): LedgerEffect[] {
  const current = s.erp.byLocation[r.locationId];
  if (current && current.at > r.at) return []; // an older snapshot arriving late changes nothing
  s.erp.source = r.source;
  s.erp.byLocation[r.locationId] = { available: r.available, onHand: r.onHand, committed: r.committed ?? 0, incoming: r.incoming ?? 0, at: r.at };
  s.erp.asOf = Math.max(s.erp.asOf ?? 0, r.at);
  for (const [id, o] of Object.entries(s.pendingOrders)) if (o.at <= s.erp.asOf) delete s.pendingOrders[id];
  if (r.reorderPoint !== undefined && r.reorderPoint !== null) s.settings.reorderPoint = r.reorderPoint;
  if (r.leadTimeDays !== undefined && r.leadTimeDays !== null) s.settings.leadTimeDays = r.leadTimeDays;
  const effect = push(s, "erp_rebase", now);
  return effect ? [effect] : [];
}

/** A Shopify order: Shopify already decremented its own count; we decrement ours and guard the floor. */
export function applyOrder(s: SkuLedgerState, orderId: string, quantity: number, at: number, now: number): LedgerEffect[] {
  if (s.seenOrders.includes(orderId)) return [];
  s.seenOrders.push(orderId);
  if (s.seenOrders.length > SEEN_ORDERS_KEPT) s.seenOrders.splice(0, s.seenOrders.length - SEEN_ORDERS_KEPT);
  const day = new Date(at).toISOString().slice(0, 10);
  s.dailySales[day] = (s.dailySales[day] ?? 0) + quantity;
  pruneSales(s, now);
  if (s.erp.asOf !== null && at <= s.erp.asOf) return []; // the ERP snapshot already counts it
  if (s.erp.asOf !== null) s.pendingOrders[orderId] = { quantity, at };
  if (s.shopify.available !== null) s.shopify.available -= quantity;
  if (s.erp.asOf !== null && ledgerAvailable(s) <= s.settings.safetyFloor) {
    const effect = push(s, "oversell_guard", now);
    return effect ? [effect] : [];
  }
  return [];
}

/** A cancelled or refunded-with-restock order gives its units back. */
export function releaseOrder(s: SkuLedgerState, orderId: string): void {
  delete s.pendingOrders[orderId];
}

/**
 * Shopify reports its count (inventory_levels/update). If it disagrees with the ledger by more
 * than the tolerance, record the drift and correct Shopify from the authority.
 */
export function applyShopifyLevel(
  s: SkuLedgerState,
  level: { available: number; at: number; inventoryItemId: string | null; locationId: string | null },
  now: number,
): LedgerEffect[] {
  if (s.shopify.at !== null && level.at < s.shopify.at) return [];
  s.shopify.at = level.at;
  s.shopify.inventoryItemId = level.inventoryItemId ?? s.shopify.inventoryItemId;
  s.shopify.locationId = level.locationId ?? s.shopify.locationId;
  s.shopify.available = level.available;
  if (s.erp.asOf === null) {
    s.drift = 0;
    return [];
  }
  const truth = Math.max(0, ledgerAvailable(s));
  const difference = level.available - truth;
  s.drift = difference;
  if (Math.abs(difference) <= DRIFT_TOLERANCE) return [];
  const effects: LedgerEffect[] = [{ kind: "drift", shopifyReported: level.available, ledgerAvailable: truth, difference }];
  const correction = push(s, "drift_correction", now);
  if (correction) effects.push(correction);
  return effects;
}

/** A push was refused because Shopify's count moved: adopt the count Shopify really has and push again. */
export function applyStaleCompare(s: SkuLedgerState, shopifyActual: number, now: number): LedgerEffect[] {
  s.shopify.available = shopifyActual;
  const effect = push(s, "drift_correction", now);
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
