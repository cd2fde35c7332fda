/** The plain-data contexts rules read; the shell assembles them from D1 rows and Durable Object state. Times are epoch ms, money paise. */
import type { CustomerTier, NotifiedStatus } from "./policy";
import type { RouteStat } from "./models/routes";
import type { CodRiskScore } from "./cod-risk";

export type { HelpdeskName, JourneyState } from "../canonical/vocabulary";
import type { HelpdeskName, JourneyState } from "../canonical/vocabulary";
import type { JourneySnapshot as JourneyFold } from "../durable-objects/journey-machine";

export interface OrderLine {
  sku: string | null;
  title: string;
  quantity: number;
  unitPrice: number;
  variantId: string | null;
  productId: string | null;
  /** Product category (Shopify product_type), joined from products. */
  category: string | null;
}

export interface OrderSummary {
  id: string;
  name: string;
  totalPrice: number;
  currency: string;
  paymentMethod: "prepaid" | "cod";
  customerId: string | null;
  customerFirstName: string | null;
  phone: string | null;
  email: string | null;
  lineItems: OrderLine[];
  shippingPincode: string | null;
  shippingCity: string | null;
  createdAt: number;
  cancelledAt: number | null;
}

/**
 * The journey as rules see it: the OrderJourney fold's facts (defined once, in
 * durable-objects/journey-machine.ts) plus what is derived from them for messages and routes.
 */
export type JourneySnapshot = Pick<JourneyFold, "state" | "stateAt" | "lastScanAt" | "lastScanLocation" | "awb" | "carrier" | "eta" | "failedAttempts" | "deliveredAt"> & {
  /** Pickup city/hub code used as the route origin (e.g. BLR). */
  origin: string | null;
  trackingUrl: string | null;
  /** The carrier's first scan (pickup), for transit-time estimates; absent when not loaded. */
  pickedUpAt?: number | null;
};

export interface ScanRecord {
  status: string;
  rawStatus: string | null;
  occurredAt: number;
  location: string | null;
}

/** Customer row joined with its customer_models row. */
export interface CustomerSnapshot {
  id: string;
  firstName: string | null;
  phone: string | null;
  email: string | null;
  ltv: number;
  tier: CustomerTier;
  ordersCount: number;
  lastOrderAt: number | null;
  /** Median days between orders (any category); null under two orders. */
  expectedIntervalDays: number | null;
  /** BG/NBD P(active), expected orders in 90 days, predicted spend over 365 days (paise): null until the store has a fit. */
  pActive: number | null;
  expectedOrders90d: number | null;
  predictedClv: number | null;
  acceptsMarketing: boolean;
  acceptsWhatsapp: boolean;
}

export interface TicketSummary {
  helpdesk: HelpdeskName;
  ticketId: string;
  category: string;
  /** Normalised: open | pending | solved | closed. */
  status: string;
  subject: string;
  /** The customer's first message, where loaded (the escalation routes by its language). */
  body?: string;
  createdAt: number;
  firstResponseAt: number | null;
}

/** The customer's tracking page (/t/:token), when TRACKING_SECRET and PUBLIC_URL are set; built by pipeline/tracking-link.ts. */
export interface TrackingPageLink {
  /** The URL button's dynamic suffix (the template is approved with <PUBLIC_URL>/t/{{1}}). */
  token: string;
  url: string;
}

export interface DelayAlertContext {
  order: OrderSummary;
  journey: JourneySnapshot;
  customer: CustomerSnapshot | null;
  /** Stats of this shipment's route (carrier × origin × destination prefix); null when unknown. */
  route: RouteStat | null;
  /** The tracking page the message links; absent or null → the carrier's page by AWB. */
  trackingPage?: TrackingPageLink | null;
}

export interface StatusNotificationContext {
  order: OrderSummary;
  status: NotifiedStatus;
  /** When the real event (Shopify or carrier) happened. */
  eventAt: number;
  journey: JourneySnapshot | null;
  /** The tracking page the message links; absent or null → the carrier's page by AWB. */
  trackingPage?: TrackingPageLink | null;
}

export interface ReorderItem {
  variantId: string;
  quantity: number;
  title: string;
}

export interface ReorderPromptContext {
  customer: CustomerSnapshot;
  category: string;
  /** Orders of this customer containing the category. */
  ordersInCategory: number;
  /** Median gap between those orders (customer model); null under two orders. */
  intervalDays: number | null;
  /** The store's typical interval in this category (median over its customers); null when too few have one. */
  storeIntervalDays: number | null;
  /** Placement time of the latest order in the category: the interval counts from here. */
  lastOrderAt: number;
  lastOrderDelivered: boolean;
  /** The latest order's lines in the category: what the cart permalink re-adds. */
  items: ReorderItem[];
  /** e.g. brand.myshopify.com or the storefront domain. */
  shopDomain: string;
  openTicket: boolean;
  openReturn: boolean;
}

export interface WismoContext {
  ticket: TicketSummary;
  order: OrderSummary | null;
  journey: JourneySnapshot | null;
  /** The tracking page the reply links; absent or null → the carrier's page. */
  trackingPage?: TrackingPageLink | null;
}

