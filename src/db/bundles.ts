/** Bundle definitions (`PUT /api/skus/:sku/bundle`): which components, how many of each, and which bundles contain a SKU. */
import type { BundleComponent } from "../decisions/bundles";

export async function loadBundle(db: D1Database, sku: string): Promise<BundleComponent[]> {
  const { results } = await db
    .prepare(`SELECT component_sku AS sku, quantity FROM sku_bundles WHERE bundle_sku = ? ORDER BY component_sku`)
    .bind(sku)
    .all<BundleComponent>();
  return results;
}

/** The bundles each of `skus` is a component of (bundle → its components), for the SKUs that are in any. */
export async function bundlesContaining(db: D1Database, skus: readonly string[]): Promise<Map<string, BundleComponent[]>> {
  const out = new Map<string, BundleComponent[]>();
  for (let i = 0; i < skus.length; i += 90) {
    const chunk = skus.slice(i, i + 90);
    const { results } = await db
      .prepare(
        `SELECT bundle_sku AS bundle, component_sku AS sku, quantity FROM sku_bundles
         WHERE bundle_sku IN (SELECT bundle_sku FROM sku_bundles WHERE component_sku IN (${chunk.map(() => "?").join(", ")})) ORDER BY bundle_sku, component_sku`,
      )
      .bind(...chunk)
      .all<{ bundle: string; sku: string; quantity: number }>();
    for (const r of results) out.set(r.bundle, [...(out.get(r.bundle) ?? []).filter((c) => c.sku !== r.sku), { sku: r.sku, quantity: r.quantity }]);
  }
  return out;
}

/** The components of each of `skus` that is a bundle (orders for a bundle consume these). */
export async function bundlesOf(db: D1Database, skus: readonly string[]): Promise<Map<string, BundleComponent[]>> {
  const out = new Map<string, BundleComponent[]>();
  for (let i = 0; i < skus.length; i += 90) {
    const chunk = skus.slice(i, i + 90);
    const { results } = await db
      .prepare(`SELECT bundle_sku AS bundle, component_sku AS sku, quantity FROM sku_bundles WHERE bundle_sku IN (${chunk.map(() => "?").join(", ")}) ORDER BY component_sku`)
      .bind(...chunk)
      .all<{ bundle: string; sku: string; quantity: number }>();
    for (const r of results) out.set(r.bundle, [...(out.get(r.bundle) ?? []), { sku: r.sku, quantity: r.quantity }]);
  }
  return out;
}

/** Every bundle with its components and units per kit (the forecast counts a kit's sales as its parts' demand). */
export async function allBundles(db: D1Database): Promise<Map<string, BundleComponent[]>> {
  const { results } = await db.prepare(`SELECT bundle_sku AS bundle, component_sku AS sku, quantity FROM sku_bundles ORDER BY bundle_sku, component_sku`).all<{ bundle: string; sku: string; quantity: number }>();
  const out = new Map<string, BundleComponent[]>();
  for (const r of results) out.set(r.bundle, [...(out.get(r.bundle) ?? []), { sku: r.sku, quantity: r.quantity }]);
  return out;
}

/** Every bundle's component SKUs (for the self-containment check). */
export async function bundleEdges(db: D1Database): Promise<Map<string, string[]>> {
  const { results } = await db.prepare(`SELECT bundle_sku AS bundle, component_sku AS sku FROM sku_bundles`).all<{ bundle: string; sku: string }>();
  const out = new Map<string, string[]>();
  for (const r of results) out.set(r.bundle, [...(out.get(r.bundle) ?? []), r.sku]);
  return out;
}

/** Replaces the bundle's components (an empty list makes it an ordinary SKU again). */
export async function saveBundle(db: D1Database, sku: string, components: readonly BundleComponent[], now: number): Promise<void> {
  await db.batch([
    db.prepare(`DELETE FROM sku_bundles WHERE bundle_sku = ?`).bind(sku),
    ...components.map((c) => db.prepare(`INSERT INTO sku_bundles (bundle_sku, component_sku, quantity, updated_at) VALUES (?, ?, ?, ?)`).bind(sku, c.sku, c.quantity, now)),
  ]);
}
