/** After the location mapping changes: each SKU's ledger re-pushes every location under the new mapping, a page of SKUs per job. */
import { stockedSkusAfter } from "../db/stock-read-model";
import { refreshBundles } from "../pipeline/bundles";
import { pushStockEffects } from "../pipeline/stock";

export type StockRemapJob = { kind: "stock_remap"; after: string; now: number };

const PAGE = 50;

export async function remapStock(env: Env, job: StockRemapJob): Promise<void> {
  const skus = await stockedSkusAfter(env.DB, job.after, PAGE);
  for (const sku of skus) {
    const effects = await env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku)).reapply(`remap:${job.now}`, sku, job.now);
    await pushStockEffects(env, [{ sku, effects }], job.now);
  }
  // Kits have no warehouses of their own: they follow their components' new numbers.
  await refreshBundles(env, skus, job.now);
  if (skus.length === PAGE) await env.JOBS.send({ kind: "stock_remap", after: skus.at(-1)!, now: job.now } satisfies StockRemapJob);
}
