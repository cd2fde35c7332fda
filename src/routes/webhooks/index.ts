/** Every vendor's webhook route, mounted under /webhooks/<source>. */
import { WEBHOOK_SOURCES } from "../../canonical/vocabulary";
import { Hono } from "hono";
import { kvIncrement, kvKeys } from "../../db/kv";
import { rateLimit } from "../../lib/rate-limit";
import { shopifyWebhooks } from "./shopify";
import { shiprocketWebhooks } from "./shiprocket";
import { delhiveryWebhooks } from "./delhivery";
import { zohoInventoryWebhooks } from "./zoho-inventory";
import { unicommerceWebhooks } from "./unicommerce";
import { gorgiasWebhooks } from "./gorgias";
import { freshdeskWebhooks } from "./freshdesk";
import { zendeskWebhooks } from "./zendesk";
import { whatsappWebhooks } from "./whatsapp";
import { razorpayWebhooks } from "./razorpay";

export const webhooks = new Hono<{ Bindings: Env }>();

// Counted before the body is read or the signature checked, so a flood costs nothing downstream.
webhooks.use("*", rateLimit("webhook", "WEBHOOK_RATE_LIMIT_PER_MINUTE", 6000));

/** The path segment → the source name raw events carry (Shiprocket also posts under a neutral name). */
const SOURCE_OF_PATH: Record<string, string> = { "courier-tracking": "shiprocket" };
const KNOWN = new Set<string>([...WEBHOOK_SOURCES, "courier-tracking"]);

// A refused signature or token is counted per source and clock hour: a burst of them is how a secret
// rotated on one side only shows itself (decisions/anomalies.ts, source_auth_failures).
webhooks.use("*", async (c, next) => {
  await next();
  if (c.res.status !== 401) return;
  // The segment after /webhooks/ (this app is mounted there).
  const segment = c.req.path.split("/").filter(Boolean)[1] ?? "";
  if (!KNOWN.has(segment)) return;
  const now = Date.now();
  await kvIncrement(c.env.DB, kvKeys.webhookAuthFailures(SOURCE_OF_PATH[segment] ?? segment, Math.floor(now / 3_600_000) * 3_600_000), now);
});

webhooks.route("/shopify", shopifyWebhooks);
webhooks.route("/shiprocket", shiprocketWebhooks);
// Shiprocket's panel refuses webhook URLs containing "shiprocket"/"sr": the same route under a neutral name.
webhooks.route("/courier-tracking", shiprocketWebhooks);
webhooks.route("/delhivery", delhiveryWebhooks);
webhooks.route("/zoho-inventory", zohoInventoryWebhooks);
webhooks.route("/unicommerce", unicommerceWebhooks);
webhooks.route("/gorgias", gorgiasWebhooks);
webhooks.route("/freshdesk", freshdeskWebhooks);
webhooks.route("/zendesk", zendeskWebhooks);
webhooks.route("/whatsapp", whatsappWebhooks);
webhooks.route("/razorpay", razorpayWebhooks);
