/** COD answers in Shopify, the pure parts: the rules' drafts, the approval gate, the Razorpay mapper and the GraphQL answers. */
import { describe, expect, it } from "vitest";
import paidFixture from "../fixtures/vendor/razorpay/payment_link-paid.json";
import { mapperFor } from "../../src/canonical/mappers";
import { UnmappableError } from "../../src/canonical/model";
import { buildPaymentLinkRequest } from "../../src/connectors/razorpay";
import { COD_HOLD_HANDLE, interpretCodMutation, readFulfillmentOrders, toHold, toRelease } from "../../src/connectors/shopify-cod";
import { approvalReason } from "../../src/decisions/approval";
import type { OrderSummary } from "../../src/decisions/context";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/decisions/policy";
import { autoCancelDueAt, decideCodAnswer, decideCodAutoCancel, decideCodBlocked, decideCodPaid, decideCodReminder } from "../../src/decisions/rules/cod-shopify";

const H = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 6, 0);
const order = (over: Partial<OrderSummary> = {}): OrderSummary => ({
  id: "6001", name: "#2001", totalPrice: 274_900, currency: "INR", paymentMethod: "cod", customerId: "8001", customerFirstName: "Arjun",
  phone: "+919900112233", email: "arjun@example.in", lineItems: [], shippingPincode: "560034", shippingCity: "Bengaluru", createdAt: NOW - 2 * H, cancelledAt: null, ...over,
});
const unfulfilled = { fulfillmentStatus: null, financialStatus: "pending" };
const policyWith = (patch: unknown): Policy => {
  const r = parsePolicy(patch);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
};

describe("the customer's answer", () => {
  it("confirm → tag cod-confirmed and release Switchyard's hold", () => {
    const d = decideCodAnswer(order(), { confirmed: true, at: NOW, messageId: "wamid.1" }, unfulfilled, DEFAULT_POLICY, NOW)!;
    expect(d.dedupeKey).toBe("cod_confirmation:order:6001:confirmed");
    expect(d.actions).toEqual([
      { kind: "shopify.tags_add", connector: "shopify", params: { resource: "order", id: "6001", tags: ["cod-confirmed"] } },
      { kind: "shopify_release_hold", connector: "shopify", params: { orderId: "6001" } },
    ]);
  });

  it("cancel → orderCancel (CUSTOMER, restock, notify) and the tag; after fulfilment only an ops alert; a prepaid order nothing", () => {
    const d = decideCodAnswer(order(), { confirmed: false, at: NOW, messageId: "wamid.2" }, unfulfilled, DEFAULT_POLICY, NOW)!;
    expect(d.actions[0]).toEqual({ kind: "shopify_order_cancel", connector: "shopify", params: { orderId: "6001", reason: "CUSTOMER", restock: true, notifyCustomer: true, staffNote: "Customer cancelled on WhatsApp (COD confirmation)" } });
    expect(d.actions[1]).toMatchObject({ kind: "shopify.tags_add", params: { tags: ["cod-cancelled"] } });
    const late = decideCodAnswer(order(), { confirmed: false, at: NOW, messageId: "wamid.3" }, { fulfillmentStatus: "fulfilled", financialStatus: "pending" }, DEFAULT_POLICY, NOW)!;
    expect(late.actions.map((a) => a.kind)).toEqual(["email.ops_alert"]);
    expect(decideCodAnswer(order({ paymentMethod: "prepaid" }), { confirmed: false, at: NOW, messageId: "wamid.4" }, unfulfilled, DEFAULT_POLICY, NOW)).toBeNull();
    expect(decideCodAnswer(order({ cancelledAt: NOW - H }), { confirmed: true, at: NOW, messageId: "wamid.5" }, unfulfilled, DEFAULT_POLICY, NOW)).toBeNull();
  });

  it("a Shopify cancel waits for approval while approvals.codHolds; the confirm does not", () => {
    const cancel = decideCodAnswer(order(), { confirmed: false, at: NOW, messageId: "w" }, unfulfilled, DEFAULT_POLICY, NOW)!;
    const confirm = decideCodAnswer(order(), { confirmed: true, at: NOW, messageId: "w" }, unfulfilled, DEFAULT_POLICY, NOW)!;
    expect(approvalReason(cancel, DEFAULT_POLICY)).toBe("cancelling a COD order in Shopify waits for approval");
    expect(approvalReason(confirm, DEFAULT_POLICY)).toBeNull();
    expect(approvalReason(cancel, policyWith({ approvals: { codHolds: false } }))).toBeNull();
  });
});

