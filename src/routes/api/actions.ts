/** GET /api/actions (filters), GET /api/actions/:id, POST /api/actions/:id/retry. */
import { Hono } from "hono";
import { attemptsOf, listActions, loadAction, retryAction, type ActionRecord, type AttemptRow } from "../../db/actions";
import { HttpError } from "../../lib/errors";
import { limitParam } from "./limit";

export const actionsApi = new Hono<{ Bindings: Env }>();

const STATUSES = ["pending", "sending", "sent", "dry_run", "failed", "stale", "dead", "delivered", "read", "suppressed"];
const CONNECTORS = ["whatsapp", "sms", "email", "shopify", "zoho", "helpdesk", "klaviyo", "shiprocket", "razorpay", "delhivery"];

actionsApi.get("/", async (c) => {
  const status = c.req.query("status") || undefined;
  const connector = c.req.query("connector") || undefined;
  if (status && !STATUSES.includes(status)) throw new HttpError(400, `unknown status ${status}`);
  if (connector && !CONNECTORS.includes(connector)) throw new HttpError(400, `unknown connector ${connector}`);
  const limit = limitParam(c, 50, 200);
  const rows = await listActions(c.env.DB, { status, connector, decisionId: c.req.query("decision") || undefined, limit });
  const attempts = await attemptsOf(c.env.DB, rows.map((r) => r.id));
  return c.json({ actions: rows.map((r) => present(r, attempts.filter((a) => a.actionId === r.id))) });
});

actionsApi.get("/:id", async (c) => {
  const row = await loadAction(c.env.DB, c.req.param("id"));
  if (!row) throw new HttpError(404, "no such action");
  return c.json({ action: present(row, await attemptsOf(c.env.DB, [row.id])) });
});

actionsApi.post("/:id/retry", async (c) => {
  const result = await retryAction(c.env, c.req.param("id"), Date.now());
  if (result === "not_found") throw new HttpError(404, "no such action");
  if (result === "not_retryable") throw new HttpError(409, "only failed or dead actions can be retried");
  return c.json({ id: c.req.param("id"), status: "pending" }, 202);
});

function present(r: ActionRecord, attempts: AttemptRow[]) {
  return {
    id: r.id,
    decisionId: r.decisionId,
    connector: r.connector,
    kind: r.kind,
    idempotencyKey: r.idempotencyKey,
    status: r.status,
    attemptCount: r.attempts,
    nextAttemptAt: iso(r.nextAttemptAt),
    lastError: r.lastError,
    params: parse(r.params),
    request: parse(r.request),
    response: parse(r.response),
    externalId: r.externalId,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    attempts: attempts.map((a) => ({ attempt: a.attempt, outcome: a.outcome, httpStatus: a.httpStatus, error: a.error, at: iso(a.at) })),
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function parse(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
