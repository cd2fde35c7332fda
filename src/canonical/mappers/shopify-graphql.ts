/**
 * Admin GraphQL order nodes (as reconciliation pulls them) → the REST webhook shape, so missed
 * orders take exactly the path a webhook would: one mapper, one set of rules.
 */
import { z } from "zod";
import { UnmappableError } from "../model";

const Money = z.object({ shopMoney: z.object({ amount: z.string() }) }).nullish();

export const GraphqlOrder = z.looseObject({
  legacyResourceId: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string().nullish(),
  paymentGatewayNames: z.array(z.string()).nullish(),
  currencyCode: z.string(),
  totalPriceSet: Money,
  subtotalPriceSet: Money,
  tags: z.array(z.string()).nullish(),
  note: z.string().nullish(),
  customer: z
    .looseObject({
      legacyResourceId: z.string(),
      email: z.string().nullish(),
      phone: z.string().nullish(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
      numberOfOrders: z.union([z.string(), z.number()]).nullish(),
      amountSpent: z.object({ amount: z.string() }).nullish(),
    })
    .nullish(),
  shippingAddress: z.looseObject({ zip: z.string().nullish(), city: z.string().nullish(), province: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  lineItems: z.object({
    nodes: z.array(
      z.looseObject({
        sku: z.string().nullish(),
        title: z.string(),
        quantity: z.number().int(),
        originalUnitPriceSet: Money,
        variant: z.object({ legacyResourceId: z.string() }).nullish(),
        product: z.object({ legacyResourceId: z.string() }).nullish(),
      }),
    ),
  }),
});
export type GraphqlOrder = z.infer<typeof GraphqlOrder>;

const FULFILMENT: Record<string, string | null> = { FULFILLED: "fulfilled", PARTIALLY_FULFILLED: "partial", UNFULFILLED: null, RESTOCKED: "restocked" };

export function graphqlOrderToRest(node: unknown): Record<string, unknown> {
  const parsed = GraphqlOrder.safeParse(node);
  if (!parsed.success) throw new UnmappableError(`shopify graphql order: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  const o = parsed.data;
  return {
    id: o.legacyResourceId,
    name: o.name,
    order_number: Number(o.name.replace(/\D/g, "")) || null,
    email: o.email ?? null,
    phone: o.phone ?? null,
    currency: o.currencyCode,
    total_price: o.totalPriceSet?.shopMoney.amount ?? "0",
    subtotal_price: o.subtotalPriceSet?.shopMoney.amount ?? "0",
    payment_gateway_names: o.paymentGatewayNames ?? [],
    financial_status: o.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillment_status: FULFILMENT[o.displayFulfillmentStatus ?? "UNFULFILLED"] ?? null,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    cancelled_at: o.cancelledAt ?? null,
    tags: (o.tags ?? []).join(", "),
    note: o.note ?? null,
    customer: o.customer
      ? {
          id: o.customer.legacyResourceId,
          email: o.customer.email ?? null,
          phone: o.customer.phone ?? null,
          first_name: o.customer.firstName ?? null,
          last_name: o.customer.lastName ?? null,
          orders_count: o.customer.numberOfOrders === null || o.customer.numberOfOrders === undefined ? null : Number(o.customer.numberOfOrders),
          total_spent: o.customer.amountSpent?.amount ?? null,
        }
      : null,
    shipping_address: o.shippingAddress ?? null,
    line_items: o.lineItems.nodes.map((li) => ({
      sku: li.sku ?? null,
      title: li.title,
      quantity: li.quantity,
      price: li.originalUnitPriceSet?.shopMoney.amount ?? "0",
      variant_id: li.variant?.legacyResourceId ?? null,
      product_id: li.product?.legacyResourceId ?? null,
    })),
  };
}

/**
 * 8 orders a page with up to 20 lines each: about 2 + 8 × (8 + 2 + 20 × 5) ≈ 880 points, under the
 * 1,000-point ceiling of one query (an object costs 1, a connection 2 + first × its node;
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). 100 orders × 50 lines
 * asked for over 25,000 and Shopify refuses such a query outright (MAX_COST_EXCEEDED).
 */
export const ORDERS_SINCE_QUERY = `query OrdersSince($query: String!, $after: String) {
  orders(first: 8, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId name email phone createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
      paymentGatewayNames currencyCode tags note
      totalPriceSet { shopMoney { amount } } subtotalPriceSet { shopMoney { amount } }
      customer { legacyResourceId email phone firstName lastName numberOfOrders amountSpent { amount } }
      shippingAddress { zip city province phone }
      lineItems(first: 20) { nodes { sku title quantity originalUnitPriceSet { shopMoney { amount } } variant { legacyResourceId } product { legacyResourceId } } }
    }
  }
}`;

/*
 * Refunds, as reconciliation pulls them: `Order.refunds(first:)` is a plain list of `Refund`
 * (legacyResourceId, createdAt, refundLineItems, transactions), not a connection; its line items
 * carry `restockType` (NO_RESTOCK, CANCEL, RETURN, LEGACY_RESTOCK) and its transactions `kind` and
 * `status` as enums, which are the REST webhook's lower-case strings.
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/Refund ,
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/Order (field `refunds`)
 */
const GraphqlRefund = z.looseObject({
  legacyResourceId: z.string(),
  createdAt: z.string(),
  note: z.string().nullish(),
  refundLineItems: z.object({
    nodes: z.array(
      z.looseObject({
        quantity: z.number().int(),
        restockType: z.string().nullish(),
        subtotalSet: Money,
        lineItem: z.looseObject({ sku: z.string().nullish() }).nullish(),
      }),
    ),
  }),
  transactions: z
    .object({ nodes: z.array(z.looseObject({ kind: z.string().nullish(), status: z.string().nullish(), amountSet: Money })) })
    .nullish(),
});

export const GraphqlOrderRefunds = z.looseObject({
  legacyResourceId: z.string(),
  updatedAt: z.string(),
  refunds: z.array(z.unknown()),
});

/** One refund of an order → the `refunds/create` webhook body (the fields its mapper reads). */
export function graphqlRefundToRest(orderId: string, node: unknown): Record<string, unknown> {
  const parsed = GraphqlRefund.safeParse(node);
  if (!parsed.success) throw new UnmappableError(`shopify graphql refund: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  const r = parsed.data;
  const lines = r.refundLineItems.nodes.map((l) => ({
    quantity: l.quantity,
    restock_type: l.restockType ? l.restockType.toLowerCase() : null,
    subtotal: l.subtotalSet?.shopMoney.amount ?? "0",
    line_item: { sku: l.lineItem?.sku ?? null },
  }));
  return {
    id: r.legacyResourceId,
    order_id: orderId,
    created_at: r.createdAt,
    processed_at: r.createdAt,
    note: r.note ?? null,
    restock: lines.some((l) => l.restock_type !== null && l.restock_type !== "no_restock"),
    refund_line_items: lines,
    transactions: (r.transactions?.nodes ?? []).map((t) => ({ amount: t.amountSet?.shopMoney.amount ?? "0", kind: t.kind?.toLowerCase() ?? null, status: t.status?.toLowerCase() ?? null })),
  };
}

/**
 * Orders with a refund updated since the watermark, oldest first. `financial_status` narrows the
 * search to refunded and partially refunded orders. Sizes keep the requested cost under the
 * 1,000-point ceiling of one query (an object costs 1, a connection 2 + first × its node; here
 * about 2 + 5 × (1 + 3 × (1 + (2 + 10 × 4) + (2 + 3 × 3))) ≈ 820):
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (Cost calculation).
 * An order with more than 3 refunds, or a refund with more than 10 lines, is read only that far.
 */
export const REFUNDED_ORDERS_QUERY = `query RefundedOrdersSince($query: String!, $after: String) {
  orders(first: 5, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId updatedAt
      refunds(first: 3) {
        legacyResourceId createdAt note
        refundLineItems(first: 10) { nodes { quantity restockType subtotalSet { shopMoney { amount } } lineItem { sku } } }
        transactions(first: 3) { nodes { kind status amountSet { shopMoney { amount } } } }
      }
    }
  }
}`;

export function refundedOrdersSearch(since: string): string {
  return `updated_at:>='${since}' AND (financial_status:refunded OR financial_status:partially_refunded)`;
}

/*
 * Inventory levels at every location: `InventoryItem.inventoryLevels` (one level per location that
 * stocks the item) and each level's `quantities(names: ["available"])`.
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryItem (field inventoryLevels),
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryLevel
 */
const GraphqlInventoryItem = z.looseObject({
  legacyResourceId: z.string(),
  inventoryLevels: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }).nullish(),
    nodes: z.array(
      z.looseObject({
        updatedAt: z.string().nullish(),
        location: z.object({ legacyResourceId: z.string() }),
        quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
      }),
    ),
  }),
});

