/** The shared webhook path: cap the body, store the raw event once, enqueue it, answer fast. */
import type { CanonicalBatch } from "../../canonical/model";
import type { Context } from "hono";
import { HttpError } from "../../lib/errors";
import { parseJsonKeepingBigIds } from "../../lib/json";
import { recordDeadLetter, storeAndEnqueue } from "../../db/raw-events";
import { UnmappableError } from "../../canonical/model";
import { mapperFor } from "../../canonical/mappers";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The most body bytes a D1 row can hold with room for the row's other columns: D1's "Maximum
 * string, BLOB or table row size" is 2,000,000 bytes (https://developers.cloudflare.com/d1/platform/limits/).
 * The configured cap is never allowed above it, and a body that grows past it when invalid UTF-8
 * is replaced is refused with 413 rather than failing the insert (a 500 the sender retries forever).
 */
export const STORABLE_BODY_BYTES = 1_900_000;
/** What a dead letter keeps of a body too large to store whole. */
export const DEAD_LETTER_BODY_BYTES = 256 * 1024;

export function maxBodyBytes(env: Env): number {
  const n = Number(env.WEBHOOK_MAX_BODY_BYTES);
  return Math.min(Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES, STORABLE_BODY_BYTES);
}

/** Reads the body, refusing (413) anything over the cap without buffering more than the cap. */
export async function readCappedBody(c: Context<{ Bindings: Env }>): Promise<Uint8Array> {
  const cap = maxBodyBytes(c.env);
  const declared = Number(c.req.header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > cap) throw new HttpError(413, `body over ${cap} bytes`);
  // A declared length within the cap: the runtime holds the body to that length, so read it whole
  // (one native copy instead of a chunk loop in JS: the hot path's largest self time when profiled).
  if (Number.isFinite(declared) && declared >= 0) {
    const body = new Uint8Array(await c.req.raw.arrayBuffer());
    if (body.byteLength > cap) throw new HttpError(413, `body over ${cap} bytes`);
    return body;
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw new HttpError(413, `body over ${cap} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export interface VerifiedWebhook {
  source: string;
  deliveryId: string;
  topic: string;
  triggeredAt: number | null;
  body: Uint8Array;
  /** Why the mapped delivery must be refused (400 + dead letter) though it maps, or null. */
  refuse?: (batch: CanonicalBatch) => string | null | Promise<string | null>;
}

/**
 * Stores a verified webhook exactly once and enqueues it. Malformed or unmappable payloads are
 * kept as dead letters and answered 400: the sender's retry would fail the same way.
 */
export async function acceptWebhook(env: Env, hook: VerifiedWebhook, now = Date.now()): Promise<Response> {
  const decoded = decodeBody(hook.body);
  if (!decoded.storable) {
    await recordDeadLetter(env.DB, { source: hook.source, topic: hook.topic, reason: decoded.reason, body: decoded.text, receivedAt: now, deliveryId: hook.deliveryId });
    throw new HttpError(413, decoded.reason);
  }
  const text = decoded.text;
  let payload: unknown;
  try {
    payload = parseJsonKeepingBigIds(text);
  } catch {
    await recordDeadLetter(env.DB, { source: hook.source, topic: hook.topic, reason: "malformed JSON", body: text, receivedAt: now, deliveryId: hook.deliveryId });
    throw new HttpError(400, "malformed JSON");
  }
  let batch: CanonicalBatch;
  try {
    // Run here only to refuse what can never be mapped (400 + dead letter) while the sender is
    // still on the line; the consumer maps it again from the stored body.
    batch = mapperFor(hook.source)(hook.topic, payload);
  } catch (err) {
    if (!(err instanceof UnmappableError)) throw err;
    await recordDeadLetter(env.DB, { source: hook.source, topic: hook.topic, reason: err.message, body: text, receivedAt: now, deliveryId: hook.deliveryId });
    throw new HttpError(400, err.message);
  }
  const refusal = hook.refuse ? await hook.refuse(batch) : null;
  if (refusal) {
    await recordDeadLetter(env.DB, { source: hook.source, topic: hook.topic, reason: refusal, body: text, receivedAt: now, deliveryId: hook.deliveryId });
    throw new HttpError(400, refusal);
  }
  const stored = await storeAndEnqueue(env, {
    source: hook.source,
    deliveryId: hook.deliveryId,
    topic: hook.topic,
    triggeredAt: hook.triggeredAt,
    body: text,
    receivedAt: now,
  });
  return Response.json({ ok: true, id: stored.id, duplicate: !stored.inserted });
}

const encoder = new TextEncoder();

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` (never splitting a character). */
export function utf8Prefix(text: string, maxBytes: number): string {
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

export type DecodedBody = { storable: true; text: string } | { storable: false; text: string; reason: string };

/**
 * Body bytes as text. Valid UTF-8 is kept as received. Invalid sequences become U+FFFD (three bytes
 * each, so up to three times the size): if that still fits a D1 row it is stored so; if not, only a
 * prefix is kept, for a dead letter whose reason gives the sizes received and after replacement.
 */
export function decodeBody(bytes: Uint8Array): DecodedBody {
  try {
    return { storable: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const text = new TextDecoder("utf-8").decode(bytes);
    const size = encoder.encode(text).byteLength;
    if (size <= STORABLE_BODY_BYTES) return { storable: true, text };
    return {
      storable: false,
      text: utf8Prefix(text, DEAD_LETTER_BODY_BYTES),
      reason: `body is not valid UTF-8: ${bytes.byteLength} bytes received, ${size} once invalid bytes are replaced, over the ${STORABLE_BODY_BYTES} bytes a row can hold; the first ${DEAD_LETTER_BODY_BYTES} bytes are kept`,
    };
  }
}
