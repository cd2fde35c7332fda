/**
 * The cron jobs: a frequent sweep (ticket SLAs, due actions), hourly models (carrier routes,
 * customers) and a daily job (forecasts, reorder prompts, churn). Each reads D1 in pages, runs
 * the pure models, stores their outputs with the time they were computed, and decides.
 */
import { loadPolicy, type StoredPolicy } from "../db/policies";
import type { ReorderItem } from "../decisions/context";
import { buildCustomerModel, type CustomerOrder } from "../decisions/models/customers";
import { DEFAULT_FORECAST_OPTIONS, forecastDemand } from "../decisions/models/forecast";
import { demandEvents, type DemandEvent } from "../decisions/models/calendar";
import { computeRouteStats, type ShipmentSummary } from "../decisions/models/routes";
import { decideCarrierRouteAlerts, decideChurnIntervention, decideReorderPrompt, decideSupportEscalation } from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import { IDS_PER_STATEMENT, runBatches, slices } from "../db/bulk";
import { requeueStuckRawEvents } from "../db/raw-events";
import { commitDrafts } from "./commit";
import { loadCustomer, loadCustomerPage, loadJourney, loadOrderSummary, loadScans, originOf, ticketSummary } from "./load";
import { requeueDueActions } from "../db/actions";
import { pullQuietParcels } from "./carrier-pull";
import { ensureWebhookSubscriptions, reconcileShopifyOrders } from "./reconcile";
import { decideStockForSkus } from "./stock";
import { refreshTicketModel } from "./ticket-model";
import { refitCustomerModel } from "../jobs/customer-fit";
import { syncPredictionsToCrm } from "../jobs/crm-predictions";
import { loadCategoryIntervals, loadCustomerFit } from "../db/customer-models";
import { storeTypicalIntervals } from "../decisions/models/clv";

const DAY = 86_400_000;

/**
 * Pages of customers a cron (or one job) works through in one invocation. D1 allows 1,000 queries
 * per Worker invocation: a page of customer models is about 17 round trips (500 customers), a page
 * of outreach about 4 plus the decisions it writes (90 customers). What is left goes on the jobs
 * queue, a page budget per message, each in an invocation of its own.
 */
export const INLINE_PAGES = { customerModels: 20, customerOutreach: 60 };

/**
 * Outreach also stops, after the customer that crossed it, once its reads and the decisions it
 * records reach this many queries (each customer adds at most a churn offer and a reorder prompt
 * per category), so an invocation stays well under 1,000 however many decisions a page holds.
 */
const OUTREACH_QUERY_BUDGET = 400;

export type CronJob = { kind: "customer_models" | "customer_outreach" | "crm_predictions"; after: string; now: number };

/** One slice of a cron too large for one invocation; queues the next slice until none is left. */
export async function runCronJob(env: Env, job: CronJob): Promise<void> {
  const stored = await loadPolicy(env.DB);
  if (job.kind === "crm_predictions") {
    const { next } = await syncPredictionsToCrm(env, job.now, { after: job.after });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronJob);
  } else if (job.kind === "customer_models") {
    const { next } = await refreshCustomerModels(env.DB, stored, job.now, { after: job.after, maxPages: INLINE_PAGES.customerModels });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronJob);
  } else {
    const { next } = await decideCustomerOutreach(env, stored, job.now, { after: job.after, maxPages: INLINE_PAGES.customerOutreach });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronJob);
  }
}
export const CRON_SWEEP = "*/5 * * * *";
export const CRON_HOURLY = "0 * * * *";
export const CRON_DAILY = "30 2 * * *";

export async function runCron(env: Env, cron: string, now: number): Promise<void> {
  const stored = await loadPolicy(env.DB);
  if (cron === CRON_SWEEP) {
    await sweepTickets(env, stored, now);
    await requeueDueActions(env, now);
    await requeueStuckRawEvents(env, now);
    await reconcileShopifyOrders(env, now);
  } else if (cron === CRON_HOURLY) {
    await pullQuietParcels(env, now);
    await refreshRouteStats(env, stored, now);
    const models = await refreshCustomerModels(env.DB, stored, now, { maxPages: INLINE_PAGES.customerModels });
    if (models.next !== null) await env.JOBS.send({ kind: "customer_models", after: models.next, now });
  } else if (cron === CRON_DAILY) {
    await refreshForecasts(env.DB, now, 365, demandEvents(stored.policy.demandCalendar));
    await refreshTicketModel(env.DB, now);
    const { results } = await env.DB.prepare(`SELECT sku FROM sku_stock`).all<{ sku: string }>();
    await decideStockForSkus(env, results.map((r) => r.sku), stored, now);
    const outreach = await decideCustomerOutreach(env, stored, now, { maxPages: INLINE_PAGES.customerOutreach });
    if (outreach.next !== null) await env.JOBS.send({ kind: "customer_outreach", after: outreach.next, now });
    // Predictions to the CRMs in invocations of their own (each customer is a few outbox writes).
    await env.JOBS.send({ kind: "crm_predictions", after: "", now } satisfies CronJob);
    await ensureWebhookSubscriptions(env, env.PUBLIC_URL);
  }
}

