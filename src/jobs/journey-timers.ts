/** What happens when an order's timer comes due: the decision layer's entry point for time-based journey rules. */
import type { JourneySnapshot } from "../durable-objects/journey-machine";
import { decideCodConfirmation, decideDelayAlert, decidePostDelivery, decideStatusNotification } from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import { loadPolicy } from "../db/policies";
import { commitDrafts } from "../pipeline/commit";
import { hasOpenReturn, hasOpenTicket, loadCustomer, loadJourney, loadOrderSummary, loadRoute } from "../db/rule-inputs";

export interface JourneyTimer {
  orderId: string;
  kind: "stall" | "cod_timeout" | "post_delivery";
  key: string;
  dueAt: number;
  snapshot: JourneySnapshot;
}

/**
 * Runs the rules a due timer calls for. Idempotent: every decision carries a dedupe key, so an
 * alarm retried after a failure (or run twice) produces its effect once.
 */
export async function onJourneyTimer(env: Env, timer: JourneyTimer, now: number): Promise<{ retryAt: number } | void> {
  const stored = await loadPolicy(env.DB);
  const policy = stored.policy;
  const order = await loadOrderSummary(env.DB, timer.orderId);
  const journey = await loadJourney(env.DB, timer.orderId);
  // Record that the timer fired whatever the rules decide, so ops can see it.
  await env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`)
    .bind(`timer:${timer.orderId}:${timer.key}`, JSON.stringify({ kind: timer.kind, dueAt: timer.dueAt }), now)
    .run();
  if (!order || !journey) return;
  const drafts: (DecisionDraft | null)[] = [];
  if (timer.kind === "stall") {
    const customer = await loadCustomer(env.DB, order.customerId, policy);
    const route = await loadRoute(env.DB, journey.carrier, journey.origin, order.shippingPincode);
    drafts.push(decideDelayAlert({ order, journey, customer, route }, policy, now));
    drafts.push(decideStatusNotification({ order, status: "delayed", eventAt: now, journey }, policy, now));
  } else if (timer.kind === "cod_timeout") {
    const requested = await env.DB.prepare(`SELECT created_at AS at FROM decisions WHERE dedupe_key = ?`).bind(`cod_confirmation:order:${order.id}:request`).first<{ at: number }>();
    const askedAt = requested?.at ?? timer.snapshot.stateAt;
    // The question may have gone out later than the order (late ingest, quiet hours): the customer
    // gets the full timeout from when it was asked, so the timer comes back then.
    const dueAt = askedAt + policy.cod_confirmation.timeoutHours * 3_600_000;
    if (now < dueAt && journey.state === "cod_confirmation_pending") return { retryAt: dueAt };
    drafts.push(decideCodConfirmation({ order, state: journey.state, destinationRtoRate: null, confirmationRequestedAt: askedAt, reply: null }, policy, now));
  } else {
    const customer = await loadCustomer(env.DB, order.customerId, policy);
    const { results } = await env.DB.prepare(`SELECT dedupe_key AS k FROM decisions WHERE type = 'post_delivery' AND subject_id = ?`).bind(order.id).all<{ k: string }>();
    const stepsDone = results.map((r) => r.k.split(":").pop()!);
    drafts.push(
      decidePostDelivery(
        { order, journey, customer, openTicket: await hasOpenTicket(env.DB, order.customerId, order.id), openReturn: await hasOpenReturn(env.DB, order.customerId, order.id), stepsDone },
        policy,
        now,
      ),
    );
  }
  await commitDrafts(env, drafts, stored, now);
}
