/** wismo_autoreply: answer "where is my order" at first contact when the shipment is healthy; otherwise escalate with the context. */
import type { JourneyState, WismoContext } from "../context";
import { HOUR_MS, hours, localDate, localTime } from "../format";
import { assigneeFor, type Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, helpdeskUpdate, internalNote } from "./build";
import { orderHistoryNote } from "./order-history";
import { escalationDedupeKey } from "./support-escalation";

const BEFORE_SHIPPING: ReadonlySet<JourneyState> = new Set(["placed", "cod_confirmation_pending", "confirmed", "fulfilled"]);
const MOVING: ReadonlySet<JourneyState> = new Set(["shipped", "in_transit", "out_for_delivery"]);
/** How a journey state reads to the customer (shared with the WhatsApp answer, decisions/inbound-message.ts). */
export const STATE_TEXT: Partial<Record<JourneyState, string>> = {
  placed: "has been placed and is being prepared",
  cod_confirmation_pending: "is waiting for your COD confirmation",
  confirmed: "is confirmed and being packed",
  fulfilled: "is packed and waiting for the courier",
  shipped: "has been handed to the courier",
  in_transit: "is on its way",
  out_for_delivery: "is out for delivery today",
};

export function decideWismoAutoreply(ctx: WismoContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.wismo_autoreply;
  const { ticket, order, journey } = ctx;
  // First contact only: once a human (or we) answered, the conversation is theirs.
  if (ticket.category !== "wismo" || ticket.firstResponseAt !== null || ticket.status !== "open") return null;
  if (!order || !journey || order.cancelledAt !== null) return null;

  const offset = policy.quietHours.utcOffsetMinutes;
  const problem = shipmentProblem(journey, now, p.stallHours);
  if (problem) {
    // Not auto-answered: a wrong "it's on its way" is worse than a short wait for a person.
    return draft(
      {
        type: "support_escalation",
        subjectType: "ticket",
        subjectId: `${ticket.helpdesk}:${ticket.ticketId}`,
        dedupeKey: escalationDedupeKey(ticket),
        reasons: [`WISMO ticket on an unhealthy shipment: ${problem}`, "not auto-answered; escalated with the order and carrier context"],
        inputs: { ticketCategory: ticket.category, state: journey.state, lastScanAt: journey.lastScanAt, failedAttempts: journey.failedAttempts },
        actions: [
          helpdeskUpdate(ticket.helpdesk, ticket.ticketId, { priority: p.escalationPriority, assignee: assigneeFor(p.escalationAssignee, ticket.helpdesk), status: null, tags: ["wismo", "switchyard-escalated"] }),
          internalNote(ticket.helpdesk, ticket.ticketId, `Switchyard did not auto-answer: ${problem}.\n\n${orderHistoryNote(order, journey, [], offset)}`),
        ],
      },
      policy,
      now,
    );
  }

  const lines = wismoStatusLines(order.name, journey, offset, { trackingUrl: ctx.trackingPage?.url ?? journey.trackingUrl });
  lines.push("Reply here if anything looks wrong and we'll jump in.");

  const reasons = [`ticket classified WISMO, no response yet`, `shipment healthy: ${journey.state}${journey.lastScanAt ? `, last scan ${hours(now - journey.lastScanAt)} ago (stall threshold ${p.stallHours} h)` : ""}`];
  return draft(
    {
      type: "wismo_autoreply",
      subjectType: "ticket",
      subjectId: `${ticket.helpdesk}:${ticket.ticketId}`,
      dedupeKey: `wismo_autoreply:ticket:${ticket.helpdesk}:${ticket.ticketId}:first_contact`,
      reasons,
      inputs: { orderId: order.id, state: journey.state, lastScanAt: journey.lastScanAt, lastScanLocation: journey.lastScanLocation, eta: journey.eta, awb: journey.awb },
      actions: [{ kind: "helpdesk.reply", connector: "helpdesk", params: { helpdesk: ticket.helpdesk, ticketId: ticket.ticketId, body: lines.join("\n"), status: p.replyStatus } }],
    },
    policy,
    now,
  );
}

/**
 * The facts of a WISMO answer, one line each: status, last scan (place, local time), expected delivery
 * (the revised ETA when a delay alert set one), tracking link. The helpdesk reply and the WhatsApp
 * answer (decisions/inbound-message.ts) both say it this way.
 */
export function wismoStatusLines(
  orderName: string,
  journey: NonNullable<WismoContext["journey"]>,
  offset: number,
  links: { trackingUrl: string | null; revisedEta?: number | null },
): string[] {
  const lines = [`Hi! Your order ${orderName} ${STATE_TEXT[journey.state] ?? `is ${journey.state.replace(/_/g, " ")}`}.`];
  if (journey.lastScanAt) lines.push(`Last update from ${journey.carrier ?? "the courier"}: ${localTime(journey.lastScanAt, offset)}${journey.lastScanLocation ? ` at ${journey.lastScanLocation}` : ""}.`);
  if (links.revisedEta) lines.push(`Revised expected delivery: ${localDate(links.revisedEta, offset)}.`);
  else if (journey.eta) lines.push(`Expected delivery: ${localDate(journey.eta, offset)}.`);
  if (links.trackingUrl) lines.push(`Track it live: ${links.trackingUrl}`);
  return lines;
}

/** Why a shipment cannot be described as fine, or null when it can. */
export function shipmentProblem(journey: WismoContext["journey"] & object, now: number, stallHours: number): string | null {
  if (journey.failedAttempts > 0 || journey.state === "failed_attempt") return `${journey.failedAttempts || 1} failed delivery attempt(s)`;
  if (journey.state === "rto_initiated" || journey.state === "rto_delivered") return `shipment is returning to origin (${journey.state})`;
  if (BEFORE_SHIPPING.has(journey.state)) return null;
  if (!MOVING.has(journey.state)) return `order is ${journey.state.replace(/_/g, " ")}, not in transit`;
  const silentMs = now - (journey.lastScanAt ?? journey.stateAt);
  if (silentMs >= stallHours * HOUR_MS) return `stalled: no carrier scan for ${hours(silentMs)} (threshold ${stallHours} h)`;
  return null;
}
