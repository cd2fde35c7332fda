/** POST /webhooks/shopify: HMAC-verified Shopify webhooks, topic from X-Shopify-Topic. */
import { Hono } from "hono";
import { hmacSha256, matchesAnySecret, toBase64 } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";
import { configuredShop, privacyRefusal, shopHeaderProblem } from "../../pipeline/privacy";
import { APP_UNINSTALLED_TOPIC } from "../../canonical/shopify-topics";
import { configFromEnv } from "../../connectors/config";
import { credentialStub } from "../../connectors/credentials";
import { forgetShopifySubscriptions } from "../../jobs/credentials";
import { logEvent } from "../../lib/log";
import { acceptWebhook, readCappedBody } from "./intake";

export const shopifyWebhooks = new Hono<{ Bindings: Env }>();

shopifyWebhooks.post("/", async (c) => {
  const body = await readCappedBody(c);
  await verifyShopifyHmac(c.env, c.req.header("x-shopify-hmac-sha256"), body);
  const topic = c.req.header("x-shopify-topic");
  if (!topic) throw new HttpError(400, "missing X-Shopify-Topic");
  if (topic === APP_UNINSTALLED_TOPIC) {
    // The app's tokens die with the install: stop every outbound Shopify call until a new install.
    const shop = c.req.header("x-shopify-shop-domain") ?? "the store";
    const now = Date.now();
    const settings = configFromEnv(c.env).shopify?.credential ?? null;
    const stub = credentialStub(c.env.CREDENTIAL, "shopify");
    // An app shared by several stores (app-level webhooks): only this deployment's store disconnects it.
    const connected = (await stub.describe(settings)).shop;
    if (connected && shop !== connected) return c.json({ ok: true, disconnected: false });
    await stub.disconnect(settings, "shopify", `the app was uninstalled from ${shop} at ${new Date(now).toISOString()}; install it again through /shopify/install`, now);
    await forgetShopifySubscriptions(c.env.DB, shop);
    logEvent("shopify_app_uninstalled", { shop });
    // With the store configured, the uninstall is also stored and recorded in the privacy log: the
    // shop/redact Shopify sends 48 h later is honoured only after it (src/pipeline/privacy.ts).
    if (!configuredShop(c.env).domain) return c.json({ ok: true, disconnected: true });
  }
  // X-Shopify-Event-Id is shared by every delivery of the same event (retries and duplicate
  // subscriptions); the webhook id is per delivery. Prefer the event id where Shopify sends it.
  const deliveryId = c.req.header("x-shopify-event-id") ?? c.req.header("x-shopify-webhook-id");
  if (!deliveryId) throw new HttpError(400, "missing X-Shopify-Webhook-Id");
  const triggered = Date.parse(c.req.header("x-shopify-triggered-at") ?? "");
  const shopHeader = c.req.header("x-shopify-shop-domain");
  const now = Date.now();
  return acceptWebhook(c.env, {
    source: "shopify",
    deliveryId: `${topic}:${deliveryId}`,
    topic,
    triggeredAt: Number.isFinite(triggered) ? triggered : null,
    body,
    // The store named by the header and, for privacy topics, by the body must be this one; a
    // shop/redact needs a recorded app/uninstalled (src/pipeline/privacy.ts, docs/privacy.md).
    refuse: async (batch) => shopHeaderProblem(topic, shopHeader, configuredShop(c.env)) ?? (batch.privacy.length ? await privacyRefusal(c.env, batch.privacy, now) : null),
  }, now);
});

/**
 * Shopify signs the raw body with the app's client secret: base64(HMAC-SHA256). The webhook secret
 * (current and previous) and, for Dev Dashboard apps, SHOPIFY_CLIENT_SECRET are accepted.
 */
export async function verifyShopifyHmac(env: Env, header: string | undefined, body: Uint8Array): Promise<void> {
  if (!header) throw new HttpError(401, "missing X-Shopify-Hmac-Sha256");
  const secrets = [env.SHOPIFY_WEBHOOK_SECRET, env.SHOPIFY_WEBHOOK_SECRET_PREVIOUS, env.SHOPIFY_CLIENT_SECRET].filter(Boolean);
  if (secrets.length === 0) throw new HttpError(401, "Shopify webhook secret not configured");
  const expected = await Promise.all(secrets.map(async (s) => toBase64(await hmacSha256(s, body))));
  if (!matchesAnySecret(header.trim(), expected)) throw new HttpError(401, "invalid Shopify HMAC");
}
