/** Dashboard auth: login form → signed session cookie, optional Cloudflare Access, CSRF on every POST. */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { matchesAnySecret } from "../../lib/crypto";
import { rateLimit } from "../../lib/rate-limit";
import { accessConfigFrom, verifyAccessJwt } from "./access";
import { renderLogin } from "./login";
import { SESSION_COOKIE, SESSION_TTL_MS, createSession, csrfToken, safeNext, verifyCsrf, verifySession } from "./session";

export interface DashboardSession {
  /** What the CSRF token is bound to: the cookie value, or `access:<sub>`. */
  key: string;
  via: "cookie" | "access";
  csrf: string;
  /** Who is signed in, when the login says (Cloudflare Access: the email); the token login names nobody. */
  who: string | null;
}

export type DashboardEnv = { Bindings: Env; Variables: { session: DashboardSession } };

/** Optional settings that `wrangler types` does not list until a deployment sets them. */
type AccessVars = { CF_ACCESS_AUD?: unknown; CF_ACCESS_TEAM_DOMAIN?: unknown };

async function sessionOf(c: Context<DashboardEnv>): Promise<DashboardSession | null> {
  const secret = c.env.SESSION_SECRET;
  const now = Date.now();
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie && (await verifySession(secret, cookie, now))) return { key: cookie, via: "cookie", csrf: await csrfToken(secret, cookie), who: null };
  const access = accessConfigFrom(c.env as Env & AccessVars);
  const assertion = c.req.header("cf-access-jwt-assertion");
  if (access && assertion) {
    const identity = await verifyAccessJwt(assertion, access, now);
    if (identity) {
      const key = `access:${identity.sub || identity.email}`;
      return { key, via: "access", csrf: await csrfToken(secret, key), who: identity.email || identity.sub || null };
    }
  }
  return null;
}

/**
 * Pages: GET without a session → 302 to /login?next=<this path>. Any other method without a
 * session is refused; with one, it must carry the session's CSRF token (form field `_csrf`).
 */
export const requireSession = createMiddleware<DashboardEnv>(async (c, next) => {
  const session = await sessionOf(c);
  const method = c.req.method;
  if (!session) {
    if (method === "GET" || method === "HEAD") {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`, 302);
    }
    return c.text("not signed in", 401);
  }
  if (method !== "GET" && method !== "HEAD") {
    // Browsers say when a request comes from another site; SameSite=Strict already drops the cookie then.
    if (c.req.header("sec-fetch-site") === "cross-site") return c.text("cross-site request refused", 403);
    const form = await c.req.parseBody();
    if (!(await verifyCsrf(c.env.SESSION_SECRET, session.key, form._csrf))) return c.text("invalid or missing CSRF token; reload the page and try again", 403);
  }
  c.set("session", session);
  await next();
});

export const authRoutes = new Hono<DashboardEnv>();

authRoutes.get("/login", async (c) => {
  if (await sessionOf(c)) return c.redirect(safeNext(c.req.query("next")), 302);
  return renderLogin(c, { next: safeNext(c.req.query("next")), error: null }, 200);
});

authRoutes.post("/login", rateLimit("dashboard-login", "LOGIN_RATE_LIMIT_PER_MINUTE", 10), async (c) => {
  const form = await c.req.parseBody();
  const next = safeNext(typeof form.next === "string" ? form.next : null);
  const token = typeof form.token === "string" ? form.token : "";
  if (!c.env.SESSION_SECRET || !matchesAnySecret(token, [c.env.DASHBOARD_TOKEN])) {
    return renderLogin(c, { next, error: "That token is not right. Check DASHBOARD_TOKEN and try again." }, 401);
  }
  setCookie(c, SESSION_COOKIE, await createSession(c.env.SESSION_SECRET, Date.now()), {
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return c.redirect(next, 303);
});

// Sessions are stateless: logout clears the cookie in this browser (a copied cookie lives until its expiry).
authRoutes.post("/logout", requireSession, (c) => {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
  return c.redirect("/login", 303);
});
