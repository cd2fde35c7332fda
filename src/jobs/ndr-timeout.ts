/**
 * The NDR no-answer timer (`ndr_timeout:<attempt>`, armed by OrderJourney on each failed attempt):
 * once the customer has had `ndrNoAnswerHours` since the question went out and has not answered that
 * attempt, the default action (decisions/rules/ndr-default.ts) asks the carrier to re-attempt or return.
 */
import { decidedAt } from "../db/decisions";
import { ndrQuestionAskedAt, recordNdrDefault, shipmentPlatform } from "../db/ndr-rto";
import type { JourneySnapshot, OrderSummary } from "../decisions/context";
import type { Policy } from "../decisions/policy";
import { decideNdrDefault } from "../decisions/rules/ndr-default";
import type { DecisionDraft } from "../decisions/types";
import type { JourneyTimer } from "../durable-objects/order-journey";
import { HOUR_MS } from "../lib/time";

export async function ndrNoAnswer(db: D1Database, timer: JourneyTimer, order: OrderSummary, journey: JourneySnapshot, policy: Policy, now: number): Promise<DecisionDraft | { retryAt: number } | null> {
  const attempt = Number(timer.key.split(":")[1]);
  if (!Number.isInteger(attempt) || attempt < 1) return null;
  // The question may have gone out after the scan (late ingest, quiet hours): the customer gets the full window from then.
  const askedAt = (await ndrQuestionAskedAt(db, `ndr_followup:order:${order.id}:attempt:${attempt}`)) ?? timer.stateAt;
  const dueAt = askedAt + policy.ndr_rto.ndrNoAnswerHours * HOUR_MS;
  if (now < dueAt && journey.state === "failed_attempt" && journey.failedAttempts === attempt) return { retryAt: dueAt };
  const answered = (await decidedAt(db, `ndr_followup:order:${order.id}:reply:${attempt}`)) !== null;
  const platform = journey.awb ? await shipmentPlatform(db, journey.awb) : null;
  const draft = decideNdrDefault({ order, journey, platform, attempt, answered }, policy, now);
  const spec = draft?.actions[0];
  // The case records what was asked of the carrier: a shadow or held decision asks nothing (yet).
  const live = policy.ndr_followup.enabled && policy.ndr_followup.mode === "live";
  if (live && draft && spec && journey.awb && (spec.kind === "shiprocket.ndr_action" || spec.kind === "delhivery.ndr_action")) await recordNdrDefault(db, order.id, journey.awb, spec.params.action, now);
  return draft;
}
