/** SkuStock: one object per SKU, holding the live stock ledger, the oversell guard and drift detection. */
import { DurableObject } from "cloudflare:workers";
import { activeLocationMap } from "../db/locations";
import { writeStockReadModel } from "../db/stock-read-model";
import { openStorage, type StorageMigrations } from "./schema";
import {
  applyBundleSale,
  applyBundleStock,
  applyErpStock,
  applyOrder,
  applyShopifyLevel,
  applyStaleCompare,
  assignOrderLocation,
  disconnectLocation,
  ledgerAvailable,
  locationSellable,
  newLedger,
  pushTargets,
  reapplyMapping,
  shopifyTotal,
  unmappedLocations,
  upgradeLedger,
  releaseOrder,
  sellThrough,
  settle,
  stockReadModel,
  totals,
  type DriftEvent,
  type LedgerEffect,
  type LocationMap,
  type SkuLedgerState,
} from "./sku-ledger";

/** One Shopify location of this SKU, as the API and the dashboard show it. */
export interface LocationView {
  locationId: string;
  /** What Shopify last reported (or what we last pushed, until it confirms). */
  shopifyAvailable: number | null;
  shopifyAt: string | null;
  connected: boolean;
  /** The ERP warehouses that feed it; empty when it is unmapped (never written to). */
  warehouses: string[];
  mapped: boolean;
  /** What it can sell by the ledger; null when unmapped or none of its warehouses has reported. */
  sellable: number | null;
  lastPush: { quantity: number; at: string; reason: string } | null;
  drift: number;
}

export interface StockView {
  sku: string;
  available: number;
  committed: number;
  incoming: number;
  byLocation: Record<string, { available: number; committed: number; incoming: number; onHand: number | null; at: string }>;
  safetyFloor: number;
  reorderPoint: number | null;
  leadTimeDays: number | null;
  shopifyAvailable: number | null;
  lastSyncedAt: string | null;
  drift: number;
  sellThroughPerDay: number;
  erpAsOf: string | null;
  /** Per Shopify location: its count, the warehouses behind it, the last push and the drift. */
  locations: LocationView[];
  unmappedLocations: string[];
}

/** Storage versions, oldest first; append, never edit (see schema.ts). */
export const SKU_STOCK_MIGRATIONS: StorageMigrations = [
  [
    `CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS seen_events (id TEXT PRIMARY KEY, at INTEGER NOT NULL)`,
    // Effects are written here in the same synchronous step as the ledger, then flushed to D1; a
    // failed flush is retried by the alarm, so no push is ever lost.
    `CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)`,
  ],
  // v2: what each event produced, so a redelivered event reports the same effects again.
  [`ALTER TABLE seen_events ADD COLUMN effects TEXT`],
  // v3 (ledger body v2): Shopify's count per location. The one location a v1 body knew becomes its
  // first entry (upgradeLedger in sku-ledger.ts does the same for a body it meets unconverted).
  [
    `UPDATE ledger SET body = json_set(body, '$.unplaced', json('null'), '$.locations',
       CASE WHEN json_extract(body, '$.shopify.locationId') IS NULL THEN json('{}')
       ELSE json_object(json_extract(body, '$.shopify.locationId'), json_object(
         'available', json_extract(body, '$.shopify.available'), 'at', json_extract(body, '$.shopify.at'),
         'connected', json('true'), 'drift', coalesce(json_extract(body, '$.drift'), 0), 'lastPush', json('null'))) END)
     WHERE json_type(body, '$.locations') IS NULL`,
  ],
];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The ledger changes a batch call can carry (each is the method of the same name, applied once per event id). */
export type StockOpName = "recordErpStock" | "reapply" | "recordBundleStock" | "recordBundleSale" | "recordOrder" | "assignOrderLocation" | "disconnectLocation" | "releaseOrder" | "recordShopifyLevel";
// eslint-disable-next-line @typescript-eslint/no-use-before-define
export type StockOp = { [M in StockOpName]: { method: M; args: Parameters<SkuStock[M]> } }[StockOpName];

