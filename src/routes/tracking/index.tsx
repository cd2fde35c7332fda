/**
 * GET /t/:token (and GET /t?k=<token>, the form SMS links use) — the customer's tracking page. Public (no dashboard session): the token, signed
 * over the order id with TRACKING_SECRET (lib/tracking-token.ts), is the only key. A malformed,
 * tampered or unknown token gets the same 404; every request counts against one per-IP allowance
 * over all tokens, so the address space cannot be walked. The page is personal: private, briefly
 * cached, never indexed, never sent as a referrer.
 *
 * The query form exists for India's SMS rules: a link in an SMS must be whitelisted on the DLT
 * platform, and a dynamic URL is whitelisted as its fixed part ending in "?" (MSG91, "How to Whitelist
 * URLs and Callback Numbers on DLT", https://msg91.com/help/how-to-whitelist-urls-and-callback-numbers-on-dlt),
 * so SMS carry <PUBLIC_URL>/t?k=<token> and the brand whitelists <PUBLIC_URL>/t?.
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { loadPolicy } from "../../db/policies";
import { loadTrackingPage } from "../../db/tracking-read";
import { customerLanguage } from "../../decisions/contact-policy";
import { rateLimit } from "../../lib/rate-limit";
import { verifyTrackingToken } from "../../lib/tracking-token";
import type { PageLanguage } from "./strings";
import { buildTrackingView, NotFoundPage, trackingCss, TrackingPage } from "./view";

export const tracking = new Hono<{ Bindings: Env }>();

async function styleHash(css: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

async function send(c: Context<{ Bindings: Env }>, element: ReturnType<typeof TrackingPage>, css: string, status: 200 | 404) {
  // Nothing may load but the inline stylesheet (by its hash): no script, image, font or frame.
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src ${await styleHash(css)}; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header("Cache-Control", status === 200 ? "private, max-age=60" : "no-store");
  c.header("X-Robots-Tag", "noindex, nofollow, noarchive");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  return c.html(html`<!doctype html>${element}`, status);
}

const limit = rateLimit("tracking", "TRACKING_RATE_LIMIT_PER_MINUTE", 60, { perPath: false });

tracking.get("/", limit, (c) => trackingPage(c, c.req.query("k") ?? "", "query"));
tracking.get("/:token", limit, (c) => trackingPage(c, c.req.param("token"), "path"));

async function trackingPage(c: Context<{ Bindings: Env }>, token: string, form: "path" | "query") {
  const { policy } = await loadPolicy(c.env.DB);
  const brand = policy.brand;
  const css = trackingCss(brand);
  const orderId = await verifyTrackingToken(c.env.TRACKING_SECRET ?? "", token);
  const data = orderId ? await loadTrackingPage(c.env.DB, orderId) : null;
  if (!orderId || !data) return send(c, NotFoundPage({ css, brandName: brand.name }), css, 404);

  const { snapshot } = await c.env.ORDER_JOURNEY.get(c.env.ORDER_JOURNEY.idFromName(orderId)).getJourney();
  const asked = c.req.query("lang");
  const lang: PageLanguage =
    asked === "en" || asked === "hi" ? asked : customerLanguage({ locale: data.order.locale, inboundTexts: data.order.inboundTexts }).language;
  const view = buildTrackingView(data, snapshot.history, lang);
  const other = lang === "hi" ? "en" : "hi";
  const switchHref = form === "query" ? `?k=${encodeURIComponent(token)}&lang=${other}` : `?lang=${other}`;
  return send(c, TrackingPage({ view, brand, css, switchHref }), css, 200);
}
