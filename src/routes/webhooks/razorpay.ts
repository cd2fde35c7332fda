/**
 * POST /webhooks/razorpay: Razorpay webhooks (payment_link.paid answers the COD pay-now link).
 *
 * Razorpay signs each event with the webhook secret set in the Dashboard: `X-Razorpay-Signature` is the
 * hex HMAC-SHA256 of the raw request body keyed with that secret; the body must not be parsed or
 * re-serialised before checking ("Validate and Test Webhooks", https://razorpay.com/docs/webhooks/validate-test/;
 * Payment Links webhook events, https://razorpay.com/docs/webhooks/payloads/payment-links/). Razorpay
 * retries a delivery it did not see answered 2xx and may send one event more than once: every delivery
 * of one event carries the same `x-razorpay-event-id`, which is the dedupe key here.
 */
import { Hono } from "hono";
import { hmacSha256, safeEqual, toHex } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest } from "./token-auth";

export const razorpayWebhooks = new Hono<{ Bindings: Env }>();

razorpayWebhooks.post("/", async (c) => {
  const body = await readCappedBody(c);
  await verifyRazorpaySignature(c.env.RAZORPAY_WEBHOOK_SECRET, c.req.header("x-razorpay-signature"), body);
  const eventId = c.req.header("x-razorpay-event-id")?.trim();
  const deliveryId = eventId ? `event:${eventId}` : await bodyDigest(body);
  return acceptWebhook(c.env, { source: "razorpay", deliveryId, topic: eventName(body), triggeredAt: null, body });
});

/** hex(HMAC-SHA256(secret, raw body)) against X-Razorpay-Signature, in constant time. */
export async function verifyRazorpaySignature(secret: string | undefined, signature: string | undefined, body: Uint8Array): Promise<void> {
  if (!secret) throw new HttpError(401, "Razorpay webhook secret not configured");
  if (!signature) throw new HttpError(401, "missing X-Razorpay-Signature");
  const expected = toHex(await hmacSha256(secret, body));
  if (!safeEqual(signature.trim().toLowerCase(), expected)) throw new HttpError(401, "invalid Razorpay signature");
}

/** The event name (`payment_link.paid`) as the raw event's topic; the mapper validates the body. */
function eventName(body: Uint8Array): string {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    const event = parsed && typeof parsed === "object" ? (parsed as { event?: unknown }).event : null;
    return typeof event === "string" && /^[a-z_.]{1,64}$/.test(event) ? event : "unknown";
  } catch {
    return "unknown";
  }
}
