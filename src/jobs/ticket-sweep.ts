/** Every 5 minutes: open tickets unanswered as long as the shortest "unanswered" condition of an enabled escalation rule; the rules decide per ticket. */
import type { StoredPolicy } from "../db/policies";
import { loadCustomer, loadJourney, loadOrderSummary, loadScans, ticketsAwaitingFirstResponse } from "../db/rule-inputs";
import { firstUnansweredCheckpoint } from "../decisions/escalation-policy";
import { decideSupportEscalation } from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import { HOUR_MS } from "../lib/time";
import { commitDrafts } from "../pipeline/commit";

export async function sweepTickets(env: Env, stored: StoredPolicy, now: number): Promise<void> {
  const wait = firstUnansweredCheckpoint(stored.policy.support_escalation);
  if (wait === null) return;
  const cutoff = now - wait * HOUR_MS;
  const drafts: (DecisionDraft | null)[] = [];
  for (const ticket of await ticketsAwaitingFirstResponse(env.DB, cutoff)) {
    const orderId = ticket.orderId;
    const order = orderId ? await loadOrderSummary(env.DB, orderId) : null;
    const customer = await loadCustomer(env.DB, ticket.customerId ?? order?.customerId ?? null, stored.policy);
    drafts.push(
      decideSupportEscalation(
        { ticket, customer, order, journey: orderId ? await loadJourney(env.DB, orderId) : null, scans: orderId ? await loadScans(env.DB, orderId) : [] },
        stored.policy,
        now,
      ),
    );
  }
  await commitDrafts(env, drafts, stored, now);
}
