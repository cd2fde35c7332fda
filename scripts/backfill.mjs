#!/usr/bin/env node
// `npm run backfill -- --since 2025-01-01 [--url http://localhost:8787]`: imports past Shopify orders and their
// customers through the worker's normal ingest path (Admin GraphQL, 1,000 orders per call), so the
// customer and demand models are useful on day one. Needs SHOPIFY_SHOP_DOMAIN and SHOPIFY_ADMIN_TOKEN.
import { existsSync, readFileSync } from "node:fs";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const since = arg("since");
if (!since) {
  console.error("usage: npm run backfill -- --since <date> [--url http://localhost:8787]");
  process.exit(2);
}
const vars = readFileSync(existsSync(".dev.vars") ? ".dev.vars" : ".dev.vars.example", "utf8");
const token = process.env.API_TOKEN ?? /^API_TOKEN=(.*)$/m.exec(vars)?.[1];
const url = `${arg("url") ?? "http://localhost:8787"}/api/backfill`;
let after = null;
let pulled = 0;
let ingested = 0;
do {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ since: new Date(since).toISOString(), after }) });
  const out = await res.json();
  if (!res.ok) {
    console.error(`backfill refused (${res.status}): ${out.error ?? JSON.stringify(out)}`);
    process.exit(1);
  }
  pulled += out.pulled;
  ingested += out.ingested;
  after = out.after;
  process.stderr.write(`\rpulled ${pulled} orders, queued ${ingested} new or newer`);
} while (after);
console.error(`\ndone: the models refresh on the next hourly and daily cron (or fire them: /__scheduled?cron=0+*+*+*+*).`);
