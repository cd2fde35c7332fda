/** Stateless dashboard sessions: the cookie carries its own expiry and an HMAC over it; CSRF tokens derive from it. */
import { hmacSha256, safeEqual } from "../../lib/crypto";

export const SESSION_COOKIE = "sy_session";
export const SESSION_TTL_MS = 12 * 60 * 60_000;

function base64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sign(secret: string, purpose: string, data: string): Promise<string> {
  // The purpose prefix keeps a session signature from ever doubling as a CSRF token and back.
  return base64Url(await hmacSha256(secret, `${purpose}.${data}`));
}

/** `<expiry ms>.<random nonce>.<signature>`: the nonce makes every login a distinct session (and CSRF token). */
export async function createSession(secret: string, now: number): Promise<string> {
  const exp = now + SESSION_TTL_MS;
  const nonce = base64Url(crypto.getRandomValues(new Uint8Array(12)));
  return `${exp}.${nonce}.${await sign(secret, "session", `${exp}.${nonce}`)}`;
}

/** True when the cookie was signed with `secret` and has not expired. */
export async function verifySession(secret: string, value: string | undefined, now: number): Promise<boolean> {
  if (!secret || !value) return false;
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const [, exp, nonce, sig] = m as unknown as [string, string, string, string];
  if (!safeEqual(sig, await sign(secret, "session", `${exp}.${nonce}`))) return false;
  return Number(exp) > now;
}

/** The CSRF token for a session (a cookie value, or `access:<sub>` for Cloudflare Access users). */
export function csrfToken(secret: string, sessionKey: string): Promise<string> {
  return sign(secret, "csrf", sessionKey);
}

export async function verifyCsrf(secret: string, sessionKey: string, given: unknown): Promise<boolean> {
  return typeof given === "string" && given.length > 0 && safeEqual(given, await csrfToken(secret, sessionKey));
}

/** Only same-site relative paths: "/orders/1?x" yes; "//evil.com", "/\\evil.com", "https://…" no. */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 512 || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters and backslashes can be normalised into a host by some browsers.
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  return next;
}
