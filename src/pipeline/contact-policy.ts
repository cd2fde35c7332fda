/**
 * The contact policy in the pipeline: before a decision's actions reach the outbox, its customer
 * messages pass decisions/contact-policy.ts against what the customer already has and where the
 * journey is now; just before an outbox message is sent, the journey is checked again.
 */
import type { ActionSpec } from "../canonical/actions";
import {
  applyContactPolicy, candidatesOf, customerLanguage, isCustomerMessage, passedReason, type Candidate, type JourneyNow, type RecentContact, type Suppression,
} from "../decisions/contact-policy";
import type { Policy } from "../decisions/policy";
import type { DecisionDraft } from "../decisions/types";
import { catalogueTemplate, type TemplateLanguage } from "../canonical/whatsapp-templates";
import {
  appendSuppressionsStatement, contactOfAction, loadContactContext, loadContactSubject, withdrawPendingMessage, type NewContact,
} from "../db/contacts";
import { hasOpenReturn, hasOpenTicket } from "../db/rule-inputs";

export interface PolicedDraft {
  /** The draft with only the actions that go ahead. */
  draft: DecisionDraft;
  /** Position of each kept action in the original draft (its idempotency key). */
  indices: number[];
  suppressed: Suppression[];
  /** Contact-ledger entries to write once the decision id is known and the actions are queued. */
  contacts: Omit<NewContact, "decisionId">[];
}

function recipientOf(spec: ActionSpec): string | null {
  const to = (spec.params as { to?: unknown }).to;
  return typeof to === "string" ? to : null;
}

/**
 * Runs the policy on one draft. `live` decisions also withdraw the earlier, unsent messages a
 * kept one replaces; shadow decisions only record what would have happened.
 */
export async function policeCustomerMessages(db: D1Database, draft: DecisionDraft, policy: Policy, now: number, live: boolean): Promise<PolicedDraft> {
  const all = draft.actions.map((_, i) => i);
  const unchanged: PolicedDraft = { draft, indices: all, suppressed: [], contacts: [] };
  if (!draft.actions.some((a) => isCustomerMessage(a.kind))) return unchanged;

  const firstMessage = draft.actions.find((a) => isCustomerMessage(a.kind))!;
  const sendAt = Math.max(now, draft.notBefore ?? now);
  // One round trip: subject, journey, the customer's recent messages, language signals.
  const subject = await loadContactContext(db, draft.subjectType, draft.subjectId, recipientOf(firstMessage), sendAt);
  let journey: JourneyNow | null = null;
  if (subject.orderId) {
    // Open cases matter to care and offers; the customer rules (reorder, churn) checked them when deciding.
    const needsCases = draft.type === "post_delivery";
    const [openTicket, openReturn] = needsCases
      ? await Promise.all([hasOpenTicket(db, subject.customerId, subject.orderId), hasOpenReturn(db, subject.customerId, subject.orderId)])
      : [false, false];
    journey = subject.journey
      ? { ...subject.journey, openTicket, openReturn }
      : { state: null, lastScanAt: null, failedAttempts: 0, openTicket, openReturn };
  }
  const candidates = candidatesOf(draft, journey);
  const customerKey = subject.customerKey;
  let recent: RecentContact[] = subject.recent;
  let verdict = applyContactPolicy({ candidates, decisionKey: draft.dedupeKey, recent, journey, sendAt, now }, policy.contact);
  if (live) {
    // Withdraw what the kept messages replace; one that went out meanwhile covers the moment instead.
    const gone = new Set<string>();
    for (const s of verdict.supersede) {
      if (!(await withdrawPendingMessage(db, s.contact.actionId, s.reason, now))) gone.add(s.contact.actionId);
    }
    if (gone.size) {
      recent = recent.map((c) => (gone.has(c.actionId) ? { ...c, state: "sent" as const } : c));
      verdict = applyContactPolicy({ candidates, decisionKey: draft.dedupeKey, recent, journey, sendAt, now }, policy.contact);
    }
  }

  const dropped = new Set(verdict.suppress.map((s) => s.index));
  const indices = all.filter((i) => !dropped.has(i));
  const keptByIndex = new Map<number, Candidate>(verdict.keep.map((c) => [c.index, c]));
  const contacts: Omit<NewContact, "decisionId">[] = [];
  for (const i of indices) {
    const c = keptByIndex.get(i);
    if (!c) continue;
    contacts.push({
      idempotencyKey: `${draft.dedupeKey}:${i}:${c.kind}`,
      customerKey,
      orderId: subject.orderId,
      decisionKey: draft.dedupeKey,
      moment: c.moment,
      channel: c.kind.split(".")[0]!,
      at: sendAt,
    });
  }
  let actions = indices.map((i) => draft.actions[i]!);
  let inputs = draft.inputs;
  const whatsapp = actions.find((a) => a.kind === "whatsapp.template");
  if (whatsapp) {
    // The customer's language, for templates the catalogue has in it (a brand's own templates stay as named).
    const chosen = customerLanguage({ locale: subject.locale, inboundTexts: subject.inboundTexts });
    actions = actions.map((a) => (a.kind === "whatsapp.template" && catalogueTemplate(a.params.template) ? { ...a, params: { ...a.params, language: chosen.language satisfies TemplateLanguage } } : a));
    inputs = { ...inputs, language: chosen };
  }
  return { draft: { ...draft, inputs, actions }, indices, suppressed: verdict.suppress, contacts };
}

/**
 * The check just before an outbox message goes out: the reason it must not (the journey has moved
 * past its moment while it waited, e.g. RTO began during quiet hours), or null to send it.
 */
export async function messageNoLongerCurrent(db: D1Database, actionId: string): Promise<{ reason: string; decisionId: string | null } | null> {
  const contact = await contactOfAction(db, actionId);
  if (!contact || !contact.orderId) return null;
  const subject = await loadContactSubject(db, "order", contact.orderId);
  const customerId = subject.customerId;
  const [openTicket, openReturn] = contact.moment.needsNoOpenCase
    ? await Promise.all([hasOpenTicket(db, customerId, contact.orderId), hasOpenReturn(db, customerId, contact.orderId)])
    : [false, false];
  const journey: JourneyNow | null = subject.journey ? { ...subject.journey, openTicket, openReturn } : null;
  const reason = passedReason(contact.moment, journey);
  return reason ? { reason: `at send time: ${reason}`, decisionId: contact.decisionId } : null;
}

/** Records a send-time suppression on the decision that made the message. */
export async function recordSendTimeSuppression(db: D1Database, decisionId: string, s: Omit<Suppression, "index">): Promise<void> {
  await appendSuppressionsStatement(db, decisionId, [{ index: -1, ...s }]).run();
}
