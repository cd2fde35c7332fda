/** POST /webhooks/delhivery: Delhivery scan push, per-merchant token as Bearer or `?token=`. */
import { Hono } from "hono";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const delhiveryWebhooks = new Hono<{ Bindings: Env }>();

delhiveryWebhooks.post("/", async (c) => {
  requireSharedToken(c, c.env.DELHIVERY_WEBHOOK_TOKEN);
  const body = await readCappedBody(c);
  // One push per scan and no event id: AWB, time and NSL code make each body unique, so its hash
  // is the delivery id and a resend of the same scan dedupes.
  return acceptWebhook(c.env, {
    source: "delhivery",
    deliveryId: await bodyDigest(body),
    topic: "scan",
    triggeredAt: null,
    body,
  });
});
