/** Model outputs the crons store and the rules read: customer models, SKU forecasts, carrier route stats, the ticket model. */
import type { CustomerModel } from "../decisions/models/customers";
import type { RouteStat } from "../decisions/models/routes";
import { kvGet, kvKeys, kvPut } from "./kv";


export function upsertCustomerModel(db: D1Database, m: CustomerModel, now: number): D1PreparedStatement {
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
      m.customerId, Math.round(m.ltv), m.tier, m.ordersCount, m.lastOrderAt, milli(m.intervalDays), JSON.stringify(m.categoryIntervals),
      m.predictedNextOrderAt, milli(m.churnRisk), milli(m.pActive), milli(m.expectedOrders90d),
      m.predictedClv === null ? null : Math.round(m.predictedClv), m.expectedOrderValue === null ? null : Math.round(m.expectedOrderValue), m.expectedNextOrderAt, now,
    );
}

const milli = (v: number | null) => (v === null ? null : Math.round(v * 1000));

/** Customers the outreach rules may act on (a repeat buyer with a churn risk or a predicted next order), after `after`. */
export async function outreachCandidates(db: D1Database, after: string, limit: number | null): Promise<{ id: string; intervals: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT customer_id AS id, category_intervals AS intervals FROM customer_models
       WHERE customer_id > ? AND orders_count >= 2 AND (churn_risk_milli > 0 OR predicted_next_order_at IS NOT NULL) ORDER BY customer_id LIMIT ?`,
    )
    .bind(after, limit ?? -1)
    .all<{ id: string; intervals: string }>();
  return results;
}

export interface CustomerModelView {
  ltv: number;
  tier: string;
  ordersCount: number;
  lastOrderAt: number | null;
  intervalMilli: number | null;
  categoryIntervals: string;
  predictedNextOrderAt: number | null;
  churnRiskMilli: number | null;
  pActiveMilli: number | null;
  expectedMilli: number | null;
  predictedClv: number | null;
  expectedOrderValue: number | null;
  expectedNextOrderAt: number | null;
  computedAt: number;
}

export function getCustomerModel(db: D1Database, customerId: string): Promise<CustomerModelView | null> {
  return db
    .prepare(
      `SELECT ltv, tier, orders_count AS ordersCount, last_order_at AS lastOrderAt, interval_days_milli AS intervalMilli, category_intervals AS categoryIntervals,
              predicted_next_order_at AS predictedNextOrderAt, churn_risk_milli AS churnRiskMilli, p_active_milli AS pActiveMilli,
              expected_orders_90d_milli AS expectedMilli, predicted_clv AS predictedClv, expected_order_value AS expectedOrderValue,
              expected_next_order_at AS expectedNextOrderAt, computed_at AS computedAt
       FROM customer_models WHERE customer_id = ?`,
    )
    .bind(customerId)
    .first<CustomerModelView>();
}

export interface ForecastRow {
  sku: string;
  method: string;
  dailyDemand: readonly number[];
  meanDaily: number;
  mase: number | null;
  baselineMae: number | null;
  /** The spread of cumulative demand by day (from past windows), or null without validated windows. */
  cumulativeSigma: readonly number[] | null;
  interval: { level: number; lower: readonly number[]; upper: readonly number[] };
  windows: number;
}

export function upsertForecast(db: D1Database, f: ForecastRow, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO sku_forecasts (sku, method, daily_demand, mean_daily_milli, mase_milli, baseline_mae_milli, cumulative_sigma, prediction_interval, windows, computed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET method = excluded.method, daily_demand = excluded.daily_demand, mean_daily_milli = excluded.mean_daily_milli,
         mase_milli = excluded.mase_milli, baseline_mae_milli = excluded.baseline_mae_milli, cumulative_sigma = excluded.cumulative_sigma,
         prediction_interval = excluded.prediction_interval, windows = excluded.windows, computed_at = excluded.computed_at`,
    )
    .bind(
      f.sku, f.method, JSON.stringify(f.dailyDemand.map(r2)), Math.round(f.meanDaily * 1000), f.mase === null ? null : Math.round(f.mase * 1000), f.baselineMae === null ? null : Math.round(f.baselineMae * 1000),
      f.cumulativeSigma === null ? null : JSON.stringify(f.cumulativeSigma.map(r2)),
      JSON.stringify({ level: f.interval.level, lower: f.interval.lower.map(r2), upper: f.interval.upper.map(r2) }), f.windows, now,
    );
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export function upsertRouteStat(db: D1Database, r: RouteStat, now: number): D1PreparedStatement {
  const m = (rate: number) => Math.round(rate * 1000);
  return db
    .prepare(
      `INSERT INTO route_stats (carrier, origin, destination, shipments, delay_rate_milli, rto_rate_milli, baseline_delay_rate_milli,
         baseline_rto_rate_milli, median_transit_hours, trend, computed_at, p90_transit_hours, transit_samples, carrier_lateness_hours)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (carrier, origin, destination) DO UPDATE SET shipments = excluded.shipments, delay_rate_milli = excluded.delay_rate_milli,
         rto_rate_milli = excluded.rto_rate_milli, baseline_delay_rate_milli = excluded.baseline_delay_rate_milli,
         baseline_rto_rate_milli = excluded.baseline_rto_rate_milli, median_transit_hours = excluded.median_transit_hours,
         trend = excluded.trend, computed_at = excluded.computed_at, p90_transit_hours = excluded.p90_transit_hours,
         transit_samples = excluded.transit_samples, carrier_lateness_hours = excluded.carrier_lateness_hours`,
    )
    .bind(
      r.carrier, r.origin, r.destination, r.shipments, m(r.delayRate), m(r.rtoRate), m(r.baselineDelayRate), m(r.baselineRtoRate), hoursOrNull(r.medianTransitHours), JSON.stringify(r.trend), now,
      hoursOrNull(r.p90TransitHours), r.transitSamples ?? 0, hoursOrNull(r.carrierLatenessHours),
    );
}

function hoursOrNull(h: number | null | undefined): number | null {
  return h === null || h === undefined ? null : Math.round(h);
}

/** Every carrier route, worst delay against baseline first (for /api/routes). */
export async function listRouteStats(db: D1Database, limit = 500): Promise<(Record<string, unknown> & { computedAt: number })[]> {
  const { results } = await db
    .prepare(
      `SELECT carrier, origin, destination, shipments, delay_rate_milli AS d, rto_rate_milli AS r, baseline_delay_rate_milli AS bd,
              baseline_rto_rate_milli AS br, median_transit_hours AS mt, trend, computed_at AS computedAt
       FROM route_stats ORDER BY (delay_rate_milli - baseline_delay_rate_milli) DESC, shipments DESC LIMIT ?`,
    )
    .bind(limit)
    .all<Record<string, unknown> & { computedAt: number }>();
  return results;
}

export async function saveTicketModel(db: D1Database, model: unknown, now: number): Promise<void> {
  await kvPut(db, kvKeys.ticketModel(), JSON.stringify(model), now);
}

export async function loadTicketModelJson(db: D1Database): Promise<string | null> {
  return kvGet(db, kvKeys.ticketModel());
}
