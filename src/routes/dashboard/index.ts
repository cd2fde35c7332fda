/**
 * The ops dashboard, mounted at "/". Every page lives in the `pages` sub-app, and every path that
 * sub-app registers gets the session middleware, read from its own route table: a page added
 * there cannot be served without a session. Only /login, /logout and /assets are outside it.
 * Middleware is attached per path (never "*") so that /health, /webhooks and /api keep their own
 * auth and their JSON 404s.
 */
import { Hono } from "hono";
import { assets } from "./assets";
import { authRoutes, requireSession, type DashboardEnv } from "./auth";
import { securityHeaders } from "./headers";
import { orderPages } from "./order";
import { overview } from "./overview";
import { policyPages } from "./policies";
import { previewPages } from "./previews";
import { retryRoutes } from "./retry";
import { reviewRoutes } from "./review";
import { skuPages } from "./sku";

const pages = new Hono<DashboardEnv>();
pages.route("/", overview);
pages.route("/", orderPages);
pages.route("/", skuPages);
pages.route("/", policyPages);
pages.route("/", previewPages);
pages.route("/", retryRoutes);
pages.route("/", reviewRoutes);

const open = new Hono<DashboardEnv>();
open.route("/", assets);
open.route("/", authRoutes);

/** Every method and path the protected pages answer (the runtime test requests each without a session). */
export const protectedRoutes: readonly { method: string; path: string }[] = pages.routes.map((r) => ({ method: r.method, path: r.path }));

const pathsOf = (app: Hono<DashboardEnv>) => [...new Set(app.routes.map((r) => r.path))];

export const dashboard = new Hono<DashboardEnv>();
// /previews/email/* sets its own headers: the email's inline styles under a CSP that allows no script.
for (const path of [...pathsOf(open), ...pathsOf(pages)].filter((p) => !p.startsWith("/previews/email"))) dashboard.use(path, securityHeaders);
for (const path of pathsOf(pages)) dashboard.use(path, requireSession);
dashboard.route("/", open);
dashboard.route("/", pages);
