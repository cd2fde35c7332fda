/**
 * Shared-token auth for vendors that sign nothing. The token is accepted in the vendor's own
 * header where it has one, else `Authorization: Bearer …`; in a `token` query parameter only on
 * routes whose vendor may only let you set a URL (`allowInUrl`). A token in a URL would land in
 * request logs: the worker's own logs mask `token=` (lib/log.ts) and wrangler.toml turns
 * Cloudflare's invocation logs, which record URLs, off. Always compared in constant time.
 */
import type { Context } from "hono";
import { matchesAnySecret, sha256Hex } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";

export function requireSharedToken(
  c: Context<{ Bindings: Env }>,
  secret: string | undefined,
  vendorHeaders: readonly string[] = [],
  opts: { allowInUrl: boolean } = { allowInUrl: true },
): void {
  if (!secret) throw new HttpError(401, "webhook token not configured");
  const candidates: (string | undefined)[] = vendorHeaders.map((h) => c.req.header(h));
  const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  candidates.push(bearer);
  if (opts.allowInUrl) candidates.push(c.req.query("token"));
  const ok = candidates.some((given) => matchesAnySecret(given?.trim(), [secret]));
  if (!ok) throw new HttpError(401, "missing or invalid webhook token");
}

/** A stable delivery id for vendors that send none: the body's own hash, so a resend dedupes. */
export function bodyDigest(body: Uint8Array): Promise<string> {
  return sha256Hex(body);
}
