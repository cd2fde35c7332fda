/** The contact policy, rule by rule: each case would pass a message the customer should not get without its rule. */
import { describe, expect, it } from "vitest";
import type { ActionSpec } from "../../src/canonical/actions";
import {
  applyContactPolicy, candidatesOf, customerLanguage, momentOf, passedReason, writtenInHindi, type JourneyNow, type RecentContact,
} from "../../src/decisions/contact-policy";
import type { DecisionDraft } from "../../src/decisions/types";

const H = 3_600_000;
const NOW = Date.parse("2026-11-20T06:00:00Z"); // 11:30 IST
const SCAN = NOW - 40 * H;
const settings = { dailyCap: 2 };

const wa = (template: string): ActionSpec => ({ kind: "whatsapp.template", connector: "whatsapp", params: { to: "+919812345678", template, language: "en", bodyParams: [], buttons: [] } });
const credit: ActionSpec = { kind: "shopify.store_credit", connector: "shopify", params: { customerId: "c1", amount: 10_000, currency: "INR" } };

function d(type: DecisionDraft["type"], dedupeKey: string, inputs: Record<string, unknown>, actions: ActionSpec[], subject: Pick<DecisionDraft, "subjectType" | "subjectId"> = { subjectType: "order", subjectId: "o1" }): DecisionDraft {
  return { type, ...subject, dedupeKey, reasons: [], inputs, actions, notBefore: null };
}

const delayAlert = d("delay_alert", `delay_alert:order:o1:stall:${SCAN}`, { lastScanAt: SCAN }, [wa("delay_alert"), credit]);
const delayedNote = d("status_notification", "status_notification:order:o1:delayed", { status: "delayed" }, [wa("order_delayed")]);
const inTransit: JourneyNow = { state: "in_transit", lastScanAt: SCAN, failedAttempts: 0, openTicket: false, openReturn: false };

/** Runs a draft through the policy with `recent` as the customer's other messages. */
function run(draft: DecisionDraft, journey: JourneyNow | null, recent: RecentContact[] = [], sendAt = NOW) {
  return applyContactPolicy({ candidates: candidatesOf(draft, journey), decisionKey: draft.dedupeKey, recent, journey, sendAt, now: NOW }, settings);
}

/** What the customer's outbox holds after `draft` went through the policy: the contact record of its kept messages. */
function contactsOf(draft: DecisionDraft, journey: JourneyNow | null, state: RecentContact["state"] = "pending", at = NOW): RecentContact[] {
  return run(draft, journey).keep.map((c) => ({
    actionId: `act-${draft.dedupeKey}-${c.index}`, decisionKey: draft.dedupeKey, momentKey: c.moment.key, label: c.moment.label,
    priority: c.moment.priority, urgent: c.moment.urgent, at, state,
  }));
}

describe("one message per customer per journey moment", () => {
  it("a stall sends the delay alert only: the delayed notification decided next is covered by it", () => {
    const first = run(delayAlert, inTransit);
    expect(first.keep.map((c) => c.template)).toEqual(["delay_alert"]);
    const second = run(delayedNote, inTransit, contactsOf(delayAlert, inTransit));
    expect(second.keep).toEqual([]);
    expect(second.suppress).toEqual([{ index: 0, kind: "whatsapp.template", template: "order_delayed", reason: "covered by delay alert queued just now", at: NOW }]);
  });

  it("the delay alert replaces a delayed notification that is still waiting in the outbox, whichever was decided first", () => {
    const earlier = contactsOf(delayedNote, inTransit, "pending", NOW + 2 * H); // held for quiet hours
    const v = run(delayAlert, inTransit, earlier);
    expect(v.keep.map((c) => c.template)).toEqual(["delay_alert"]);
    expect(v.supersede.map((s) => [s.contact.actionId, s.reason])).toEqual([[earlier[0]!.actionId, "replaced by delay alert about the same moment"]]);
  });

  it("a delayed notification that already went out covers the moment: the alert's message is not sent, its store credit is not a message", () => {
    const sent = contactsOf(delayedNote, inTransit, "sent", NOW - 2 * 60_000);
    const v = run(delayAlert, inTransit, sent);
    expect(v.keep).toEqual([]);
    expect(v.suppress.map((s) => s.reason)).toEqual(["covered by order delayed notification sent 2 min ago"]);
    expect(candidatesOf(delayAlert, inTransit).map((c) => c.index)).toEqual([0]); // the credit (index 1) is no candidate
  });

  it("a new stall after a fresh scan is a new moment", () => {
    const old = contactsOf(delayAlert, inTransit, "sent", NOW - 60 * H);
    const later: JourneyNow = { ...inTransit, lastScanAt: NOW - 37 * H };
    const again = d("delay_alert", `delay_alert:order:o1:stall:${NOW - 37 * H}`, { lastScanAt: NOW - 37 * H }, [wa("delay_alert")]);
    expect(run(again, later, old).keep).toHaveLength(1);
  });

  it("a repeat of the same decision is not covered by its own earlier copy", () => {
    expect(run(delayAlert, inTransit, contactsOf(delayAlert, inTransit)).keep).toHaveLength(1);
  });

  it("two messages about one moment inside one decision: the second is covered", () => {
    const both = d("delay_alert", "delay_alert:order:o1:stall:x", { lastScanAt: SCAN }, [wa("delay_alert"), wa("delay_alert")]);
    const v = run(both, inTransit);
    expect(v.keep.map((c) => c.index)).toEqual([0]);
    expect(v.suppress.map((s) => s.index)).toEqual([1]);
  });
});

