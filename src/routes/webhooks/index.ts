/** Every vendor's webhook route, mounted under /webhooks/<source>. */
import { Hono } from "hono";
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

export const webhooks = new Hono<{ Bindings: Env }>();

// Counted before the body is read or the signature checked, so a flood costs nothing downstream.
webhooks.use("*", rateLimit("webhook", "WEBHOOK_RATE_LIMIT_PER_MINUTE", 6000));

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
