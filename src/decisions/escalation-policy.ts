/**
 * The support_escalation section of the policy: named rules, each a set of conditions combined
 * with `all` or `any`, and routing (assignee or group per helpdesk by ticket category and language,
 * with a default). Also reads a policy saved in the old single-rule shape into this one.
 */
import { z } from "zod";
import { HELPDESKS, JOURNEY_STATES, type HelpdeskName } from "../canonical/vocabulary";

/** The same range messages as the rest of the policy (decisions/policy.ts, docs/policies.md). */
function bounded(min: number, max: number, unit: string, opts: { int?: boolean } = {}) {
  const range = `must be ${opts.int ? "a whole number " : ""}from ${min} to ${max} ${unit}`;
  const n = z.number({ error: range });
  return (opts.int ? n.int({ error: range }) : n).min(min, { error: range }).max(max, { error: range });
}

const Hours = bounded(0.25, 720, "hours");
const Paise = bounded(0, 1_000_000_000, "paise (₹0 to ₹1,00,00,000)", { int: true });
const Priority = z.enum(["normal", "high", "urgent"]);
export type EscalationPriority = z.infer<typeof Priority>;
const Category = z.string().min(1).max(100);
export const TICKET_LANGUAGES = ["en", "hi"] as const;
export type TicketLanguage = (typeof TICKET_LANGUAGES)[number];

/**
 * Who, per helpdesk: one value for every helpdesk, or one per helpdesk (each names agents its own
 * way: Freshdesk a numeric agent id; Gorgias and Zendesk a user id or an email). Null, or no entry
 * for a helpdesk, leaves that field of the ticket as it is.
 */
const PerHelpdesk = (value: z.ZodString) => z.union([value, z.partialRecord(z.enum(HELPDESKS), value)]).nullable();
const AgentRef = z.string().max(200);
/** Groups (Freshdesk group_id, Zendesk group_id) and teams (Gorgias assignee_team) are numeric ids in every API. */
const GroupRef = z.string().regex(/^\d{1,20}$/, "the helpdesk's numeric group (team) id");
const AssigneeRef = PerHelpdesk(AgentRef);
const GroupRefs = PerHelpdesk(GroupRef);
type PerHelpdeskValue = z.infer<typeof AssigneeRef>;

export function forHelpdesk(value: PerHelpdeskValue, helpdesk: HelpdeskName): string | null {
  const named = value === null || typeof value === "string" ? value : value[helpdesk];
  return named ? named : null;
}

/**
 * A condition the policy page shows as an empty text field (it is null, so the form cannot know its
 * type) arrives as text when a person fills it in: a number, or a comma-separated list. Blank (or an
 * empty list) is null.
 */
const fromFormText = (kind: "number" | "list") => (v: unknown) => {
  // An emptied list means the rule no longer looks at that fact.
  if (kind === "list" && Array.isArray(v) && v.length === 0) return null;
  if (typeof v !== "string") return v;
  const s = v.trim();
  if (s === "") return null;
  if (kind === "list") return s.split(",").map((x) => x.trim()).filter(Boolean);
  return Number.isFinite(Number(s)) ? Number(s) : v;
};
const numberCondition = <T extends z.ZodType>(schema: T) => z.preprocess(fromFormText("number"), schema.nullable());
const listCondition = <T extends z.ZodType>(schema: T) => z.preprocess(fromFormText("list"), schema.nullable());

/**
 * The conditions of one rule; null means the rule does not look at that fact. With `all` every
 * condition set must hold, with `any` one is enough.
 */
const Conditions = z.strictObject({
  /** Open this long with no first response. */
  unansweredHours: numberCondition(Hours),
  /** Customer lifetime value at or above this. */
  minLtvPaise: numberCondition(Paise),
  /** The ticket's category is one of these (e.g. delivered_not_received). */
  categories: listCondition(z.array(Category).min(1).max(50)),
  /** The customer's LTV tier (customerTiers) is one of these: ["high"] is the VIP rule. */
  customerTiers: listCondition(z.array(z.enum(["high", "mid", "low"])).min(1).max(3)),
  /** The linked order's journey is in one of these states (e.g. delivered, failed_attempt). */
  journeyStates: listCondition(z.array(z.enum(JOURNEY_STATES)).min(1).max(JOURNEY_STATES.length)),
});
export type EscalationConditions = z.infer<typeof Conditions>;

const Rule = z
  .strictObject({
    enabled: z.boolean(),
    match: z.enum(["all", "any"]),
    when: Conditions,
    priority: Priority,
  })
  .refine((r) => Object.values(r.when).some((c) => c !== null), { message: "a rule needs at least one condition", path: ["when"] });
export type EscalationRule = z.infer<typeof Rule>;

const Route = z.strictObject({
  /** Shown in the decision's reasons ("→ group 4300000123 (Returns-Hindi)"). */
  name: z.string().min(1).max(100),
  /** Null matches every category / language. */
  category: Category.nullable(),
  language: z.enum(TICKET_LANGUAGES).nullable(),
  assignee: AssigneeRef,
  group: GroupRefs,
});
export type EscalationRoute = z.infer<typeof Route>;

