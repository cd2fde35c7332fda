/** INGEST consumer: raw event → canonical rows → the objects that own them. Acks or retries each message. */
import { UnmappableError } from "../canonical/model";
import { mapperFor } from "../canonical/mappers";
import { applyCanonicalBatch } from "../db/canonical-writes";
import { carryOutPrivacy, privacyRefusal } from "../pipeline/privacy";
import { loadRawEvent, loadRawEvents, markDead, markFailedAttempt, markProcessedMany, recordDeadLetter, type RawEventRow } from "../db/raw-events";
import { parseJsonKeepingBigIds } from "../lib/json";
import { logEvent } from "../lib/log";
import { loadPolicy, type StoredPolicy } from "../db/policies";
import type { Policy } from "../decisions/policy";
import { decideOnEvent } from "../pipeline/decide";
import { categorise, loadTicketModel } from "../pipeline/ticket-categories";
import { forwardToObjects, type ForwardSettings } from "../pipeline/forward";
import { understandInboundMessages } from "../pipeline/inbound-whatsapp";
import { scoreCodOrders } from "../pipeline/cod-risk";
import { BatchGrouper } from "../pipeline/batch";

export interface IngestMessage {
  rawEventId: string;
}

/** Backoff for transient failures: 5 s, 10 s, 20 s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

export async function handleIngestBatch(batch: MessageBatch<IngestMessage>, env: Env): Promise<void> {
  // Every message's pipeline runs side by side on an env that groups their calls by owner
  // (pipeline/batch.ts): D1 statements waiting at the same moment go in one round trip, and each
  // order's and SKU's object is called once with all the batch's events for it.
  const grouper = new BatchGrouper(env);
  const genv = grouper.env;
  // One policy read per batch (every message is decided under the same version) and the batch's raw
  // events, together in one round trip. If the raw events' read fails, each message reads its own,
  // so one bad row cannot hold back the rest.
  const [stored, raws] = await grouper.run(-1, () =>
    Promise.all([loadPolicy(genv.DB), loadRawEvents(genv.DB, batch.messages.map((m) => m.body.rawEventId)).catch(() => null)]),
  );
  // Per raw event: "processed" (effects in, to be marked below), "settled" (dead, missing or
  // already processed: nothing to mark) or "failed" (to be retried).
  const outcomes = new Map<string, "working" | "processed" | "settled" | "failed">();
  await Promise.all(
    batch.messages.map((msg, index) => {
      const id = msg.body.rawEventId;
      // The same event twice in one batch (a sweep re-send beside the original): work it once; the
      // copy is settled below the way the original ends.
      if (outcomes.has(id)) return;
      outcomes.set(id, "working");
      return grouper.run(index, async () => {
        try {
          const raw = raws ? (raws.get(id) ?? null) : await loadRawEvent(genv.DB, id);
          const outcome = await ingestRaw(genv, raw, Date.now(), stored);
          outcomes.set(id, outcome === "processed" ? "processed" : "settled");
        } catch (err) {
          outcomes.set(id, "failed");
          const reason = err instanceof Error ? err.message : String(err);
          logEvent("ingest_retry", { rawEventId: id, attempts: msg.attempts, reason });
          await markFailedAttempt(genv.DB, id, reason).catch(() => undefined);
        }
      });
    }),
  );
  // What grouping did for this batch (counts only): round trips and object calls sent for it.
  logEvent("ingest_batch", { messages: batch.messages.length, ...grouper.stats });
  const processedIds = [...outcomes].filter(([, o]) => o === "processed").map(([id]) => id);
  let marked = true;
  try {
    await markProcessedMany(env.DB, processedIds, Date.now());
  } catch (err) {
    // Their effects are in and idempotent: a redelivery finds them done and only marks them.
    marked = false;
    logEvent("ingest_retry", { rawEventIds: processedIds.length, reason: err instanceof Error ? err.message : String(err) });
  }
  for (const msg of batch.messages) {
    const outcome = outcomes.get(msg.body.rawEventId);
    if (outcome === "settled" || (outcome === "processed" && marked)) msg.ack();
    else msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}

/**
 * Applies a loaded raw event: canonical rows, objects, decisions. "processed" means its effects
 * are in and the caller marks it (one statement per batch); a dead letter is marked here.
 */