export class SkuStock extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Set only while applyBatch applies its changes (see there); the map itself may be null (the default mapping). */
  private batching: { map: LocationMap } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = openStorage(ctx, SKU_STOCK_MIGRATIONS);
  }

  async recordErpStock(
    eventId: string,
    sku: string,
    r: { source: string; locationId: string; available: number; onHand: number | null; committed: number | null; incoming: number | null; at: number; reorderPoint?: number | null; leadTimeDays?: number | null },
    now = Date.now(),
  ): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => applyErpStock(s, r, now, map));
  }

  /** The location mapping changed: every mapped location is pushed its number under the new mapping. */
  async reapply(eventId: string, sku: string, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => reapplyMapping(s, now, map));
  }

  /** A bundle's per-location count, from its components. */
  async recordBundleStock(eventId: string, sku: string, byLocation: Record<string, number>, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => applyBundleStock(s, byLocation, now, map));
  }

  /** An order for this bundle: Shopify lowered the bundle's count. */
  async recordBundleSale(eventId: string, sku: string, orderId: string, quantity: number, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => {
      applyBundleSale(s, orderId, quantity);
      return [];
    });
  }

  /** A Shopify order; `locationId` is the location it was assigned to, when already known. */
  async recordOrder(eventId: string, sku: string, orderId: string, quantity: number, at: number, now = Date.now(), locationId: string | null = null): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => applyOrder(s, orderId, quantity, at, now, map, locationId));
  }

  /** Shopify named the location an order ships from. */
  async assignOrderLocation(eventId: string, sku: string, orderId: string, locationId: string, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => assignOrderLocation(s, orderId, locationId, now, map));
  }

  /** `inventory_levels/disconnect`: the item is no longer stocked at the location. */
  async disconnectLocation(eventId: string, sku: string, locationId: string, at: number, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => {
      disconnectLocation(s, locationId, at);
      return [];
    });
  }

  async releaseOrder(eventId: string, sku: string, orderId: string, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => {
      releaseOrder(s, orderId);
      return [];
    });
  }

  async recordShopifyLevel(
    eventId: string,
    sku: string,
    level: { available: number; at: number; inventoryItemId: string | null; locationId: string | null },
    now = Date.now(),
  ): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => applyShopifyLevel(s, level, now, map));
  }

  /** The connector reports Shopify refused a compare-and-set at one location; it read that location's real count. */
  async recordStaleCompare(eventId: string, sku: string, shopifyActual: number, now = Date.now(), locationId?: string): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s, map) => applyStaleCompare(s, shopifyActual, now, locationId, map));
  }

  async updateSettings(sku: string, settings: { safetyFloor?: number; reorderPoint?: number | null; leadTimeDays?: number | null; packSize?: number }, now = Date.now()): Promise<StockView> {
    await this.change(`settings:${now}:${crypto.randomUUID()}`, sku, now, (s) => {
      settle(s, settings);
      return [];
    });
    return this.getStock(now);
  }

  async getStock(now = Date.now()): Promise<StockView> {
    const map = await activeLocationMap(this.env.DB);
    const s = this.load(null);
    const t = totals(s);
    const targets = pushTargets(s, map);
    const locations: LocationView[] = Object.entries(s.locations)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([locationId, l]) => {
        const target = targets.find((x) => x.locationId === locationId);
        return {
          locationId,
          shopifyAvailable: l.available,
          shopifyAt: iso(l.at),
          connected: l.connected,
          warehouses: !target ? [] : target.warehouses === "all" ? Object.keys(s.erp.byLocation).sort() : [...target.warehouses],
          mapped: Boolean(target),
          sellable: target ? locationSellable(s, target) : null,
          lastPush: l.lastPush ? { quantity: l.lastPush.quantity, at: iso(l.lastPush.at)!, reason: l.lastPush.reason } : null,
          drift: l.drift,
        };
      });
    return {
      sku: s.sku,
      available: ledgerAvailable(s),
      committed: t.committed,
      incoming: t.incoming,
      byLocation: Object.fromEntries(
        Object.entries(s.erp.byLocation).map(([loc, l]) => [loc, { available: l.available, committed: l.committed, incoming: l.incoming, onHand: l.onHand, at: iso(l.at)! }]),
      ),
      safetyFloor: s.settings.safetyFloor,
      reorderPoint: s.settings.reorderPoint,
      leadTimeDays: s.settings.leadTimeDays,
      shopifyAvailable: shopifyTotal(s),
      lastSyncedAt: iso(s.lastSyncedAt),
      drift: s.drift,
      sellThroughPerDay: sellThrough(s, now),
      erpAsOf: iso(s.erp.asOf),
      locations,
      unmappedLocations: unmappedLocations(s, map),
    };
  }

  /**
   * Several ledger changes for this SKU in one call (the ingest consumer groups a batch by SKU,
   * src/pipeline/batch.ts), in the order given: each is exactly what its own method does (once per
   * event id, a redelivered one reporting its first effects), with one location-map read and one
   * read-model write for all of them (the caller may pass the map it read for all the SKUs of its
   * batch; `undefined` reads it here). Returns each change's effects, in order.
   */
  async applyBatch(ops: StockOp[], now = Date.now(), locationMap?: LocationMap): Promise<LedgerEffect[][]> {
    const map = locationMap === undefined ? await activeLocationMap(this.env.DB) : locationMap;
    const out: LedgerEffect[][] = [];
    // From here to the flush nothing awaits I/O (change() runs synchronously with the map given), so
    // no other request can interleave with the batch; the flag is cleared before the flush's await.
    this.batching = { map };
    try {
      for (const op of ops) out.push(await (this[op.method] as (...args: unknown[]) => Promise<LedgerEffect[]>).apply(this, op.args));
    } finally {
      this.batching = null;
    }
    await this.flush(now);
    return out;
  }

  override async alarm(): Promise<void> {
    await this.flush();
  }

  /**
   * Applies one change exactly once per event id, persisting ledger and effects together. A
   * redelivered event changes nothing and reports the effects it produced the first time (as
   * OrderJourney re-reports transitions), so a caller that failed after this call and before
   * queuing the pushes queues them on its retry; the outbox keys dedupe the rest.
   */
  private async change(eventId: string, sku: string, now: number, fn: (s: SkuLedgerState, map: LocationMap) => LedgerEffect[]): Promise<LedgerEffect[]> {
    // Inside applyBatch the map is read once and the flush happens once, after the last change.
    const batched = this.batching;
    // Read before the synchronous part: nothing may interleave between the seen check and the writes.
    const map = batched ? batched.map : await activeLocationMap(this.env.DB);
    const seen = this.sql.exec<{ effects: string | null }>(`SELECT effects FROM seen_events WHERE id = ?`, eventId).toArray()[0];
    if (seen) return seen.effects ? (JSON.parse(seen.effects) as LedgerEffect[]) : [];
    const state = this.load(sku);
    const effects = fn(state, map);
    this.sql.exec(`INSERT INTO seen_events (id, at, effects) VALUES (?, ?, ?)`, eventId, now, JSON.stringify(effects));
    this.sql.exec(`INSERT INTO ledger (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, JSON.stringify(state));
    for (const e of effects) this.sql.exec(`INSERT INTO outbox (body) VALUES (?)`, JSON.stringify(e));
    if (!batched) await this.flush(now);
    return effects;
  }

  /** Writes this SKU's own read model (and the drifts waiting in the outbox) to D1. */
  private async flush(now = Date.now()): Promise<void> {
    const state = this.load(null);
    const pending = this.sql.exec<{ seq: number; body: string }>(`SELECT seq, body FROM outbox ORDER BY seq`).toArray();
    const drifts = pending.map((p) => JSON.parse(p.body) as LedgerEffect).filter((e): e is DriftEvent => e.kind === "drift");
    try {
      await writeStockReadModel(this.env.DB, stockReadModel(state, now), drifts, now);
      for (const p of pending) this.sql.exec(`DELETE FROM outbox WHERE seq = ?`, p.seq);
    } catch (err) {
      await this.ctx.storage.setAlarm(Date.now() + 30_000);
      throw err;
    }
  }

  private load(sku: string | null): SkuLedgerState {
    const row = this.sql.exec<{ body: string }>(`SELECT body FROM ledger WHERE id = 1`).toArray()[0];
    if (row) return upgradeLedger(JSON.parse(row.body) as SkuLedgerState);
    return newLedger(sku ?? "unknown");
  }
}
