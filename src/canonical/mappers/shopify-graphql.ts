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

export const ORDERS_SINCE_QUERY = `query OrdersSince($query: String!, $after: String) {
  orders(first: 100, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId name email phone createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
      paymentGatewayNames currencyCode tags note
      totalPriceSet { shopMoney { amount } } subtotalPriceSet { shopMoney { amount } }
      customer { legacyResourceId email phone firstName lastName numberOfOrders amountSpent { amount } }
      shippingAddress { zip city province phone }
      lineItems(first: 50) { nodes { sku title quantity originalUnitPriceSet { shopMoney { amount } } variant { legacyResourceId } product { legacyResourceId } } }
    }
  }
}`;