/** Open tickets with no first response past the SLA: the escalation rule decides per ticket. */
export async function sweepTickets(env: Env, stored: StoredPolicy, now: number): Promise<void> {
  const cutoff = now - stored.policy.support_escalation.noResponseHours * 3_600_000;
  const { results } = await env.DB
    .prepare(
      `SELECT helpdesk, ticket_id AS ticketId, category, status, subject, created_at AS createdAt, first_response_at AS firstResponseAt,
              order_id AS orderId, customer_id AS customerId FROM tickets
       WHERE first_response_at IS NULL AND created_at <= ? AND status NOT IN ('solved', 'closed', 'resolved', 'pending') ORDER BY created_at LIMIT 500`,
    )
    .bind(cutoff)
    .all<Record<string, unknown>>();
  const drafts: (DecisionDraft | null)[] = [];
  for (const r of results) {
    const orderId = (r.orderId as string | null) ?? null;
    const order = orderId ? await loadOrderSummary(env.DB, orderId) : null;
    const customer = await loadCustomer(env.DB, (r.customerId as string | null) ?? order?.customerId ?? null, stored.policy);
    drafts.push(
      decideSupportEscalation(
        { ticket: ticketSummary(r), customer, order, journey: orderId ? await loadJourney(env.DB, orderId) : null, scans: orderId ? await loadScans(env.DB, orderId) : [] },
        stored.policy,
        now,
      ),
    );
  }
  await commitDrafts(env, drafts, stored, now);
}