describe("nothing about a moment the journey has already left", () => {
  const ndr = d("ndr_followup", "ndr_followup:order:o1:attempt:1", { failedAttempts: 1 }, [wa("ndr_followup")]);
  const atFailed: JourneyNow = { state: "failed_attempt", lastScanAt: NOW - H, failedAttempts: 1, openTicket: false, openReturn: false };

  it("no NDR question once RTO is initiated or the parcel is delivered", () => {
    expect(run(ndr, atFailed).keep).toHaveLength(1);
    expect(run(ndr, { ...atFailed, state: "rto_initiated" }).suppress[0]?.reason).toBe("failed-delivery question not sent: the journey has moved on to rto initiated");
    expect(run(ndr, { ...atFailed, state: "delivered" }).keep).toEqual([]);
  });

  it("an NDR question about attempt 1 is stale once attempt 2 failed", () => {
    expect(passedReason(momentOf(ndr, atFailed), { ...atFailed, failedAttempts: 2 })).toBe("failed-delivery question not sent: a later failed attempt (2) replaces attempt 1");
  });

  it("no out-for-delivery after delivered, no shipped after out for delivery", () => {
    const ofd = d("status_notification", "status_notification:order:o1:out_for_delivery", { status: "out_for_delivery" }, [wa("out_for_delivery")]);
    const shipped = d("status_notification", "status_notification:order:o1:shipped", { status: "shipped" }, [wa("order_shipped")]);
    const delivered: JourneyNow = { ...inTransit, state: "delivered" };
    expect(run(ofd, { ...inTransit, state: "out_for_delivery" }).keep).toHaveLength(1);
    expect(run(ofd, delivered).suppress[0]?.reason).toBe("out for delivery notification not sent: the journey has moved on to delivered");
    expect(run(shipped, { ...inTransit, state: "out_for_delivery" }).keep).toEqual([]);
    expect(run(shipped, inTransit).keep).toHaveLength(1);
  });

  it("no delay message once the parcel moved again or arrived", () => {
    const m = momentOf(delayAlert, inTransit);
    expect(passedReason(m, inTransit)).toBeNull();
    expect(passedReason(m, { ...inTransit, lastScanAt: SCAN + H })).toBe("delay alert not sent: the carrier scanned the parcel again since");
    expect(passedReason(m, { ...inTransit, state: "delivered" })).toBe("delay alert not sent: the journey has moved on to delivered");
  });

  it("no COD question once the order is confirmed or cancelled", () => {
    const cod = d("cod_confirmation", "cod_confirmation:order:o1:request", {}, [wa("cod_confirm")]);
    const pending: JourneyNow = { state: "cod_confirmation_pending", lastScanAt: null, failedAttempts: 0, openTicket: false, openReturn: false };
    expect(run(cod, pending).keep).toHaveLength(1);
    expect(run(cod, { ...pending, state: "cancelled" }).keep).toEqual([]);
  });

  it("no post-delivery care while a return or a ticket is open", () => {
    const care = d("post_delivery", "post_delivery:order:o1:review_request", { step: "review_request" }, [wa("review_request")]);
    const delivered: JourneyNow = { state: "delivered", lastScanAt: NOW - 50 * H, failedAttempts: 0, openTicket: false, openReturn: false };
    expect(run(care, delivered).keep).toHaveLength(1);
    expect(run(care, { ...delivered, openReturn: true }).suppress[0]?.reason).toBe("post-delivery review request not sent: a return is open");
    expect(run(care, { ...delivered, openTicket: true }).suppress[0]?.reason).toBe("post-delivery review request not sent: a support ticket is open");
    expect(run(care, { ...delivered, state: "return_requested" }).keep).toEqual([]);
  });
});

