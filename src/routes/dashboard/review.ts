/**
 * The "needs you" buttons: Approve, Dismiss (who and why) and Snooze on a held decision. They are
 * pages-app POSTs, so the session middleware refuses them without a session, a cross-site origin or
 * the session's CSRF token before this code runs.
 */
import { Hono } from "hono";
import { loadPolicy } from "../../db/policies";
import type { ReviewVerdict } from "../../db/decisions";
import { settleDecision } from "../../pipeline/review";
import type { DashboardEnv } from "./auth";

export const reviewRoutes = new Hono<DashboardEnv>();

const VERDICTS: Record<string, ReviewVerdict> = { approve: "approved", dismiss: "dismissed", snooze: "snoozed" };

/** A form field as trimmed text of at most `max` characters, or null. */
function text(value: unknown, max: number): string | null {
  if (typeof value !== "string") return null;
  const s = value.trim().slice(0, max);
  return s || null;
}

for (const [path, verdict] of Object.entries(VERDICTS)) {
reviewRoutes.post(`/decisions/:id/${path}`, async (c) => {
  // The middleware already parsed the body (for the CSRF token); Hono caches it.
  const form = await c.req.parseBody();
  const note = text(form.why, 500);
  if (verdict === "dismissed" && !note) return c.redirect("/?done=dismiss-needs-why#needs-you", 303);
  const session = c.get("session");
  // Cloudflare Access names the person; the shared-token login does not, so the form asks.
  const by = session.who ?? text(form.by, 80) ?? "dashboard user (token login)";
  const { policy } = await loadPolicy(c.env.DB);
  const outcome = await settleDecision(c.env, c.req.param("id"), { verdict, by, note }, policy, Date.now());
  return c.redirect(`/?done=${outcome.ok ? outcome.verdict : "not-waiting"}#needs-you`, 303);
});
}
