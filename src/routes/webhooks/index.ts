/** Every vendor's webhook route, mounted under /webhooks/<source>. */
import { Hono } from "hono";
import { shopifyWebhooks } from "./shopify";

export const webhooks = new Hono<{ Bindings: Env }>();

webhooks.route("/shopify", shopifyWebhooks);
