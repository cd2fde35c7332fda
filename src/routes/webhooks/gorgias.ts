/** POST /webhooks/gorgias: Gorgias HTTP integration, per-merchant token as x-gorgias-token, Bearer or `?token=`. */
import { Hono } from "hono";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const gorgiasWebhooks = new Hono<{ Bindings: Env }>();

gorgiasWebhooks.post("/", async (c) => {
  // Gorgias signs nothing; the HTTP integration lets the merchant set headers or the URL.
  requireSharedToken(c, c.env.GORGIAS_WEBHOOK_TOKEN, ["x-gorgias-token"]);
  const body = await readCappedBody(c);
  // No delivery id either. Every ticket change moves updated_datetime, so the body's hash is a
  // per-change id and a retry of the same change dedupes.
  return acceptWebhook(c.env, { source: "gorgias", deliveryId: await bodyDigest(body), topic: "ticket", triggeredAt: null, body });
});