async function ingestRaw(env: Env, raw: RawEventRow | null, now: number, policy?: StoredPolicy): Promise<"processed" | "already_processed" | "dead" | "missing"> {
  if (!raw) return "missing";
  if (raw.status === "processed") return "already_processed";
  let batch;
  try {
    batch = mapperFor(raw.source)(raw.topic, parseJsonKeepingBigIds(raw.body));
  } catch (err) {
    if (!(err instanceof UnmappableError) && !(err instanceof SyntaxError)) throw err;
    await recordDeadLetter(env.DB, { source: raw.source, topic: raw.topic, reason: err.message, body: raw.body, receivedAt: raw.receivedAt, rawEventId: raw.id });
    await markDead(env.DB, raw.id, err.message);
    return "dead";
  }
  // A privacy request for another shop, or a shop/redact without a prior uninstall, is refused here
  // too (not only at the door): a dead letter replayed by hand meets the same checks.
  const refusal = batch.privacy.length ? await privacyRefusal(env, batch.privacy, raw.receivedAt) : null;
  if (refusal) {
    await recordDeadLetter(env.DB, { source: raw.source, topic: raw.topic, reason: refusal, body: raw.body, receivedAt: raw.receivedAt, rawEventId: raw.id });
    await markDead(env.DB, raw.id, refusal);
    return "dead";
  }
  if (batch.tickets.length) {
    const model = await loadTicketModel(env.DB);
    if (model) for (const t of batch.tickets) t.category = categorise(model, t);
  }
  const applied = await applyCanonicalBatch(env.DB, batch, now);
  if (batch.privacy.length) await carryOutPrivacy(env, raw.id, raw.receivedAt, batch.privacy, now);
  const stored = policy ?? (await loadPolicy(env.DB));
  await understandInboundMessages(env, applied, stored, now);
  const forwarded = await forwardToObjects(env, raw, batch, applied, forwardSettings(stored.policy), now, await scoreCodOrders(env.DB, batch.orders, stored, now));
  await decideOnEvent(env, batch, applied, forwarded, stored, now);
  return "processed";
}

/** Messages that exhausted their retries land here; each becomes a visible, replayable dead letter. */
export async function handleIngestDeadLetters(batch: MessageBatch<IngestMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      const raw = await loadRawEvent(env.DB, msg.body.rawEventId);
      // A copy whose event another delivery has since processed is not a failure: nothing to record.
      if (raw?.status === "processed") {
        msg.ack();
        continue;
      }
      await recordDeadLetter(env.DB, {
        source: raw?.source ?? "unknown",
        topic: raw?.topic ?? null,
        reason: `failed after retries: ${raw ? (raw.error ?? "unknown error") : "raw event missing"}`,
        body: raw?.body ?? null,
        receivedAt: raw?.receivedAt ?? Date.now(),
        rawEventId: msg.body.rawEventId,
      });
      if (raw) await markDead(env.DB, raw.id, "retries exhausted");
      msg.ack();
    } catch {
      msg.retry({ delaySeconds: 30 });
    }
  }
}

/** Journey settings come from the decision policy, so timers fire when the rules expect them. */
export function forwardSettings(policy: Policy): ForwardSettings {
  return {
    stallHours: policy.delay_alert.stallHours,
    codTimeoutHours: policy.cod_confirmation.timeoutHours,
    postDeliverySteps: policy.post_delivery.steps.map((s) => ({ step: s.name, afterHours: s.delayHours })),
    ndrNoAnswerHours: policy.ndr_rto.ndrNoAnswerHours,
    codConfirmationMinPaise: policy.cod_confirmation.minOrderPaise,
    highRtoPincodes: policy.cod_confirmation.highRtoPincodes,
  };
}
