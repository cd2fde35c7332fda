/** GET /api/skus/:sku (inventory records, live stock, forecast) and PUT /api/skus/:sku/settings. */
import { Hono } from "hono";
import { z } from "zod";
import { loadSkuDetail, saveSkuSettings } from "../../db/sku-read";
import { HttpError } from "../../lib/errors";
import { jsonBody } from "../validate";

export const skusApi = new Hono<{ Bindings: Env }>();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

skusApi.get("/:sku", async (c) => {
  const sku = c.req.param("sku");
  const { product, inventory, settings, forecast, purchaseOrders, known } = await loadSkuDetail(c.env.DB, sku);
  if (!product && inventory.length === 0 && !known) throw new HttpError(404, "unknown SKU");
  const stub = c.env.SKU_STOCK.get(c.env.SKU_STOCK.idFromName(sku));
  const stock = await stub.getStock();
  return c.json({
    sku,
    product,
    inventory: inventory.map((r) => ({ ...r, updatedAt: iso(r.updatedAt) })),
    stock,
    settings,
    forecast: forecast
      ? { method: forecast.method, dailyDemand: JSON.parse(forecast.dailyDemand), meanDaily: forecast.meanDailyMilli / 1000, mase: forecast.maseMilli === null ? null : forecast.maseMilli / 1000,
          // {level, lower[], upper[]} per day, and the rolling-origin windows the method was chosen on.
          interval: forecast.predictionInterval ? JSON.parse(forecast.predictionInterval) : null, windows: forecast.windows, computedAt: iso(forecast.computedAt) }
      : null,
    purchaseOrders: purchaseOrders.map((p) => ({ ...p, expectedAt: iso(p.expectedAt), lines: JSON.parse(p.lines) })),
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
  ...jsonBody(Settings),
  async (c) => {
    const sku = c.req.param("sku");
    const s = c.req.valid("json");
    const now = Date.now();
    await saveSkuSettings(c.env.DB, sku, s, now);
    const stock = await c.env.SKU_STOCK.get(c.env.SKU_STOCK.idFromName(sku)).updateSettings(sku, {
      safetyFloor: s.safetyStock ?? undefined,
      reorderPoint: s.reorderPoint,
      leadTimeDays: s.leadTimeDays,
      packSize: s.packSize ?? undefined,
    });
    return c.json({ sku, settings: s, stock });
  },
);
