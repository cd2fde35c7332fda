/**
 * GET /api/helpdesk/context?email=|phone=|order= — the order context for a helpdesk sidebar widget.
 * It has its own token (HELPDESK_CONTEXT_TOKEN): the helpdesk holds it, never the full API token.
 */
import { Hono } from "hono";
import { toE164, toEmail } from "../../canonical/normalise";
import { searchOrders } from "../../db/orders-read";
import { orderContext } from "../../pipeline/helpdesk-context";
import { matchesAnySecret } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";

export const helpdeskApi = new Hono<{ Bindings: Env }>();

helpdeskApi.get("/context", async (c) => {
  const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? c.req.query("token");
  if (!matchesAnySecret(token?.trim(), [c.env.HELPDESK_CONTEXT_TOKEN])) throw new HttpError(401, "missing or invalid helpdesk token");
  const { email, phone, order } = c.req.query();
  const term = order ?? toEmail(email) ?? toE164(phone) ?? null;
  if (!term) throw new HttpError(400, "give one of order, email or phone");
  const matches = await searchOrders(c.env.DB, term, 5);
  const contexts = [];
  for (const o of matches) {
    const ctx = await orderContext(c.env.DB, o.id);
    if (ctx) contexts.push(ctx);
  }
  return c.json({ orders: contexts });
});