const RuleName = z.string().regex(/^[a-z0-9_]{1,40}$/, "lower-case letters, digits and _ (up to 40)");

export const SupportEscalationPolicy = z.preprocess(
  fromSingleRuleShape,
  z.strictObject({
    enabled: z.boolean(),
    mode: z.enum(["live", "shadow", "approve"]),
    /** Every enabled rule is checked; the ticket escalates when one fires, at the highest priority among those that fired. */
    rules: z.record(RuleName, Rule).refine((r) => Object.keys(r).length <= 20, { message: "at most 20 rules" }),
    /** The first route whose category and language match decides; else the default. */
    routing: z.strictObject({
      routes: z.array(Route).max(50),
      default: z.strictObject({ assignee: AssigneeRef, group: GroupRefs }),
    }),
    tags: z.array(z.string().max(100)).max(20),
    ackTemplate: z.string().min(1).max(200),
  }),
);
export type SupportEscalationPolicy = z.infer<typeof SupportEscalationPolicy>;

const none: EscalationConditions = { unansweredHours: null, minLtvPaise: null, categories: null, customerTiers: null, journeyStates: null };

export const DEFAULT_SUPPORT_ESCALATION: SupportEscalationPolicy = {
  enabled: true,
  mode: "live",
  rules: {
    // The seed's rule (DESIGN.md "support escalation"): all three at once, not any one of them.
    high_value_not_received: { enabled: true, match: "all", when: { ...none, unansweredHours: 4, minLtvPaise: 1_500_000, categories: ["delivered_not_received"] }, priority: "urgent" },
    // The first-response SLA: any ticket, whoever wrote it.
    sla_breach: { enabled: true, match: "all", when: { ...none, unansweredHours: 24 }, priority: "high" },
    // VIP customers (the high LTV tier) escalate the moment they write; off until the brand wants it.
    vip: { enabled: false, match: "all", when: { ...none, customerTiers: ["high"] }, priority: "urgent" },
  },
  routing: { routes: [], default: { assignee: "support-leads", group: null } },
  tags: ["switchyard-escalated"],
  ackTemplate: "support_ack",
};

/** Keys of the section before rules and routing (one rule that fired on any one condition). */
const OLD_KEYS = ["noResponseHours", "ltvPaise", "categories", "priority", "priorityWhenSeveral", "assignee"] as const;

/**
 * A policy saved (or a PUT written) in the old single-rule shape still validates: its numbers move
 * into the seed's rule, its priorities onto the rules, its assignee into the routing default. The
 * old rule fired on any one condition; the migrated one is the seed's conjunction (issue 17), and
 * the SLA breach rule carries the lone "unanswered" case.
 */
export function fromSingleRuleShape(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const old = input as Record<string, unknown>;
  if (!OLD_KEYS.some((k) => k in old)) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(old)) if (!(OLD_KEYS as readonly string[]).includes(k)) out[k] = v;
  const rules = { ...asRecord(out.rules) };
  const seedRule = { ...asRecord(rules.high_value_not_received ?? DEFAULT_SUPPORT_ESCALATION.rules.high_value_not_received) };
  const when = { ...asRecord(seedRule.when) };
  if ("noResponseHours" in old) when.unansweredHours = old.noResponseHours;
  if ("ltvPaise" in old) when.minLtvPaise = old.ltvPaise;
  if ("categories" in old) when.categories = Array.isArray(old.categories) && old.categories.length === 0 ? null : old.categories;
  seedRule.when = when;
  if ("priorityWhenSeveral" in old) seedRule.priority = old.priorityWhenSeveral;
  rules.high_value_not_received = seedRule;
  if ("priority" in old) rules.sla_breach = { ...asRecord(rules.sla_breach ?? DEFAULT_SUPPORT_ESCALATION.rules.sla_breach), priority: old.priority };
  out.rules = rules;
  if ("assignee" in old) {
    const routing = { ...asRecord(out.routing ?? DEFAULT_SUPPORT_ESCALATION.routing) };
    routing.default = { ...asRecord(routing.default), assignee: old.assignee };
    out.routing = routing;
  }
  return out;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The shortest wait any enabled rule has on "unanswered": the ticket sweep looks at tickets at
 * least this old. Null when no enabled rule waits (then the ticket events alone decide).
 */
export function firstUnansweredCheckpoint(p: SupportEscalationPolicy): number | null {
  const hours = enabledRules(p).flatMap(([, r]) => (r.when.unansweredHours === null ? [] : [r.when.unansweredHours]));
  return hours.length ? Math.min(...hours) : null;
}

/** Every distinct "unanswered" wait of the enabled rules, shortest first (backtests replay a ticket at each). */
export function unansweredCheckpoints(p: SupportEscalationPolicy): number[] {
  return [...new Set(enabledRules(p).flatMap(([, r]) => (r.when.unansweredHours === null ? [] : [r.when.unansweredHours])))].sort((a, b) => a - b);
}

export function enabledRules(p: SupportEscalationPolicy): [string, EscalationRule][] {
  return Object.entries(p.rules).filter(([, r]) => r.enabled);
}
