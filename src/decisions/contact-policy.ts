/**
 * The contact policy: what a customer actually receives of what the rules decided. Pure: the
 * candidate messages of one decision, the customer's recent messages and the journey as it is now
 * go in; which messages to keep, which to drop (each with its reason) and which earlier, still
 * unsent message a better one replaces come out.
 *
 * Rules, in order:
 *  1. a message about a journey moment the journey has already left is dropped (no NDR question
 *     once the parcel is on its way back or delivered, no "out for delivery" after delivery, no
 *     post-delivery care while a return or ticket is open);
 *  2. one message per customer per moment: a second message about the same moment is dropped,
 *     unless it outranks one that has not gone out yet, which it then replaces (the delay alert,
 *     with its revised ETA and credit, outranks the plain "order delayed" notification);
 *  3. at most `dailyCap` messages in 24 h before a non-urgent (marketing or care) one is sent.
 * Quiet hours and consent stay where they were (the rules set `notBefore` and check opt-in); a
 * held message counts at the time it will go out.
 */
import type { JourneyState } from "../canonical/vocabulary";
import { HOUR_MS } from "./format";
import type { DecisionDraft } from "./types";

import { isCustomerMessage, type CustomerMessageKind } from "../canonical/actions";
export { CUSTOMER_MESSAGE_KINDS, isCustomerMessage, type CustomerMessageKind } from "../canonical/actions";

/** The journey as it stands when the policy runs (decide time, and again at send time). */
export interface JourneyNow {
  state: JourneyState | null;
  lastScanAt: number | null;
  failedAttempts: number;
  openTicket: boolean;
  openReturn: boolean;
}

/**
 * What a message is about, fixed when it is decided and checked again before it is sent.
 * `whileStates`: the journey states in which it is still news (null: any state).
 */
export interface Moment {
  key: string;
  label: string;
  priority: number;
  urgent: boolean;
  whileStates: JourneyState[] | null;
  /** Still news only while no newer scan has arrived (a delay). */
  lastScanAt?: number | null;
  /** Still news only while this is the latest failed attempt (an NDR question). */
  failedAttempt?: number;
  /** Still news only while no ticket or return is open (post-delivery care and offers). */
  needsNoOpenCase?: boolean;
}

/** A message the customer already has, or will get, from an earlier decision. */
export interface RecentContact {
  actionId: string;
  decisionKey: string;
  momentKey: string;
  label: string;
  priority: number;
  urgent: boolean;
  /** When it went (or, held for quiet hours, will go) out. */
  at: number;
  /** pending: in the outbox and may still be replaced; sent: gone, or going, to the customer. */
  state: "pending" | "sent";
}

export interface ContactPolicySettings {
  /** Messages in the 24 h before, at or above which a non-urgent message is not sent. */
  dailyCap: number;
}

export interface Candidate {
  /** Index into the draft's actions. */
  index: number;
  kind: CustomerMessageKind;
  template: string | null;
  moment: Moment;
}

export interface Suppression {
  index: number;
  kind: string;
  template: string | null;
  reason: string;
  at: number;
}

export interface ContactVerdict {
  keep: Candidate[];
  suppress: Suppression[];
  /** Earlier messages, not sent yet, that a kept one replaces. */
  supersede: { contact: RecentContact; reason: string }[];
}

const IN_TRANSIT: JourneyState[] = ["shipped", "in_transit", "out_for_delivery"];

/** When each status notification is still news. */
const STATUS_WHILE: Record<string, JourneyState[]> = {
  confirmed: ["placed", "confirmed", "fulfilled"],
  shipped: ["fulfilled", "shipped", "in_transit"],
  out_for_delivery: ["out_for_delivery"],
  delivered: ["delivered"],
  delayed: IN_TRANSIT,
};

function templateOf(spec: DecisionDraft["actions"][number]): string | null {
  if (spec.kind === "whatsapp.template") return spec.params.template;
  const p = spec.params as Record<string, unknown>;
  return typeof p.template === "string" ? p.template : null;
}

/**
 * The moment a decision's customer message is about. `journey` is the journey when it was
 * decided; `subjectKey` scopes moments (an order, a customer, a ticket).
 */
