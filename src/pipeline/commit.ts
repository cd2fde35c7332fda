/** Persists decision drafts under the current policy and, in live mode, puts their actions in the outbox; approve mode holds them for a person. */
import { enqueueActions } from "../db/actions";
import { recordDecision } from "../db/decisions";
import type { StoredPolicy } from "../db/policies";
import { recordedMode } from "../decisions/approval";
import { isEnabled, type DecisionMode } from "../decisions/policy";
import type { DecisionDraft } from "../decisions/types";
import { logEvent } from "../lib/log";
import { recordContacts } from "../db/contacts";
import { policeCustomerMessages } from "./contact-policy";

export interface Committed {
  id: string;
  draft: DecisionDraft;
  mode: DecisionMode;
}

/**
 * Records each draft once (its dedupe key is unique) and queues its actions when the type runs
 * live. Shadow decisions are recorded with everything they would have done, and execute nothing.
 */
export async function commitDrafts(env: Env, drafts: readonly (DecisionDraft | null)[], stored: StoredPolicy, now: number): Promise<Committed[]> {
  const committed: Committed[] = [];
  for (const draft of drafts) {
    if (!draft || !isEnabled(stored.policy, draft.type)) continue;
    const gate = recordedMode(draft, stored.policy);
    // Customer messages pass the contact policy first: what it drops is recorded on the decision.
    const policed = await policeCustomerMessages(env.DB, draft, stored.policy, now, gate.mode === "live");
    // A held decision says why it waits, beside the reasons it fired.
    const toRecord = gate.reason ? { ...policed.draft, reasons: [...policed.draft.reasons, gate.reason] } : policed.draft;
    const recorded = await recordDecision(env.DB, toRecord, { policyVersion: stored.version, mode: gate.mode, suppressed: policed.suppressed }, now);
    const { id, mode } = recorded;
    // A repeat of a live (or approved) decision re-offers its actions: the outbox is idempotent by key,
    // so this only fills in what a crash between the decision and the outbox would otherwise have lost.
    // A decision still waiting for a person, or dismissed, sends nothing.
    if ((mode === "live" || recorded.reviewStatus === "approved") && policed.draft.actions.length) {
      await enqueueActions(
        env,
        { decisionId: id, subjectType: draft.subjectType, subjectId: draft.subjectId, specs: policed.draft.actions, indices: policed.indices, keyPrefix: draft.dedupeKey, notBefore: draft.notBefore ?? undefined },
        now,
      );
      await recordContacts(env.DB, policed.contacts.map((c) => ({ ...c, decisionId: id })), now);
    }
    if (!recorded.inserted) continue; // already decided for this subject and reason
    logEvent("decision", { type: draft.type, subjectType: draft.subjectType, mode, actions: policed.draft.actions.length, suppressed: policed.suppressed.length });
    committed.push({ id, draft: policed.draft, mode });
  }
  return committed;
}
