/** Support intelligence: a naive-Bayes ticket classifier learnt from the brand's own tagged tickets, and root-cause hints joining tickets with shipments. */
import { DAY_MS, HOUR_MS } from "../format";

export type Classify = (subject: string, body: string, tags: string[]) => string;

export interface LabelledTicket {
  subject: string;
  body: string;
  category: string;
}

/** Plain JSON, so it can be stored in D1/KV between cron runs. */
export interface TicketModel {
  categories: string[];
  /** Documents per category. */
  docCounts: Record<string, number>;
  /** Token counts per category. */
  tokenCounts: Record<string, Record<string, number>>;
  totalTokens: Record<string, number>;
  vocabularySize: number;
  examples: number;
}

/** Helpdesk tags the brand's agents use → canonical categories; the first matching tag wins. */
export const DEFAULT_TAG_LABELS: Record<string, string> = {
  wismo: "wismo",
  "where-is-my-order": "wismo",
  "order-status": "wismo",
  tracking: "wismo",
  "delivered-not-received": "delivered_not_received",
  "not-received": "delivered_not_received",
  damaged: "damaged",
  "wrong-item": "damaged",
  return: "return_refund",
  refund: "return_refund",
  exchange: "return_refund",
  "address-change": "address_change",
  cod: "cod",
};

export function labelFromTags(tags: readonly string[], labels: Record<string, string> = DEFAULT_TAG_LABELS): string | null {
  for (const tag of tags) {
    const label = labels[tag.trim().toLowerCase().replace(/[\s_]+/g, "-")];
    if (label) return label;
  }
  return null;
}

const STOPWORDS = new Set(["the", "a", "an", "i", "my", "me", "is", "it", "to", "of", "and", "in", "for", "on", "you", "your", "hi", "hello", "please", "pls", "plz", "thanks", "thank", "hai", "ka", "ki", "ke", "se", "hi", "ho", "mera", "meri", "order"]);

/** Lower-cased word unigrams and bigrams (Latin and Devanagari letters, digits dropped: order numbers are noise). */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{M}]+/gu) ?? [];
  const kept = words.filter((w) => w.length > 1 && !STOPWORDS.has(w));
  const tokens = [...kept];
  for (let i = 1; i < kept.length; i++) tokens.push(`${kept[i - 1]}_${kept[i]}`);
  return tokens;
}

export function trainTicketModel(examples: readonly LabelledTicket[]): TicketModel {
  const docCounts: Record<string, number> = {};
  const tokenCounts: Record<string, Record<string, number>> = {};
  const totalTokens: Record<string, number> = {};
  const vocabulary = new Set<string>();
  for (const ex of examples) {
    docCounts[ex.category] = (docCounts[ex.category] ?? 0) + 1;
    const counts = (tokenCounts[ex.category] ??= {});
    for (const token of tokenize(`${ex.subject} ${ex.body}`)) {
      counts[token] = (counts[token] ?? 0) + 1;
      totalTokens[ex.category] = (totalTokens[ex.category] ?? 0) + 1;
      vocabulary.add(token);
    }
  }
  return { categories: Object.keys(docCounts).sort(), docCounts, tokenCounts, totalTokens, vocabularySize: vocabulary.size, examples: examples.length };
}

export interface TicketClassification {
  category: string;
  /** Posterior probability of the chosen category under the model; null when the rules decided. */
  confidence: number | null;
  source: "model" | "rules";
}

export interface ClassifierOptions {
  /** Below this many training tickets the model is not trusted at all. */
  minExamples: number;
  /** Below this posterior the deterministic rules decide. */
  minConfidence: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = { minExamples: 30, minConfidence: 0.6 };

/**
 * Model first, rules as fallback: an agent's tag always wins (it is the label the model learns
 * from), then a confident model, then the deterministic classifier passed in.
 */
export function classifyWithModel(
  model: TicketModel | null,
  ticket: { subject: string; body: string; tags: string[] },
  fallback: Classify,
  options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
  tagLabels: Record<string, string> = DEFAULT_TAG_LABELS,
): TicketClassification {
  const tagged = labelFromTags(ticket.tags, tagLabels);
  if (tagged) return { category: tagged, confidence: 1, source: "model" };
  if (model && model.examples >= options.minExamples && model.categories.length > 1) {
    const scored = posteriors(model, tokenize(`${ticket.subject} ${ticket.body}`));
    if (scored && scored.probability >= options.minConfidence) return { category: scored.category, confidence: scored.probability, source: "model" };
  }
  return { category: fallback(ticket.subject, ticket.body, ticket.tags), confidence: null, source: "rules" };
}

function posteriors(model: TicketModel, allTokens: readonly string[]): { category: string; probability: number } | null {
  // Words never seen in training carry no evidence; under Laplace smoothing they would still
  // favour whichever category has fewer tokens, so they are dropped.
  const tokens = allTokens.filter((t) => model.categories.some((c) => model.tokenCounts[c]?.[t] !== undefined));
  if (!tokens.length) return null;
  const v = model.vocabularySize + 1;
  const logs = model.categories.map((category) => {
    let score = Math.log(model.docCounts[category]! / model.examples);
    const counts = model.tokenCounts[category] ?? {};
    const total = model.totalTokens[category] ?? 0;
    for (const token of tokens) score += Math.log(((counts[token] ?? 0) + 1) / (total + v));
    return score;
  });
  const max = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - max));
  const sum = weights.reduce((a, b) => a + b, 0);
  let best = 0;
  for (let i = 1; i < weights.length; i++) if (weights[i]! > weights[best]!) best = i;
  return { category: model.categories[best]!, probability: weights[best]! / sum };
}

