/** Which pure mapper understands which source. */
import type { z } from "zod";
import { Customer, InventoryRecord, Message, Order, OrderReturn, Payment, Product, PurchaseOrder, ShipmentEvent, SupportTicket, UnmappableError, type CanonicalBatch } from "../model";
import { mapShopifyWebhook } from "./shopify";
import { mapShiprocketTracking, mapShiprocketWebhook } from "./shiprocket";
import { mapDelhiveryScanPush, mapDelhiveryTracking } from "./delhivery";
import { mapZohoInventoryWebhook } from "./zoho-inventory";
import { mapUnicommerceWebhook } from "./unicommerce";
import { mapGorgiasWebhook } from "./gorgias";
import { mapFreshdeskWebhook } from "./freshdesk";
import { mapZendeskWebhook } from "./zendesk";
import { mapWhatsappWebhook } from "./whatsapp";
import { mapRazorpayWebhook } from "./razorpay";

export type Mapper = (topic: string, payload: unknown) => CanonicalBatch;

export const TRACK_PULL = "track_pull";

const MAPPERS: Record<string, Mapper> = {
  shopify: mapShopifyWebhook,
  // Topic `track_pull`: a tracking API response fetched by reconciliation, not a pushed webhook.
  shiprocket: (topic, payload) => (topic === TRACK_PULL ? mapShiprocketTracking(payload) : mapShiprocketWebhook(topic, payload)),
  delhivery: (topic, payload) => (topic === TRACK_PULL ? mapDelhiveryTracking(payload) : mapDelhiveryScanPush(topic, payload)),
  "zoho-inventory": mapZohoInventoryWebhook,
  unicommerce: mapUnicommerceWebhook,
  gorgias: mapGorgiasWebhook,
  freshdesk: mapFreshdeskWebhook,
  zendesk: mapZendeskWebhook,
  whatsapp: mapWhatsappWebhook,
  razorpay: mapRazorpayWebhook,
};

/**
 * The mapper for a source, with its output checked against the canonical schemas: a payload that
 * would produce an invalid record is refused as a whole (a dead letter), never half-written.
 */
export function mapperFor(source: string): Mapper {
  const mapper = MAPPERS[source];
  if (!mapper) throw new UnmappableError(`no mapper for source ${source}`);
  return (topic, payload) => checked(source, topic, mapper(topic, payload));
}


const SCHEMAS: { [K in keyof CanonicalBatch]?: z.ZodType } = {
  orders: Order,
  customers: Customer,
  products: Product,
  inventory: InventoryRecord,
  shipmentEvents: ShipmentEvent,
  tickets: SupportTicket,
  messages: Message,
  returns: OrderReturn,
  purchaseOrders: PurchaseOrder,
  payments: Payment,
};

function checked(source: string, topic: string, batch: CanonicalBatch): CanonicalBatch {
  for (const [key, schema] of Object.entries(SCHEMAS) as [keyof CanonicalBatch, z.ZodType][]) {
    for (const record of batch[key] as unknown[]) {
      const result = schema.safeParse(record);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new UnmappableError(`${source} ${topic}: ${String(key)}.${issue?.path.join(".")}: ${issue?.message}`);
      }
    }
  }
  return batch;
}
