/**
 * GET /t/:token — the customer's tracking page. Public (no dashboard session): the token, signed
 * over the order id with TRACKING_SECRET (lib/tracking-token.ts), is the only key. A malformed,
 * tampered or unknown token gets the same 404; every request counts against one per-IP allowance
 * over all tokens, so the address space cannot be walked. The page is personal: private, briefly
 * cached, never indexed, never sent as a referrer.
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

tracking.get("/:token", rateLimit("tracking", "TRACKING_RATE_LIMIT_PER_MINUTE", 60, { perPath: false }), async (c) => {
  const { policy } = await loadPolicy(c.env.DB);
  const brand = policy.brand;
  const css = trackingCss(brand);
  const orderId = await verifyTrackingToken(c.env.TRACKING_SECRET ?? "", c.req.param("token"));
  const data = orderId ? await loadTrackingPage(c.env.DB, orderId) : null;
  if (!orderId || !data) return send(c, NotFoundPage({ css, brandName: brand.name }), css, 404);

  const { snapshot } = await c.env.ORDER_JOURNEY.get(c.env.ORDER_JOURNEY.idFromName(orderId)).getJourney();
  const asked = c.req.query("lang");
  const lang: PageLanguage =
    asked === "en" || asked === "hi" ? asked : customerLanguage({ locale: data.order.locale, inboundTexts: data.order.inboundTexts }).language;
  const view = buildTrackingView(data, snapshot.history, lang);
  return send(c, TrackingPage({ view, brand, css }), css, 200);
});