export function momentOf(d: Pick<DecisionDraft, "type" | "dedupeKey" | "inputs" | "subjectType" | "subjectId">, journey: JourneyNow | null): Moment {
  const scope = `${d.subjectType}:${d.subjectId}`;
  const plain = (label: string, urgent: boolean): Moment => ({ key: d.dedupeKey, label, priority: 1, urgent, whileStates: null });
  switch (d.type) {
    case "status_notification": {
      const status = String(d.inputs.status);
      if (status === "delayed") {
        const lastScanAt = journey?.lastScanAt ?? null;
        return { key: `${scope}:delayed:${lastScanAt ?? "none"}`, label: "order delayed notification", priority: 1, urgent: true, whileStates: IN_TRANSIT, lastScanAt };
      }
      return { key: `${scope}:status:${status}`, label: `${status.replace(/_/g, " ")} notification`, priority: 1, urgent: true, whileStates: STATUS_WHILE[status] ?? null };
    }
    case "delay_alert": {
      const lastScanAt = typeof d.inputs.lastScanAt === "number" ? d.inputs.lastScanAt : (journey?.lastScanAt ?? null);
      // The alert's silence is measured from the last scan (or the hand-over when there was none).
      const journeyScan = journey?.lastScanAt ?? null;
      const key = `${scope}:delayed:${journeyScan ?? "none"}`;
      return { key, label: "delay alert", priority: 2, urgent: true, whileStates: IN_TRANSIT, lastScanAt: journeyScan ?? lastScanAt };
    }
    case "ndr_followup": {
      const attempt = Number(d.inputs.failedAttempts ?? journey?.failedAttempts ?? 0);
      return { key: `${scope}:ndr:${attempt}`, label: "failed-delivery question", priority: 1, urgent: true, whileStates: ["failed_attempt"], failedAttempt: attempt };
    }
    case "cod_confirmation": {
      // The second reminder and the pay-now link (decisions/rules/cod-shopify.ts) are moments of their own: the question itself was asked already.
      const step = /:(reminder|pay_link)$/.exec(d.dedupeKey)?.[1];
      const label = step === "reminder" ? "COD confirmation reminder" : step === "pay_link" ? "COD pay-now link" : "COD confirmation request";
      return { key: step ? `${scope}:cod_${step}` : `${scope}:cod_confirmation`, label, priority: 1, urgent: true, whileStates: ["placed", "cod_confirmation_pending"] };
    }
    case "post_delivery":
      return { key: d.dedupeKey, label: `post-delivery ${String(d.inputs.step ?? "message").replace(/_/g, " ")}`, priority: 1, urgent: false, whileStates: ["delivered"], needsNoOpenCase: true };
    case "return_processing":
      return plain("return update", true);
    case "support_escalation":
      return plain("support acknowledgement", true);
    case "reorder_prompt":
      return { ...plain("reorder prompt", false), needsNoOpenCase: true };
    case "churn_intervention":
      return { ...plain("win-back offer", false), needsNoOpenCase: true };
    default:
      return plain(d.type.replace(/_/g, " "), true);
  }
}

/** Why a message about `m` is no longer news with the journey as it is now, or null while it is. */
export function passedReason(m: Moment, now: JourneyNow | null): string | null {
  if (m.needsNoOpenCase && now) {
    if (now.openReturn) return `${m.label} not sent: a return is open`;
    if (now.openTicket) return `${m.label} not sent: a support ticket is open`;
  }
  if (!now || now.state === null) return null;
  if (m.whileStates && !m.whileStates.includes(now.state)) {
    return `${m.label} not sent: the journey has moved on to ${now.state.replace(/_/g, " ")}`;
  }
  if (m.lastScanAt !== undefined && m.lastScanAt !== null && now.lastScanAt !== null && now.lastScanAt > m.lastScanAt) {
    return `${m.label} not sent: the carrier scanned the parcel again since`;
  }
  if (m.failedAttempt !== undefined && now.failedAttempts > m.failedAttempt) {
    return `${m.label} not sent: a later failed attempt (${now.failedAttempts}) replaces attempt ${m.failedAttempt}`;
  }
  return null;
}

function ago(ms: number): string {
  if (ms < 0) return `due in ${ago(-ms).replace(/ ago$/, "")}`;
  const min = Math.round(ms / 60_000);
  if (min < 1) return "just now";
  if (min < 90) return `${min} min ago`;
  return `${(ms / HOUR_MS).toFixed(1)} h ago`;
}

function when(c: RecentContact, now: number): string {
  return c.state === "pending" && c.at > now ? `queued for ${ago(c.at - now).replace(/^due in /, "in ")}` : `${c.state === "pending" ? "queued" : "sent"} ${ago(now - c.at)}`;
}

/**
 * Applies the policy to one decision's customer messages. `recent` holds the customer's messages
 * from other decisions (a repeat of the same decision is not its own competitor); `sendAt` is
 * when these would go out (the end of quiet hours, or now).
 */
