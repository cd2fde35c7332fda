/**
 * Event-driven decisions: what the decision layer does the moment an ingested event changes an
 * order's journey, a ticket, a reply or a SKU's stock. Time-based rules live in journey-timers.ts
 * and cron.ts.
 */
import type { CanonicalBatch } from "../canonical/model";
import type { AppliedBatch } from "../db/canonical-writes";
import type { StoredPolicy } from "../db/policies";
import type { NotifiedStatus } from "../decisions/policy";
import {
  decideCodConfirmation,
  decideNdrFollowup,
  decideReturnProcessing,
  decideStatusNotification,
  decideSupportEscalation,
  decideWismoAutoreply,
} from "../decisions/rules";
import type { DecisionDraft } from "../decisions/types";
import type { JourneyState } from "../durable-objects/journey-machine";
import type { ForwardResult } from "./forward";
import { applyMessageStatus } from "../db/actions";
import { getCodRisk } from "../db/cod-risk";
import { fallBackFailedMessage } from "../pipeline/message-fallback";
import { commitDrafts } from "./commit";
import { loadCustomer, loadOrderAndJourney, loadOrderForJourney, loadOrderSummary, loadScans, loadTicket, orderIdByName } from "../db/rule-inputs";
import { parseNdrButton } from "../canonical/vocabulary";
import { refreshBundles } from "./bundles";
import { decideStockForSkus, pushStockEffects } from "./stock";
import { runWorkflows } from "./workflows";
import { trackingPageLink } from "./tracking-link";
import { decideCodInShopify } from "./cod-shopify";
import { ndrReplyDraft, recordNdrAndRto } from "./ndr-rto";

const NOTIFIED: Partial<Record<JourneyState, NotifiedStatus>> = {
  confirmed: "confirmed",
  shipped: "shipped",
  out_for_delivery: "out_for_delivery",
  delivered: "delivered",
};

export async function decideOnEvent(env: Env, batch: CanonicalBatch, applied: AppliedBatch, forwarded: ForwardResult, stored: StoredPolicy, now: number): Promise<void> {
  const policy = stored.policy;
  const drafts: (DecisionDraft | null)[] = [];

  for (const update of forwarded.journeys) {
    if (update.newTransitions.length === 0) continue;
    const { order, journey } = await loadOrderForJourney(env.DB, update.orderId, update.snapshot);
    if (!order) continue; // the order itself has not arrived yet: decided when it does
    for (const t of update.newTransitions) {
      const status = NOTIFIED[t.to];
      // Only the transition that is the journey's current state is news to the customer.
      if (status && t.to === update.snapshot.state) drafts.push(decideStatusNotification({ order, status, eventAt: t.at, journey, trackingPage: await trackingPageLink(env, order.id) }, policy, now));
      if (t.to === "failed_attempt" && journey) drafts.push(decideNdrFollowup({ order, journey, reply: null }, policy, now));
      if (t.to === "cod_confirmation_pending") {
        const risk = await getCodRisk(env.DB, order.id);
        drafts.push(decideCodConfirmation({ order, state: t.to, destinationRtoRate: risk?.destinationRtoRate ?? null, risk, confirmationRequestedAt: null, reply: null }, policy, now));
      }
    }
  }

  for (const r of batch.returns) {
    const order = await loadOrderSummary(env.DB, r.orderId);
    if (!order) continue;
    const customer = await loadCustomer(env.DB, order.customerId, policy);
    drafts.push(
      decideReturnProcessing(
        { order, customer, event: { kind: r.kind, refundId: r.refundId, amount: r.amount, restock: r.restock, lineItems: r.lineItems, occurredAt: Date.parse(r.occurredAt) } },
        policy,
        now,
      ),
    );
  }

  for (const t of applied.tickets) {
    const ticket = await loadTicket(env.DB, t.id);
    if (!ticket) continue;
    const { order, journey } = ticket.orderId ? await loadOrderAndJourney(env.DB, ticket.orderId) : { order: null, journey: null };
    if (ticket.category === "wismo") drafts.push(decideWismoAutoreply({ ticket, order, journey, trackingPage: order ? await trackingPageLink(env, order.id) : null }, policy, now));
    const customer = await loadCustomer(env.DB, ticket.customerId ?? order?.customerId ?? null, policy);
    const scans = ticket.orderId ? await loadScans(env.DB, ticket.orderId) : [];
    drafts.push(decideSupportEscalation({ ticket, customer, order, journey, scans }, policy, now));
  }

  for (const { message, orderId } of applied.messages) {
    const answer = message.direction === "inbound" ? parseNdrButton(message.payload) : null;
    if (!answer || !message.payload) continue;
    const target = (await orderIdByName(env.DB, answer.orderName)) ?? orderId;
    if (!target) continue;
    const { order, journey } = await loadOrderAndJourney(env.DB, target);
    if (order && journey) drafts.push(await ndrReplyDraft(env.DB, { order, journey, message }, policy, now));
  }

  // WhatsApp delivery receipts move the action that sent the message (sent → delivered → read, or failed).
  for (const { message } of applied.messages) {
    if (message.direction === "outbound" && message.status !== "received") {
      const moved = await applyMessageStatus(env.DB, message.messageId, message.status, message.error, Date.parse(message.occurredAt));
      // A message that failed after sending goes by the next channel (pipeline/message-fallback.ts).
      if (moved && message.status === "failed") await fallBackFailedMessage(env, message.messageId, now);
    }
  }

  drafts.push(...(await decideCodInShopify(env, batch, applied, forwarded, policy, now)));
  await commitDrafts(env, drafts, stored, now);
  await pushStockEffects(env, forwarded.stock, now);
  await refreshBundles(env, [...new Set(forwarded.stock.map((x) => x.sku))], now);
  const erpSkus = applied.inventory.filter((i) => i.record.source !== "shopify").map((i) => i.sku);
  await decideStockForSkus(env, [...new Set(erpSkus)], stored, now);
  await runWorkflows(env, batch, applied, forwarded, now);
  await recordNdrAndRto(env, forwarded, now);
}
