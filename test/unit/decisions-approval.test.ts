/** Which drafts wait for a person: the approve mode and the policy's standing approvals (decisions/approval.ts). */
import { describe, expect, it } from "vitest";
import { approvalReason, isPerson, recordedMode } from "../../src/decisions/approval";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";
import type { DecisionDraft } from "../../src/decisions/types";

const base = (over: Partial<DecisionDraft>): DecisionDraft => ({
  type: "cod_confirmation",
  subjectType: "order",
  subjectId: "6001",
  dedupeKey: "cod_confirmation:order:6001:request",
  reasons: [],
  inputs: {},
  actions: [],
  notBefore: null,
  ...over,
});

const escalation = (assignee: string | null) =>
  base({
    type: "support_escalation",
    subjectType: "ticket",
    subjectId: "gorgias:1",
    dedupeKey: "support_escalation:ticket:gorgias:1",
    actions: [{ kind: "helpdesk.update", connector: "helpdesk", params: { helpdesk: "gorgias", ticketId: "1", priority: "high", assignee, status: null, tags: [] } }],
  });

describe("approval gate", () => {
  it("holds the COD hold (the step before cancelling), not the confirmation request", () => {
    expect(approvalReason(base({ dedupeKey: "cod_confirmation:order:6001:timeout" }), DEFAULT_POLICY)).toMatch(/COD order/);
    expect(approvalReason(base({}), DEFAULT_POLICY)).toBeNull();
    const off = parsePolicy({ approvals: { codHolds: false } });
    expect(off.ok && approvalReason(base({ dedupeKey: "cod_confirmation:order:6001:timeout" }), off.policy)).toBeNull();
  });

  it("holds an escalation that names a person, not one routed to a team", () => {
    expect(approvalReason(escalation("priya@brand.in"), DEFAULT_POLICY)).toBe("escalation assigns priya@brand.in in person: waits for approval");
    expect(approvalReason(escalation("48213"), DEFAULT_POLICY)).not.toBeNull();
    expect(approvalReason(escalation("support-leads"), DEFAULT_POLICY)).toBeNull();
    expect(approvalReason(escalation(null), DEFAULT_POLICY)).toBeNull();
    expect(isPerson("support leads")).toBe(false);
  });

  it("holds a purchase order at or above the value, not below, nor one whose value is unknown", () => {
    const po = (v: number | null) => base({ type: "inventory_reorder", subjectType: "sku", subjectId: "S", dedupeKey: "inventory_reorder:sku:S:1", inputs: { poValuePaise: v } });
    expect(approvalReason(po(10_000_000), DEFAULT_POLICY)).toBe("purchase order worth ₹1,00,000 ≥ ₹1,00,000 waits for approval");
    expect(approvalReason(po(9_999_999), DEFAULT_POLICY)).toBeNull();
    expect(approvalReason(po(null), DEFAULT_POLICY)).toBeNull();
  });

  it("keeps shadow as shadow (nothing is sent either way) and holds everything of a type in approve mode", () => {
    const shadow = parsePolicy({ cod_confirmation: { mode: "shadow" } });
    expect(shadow.ok && recordedMode(base({ dedupeKey: "cod_confirmation:order:6001:timeout" }), shadow.policy)).toEqual({ mode: "shadow", reason: null });
    const approve = parsePolicy({ ndr_followup: { mode: "approve" } });
    expect(approve.ok && recordedMode(base({ type: "ndr_followup" }), approve.policy)).toEqual({ mode: "approve", reason: "ndr_followup runs in approve mode: a person approves each one" });
    expect(recordedMode(base({}), DEFAULT_POLICY)).toEqual({ mode: "live", reason: null });
    expect(parsePolicy({ ndr_followup: { mode: "later" } }).ok).toBe(false);
  });
});
