/** POST /webhooks/zoho-inventory: Zoho Inventory workflow webhooks (item, purchase order), token as Bearer or `?token=`. */
import { Hono } from "hono";
import { zohoEntityOf } from "../../canonical/mappers/zoho-inventory";
import { idString, toIsoUtcOrNull, topicWithReceivedAt } from "../../canonical/normalise";
import { parseJsonKeepingBigIds } from "../../lib/json";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest, requireSharedToken } from "./token-auth";

export const zohoInventoryWebhooks = new Hono<{ Bindings: Env }>();

const DEDUPE_WINDOW_MS = 10 * 60 * 1000;

zohoInventoryWebhooks.post("/", async (c) => {
  requireSharedToken(c, c.env.ZOHO_WEBHOOK_TOKEN);
  const body = await readCappedBody(c);
  const now = Date.now();
  // Peek at the body only to name the topic and delivery; malformed JSON is acceptWebhook's to reject.
  let found: ReturnType<typeof zohoEntityOf> = null;
  try {
    found = zohoEntityOf(parseJsonKeepingBigIds(new TextDecoder().decode(body)));
  } catch {
    found = null;
  }
  const id = found ? idString(found.entity.item_id ?? found.entity.purchaseorder_id) : null;
  const modified = found ? idString(found.entity.last_modified_time) : null;
  // Record id + last_modified_time names one change; without them the body hash, scoped to a
  // window so a later identical state is not taken for a resend.
  const deliveryId =
    found && id && modified ? `${found.kind}:${id}:${modified}` : `${await bodyDigest(body)}:${Math.floor(now / DEDUPE_WINDOW_MS)}`;
  const triggered = toIsoUtcOrNull(modified);
  return acceptWebhook(
    c.env,
    {
      source: "zoho-inventory",
      deliveryId,
      topic: topicWithReceivedAt(found?.kind ?? "unknown", now),
      triggeredAt: triggered ? Date.parse(triggered) : null,
      body,
    },
    now,
  );
});
