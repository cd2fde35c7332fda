/**
 * support_escalation: the brand's escalation rules (each a set of conditions combined with all/any,
 * decisions/escalation-policy.ts) → priority, the routed assignee or group, a full-context note and
 * a WhatsApp acknowledgement. The reasons name each rule that fired with its numbers, and the route.
 */
import type { ActionSpec } from "../../canonical/actions";
import type { SupportEscalationContext, TicketSummary } from "../context";
import { evaluateRules, highestPriority, routeTicket, ruleReason, ticketLanguage } from "../escalation-rules";
import { HOUR_MS } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, internalNote, whatsappTemplate } from "./build";
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

  const results = evaluateRules(p, ctx, now);
  const fired = results.filter((r) => r.fired);
  if (!fired.length) return null;

  const offset = policy.quietHours.utcOffsetMinutes;
  const priority = highestPriority(fired);
  const language = ticketLanguage(ticket);
  const route = routeTicket(p, ticket.helpdesk, ticket.category, language.language);
  const reasons = fired.map(ruleReason);
  const actions: ActionSpec[] = [
    { kind: "helpdesk.update", connector: "helpdesk", params: { helpdesk: ticket.helpdesk, ticketId: ticket.ticketId, priority, assignee: route.assignee, group: route.group, status: null, tags: p.tags } },
    internalNote(ticket.helpdesk, ticket.ticketId, `Escalated by Switchyard: ${reasons.join("; ")}.\nRouted: ${route.reason}.\n\n${orderHistoryNote(order, journey, ctx.scans, offset)}`),
  ];
  const phone = customer?.phone ?? order?.phone ?? null;
  if (phone) actions.push(whatsappTemplate(phone, p.ackTemplate, [firstName(customer?.firstName ?? order?.customerFirstName ?? null), order?.name ?? `ticket ${ticket.ticketId}`]));

  return draft(
    {
      type: "support_escalation",
      subjectType: "ticket",
      subjectId: `${ticket.helpdesk}:${ticket.ticketId}`,
      dedupeKey: escalationDedupeKey(ticket),
      reasons: [...reasons, `route: ${route.reason}`, `priority ${priority}`],
      inputs: {
        category: ticket.category,
        language: language.language,
        createdAt: ticket.createdAt,
        firstResponseAt: ticket.firstResponseAt,
        waitingHours: (now - ticket.createdAt) / HOUR_MS,
        ltv: customer?.ltv ?? null,
        tier: customer?.tier ?? null,
        orderId: order?.id ?? null,
        journeyState: journey?.state ?? null,
        scans: ctx.scans.length,
        rules: Object.fromEntries(results.map((r) => [r.name, r.fired])),
        route: { assignee: route.assignee, group: route.group },
      },
      actions,
    },
    policy,
    now,
  );
}
