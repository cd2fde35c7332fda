/** Which pure mapper understands which source. */
import type { CanonicalBatch } from "../model";
import { UnmappableError } from "../model";
import { mapShopifyWebhook } from "./shopify";

export type Mapper = (topic: string, payload: unknown) => CanonicalBatch;

const MAPPERS: Record<string, Mapper> = {
  shopify: mapShopifyWebhook,
};

export function mapperFor(source: string): Mapper {
  const mapper = MAPPERS[source];
  if (!mapper) throw new UnmappableError(`no mapper for source ${source}`);
  return mapper;
}