describe("daily cap for non-urgent messages", () => {
  const customer = { subjectType: "customer" as const, subjectId: "c1" };
  const reorder = d("reorder_prompt", "reorder_prompt:customer:c1:skincare:1", {}, [wa("reorder_prompt")], customer);
  const shippedSent = (at: number, n: number): RecentContact => ({ actionId: `a${n}`, decisionKey: `k${n}`, momentKey: `m${n}`, label: `notification ${n}`, priority: 1, urgent: true, at, state: "sent" });

  it("a non-urgent message waits out a day that already had two messages", () => {
    const v = run(reorder, null, [shippedSent(NOW - 3 * H, 1), shippedSent(NOW - H, 2)]);
    expect(v.keep).toEqual([]);
    expect(v.suppress[0]?.reason).toBe("daily cap: 2 messages within 24 h (notification 1, notification 2), cap 2 for non-urgent messages");
  });

  it("one message in the day, or two more than 24 h ago, leave room", () => {
    expect(run(reorder, null, [shippedSent(NOW - H, 1)]).keep).toHaveLength(1);
    expect(run(reorder, null, [shippedSent(NOW - 25 * H, 1), shippedSent(NOW - 26 * H, 2)]).keep).toHaveLength(1);
  });

  it("a message held for the morning counts on the day it goes out", () => {
    expect(run(reorder, null, [shippedSent(NOW + 10 * H, 1), shippedSent(NOW + 11 * H, 2)]).keep).toEqual([]);
  });

  it("urgent messages are not capped", () => {
    const v = run(delayAlert, inTransit, [shippedSent(NOW - 3 * H, 1), shippedSent(NOW - H, 2), shippedSent(NOW - 2 * H, 3)]);
    expect(v.keep).toHaveLength(1);
  });

  it("the cap is policy: 0 stops every non-urgent message", () => {
    const v = applyContactPolicy({ candidates: candidatesOf(reorder, null), decisionKey: reorder.dedupeKey, recent: [], journey: null, sendAt: NOW, now: NOW }, { dailyCap: 0 });
    expect(v.keep).toEqual([]);
  });
});

describe("the customer's language", () => {
  it("Hindi for a customer who wrote in Devanagari or Hinglish, whatever the storefront locale", () => {
    expect(customerLanguage({ locale: "en", inboundTexts: ["मेरा ऑर्डर कब आएगा?"] })).toEqual({ language: "hi", reason: "the customer wrote in Hindi" });
    expect(customerLanguage({ locale: "en-IN", inboundTexts: ["bhai mera order kab aayega"] })).toEqual({ language: "hi", reason: "the customer wrote in Hinglish" });
  });

  it("English messages, even with a stray Hindi word, leave the locale to decide", () => {
    expect(writtenInHindi("Where is my order? It was supposed to come yesterday, kal.")).toBeNull();
    expect(customerLanguage({ locale: "hi-IN", inboundTexts: ["Where is my order?"] })).toEqual({ language: "hi", reason: "Shopify customer locale hi-IN" });
    expect(customerLanguage({ locale: "en", inboundTexts: ["Where is my order?"] }).language).toBe("en");
    expect(customerLanguage({ locale: null, inboundTexts: [] })).toEqual({ language: "en", reason: "no language known: English" });
  });
});
