/** GET /api/decisions and GET|PUT /api/policies. */
import { Hono } from "hono";
import { listDecisions, reviewsFor } from "../../db/decisions";
import { loadPolicy, savePolicy } from "../../db/policies";
import { DECISION_TYPES } from "../../decisions/types";
import { z } from "zod";
import { HttpError } from "../../lib/errors";
import { jsonBody } from "../validate";
import { limitParam } from "./limit";

export const decisionsApi = new Hono<{ Bindings: Env }>();

decisionsApi.get("/decisions", async (c) => {
  const type = c.req.query("type");
  if (type && !(DECISION_TYPES as readonly string[]).includes(type)) throw new HttpError(400, `unknown decision type ${type}`);
  const subject = c.req.query("subject");
  const [subjectType, subjectId] = subject?.includes(":") ? [subject.slice(0, subject.indexOf(":")), subject.slice(subject.indexOf(":") + 1)] : [undefined, subject];
  const sinceRaw = c.req.query("since");
  const since = sinceRaw ? Date.parse(sinceRaw) : undefined;
  if (sinceRaw && !Number.isFinite(since)) throw new HttpError(400, "since must be an ISO-8601 time");
  const limit = limitParam(c, 100, 1000);
  const decisions = await listDecisions(c.env.DB, { type, subjectType, subjectId, since, limit });
  // Who approved, dismissed or snoozed each held decision, and why, is part of its record.
  const reviews = await reviewsFor(c.env.DB, decisions.filter((d) => d.reviewStatus !== null).map((d) => d.id));
  return c.json({ decisions: decisions.map((d) => ({ ...d, reviews: (reviews.get(d.id) ?? []).map((r) => ({ ...r, at: new Date(r.at).toISOString(), until: r.until === null ? null : new Date(r.until).toISOString() })) })) });
});

decisionsApi.get("/policies", async (c) => {
  const stored = await loadPolicy(c.env.DB);
  return c.json(stored);
});

// The policy schema checks the document itself (savePolicy → parsePolicy), naming each field and its range.
decisionsApi.put("/policies", ...jsonBody(z.unknown()), async (c) => {
  const result = await savePolicy(c.env.DB, c.req.valid("json"), Date.now());
  if (!result.ok) return c.json({ error: "invalid policy; the previous policy is still in force", issues: result.issues }, 400);
  return c.json(result.stored);
});
