/** POST /webhooks/shiprocket: Shiprocket tracking webhook, token in `x-api-key` (Shiprocket signs nothing). */
import { Hono } from "hono";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const shiprocketWebhooks = new Hono<{ Bindings: Env }>();

shiprocketWebhooks.post("/", async (c) => {
  // Auth first: a caller without the token gets 401 before we read, let alone store, a byte.
  // Shiprocket's panel has an x-api-key field for exactly this, so the token is never taken from the URL.
  requireSharedToken(c, c.env.SHIPROCKET_WEBHOOK_TOKEN, ["x-api-key"], { allowInUrl: false });
  const body = await readCappedBody(c);
  // Shiprocket sends no event id; each status change differs in current_timestamp, so the
  // body's hash is a stable id and an identical resend dedupes.
  return acceptWebhook(c.env, {
    source: "shiprocket",
    deliveryId: await bodyDigest(body),
    topic: "tracking",
    triggeredAt: null,
    body,
  });
});
