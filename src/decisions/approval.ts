/** Which decisions wait for a person before their actions run: the `approve` mode and the policy's standing approvals. */
import { codConfirmationKey } from "../canonical/vocabulary";
import { modeFor, type DecisionMode, type Policy } from "./policy";
import type { DecisionDraft } from "./types";

const rupees = (paise: number) => `₹${Math.round(paise / 100).toLocaleString("en-IN")}`;

/**
 * A named person rather than a team: an email (Gorgias, Zendesk) or a numeric agent id (Freshdesk,
 * Zendesk). "support-leads" is a group the helpdesk routes itself, so it needs nobody's sign-off.
 */
export function isPerson(assignee: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(assignee) || /^\d+$/.test(assignee);
}

/**
 * Why this draft must wait for a person, or null when it may act on its own. Pure: reads the
 * draft (its inputs and actions) and the policy only.
 */
export function approvalReason(draft: DecisionDraft, policy: Policy): string | null {
  if (modeFor(policy, draft.type) === "approve") return `${draft.type} runs in approve mode: a person approves each one`;
  const a = policy.approvals;
  if (draft.type === "inventory_reorder") {
    const value = draft.inputs.poValuePaise;
    if (typeof value === "number" && value >= a.purchaseOrderAbovePaise) {
      return `purchase order worth ${rupees(value)} ≥ ${rupees(a.purchaseOrderAbovePaise)} waits for approval`;
    }
  }
  if (draft.type === "cod_confirmation" && a.codHolds && draft.dedupeKey === codConfirmationKey(draft.subjectId, "timeout")) {
    return "holding an unconfirmed COD order (the step before cancelling it) waits for approval";
  }
  if (draft.type === "cod_confirmation" && a.codHolds && draft.actions.some((x) => x.kind === "shopify_order_cancel")) {
    return "cancelling a COD order in Shopify waits for approval";
  }
  if ((draft.type === "support_escalation" || draft.type === "wismo_autoreply") && a.escalationsToAPerson) {
    for (const action of draft.actions) {
      if ((action.kind === "helpdesk.update" || action.kind === "helpdesk.create_ticket") && action.params.assignee && isPerson(action.params.assignee)) {
        return `escalation assigns ${action.params.assignee} in person: waits for approval`;
      }
    }
  }
  return null;
}

/** The mode a draft is recorded in: shadow stays shadow; otherwise approve when a person must sign off. */
export function recordedMode(draft: DecisionDraft, policy: Policy): { mode: DecisionMode; reason: string | null } {
  if (modeFor(policy, draft.type) === "shadow") return { mode: "shadow", reason: null };
  const reason = approvalReason(draft, policy);
  return reason ? { mode: "approve", reason } : { mode: "live", reason: null };
}
