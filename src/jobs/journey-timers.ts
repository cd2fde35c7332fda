/** What happens when an order's timer comes due (handed over by its OrderJourney alarm through the jobs queue): the time-based journey rules. */
import { codConfirmationKey, parsePostDeliveryKey } from "../canonical/vocabulary";
import { getCodRisk } from "../db/cod-risk";
import { decidedAt, dedupeKeysFor } from "../db/decisions";
import { kvKeys, kvPutOnce } from "../db/kv";
import { loadPolicy } from "../db/policies";
import { hasOpenReturn, hasOpenTicket, loadCustomer, loadJourney, loadOrderSummary, loadRoute } from "../db/rule-inputs";
import { decideCodConfirmation, decideDelayAlert, decidePostDelivery, decideStatusNotification } from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import type { JourneyTimer } from "../durable-objects/order-journey";
import { HOUR_MS } from "../lib/time";
import { commitDrafts } from "../pipeline/commit";
import { trackingPageLink } from "../pipeline/tracking-link";
import { autoCancelDueAt, decideCodAutoCancel, decideCodReminder } from "../decisions/rules/cod-shopify";
import { shopifyOrderState } from "../db/cod-shopify";
import { ndrNoAnswer } from "./ndr-timeout";

/**
 * Runs the rules a due timer calls for. Idempotent: every decision carries a dedupe key, so a
 * timer handed over twice (an alarm retried after a failure) produces its effect once.
 */
export async function onJourneyTimer(env: Env, timer: JourneyTimer, now: number): Promise<{ retryAt: number } | void> {
  // Independent reads (and the record that the timer fired, whatever the rules decide, so ops can
  // see it) asked together: on the jobs consumer's grouped env they are one round trip.
  const [stored, order, journey] = await Promise.all([
    loadPolicy(env.DB),
    loadOrderSummary(env.DB, timer.orderId),
    loadJourney(env.DB, timer.orderId),
    kvPutOnce(env.DB, kvKeys.timerFired(timer.orderId, timer.key), JSON.stringify({ kind: timer.kind, dueAt: timer.dueAt }), now),
  ]);
  const policy = stored.policy;
  if (!order || !journey) return;
  const drafts: (DecisionDraft | null)[] = [];
  let retryAt: number | null = null;
  if (timer.kind === "stall") {
    const [customer, route, trackingPage] = await Promise.all([
      loadCustomer(env.DB, order.customerId, policy),
      loadRoute(env.DB, journey.carrier, journey.origin, order.shippingPincode),
      trackingPageLink(env, order.id),
    ]);
    drafts.push(decideDelayAlert({ order, journey, customer, route, trackingPage }, policy, now));
    drafts.push(decideStatusNotification({ order, status: "delayed", eventAt: now, journey, trackingPage }, policy, now));
  } else if (timer.kind === "cod_timeout") {
    const [requestedAt, risk] = await Promise.all([decidedAt(env.DB, codConfirmationKey(order.id, "request")), getCodRisk(env.DB, order.id)]);
    const askedAt = requestedAt ?? timer.stateAt;
    // The question may have gone out later than the order (late ingest, quiet hours): the customer
    // gets the full timeout from when it was asked, so the timer comes back then.
    const dueAt = askedAt + policy.cod_confirmation.timeoutHours * HOUR_MS;
    if (now < dueAt && journey.state === "cod_confirmation_pending") return { retryAt: dueAt };
    drafts.push(decideCodConfirmation({ order, state: journey.state, destinationRtoRate: risk?.destinationRtoRate ?? null, risk, confirmationRequestedAt: askedAt, reply: null }, policy, now));
    if (journey.state === "cod_confirmation_pending") {
      // Still silent: a second reminder, and (if the policy auto-cancels) the timer comes back for the cancel.
      drafts.push(decideCodReminder(order, askedAt, policy, now));
      const cancelAt = autoCancelDueAt(dueAt, policy);
      if (cancelAt !== null && now < cancelAt) retryAt = cancelAt;
      else if (cancelAt !== null) drafts.push(decideCodAutoCancel(order, dueAt, await shopifyOrderState(env.DB, order.id), policy, now));
    }
  } else if (timer.kind === "ndr_timeout") {
    const result = await ndrNoAnswer(env.DB, timer, order, journey, policy, now);
    if (result && "retryAt" in result) return result;
    drafts.push(result);
  } else {
    const [customer, doneKeys, openTicket, openReturn] = await Promise.all([
      loadCustomer(env.DB, order.customerId, policy),
      dedupeKeysFor(env.DB, "post_delivery", order.id),
      hasOpenTicket(env.DB, order.customerId, order.id),
      hasOpenReturn(env.DB, order.customerId, order.id),
    ]);
    const stepsDone = doneKeys.flatMap((k) => parsePostDeliveryKey(k)?.step ?? []);
    drafts.push(decidePostDelivery({ order, journey, customer, openTicket, openReturn, stepsDone }, policy, now));
  }
  await commitDrafts(env, drafts, stored, now);
  if (retryAt !== null) return { retryAt };
}
