/** Signature and token checks. Every comparison of a secret is constant-time. */

const encoder = new TextEncoder();

/**
 * Imported HMAC keys, by secret: importing is a fixed cost on every webhook (about 2% of the door's
 * time when profiled) for the same few secrets. A CryptoKey is not an I/O object, so an isolate may
 * reuse it across requests; a rotated secret is a new entry, and the map never outgrows a few.
 */
const hmacKeys = new Map<string, CryptoKey>();
const MAX_CACHED_KEYS = 32;

async function hmacKey(key: string): Promise<CryptoKey> {
  const cached = hmacKeys.get(key);
  if (cached) return cached;
  // The key itself is kept, not the promise: nothing one request awaits is settled by another.
  const imported = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  if (hmacKeys.size >= MAX_CACHED_KEYS) hmacKeys.clear();
  hmacKeys.set(key, imported);
  return imported;
}

export async function hmacSha256(key: string, data: ArrayBuffer | Uint8Array | string): Promise<Uint8Array> {
  const cryptoKey = await hmacKey(key);
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, bytes));
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time string equality (length differences are not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.byteLength !== y.byteLength) {
    // Still spend the time of a comparison so a wrong length is not faster to reject.
    crypto.subtle.timingSafeEqual(x, x);
    return false;
  }
  return crypto.subtle.timingSafeEqual(x, y);
}

/** True when `given` equals any configured, non-empty secret. */
export function matchesAnySecret(given: string | null | undefined, secrets: readonly (string | undefined)[]): boolean {
  if (!given) return false;
  let ok = false;
  for (const secret of secrets) if (secret && safeEqual(given, secret)) ok = true;
  return ok;
}

/** Hex SHA-256 of a string (as UTF-8) or of bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data)));
}
