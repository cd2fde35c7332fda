/** Which pure mapper understands which source. */
import type { CanonicalBatch } from "../model";
import { UnmappableError } from "../model";
import { mapShopifyWebhook } from "./shopify";
import { mapShiprocketWebhook } from "./shiprocket";
import { mapDelhiveryScanPush } from "./delhivery";
import { mapZohoInventoryWebhook } from "./zoho-inventory";
import { mapUnicommerceWebhook } from "./unicommerce";

export type Mapper = (topic: string, payload: unknown) => CanonicalBatch;

const MAPPERS: Record<string, Mapper> = {
  shopify: mapShopifyWebhook,
  shiprocket: mapShiprocketWebhook,
  delhivery: mapDelhiveryScanPush,
  "zoho-inventory": mapZohoInventoryWebhook,
  unicommerce: mapUnicommerceWebhook,
};

export function mapperFor(source: string): Mapper {
  const mapper = MAPPERS[source];
  if (!mapper) throw new UnmappableError(`no mapper for source ${source}`);
  return mapper;
}
