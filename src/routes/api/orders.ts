/** GET /api/orders/:id (or ?name=#1001) and /api/search: one order with everything linked to it. */
import { Hono } from "hono";
import { getCustomer, getMessages, getOrder, getOrderByName, getReturns, getShipments, getTickets, searchOrders, type OrderRow, journeyRowMeta } from "../../db/orders-read";
import { HttpError } from "../../lib/errors";
import { codRiskView } from "./cod-risk-view";

export const ordersApi = new Hono<{ Bindings: Env }>();

export async function orderDetail(env: Env, order: OrderRow) {
  const db = env.DB;
  const [customer, shipments, tickets, messages, returns, journey, codRisk] = await Promise.all([
    order.customerId ? getCustomer(db, order.customerId) : Promise.resolve(null),
    getShipments(db, order.id),
    getTickets(db, order.id),
    getMessages(db, order.id),
    getReturns(db, order.id),
    journeyOf(env, order.id),
    codRiskView(db, order.id),
  ]);
  return { order, customer, journey, shipments, tickets, messages, returns, codRisk };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The live journey, with its full history, from the order's own object (one order, one call). */
async function journeyOf(env: Env, orderId: string) {
  const row = await journeyRowMeta(env.DB, orderId);
  if (!row) return null;
  const { snapshot: s } = await env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId)).getJourney();
  return {
    state: s.state,
    stateAt: iso(s.stateAt),
    updatedAt: iso(row.updatedAt),
    lastScanAt: iso(s.lastScanAt),
    lastScanLocation: s.lastScanLocation,
    awb: s.awb,
    carrier: s.carrier,
    eta: iso(s.eta),
    stalled: Boolean(row.stalled),
    failedAttempts: s.failedAttempts,
    history: s.history.map((t) => ({ ...t, at: iso(t.at) })),
  };
}

ordersApi.get("/orders", async (c) => {
  const name = c.req.query("name");
  if (!name) throw new HttpError(400, "give an order id in the path or ?name=");
  const order = await getOrderByName(c.env.DB, name);
  if (!order) throw new HttpError(404, `no order named ${name}`);
  return c.json(await orderDetail(c.env, order));
});

ordersApi.get("/orders/:id", async (c) => {
  const order = await getOrder(c.env.DB, c.req.param("id"));
  if (!order) throw new HttpError(404, "order not found");
  return c.json(await orderDetail(c.env, order));
});

ordersApi.get("/search", async (c) => {
  const q = c.req.query("q") ?? "";
  if (!q.trim()) throw new HttpError(400, "q is required");
  return c.json({ orders: await searchOrders(c.env.DB, q) });
});
