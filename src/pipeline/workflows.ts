/** Workflows that run on every event, no decision needed: carrier status into Shopify, order context into tickets (kept true), CRM events, ERP deduction. */
import type { ActionSpec } from "../canonical/actions";
import type { CanonicalBatch } from "../canonical/model";
import { actionExists, enqueueActions } from "../db/actions";
import { loadOrderSummary, orderContact } from "../db/rule-inputs";
import { actionKey, erpDeductionPrefix } from "../canonical/vocabulary";
import type { AppliedBatch } from "../db/canonical-writes";
import type { ForwardResult } from "./forward";
import { orderContext } from "./helpdesk-context";
import { refreshTicketContext } from "./ticket-context";

type Job = { subjectType: string; subjectId: string; key: string; spec: ActionSpec };

export async function runWorkflows(env: Env, batch: CanonicalBatch, applied: AppliedBatch, forwarded: ForwardResult, now: number): Promise<void> {
  const jobs: Job[] = [];

  // Carrier scans mirrored into Shopify, so the order page and Shopify's own notifications are live.
  for (const { event, id, orderId } of applied.shipmentEvents) {
    if (!orderId || event.source === "shopify") continue;
    jobs.push({
      subjectType: "order",
      subjectId: orderId,
      key: `mirror:${id}`,
      spec: {
        kind: "shopify.fulfillment_event",
        connector: "shopify",
        params: { orderId, awb: event.awb, status: event.status, happenedAt: event.occurredAt, message: event.rawStatus, city: event.location, estimatedDeliveryAt: event.eta },
      },
    });
  }

  // Every ticket linked to an order gets the order's context as an internal note, kept true as the
  // journey moves (refreshTicketContext below, pipeline/ticket-context.ts).
  for (const t of applied.tickets) {
    if (!t.orderId) continue;
    const ctx = await orderContext(env.DB, t.orderId);
    if (!ctx) continue;
    jobs.push(klaviyo(`ticket:${t.id}`, "Opened Support Ticket", t.ticket.email, t.ticket.phone, { category: t.ticket.category, order: ctx.order.name, helpdesk: t.ticket.helpdesk }, t.ticket.createdAt));
  }

  // Returns and deliveries become CRM events, so flows suppress marketing at the right moment.
  for (const r of batch.returns) {
    const o = await orderContact(env.DB, r.orderId);
    if (o) jobs.push(klaviyo(`return:${r.source}:${r.sourceId}`, r.kind === "refunded" ? "Refund Issued" : "Return Requested", o.email, o.phone, { order: o.name, amount: r.amount / 100 }, r.occurredAt));
  }
  for (const u of forwarded.journeys) {
    for (const t of u.newTransitions) {
      if (t.to !== "delivered") continue;
      const o = await orderContact(env.DB, u.orderId);
      if (o) jobs.push(klaviyo(`delivered:${u.orderId}`, "Order Delivered", o.email, o.phone, { order: o.name }, new Date(t.at).toISOString()));
    }
  }

  // Money back on a prepaid order is a credit note in the ERP, so the books move with the refund
  // (the units, when restocked, come back as a sales return: decisions/rules/return-processing.ts).
  for (const r of batch.returns) {
    if (r.kind !== "refunded" || r.amount <= 0) continue;
    const order = await loadOrderSummary(env.DB, r.orderId);
    if (!order || order.paymentMethod !== "prepaid") continue;
    const rateOf = (sku: string) => order.lineItems.find((l) => l.sku === sku)?.unitPrice ?? 0;
    const lines = r.lineItems.filter((l): l is { sku: string; quantity: number } => Boolean(l.sku) && l.quantity > 0).map((l) => ({ ...l, rate: rateOf(l.sku) }));
    if (!lines.length) continue;
    const refundId = r.refundId ?? r.sourceId;
    jobs.push({ subjectType: "order", subjectId: r.orderId, key: `erp-credit:${r.orderId}:${refundId}`, spec: { kind: "zoho.credit_note", connector: "zoho", params: { orderId: r.orderId, orderName: order.name, refundId, lines } } });
  }
  // An RTO delivered back to the warehouse is a sales return in the ERP, once per order.
  for (const u of forwarded.journeys) {
    if (!u.newTransitions.some((t) => t.to === "rto_delivered")) continue;
    const order = await loadOrderSummary(env.DB, u.orderId);
    const lines = (order?.lineItems ?? []).filter((l) => l.sku && l.quantity > 0).map((l) => ({ sku: l.sku!, quantity: l.quantity }));
    if (order && lines.length) {
      jobs.push({ subjectType: "order", subjectId: u.orderId, key: `erp-return:rto:${u.orderId}`, spec: { kind: "zoho.restock", connector: "zoho", params: { orderId: u.orderId, lines, reason: "RTO delivered back to the warehouse" } } });
    }
  }

  // A new Shopify order deducts stock in the ERP (a sales order), one per order.
  for (const o of batch.orders) {
    if (o.cancelledAt || !(await isFirstSight(env.DB, o.id))) continue;
    const lines = o.lineItems.filter((l) => l.sku).map((l) => ({ sku: l.sku!, quantity: l.quantity, rate: l.unitPrice }));
    if (lines.length) jobs.push({ subjectType: "order", subjectId: o.id, key: erpDeductionPrefix(o.id), spec: { kind: "zoho.sales_order", connector: "zoho", params: { orderId: o.id, orderName: o.name, lines } } });
  }

  for (const j of jobs) {
    // Klaviyo needs an email or phone to find the profile.
    if (j.spec.kind === "klaviyo.event" && !j.spec.params.email && !j.spec.params.phone) continue;
    await enqueueActions(env, { decisionId: null, subjectType: j.subjectType, subjectId: j.subjectId, specs: [j.spec], keyPrefix: j.key }, now);
  }
  await refreshTicketContext(env, applied, forwarded, now);
}

function klaviyo(key: string, metric: string, email: string | null, phone: string | null, properties: Record<string, unknown>, time: string): Job {
  return {
    subjectType: "customer",
    subjectId: email ?? phone ?? "unknown",
    key: `crm:${key}`,
    spec: { kind: "klaviyo.event", connector: "klaviyo", params: { metric, email, phone, properties, time, uniqueId: key } },
  };
}

/** The outbox key dedupes anyway; this only avoids building a sales order for every orders/updated. */
async function isFirstSight(db: D1Database, orderId: string): Promise<boolean> {
  return !(await actionExists(db, actionKey(erpDeductionPrefix(orderId), 0, "zoho.sales_order")));
}
