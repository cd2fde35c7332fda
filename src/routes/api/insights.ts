/** GET /api/customers/:id, /api/routes and /api/kpis: the models' outputs and the morning's numbers. */
import { Hono } from "hono";
import { getCustomer } from "../../db/orders-read";
import { loadKpis } from "../../db/kpis";
import { HttpError } from "../../lib/errors";
import { routeFromRow } from "../../engine/load";
import { CLV_HORIZON_DAYS, predictionReasons } from "../../decisions/models/customers";

export const insightsApi = new Hono<{ Bindings: Env }>();

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

insightsApi.get("/customers/:id", async (c) => {
  const id = c.req.param("id");
  const customer = await getCustomer(c.env.DB, id);
  if (!customer) throw new HttpError(404, "customer not found");
  const m = await c.env.DB.prepare(
    `SELECT ltv, tier, orders_count AS ordersCount, last_order_at AS lastOrderAt, interval_days_milli AS intervalMilli, category_intervals AS categoryIntervals,
            predicted_next_order_at AS predictedNextOrderAt, churn_risk_milli AS churnRiskMilli, p_active_milli AS pActiveMilli,
            expected_orders_90d_milli AS expectedMilli, predicted_clv AS predictedClv, expected_order_value AS expectedOrderValue,
            expected_next_order_at AS expectedNextOrderAt, computed_at AS computedAt
     FROM customer_models WHERE customer_id = ?`,
  )
    .bind(id)
    .first<{ ltv: number; tier: string; ordersCount: number; lastOrderAt: number | null; intervalMilli: number | null; categoryIntervals: string; predictedNextOrderAt: number | null; churnRiskMilli: number | null; pActiveMilli: number | null; expectedMilli: number | null; predictedClv: number | null; expectedOrderValue: number | null; expectedNextOrderAt: number | null; computedAt: number }>();
  const { results: orders } = await c.env.DB.prepare(`SELECT id, name, total_price AS totalPrice, created_at AS createdAt FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 50`)
    .bind(id)
    .all<{ id: string; name: string; totalPrice: number; createdAt: number }>();
  return c.json({
    customer,
    // Before the hourly model has run, LTV is Shopify's own lifetime figure.
    ltv: m?.ltv ?? customer.totalSpent ?? 0,
    tier: m?.tier ?? null,
    ordersCount: m?.ordersCount ?? customer.ordersCount,
    intervalDays: m?.intervalMilli == null ? null : m.intervalMilli / 1000,
    categoryIntervals: m ? JSON.parse(m.categoryIntervals) : {},
    predictedNextOrderAt: iso(m?.predictedNextOrderAt),
    churnRisk: m?.churnRiskMilli == null ? null : m.churnRiskMilli / 1000,
    // BG/NBD + Gamma-Gamma (null until the store has enough customers for a fit); CLV in paise over clvHorizonDays.
    ...predictions(m),
    modelComputedAt: iso(m?.computedAt),
    orders: orders.map((o) => ({ ...o, createdAt: iso(o.createdAt) })),
  });
});

function predictions(m: { pActiveMilli: number | null; expectedMilli: number | null; predictedClv: number | null; expectedOrderValue: number | null; expectedNextOrderAt: number | null } | null) {
  const p = {
    pActive: m?.pActiveMilli == null ? null : m.pActiveMilli / 1000,
    expectedOrders90d: m?.expectedMilli == null ? null : m.expectedMilli / 1000,
    predictedClv: m?.predictedClv ?? null,
    expectedOrderValue: m?.expectedOrderValue ?? null,
  };
  return { ...p, expectedNextOrderIfActiveAt: iso(m?.expectedNextOrderAt), clvHorizonDays: CLV_HORIZON_DAYS, predictionReasons: predictionReasons(p) };
}

insightsApi.get("/routes", async (c) => {
  const { results } = await c.env.DB.prepare(
    `SELECT carrier, origin, destination, shipments, delay_rate_milli AS d, rto_rate_milli AS r, baseline_delay_rate_milli AS bd,
            baseline_rto_rate_milli AS br, median_transit_hours AS mt, trend, computed_at AS computedAt
     FROM route_stats ORDER BY (delay_rate_milli - baseline_delay_rate_milli) DESC, shipments DESC LIMIT 500`,
  ).all<Record<string, unknown> & { computedAt: number }>();
  return c.json({
    routes: results.map((r) => {
      const s = routeFromRow(r);
      return { carrier: s.carrier, origin: s.origin, destination: s.destination, shipments: s.shipments, delayRate: s.delayRate, baselineDelayRate: s.baselineDelayRate, rtoRate: s.rtoRate, baselineRtoRate: s.baselineRtoRate, medianTransitHours: s.medianTransitHours, trend: s.trend, computedAt: iso(r.computedAt) };
    }),
  });
});

insightsApi.get("/kpis", async (c) => c.json(await loadKpis(c.env.DB, Date.now())));
