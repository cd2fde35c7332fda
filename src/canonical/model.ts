/** The canonical model: one shape per business record, whatever system it came from. */
import { HELPDESKS } from "./vocabulary";
import { z } from "zod";

/** ISO-8601 UTC timestamp, always with a `Z` suffix (mappers normalise offsets away). */
export const IsoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, "ISO-8601 UTC");
/** Integer minor units (paise for INR). */
export const Paise = z.number().int();
/** E.164 phone number: `+` then 8–15 digits. */
export const E164 = z.string().regex(/^\+[1-9]\d{7,14}$/, "E.164 phone");

export const Source = z.enum([
  "shopify",
  "shiprocket",
  "delhivery",
  "gorgias",
  "freshdesk",
  "zendesk",
  "zoho-inventory",
  "unicommerce",
  "whatsapp",
  "switchyard",
  "razorpay",
]);
export type Source = z.infer<typeof Source>;

// Branded ids: a Shopify order id and an AWB are both strings, but never interchangeable.
export const OrderId = z.string().min(1).brand<"OrderId">();
export type OrderId = z.infer<typeof OrderId>;
export const CustomerId = z.string().min(1).brand<"CustomerId">();
export type CustomerId = z.infer<typeof CustomerId>;
export const Awb = z.string().min(1).brand<"Awb">();
export type Awb = z.infer<typeof Awb>;

const traced = { source: Source, sourceId: z.string().min(1) };

export const LineItem = z.object({
  sku: z.string().nullable(),
  title: z.string(),
  quantity: z.number().int().nonnegative(),
  unitPrice: Paise,
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
});
export type LineItem = z.infer<typeof LineItem>;

export const PaymentMethod = z.enum(["prepaid", "cod"]);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const Order = z.object({
  id: OrderId,
  name: z.string(),
  number: z.number().int().nullable(),
  customerId: CustomerId.nullable(),
  email: z.string().nullable(),
  phone: E164.nullable(),
  currency: z.string().length(3),
  totalPrice: Paise,
  subtotalPrice: Paise,
  paymentMethod: PaymentMethod,
  financialStatus: z.string().nullable(),
  fulfillmentStatus: z.string().nullable(),
  cancelledAt: IsoUtc.nullable(),
  shippingPincode: z.string().nullable(),
  shippingCity: z.string().nullable(),
  shippingState: z.string().nullable(),
  /** Shopify's customer_locale on the order; absent from sources that do not know it. */
  customerLocale: z.string().nullable().optional(),
  /** Shipping address lines (line 1 and 2), for the COD risk score's address checks; not stored (only facts derived from them). */
  shippingAddressLines: z.string().nullable().optional(),
  /** The customer's tags as the order carried them (Shopify `customer.tags`), e.g. cod-blocked. */
  customerTags: z.array(z.string()).optional(),
  lineItems: z.array(LineItem),
  tags: z.array(z.string()),
  note: z.string().nullable(),
  createdAt: IsoUtc,
  updatedAt: IsoUtc,
  ...traced,
});
export type Order = z.infer<typeof Order>;

export const Customer = z.object({
  id: CustomerId,
  email: z.string().nullable(),
  phone: E164.nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  ordersCount: z.number().int().nonnegative().nullable(),
  totalSpent: Paise.nullable(),
  acceptsMarketing: z.boolean(),
  acceptsWhatsapp: z.boolean(),
  createdAt: IsoUtc.nullable(),
  updatedAt: IsoUtc,
  ...traced,
});
export type Customer = z.infer<typeof Customer>;

export const Product = z.object({
  sku: z.string().min(1),
  title: z.string(),
  category: z.string().nullable(),
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
  inventoryItemId: z.string().nullable(),
  price: Paise.nullable(),
  updatedAt: IsoUtc,
  ...traced,
});
export type Product = z.infer<typeof Product>;

/**
 * Stock of one item at one location as one system reports it. Shopify identifies the item by
 * inventory item id (the SKU is resolved later); ERPs name the SKU directly.
 */
export const InventoryRecord = z.object({
  sku: z.string().nullable(),
  inventoryItemId: z.string().nullable(),
  locationId: z.string().min(1),
  available: z.number().int(),
  onHand: z.number().int().nullable(),
  committed: z.number().int().nullable(),
  incoming: z.number().int().nullable(),
  reorderPoint: z.number().int().nullable(),
  leadTimeDays: z.number().nullable(),
  updatedAt: IsoUtc,
  ...traced,
});
export type InventoryRecord = z.infer<typeof InventoryRecord>;

export const ShipmentStatus = z.enum([
  "created",
  "picked_up",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "failed_attempt",
  "ndr",
  "rto_initiated",
  "rto_delivered",
  "lost",
  "cancelled",
]);
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;

export const ShipmentEvent = z.object({
  carrier: z.string().min(1),
  awb: Awb,
  status: ShipmentStatus,
  rawStatus: z.string(),
  occurredAt: IsoUtc,
  /** Shopify order id when the payload names it; else resolved through identity links. */
  orderId: OrderId.nullable(),
  /** The order as the carrier platform knows it: channel order id, reference number or order name. */
  orderRef: z.string().nullable(),
  location: z.string().nullable(),
  pincode: z.string().nullable(),
  eta: IsoUtc.nullable(),
  isReturn: z.boolean(),
  ...traced,
});
export type ShipmentEvent = z.infer<typeof ShipmentEvent>;

export const TicketCategory = z.enum([
  "wismo",
  "delivered_not_received",
  "damaged",
  "return_refund",
  "address_change",
  "cod",
  "other",
]);
export type TicketCategory = z.infer<typeof TicketCategory>;

