/** Security headers on every dashboard response, pages and assets alike. */
import { createMiddleware } from "hono/factory";

/** Nothing inline, nothing from elsewhere: scripts and styles come from /assets, images are data: SVGs at most. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Frame-Options", "DENY");
  // Pages carry personal data and CSRF tokens: never from a shared cache.
  if (!c.req.path.startsWith("/assets/")) c.header("Cache-Control", "no-store");
});
