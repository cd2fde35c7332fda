/**
 * COD answers that reach Shopify (issue 19), per event: the customer's Confirm/Cancel button, a paid
 * Razorpay link, an RTO that makes a repeat offender, and the pay-now link once Razorpay created it.
 * Reads what the rules need and hands back drafts; pipeline/commit.ts records them and fills the outbox
 * (idempotent keys: a redelivered webhook decides nothing twice and sends nothing twice).
 */
import type { CanonicalBatch } from "../canonical/model";
import { parseCodButton } from "../canonical/vocabulary";
import { paymentLinkOf } from "../connectors/razorpay";
import { resolveOrderRef, type AppliedBatch } from "../db/canonical-writes";
import { customerRtoOrders, shopifyOrderState } from "../db/cod-shopify";
import { loadPolicy } from "../db/policies";
import { loadOrderSummary } from "../db/rule-inputs";
import type { Policy } from "../decisions/policy";
import { decideCodAnswer, decideCodBlocked, decideCodPaid, decidePayLinkMessage } from "../decisions/rules/cod-shopify";
import type { DecisionDraft } from "../decisions/types";
import { logEvent } from "../lib/log";
import { commitDrafts } from "./commit";
import type { ForwardResult } from "./forward";

const RTO_STATES = new Set(["rto_initiated", "rto_delivered"]);

export async function decideCodInShopify(env: Env, batch: CanonicalBatch, applied: AppliedBatch, forwarded: ForwardResult, policy: Policy, now: number): Promise<(DecisionDraft | null)[]> {
  const drafts: (DecisionDraft | null)[] = [];

  for (const { message } of applied.messages) {
    const reply = message.direction === "inbound" ? parseCodButton(message.payload) : null;
    if (!reply) continue;
    const orderId = await resolveOrderRef(env.DB, reply.orderRef);
    const order = orderId ? await loadOrderSummary(env.DB, orderId) : null;
    if (!order) continue;
    drafts.push(decideCodAnswer(order, { confirmed: reply.confirmed, at: Date.parse(message.occurredAt), messageId: message.messageId }, await shopifyOrderState(env.DB, order.id), policy, now));
  }

  for (const p of batch.payments) {
    const orderId = await resolveOrderRef(env.DB, p.orderRef);
    const order = orderId ? await loadOrderSummary(env.DB, orderId) : null;
    if (!order) {
      // A link Switchyard did not make, or for an order not synced: kept as the raw event, nothing done in Shopify.
      logEvent("payment_unknown_order", { source: p.source, linkId: p.linkId });
      continue;
    }
    drafts.push(decideCodPaid(order, { linkId: p.linkId, paymentId: p.paymentId, amount: p.amount, paidAt: Date.parse(p.paidAt) }, await shopifyOrderState(env.DB, order.id), policy, now));
  }

  const customers = new Set<string>();
  for (const update of forwarded.journeys) {
    if (!update.newTransitions.some((t) => RTO_STATES.has(t.to))) continue;
    const order = await loadOrderSummary(env.DB, update.orderId);
    if (order?.customerId) customers.add(order.customerId);
  }
  for (const customerId of customers) drafts.push(decideCodBlocked(customerId, await customerRtoOrders(env.DB, customerId), policy, now));
  return drafts;
}

/** Razorpay created the pay-now link (a `cod_payment_link` action was sent): the customer gets it on WhatsApp. */
export async function sendPaymentLinkToCustomer(env: Env, params: { orderId: string; amountPaise: number; discountPaise: number }, response: unknown, now: number): Promise<void> {
  const link = paymentLinkOf(response);
  if (!link) return;
  const order = await loadOrderSummary(env.DB, params.orderId);
  if (!order) return;
  const stored = await loadPolicy(env.DB);
  await commitDrafts(env, [decidePayLinkMessage(order, link, params.amountPaise, params.discountPaise, stored.policy, now)], stored, now);
}
