/** The overview's retry buttons: a failed action back to the outbox, a dead letter back to ingest. */
import { Hono } from "hono";
import { retryAction } from "../../db/actions";
import { getDeadLetter } from "../../db/dashboard-read";
import { deadLettersApi } from "../api/dead-letters";
import type { DashboardEnv } from "./auth";

export const retryRoutes = new Hono<DashboardEnv>();

retryRoutes.post("/actions/:id/retry", async (c) => {
  const outcome = await retryAction(c.env, c.req.param("id"), Date.now());
  return c.redirect(`/?done=${outcome === "queued" ? "retried" : "not-retryable"}`, 303);
});

retryRoutes.post("/dead-letters/:id/replay", async (c) => {
  const id = c.req.param("id");
  const row = await getDeadLetter(c.env.DB, id);
  if (!row?.rawEventId) return c.redirect("/?done=not-replayable", 303);
  // The replay itself is the JSON API's handler, called in-process (its bearer check lives on the
  // parent /api app), so the dashboard and the API cannot drift apart on what a replay does.
  const res = await deadLettersApi.request(`/${encodeURIComponent(id)}/replay`, { method: "POST" }, c.env);
  return c.redirect(`/?done=${res.status === 202 ? "replayed" : "not-replayable"}`, 303);
});
