/** Persists decision drafts under the current policy and, in live mode, puts their actions in the outbox. */
import { enqueueActions } from "../db/actions";
import { recordDecision } from "../db/decisions";
import type { StoredPolicy } from "../db/policies";
import { isEnabled, modeFor } from "../decisions/policy";
import type { DecisionDraft } from "../decisions/types";
import { logEvent } from "../lib/log";

export interface Committed {
  id: string;
  draft: DecisionDraft;
  mode: "live" | "shadow";
}

/**
 * Records each draft once (its dedupe key is unique) and queues its actions when the type runs
 * live. Shadow decisions are recorded with everything they would have done, and execute nothing.
 */
export async function commitDrafts(env: Env, drafts: readonly (DecisionDraft | null)[], stored: StoredPolicy, now: number): Promise<Committed[]> {
  const committed: Committed[] = [];
  for (const draft of drafts) {
    if (!draft || !isEnabled(stored.policy, draft.type)) continue;
    const recorded = await recordDecision(env.DB, draft, { policyVersion: stored.version, mode: modeFor(stored.policy, draft.type) }, now);
    const { id, mode } = recorded;
    // A repeat of a live decision re-offers its actions: the outbox is idempotent by key, so this
    // only fills in what a crash between the decision and the outbox would otherwise have lost.
    if (mode === "live" && draft.actions.length) {
      await enqueueActions(
        env,
        { decisionId: id, subjectType: draft.subjectType, subjectId: draft.subjectId, specs: draft.actions, keyPrefix: draft.dedupeKey, notBefore: draft.notBefore ?? undefined },
        now,
      );
    }
    if (!recorded.inserted) continue; // already decided for this subject and reason
    logEvent("decision", { type: draft.type, subjectType: draft.subjectType, mode, actions: draft.actions.length });
    committed.push({ id, draft, mode });
  }
  return committed;
}
