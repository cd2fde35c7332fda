/** SkuStock: one object per SKU, holding the live stock ledger, the oversell guard and drift detection. */
import { DurableObject } from "cloudflare:workers";
import { writeStockReadModel } from "../db/stock-read-model";
import { openStorage, type StorageMigrations } from "./schema";
import {
  applyErpStock,
  applyOrder,
  applyShopifyLevel,
  applyStaleCompare,
  ledgerAvailable,
  newLedger,
  releaseOrder,
  sellThrough,
  settle,
  stockReadModel,
  totals,
  type DriftEvent,
  type LedgerEffect,
  type SkuLedgerState,
} from "./sku-ledger";

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
}

/** Storage versions, oldest first; append, never edit (see schema.ts). */
const MIGRATIONS: StorageMigrations = [
  [
    `CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS seen_events (id TEXT PRIMARY KEY, at INTEGER NOT NULL)`,
    // Effects are written here in the same synchronous step as the ledger, then flushed to D1; a
    // failed flush is retried by the alarm, so no push is ever lost.
    `CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)`,
  ],
  // v2: what each event produced, so a redelivered event reports the same effects again.
  [`ALTER TABLE seen_events ADD COLUMN effects TEXT`],
];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class SkuStock extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = openStorage(ctx, MIGRATIONS);
  }

  async recordErpStock(
    eventId: string,
    sku: string,
    r: { source: string; locationId: string; available: number; onHand: number | null; committed: number | null; incoming: number | null; at: number; reorderPoint?: number | null; leadTimeDays?: number | null },
    now = Date.now(),
  ): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => applyErpStock(s, r, now));
  }

  async recordOrder(eventId: string, sku: string, orderId: string, quantity: number, at: number, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => applyOrder(s, orderId, quantity, at, now));
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
    return this.change(eventId, sku, now, (s) => applyShopifyLevel(s, level, now));
  }

  /** The connector reports Shopify refused a compare-and-set; it read Shopify's real count. */
  async recordStaleCompare(eventId: string, sku: string, shopifyActual: number, now = Date.now()): Promise<LedgerEffect[]> {
    return this.change(eventId, sku, now, (s) => applyStaleCompare(s, shopifyActual, now));
  }

  async updateSettings(sku: string, settings: { safetyFloor?: number; reorderPoint?: number | null; leadTimeDays?: number | null; packSize?: number }, now = Date.now()): Promise<StockView> {
    await this.change(`settings:${now}:${crypto.randomUUID()}`, sku, now, (s) => {
      settle(s, settings);
      return [];
    });
    return this.getStock(now);
  }

  getStock(now = Date.now()): StockView {
    const s = this.load(null);
    const t = totals(s);
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
      shopifyAvailable: s.shopify.available,
      lastSyncedAt: iso(s.lastSyncedAt),
      drift: s.drift,
      sellThroughPerDay: sellThrough(s, now),
      erpAsOf: iso(s.erp.asOf),
    };
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
  private async change(eventId: string, sku: string, now: number, fn: (s: SkuLedgerState) => LedgerEffect[]): Promise<LedgerEffect[]> {
    const seen = this.sql.exec<{ effects: string | null }>(`SELECT effects FROM seen_events WHERE id = ?`, eventId).toArray()[0];
    if (seen) return seen.effects ? (JSON.parse(seen.effects) as LedgerEffect[]) : [];
    const state = this.load(sku);
    const effects = fn(state);
    this.sql.exec(`INSERT INTO seen_events (id, at, effects) VALUES (?, ?, ?)`, eventId, now, JSON.stringify(effects));
    this.sql.exec(`INSERT INTO ledger (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, JSON.stringify(state));
    for (const e of effects) this.sql.exec(`INSERT INTO outbox (body) VALUES (?)`, JSON.stringify(e));
    await this.flush(now);
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
    if (row) return JSON.parse(row.body) as SkuLedgerState;
    return newLedger(sku ?? "unknown");
  }
}
