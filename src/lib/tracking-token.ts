/**
 * The customer's tracking-page token: `<order id, base64url>.<HMAC-SHA256 tag, base64url, 128 bits>`.
 *
 * The tag is over a versioned, domain-separated message (`track:v1:<order id>`) with TRACKING_SECRET, so a
 * token cannot be forged for another order and the page's address cannot be enumerated. Pure apart from
 * WebCrypto; the secret is passed in (it comes from the environment).
 */
import { hmacSha256, safeEqual } from "./crypto";

const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function tag(secret: string, orderId: string): Promise<string> {
  return base64url((await hmacSha256(secret, `track:v1:${orderId}`)).slice(0, TAG_BYTES));
}

/** The token for an order's tracking page. */
export async function signTrackingToken(secret: string, orderId: string): Promise<string> {
  if (!secret) throw new Error("tracking tokens need a secret");
  return `${base64url(encoder.encode(orderId))}.${await tag(secret, orderId)}`;
}

/** The order id a token was signed for, or null for anything tampered, truncated or malformed. */
export async function verifyTrackingToken(secret: string, token: string): Promise<string | null> {
  if (!secret || token.length > 200) return null;
  const [idPart, tagPart, extra] = token.split(".");
  if (!idPart || !tagPart || extra !== undefined) return null;
  const bytes = fromBase64url(idPart);
  if (!bytes) return null;
  let orderId: string;
  try {
    orderId = decoder.decode(bytes);
  } catch {
    return null;
  }
  return safeEqual(tagPart, await tag(secret, orderId)) ? orderId : null;
}

/** `<PUBLIC_URL>/t/<token>`, or null when the worker's public address is not configured. */
export function trackingUrl(publicUrl: string | undefined, token: string): string | null {
  const base = (publicUrl ?? "").replace(/\/+$/, "");
  return base ? `${base}/t/${token}` : null;
}
