/** What GET /api/skus/:sku shows beside the live ledger, and the per-SKU supply settings PUT /api/skus/:sku/settings saves. */
import { CLOSED_PO_STATUSES } from "../canonical/vocabulary";

export interface SkuDetail {
  product: Record<string, unknown> | null;
  inventory: (Record<string, unknown> & { updatedAt: number })[];
  settings: Record<string, unknown> | null;
  forecast: { method: string; dailyDemand: string; meanDailyMilli: number; maseMilli: number | null; predictionInterval: string | null; windows: number | null; computedAt: number } | null;
  purchaseOrders: { poNumber: string; status: string; expectedAt: number | null; lines: string }[];
  /** Whether Switchyard has ever held stock for the SKU. */
  known: boolean;
}

const OPEN_PO = `status NOT IN (${CLOSED_PO_STATUSES.map((s) => `'${s}'`).join(", ")})`;

/** Everything about one SKU in one D1 round trip. */
export async function loadSkuDetail(db: D1Database, sku: string): Promise<SkuDetail> {
  const [product, records, settings, forecast, pos, known] = (await db.batch([
    db.prepare(`SELECT sku, title, category, product_id AS productId, variant_id AS variantId, inventory_item_id AS inventoryItemId, price FROM products WHERE sku = ?`).bind(sku),
    db.prepare(
      `SELECT source, location_id AS locationId, available, on_hand AS onHand, committed, incoming, reorder_point AS reorderPoint,
              lead_time_days AS leadTimeDays, updated_at AS updatedAt FROM inventory_records WHERE sku = ? ORDER BY source, location_id`,
    ).bind(sku),
    db.prepare(`SELECT lead_time_days AS leadTimeDays, reorder_point AS reorderPoint, safety_stock AS safetyStock, pack_size AS packSize FROM sku_settings WHERE sku = ?`).bind(sku),
    db.prepare(`SELECT method, daily_demand AS dailyDemand, mean_daily_milli AS meanDailyMilli, mase_milli AS maseMilli, prediction_interval AS predictionInterval, windows, computed_at AS computedAt FROM sku_forecasts WHERE sku = ?`).bind(sku),
    db.prepare(`SELECT po_number AS poNumber, status, expected_at AS expectedAt, lines FROM purchase_orders WHERE instr(lines, ?) > 0 AND ${OPEN_PO}`).bind(`"${sku}"`),
    db.prepare(`SELECT 1 AS known FROM sku_stock WHERE sku = ?`).bind(sku),
  ])) as D1Result<Record<string, unknown>>[];
  return {
    product: product!.results[0] ?? null,
    inventory: records!.results as SkuDetail["inventory"],
    settings: settings!.results[0] ?? null,
    forecast: (forecast!.results[0] as SkuDetail["forecast"] | undefined) ?? null,
    purchaseOrders: pos!.results as SkuDetail["purchaseOrders"],
    known: known!.results.length > 0,
  };
}

/** Saves the given settings over the stored ones (a null or missing field keeps what is there). */
export async function saveSkuSettings(
  db: D1Database,
  sku: string,
  s: { leadTimeDays?: number | null; reorderPoint?: number | null; safetyStock?: number | null; packSize?: number | null },
  now: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sku_settings (sku, lead_time_days, reorder_point, safety_stock, pack_size, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET lead_time_days = coalesce(excluded.lead_time_days, sku_settings.lead_time_days),
         reorder_point = coalesce(excluded.reorder_point, sku_settings.reorder_point), safety_stock = coalesce(excluded.safety_stock, sku_settings.safety_stock),
         pack_size = coalesce(excluded.pack_size, sku_settings.pack_size), updated_at = excluded.updated_at`,
    )
    .bind(sku, s.leadTimeDays ?? null, s.reorderPoint ?? null, s.safetyStock ?? null, s.packSize ?? null, now)
    .run();
}
