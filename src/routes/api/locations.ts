/**
 * GET|PUT /api/locations: the store's Shopify locations, the ERP warehouses that have reported
 * stock, and which warehouses feed which location. A location no warehouse feeds is never written.
 */
import { Hono } from "hono";
import { z } from "zod";
import { knownShopifyLocations, knownWarehouses, loadLocationMap, saveLocationMap } from "../../db/locations";
import type { StockRemapJob } from "../../jobs/stock-remap";
import { HttpError } from "../../lib/errors";
import { jsonBody } from "../validate";

export const locationsApi = new Hono<{ Bindings: Env }>();

locationsApi.get("/", async (c) => {
  const [locations, warehouses, map] = await Promise.all([knownShopifyLocations(c.env.DB), knownWarehouses(c.env.DB), loadLocationMap(c.env.DB)]);
  // The default (no mapping saved): a store with one location has it fed by every warehouse.
  const active = locations.filter((l) => l.active);
  const effective: Record<string, string[]> = map ?? (active.length === 1 ? { [active[0]!.id]: warehouses.map((w) => w.id) } : {});
  const feeds = new Map(Object.entries(effective).flatMap(([loc, whs]) => whs.map((w) => [w, loc] as const)));
  return c.json({
    mapping: map,
    default: map === null,
    locations: locations.map((l) => ({ ...l, warehouses: l.active ? (effective[l.id] ?? []) : [], mapped: l.active && (effective[l.id]?.length ?? 0) > 0 })),
    warehouses: warehouses.map((w) => ({ ...w, feeds: feeds.get(w.id) ?? null })),
    unmappedLocations: locations.filter((l) => l.active && !(effective[l.id]?.length)).map((l) => l.id),
  });
});

const Mapping = z
  .object({
    locations: z
      .array(z.object({ locationId: z.string().trim().min(1).max(64), warehouses: z.array(z.string().trim().min(1).max(64)).max(100) }).strict())
      .max(200),
  })
  .strict();

locationsApi.put("/", ...jsonBody(Mapping), async (c) => {
  const body = c.req.valid("json");
  const [locations, warehouses] = await Promise.all([knownShopifyLocations(c.env.DB), knownWarehouses(c.env.DB)]);
  const knownLoc = new Set(locations.filter((l) => l.active).map((l) => l.id));
  const knownWh = new Set(warehouses.map((w) => w.id));
  const unknownLocations = [...new Set(body.locations.map((l) => l.locationId).filter((id) => !knownLoc.has(id)))];
  const unknownWarehouses = [...new Set(body.locations.flatMap((l) => l.warehouses).filter((id) => !knownWh.has(id)))];
  const problems: string[] = [];
  if (unknownLocations.length) problems.push(`unknown Shopify location(s): ${unknownLocations.join(", ")}`);
  if (unknownWarehouses.length) problems.push(`unknown warehouse(s): ${unknownWarehouses.join(", ")}`);
  // One warehouse's units cannot be offered by two locations at once: both would sell them.
  const owner = new Map<string, string>();
  const shared = new Set<string>();
  const map: Record<string, string[]> = {};
  for (const l of body.locations) {
    if (map[l.locationId]) problems.push(`location ${l.locationId} is listed twice`);
    map[l.locationId] = [...new Set(l.warehouses)];
    for (const w of map[l.locationId]!) {
      if (owner.has(w) && owner.get(w) !== l.locationId) shared.add(w);
      owner.set(w, l.locationId);
    }
  }
  if (shared.size) problems.push(`warehouse(s) feeding more than one location: ${[...shared].join(", ")}`);
  if (problems.length) throw new HttpError(400, problems.join("; "));
  const now = Date.now();
  await saveLocationMap(c.env.DB, map, now);
  // Every SKU's locations are re-pushed under the new mapping, a page per job.
  await c.env.JOBS.send({ kind: "stock_remap", after: "", now } satisfies StockRemapJob);
  return c.json({ mapping: map });
});
