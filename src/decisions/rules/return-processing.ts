/** return_processing: a return or refund → ERP restock, order tag, customer update, marketing suppression in the CRM. */
import type { ActionSpec } from "../../canonical/actions";
import type { ReturnProcessingContext } from "../context";
import { DAY_MS, rupees } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { customerEmail, draft, emailItems, firstName, whatsappTemplate } from "./build";

export function decideReturnProcessing(ctx: ReturnProcessingContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.return_processing;
  const { order, event, customer } = ctx;
  const actions: ActionSpec[] = [];
  const reasons = [`${event.kind.replace(/_/g, " ")} on ${order.name}${event.amount ? ` (${rupees(event.amount)})` : ""}`];

  const restockLines = event.lineItems.filter((l): l is { sku: string; quantity: number } => l.sku !== null && l.quantity > 0);
  if (event.restock && event.kind !== "return_requested" && restockLines.length) {
    actions.push({ kind: "zoho.restock", connector: "zoho", params: { orderId: order.id, lines: restockLines } });
    reasons.push(`restock ${restockLines.map((l) => `${l.quantity} × ${l.sku}`).join(", ")} in the ERP`);
  }
  actions.push({ kind: "shopify.tags_add", connector: "shopify", params: { resource: "order", id: order.id, tags: [event.kind.replace(/_/g, "-")] } });

  const phone = order.phone ?? customer?.phone ?? null;
  const name = firstName(order.customerFirstName ?? customer?.firstName ?? null);
  const email = order.email ?? customer?.email ?? null;
  if (phone && event.kind === "return_requested") actions.push(whatsappTemplate(phone, p.requestedTemplate, [name, order.name]));
  if (phone && event.kind === "refunded") actions.push(whatsappTemplate(phone, p.refundedTemplate, [name, order.name, rupees(event.amount)]));
  // Without a number the update goes by email.
  if (!phone && email && (event.kind === "return_requested" || event.kind === "refunded")) {
    const items = event.lineItems.map((l) => order.lineItems.find((o) => o.sku !== null && o.sku === l.sku)).filter((l) => l !== undefined);
    actions.push(customerEmail(email, "return_update", { firstName: name, orderName: order.name, items: emailItems(items), returnKind: event.kind, amount: event.amount ? rupees(event.amount) : undefined }, policy));
  }

  if (email || phone) {
    // Promotions to someone mid-return read as tone-deaf: suppress until some days after it settles.
    const until = event.kind === "return_requested" ? null : new Date(now + p.suppressDays * DAY_MS).toISOString();
    actions.push({
      kind: "klaviyo.profile_properties",
      connector: "klaviyo",
      params: { email, phone, properties: { switchyard_return_open: event.kind === "return_requested", switchyard_suppress_marketing_until: until } },
    });
    reasons.push(event.kind === "return_requested" ? "marketing suppressed in the CRM while the return is open" : `marketing suppressed for ${p.suppressDays} days`);
  }

  return draft(
    {
      type: "return_processing",
      subjectType: "order",
      subjectId: order.id,
      dedupeKey: `return_processing:order:${order.id}:${event.kind}:${event.refundId ?? event.occurredAt}`,
      reasons,
      inputs: { ...event },
      actions,
    },
    policy,
    now,
  );
}
