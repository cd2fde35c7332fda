/** POST /api/backtest: replay a period's stored events through the current or a candidate policy, in shadow. */
import { Hono } from "hono";
import { z } from "zod";
import { loadPolicy } from "../../db/policies";
import { backtest, compareBacktest } from "../../decisions/backtest";
import { parsePolicy } from "../../decisions/policy";
import { buildBacktestCases } from "../../jobs/backtest-cases";
import { codBacktest, loadCodHistory } from "../../jobs/cod-backtest";
import { reconcileShopifyOrders } from "../../jobs/reconcile";
import { HttpError } from "../../lib/errors";
import { jsonBody } from "../validate";

export const backtestApi = new Hono<{ Bindings: Env }>();

const Body = z.object({ from: z.string(), to: z.string(), policy: z.unknown().optional() }).strict();

backtestApi.post("/backtest", ...jsonBody(Body), async (c) => {
  const body = c.req.valid("json");
  const from = Date.parse(body.from);
  const to = Date.parse(body.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new HttpError(400, "from and to must be ISO-8601 times with from < to");
  const current = await loadPolicy(c.env.DB);
  let candidate = current.policy;
  if (body.policy !== undefined) {
    const p = parsePolicy(body.policy, current.policy);
    if (!p.ok) return c.json({ error: "invalid candidate policy", issues: p.issues.map((i) => ({ path: i.path.join("."), message: i.message })) }, 400);
    candidate = p.policy;
  }
  const cases = await buildBacktestCases(c.env.DB, from, to, candidate);
  const report = backtest(cases, candidate);
  const cod = codBacktest(await loadCodHistory(c.env.DB, from, to), current.policy, candidate);
  return c.json({ policyVersion: current.version, candidate: body.policy !== undefined, report, comparison: compareBacktest(cases, current.policy, candidate), cod });
});

/**
 * POST /api/backfill {since, after?}: imports past orders (and their customers) from the Admin
 * GraphQL API through the normal ingest path, ten pages of 100 per call; call again with `after`.
 */
const Backfill = z.object({ since: z.string(), after: z.string().nullable().optional() });

backtestApi.post("/backfill", ...jsonBody(Backfill), async (c) => {
  const body = c.req.valid("json");
  const since = Date.parse(body.since);
  if (!Number.isFinite(since)) throw new HttpError(400, "since must be an ISO-8601 time");
  const after = body.after ?? null;
  const result = await reconcileShopifyOrders(c.env, Date.now(), 0, { since: new Date(since).toISOString(), after, maxPages: 10 });
  if (!result) throw new HttpError(409, "backfill needs SHOPIFY_SHOP_DOMAIN and SHOPIFY_ADMIN_TOKEN");
  return c.json(result, 202);
});
