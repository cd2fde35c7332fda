/** GET /api/skus/:sku (inventory records, live stock, forecast) and PUT /api/skus/:sku/settings. */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { HttpError } from "../../lib/errors";

export const skusApi = new Hono<{ Bindings: Env }>();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

skusApi.get("/:sku", async (c) => {
  const sku = c.req.param("sku");
  const db = c.env.DB;
  const [product, records, settings, forecast, purchaseOrders] = await Promise.all([
    db.prepare(`SELECT sku, title, category, product_id AS productId, variant_id AS variantId, inventory_item_id AS inventoryItemId, price FROM products WHERE sku = ?`).bind(sku).first(),
    db
      .prepare(
        `SELECT source, location_id AS locationId, available, on_hand AS onHand, committed, incoming, reorder_point AS reorderPoint,
                lead_time_days AS leadTimeDays, updated_at AS updatedAt FROM inventory_records WHERE sku = ? ORDER BY source, location_id`,
      )
      .bind(sku)
      .all<{ updatedAt: number }>(),
    db.prepare(`SELECT lead_time_days AS leadTimeDays, reorder_point AS reorderPoint, safety_stock AS safetyStock, pack_size AS packSize FROM sku_settings WHERE sku = ?`).bind(sku).first(),
    db.prepare(`SELECT method, daily_demand AS dailyDemand, mean_daily_milli AS meanDailyMilli, mase_milli AS maseMilli, prediction_interval AS predictionInterval, windows, computed_at AS computedAt FROM sku_forecasts WHERE sku = ?`).bind(sku).first<{ method: string; dailyDemand: string; meanDailyMilli: number; maseMilli: number | null; predictionInterval: string | null; windows: number | null; computedAt: number }>(),
    db.prepare(`SELECT po_number AS poNumber, status, expected_at AS expectedAt, lines FROM purchase_orders WHERE instr(lines, ?) > 0 AND status NOT IN ('received', 'billed', 'closed', 'cancelled')`).bind(`"${sku}"`).all<{ poNumber: string; status: string; expectedAt: number | null; lines: string }>(),
  ]);
  if (!product && records.results.length === 0) {
    const known = await db.prepare(`SELECT 1 FROM sku_stock WHERE sku = ?`).bind(sku).first();
    if (!known) throw new HttpError(404, "unknown SKU");
  }
  const stub = c.env.SKU_STOCK.get(c.env.SKU_STOCK.idFromName(sku));
  const stock = await stub.getStock();
  return c.json({
    sku,
    product,
    inventory: records.results.map((r) => ({ ...r, updatedAt: iso(r.updatedAt) })),
    stock,
    settings,
    forecast: forecast
      ? { method: forecast.method, dailyDemand: JSON.parse(forecast.dailyDemand), meanDaily: forecast.meanDailyMilli / 1000, mase: forecast.maseMilli === null ? null : forecast.maseMilli / 1000,
          // {level, lower[], upper[]} per day, and the rolling-origin windows the method was chosen on.
          interval: forecast.predictionInterval ? JSON.parse(forecast.predictionInterval) : null, windows: forecast.windows, computedAt: iso(forecast.computedAt) }
      : null,
    purchaseOrders: purchaseOrders.results.map((p) => ({ ...p, expectedAt: iso(p.expectedAt), lines: JSON.parse(p.lines) })),
  });
});

const Settings = z
  .object({
    leadTimeDays: z.number().int().min(0).max(365).nullable().optional(),
    reorderPoint: z.number().int().min(0).nullable().optional(),
    safetyStock: z.number().int().min(0).nullable().optional(),
    packSize: z.number().int().min(1).nullable().optional(),
  })
  .strict();

skusApi.put(
  "/:sku/settings",
  zValidator("json", Settings, (result) => {
    if (!result.success) throw new HttpError(400, result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  }),
  async (c) => {
    const sku = c.req.param("sku");
    const s = c.req.valid("json");
    const now = Date.now();
    await c.env.DB.prepare(
      `INSERT INTO sku_settings (sku, lead_time_days, reorder_point, safety_stock, pack_size, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET lead_time_days = coalesce(excluded.lead_time_days, sku_settings.lead_time_days),
         reorder_point = coalesce(excluded.reorder_point, sku_settings.reorder_point), safety_stock = coalesce(excluded.safety_stock, sku_settings.safety_stock),
         pack_size = coalesce(excluded.pack_size, sku_settings.pack_size), updated_at = excluded.updated_at`,
    )
      .bind(sku, s.leadTimeDays ?? null, s.reorderPoint ?? null, s.safetyStock ?? null, s.packSize ?? null, now)
      .run();
    const stock = await c.env.SKU_STOCK.get(c.env.SKU_STOCK.idFromName(sku)).updateSettings(sku, {
      safetyFloor: s.safetyStock ?? undefined,
      reorderPoint: s.reorderPoint,
      leadTimeDays: s.leadTimeDays,
      packSize: s.packSize ?? undefined,
    });
    return c.json({ sku, settings: s, stock });
  },
);
