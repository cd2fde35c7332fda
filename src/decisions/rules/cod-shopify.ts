/**
 * What a COD order's answer, its silence and its payment do in Shopify (issue 19): confirm → tag and
 * release Switchyard's hold; cancel → orderCancel (restock, reason CUSTOMER, customer notified) and a
 * tag; no answer → a fulfilment hold the warehouse sees, an ops alert, a second reminder and, if the
 * policy says so, an auto-cancel later; paid by link → mark paid, tag, release. Pure: each function
 * takes what was read and returns a draft (type cod_confirmation, so its mode is the COD rule's).
 */
import type { ActionSpec } from "../../canonical/actions";
import { COD_TAGS, codBlockedKey, codButtonPayload, codShopifyKey } from "../../canonical/vocabulary";
import type { OrderSummary } from "../context";
import { HOUR_MS, hours, rupees } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, opsAlert, whatsappTemplate } from "./build";

const tag = (resource: "order" | "customer", id: string, t: string): ActionSpec => ({ kind: "shopify.tags_add", connector: "shopify", params: { resource, id, tags: [t] } });
const releaseHold = (orderId: string): ActionSpec => ({ kind: "shopify_release_hold", connector: "shopify", params: { orderId } });

/** What Shopify (as last synced to D1) says about the order beyond the summary. */
export interface ShopifyOrderState {
  fulfillmentStatus: string | null;
  financialStatus: string | null;
}

const shipped = (s: ShopifyOrderState) => s.fulfillmentStatus === "fulfilled" || s.fulfillmentStatus === "partial";
const subject = (order: OrderSummary) => ({ type: "cod_confirmation" as const, subjectType: "order" as const, subjectId: order.id });

/** The customer's Confirm or Cancel button, as Shopify should see it. */
export function decideCodAnswer(order: OrderSummary, answer: { confirmed: boolean; at: number; messageId: string }, shopify: ShopifyOrderState, policy: Policy, now: number): DecisionDraft | null {
  if (order.paymentMethod !== "cod") return null;
  const inputs = { answeredAt: answer.at, messageId: answer.messageId, fulfillmentStatus: shopify.fulfillmentStatus };
  if (answer.confirmed) {
    if (order.cancelledAt !== null) return null;
    return draft(
      {
        ...subject(order),
        dedupeKey: codShopifyKey(order.id, "confirmed"),
        reasons: [`the customer confirmed COD order ${order.name} on WhatsApp: tagged ${COD_TAGS.confirmed}, any hold Switchyard placed released`],
        inputs,
        actions: [tag("order", order.id, COD_TAGS.confirmed), releaseHold(order.id)],
      },
      policy,
      now,
    );
  }
  if (order.cancelledAt !== null) return null;
  if (shipped(shopify)) {
    // Too late to cancel: the parcel is out. A person deals with it (refuse at the door, or an RTO).
    return draft(
      {
        ...subject(order),
        dedupeKey: codShopifyKey(order.id, "cancelled"),
        reasons: [`the customer asked to cancel ${order.name} on WhatsApp, but Shopify shows it ${shopify.fulfillmentStatus}: not cancelled, ops alerted`],
        inputs,
        actions: [opsAlert(`COD order ${order.name}: customer cancelled after fulfilment`, `${order.name} (${rupees(order.totalPrice)} COD) was already ${shopify.fulfillmentStatus} when the customer pressed Cancel. Stop the shipment with the carrier or expect an RTO.`)],
      },
      policy,
      now,
    );
  }
  return draft(
    {
      ...subject(order),
      dedupeKey: codShopifyKey(order.id, "cancelled"),
      reasons: [`the customer cancelled COD order ${order.name} on WhatsApp: cancel in Shopify (restock, reason CUSTOMER, customer notified), tagged ${COD_TAGS.cancelled}`],
      inputs,
      actions: [
        { kind: "shopify_order_cancel", connector: "shopify", params: { orderId: order.id, reason: "CUSTOMER", restock: true, notifyCustomer: true, staffNote: "Customer cancelled on WhatsApp (COD confirmation)" } },
        tag("order", order.id, COD_TAGS.cancelled),
      ],
    },
    policy,
    now,
  );
}

/** Added to the COD timeout decision: the hold the warehouse sees in Shopify (reason and note from the policy). */
export function codTimeoutHoldActions(order: Pick<OrderSummary, "id">, policy: Policy): ActionSpec[] {
  const p = policy.cod_shopify;
  return [{ kind: "shopify_fulfillment_hold", connector: "shopify", params: { orderId: order.id, reason: p.holdReason, note: p.holdNote } }];
}

/** The second reminder at the timeout, its own decision so it goes out even while the hold waits for approval. */
export function decideCodReminder(order: OrderSummary, askedAt: number, policy: Policy, now: number): DecisionDraft | null {
  if (order.paymentMethod !== "cod" || order.cancelledAt !== null || !order.phone) return null;
  return draft(
    {
      ...subject(order),
      dedupeKey: codShopifyKey(order.id, "reminder"),
      reasons: [`no answer to the COD confirmation for ${hours(now - askedAt)} (timeout ${policy.cod_confirmation.timeoutHours} h): second reminder`],
      inputs: { confirmationRequestedAt: askedAt },
      actions: [
        whatsappTemplate(order.phone, policy.cod_shopify.reminderTemplate, [firstName(order.customerFirstName), order.name, rupees(order.totalPrice)], [
          { type: "quick_reply", param: codButtonPayload("confirm", order.name) },
          { type: "quick_reply", param: codButtonPayload("cancel", order.name) },
        ]),
      ],
    },
    policy,
    now,
  );
}

