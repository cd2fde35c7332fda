/** GET /api/customers/:id, /api/routes and /api/kpis: the models' outputs and the morning's numbers. */
import { Hono } from "hono";
import { getCustomer, recentOrdersOfCustomer } from "../../db/orders-read";
import { getCustomerModel, listRouteStats } from "../../db/models";
import { loadKpis } from "../../db/kpis";
import { HttpError } from "../../lib/errors";
import { routeFromRow } from "../../db/rule-inputs";
import { CLV_HORIZON_DAYS, predictionReasons } from "../../decisions/models/customers";
import { loadPolicy } from "../../db/policies";
import { currentDigest } from "../../jobs/digest";

export const insightsApi = new Hono<{ Bindings: Env }>();

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

insightsApi.get("/customers/:id", async (c) => {
  const id = c.req.param("id");
  const customer = await getCustomer(c.env.DB, id);
  if (!customer) throw new HttpError(404, "customer not found");
  const [m, orders] = await Promise.all([getCustomerModel(c.env.DB, id), recentOrdersOfCustomer(c.env.DB, id)]);
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
  const results = await listRouteStats(c.env.DB);
  return c.json({
    routes: results.map((r) => {
      const s = routeFromRow(r);
      return { carrier: s.carrier, origin: s.origin, destination: s.destination, shipments: s.shipments, delayRate: s.delayRate, baselineDelayRate: s.baselineDelayRate, rtoRate: s.rtoRate, baselineRtoRate: s.baselineRtoRate, medianTransitHours: s.medianTransitHours, trend: s.trend, computedAt: iso(r.computedAt) };
    }),
  });
});

insightsApi.get("/kpis", async (c) => c.json(await loadKpis(c.env.DB, Date.now())));

/** GET /api/digest: the morning digest as of now (the same content the 09:00 messages carry). */
insightsApi.get("/digest", async (c) => {
  const stored = await loadPolicy(c.env.DB);
  return c.json(await currentDigest(c.env, stored, Date.now(), new URL(c.req.url).origin));
});
