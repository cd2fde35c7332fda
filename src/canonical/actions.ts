/**
 * What an action asks a connector to do, independent of any vendor's wire format.
 * Decisions and workflows produce these; connectors turn them into the vendor's request.
 */
import { HELPDESKS } from "./vocabulary";
import { z } from "zod";

const Phone = z.string().regex(/^\+[1-9]\d{7,14}$/);
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const HelpdeskName = z.enum(HELPDESKS);

export const ActionSpec = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("whatsapp.template"),
    connector: z.literal("whatsapp"),
    params: z.object({
      to: Phone,
      template: z.string().min(1),
      language: z.string().default("en"),
      bodyParams: z.array(z.string()).default([]),
      /** URL button suffixes (dynamic URL buttons) or quick-reply payloads, by button index; `url` is the whole address a URL button opens, for the SMS/email versions. */
      buttons: z.array(z.object({ type: z.enum(["url", "quick_reply"]), param: z.string(), url: z.string().optional() })).default([]),
    }),
  }),
  z.object({
    kind: z.literal("whatsapp.text"),
    connector: z.literal("whatsapp"),
    params: z.object({ to: Phone, text: z.string().min(1) }),
  }),
  z.object({
    kind: z.literal("sms.send"),
    connector: z.literal("sms"),
    params: z.object({
      to: Phone,
      /** The WhatsApp template this SMS stands in for (canonical/sms-templates.ts). */
      template: z.string().min(1),
      /** MSG91's template id (mapped in MSG91 to the DLT template), the DLT template id and the DLT sender id. */
      templateId: z.string().min(1),
      dltTemplateId: z.string().min(1),
      senderId: z.string().min(1),
      /** Values for the template's ##var## placeholders, by name. */
      variables: z.record(z.string(), z.string()),
      /** 1 when the values are not plain ASCII (Hindi). */
      unicode: z.boolean().default(false),
    }),
  }),
  z.object({
    kind: z.literal("email.send"),
    connector: z.literal("email"),
    /** `template` names the rendered email (src/messages/email) the text and html came from. */
    params: z.object({ to: z.string().email(), subject: z.string(), text: z.string(), html: z.string().optional(), template: z.string().optional() }),
  }),
  z.object({
    kind: z.literal("email.ops_alert"),
    connector: z.literal("email"),
    params: z.object({ subject: z.string(), text: z.string() }),
  }),
  z.object({
    kind: z.literal("shopify.inventory_set"),
    connector: z.literal("shopify"),
    params: z.object({
      sku: z.string(),
      inventoryItemId: z.string(),
      locationId: z.string(),
      quantity: z.number().int(),
      /** Compare-and-set: Shopify refuses the write if its current value differs. */
      compareQuantity: z.number().int().nullable(),
      reason: z.string().default("correction"),
    }),
  }),
  z.object({
    kind: z.literal("shopify.tags_add"),
    connector: z.literal("shopify"),
    params: z.object({ resource: z.enum(["order", "customer", "product"]), id: z.string(), tags: z.array(z.string()).min(1) }),
  }),
  z.object({
    kind: z.literal("shopify.metafields_set"),
    connector: z.literal("shopify"),
    params: z.object({
      resource: z.enum(["order", "customer", "product"]),
      id: z.string(),
      namespace: z.string(),
      key: z.string(),
      type: z.string(),
      value: z.string(),
    }),
  }),
  z.object({
    kind: z.literal("shopify.store_credit"),
    connector: z.literal("shopify"),
    params: z.object({ customerId: z.string(), amount: z.number().int().positive(), currency: z.string().length(3) }),
  }),
  z.object({
    kind: z.literal("shopify.fulfillment_event"),
    connector: z.literal("shopify"),
    params: z.object({
      orderId: z.string(),
      awb: z.string(),
      /** Canonical shipment status; the connector maps it to Shopify's FulfillmentEventStatus. */
      status: z.string(),
      happenedAt: z.string(),
      message: z.string().nullable(),
      city: z.string().nullable(),
      estimatedDeliveryAt: z.string().nullable(),
    }),
  }),
  z.object({
    kind: z.literal("zoho.purchase_order_draft"),
    connector: z.literal("zoho"),
    params: z.object({ sku: z.string(), quantity: z.number().int().positive(), expectedBy: z.string().nullable(), note: z.string() }),
  }),
  z.object({
    kind: z.literal("zoho.sales_order"),
    connector: z.literal("zoho"),
    params: z.object({
      orderId: z.string(),
      orderName: z.string(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), rate: z.number().int() })),
    }),
  }),
  /** Units coming back (refund with restock, return received, RTO delivered): a Zoho sales return against the order's sales order. */
  z.object({
    kind: z.literal("zoho.restock"),
    connector: z.literal("zoho"),
    params: z.object({ orderId: z.string(), lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })), reason: z.string().optional() }),
  }),
  /** Money going back on a prepaid order: a Zoho credit note, so the books move with the stock. */
  z.object({
    kind: z.literal("zoho.credit_note"),
    connector: z.literal("zoho"),
    params: z.object({
      orderId: z.string(),
      orderName: z.string(),
      refundId: z.string(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), rate: z.number().int() })),
    }),
  }),
  z.object({
    kind: z.literal("helpdesk.reply"),
    connector: z.literal("helpdesk"),
    params: z.object({ helpdesk: HelpdeskName, ticketId: z.string(), body: z.string(), status: z.enum(["pending", "solved", "open"]).nullable() }),
  }),
  z.object({
    kind: z.literal("helpdesk.update"),
    connector: z.literal("helpdesk"),
    params: z.object({
      helpdesk: HelpdeskName,
      ticketId: z.string(),
      priority: z.enum(["low", "normal", "high", "urgent"]).nullable(),
      assignee: z.string().nullable(),
      status: z.enum(["open", "pending", "solved"]).nullable(),
      tags: z.array(z.string()).default([]),
      /** The helpdesk's group (Gorgias team) id; absent or null leaves it as it is. */
      group: z.string().nullable().optional(),
    }),
  }),
  z.object({
    kind: z.literal("helpdesk.internal_note"),
    connector: z.literal("helpdesk"),
    params: z.object({ helpdesk: HelpdeskName, ticketId: z.string(), body: z.string() }),
  }),
  /** Replaces the body of a note Switchyard posted earlier (Freshdesk only: its notes can be edited; see pipeline/ticket-context.ts). */
  z.object({
    kind: z.literal("helpdesk.update_note"),
    connector: z.literal("helpdesk"),
    params: z.object({ helpdesk: z.literal("freshdesk"), ticketId: z.string(), noteId: z.string().regex(/^\d+$/), body: z.string() }),
  }),
  z.object({
    kind: z.literal("klaviyo.event"),
    connector: z.literal("klaviyo"),
    params: z.object({
      metric: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      properties: z.record(z.string(), z.unknown()),
      time: z.string(),
      uniqueId: z.string(),
    }),
  }),
  z.object({
    kind: z.literal("klaviyo.profile_properties"),
    connector: z.literal("klaviyo"),
    params: z.object({ email: z.string().nullable(), phone: z.string().nullable(), properties: z.record(z.string(), z.unknown()) }),
  }),
  z.object({
    kind: z.literal("hubspot.contact_properties"),
    connector: z.literal("hubspot"),
    params: z.object({ email: z.string().email(), properties: z.record(z.string(), z.string()) }),
  }),
  z.object({
    kind: z.literal("hubspot.event"),
    connector: z.literal("hubspot"),
    params: z.object({
      /** The custom event's fully qualified name (pe{HubID}_{name}). */
      eventName: z.string().min(1),
      email: z.string().email(),
      occurredAt: z.string(),
      properties: z.record(z.string(), z.string()),
      /** Idempotency of the occurrence. */
      uuid: z.string(),
    }),
  }),
  /** Up to 10,000 profiles' properties in one Klaviyo Bulk Import Profiles job (an upsert by email or phone). */
  z.object({
    kind: z.literal("klaviyo.profiles_bulk_import"),
    connector: z.literal("klaviyo"),
    params: z.object({
      profiles: z
        .array(z.object({ email: z.string().nullable(), phone: z.string().nullable(), properties: z.record(z.string(), z.unknown()) }))
        .min(1)
        .max(10_000),
    }),
  }),
  /** Up to 100 HubSpot contacts' properties in one batch upsert by email. */
  z.object({
    kind: z.literal("hubspot.contacts_batch_upsert"),
    connector: z.literal("hubspot"),
    params: z.object({ contacts: z.array(z.object({ email: z.string().email(), properties: z.record(z.string(), z.string()) })).min(1).max(100) }),
  }),
  /** Up to 500 HubSpot custom event occurrences in one batch send. */
  z.object({
    kind: z.literal("hubspot.events_batch"),
    connector: z.literal("hubspot"),
    params: z.object({
      events: z
        .array(z.object({ eventName: z.string().min(1), email: z.string().email(), occurredAt: z.string(), properties: z.record(z.string(), z.string()), uuid: z.string() }))
        .min(1)
        .max(500),
    }),
  }),
  /** A new ticket from a customer's WhatsApp message (pipeline/inbound-whatsapp.ts): the customer as requester, the message as its first message. */
  z.object({
    kind: z.literal("helpdesk.create_ticket"),
    connector: z.literal("helpdesk"),
    params: z.object({
      helpdesk: HelpdeskName,
      subject: z.string().min(1),
      /** The customer's own words. */
      message: z.string().min(1),
      /** Order and journey context for the agent, posted as a private note beside the message. */
      context: z.string(),
      requester: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: Phone }),
      priority: z.enum(["low", "normal", "high", "urgent"]),
      assignee: z.string().nullable(),
      tags: z.array(z.string()).default([]),
    }),
  }),
  /** A customer's follow-up on WhatsApp, appended to the ticket its conversation opened (`ticketId`, or the one the create action `createKey` made). */
  z.object({
    kind: z.literal("helpdesk.add_message"),
    connector: z.literal("helpdesk"),
    params: z.object({
      helpdesk: HelpdeskName,
      ticketId: z.string().nullable(),
      createKey: z.string().nullable(),
      message: z.string().min(1),
      requester: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: Phone }),
    }),
  }),
  z.object({
    kind: z.literal("shiprocket.ndr_action"),
    connector: z.literal("shiprocket"),
    params: z.object({
      awb: z.string(),
      action: z.enum(["re-attempt", "return"]),
      comments: z.string(),
      /** What the customer's answer carried (decisions/ndr-answer.ts): the re-attempt's new date, phone and address. */
      deferredDate: IsoDay.optional(),
      phone: Phone.optional(),
      address: z.string().min(1).max(200).optional(),
    }),
  }),
  /** Delhivery's own NDR action for a parcel booked directly with Delhivery (connectors/delhivery.ts). */
  z.object({
    kind: z.literal("delhivery.ndr_action"),
    connector: z.literal("delhivery"),
    params: z.object({
      awb: z.string(),
      action: z.enum(["re-attempt", "return"]),
      deferredDate: IsoDay.optional(),
      phone: Phone.optional(),
      address: z.string().min(1).max(200).optional(),
    }),
  }),
  // ── COD answers in Shopify, and the pay-now link (issue 19; connectors/shopify-cod.ts, connectors/razorpay.ts) ──
  /** A Razorpay Payment Link for what the customer pays now instead of COD (amount after the prepaid discount); sent to them on WhatsApp once created. */
  z.object({
    kind: z.literal("cod_payment_link"),
    connector: z.literal("razorpay"),
    params: z.object({
      orderId: z.string(),
      amountPaise: z.number().int().positive(),
      discountPaise: z.number().int().nonnegative(),
      customerPhone: Phone.optional(),
      customerEmail: z.string().email().optional(),
    }),
  }),
  /** fulfillmentOrderHold on each of the order's open fulfillment orders; `reason` is Shopify's FulfillmentHoldReason, `note` what the warehouse reads. */
  z.object({
    kind: z.literal("shopify_fulfillment_hold"),
    connector: z.literal("shopify"),
    params: z.object({ orderId: z.string(), reason: z.string().regex(/^[A-Z_]+$/), note: z.string().min(1) }),
  }),
  /** fulfillmentOrderReleaseHold of the holds Switchyard placed, on each held fulfillment order of the order. */
  z.object({
    kind: z.literal("shopify_release_hold"),
    connector: z.literal("shopify"),
    params: z.object({ orderId: z.string() }),
  }),
  /** orderCancel (asynchronous: Shopify answers with a job). */
  z.object({
    kind: z.literal("shopify_order_cancel"),
    connector: z.literal("shopify"),
    params: z.object({
      orderId: z.string(),
      reason: z.enum(["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"]),
      restock: z.boolean(),
      notifyCustomer: z.boolean(),
      staffNote: z.string().max(255),
    }),
  }),
  /** orderMarkAsPaid: the outstanding amount recorded as paid (the customer paid by link). */
  z.object({
    kind: z.literal("shopify_mark_paid"),
    connector: z.literal("shopify"),
    params: z.object({ orderId: z.string() }),
  }),
]);
export type ActionSpec = z.infer<typeof ActionSpec>;
export type ActionKind = ActionSpec["kind"];
export type Connector = ActionSpec["connector"];

/** The actions that reach the customer (the contact policy and quiet hours apply to these). */
export const CUSTOMER_MESSAGE_KINDS = ["whatsapp.template", "whatsapp.text", "email.send", "sms.send"] as const;
export type CustomerMessageKind = (typeof CUSTOMER_MESSAGE_KINDS)[number];

export function isCustomerMessage(kind: string): kind is CustomerMessageKind {
  return (CUSTOMER_MESSAGE_KINDS as readonly string[]).includes(kind);
}
