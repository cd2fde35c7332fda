/**
 * Razorpay webhooks → canonical payments. Only `payment_link.paid` carries news for an order (the
 * COD customer paid the pay-now link); `payment_link.partially_paid|expired|cancelled` are stored and
 * map to nothing. Payload shape: Razorpay "Payment Links Webhook Events", sample payloads
 * (https://razorpay.com/docs/webhooks/payloads/payment-links/): { entity "event", event, contains,
 * payload { payment_link { entity { id, reference_id, amount, amount_paid, currency, status } },
 * payment { entity { id, amount, method, created_at } }, order { entity } }, created_at } — times in
 * Unix seconds, amounts in paise.
 */
import { emptyBatch, UnmappableError, type CanonicalBatch } from "../model";
import { toIsoUtc } from "../normalise";

const rec = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function mapRazorpayWebhook(_topic: string, payload: unknown): CanonicalBatch {
  const batch = emptyBatch();
  const body = rec(payload);
  if (!body || body.entity !== "event" || typeof body.event !== "string") throw new UnmappableError("not a Razorpay webhook event");
  if (body.event !== "payment_link.paid") return batch;
  const link = rec(rec(rec(body.payload)?.payment_link)?.entity);
  const payment = rec(rec(rec(body.payload)?.payment)?.entity);
  if (!link || typeof link.id !== "string") throw new UnmappableError("payment_link.paid without payload.payment_link.entity.id");
  const ref = typeof link.reference_id === "string" ? link.reference_id.trim() : "";
  if (!ref) throw new UnmappableError(`payment_link.paid for ${link.id} has no reference_id: not a link Switchyard created`);
  const amount = Number(link.amount_paid ?? payment?.amount);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new UnmappableError(`payment_link.paid for ${link.id}: amount_paid is not a positive number of paise`);
  const paymentId = typeof payment?.id === "string" ? payment.id : link.id;
  batch.payments.push({
    orderRef: ref,
    linkId: link.id,
    paymentId,
    amount,
    currency: typeof link.currency === "string" ? link.currency : "INR",
    method: typeof payment?.method === "string" ? payment.method : null,
    paidAt: toIsoUtc(payment?.created_at ?? body.created_at, "payment created_at"),
    source: "razorpay",
    sourceId: paymentId,
  });
  return batch;
}