export interface SupportEscalationContext {
  ticket: TicketSummary;
  customer: CustomerSnapshot | null;
  order: OrderSummary | null;
  journey: JourneySnapshot | null;
  /** Carrier scans of the order, any order; copied into the internal note. */
  scans: ScanRecord[];
}

export interface SkuSupply {
  sku: string;
  title: string;
  productId: string | null;
  /** Available to sell now (ERP is the authority for on-hand). */
  available: number;
  reorderPoint: number | null;
  leadTimeDays: number | null;
  safetyDays: number | null;
  packSize: number | null;
  openPoQuantity: number;
  /** Units/day from the demand forecast (sku_forecasts.mean_daily_milli / 1000). */
  dailyDemand: number;
  /** The forecast per day and the σ of total demand over 1..n days, when the forecast was validated on past windows; else null. */
  demandForecast: { dailyDemand: number[]; cumulativeSigma: number[] } | null;
  forecastMethod: string | null;
  /** Last stock receipt or PO raised: one reorder decision per replenishment cycle. */
  lastReceiptAt: number | null;
  /** The SKU's selling price in paise (Shopify variant), to value a PO draft; absent when unknown. */
  unitPricePaise?: number | null;
}

export interface InventoryReorderContext {
  sku: SkuSupply;
}

export interface PostDeliveryContext {
  order: OrderSummary;
  journey: JourneySnapshot;
  customer: CustomerSnapshot | null;
  openTicket: boolean;
  openReturn: boolean;
  /** Step names already decided for this order. */
  stepsDone: string[];
}

export interface ChurnInterventionContext {
  customer: CustomerSnapshot;
  openTicket: boolean;
}

export interface CarrierRouteAlertContext {
  routes: RouteStat[];
}

/** Who booked the parcel, and so whose NDR API acts on it (an aggregator's courier is acted on through the aggregator). */
export type CarrierPlatform = "shiprocket" | "delhivery";

export interface NdrFollowupContext {
  order: OrderSummary;
  journey: JourneySnapshot;
  /**
   * The customer's reply (payload `ndr:<choice>:<order name>`), once it arrives; `text` is what they
   * typed or the button's label, read for a new date, phone or address (decisions/ndr-answer.ts).
   */
  reply: { payload: string; at: number; text?: string | null } | null;
  /** The platform the AWB's scans come from; absent means Shiprocket, the only one before Delhivery's NDR API. */
  platform?: CarrierPlatform | null;
}

export interface NdrDefaultContext {
  order: OrderSummary;
  journey: JourneySnapshot;
  platform: CarrierPlatform | null;
  /** The failed attempt whose no-answer timer came due. */
  attempt: number;
  /** The customer answered that attempt (their reply decided the carrier action). */
  answered: boolean;
}

export interface CodConfirmationContext {
  order: OrderSummary;
  state: JourneyState;
  /** RTO rate of the destination pincode prefix (route model); null when unknown. */
  destinationRtoRate: number | null;
  /** The order's COD risk score (decisions/cod-risk.ts), as scored when it was placed; absent = scored from this context alone. */
  risk?: CodRiskScore | null;
  /** When the confirmation WhatsApp went out; null before it did. */
  confirmationRequestedAt: number | null;
  reply: "confirm" | "cancel" | null;
}

export interface ReturnEvent {
  kind: "return_requested" | "returned" | "refunded";
  refundId: string | null;
  amount: number;
  restock: boolean;
  lineItems: { sku: string | null; quantity: number }[];
  occurredAt: number;
}

export interface ReturnProcessingContext {
  order: OrderSummary;
  event: ReturnEvent;
  customer: CustomerSnapshot | null;
}

/** Orders created in one UTC hour, by what the anomaly rates count. */
export interface HourCounts {
  /** Epoch ms of the hour's start. */
  hourStart: number;
  orders: number;
  cod: number;
  cancelled: number;
  refunded: number;
  prepaid: number;
  /** Prepaid orders still pending payment (not captured, or failed). */
  prepaidPending: number;
}

export interface AnomalyContext {
  /** The brand's orders per hour over the policy's history weeks up to now; hours with none may be absent. */
  hours: HourCounts[];
  /** The brand's first order: weeks before it are not "zero orders". */
  firstOrderAt: number | null;
  /** SKUs in stock that sold in the last 28 days, with how often. */
  skus: { sku: string; title: string; available: number; daysSold: number; daysObserved: number; unitsObserved: number; lastSoldAt: number | null }[];
  /** Per carrier: orders fulfilled longer ago than the pickup threshold with no first scan. */
  pickups: { carrier: string; missed: number; oldestMissedAt: number | null; sample: string[] }[];
  /** Per source that ever sent: events per hour over the last 8 days, first and last event, 401s in the last hour. */
  sources: { source: string; hourlyEvents: { hourStart: number; n: number }[]; firstEventAt: number | null; lastEventAt: number | null; authFailuresLastHour: number }[];
  /** Shopify topics without a subscription at the last daily check; null when never checked. */
  shopifySubscriptionsMissing: string[] | null;
}