/** When the auto-cancel is due, or null when the policy does not auto-cancel. */
export function autoCancelDueAt(timeoutAt: number, policy: Policy): number | null {
  const p = policy.cod_shopify;
  return p.autoCancel ? timeoutAt + p.autoCancelAfterHours * HOUR_MS : null;
}

/** Still unconfirmed well after the timeout, and the policy auto-cancels: cancel in Shopify (waits for approval under approvals.codHolds). */
export function decideCodAutoCancel(order: OrderSummary, timeoutAt: number, shopify: ShopifyOrderState, policy: Policy, now: number): DecisionDraft | null {
  const due = autoCancelDueAt(timeoutAt, policy);
  if (due === null || now < due || order.paymentMethod !== "cod" || order.cancelledAt !== null || shipped(shopify)) return null;
  return draft(
    {
      ...subject(order),
      dedupeKey: codShopifyKey(order.id, "auto_cancel"),
      reasons: [`still no answer ${hours(now - timeoutAt)} after the COD timeout (policy: auto-cancel after ${policy.cod_shopify.autoCancelAfterHours} h): cancel in Shopify and restock`],
      inputs: { timeoutAt, autoCancelAfterHours: policy.cod_shopify.autoCancelAfterHours },
      actions: [
        { kind: "shopify_order_cancel", connector: "shopify", params: { orderId: order.id, reason: "OTHER", restock: true, notifyCustomer: true, staffNote: "COD order never confirmed by the customer (Switchyard auto-cancel)" } },
        tag("order", order.id, COD_TAGS.cancelled),
        opsAlert(`COD order ${order.name} auto-cancelled`, `${order.name} (${rupees(order.totalPrice)} COD) was never confirmed; cancelled in Shopify with restock.`),
      ],
    },
    policy,
    now,
  );
}

/** Paid by the pay-now link: the order is prepaid now. */
export function decideCodPaid(order: OrderSummary, payment: { linkId: string; paymentId: string; amount: number; paidAt: number }, shopify: ShopifyOrderState, policy: Policy, now: number): DecisionDraft | null {
  const inputs = { linkId: payment.linkId, paymentId: payment.paymentId, amountPaise: payment.amount, paidAt: payment.paidAt, financialStatus: shopify.financialStatus };
  if (order.cancelledAt !== null) {
    return draft(
      {
        ...subject(order),
        dedupeKey: codShopifyKey(order.id, "paid"),
        reasons: [`${rupees(payment.amount)} paid by Razorpay link ${payment.linkId} for ${order.name}, which is cancelled: refund it in Razorpay`],
        inputs,
        actions: [opsAlert(`Payment for cancelled order ${order.name}`, `Razorpay payment ${payment.paymentId} (${rupees(payment.amount)}, link ${payment.linkId}) arrived for ${order.name}, which is cancelled. Refund it from the Razorpay Dashboard.`)],
      },
      policy,
      now,
    );
  }
  // Shopify refuses orderMarkAsPaid on an order already fully paid; a paid order only gets the tag and the release.
  const alreadyPaid = shopify.financialStatus === "paid";
  return draft(
    {
      ...subject(order),
      dedupeKey: codShopifyKey(order.id, "paid"),
      reasons: [`the customer paid ${rupees(payment.amount)} by Razorpay link ${payment.linkId} (payment ${payment.paymentId}): ${alreadyPaid ? "already paid in Shopify" : "marked paid in Shopify"}, tagged ${COD_TAGS.converted}, hold released`],
      inputs,
      actions: [
        ...(alreadyPaid ? [] : [{ kind: "shopify_mark_paid", connector: "shopify", params: { orderId: order.id } } satisfies ActionSpec]),
        tag("order", order.id, COD_TAGS.converted),
        releaseHold(order.id),
      ],
    },
    policy,
    now,
  );
}

/** The pay-now link, once Razorpay created it, to the customer on WhatsApp (through the contact policy). */
export function decidePayLinkMessage(order: OrderSummary, link: { id: string; shortUrl: string }, amountPaise: number, discountPaise: number, policy: Policy, now: number): DecisionDraft | null {
  if (!order.phone || order.cancelledAt !== null) return null;
  return draft(
    {
      ...subject(order),
      dedupeKey: codShopifyKey(order.id, "pay_link"),
      reasons: [`pay-now link ${link.id} created: ${rupees(amountPaise)} instead of ${rupees(order.totalPrice)} COD (${rupees(discountPaise)} off)`],
      inputs: { linkId: link.id, amountPaise, discountPaise },
      actions: [whatsappTemplate(order.phone, policy.cod_shopify.payLinkTemplate, [firstName(order.customerFirstName), order.name, rupees(amountPaise), rupees(discountPaise), link.shortUrl])],
    },
    policy,
    now,
  );
}

/** A customer with N RTO orders: Shopify customer tag cod-blocked, once. */
export function decideCodBlocked(customerId: string, rto: { orders: number; names: string[] }, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.cod_shopify;
  if (!p.blockCustomers || rto.orders < p.blockAfterRtos) return null;
  return draft(
    {
      type: "cod_confirmation",
      subjectType: "customer",
      subjectId: customerId,
      dedupeKey: codBlockedKey(customerId),
      reasons: [`${rto.orders} orders came back as RTO (${rto.names.join(", ")}) ≥ ${p.blockAfterRtos}: customer tagged ${COD_TAGS.blocked} in Shopify`],
      inputs: { rtoOrders: rto.orders, orderNames: rto.names, blockAfterRtos: p.blockAfterRtos },
      actions: [tag("customer", customerId, COD_TAGS.blocked)],
    },
    policy,
    now,
  );
}