describe("silence", () => {
  it("the reminder carries the buttons; auto-cancel only when the policy says so and after the further timeout", () => {
    const r = decideCodReminder(order(), NOW - 25 * H, DEFAULT_POLICY, NOW)!;
    expect(r.actions[0]).toMatchObject({ kind: "whatsapp.template", params: { template: "cod_confirm_reminder", buttons: [{ param: "cod:confirm:#2001" }, { param: "cod:cancel:#2001" }] } });
    expect(autoCancelDueAt(NOW, DEFAULT_POLICY)).toBeNull();
    const p = policyWith({ cod_shopify: { autoCancel: true, autoCancelAfterHours: 12 } });
    expect(autoCancelDueAt(NOW, p)).toBe(NOW + 12 * H);
    expect(decideCodAutoCancel(order(), NOW - 11 * H, unfulfilled, p, NOW)).toBeNull();
    const c = decideCodAutoCancel(order(), NOW - 12 * H, unfulfilled, p, NOW)!;
    expect(c.actions.map((a) => a.kind)).toEqual(["shopify_order_cancel", "shopify.tags_add", "email.ops_alert"]);
    expect(approvalReason(c, p)).toMatch(/waits for approval/);
    expect(decideCodAutoCancel(order(), NOW - 12 * H, { fulfillmentStatus: "fulfilled", financialStatus: null }, p, NOW)).toBeNull();
  });

  it("refuses out-of-range and unknown policy values", () => {
    expect(parsePolicy({ cod_shopify: { blockAfterRtos: 0 } }).ok).toBe(false);
    expect(parsePolicy({ cod_shopify: { blockAfterRtos: 1.5 } }).ok).toBe(false);
    expect(parsePolicy({ cod_shopify: { autoCancelAfterHours: 337 } }).ok).toBe(false);
    expect(parsePolicy({ cod_shopify: { holdReason: "BECAUSE" } }).ok).toBe(false);
    expect(parsePolicy({ cod_shopify: { holdReason: "AWAITING_PAYMENT" } }).ok).toBe(true);
  });
});

describe("paid by link and cod-blocked", () => {
  const payment = { linkId: "plink_1", paymentId: "pay_1", amount: 261_155, paidAt: NOW - 60_000 };
  it("mark paid + cod-converted + release; already paid skips the mark; a cancelled order alerts ops", () => {
    expect(decideCodPaid(order(), payment, unfulfilled, DEFAULT_POLICY, NOW)!.actions.map((a) => a.kind)).toEqual(["shopify_mark_paid", "shopify.tags_add", "shopify_release_hold"]);
    expect(decideCodPaid(order(), payment, { fulfillmentStatus: null, financialStatus: "paid" }, DEFAULT_POLICY, NOW)!.actions.map((a) => a.kind)).toEqual(["shopify.tags_add", "shopify_release_hold"]);
    expect(decideCodPaid(order({ cancelledAt: NOW - H }), payment, unfulfilled, DEFAULT_POLICY, NOW)!.actions.map((a) => a.kind)).toEqual(["email.ops_alert"]);
  });

  it("tags the customer cod-blocked at the policy's RTO count, not before", () => {
    expect(decideCodBlocked("8001", { orders: 1, names: ["#1"] }, DEFAULT_POLICY, NOW)).toBeNull();
    const d = decideCodBlocked("8001", { orders: 2, names: ["#1", "#2"] }, DEFAULT_POLICY, NOW)!;
    expect(d).toMatchObject({ subjectType: "customer", subjectId: "8001", dedupeKey: "cod_confirmation:customer:8001:cod_blocked" });
    expect(d.actions).toEqual([{ kind: "shopify.tags_add", connector: "shopify", params: { resource: "customer", id: "8001", tags: ["cod-blocked"] } }]);
    expect(decideCodBlocked("8001", { orders: 2, names: [] }, policyWith({ cod_shopify: { blockAfterRtos: 3 } }), NOW)).toBeNull();
  });
});