/** Per-AWB shipment summaries for the route model, from the shipment event log. */
export async function shipmentSummaries(db: D1Database, since: number): Promise<ShipmentSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT e.awb, e.carrier, o.shipping_pincode AS pincode,
              min(CASE WHEN e.status IN ('picked_up', 'in_transit') THEN e.occurred_at END) AS shippedAt,
              min(CASE WHEN e.status = 'delivered' AND e.is_return = 0 THEN e.occurred_at END) AS deliveredAt,
              max(CASE WHEN e.status IN ('rto_initiated', 'rto_delivered') OR e.is_return = 1 THEN 1 ELSE 0 END) AS rto,
              (SELECT eta FROM shipment_events x WHERE x.awb = e.awb AND x.eta IS NOT NULL ORDER BY x.occurred_at LIMIT 1) AS promisedAt,
              (SELECT location FROM shipment_events x WHERE x.awb = e.awb AND x.location IS NOT NULL ORDER BY x.occurred_at LIMIT 1) AS firstLocation
       FROM shipment_events e JOIN orders o ON o.id = e.order_id
       WHERE e.occurred_at >= ? AND e.carrier != 'shopify' GROUP BY e.awb, e.carrier, o.shipping_pincode`,
    )
    .bind(since)
    .all<{ awb: string; carrier: string; pincode: string | null; shippedAt: number | null; deliveredAt: number | null; rto: number; promisedAt: number | null; firstLocation: string | null }>();
  return results
    .filter((r) => r.shippedAt !== null && r.pincode)
    .map((r) => ({
      carrier: r.carrier,
      origin: originOf(r.firstLocation),
      destPincode: r.pincode!,
      shippedAt: r.shippedAt!,
      deliveredAt: r.deliveredAt,
      promisedAt: r.promisedAt,
      rto: r.rto === 1,
    }));
}

export async function refreshRouteStats(env: Env, stored: StoredPolicy, now: number): Promise<void> {
  const shipments = await shipmentSummaries(env.DB, now - 8 * 7 * DAY);
  const routes = computeRouteStats(shipments, now);
  const m = (rate: number) => Math.round(rate * 1000);
  await runBatches(
    env.DB,
    routes.map((r) =>
      env.DB.prepare(
        `INSERT INTO route_stats (carrier, origin, destination, shipments, delay_rate_milli, rto_rate_milli, baseline_delay_rate_milli,
           baseline_rto_rate_milli, median_transit_hours, trend, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (carrier, origin, destination) DO UPDATE SET shipments = excluded.shipments, delay_rate_milli = excluded.delay_rate_milli,
           rto_rate_milli = excluded.rto_rate_milli, baseline_delay_rate_milli = excluded.baseline_delay_rate_milli,
           baseline_rto_rate_milli = excluded.baseline_rto_rate_milli, median_transit_hours = excluded.median_transit_hours,
           trend = excluded.trend, computed_at = excluded.computed_at`,
      ).bind(r.carrier, r.origin, r.destination, r.shipments, m(r.delayRate), m(r.rtoRate), m(r.baselineDelayRate), m(r.baselineRtoRate), r.medianTransitHours === null ? null : Math.round(r.medianTransitHours), JSON.stringify(r.trend), now),
    ),
  );
  await commitDrafts(env, decideCarrierRouteAlerts({ routes }, stored.policy, now), stored, now);
}

/**
 * Customer models (LTV, tier, intervals, next order, churn) for every customer after `from.after`,
 * a page at a time, for at most `from.maxPages` pages. Returns how many were modelled and, when the
 * page budget ran out first, the cursor to continue from.
 */
export async function refreshCustomerModels(
  db: D1Database,
  stored: StoredPolicy,
  now: number,
  from: { after?: string; maxPages?: number; pageSize?: number } = {},
): Promise<{ done: number; next: string | null }> {
  const pageSize = from.pageSize ?? 500;
  // The store's BG/NBD + Gamma-Gamma fit: refitted when a run starts, read back by its later slices.
  const fit = from.after === undefined ? await refitCustomerModel(db, stored.policy, now) : await loadCustomerFit(db);
  const categories = new Map<string, string | null>();
  for (const p of (await db.prepare(`SELECT sku, category FROM products`).all<{ sku: string; category: string | null }>()).results) categories.set(p.sku, p.category);
  let after = from.after ?? "";
  let done = 0;
  for (let page = 0; ; page++) {
    if (page >= (from.maxPages ?? Infinity)) return { done, next: after };
    const { results: customers } = await db
      .prepare(`SELECT id, total_spent AS totalSpent, orders_count AS ordersCount, updated_at AS updatedAt, created_at AS createdAt FROM customers WHERE id > ? AND redacted_at IS NULL ORDER BY id LIMIT ?`)
      .bind(after, pageSize)
      .all<{ id: string; totalSpent: number | null; ordersCount: number | null; updatedAt: number; createdAt: number | null }>();
    if (customers.length === 0) break;
    after = customers[customers.length - 1]!.id;
    const ids = customers.map((c) => c.id);
    const byCustomer = new Map<string, CustomerOrder[]>();
    for (const chunk of slices(ids)) {
      const { results } = await db
        .prepare(`SELECT id, customer_id AS customerId, created_at AS createdAt, total_price AS totalPrice, cancelled_at AS cancelledAt, line_items AS lineItems FROM orders WHERE customer_id IN (${chunk.map(() => "?").join(", ")})`)
        .bind(...chunk)
        .all<{ id: string; customerId: string; createdAt: number; totalPrice: number; cancelledAt: number | null; lineItems: string }>();
      for (const o of results) {
        const cats = new Set<string>();
        for (const li of JSON.parse(o.lineItems) as { sku: string | null }[]) {
          const c = li.sku ? categories.get(li.sku) : null;
          if (c) cats.add(c);
        }
        const list = byCustomer.get(o.customerId) ?? [];
        list.push({ id: o.id, createdAt: o.createdAt, totalPrice: o.totalPrice, cancelled: o.cancelledAt !== null, categories: [...cats] });
        byCustomer.set(o.customerId, list);
      }
    }
    const statements = customers.map((c) => {
      const model = buildCustomerModel(
        { customerId: c.id, shopify: c.totalSpent === null ? null : { totalSpent: c.totalSpent, ordersCount: c.ordersCount ?? 0, asOf: c.updatedAt }, createdAt: c.createdAt, orders: byCustomer.get(c.id) ?? [] },
        stored.policy,
        now,
        fit,
      );
      const milli = (v: number | null) => (v === null ? null : Math.round(v * 1000));
      return db
        .prepare(
          `INSERT INTO customer_models (customer_id, ltv, tier, orders_count, last_order_at, interval_days_milli, category_intervals, predicted_next_order_at, churn_risk_milli,
             p_active_milli, expected_orders_90d_milli, predicted_clv, expected_order_value, expected_next_order_at, computed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (customer_id) DO UPDATE SET ltv = excluded.ltv, tier = excluded.tier, orders_count = excluded.orders_count, last_order_at = excluded.last_order_at,
             interval_days_milli = excluded.interval_days_milli, category_intervals = excluded.category_intervals,
             predicted_next_order_at = excluded.predicted_next_order_at, churn_risk_milli = excluded.churn_risk_milli,
             p_active_milli = excluded.p_active_milli, expected_orders_90d_milli = excluded.expected_orders_90d_milli,
             predicted_clv = excluded.predicted_clv, expected_order_value = excluded.expected_order_value,
             expected_next_order_at = excluded.expected_next_order_at, computed_at = excluded.computed_at`,
        )
        .bind(
          c.id, Math.round(model.ltv), model.tier, model.ordersCount, model.lastOrderAt,
          model.intervalDays === null ? null : Math.round(model.intervalDays * 1000), JSON.stringify(model.categoryIntervals),
          model.predictedNextOrderAt, milli(model.churnRisk), milli(model.pActive), milli(model.expectedOrders90d),
          model.predictedClv === null ? null : Math.round(model.predictedClv), model.expectedOrderValue === null ? null : Math.round(model.expectedOrderValue), model.expectedNextOrderAt, now,
        );
    });
    await runBatches(db, statements);
    done += customers.length;
    if (customers.length < pageSize) break;
  }
  return { done, next: null };
}

/** Daily demand per SKU over the last year, from order line items, then a forecast per SKU. */
export async function refreshForecasts(db: D1Database, now: number, days = 365, events: readonly DemandEvent[] = []): Promise<number> {
  const start = Math.floor((now - days * DAY) / DAY) * DAY;
  const { results } = await db
    .prepare(
      `SELECT json_extract(li.value, '$.sku') AS sku, CAST((o.created_at - ?) / ${DAY} AS INTEGER) AS day, sum(json_extract(li.value, '$.quantity')) AS units
       FROM orders o, json_each(o.line_items) li
       WHERE o.created_at >= ? AND o.cancelled_at IS NULL AND json_extract(li.value, '$.sku') IS NOT NULL GROUP BY sku, day`,
    )
    .bind(start, start)
    .all<{ sku: string; day: number; units: number }>();
  const series = new Map<string, Float64Array>();
  for (const r of results) {
    let s = series.get(r.sku);
    if (!s) series.set(r.sku, (s = new Float64Array(days)));
    if (r.day >= 0 && r.day < days) s[r.day] = r.units;
  }
  const statements: D1PreparedStatement[] = [];
  for (const [sku, history] of series) {
    // Start the series at the SKU's first sale: days before launch are not zero demand.
    const first = history.findIndex((v) => v > 0);
    const f = forecastDemand(first > 0 ? history.subarray(first) : history, { ...DEFAULT_FORECAST_OPTIONS, start: start + Math.max(0, first) * DAY, events });
    const r2 = (v: number) => Math.round(v * 100) / 100;
    statements.push(
      db
        .prepare(
          `INSERT INTO sku_forecasts (sku, method, daily_demand, mean_daily_milli, mase_milli, baseline_mae_milli, cumulative_sigma, prediction_interval, windows, computed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (sku) DO UPDATE SET method = excluded.method, daily_demand = excluded.daily_demand, mean_daily_milli = excluded.mean_daily_milli,
             mase_milli = excluded.mase_milli, baseline_mae_milli = excluded.baseline_mae_milli, cumulative_sigma = excluded.cumulative_sigma,
             prediction_interval = excluded.prediction_interval, windows = excluded.windows, computed_at = excluded.computed_at`,
        )
        .bind(
          sku, f.method, JSON.stringify(f.dailyDemand.map(r2)), Math.round(f.meanDaily * 1000), f.mase === null ? null : Math.round(f.mase * 1000), f.baselineMae === null ? null : Math.round(f.baselineMae * 1000),
          // A spread measured on past windows only: without them a service level has nothing to stand on.
          f.windows > 0 ? JSON.stringify(f.cumulativeSigma.map(r2)) : null,
          JSON.stringify({ level: f.level, lower: f.lower.map(r2), upper: f.upper.map(r2) }), f.windows, now,
        ),
    );
  }
  await runBatches(db, statements);
  return series.size;
}

/**
 * Reorder prompts and churn offers, from the customer models. Customers are read a page at a time
 * with everything the two rules need in one round trip per page (D1 counts queries per invocation).
 */
export async function decideCustomerOutreach(
  env: Env,
  stored: StoredPolicy,
  now: number,
  from: { after?: string; maxPages?: number; queryBudget?: number } = {},
): Promise<{ next: string | null }> {
  const shop = env.SHOPIFY_SHOP_DOMAIN || "your-store.myshopify.com";
  const categories = new Map<string, string | null>();
  for (const p of (await env.DB.prepare(`SELECT sku, category FROM products`).all<{ sku: string; category: string | null }>()).results) categories.set(p.sku, p.category);
  const limit = (from.maxPages ?? Infinity) * IDS_PER_STATEMENT;
  const { results } = await env.DB
    .prepare(
      `SELECT customer_id AS id, category_intervals AS intervals FROM customer_models
       WHERE customer_id > ? AND orders_count >= 2 AND (churn_risk_milli > 0 OR predicted_next_order_at IS NOT NULL) ORDER BY customer_id LIMIT ?`,
    )
    .bind(from.after ?? "", Number.isFinite(limit) ? limit + 1 : -1)
    .all<{ id: string; intervals: string }>();
  // One row past the budget says there is more: the next run starts after the last one done here.
  const more = Number.isFinite(limit) && results.length > limit;
  if (more) results.length = limit;
  // The store's typical interval per category, for shrinking each customer's few-order interval.
  const typical = storeTypicalIntervals(await loadCategoryIntervals(env.DB));
  let queries = 3;
  for (let i = 0; i < results.length; i += IDS_PER_STATEMENT) {
    const slice = results.slice(i, i + IDS_PER_STATEMENT);
    const page = await loadCustomerPage(env.DB, slice.map((r) => r.id), stored.policy);
    queries += 1;
    for (const [k, r] of slice.entries()) {
      const loaded = page.get(r.id);
      if (!loaded) continue;
      const { customer, openTicket, openReturn, orders } = loaded;
      const drafts: (DecisionDraft | null)[] = [];
      drafts.push(decideChurnIntervention({ customer, openTicket }, stored.policy, now));
      const intervals = JSON.parse(r.intervals) as Record<string, { orders: number; intervalDays: number | null; lastOrderAt: number }>;
      for (const [category, ci] of Object.entries(intervals)) {
        if (ci.intervalDays === null) continue;
        const items = lastItemsInCategory(orders, categories, category);
        if (!items) continue;
        drafts.push(
          decideReorderPrompt(
            {
              customer,
              category,
              ordersInCategory: ci.orders,
              intervalDays: ci.intervalDays,
              storeIntervalDays: typical.get(category) ?? null,
              lastOrderAt: ci.lastOrderAt,
              lastOrderDelivered: items.delivered,
              items: items.items,
              shopDomain: shop,
              openTicket,
              openReturn,
            },
            stored.policy,
            now,
          ),
        );
      }
      await commitDrafts(env, drafts, stored, now);
      // Each decision: its record (up to 2 queries) and its actions (up to 2).
      queries += 4 * drafts.filter(Boolean).length;
      const isLast = i + k === results.length - 1 && !more;
      if (queries >= (from.queryBudget ?? OUTREACH_QUERY_BUDGET) && !isLast) return { next: r.id };
    }
  }
  return { next: more ? results[results.length - 1]!.id : null };
}

/** The lines in `category` of the customer's newest order that has any (orders come newest first). */
function lastItemsInCategory(
  orders: readonly { lineItems: string; state: string | null }[],
  categories: ReadonlyMap<string, string | null>,
  category: string,
): { items: ReorderItem[]; delivered: boolean } | null {
  for (const o of orders) {
    const lines = JSON.parse(o.lineItems) as { sku: string | null; variantId: string | null; quantity: number; title: string }[];
    const inCategory = lines.filter((l) => l.sku && categories.get(l.sku) === category);
    if (!inCategory.length) continue;
    const items = inCategory.filter((l) => l.variantId).map((l) => ({ variantId: l.variantId!, quantity: l.quantity, title: l.title }));
    return items.length ? { items, delivered: o.state === "delivered" } : null;
  }
  return null;
}


