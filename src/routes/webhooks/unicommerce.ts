/** POST /webhooks/unicommerce: pushed inventory snapshots, per-merchant token as Bearer or `?token=`. */
import { Hono } from "hono";
import { topicWithReceivedAt } from "../../canonical/normalise";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const unicommerceWebhooks = new Hono<{ Bindings: Env }>();

/** Resends of one push arrive within minutes; the same stock figures an hour later are news. */
const DEDUPE_WINDOW_MS = 10 * 60 * 1000;

unicommerceWebhooks.post("/", async (c) => {
  requireSharedToken(c, c.env.UNICOMMERCE_WEBHOOK_TOKEN);
  const body = await readCappedBody(c);
  const now = Date.now();
  // A snapshot has no id and no time: hashing the body alone would drop a later snapshot that
  // happens to repeat an earlier one (50 → 40 → 50 would stay at 40), so the hash is scoped to a window.
  return acceptWebhook(
    c.env,
    {
      source: "unicommerce",
      deliveryId: `${await bodyDigest(body)}:${Math.floor(now / DEDUPE_WINDOW_MS)}`,
      topic: topicWithReceivedAt("inventory_snapshot", now),
      triggeredAt: null,
      body,
    },
    now,
  );
});
