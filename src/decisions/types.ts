/** What a decision rule outputs: plain data the shell persists (with policy version and mode) and turns into outbox rows. */
import type { ActionSpec } from "../canonical/actions";

/** Decision type names are part of the public API (`/api/decisions?type=`, policy keys). */
export const DECISION_TYPES = [
  "delay_alert",
  "status_notification",
  "reorder_prompt",
  "wismo_autoreply",
  "support_escalation",
  "inventory_reorder",
  "post_delivery",
  "churn_intervention",
  "carrier_route_alert",
  "ndr_followup",
  "cod_confirmation",
  "return_processing",
  "anomaly",
  "whatsapp_inbound",
] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

export type SubjectType = "order" | "customer" | "sku" | "ticket" | "route" | "brand" | "carrier" | "source";

export interface DecisionDraft {
  type: DecisionType;
  subjectType: SubjectType;
  subjectId: string;
  /**
   * type:subjectType:subjectId:reason[:instance]. The decisions table has a unique index on it,
   * so inserting a draft whose key exists is how "never fires twice for the same subject and reason" holds.
   */
  dedupeKey: string;
  /** Human-readable, each with the numbers that were compared. */
  reasons: string[];
  /** The inputs the rule read, for the decision log (JSON-serialisable). */
  inputs: Record<string, unknown>;
  actions: ActionSpec[];
  /** Epoch ms before which its customer messages must not go out (WhatsApp quiet hours); its other actions run now. null = now. */
  notBefore: number | null;
}
