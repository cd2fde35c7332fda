/**
 * Razorpay Payment Links: the pay-now offer to a COD customer (issue 19).
 *
 * Create a Standard Payment Link (Razorpay API reference, "Create a Standard Payment Link",
 * https://razorpay.com/docs/api/payments/payment-links/create-standard and the Payment Links APIs page
 * https://razorpay.com/docs/payments/payment-links/apis): `POST https://api.razorpay.com/v1/payment_links`
 * with HTTP Basic auth `key_id:key_secret`, JSON { amount (smallest unit: paise), currency "INR",
 * accept_partial, reference_id (ours: the Shopify order id; unique per link, at most 40 characters),
 * description, customer { name, contact, email }, notify { sms, email }, reminder_enable, notes,
 * callback_url, callback_method "get" (required with callback_url) }. The answer is the Payment Link
 * entity: { id "plink_…", short_url "https://rzp.io/i/…", status "created", reference_id, … }
 * (https://razorpay.com/docs/api/payments/payment-links/entity).
 *
 * Razorpay's own SMS/email (`notify`) stay off: the link reaches the customer on WhatsApp through the
 * contact policy (pipeline/cod-shopify.ts), so they get one message, in their journey, not three.
 */
import type { ActionSpec } from "../canonical/actions";
import { asRecord, basicAuth, type OutboundRequest, type Outcome } from "./http";

export type PaymentLinkSpec = Extract<ActionSpec, { kind: "cod_payment_link" }>;

export interface RazorpayConfig {
  keyId: string;
  keySecret: string;
  /** https://api.razorpay.com unless RAZORPAY_API_BASE_URL points elsewhere. */
  baseUrl: string;
  /** Where the customer lands after paying (RAZORPAY_CALLBACK_URL), or none. */
  callbackUrl: string | null;
}

export const RAZORPAY_BASE_URL = "https://api.razorpay.com";

export function buildPaymentLinkRequest(spec: PaymentLinkSpec, c: RazorpayConfig): OutboundRequest {
  const p = spec.params;
  const customer: Record<string, string> = {};
  if (p.customerPhone) customer.contact = p.customerPhone;
  if (p.customerEmail) customer.email = p.customerEmail;
  const body: Record<string, unknown> = {
    amount: p.amountPaise,
    currency: "INR",
    accept_partial: false,
    reference_id: p.orderId.slice(0, 40),
    description: p.discountPaise > 0 ? `Pay now for order ${p.orderId} (₹${(p.discountPaise / 100).toFixed(0)} off instead of cash on delivery)` : `Pay now for order ${p.orderId}`,
    customer,
    notify: { sms: false, email: false },
    reminder_enable: false,
    notes: { shopify_order_id: p.orderId, discount_paise: String(p.discountPaise) },
  };
  if (c.callbackUrl) Object.assign(body, { callback_url: c.callbackUrl, callback_method: "get" });
  return {
    method: "POST",
    url: `${c.baseUrl}/v1/payment_links`,
    headers: { authorization: c.keySecret ? basicAuth(c.keyId, c.keySecret) : "", "content-type": "application/json" },
    body,
  };
}

/** 2xx: the link exists; its id is the action's external id and its short_url goes to the customer. */
export function interpretRazorpay(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  const id = o?.id;
  if (typeof id !== "string" || typeof o?.short_url !== "string") return { kind: "failed", httpStatus: status, reason: "Razorpay answered without a payment link id and short_url", response: body };
  return { kind: "sent", httpStatus: status, externalId: id, response: body };
}

/** The link a created payment-link action's stored response holds. */
export function paymentLinkOf(response: unknown): { id: string; shortUrl: string } | null {
  const o = asRecord(response);
  return typeof o?.id === "string" && typeof o.short_url === "string" ? { id: o.id, shortUrl: o.short_url } : null;
}
