/**
 * Policy for what COD answers do in Shopify (issue 19): the hold the warehouse sees when nobody answers,
 * the second reminder, the optional auto-cancel, the pay-now message and the cod-blocked threshold.
 * A section of its own, added to the policy in decisions/policy.ts with one line (docs/policies.md).
 */
import { z } from "zod";

/** Same message shape as the rest of the policy: "must be (a whole number) from MIN to MAX unit". */
function bounded(min: number, max: number, unit: string, opts: { int?: boolean } = {}) {
  const range = `must be ${opts.int ? "a whole number " : ""}from ${min} to ${max} ${unit}`;
  const n = z.number({ error: range });
  return (opts.int ? n.int({ error: range }) : n).min(min, { error: range }).max(max, { error: range });
}

/** Shopify's FulfillmentHoldReason values (Admin GraphQL, enums/FulfillmentHoldReason). */
export const FULFILLMENT_HOLD_REASONS = [
  "AWAITING_PAYMENT",
  "AWAITING_RETURN_ITEMS",
  "HIGH_RISK_OF_FRAUD",
  "INCORRECT_ADDRESS",
  "INVENTORY_OUT_OF_STOCK",
  "ONLINE_STORE_POST_PURCHASE_CROSS_SELL",
  "OTHER",
  "UNKNOWN_DELIVERY_DATE",
] as const;

const Template = z.string().min(1).max(200);

export const CodShopifyPolicy = z.strictObject({
  /** The hold placed on an unconfirmed order's fulfillment orders at the COD timeout. */
  holdReason: z.enum(FULFILLMENT_HOLD_REASONS),
  /** The hold's reasonNotes: what the warehouse reads in Shopify beside the hold. */
  holdNote: z.string().min(1).max(255),
  /** The second reminder the customer gets at the timeout (WhatsApp, confirm/cancel buttons). */
  reminderTemplate: Template,
  /** Cancel in Shopify when the order is still unconfirmed this long after the timeout (waits for approval while approvals.codHolds). */
  autoCancel: z.boolean(),
  autoCancelAfterHours: bounded(1, 336, "hours"),
  /** The WhatsApp template that carries a pay-now link and its discount. */
  payLinkTemplate: Template,
  /** A customer with this many RTO orders gets the Shopify customer tag cod-blocked (a checkout rule can read it). */
  blockCustomers: z.boolean(),
  blockAfterRtos: bounded(1, 20, "RTOs", { int: true }),
});
export type CodShopifyPolicy = z.infer<typeof CodShopifyPolicy>;

export const DEFAULT_COD_SHOPIFY_POLICY: CodShopifyPolicy = {
  holdReason: "OTHER",
  holdNote: "COD order not confirmed by the customer: do not ship until Switchyard releases this hold",
  reminderTemplate: "cod_confirm_reminder",
  autoCancel: false,
  autoCancelAfterHours: 24,
  payLinkTemplate: "cod_pay_now",
  blockCustomers: true,
  blockAfterRtos: 2,
};
