/** Backtest: replay historical contexts through a policy, everything in shadow, and count what would have fired. */
import type { ActionKind } from "../canonical/actions";
import type { Policy } from "./policy";
import { RULES, type ContextFor } from "./rules";
import { DECISION_TYPES, type DecisionDraft, type DecisionType } from "./types";

/** One evaluation point: the context a rule would have seen at time `at`. */
export type BacktestCase = { [K in DecisionType]: { type: K; at: number; context: ContextFor[K] } }[DecisionType];

export interface TypeCount {
  enabled: boolean;
  /** Cases evaluated for this type. */
  evaluated: number;
  /** Distinct decisions that would have been recorded (after dedupe). */
  fired: number;
  /** Drafts dropped because an earlier one had the same dedupe key. */
  deduped: number;
}

export interface BacktestReport {
  from: number | null;
  to: number | null;
  cases: number;
  byType: Record<DecisionType, TypeCount>;
  actions: Partial<Record<ActionKind, number>>;
  /** The first few decisions per type, so ops can read the reasons. */
  samples: DecisionDraft[];
}

export function backtest(cases: readonly BacktestCase[], policy: Policy, options: { samplesPerType?: number } = {}): BacktestReport {
  const samplesPerType = options.samplesPerType ?? 3;
  const byType = Object.fromEntries(
    DECISION_TYPES.map((t) => [t, { enabled: policy[t].enabled, evaluated: 0, fired: 0, deduped: 0 }]),
  ) as Record<DecisionType, TypeCount>;
  const actions: Partial<Record<ActionKind, number>> = {};
  const samples: DecisionDraft[] = [];
  const sampled = new Map<DecisionType, number>();
  const seen = new Set<string>();
  // Replay in time order so dedupe keeps the first decision, as the live system would.
  const ordered = [...cases].sort((a, b) => a.at - b.at);
  for (const c of ordered) {
    if (!policy[c.type].enabled) continue;
    byType[c.type].evaluated++;
    for (const d of runRule(c, policy)) {
      // A rule may record under another type (an unhealthy WISMO becomes a support_escalation).
      const count = byType[d.type];
      if (seen.has(d.dedupeKey)) {
        count.deduped++;
        continue;
      }
      seen.add(d.dedupeKey);
      count.fired++;
      for (const a of d.actions) actions[a.kind] = (actions[a.kind] ?? 0) + 1;
      const n = sampled.get(d.type) ?? 0;
      if (n < samplesPerType) {
        samples.push(d);
        sampled.set(d.type, n + 1);
      }
    }
  }
  return { from: ordered[0]?.at ?? null, to: ordered[ordered.length - 1]?.at ?? null, cases: cases.length, byType, actions, samples };
}

/** Fired counts under the current and a candidate policy, side by side: "what if stallHours were 30?" */
export function compareBacktest(cases: readonly BacktestCase[], current: Policy, candidate: Policy): Record<DecisionType, { current: number; candidate: number }> {
  const a = backtest(cases, current, { samplesPerType: 0 });
  const b = backtest(cases, candidate, { samplesPerType: 0 });
  return Object.fromEntries(DECISION_TYPES.map((t) => [t, { current: a.byType[t].fired, candidate: b.byType[t].fired }])) as Record<
    DecisionType,
    { current: number; candidate: number }
  >;
}

function runRule(c: BacktestCase, policy: Policy): DecisionDraft[] {
  // The union is correlated (type ↔ context) but TypeScript cannot follow it through the lookup.
  const rule = RULES[c.type] as (ctx: unknown, policy: Policy, now: number) => DecisionDraft[];
  return rule(c.context, policy, c.at);
}
