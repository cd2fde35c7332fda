/** support_escalation: slow, valuable or delivered-but-not-received tickets → priority, assignee, a full-context note, and a WhatsApp acknowledgement. */
import type { ActionSpec } from "../../canonical/actions";
import type { SupportEscalationContext, TicketSummary } from "../context";
import { HOUR_MS, hours, rupees } from "../format";
import { assigneeFor, type Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, helpdeskUpdate, internalNote, whatsappTemplate } from "./build";
import { orderHistoryNote } from "./order-history";

const CLOSED = new Set(["solved", "closed"]);

/** One escalation per ticket, whichever rule escalates it first (this one or an unhealthy WISMO). */
export function escalationDedupeKey(ticket: Pick<TicketSummary, "helpdesk" | "ticketId">): string {
  return `support_escalation:ticket:${ticket.helpdesk}:${ticket.ticketId}`;
}

export function decideSupportEscalation(ctx: SupportEscalationContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.support_escalation;
  const { ticket, customer, order, journey } = ctx;
  if (CLOSED.has(ticket.status)) return null;

  const reasons: string[] = [];
  const waitingMs = now - ticket.createdAt;
  if (ticket.firstResponseAt === null && waitingMs >= p.noResponseHours * HOUR_MS) {
    reasons.push(`open ${hours(waitingMs)} with no response (threshold ${p.noResponseHours} h)`);
  }
  if (customer && customer.ltv >= p.ltvPaise) reasons.push(`customer LTV ${rupees(customer.ltv)} ≥ ${rupees(p.ltvPaise)}`);
  if (p.categories.includes(ticket.category)) reasons.push(`category ${ticket.category} escalates on its own`);
  if (!reasons.length) return null;

  const offset = policy.quietHours.utcOffsetMinutes;
  const priority = reasons.length >= 2 ? p.priorityWhenSeveral : p.priority;
  const assignee = assigneeFor(p.assignee, ticket.helpdesk);
  const actions: ActionSpec[] = [
    helpdeskUpdate(ticket.helpdesk, ticket.ticketId, { priority, assignee, status: null, tags: p.tags }),
    internalNote(ticket.helpdesk, ticket.ticketId, `Escalated by Switchyard: ${reasons.join("; ")}.\n\n${orderHistoryNote(order, journey, ctx.scans, offset)}`),
  ];
  const phone = customer?.phone ?? order?.phone ?? null;
  if (phone) actions.push(whatsappTemplate(phone, p.ackTemplate, [firstName(customer?.firstName ?? order?.customerFirstName ?? null), order?.name ?? `ticket ${ticket.ticketId}`]));

  return draft(
    {
      type: "support_escalation",
      subjectType: "ticket",
      subjectId: `${ticket.helpdesk}:${ticket.ticketId}`,
      dedupeKey: escalationDedupeKey(ticket),
      reasons: [...reasons, `priority ${priority}, assignee ${assignee ?? "unchanged"}`],
      inputs: {
        category: ticket.category,
        createdAt: ticket.createdAt,
        firstResponseAt: ticket.firstResponseAt,
        waitingHours: waitingMs / HOUR_MS,
        ltv: customer?.ltv ?? null,
        orderId: order?.id ?? null,
        journeyState: journey?.state ?? null,
        scans: ctx.scans.length,
      },
      actions,
    },
    policy,
    now,
  );
}