export const Helpdesk = z.enum(HELPDESKS);
export type Helpdesk = z.infer<typeof Helpdesk>;

export const SupportTicket = z.object({
  helpdesk: Helpdesk,
  ticketId: z.string().min(1),
  customerId: CustomerId.nullable(),
  email: z.string().nullable(),
  phone: E164.nullable(),
  /** Order name or number the ticket mentions (`#1042`), resolved to an order id at ingest. */
  orderRef: z.string().nullable(),
  channel: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  category: TicketCategory,
  status: z.string(),
  priority: z.string().nullable(),
  assignee: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: IsoUtc,
  firstResponseAt: IsoUtc.nullable(),
  updatedAt: IsoUtc,
  ...traced,
});
export type SupportTicket = z.infer<typeof SupportTicket>;

/** A WhatsApp message in or out, or a status change of one we sent. */
export const Message = z.object({
  channel: z.literal("whatsapp"),
  messageId: z.string().min(1),
  direction: z.enum(["inbound", "outbound"]),
  phone: E164.nullable(),
  kind: z.string(),
  text: z.string().nullable(),
  /** Button payload for interactive replies (e.g. `ndr:reattempt:#1042`). */
  payload: z.string().nullable(),
  status: z.enum(["received", "sent", "delivered", "read", "failed"]),
  error: z.string().nullable(),
  occurredAt: IsoUtc,
  ...traced,
});
export type Message = z.infer<typeof Message>;

/** A refund or return as the order journey needs it. */
export const OrderReturn = z.object({
  orderId: OrderId,
  kind: z.enum(["return_requested", "returned", "refunded"]),
  refundId: z.string().nullable(),
  amount: Paise,
  restock: z.boolean(),
  lineItems: z.array(z.object({ sku: z.string().nullable(), quantity: z.number().int() })),
  occurredAt: IsoUtc,
  ...traced,
});
export type OrderReturn = z.infer<typeof OrderReturn>;

/**
 * A payment taken outside Shopify for an order: a Razorpay Payment Link paid (issue 19), which turns
 * the COD order into a prepaid one. `orderRef` is the link's reference_id (the Shopify order id).
 */
export const Payment = z.object({
  orderRef: z.string().min(1),
  linkId: z.string().min(1),
  paymentId: z.string().min(1),
  amount: Paise,
  currency: z.string().length(3),
  method: z.string().nullable(),
  paidAt: IsoUtc,
  ...traced,
});
export type Payment = z.infer<typeof Payment>;

/** A purchase order as the ERP reports it. */
export const PurchaseOrder = z.object({
  poNumber: z.string().min(1),
  status: z.string(),
  expectedAt: IsoUtc.nullable(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  updatedAt: IsoUtc,
  ...traced,
});
export type PurchaseOrder = z.infer<typeof PurchaseOrder>;

/** What one webhook means, in canonical terms. A mapper fills only what its payload carries. */
export interface CanonicalBatch {
  orders: Order[];
  customers: Customer[];
  products: Product[];
  inventory: InventoryRecord[];
  shipmentEvents: ShipmentEvent[];
  tickets: SupportTicket[];
  messages: Message[];
  returns: OrderReturn[];
  purchaseOrders: PurchaseOrder[];
  /** Fulfilment tracking numbers: AWB ↔ order links learnt from Shopify. */
  awbLinks: { awb: string; carrier: string | null; orderId: OrderId; fulfillmentId?: string | null }[];
  privacy: PrivacyRequest[];
  /** The store's Shopify locations (`locations/*`). */
  locations: ShopifyLocation[];
  /** Levels Shopify dropped (`inventory_levels/disconnect`): the item is no longer stocked there. */
  levelDisconnects: { inventoryItemId: string; locationId: string; at: string | null }[];
  /** Where an order's units ship from: a fulfilment's `location_id`. */
  orderLocations: { orderId: OrderId; locationId: string; skus: string[]; at: string }[];
  /** Payments taken outside Shopify (Razorpay Payment Links). */
  payments: Payment[];
}

export interface ShopifyLocation {
  id: string;
  name: string | null;
  active: boolean;
  updatedAt: string | null;
}

/**
 * Shopify's privacy and lifecycle requests. Each names the shop it is for (`shopDomain`, `shopId`):
 * the pipeline refuses one whose shop is not this deployment's (docs/privacy.md).
 */
export type PrivacyRequest =
  | { kind: "customer_redact"; shopDomain: string; shopId: string; customerId: string; email: string | null; phone: string | null; orderIds: string[] }
  | { kind: "customer_data_request"; shopDomain: string; shopId: string; customerId: string; email: string | null; requestId: string | null }
  | { kind: "shop_redact"; shopDomain: string; shopId: string }
  /** `app/uninstalled`: recorded, because a `shop/redact` is honoured only after one. */
  | { kind: "app_uninstalled"; shopDomain: string; shopId: string };

export function emptyBatch(): CanonicalBatch {
  return {
    orders: [],
    customers: [],
    products: [],
    inventory: [],
    shipmentEvents: [],
    tickets: [],
    messages: [],
    returns: [],
    purchaseOrders: [],
    awbLinks: [],
    privacy: [],
    locations: [],
    levelDisconnects: [],
    orderLocations: [],
    payments: [],
  };
}

/** A payload we verified but cannot map: becomes a 400 and a dead letter with this reason. */
export class UnmappableError extends Error {
  override readonly name = "UnmappableError";
}
