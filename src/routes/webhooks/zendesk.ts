/** POST /webhooks/zendesk: Zendesk webhooks signed with the webhook's signing secret (HMAC-SHA256 of timestamp + body). */
import { Hono } from "hono";
import { hmacSha256, matchesAnySecret, toBase64 } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";
import { acceptWebhook, readCappedBody } from "./intake";
import { bodyDigest } from "./token-auth";

export const zendeskWebhooks = new Hono<{ Bindings: Env }>();

/** A signed request older (or newer) than this is refused, so a captured one cannot be replayed later. */
export const ZENDESK_MAX_SKEW_MS = 5 * 60 * 1000;

zendeskWebhooks.post("/", async (c) => {
  const body = await readCappedBody(c);
  const now = Date.now();
  await verifyZendeskSignature(c.env.ZENDESK_WEBHOOK_SECRET, c.req.header("x-zendesk-webhook-signature"), c.req.header("x-zendesk-webhook-signature-timestamp"), body, now);
  // An event's own id is shared by every retry of it; a trigger body has none, but each
  // invocation carries its id in a header.
  const deliveryId = eventId(body) ?? c.req.header("x-zendesk-webhook-invocation-id") ?? (await bodyDigest(body));
  return acceptWebhook(c.env, { source: "zendesk", deliveryId, topic: "ticket", triggeredAt: null, body }, now);
});

/** base64(HMAC-SHA256(secret, timestamp + raw body)), timestamp within five minutes of now. */
export async function verifyZendeskSignature(secret: string | undefined, signature: string | undefined, timestamp: string | undefined, body: Uint8Array, now: number): Promise<void> {
  if (!secret) throw new HttpError(401, "Zendesk signing secret not configured");
  if (!signature || !timestamp) throw new HttpError(401, "missing X-Zendesk-Webhook-Signature or its timestamp");
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs(now - at) > ZENDESK_MAX_SKEW_MS) throw new HttpError(401, "stale or invalid Zendesk signature timestamp");
  const signed = new Uint8Array(new TextEncoder().encode(timestamp).byteLength + body.byteLength);
  signed.set(new TextEncoder().encode(timestamp), 0);
  signed.set(body, signed.byteLength - body.byteLength);
  const expected = toBase64(await hmacSha256(secret, signed));
  if (!matchesAnySecret(signature.trim(), [expected])) throw new HttpError(401, "invalid Zendesk signature");
}

/** The `id` of an event webhook, read without trusting the body any further (the mapper validates it). */
function eventId(body: Uint8Array): string | null {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    const id = parsed && typeof parsed === "object" ? (parsed as { id?: unknown }).id : null;
    return typeof id === "string" && id.trim() ? `event:${id.trim()}` : null;
  } catch {
    return null;
  }
}