export function applyContactPolicy(
  input: { candidates: readonly Candidate[]; decisionKey: string; recent: readonly RecentContact[]; journey: JourneyNow | null; sendAt: number; now: number },
  settings: ContactPolicySettings,
): ContactVerdict {
  const verdict: ContactVerdict = { keep: [], suppress: [], supersede: [] };
  const others = input.recent.filter((c) => c.decisionKey !== input.decisionKey);
  const drop = (c: Candidate, reason: string) => verdict.suppress.push({ index: c.index, kind: c.kind, template: c.template, reason, at: input.now });
  for (const c of input.candidates) {
    const passed = passedReason(c.moment, input.journey);
    if (passed) {
      drop(c, passed);
      continue;
    }
    const same = others.filter((o) => o.momentKey === c.moment.key);
    const covering = same.find((o) => o.priority >= c.moment.priority || o.state === "sent");
    if (covering) {
      drop(c, `covered by ${covering.label} ${when(covering, input.now)}`);
      continue;
    }
    if (!c.moment.urgent) {
      // Messages already queued for later count too: the cap is about the customer's day, not ours.
      const inWindow = others.filter((o) => Math.abs(o.at - input.sendAt) < 24 * HOUR_MS);
      if (inWindow.length >= settings.dailyCap) {
        drop(c, `daily cap: ${inWindow.length} messages within 24 h (${inWindow.map((o) => o.label).join(", ")}), cap ${settings.dailyCap} for non-urgent messages`);
        continue;
      }
    }
    // Lower-ranked messages about this moment that have not gone out are replaced by this one.
    for (const o of same.filter((x) => x.actionId)) verdict.supersede.push({ contact: o, reason: `replaced by ${c.moment.label} about the same moment` });
    verdict.keep.push(c);
    // A second message in the same decision about the same moment (or over the cap) meets this one.
    others.push({ actionId: "", decisionKey: "", momentKey: c.moment.key, label: c.moment.label, priority: c.moment.priority, urgent: c.moment.urgent, at: input.sendAt, state: "pending" });
  }
  return verdict;
}

/** The candidate messages among a draft's actions, with the moment each is about. */
export function candidatesOf(d: DecisionDraft, journey: JourneyNow | null): Candidate[] {
  const moment = momentOf(d, journey);
  const out: Candidate[] = [];
  d.actions.forEach((a, index) => {
    if (isCustomerMessage(a.kind)) out.push({ index, kind: a.kind, template: templateOf(a), moment });
  });
  return out;
}

/** Romanised Hindi words common in customer messages ("order kab aayega", "mera parcel nahi aaya"). */
const HINGLISH = new Set([
  "kya", "hai", "hain", "nahi", "nahin", "mera", "meri", "mere", "mujhe", "kab", "kahan", "kaha", "aayega", "ayega", "aaya", "aya", "abhi",
  "bhai", "kripya", "krpya", "haan", "karo", "kijiye", "diya", "hua", "hoga", "hogi", "paisa", "paise", "wapas", "vapas", "bhejo", "chahiye",
  "kyun", "kyu", "tak", "accha", "acha", "theek", "thik", "jaldi", "kal", "aaj", "batao", "bataye", "milega", "mila", "nhi",
]);

/** Whether a message is written in Hindi: Devanagari, or two or more Hinglish words making up a quarter of it. */
export function writtenInHindi(text: string): "devanagari" | "hinglish" | null {
  if (/[\u0900-\u097F]/.test(text)) return "devanagari";
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const hits = new Set(words.filter((w) => HINGLISH.has(w)));
  return hits.size >= 2 && hits.size / Math.max(1, words.length) >= 0.25 ? "hinglish" : null;
}

/**
 * The template language for a customer: what they write to us in says most (their latest
 * messages first), then the storefront language they bought in (Shopify customer_locale).
 */
export function customerLanguage(input: { locale: string | null; inboundTexts: readonly string[] }): { language: "en" | "hi"; reason: string } {
  for (const t of input.inboundTexts) {
    const hindi = writtenInHindi(t);
    if (hindi) return { language: "hi", reason: `the customer wrote in ${hindi === "devanagari" ? "Hindi" : "Hinglish"}` };
  }
  if (input.locale && /^hi\b/i.test(input.locale)) return { language: "hi", reason: `Shopify customer locale ${input.locale}` };
  return { language: "en", reason: input.locale ? `Shopify customer locale ${input.locale}` : "no language known: English" };
}
