/**
 * Bundles follow their components: when a component's stock moves, every bundle containing it is
 * recomputed per location (min over components of ⌊sellable ÷ units per kit⌋) and pushed with its
 * own compare-and-set; a bundle inside another bundle passes the change on.
 */
import { bundlesContaining, bundlesOf } from "../db/bundles";
import { bundleSellable, type BundleComponent } from "../decisions/bundles";
import type { StockView } from "../durable-objects/sku-stock";
import { pushStockEffects } from "./stock";

const MAX_DEPTH = 5; // bundles cannot contain themselves (checked on save), so this only bounds the work

/**
 * What a component can sell at a location: the ledger's count where it has ERP stock (its safety
 * floor held back, as in its own pushes), else what Shopify shows.
 */
function componentAt(view: StockView, locationId: string | null): number | null {
  if (locationId === null) return view.erpAsOf === null ? view.shopifyAvailable : view.available - view.safetyFloor;
  const l = view.locations.find((x) => x.locationId === locationId);
  if (!l || !l.connected) return null;
  return view.erpAsOf === null ? l.shopifyAvailable : l.sellable;
}

export function bundleByLocation(components: readonly BundleComponent[], views: ReadonlyMap<string, StockView>): Record<string, number> {
  const locations = new Set([...views.values()].flatMap((v) => v.locations.filter((l) => l.connected).map((l) => l.locationId)));
  const out: Record<string, number> = {};
  for (const loc of locations) out[loc] = bundleSellable(components, (sku) => (views.get(sku) ? componentAt(views.get(sku)!, loc) : null));
  out["*"] = bundleSellable(components, (sku) => (views.get(sku) ? componentAt(views.get(sku)!, null) : null));
  return out;
}

/** Recomputes and pushes every bundle that contains one of `skus` (or is one of them). */
export async function refreshBundles(env: Env, skus: readonly string[], now: number, depth = 0): Promise<void> {
  if (skus.length === 0 || depth >= MAX_DEPTH) return;
  // At the first level a changed SKU may be a bundle itself (its own level moved, or it was just defined).
  const affected = new Map([...(depth === 0 ? await bundlesOf(env.DB, skus) : []), ...(await bundlesContaining(env.DB, skus))]);
  const pushed: string[] = [];
  for (const [bundle, components] of affected) {
    const views = new Map(
      await Promise.all(components.map(async (c) => [c.sku, await env.SKU_STOCK.get(env.SKU_STOCK.idFromName(c.sku)).getStock(now)] as const)),
    );
    const byLocation = bundleByLocation(components, views);
    const effects = await env.SKU_STOCK.get(env.SKU_STOCK.idFromName(bundle)).recordBundleStock(`bundle:${now}:${crypto.randomUUID()}`, bundle, byLocation, now);
    await pushStockEffects(env, [{ sku: bundle, effects }], now);
    pushed.push(bundle);
  }
  // A bundle that is itself a component of a bigger bundle passes the change on.
  await refreshBundles(env, pushed, now, depth + 1);
}
