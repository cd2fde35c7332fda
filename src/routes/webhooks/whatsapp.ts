/** GET /webhooks/whatsapp (Meta's subscription check) and POST (messages and statuses, X-Hub-Signature-256). */
import { Hono } from "hono";
import { hmacSha256, matchesAnySecret, safeEqual, toHex } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest } from "./token-auth";

export const whatsappWebhooks = new Hono<{ Bindings: Env }>();

// Meta calls this once when the webhook is configured: echo the challenge only to a caller who knows the verify token.
whatsappWebhooks.get("/", (c) => {
  const expected = c.env.WHATSAPP_VERIFY_TOKEN;
  const given = c.req.query("hub.verify_token") ?? "";
  const ok = c.req.query("hub.mode") === "subscribe" && !!expected && safeEqual(given, expected);
  if (!ok) return c.text("forbidden", 403);
  return c.text(c.req.query("hub.challenge") ?? "", 200);
});

whatsappWebhooks.post("/", async (c) => {
  const body = await readCappedBody(c);
  await verifyWhatsappSignature(c.env.WHATSAPP_APP_SECRET, c.req.header("x-hub-signature-256"), body);
  // One POST can batch several messages and statuses, so no single wamid names it: the body's
  // hash does, and Meta's retry of the same POST dedupes.
  return acceptWebhook(c.env, { source: "whatsapp", deliveryId: await bodyDigest(body), topic: "messages", triggeredAt: null, body });
});

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`. */
export async function verifyWhatsappSignature(secret: string | undefined, header: string | undefined, body: Uint8Array): Promise<void> {
  if (!secret) throw new HttpError(401, "WhatsApp app secret not configured");
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "")?.[1]?.toLowerCase();
  if (!given) throw new HttpError(401, "missing or malformed X-Hub-Signature-256");
  if (!matchesAnySecret(given, [toHex(await hmacSha256(secret, body))])) throw new HttpError(401, "invalid X-Hub-Signature-256");
}
