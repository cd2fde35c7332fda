/** Shopify Admin GraphQL: inventory compare-and-set, tags, metafields, store credit, fulfilment events. */
import type { ActionSpec } from "../canonical/actions";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type ShopifySpec = Extract<ActionSpec, { connector: "shopify" }>;

/** Where one request goes and with which token (the token comes from the Shopify credential). */
export interface ShopifyTarget {
  shopDomain: string;
  accessToken: string;
  apiVersion: string;
  /** SHOPIFY_ADMIN_BASE_URL with the shop filled in; https://<shop> when unset. */
  origin?: string;
}

export function shopifyGraphqlUrl(t: Pick<ShopifyTarget, "shopDomain" | "apiVersion" | "origin">): string {
  return `${t.origin ?? `https://${t.shopDomain}`}/admin/api/${t.apiVersion}/graphql.json`;
}

export interface ShopifyContext {
  /** Sent as `@idempotent(key:)` where the mutation takes one: a retried request adjusts stock once. */
  idempotencyKey: string;
  /** The fulfilment a carrier scan belongs to (fulfillment events only). */
  fulfillmentId?: string | null;
}

const RESOURCE_GID = { order: "Order", customer: "Customer", product: "Product" } as const;

export function gid(type: string, id: string): string {
  return id.startsWith("gid://") ? id : `gid://shopify/${type}/${id}`;
}

/** Canonical shipment status → Shopify's FulfillmentEventStatus; null where Shopify has no equivalent. */
export function fulfillmentEventStatus(status: string): string | null {
  const map: Record<string, string> = {
    created: "LABEL_PRINTED",
    picked_up: "CARRIER_PICKED_UP",
    in_transit: "IN_TRANSIT",
    out_for_delivery: "OUT_FOR_DELIVERY",
    delivered: "DELIVERED",
    failed_attempt: "ATTEMPTED_DELIVERY",
    ndr: "ATTEMPTED_DELIVERY",
    delayed: "DELAYED",
    rto_initiated: "FAILURE",
    rto_delivered: "FAILURE",
    lost: "FAILURE",
  };
  return map[status] ?? null;
}