export interface TicketForHints {
  category: string;
  createdAt: number;
  orderId: string | null;
}

export interface ShipmentForHints {
  carrier: string | null;
  origin: string | null;
  state: string;
  lastScanAt: number | null;
}

export interface RootCauseHint {
  category: string;
  tickets: number;
  share: number;
  carrier: string;
  origin: string;
  condition: string;
  text: string;
}

export interface HintOptions {
  windowDays: number;
  stallHours: number;
  minTickets: number;
  minShare: number;
}

export const DEFAULT_HINT_OPTIONS: HintOptions = { windowDays: 7, stallHours: 36, minTickets: 5, minShare: 0.4 };

const CATEGORY_LABEL: Record<string, string> = { wismo: "WISMO", delivered_not_received: "delivered-not-received", return_refund: "return/refund", address_change: "address-change", cod: "COD" };

/**
 * "62% of WISMO tickets this week are on delhivery BLR routes with no scan > 36 h": per category,
 * the carrier × origin × shipment condition that holds the largest share of the window's tickets.
 */
export function rootCauseHints(
  tickets: readonly TicketForHints[],
  shipmentsByOrder: ReadonlyMap<string, ShipmentForHints>,
  now: number,
  options: HintOptions = DEFAULT_HINT_OPTIONS,
): RootCauseHint[] {
  const since = now - options.windowDays * DAY_MS;
  const totals = new Map<string, number>();
  const groups = new Map<string, { category: string; carrier: string; origin: string; condition: string; count: number }>();
  for (const t of tickets) {
    if (t.createdAt < since || t.createdAt > now) continue;
    totals.set(t.category, (totals.get(t.category) ?? 0) + 1);
    const shipment = t.orderId ? shipmentsByOrder.get(t.orderId) : undefined;
    if (!shipment?.carrier) continue;
    const condition = conditionOf(shipment, now, options.stallHours);
    const key = `${t.category}\u0000${shipment.carrier}\u0000${shipment.origin ?? "?"}\u0000${condition}`;
    const group = groups.get(key) ?? { category: t.category, carrier: shipment.carrier, origin: shipment.origin ?? "unknown-origin", condition, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  const best = new Map<string, { category: string; carrier: string; origin: string; condition: string; count: number }>();
  for (const g of groups.values()) {
    const current = best.get(g.category);
    if (!current || g.count > current.count) best.set(g.category, g);
  }
  const hints: RootCauseHint[] = [];
  for (const g of best.values()) {
    const total = totals.get(g.category)!;
    const share = g.count / total;
    if (total < options.minTickets || share < options.minShare) continue;
    const label = CATEGORY_LABEL[g.category] ?? g.category;
    const period = options.windowDays === 7 ? "this week" : `in the last ${options.windowDays} days`;
    hints.push({
      category: g.category,
      tickets: total,
      share,
      carrier: g.carrier,
      origin: g.origin,
      condition: g.condition,
      text: `${Math.round(share * 100)}% of ${label} tickets ${period} are on ${g.carrier} ${g.origin} routes with ${g.condition}`,
    });
  }
  return hints.sort((a, b) => b.share * b.tickets - a.share * a.tickets);
}

function conditionOf(s: ShipmentForHints, now: number, stallHours: number): string {
  if (s.state === "rto_initiated" || s.state === "rto_delivered") return "RTO initiated";
  if (s.state === "failed_attempt") return "a failed delivery attempt";
  if (s.state === "delivered") return "a delivered status";
  if (s.lastScanAt !== null && now - s.lastScanAt >= stallHours * HOUR_MS) return `no scan > ${stallHours} h`;
  return "a healthy shipment status";
}
