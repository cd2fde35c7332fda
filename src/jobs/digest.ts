/** The morning digest, once a day at the policy's local time: one WhatsApp template to the ops lead and one email, through the outbox. */
import { enqueueActions } from "../db/actions";
import { loadDigestInput } from "../db/digest-read";
import { kvGet, kvKeys, kvPutOnce } from "../db/kv";
import type { StoredPolicy } from "../db/policies";
import { buildDigest, digestActions, digestDue, type Digest } from "../decisions/digest";

const DAY_MS = 86_400_000;

/** The digest as of `now`: what happened in the 24 h before it. `origin` stands in when PUBLIC_URL is not set (an API request's own). */
export async function currentDigest(env: Env, stored: StoredPolicy, now: number, origin?: string): Promise<Digest> {
  const input = await loadDigestInput(env.DB, now - DAY_MS, now, stored.policy.digest.topItems);
  const base = (env.PUBLIC_URL || origin || "").replace(/\/+$/, "");
  const link = base ? `${base}/` : "the Switchyard dashboard (set PUBLIC_URL to get a link here)";
  return buildDigest(input, stored.policy, now, link);
}

/**
 * Runs every five minutes; sends the day's digest the first time the local clock is past the policy
 * time. The outbox keys (`digest:<local date>`) make a second run that day, or a retried one, send nothing.
 */
export async function sendMorningDigest(env: Env, stored: StoredPolicy, now: number): Promise<Digest | null> {
  const p = stored.policy;
  if (!p.digest.enabled || !digestDue(now, p)) return null;
  const date = new Date(now + p.quietHours.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  if (await kvGet(env.DB, kvKeys.digestSent(date))) return null;
  const digest = await currentDigest(env, stored, now);
  await enqueueActions(env, { decisionId: null, subjectType: "digest", subjectId: date, specs: digestActions(digest, p), keyPrefix: `digest:${date}` }, now);
  await kvPutOnce(env.DB, kvKeys.digestSent(date), String(now), now);
  return digest;
}
