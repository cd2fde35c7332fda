/** Bundles (kits): what one sells per location given its components, and the check that none contains itself. Pure. */

export interface BundleComponent {
  sku: string;
  quantity: number;
}

/**
 * A bundle's sellable count at one location: the fewest kits any component allows,
 * ⌊component's sellable ÷ units per kit⌋. A component with nothing known there allows none.
 */
export function bundleSellable(components: readonly BundleComponent[], sellableOf: (sku: string) => number | null): number {
  if (components.length === 0) return 0;
  return Math.max(0, Math.min(...components.map((c) => Math.floor(Math.max(0, sellableOf(c.sku) ?? 0) / c.quantity))));
}

/**
 * The chain by which `bundle` would contain itself if it were made of `components`, given every
 * other bundle's components (`edges`: bundle → component SKUs); null when it would not.
 */
export function bundleCycle(bundle: string, components: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const seen = new Set<string>();
  const walk = (sku: string, path: string[]): string[] | null => {
    if (sku === bundle) return [...path, sku];
    if (seen.has(sku)) return null;
    seen.add(sku);
    for (const next of edges.get(sku) ?? []) {
      const found = walk(next, [...path, sku]);
      if (found) return found;
    }
    return null;
  };
  for (const c of components) {
    const found = walk(c, [bundle]);
    if (found) return found;
  }
  return null;
}

/**
 * What selling `units` of `sku` takes from stock: the units themselves for an ordinary SKU; for a
 * kit, each component × its quantity per kit, down through kits made of kits, so a kit's sales
 * count as demand for its parts (issue 18). `bundles` is bundle → components. A cycle (refused
 * at `PUT /api/skus/:sku/bundle`) stops at the repeated bundle instead of looping.
 */
export function componentDemand(sku: string, units: number, bundles: ReadonlyMap<string, readonly BundleComponent[]>, path: readonly string[] = []): { sku: string; units: number }[] {
  const parts = bundles.get(sku);
  if (!parts || parts.length === 0 || path.includes(sku)) return [{ sku, units }];
  return parts.flatMap((c) => componentDemand(c.sku, units * c.quantity, bundles, [...path, sku]));
}
