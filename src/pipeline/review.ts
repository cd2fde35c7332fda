/** A person's verdict on a held decision: approving puts its actions in the outbox (once), dismissing and snoozing send nothing. */
import { ActionSpec } from "../canonical/actions";
import { enqueueActions } from "../db/actions";
import { reviewDecision, type ReviewVerdict } from "../db/decisions";
import type { Policy } from "../decisions/policy";
import { logEvent } from "../lib/log";

const HOUR_MS = 3_600_000;

export type ReviewOutcome = { ok: true; verdict: ReviewVerdict; queued: number } | { ok: false; reason: "not_waiting" };

/**
 * Settles a waiting decision. Approval queues the held actions under the decision's own dedupe key,
 * exactly as live mode would have, so a second approval (or a redelivered event of the same
 * decision) finds the outbox rows already there and sends nothing twice.
 */
export async function settleDecision(
  env: Env,
  decisionId: string,
  input: { verdict: ReviewVerdict; by: string; note: string | null },
  policy: Policy,
  now: number,
): Promise<ReviewOutcome> {
  const until = input.verdict === "snoozed" ? now + policy.approvals.snoozeHours * HOUR_MS : null;
  const moved = await reviewDecision(env.DB, decisionId, { ...input, until }, now);
  if (!moved) return { ok: false, reason: "not_waiting" };
  let queued = 0;
  if (input.verdict === "approved") {
    // The specs were validated when the rule made them; parsing again keeps a hand-edited row from reaching a connector.
    const specs = ActionSpec.array().parse(JSON.parse(moved.actions));
    queued = (await enqueueActions(env, { decisionId: moved.id, subjectType: moved.subjectType, subjectId: moved.subjectId, specs, keyPrefix: moved.dedupeKey }, now)).length;
  }
  logEvent("decision_review", { verdict: input.verdict, queued });
  return { ok: true, verdict: input.verdict, queued };
}
