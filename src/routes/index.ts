/** The HTTP surface: webhooks in, JSON API and dashboard out, one error handler. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { api } from "./api";
import { dashboard } from "./dashboard";
import { helpdeskApi } from "./api/helpdesk";
import { webhooks } from "./webhooks";
import { HttpError } from "../lib/errors";
import { logEvent } from "../lib/log";
import { shopifyOAuth } from "./shopify-oauth";
import { tracking } from "./tracking";

export const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) => c.json({ ok: true }));
app.route("/webhooks", webhooks);
app.route("/shopify", shopifyOAuth);
// Before /api: the helpdesk widget's route has its own token, not the API bearer token.
app.route("/api/helpdesk", helpdeskApi);
app.route("/api", api);
app.route("/t", tracking);
app.route("/", dashboard);

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof HttpError) return c.json({ error: err.message }, err.status, err.headers);
  if (err instanceof HTTPException) return err.getResponse();
  logEvent("unhandled_error", { path: c.req.path, method: c.req.method, error: err.message });
  return c.json({ error: "internal error" }, 500);
});
