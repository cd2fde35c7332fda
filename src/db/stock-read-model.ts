/** Turns a SKU ledger's effects into outbox actions and keeps the D1 stock read model current. */
import type { LedgerEffect, SkuLedgerState } from "../durable-objects/sku-ledger";
import { ledgerAvailable, sellThrough, totals } from "../durable-objects/sku-ledger";

export async function flushStockEffects(env: Env, s: SkuLedgerState, effects: LedgerEffect[], now: number): Promise<void> {
  for (const e of effects) {
    if (e.kind === "drift") {
      await env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
        .bind(`drift:${s.sku}:${now}`, JSON.stringify(e), now)
        .run();
    }
  }
  await writeStockReadModel(env.DB, s, now);
}

export async function writeStockReadModel(db: D1Database, s: SkuLedgerState, now: number): Promise<void> {
  const available = ledgerAvailable(s);
  const t = totals(s);
  const daily = sellThrough(s, now);
  const cover = daily > 0 ? available / daily : null;
  await db
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
      s.sku, available, t.committed, t.incoming, JSON.stringify(s.erp.byLocation), s.settings.safetyFloor, Math.round(daily * 1000),
      cover === null ? null : Math.round(cover * 1000), cover === null ? null : Math.round(now + cover * 86_400_000), s.lastSyncedAt, s.drift, now,
    )
    .run();
}
