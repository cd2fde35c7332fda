#!/usr/bin/env node
/**
 * Seeds the demo brand (Vanaspati Naturals: 12 products, ~1,500 customers of whom ~400 repeat
 * buyers, nine months of delivered history across Delhivery, Xpressbees and Blue Dart).
 *
 *   node scripts/seed.mjs --if-empty      history into local D1, only when it has no orders (npm start, before the worker)
 *   node scripts/seed.mjs --live --url U  current stock through the real Zoho webhook, lead times, then the model crons
 *   npm run seed [-- --url U]             both: history (rewritten, idempotent) and, if the worker answers, the live part
 *
 * Past, closed orders go straight into D1 as SQL (they need no Durable Object). Current stock must
 * live in the SkuStock objects, so it goes in through POST /webhooks/zoho-inventory once the worker is up.
 * Options: --persist-to DIR (wrangler's local state), --seed N (default 7).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BRAND_SEED, CATALOG, CARRIERS, DAY, DESTINATIONS, HOUR, SHOP_DOMAIN, SKUS, WAREHOUSES, basketTotal, buildBrand, shippingFor } from "./lib/brand.mjs";
import { shopifyProduct, zohoItem } from "./lib/payloads.mjs";
import { createRng } from "./lib/rng.mjs";
import { awbFor, pickCarrier, planShipment } from "./lib/shipping.mjs";
import { executeFile, query } from "./lib/wrangler.mjs";
import { CRONS, ROOT, api, devVars, fireCron, printTally, sendAll, signed } from "./lib/webhooks.mjs";

const { values: opts } = parseArgs({
  options: {
    "if-empty": { type: "boolean", default: false },
    live: { type: "boolean", default: false },
    url: { type: "string" },
    "persist-to": { type: "string" },
    seed: { type: "string", default: String(BRAND_SEED) },
  },
});
const persistTo = opts["persist-to"];
const seed = Number(opts.seed);
const stateDir = persistTo ? path.resolve(persistTo) : path.join(ROOT, ".wrangler", "state");
/** Present between the history and the live part, so `npm start` finishes a seed that was interrupted. */
const MARKER = path.join(stateDir, "seed-live-pending");
const started = Date.now();

