/** Shopify locations, the ERP warehouses Switchyard has seen, and the mapping of one to the other (`GET|PUT /api/locations`). */

/** `{ [shopifyLocationId]: warehouseId[] }`; null when the brand never set one (one location, fed by every warehouse). */
export type StoredLocationMap = Record<string, string[]> | null;

export async function loadLocationMap(db: D1Database): Promise<StoredLocationMap> {
  const row = await db.prepare(`SELECT body FROM location_map WHERE id = 1`).first<{ body: string }>();
  return row ? (JSON.parse(row.body) as Record<string, string[]>) : null;
}

export async function saveLocationMap(db: D1Database, map: Record<string, string[]>, now: number): Promise<void> {
  await db
    .prepare(`INSERT INTO location_map (id, body, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`)
    .bind(JSON.stringify(map), now)
    .run();
}

export interface KnownLocation {
  id: string;
  name: string | null;
  active: boolean;
}

/** Every Shopify location: those Shopify announced (`locations/*`) and those it reported stock at. */
export async function knownShopifyLocations(db: D1Database): Promise<KnownLocation[]> {
  const [named, seen] = (await db.batch([
    db.prepare(`SELECT id, name, active FROM shopify_locations ORDER BY id`),
    db.prepare(`SELECT DISTINCT location_id AS id FROM inventory_records WHERE source = 'shopify' ORDER BY location_id`),
  ])) as [D1Result<{ id: string; name: string | null; active: number }>, D1Result<{ id: string }>];
  const out = new Map<string, KnownLocation>();
  for (const r of named.results) out.set(r.id, { id: r.id, name: r.name, active: r.active === 1 });
  for (const r of seen.results) if (!out.has(r.id)) out.set(r.id, { id: r.id, name: null, active: true });
  return [...out.values()];
}

/** Every ERP warehouse (Zoho warehouse, Unicommerce facility) that has reported stock, with its source. */
export async function knownWarehouses(db: D1Database): Promise<{ id: string; source: string }[]> {
  const { results } = await db
    .prepare(`SELECT DISTINCT location_id AS id, source FROM inventory_records WHERE source != 'shopify' ORDER BY source, location_id`)
    .all<{ id: string; source: string }>();
  return results;
}

export function upsertShopifyLocation(db: D1Database, l: { id: string; name: string | null; active: boolean; updatedAt: number }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO shopify_locations (id, name, active, updated_at, source) VALUES (?, ?, ?, ?, 'shopify')
       ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, shopify_locations.name), active = excluded.active, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= shopify_locations.updated_at`,
    )
    .bind(l.id, l.name, l.active ? 1 : 0, l.updatedAt);
}

/**
 * The mapping a SKU ledger applies: the stored one without the locations Shopify has deactivated
 * or deleted (never written to), or null (the default) when the brand has not set one.
 */
export async function activeLocationMap(db: D1Database): Promise<StoredLocationMap> {
  const [map, inactive] = (await db.batch([
    db.prepare(`SELECT body FROM location_map WHERE id = 1`),
    db.prepare(`SELECT id FROM shopify_locations WHERE active = 0`),
  ])) as [D1Result<{ body: string }>, D1Result<{ id: string }>];
  const row = map.results[0];
  if (!row) return null;
  const gone = new Set(inactive.results.map((r) => r.id));
  return Object.fromEntries(Object.entries(JSON.parse(row.body) as Record<string, string[]>).filter(([id]) => !gone.has(id)));
}

/**
 * Active Shopify locations the mapping does not feed (none under the default when the store has
 * one location; every one under the default when it has several, until the brand maps them).
 */
export async function unmappedShopifyLocations(db: D1Database): Promise<KnownLocation[]> {
  const [locations, map] = await Promise.all([knownShopifyLocations(db), loadLocationMap(db)]);
  const active = locations.filter((l) => l.active);
  if (map === null) return active.length > 1 ? active : [];
  return active.filter((l) => !(map[l.id]?.length));
}
