/** The D1 stock read model (`sku_stock`), written by each SkuStock object from its own ledger, and the drifts it records. */

/** One `sku_stock` row, as a SkuStock object computes it from its ledger. */
export interface StockReadModel {
  sku: string;
  available: number;
  committed: number;
  incoming: number;
  byLocation: Record<string, unknown>;
  safetyFloor: number;
  dailyDemand: number;
  daysOfCover: number | null;
  projectedStockoutAt: number | null;
  lastSyncedAt: number | null;
  drift: number;
}
import { kvKeys, kvPutStatement } from "./kv";

/** Writes the SKU's read-model row and any drift the ledger just detected, in one round trip. */
export async function writeStockReadModel(db: D1Database, row: StockReadModel, drifts: readonly unknown[], now: number): Promise<void> {
  await db.batch([
    ...drifts.map((d) => kvPutStatement(db, kvKeys.drift(row.sku, now), JSON.stringify(d), now)),
    db
      .prepare(
        `INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, daily_demand_milli, days_of_cover_milli,
           projected_stockout_at, last_synced_at, drift, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sku) DO UPDATE SET available = excluded.available, committed = excluded.committed, incoming = excluded.incoming,
           by_location = excluded.by_location, safety_floor = excluded.safety_floor, daily_demand_milli = excluded.daily_demand_milli,
           days_of_cover_milli = excluded.days_of_cover_milli, projected_stockout_at = excluded.projected_stockout_at,
           last_synced_at = excluded.last_synced_at, drift = excluded.drift, updated_at = excluded.updated_at`,
      )
      .bind(
        row.sku, row.available, row.committed, row.incoming, JSON.stringify(row.byLocation), row.safetyFloor, Math.round(row.dailyDemand * 1000),
        row.daysOfCover === null ? null : Math.round(row.daysOfCover * 1000), row.projectedStockoutAt, row.lastSyncedAt, row.drift, now,
      ),
  ]);
}

/**
 * Every SKU with a stock row (the daily reorder review goes through all of them), bundles excepted:
 * a kit is never bought in, its sales are demand for its components (their ledgers count kit orders).
 */
export async function allStockedSkus(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare(`SELECT sku FROM sku_stock WHERE sku NOT IN (SELECT bundle_sku FROM sku_bundles)`).all<{ sku: string }>();
  return results.map((r) => r.sku);
}

/** A page of stocked SKUs after `after`, in SKU order. */
export async function stockedSkusAfter(db: D1Database, after: string, limit: number): Promise<string[]> {
  const { results } = await db.prepare(`SELECT sku FROM sku_stock WHERE sku > ? ORDER BY sku LIMIT ?`).bind(after, limit).all<{ sku: string }>();
  return results.map((r) => r.sku);
}
