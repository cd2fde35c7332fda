/** GET /api/skus/:sku (inventory records, live stock per location, forecast), PUT /api/skus/:sku/settings and PUT /api/skus/:sku/bundle. */
import { Hono } from "hono";
import { z } from "zod";
import { bundleEdges, loadBundle, saveBundle } from "../../db/bundles";
import { loadSkuDetail, saveSkuSettings } from "../../db/sku-read";
import { bundleCycle } from "../../decisions/bundles";
import { refreshBundles } from "../../pipeline/bundles";
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
    bundle: await loadBundle(c.env.DB, sku),
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

const Bundle = z
  .object({
    components: z
      .array(z.object({ sku: z.string().trim().min(1).max(100), quantity: z.number().int().min(1).max(10_000) }).strict())
      .max(50),
  })
  .strict();

/** A bundle (kit) is made of components; selling one consumes each. An empty list makes it an ordinary SKU again. */
skusApi.put("/:sku/bundle", ...jsonBody(Bundle), async (c) => {
  const sku = c.req.param("sku");
  const { components } = c.req.valid("json");
  const dupes = components.map((x) => x.sku).filter((s, i, all) => all.indexOf(s) !== i);
  if (dupes.length) throw new HttpError(400, `component listed twice: ${[...new Set(dupes)].join(", ")}`);
  const edges = await bundleEdges(c.env.DB);
  edges.delete(sku); // its old components are being replaced
  const cycle = bundleCycle(sku, components.map((x) => x.sku), edges);
  if (cycle) throw new HttpError(400, `bundle would contain itself: ${cycle.join(" → ")}`);
  const now = Date.now();
  await saveBundle(c.env.DB, sku, components, now);
  if (components.length) await refreshBundles(c.env, [sku], now);
  return c.json({ sku, components });
});