/** One item's levels → `inventory_levels/update` webhook bodies, and whether Shopify had more locations than one page. */
export function graphqlInventoryLevelsToRest(node: unknown, fallbackUpdatedAt: string): { inventoryItemId: string; levels: { inventory_item_id: string; location_id: string; available: number; updated_at: string }[]; truncated: boolean } {
  const parsed = GraphqlInventoryItem.safeParse(node);
  if (!parsed.success) throw new UnmappableError(`shopify graphql inventory item: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  const item = parsed.data;
  const levels = item.inventoryLevels.nodes.flatMap((l) => {
    const available = l.quantities.find((q) => q.name === "available")?.quantity;
    if (available === undefined) return [];
    return [{ inventory_item_id: item.legacyResourceId, location_id: l.location.legacyResourceId, available, updated_at: l.updatedAt ?? fallbackUpdatedAt }];
  });
  return { inventoryItemId: item.legacyResourceId, levels, truncated: item.inventoryLevels.pageInfo?.hasNextPage === true };
}

/**
 * Up to 10 items a call, 25 locations each: about 10 × (1 + 2 + 25 × 3) ≈ 780 points, under the
 * 1,000-point ceiling of one query (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
 */
export const INVENTORY_LEVELS_QUERY = `query InventoryLevels($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      legacyResourceId
      inventoryLevels(first: 25) { pageInfo { hasNextPage } nodes { updatedAt location { legacyResourceId } quantities(names: ["available"]) { name quantity } } }
    }
  }
}`;
