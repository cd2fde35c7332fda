/** POST /webhooks/freshdesk: automation-rule "Trigger webhook", per-merchant token as Bearer or `?token=`. */
import { Hono } from "hono";
import { topicWithReceivedAt } from "../../canonical/normalise";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const freshdeskWebhooks = new Hono<{ Bindings: Env }>();

/** Freshdesk retries a failed call within minutes; the same body an hour later is a new change. */
const DEDUPE_WINDOW_MS = 10 * 60 * 1000;

freshdeskWebhooks.post("/", async (c) => {
  requireSharedToken(c, c.env.FRESHDESK_WEBHOOK_TOKEN);
  const body = await readCappedBody(c);
  const now = Date.now();
  // The admin-written body may carry no time and no id: the receipt time rides in the topic
  // (so a replay keeps it), and the dedupe hash is scoped to a window so open → pending → open
  // is not collapsed into its first two steps.
  return acceptWebhook(
    c.env,
    {
      source: "freshdesk",
      deliveryId: `${await bodyDigest(body)}:${Math.floor(now / DEDUPE_WINDOW_MS)}`,
      topic: topicWithReceivedAt("ticket", now),
      triggeredAt: null,
      body,
    },
    now,
  );
});
