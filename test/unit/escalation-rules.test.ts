/** Escalation as the brand sets it: rules of all/any conditions, the SLA breach and VIP rules, routing by category and language, and the old policy shape read into the new. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CustomerSnapshot, SupportEscalationContext, TicketSummary } from "../../src/decisions/context";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/decisions/policy";
import { decideSupportEscalation } from "../../src/decisions/rules/support-escalation";
import { firstUnansweredCheckpoint } from "../../src/decisions/escalation-policy";
import { fieldsOf, patchFromForm } from "../../src/routes/dashboard/policy-form";

const H = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 6, 0);

const ticket = (over: Partial<TicketSummary> = {}): TicketSummary => ({
  helpdesk: "freshdesk",
  ticketId: "7001",
  category: "other",
  status: "open",
  subject: "Question about my order",
  createdAt: NOW - H,
  firstResponseAt: null,
  ...over,
});
const customer = (over: Partial<CustomerSnapshot> = {}): CustomerSnapshot => ({
  id: "c1", firstName: "Asha", phone: "+919812300000", email: "asha@example.in", ltv: 300_000, tier: "low", ordersCount: 2, lastOrderAt: NOW - 10 * 24 * H,
  expectedIntervalDays: null, pActive: null, expectedOrders90d: null, predictedClv: null, acceptsMarketing: true, acceptsWhatsapp: true, ...over,
});
const ctx = (over: Partial<SupportEscalationContext> = {}): SupportEscalationContext => ({ ticket: ticket(), customer: customer(), order: null, journey: null, scans: [], ...over });

function policy(patch: unknown): Policy {
  const r = parsePolicy(patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
}
const update = (d: ReturnType<typeof decideSupportEscalation>) => {
  const u = d?.actions.find((a) => a.kind === "helpdesk.update");
  return u?.kind === "helpdesk.update" ? u.params : null;
};

describe("SLA breach", () => {
  it("fires alone on any ticket unanswered for 24 h: no LTV, ordinary category", () => {
    const d = decideSupportEscalation(ctx({ ticket: ticket({ createdAt: NOW - 24 * H }), customer: null }), DEFAULT_POLICY, NOW)!;
    expect(d).not.toBeNull();
    expect(d.reasons[0]).toBe("rule sla_breach (all): unanswered 24.0 h (≥ 24 h)");
    expect(d.reasons.some((r) => r.startsWith("rule high_value_not_received"))).toBe(false);
    expect(update(d)).toMatchObject({ priority: "high", assignee: "support-leads" });
    expect(d.inputs.rules).toEqual({ high_value_not_received: false, sla_breach: true });
  });

  it("not at 23.9 h, and not once answered", () => {
    expect(decideSupportEscalation(ctx({ ticket: ticket({ createdAt: NOW - 23.9 * H }) }), DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideSupportEscalation(ctx({ ticket: ticket({ createdAt: NOW - 30 * H, firstResponseAt: NOW - 29 * H }) }), DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("when both rules fire, both are named and the higher priority wins", () => {
    const d = decideSupportEscalation(
      ctx({ ticket: ticket({ createdAt: NOW - 25 * H, category: "delivered_not_received" }), customer: customer({ ltv: 2_000_000, tier: "high" }) }),
      DEFAULT_POLICY,
      NOW,
    )!;
    expect(d.reasons.filter((r) => r.startsWith("rule "))).toHaveLength(2);
    expect(update(d)!.priority).toBe("urgent");
  });

  it("the brand sets N; the sweep looks at tickets as old as the shortest wait", () => {
    const p = policy({ support_escalation: { rules: { sla_breach: { when: { unansweredHours: 8 } } } } });
    expect(decideSupportEscalation(ctx({ ticket: ticket({ createdAt: NOW - 8 * H }) }), p, NOW)!.reasons[0]).toBe("rule sla_breach (all): unanswered 8.0 h (≥ 8 h)");
    expect(firstUnansweredCheckpoint(DEFAULT_POLICY.support_escalation)).toBe(4);
    expect(firstUnansweredCheckpoint(policy({ support_escalation: { rules: { high_value_not_received: { enabled: false }, sla_breach: { when: { unansweredHours: 8 } } } } }).support_escalation)).toBe(8);
  });
});

describe("VIP rule", () => {
  const vipTicket = ctx({ customer: customer({ ltv: 2_500_000, tier: "high" }), ticket: ticket({ createdAt: NOW - 60_000 }) });

  it("is off by default: a high-tier customer's fresh ticket does not escalate", () => {
    expect(DEFAULT_POLICY.support_escalation.rules.vip!.enabled).toBe(false);
    expect(decideSupportEscalation(vipTicket, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("switched on, it escalates a high-tier customer at once, and nobody else", () => {
    const p = policy({ support_escalation: { rules: { vip: { enabled: true } } } });
    const d = decideSupportEscalation(vipTicket, p, NOW)!;
    expect(d.reasons[0]).toBe("rule vip (all): customer tier high (one of high)");
    expect(update(d)!.priority).toBe("urgent");
    expect(decideSupportEscalation(ctx({ customer: customer({ tier: "mid", ltv: 900_000 }), ticket: ticket({ createdAt: NOW - 60_000 }) }), p, NOW)).toBeNull();
    expect(decideSupportEscalation(ctx({ customer: null, ticket: ticket({ createdAt: NOW - 60_000 }) }), p, NOW)).toBeNull();
  });
});

describe("all / any", () => {
  const anyRule = { support_escalation: { rules: { loud: { enabled: true, match: "any", priority: "high", when: { unansweredHours: null, minLtvPaise: 1_000_000, categories: ["damaged"], customerTiers: null, journeyStates: null } } } } };

  it("an `any` rule fires on one condition and names only those that hold", () => {
    const d = decideSupportEscalation(ctx({ ticket: ticket({ category: "damaged" }) }), policy(anyRule), NOW)!;
    expect(d.reasons[0]).toBe("rule loud (any): category damaged (one of damaged)");
    expect(decideSupportEscalation(ctx(), policy(anyRule), NOW)).toBeNull();
  });

  it("a journey-state condition reads the linked order's journey", () => {
    const p = policy({ support_escalation: { rules: { failed: { enabled: true, match: "all", priority: "high", when: { unansweredHours: null, minLtvPaise: null, categories: null, customerTiers: null, journeyStates: ["failed_attempt", "rto_initiated"] } } } } });
    const journey = { state: "failed_attempt", stateAt: NOW - H, lastScanAt: NOW - H, lastScanLocation: "Hub", awb: "A1", carrier: "delhivery", origin: "BLR", eta: null, failedAttempts: 1, trackingUrl: null, deliveredAt: null } as const;
    expect(decideSupportEscalation(ctx({ journey }), p, NOW)!.reasons[0]).toBe("rule failed (all): journey failed_attempt (one of failed_attempt, rto_initiated)");
    expect(decideSupportEscalation(ctx({ journey: { ...journey, state: "in_transit" } }), p, NOW)).toBeNull();
  });

  it("refuses a rule with no condition, an unknown match, an unbounded number", () => {
    const empty = { enabled: true, match: "all", priority: "high", when: { unansweredHours: null, minLtvPaise: null, categories: null, customerTiers: null, journeyStates: null } };
    const r = parsePolicy({ support_escalation: { rules: { empty } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: ["support_escalation", "rules", "empty", "when"], message: "a rule needs at least one condition" });
    expect(parsePolicy({ support_escalation: { rules: { vip: { match: "most" } } } }).ok).toBe(false);
    const big = parsePolicy({ support_escalation: { rules: { sla_breach: { when: { unansweredHours: 1e308 } } } } });
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.issues[0]).toMatchObject({ path: ["support_escalation", "rules", "sla_breach", "when", "unansweredHours"], message: "must be from 0.25 to 720 hours" });
    expect(parsePolicy({ support_escalation: { rules: { "Bad Name": DEFAULT_POLICY.support_escalation.rules.vip } } }).ok).toBe(false);
  });
});

describe("routing by category and language", () => {
  const routed = policy({
    support_escalation: {
      rules: { sla_breach: { when: { unansweredHours: 1 } } },
      routing: {
        routes: [
          { name: "Returns-Hindi", category: "return_refund", language: "hi", assignee: null, group: { freshdesk: "43000000777", zendesk: "360001", gorgias: "12" } },
          { name: "Returns", category: "return_refund", language: null, assignee: { freshdesk: "43000000555", gorgias: "returns@brand.in", zendesk: "returns@brand.in" }, group: null },
          { name: "Damage", category: "damaged", language: null, assignee: "quality@brand.in", group: null },
        ],
        default: { assignee: "support-leads", group: null },
      },
    },
  });
  const decide = (over: Partial<TicketSummary>) => decideSupportEscalation(ctx({ ticket: ticket({ createdAt: NOW - 2 * H, ...over }) }), routed, NOW)!;

  it("a return written in Hindi goes to the Hindi returns group", () => {
    const d = decide({ category: "return_refund", subject: "मुझे यह वापस करना है", body: "साइज़ छोटा है" });
    expect(update(d)).toMatchObject({ helpdesk: "freshdesk", group: "43000000777", assignee: null });
    expect(d.reasons).toContain("route: category=return_refund, language=hi → group 43000000777 (route Returns-Hindi)");
    expect(d.inputs.language).toBe("hi");
  });

  it("a return in English goes to the returns agent of that helpdesk", () => {
    const d = decide({ category: "return_refund", subject: "I want to return this", body: "It is too small" });
    expect(update(d)).toMatchObject({ assignee: "43000000555", group: null });
    expect(d.reasons).toContain("route: category=return_refund, language=en → assignee 43000000555 (route Returns)");
    expect(update(decide({ helpdesk: "gorgias", category: "return_refund", subject: "Return please" }))).toMatchObject({ helpdesk: "gorgias", assignee: "returns@brand.in", group: null });
  });

  it("Hinglish counts as Hindi", () => {
    expect(update(decide({ category: "return_refund", subject: "return karna hai", body: "mujhe paise wapas chahiye" }))!.group).toBe("43000000777");
  });

  it("no route matches → the default", () => {
    const d = decide({ category: "wismo", subject: "Where is my parcel?" });
    expect(update(d)).toMatchObject({ assignee: "support-leads", group: null });
    expect(d.reasons).toContain("route: category=wismo, language=en → assignee support-leads (default route)");
  });

  it("groups are the helpdesk's numeric ids", () => {
    const bad = parsePolicy({ support_escalation: { routing: { routes: [{ name: "x", category: null, language: null, assignee: null, group: "Returns team" }] } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.message).toBe("the helpdesk's numeric group (team) id");
  });
});

describe("a policy saved in the old single-rule shape", () => {
  const old = {
    enabled: true, mode: "shadow", noResponseHours: 6, ltvPaise: 2_000_000, categories: ["delivered_not_received", "damaged"], priority: "normal", priorityWhenSeveral: "high",
    assignee: { freshdesk: "43000012345", zendesk: "leads@brand.in" }, tags: ["vip-desk"], ackTemplate: "support_ack",
  };

  it("still validates, with its numbers in the seed's rule, its assignee as the routing default", () => {
    const p = policy({ support_escalation: old }).support_escalation;
    expect(p.mode).toBe("shadow");
    expect(p.rules.high_value_not_received).toEqual({ enabled: true, match: "all", priority: "high", when: { unansweredHours: 6, minLtvPaise: 2_000_000, categories: ["delivered_not_received", "damaged"], customerTiers: null, journeyStates: null } });
    expect(p.rules.sla_breach!.priority).toBe("normal");
    expect(p.routing.default).toEqual({ assignee: { freshdesk: "43000012345", zendesk: "leads@brand.in" }, group: null });
    expect(p.tags).toEqual(["vip-desk"]);
    expect("noResponseHours" in p).toBe(false);
  });

  it("a whole stored document of the old shape loads (as db/policies.ts re-parses it)", () => {
    const stored = JSON.parse(JSON.stringify({ ...DEFAULT_POLICY, support_escalation: old }));
    expect(parsePolicy(stored).ok).toBe(true);
  });

  it("the old partial PUTs keep working: the seed script's assignee, a threshold", () => {
    expect(policy({ support_escalation: { assignee: "43000099999" } }).support_escalation.routing.default.assignee).toBe("43000099999");
    expect(policy({ support_escalation: { noResponseHours: 6 } }).support_escalation.rules.high_value_not_received!.when.unansweredHours).toBe(6);
    expect(policy({ support_escalation: { categories: [] } }).support_escalation.rules.high_value_not_received!.when.categories).toBeNull();
  });

  it("an old value out of range is still refused", () => {
    expect(parsePolicy({ support_escalation: { noResponseHours: 1e308 } }).ok).toBe(false);
  });
});

describe("the policy page form (routes/dashboard/policy-form.ts)", () => {
  const fields = fieldsOf(DEFAULT_POLICY.support_escalation, "support_escalation");
  const submitted = (changes: Record<string, string>) => ({ ...Object.fromEntries(fields.map((f) => [f.path, f.value])), ...changes });

  it("shows every rule's switch, match, conditions and priority, and the routing default", () => {
    const paths = fields.map((f) => f.path);
    for (const p of [
      "support_escalation.rules.vip.enabled",
      "support_escalation.rules.high_value_not_received.match",
      "support_escalation.rules.high_value_not_received.when.unansweredHours",
      "support_escalation.rules.high_value_not_received.when.categories",
      "support_escalation.rules.sla_breach.priority",
      "support_escalation.routing.default.assignee",
      "support_escalation.routing.default.group",
    ]) expect(paths).toContain(p);
  });

  it("submitted unchanged, the whole form is the same policy", () => {
    const r = parsePolicy(patchFromForm(fields, submitted({})));
    expect(r.ok && r.policy.support_escalation).toEqual(DEFAULT_POLICY.support_escalation);
  });

  it("switches VIP on, sets N for the SLA, fills an empty condition and a group, as a person types them", () => {
    const r = parsePolicy(
      patchFromForm(
        fields,
        submitted({
          "support_escalation.rules.vip.enabled": "true",
          "support_escalation.rules.sla_breach.when.unansweredHours": "8",
          "support_escalation.rules.vip.when.journeyStates": "delivered, failed_attempt",
          "support_escalation.rules.vip.when.unansweredHours": "1",
          "support_escalation.routing.default.group": "43000000777",
        }),
      ),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const p = r.policy.support_escalation;
    expect(p.rules.vip).toEqual({ enabled: true, match: "all", priority: "urgent", when: { unansweredHours: 1, minLtvPaise: null, categories: null, customerTiers: ["high"], journeyStates: ["delivered", "failed_attempt"] } });
    expect(p.rules.sla_breach!.when.unansweredHours).toBe(8);
    expect(p.routing.default.group).toBe("43000000777");
  });

  it("a bad value typed on the form is refused with the field and its range", () => {
    const r = parsePolicy(patchFromForm(fields, submitted({ "support_escalation.rules.vip.when.minLtvPaise": "lots", "support_escalation.rules.sla_breach.match": "most" })));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["support_escalation.rules.vip.when.minLtvPaise", "support_escalation.rules.sla_breach.match"]));
      expect(r.issues.find((i) => i.path.join(".") === "support_escalation.rules.vip.when.minLtvPaise")!.message).toMatch(/^must be a whole number from 0 to/);
    }
  });
});

describe("the README's example", () => {
  it("is a valid policy PUT that switches VIP on and routes Hindi returns to a group", () => {
    const readme = readFileSync("README.md", "utf8");
    const body = /-d '(\{"support_escalation"[\s\S]*?)'\n```/.exec(readme)?.[1];
    expect(body).toBeDefined();
    const p = policy(JSON.parse(body!));
    expect(p.support_escalation.rules.vip!.enabled).toBe(true);
    expect(p.support_escalation.routing.routes[0]).toMatchObject({ name: "Returns-Hindi", language: "hi" });
  });
});
