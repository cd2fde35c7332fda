/** Pure evaluation of the escalation rules (all/any) and of routing by category and language, each with its reason in words. */
import type { HelpdeskName } from "../canonical/vocabulary";
import { customerLanguage } from "./contact-policy";
import type { SupportEscalationContext } from "./context";
import { HOUR_MS, hours, rupees } from "./format";
import { enabledRules, forHelpdesk, type EscalationPriority, type EscalationRule, type SupportEscalationPolicy, type TicketLanguage } from "./escalation-policy";

export interface ConditionResult {
  /** e.g. "unanswered 4.0 h ≥ 4 h". */
  text: string;
  holds: boolean;
}

export interface RuleResult {
  name: string;
  rule: EscalationRule;
  fired: boolean;
  conditions: ConditionResult[];
}

const PRIORITY_RANK: Record<EscalationPriority, number> = { normal: 0, high: 1, urgent: 2 };

/** Each condition the rule sets, whether it holds now, in words with the numbers. */
export function checkConditions(rule: EscalationRule, ctx: SupportEscalationContext, now: number): ConditionResult[] {
  const { ticket, customer, journey } = ctx;
  const w = rule.when;
  const out: ConditionResult[] = [];
  if (w.unansweredHours !== null) {
    const waiting = now - ticket.createdAt;
    const holds = ticket.firstResponseAt === null && waiting >= w.unansweredHours * HOUR_MS;
    out.push({ holds, text: ticket.firstResponseAt === null ? `unanswered ${hours(waiting)} (≥ ${w.unansweredHours} h)` : `answered (needs unanswered ≥ ${w.unansweredHours} h)` });
  }
  if (w.minLtvPaise !== null) {
    const ltv = customer?.ltv ?? null;
    out.push({ holds: ltv !== null && ltv >= w.minLtvPaise, text: `customer LTV ${ltv === null ? "unknown" : rupees(ltv)} (≥ ${rupees(w.minLtvPaise)})` });
  }
  if (w.categories !== null) {
    out.push({ holds: w.categories.includes(ticket.category), text: `category ${ticket.category} (one of ${w.categories.join(", ")})` });
  }
  if (w.customerTiers !== null) {
    const tier = customer?.tier ?? null;
    out.push({ holds: tier !== null && w.customerTiers.includes(tier), text: `customer tier ${tier ?? "unknown"} (one of ${w.customerTiers.join(", ")})` });
  }
  if (w.journeyStates !== null) {
    const state = journey?.state ?? null;
    out.push({ holds: state !== null && w.journeyStates.includes(state), text: `journey ${state ?? "no order"} (one of ${w.journeyStates.join(", ")})` });
  }
  return out;
}

/** Every enabled rule with its verdict: `all` needs every condition, `any` one. */
export function evaluateRules(p: SupportEscalationPolicy, ctx: SupportEscalationContext, now: number): RuleResult[] {
  return enabledRules(p).map(([name, rule]) => {
    const conditions = checkConditions(rule, ctx, now);
    const fired = conditions.length > 0 && (rule.match === "all" ? conditions.every((c) => c.holds) : conditions.some((c) => c.holds));
    return { name, rule, fired, conditions };
  });
}

/** "rule high_value_not_received (all): unanswered 4.0 h (≥ 4 h), customer LTV ₹16,000 (≥ ₹15,000), category …". */
export function ruleReason(r: RuleResult): string {
  const shown = r.rule.match === "all" ? r.conditions : r.conditions.filter((c) => c.holds);
  return `rule ${r.name} (${r.rule.match}): ${shown.map((c) => c.text).join(", ")}`;
}

export function highestPriority(fired: readonly RuleResult[]): EscalationPriority {
  return fired.reduce<EscalationPriority>((best, r) => (PRIORITY_RANK[r.rule.priority] > PRIORITY_RANK[best] ? r.rule.priority : best), "normal");
}

/** The ticket's language from what the customer wrote (Devanagari or Hinglish → hi), as the contact policy reads it. */
export function ticketLanguage(ticket: { subject: string; body?: string }): { language: TicketLanguage; reason: string } {
  return customerLanguage({ locale: null, inboundTexts: [`${ticket.subject} ${ticket.body ?? ""}`.trim()] });
}

export interface Route {
  assignee: string | null;
  group: string | null;
  /** "category=return_refund, language=hi → group 4300000123 (Returns-Hindi)". */
  reason: string;
}

/** The first route whose category and language match the ticket, else the default; values for this helpdesk. */
export function routeTicket(p: SupportEscalationPolicy, helpdesk: HelpdeskName, category: string, language: TicketLanguage): Route {
  const facts = `category=${category}, language=${language}`;
  const hit = p.routing.routes.find((r) => (r.category === null || r.category === category) && (r.language === null || r.language === language));
  const source = hit ?? p.routing.default;
  const assignee = forHelpdesk(source.assignee, helpdesk);
  const group = forHelpdesk(source.group, helpdesk);
  const target = [group ? `group ${group}` : null, assignee ? `assignee ${assignee}` : null].filter(Boolean).join(", ") || `no assignee or group for ${helpdesk} (unchanged)`;
  return { assignee, group, reason: hit ? `${facts} → ${target} (route ${hit.name})` : `${facts} → ${target} (default route)` };
}