async function main() {
  if (opts.live) return seedLive(opts.url ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`);
  const seeded = seedHistory();
  const url = opts.url ?? (opts["if-empty"] ? null : `http://127.0.0.1:${process.env.PORT ?? "8787"}`);
  if (seeded && url && (await reachable(url))) await seedLive(url);
  else if (seeded) console.log("seed: current stock and models follow once the worker is up (npm start does this).");
}

async function reachable(url) {
  try {
    return (await fetch(new URL("/health", url))).ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- history (SQL)

function seedHistory() {
  if (opts["if-empty"]) {
    const [{ n }] = query("SELECT count(*) AS n FROM orders", persistTo);
    if (n > 0) {
      console.log(`seed: database already has ${n} orders; skipped.`);
      return false;
    }
  }
  const now = Date.now();
  const brand = buildBrand(now, seed);
  const sql = historySql(brand, now);
  const dir = path.join(stateDir, "seed");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "history.sql");
  writeFileSync(file, sql);
  executeFile(file, persistTo);
  writeFileSync(MARKER, String(now));
  const repeat = brand.customers.filter((c) => c.orders.length > 1).length;
  console.log(`seed: ${SKUS.length} SKUs in ${CATALOG.length} products, ${brand.customers.length} customers (${repeat} repeat buyers), ${brand.orders.length} past orders written in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

const q = (v) => (v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** INSERT OR REPLACE in chunks of rows: re-running the seed rewrites the same rows, nothing piles up. */
function inserts(table, columns, rows, chunk = 50) {
  const out = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows.slice(i, i + chunk).map((r) => `(${r.map(q).join(",")})`).join(",\n");
    out.push(`INSERT OR REPLACE INTO ${table} (${columns.join(", ")}) VALUES\n${values};`);
  }
  return out.join("\n");
}

function historySql({ customers, orders }, now) {
  const rng = createRng(seed).fork("shipments");
  const rows = { orders: [], events: [], links: [], journeys: [] };
  const totals = new Map();

  for (const o of orders) {
    const c = o.customer;
    const subtotal = basketTotal(o.lines);
    const total = subtotal + shippingFor(subtotal);
    const cod = rng.chance(c.segment === "high" ? 0.15 : 0.4);
    // Rhythm customers' orders are delivered: the reorder prompt needs a carrier-confirmed last order.
    const keep = c.segment === "rhythm" || c.segment === "rhythm_near";
    const outcome = keep ? "delivered" : rng.weighted([["delivered", 90], ["reattempt_delivered", 3], ["rto", cod ? 7 : 2], ["cancelled", 2]]);
    const cancelledAt = outcome === "cancelled" ? o.createdAt + rng.between(1, 6) * HOUR : null;
    const lineItems = o.lines.map((l) => ({ sku: l.sku, title: `${l.title} – ${l.variantTitle}`, quantity: l.quantity, unitPrice: l.price * 100, productId: String(l.productId), variantId: String(l.variantId) }));
    const dest = c.dest;
    let updatedAt = cancelledAt ?? o.createdAt;
    const links = [o.id, o.name, o.name.slice(1)].map((key) => ["ref", String(key), String(o.id), null, o.createdAt]);
    let journey = ["cancelled", cancelledAt ?? o.createdAt, null, null, null, null, null, 0];

    if (!cancelledAt) {
      const carrierKey = pickCarrier(rng, dest.origin);
      const carrier = CARRIERS[carrierKey];
      const fulfilledAt = o.createdAt + rng.between(6, 20) * HOUR;
      const plan = planShipment(rng, { dest, carrierKey, fulfilledAt, outcome });
      const awb = awbFor(carrierKey, o.id);
      // Shopify's fulfilment (created) and the carrier's scans, as the mappers would have written them.
      rows.events.push(eventRow({ carrier: carrier.shopifyCompany.toLowerCase(), awb, status: "created", raw: "fulfilled", at: fulfilledAt, orderId: o.id, source: "shopify", sourceId: `fulfillment:${o.id + 4_000_000_000}:fulfilled`, pincode: c.pincode }));
      for (const s of plan.scans) {
        const raw = carrier.via === "delhivery" ? `${s.status === "delivered" ? "DL Delivered" : `UD ${s.status.replace(/_/g, " ")}`}` : s.status.replace(/_/g, " ").toUpperCase();
        rows.events.push(eventRow({ carrier: carrier.name, awb, status: s.status, raw, at: s.at, orderId: o.id, orderRef: o.name, location: s.location, eta: plan.promiseAt, source: carrier.via, sourceId: awb }));
      }
      const last = plan.scans[plan.scans.length - 1];
      updatedAt = last.at;
      links.push(["awb", awb, String(o.id), carrier.name, fulfilledAt]);
      const state = last.status === "delivered" ? "delivered" : last.status;
      journey = [state, last.at, last.at, last.location, awb, carrier.name, plan.promiseAt, plan.scans.filter((s) => s.status === "failed_attempt").length];
    }
    // Every history order is closed before the simulated week's events: stamp it as such.
    rows.orders.push([
      o.id, o.name, o.number, c.id, c.email, c.phone, "INR", total * 100, subtotal * 100, cod ? "cod" : "prepaid",
      cancelledAt ? "voided" : "paid", cancelledAt ? null : "fulfilled", cancelledAt, c.pincode, dest.city, dest.state,
      JSON.stringify(lineItems), JSON.stringify([cod ? "cod" : "prepaid"]), null, o.createdAt, Math.min(updatedAt, now), "shopify", String(o.id),
    ]);
    rows.links.push(...links);
    rows.journeys.push([o.id, ...journey, 0, 0, Math.min(updatedAt, now)]);
    if (!cancelledAt) {
      const t = totals.get(c.id) ?? { spent: 0, count: 0, last: 0 };
      t.spent += total * 100;
      t.count += 1;
      t.last = Math.max(t.last, o.createdAt);
      totals.set(c.id, t);
    }
  }

  const customerRows = customers.map((c) => {
    const t = totals.get(c.id) ?? { spent: 0, count: 0, last: c.createdAt };
    return [c.id, c.email, c.phone, c.firstName, c.lastName, t.count, t.spent, c.acceptsMarketing ? 1 : 0, c.acceptsWhatsapp ? 1 : 0, c.createdAt, t.last || c.createdAt, "shopify", String(c.id)];
  });
  const productRows = SKUS.map((s) => [s.sku, `${s.title} – ${s.variantTitle}`, s.category, String(s.productId), String(s.variantId), String(s.inventoryItemId), s.price * 100, now - 200 * DAY, "shopify", String(s.variantId)]);

  return [
    "-- Vanaspati Naturals demo brand (scripts/seed.mjs). Regenerated on every run; INSERT OR REPLACE keeps it idempotent.",
    inserts("products", ["sku", "title", "category", "product_id", "variant_id", "inventory_item_id", "price", "updated_at", "source", "source_id"], productRows),
    inserts("customers", ["id", "email", "phone", "first_name", "last_name", "orders_count", "total_spent", "accepts_marketing", "accepts_whatsapp", "created_at", "updated_at", "source", "source_id"], customerRows),
    inserts("orders", ["id", "name", "number", "customer_id", "email", "phone", "currency", "total_price", "subtotal_price", "payment_method", "financial_status", "fulfillment_status", "cancelled_at", "shipping_pincode", "shipping_city", "shipping_state", "line_items", "tags", "note", "created_at", "updated_at", "source", "source_id"], rows.orders, 40),
    inserts("shipment_events", ["id", "order_id", "order_ref", "carrier", "awb", "status", "raw_status", "location", "pincode", "eta", "is_return", "occurred_at", "source", "source_id", "received_at"], rows.events, 80),
    inserts("order_links", ["kind", "key", "order_id", "carrier", "created_at"], rows.links, 100),
    inserts("journeys", ["order_id", "state", "state_at", "last_scan_at", "last_scan_location", "awb", "carrier", "eta", "failed_attempts", "stalled", "cod_pending", "updated_at"], rows.journeys, 100),
    `INSERT OR REPLACE INTO kv (key, value, updated_at) VALUES ('seed:brand', ${q(JSON.stringify({ seed, anchor: new Date(now).toISOString(), orders: orders.length }))}, ${now});`,
  ].join("\n");
}

function eventRow({ carrier, awb, status, raw, at, orderId, orderRef = null, location = null, pincode = null, eta = null, source, sourceId }) {
  const t = Math.round(at);
  return [`${carrier}:${awb}:${status}:${raw}:${t}`, String(orderId), orderRef, carrier, awb, status, raw, location, pincode, eta === null ? null : Math.round(eta), 0, t, source, sourceId, t + 60_000];
}

// ---------------------------------------------------------------- live (through the worker)

/** Units per day per SKU over the history's last four weeks: the stock levels are set in days of cover. */
function recentDemand(now) {
  const { orders } = buildBrand(readAnchor() ?? now, seed);
  const since = now - 35 * DAY;
  const units = new Map(SKUS.map((s) => [s.sku, 0]));
  for (const o of orders) if (o.createdAt >= since) for (const l of o.lines) units.set(l.sku, units.get(l.sku) + l.quantity);
  return new Map([...units].map(([sku, n]) => [sku, n / 28]));
}

/** The history's anchor time (epoch ms), kept in the marker so the live part sees the same history. */
function readAnchor() {
  return existsSync(MARKER) ? Number(readFileSync(MARKER, "utf8").trim()) || null : null;
}

/**
 * Days of cover each SKU starts with. The fast sellers start with about three and a half weeks
 * (more than their 18-day lead time, so nothing fires yet, but a busy week brings them under it).
 * Rose Bath Salt is already short (a handful of units), so inventory_reorder speaks on the first run.
 */
const FIXED_UNITS = { "ROSE-SALT-400G": 4 };
const unitsFor = (s, perDay) => FIXED_UNITS[s.sku] ?? Math.max(8, Math.round(perDay * (s.weight >= 8 ? 24 : 50)));

async function seedLive(url) {
  if (!(await reachable(url))) throw new Error(`seed --live: no worker answers at ${url}`);
  const vars = devVars();
  const now = Date.now();
  const demand = recentDemand(now);
  const share = { BLR: 0, DEL: 0, MUM: 0 };
  for (const d of DESTINATIONS) share[d.origin] += d.share;
  const shareTotal = share.BLR + share.DEL + share.MUM;

  const deliveries = [];
  // The catalog through Shopify's own webhook (categories and inventory item ids, as Shopify sends them),
  // as Shopify last sent it: eight days ago, before the simulated week (newer than the history's rows).
  // Dated now, it would read as Shopify having sent a minute ago, and hide a quiet night's silence.
  const catalogAt = now - 8 * DAY;
  for (const p of CATALOG) deliveries.push({ source: "shopify", ...signed(vars, "shopify", shopifyProduct(p, catalogAt), { topic: "products/update", id: `seed-product-${p.id}`, at: catalogAt }) });
  // Current stock: one Zoho Inventory item webhook per SKU, split across the three warehouses by demand.
  for (const s of SKUS) {
    const total = unitsFor(s, demand.get(s.sku) ?? 0.2);
    const split = Object.fromEntries(Object.keys(WAREHOUSES).map((w) => [w, Math.floor((total * share[w]) / shareTotal)]));
    split.BLR += total - Object.values(split).reduce((a, b) => a + b, 0);
    deliveries.push({ source: "zoho-inventory", ...signed(vars, "zoho-inventory", zohoItem(s, split, now - 30_000)) });
  }
  const tally = await sendAll(url, deliveries, { rate: 50, label: "seed: catalog and stock" });
  if (tally.rejected) {
    printTally(tally);
    throw new Error("seed --live: the worker refused some of the catalog or stock webhooks");
  }
  // Supplier lead times: the Zoho mapper does not read custom fields, so they go in as per-SKU settings.
  for (const s of SKUS) {
    const res = await api(url, vars, `/api/skus/${encodeURIComponent(s.sku)}/settings`, { method: "PUT", body: JSON.stringify({ leadTimeDays: s.leadTimeDays }) });
    if (res.status !== 200) throw new Error(`PUT /api/skus/${s.sku}/settings answered ${res.status}: ${res.text.slice(0, 200)}`);
  }
  // The demo brand's escalation agents, as each helpdesk names them (Freshdesk wants a numeric agent id).
  const agents = { gorgias: "leads@vanaspati.in", freshdesk: "43000012345", zendesk: "leads@vanaspati.in" };
  // How its customer email looks (the previews at /previews show it).
  const brand = {
    name: "Vanaspati Naturals",
    logoUrl: "https://cdn.shopify.com/s/files/1/vanaspati/logo.png",
    colour: "#2f6b3a",
    supportEmail: "care@vanaspati.in",
    supportPhone: "+91 80 4567 1234",
    postalAddress: "No. 14, 2nd Cross, Indiranagar, Bengaluru 560038, Karnataka, India",
    storeUrl: `https://${SHOP_DOMAIN}`,
  };
  const policy = await api(url, vars, "/api/policies", { method: "PUT", body: JSON.stringify({ brand, support_escalation: { assignee: agents }, wismo_autoreply: { escalationAssignee: agents } }) });
  if (policy.status !== 200) throw new Error(`PUT /api/policies answered ${policy.status}: ${policy.text.slice(0, 200)}`);
  await waitForStock(url, vars);
  // Models first (routes, customers), then the daily job (forecasts, stock decisions, reorder prompts, churn).
  for (const cron of [CRONS.hourly, CRONS.daily]) await fireCron(url, cron);
  rmSync(MARKER, { force: true });
  const decisions = await api(url, vars, "/api/decisions?limit=200");
  const byType = {};
  for (const d of decisions.json?.decisions ?? []) byType[d.type] = (byType[d.type] ?? 0) + 1;
  console.log(`seed: stock for ${SKUS.length} SKUs in the SkuStock objects, models and forecasts computed in ${((Date.now() - started) / 1000).toFixed(1)} s; decisions so far: ${JSON.stringify(byType)}`);
}

/** The Zoho webhooks are processed by the queue consumer: wait until every SKU's object holds stock. */
async function waitForStock(url, vars, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = [];
    for (const s of SKUS) {
      const res = await api(url, vars, `/api/skus/${encodeURIComponent(s.sku)}`);
      if (!(res.json?.inventory ?? []).some((r) => r.source === "zoho-inventory")) missing.push(s.sku);
    }
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`seed --live: stock not processed after ${timeoutMs / 1000} s for ${missing.join(", ")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
