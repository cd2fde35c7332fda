/** GET /api/orders/:id (or ?name=#1001) and /api/search: one order with everything linked to it. */
import { Hono } from "hono";
import { getCustomer, getMessages, getOrder, getOrderByName, getReturns, getShipments, getTickets, searchOrders, type OrderRow } from "../../db/orders-read";
import { HttpError } from "../../lib/errors";

export const ordersApi = new Hono<{ Bindings: Env }>();

export async function orderDetail(db: D1Database, order: OrderRow) {
  const [customer, shipments, tickets, messages, returns] = await Promise.all([
    order.customerId ? getCustomer(db, order.customerId) : Promise.resolve(null),
    getShipments(db, order.id),
    getTickets(db, order.id),
    getMessages(db, order.id),
    getReturns(db, order.id),
  ]);
  return { order, customer, shipments, tickets, messages, returns };
}

ordersApi.get("/orders", async (c) => {
  const name = c.req.query("name");
  if (!name) throw new HttpError(400, "give an order id in the path or ?name=");
  const order = await getOrderByName(c.env.DB, name);
  if (!order) throw new HttpError(404, `no order named ${name}`);
  return c.json(await orderDetail(c.env.DB, order));
});

ordersApi.get("/orders/:id", async (c) => {
  const order = await getOrder(c.env.DB, c.req.param("id"));
  if (!order) throw new HttpError(404, "order not found");
  return c.json(await orderDetail(c.env.DB, order));
});

ordersApi.get("/search", async (c) => {
  const q = c.req.query("q") ?? "";
  if (!q.trim()) throw new HttpError(400, "q is required");
  return c.json({ orders: await searchOrders(c.env.DB, q) });
});