describe("Razorpay mapper and request", () => {
  it("maps Razorpay's documented payment_link.paid sample to a payment for the link's reference_id", () => {
    const batch = mapperFor("razorpay")("payment_link.paid", paidFixture);
    expect(batch.payments).toEqual([
      { orderRef: "222344", linkId: "plink_FOGqq3O6E5bkml", paymentId: "pay_FOGsH8uHkF2FbR", amount: 10000, currency: "INR", method: "netbanking", paidAt: "2020-08-08T12:38:09.000Z", source: "razorpay", sourceId: "pay_FOGsH8uHkF2FbR" },
    ]);
    expect(mapperFor("razorpay")("payment_link.expired", { ...paidFixture, event: "payment_link.expired" }).payments).toEqual([]);
    expect(() => mapperFor("razorpay")("x", { hello: 1 })).toThrow(UnmappableError);
  });

  it("builds POST /v1/payment_links in paise with Basic auth and Razorpay's own notifications off", () => {
    const req = buildPaymentLinkRequest(
      { kind: "cod_payment_link", connector: "razorpay", params: { orderId: "6001", amountPaise: 261_155, discountPaise: 13_745, customerPhone: "+919900112233" } },
      { keyId: "rzp_test_1", keySecret: "s3cret", baseUrl: "https://api.razorpay.com", callbackUrl: "https://shop.example.in/thanks" },
    );
    expect(req).toMatchObject({ method: "POST", url: "https://api.razorpay.com/v1/payment_links", headers: { authorization: `Basic ${btoa("rzp_test_1:s3cret")}` } });
    expect(req.body).toMatchObject({ amount: 261_155, currency: "INR", reference_id: "6001", customer: { contact: "+919900112233" }, notify: { sms: false, email: false }, callback_url: "https://shop.example.in/thanks", callback_method: "get" });
  });
});

describe("Shopify's answers", () => {
  it("reads fulfillment orders; holds only open ones without Switchyard's hold; releases only Switchyard's holds", () => {
    const r = readFulfillmentOrders(200, { data: { order: { id: "gid://shopify/Order/1", fulfillmentOrders: { nodes: [
      { id: "fo1", status: "OPEN", fulfillmentHolds: [] },
      { id: "fo2", status: "ON_HOLD", fulfillmentHolds: [{ id: "h1", handle: COD_HOLD_HANDLE, heldByRequestingApp: true }, { id: "h2", handle: null, heldByRequestingApp: false }] },
      { id: "fo3", status: "ON_HOLD", fulfillmentHolds: [{ id: "h3", handle: null, heldByRequestingApp: false }] },
      { id: "fo4", status: "CLOSED", fulfillmentHolds: [] },
    ] } } } });
    if ("outcome" in r) throw new Error("no fulfillment orders");
    expect(toHold(r.fos).map((f) => f.id)).toEqual(["fo1", "fo3"]);
    expect(toRelease(r.fos).map((x) => [x.fo.id, x.holdIds])).toEqual([["fo2", ["h1"]]]);
    expect(readFulfillmentOrders(200, { data: { order: null } })).toMatchObject({ outcome: { kind: "failed", reason: "order not found in Shopify" } });
  });

  it("orderCancel's errors are in orderCancelUserErrors: INVALID fails, INTERNAL_ERROR retries; a job is success", () => {
    expect(interpretCodMutation("orderCancel", 200, { data: { orderCancel: { job: { id: "gid://shopify/Job/1" }, orderCancelUserErrors: [] } } })).toMatchObject({ kind: "sent", externalId: "gid://shopify/Job/1" });
    expect(interpretCodMutation("orderCancel", 200, { data: { orderCancel: { job: null, orderCancelUserErrors: [{ message: "bad", code: "INVALID" }] } } })).toMatchObject({ kind: "failed" });
    expect(interpretCodMutation("orderCancel", 200, { data: { orderCancel: { job: null, orderCancelUserErrors: [{ message: "oops", code: "INTERNAL_ERROR" }] } } })).toMatchObject({ kind: "retry" });
    expect(interpretCodMutation("orderMarkAsPaid", 200, { data: { orderMarkAsPaid: { order: null, userErrors: [{ field: ["id"], message: "Order cannot be marked as paid." }] } } })).toMatchObject({ kind: "failed", reason: "orderMarkAsPaid: Order cannot be marked as paid." });
    expect(interpretCodMutation("orderMarkAsPaid", 200, { errors: [{ message: "Access denied for orderMarkAsPaid field.", extensions: { code: "ACCESS_DENIED" } }] })).toMatchObject({ kind: "failed", reason: "Access denied for orderMarkAsPaid field." });
  });
});
