/**
 * The ops dashboard, mounted at "/". Middleware is attached per path (never "*") so that
 * /health, /webhooks and /api keep their own auth and their JSON 404s.
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
import { skuPages } from "./sku";

export const dashboard = new Hono<DashboardEnv>();

// /previews/email/* sets its own headers: the email's inline styles under a CSP that allows no script.
for (const path of ["/", "/login", "/logout", "/orders", "/orders/*", "/skus/*", "/policies", "/previews", "/actions/*", "/dead-letters/*", "/assets/*"]) {
  dashboard.use(path, securityHeaders);
}
for (const path of ["/", "/orders", "/orders/*", "/skus/*", "/policies", "/previews", "/previews/*", "/actions/*", "/dead-letters/*"]) {
  dashboard.use(path, requireSession);
}

dashboard.route("/", assets);
dashboard.route("/", authRoutes);
dashboard.route("/", overview);
dashboard.route("/", orderPages);
dashboard.route("/", skuPages);
dashboard.route("/", policyPages);
dashboard.route("/", previewPages);
dashboard.route("/", retryRoutes);