const INVENTORY_SET = `mutation InventorySet($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;
const TAGS_ADD = `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id }
    userErrors { field message }
  }
}`;
const METAFIELDS_SET = `mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id }
    userErrors { field message code }
  }
}`;
const STORE_CREDIT = `mutation StoreCreditCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { id }
    userErrors { field message code }
  }
}`;
const FULFILLMENT_EVENT = `mutation FulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) {
    fulfillmentEvent { id status }
    userErrors { field message }
  }
}`;

/** Builds the GraphQL request, or says why it cannot be built (a permanent failure). */
export function buildShopifyRequest(spec: ShopifySpec, config: ShopifyTarget, ctx: ShopifyContext): OutboundRequest | { error: string } {
  let query: string;
  let variables: Record<string, unknown>;
  switch (spec.kind) {
    case "shopify.inventory_set": {
      const p = spec.params;
      query = INVENTORY_SET;
      variables = {
        input: {
          name: "available",
          reason: p.reason,
          // From 2026-04 changeFromQuantity is mandatory on every quantity; null (explicit) opts out of the check.
          quantities: [{ inventoryItemId: gid("InventoryItem", p.inventoryItemId), locationId: gid("Location", p.locationId), quantity: p.quantity, changeFromQuantity: p.compareQuantity }],
        },
        idempotencyKey: ctx.idempotencyKey,
      };
      break;
    }
    case "shopify.tags_add":
      query = TAGS_ADD;
      variables = { id: gid(RESOURCE_GID[spec.params.resource], spec.params.id), tags: spec.params.tags };
      break;
    case "shopify.metafields_set": {
      const p = spec.params;
      query = METAFIELDS_SET;
      variables = { metafields: [{ ownerId: gid(RESOURCE_GID[p.resource], p.id), namespace: p.namespace, key: p.key, type: p.type, value: p.value }] };
      break;
    }
    case "shopify.store_credit": {
      const p = spec.params;
      query = STORE_CREDIT;
      // The customer id stands for the customer's store credit account in that currency.
      variables = { id: gid("Customer", p.customerId), creditInput: { creditAmount: { amount: (p.amount / 100).toFixed(2), currencyCode: p.currency } } };
      break;
    }
    case "shopify.fulfillment_event": {
      const p = spec.params;
      const status = fulfillmentEventStatus(p.status);
      if (!status) return { error: `no Shopify fulfillment event status for "${p.status}"` };
      if (!ctx.fulfillmentId) return { error: `no Shopify fulfillment known for order ${p.orderId} and AWB ${p.awb}` };
      query = FULFILLMENT_EVENT;
      variables = {
        fulfillmentEvent: {
          fulfillmentId: gid("Fulfillment", ctx.fulfillmentId),
          status,
          happenedAt: p.happenedAt,
          ...(p.message ? { message: p.message } : {}),
          ...(p.city ? { city: p.city } : {}),
          ...(p.estimatedDeliveryAt ? { estimatedDeliveryAt: p.estimatedDeliveryAt } : {}),
        },
      };
      break;
    }
    case "shopify_fulfillment_hold":
      return { error: "fulfillmentOrderHold is not built on this branch (issue 19, part 2)" };
  }
  return {
    method: "POST",
    url: shopifyGraphqlUrl(config),
    headers: { "x-shopify-access-token": config.accessToken, "content-type": "application/json" },
    body: { query, variables },
  };
}

const PAYLOAD_ID: Record<string, (payload: Record<string, unknown>) => unknown> = {
  inventorySetQuantities: (p) => asRecord(p.inventoryAdjustmentGroup)?.id,
  tagsAdd: (p) => asRecord(p.node)?.id,
  metafieldsSet: (p) => (Array.isArray(p.metafields) ? asRecord(p.metafields[0])?.id : null),
  storeCreditAccountCredit: (p) => asRecord(p.storeCreditAccountTransaction)?.id,
  fulfillmentEventCreate: (p) => asRecord(p.fulfillmentEvent)?.id,
};

/** GraphQL answers 200 for throttling and user errors alike; this tells them apart. */
export function interpretShopify(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  const errors = Array.isArray(o?.errors) ? o.errors.map(asRecord) : [];
  if (errors.some((e) => asRecord(e?.extensions)?.code === "THROTTLED")) {
    return { kind: "retry", httpStatus: status, reason: "Shopify GraphQL cost throttle", waitSeconds: throttleWaitSeconds(o?.extensions), throttled: true, response: body };
  }
  if (errors.length) return { kind: "failed", httpStatus: status, reason: errors.map((e) => String(e?.message ?? "GraphQL error")).join("; "), response: body };
  const data = asRecord(o?.data);
  const [field, payloadRaw] = Object.entries(data ?? {})[0] ?? [];
  const payload = asRecord(payloadRaw);
  if (!field || !payload) return { kind: "failed", httpStatus: status, reason: "Shopify returned no mutation payload", response: body };
  const userErrors = Array.isArray(payload.userErrors) ? payload.userErrors.map(asRecord) : [];
  if (userErrors.length) {
    const reason = userErrors.map((e) => String(e?.message ?? e?.code ?? "user error")).join("; ");
    if (userErrors.some((e) => e?.code === "CHANGE_FROM_QUANTITY_STALE")) return { kind: "stale", httpStatus: status, reason, response: body };
    return { kind: "failed", httpStatus: status, reason, response: body };
  }
  const id = PAYLOAD_ID[field]?.(payload);
  return { kind: "sent", httpStatus: status, externalId: typeof id === "string" ? id : null, response: body };
}

/** Seconds until the bucket holds the requested cost again: (requested − available) / restoreRate. */
export function throttleWaitSeconds(extensions: unknown): number | null {
  const cost = asRecord(asRecord(extensions)?.cost);
  const throttle = asRecord(cost?.throttleStatus);
  const requested = Number(cost?.requestedQueryCost);
  const available = Number(throttle?.currentlyAvailable);
  const restoreRate = Number(throttle?.restoreRate);
  if (![requested, available, restoreRate].every(Number.isFinite) || restoreRate <= 0) return null;
  return Math.max(1, Math.ceil((requested - available) / restoreRate));
}

