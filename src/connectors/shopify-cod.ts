/**
 * COD answers in Shopify (issue 19): fulfilment holds and their release, cancellation and mark-as-paid,
 * as Shopify's Admin GraphQL reference shapes them. Tags go through `shopify.tags_add` (connectors/shopify.ts).
 *
 * Read (Admin GraphQL, 2026-07):
 * - Order.fulfillmentOrders: "A list of fulfillment orders for a specific order"; API access scopes decide
 *   which ones an app sees (read_merchant_managed_fulfillment_orders here). FulfillmentOrder.status is one of
 *   OPEN, IN_PROGRESS, SCHEDULED, ON_HOLD, INCOMPLETE, CLOSED, CANCELLED; FulfillmentOrder.fulfillmentHolds
 *   lists FulfillmentHold { id handle heldByRequestingApp reason reasonNotes displayReason }.
 *   https://shopify.dev/docs/api/admin-graphql/2024-04/connections/fulfillmentorderconnection
 *   https://shopify.dev/docs/api/admin-graphql/latest/objects/FulfillmentHold
 * - fulfillmentOrderHold(fulfillmentHold: FulfillmentOrderHoldInput!, id: ID!) — FulfillmentOrderHoldInput
 *   { reason: FulfillmentHoldReason! (AWAITING_PAYMENT, HIGH_RISK_OF_FRAUD, INCORRECT_ADDRESS, OTHER, …),
 *   reasonNotes, notifyMerchant (default false), handle (unique among one app's holds on one fulfillment
 *   order; needed to place a second hold since 2025-01), externalId, fulfillmentOrderLineItems (blank = all) };
 *   payload { fulfillmentHold fulfillmentOrder remainingFulfillmentOrder userErrors { field message code } }.
 *   Requires write_merchant_managed_fulfillment_orders or write_third_party_fulfillment_orders.
 *   https://shopify.dev/docs/api/admin-graphql/2025-04/mutations/fulfillmentOrderHold
 *   https://shopify.dev/docs/api/admin-graphql/2025-07/input-objects/fulfillmentorderholdinput
 * - fulfillmentOrderReleaseHold(id: ID!, holdIds: [ID!], externalId) — "It is highly recommended that apps
 *   supply the ids of the holds that they intend to release": only Switchyard's own holds are released.
 *   Payload { fulfillmentOrder userErrors: [FulfillmentOrderReleaseHoldUserError!]! { field message code } }.
 *   Same scopes. https://shopify.dev/docs/api/admin-graphql/2025-04/mutations/fulfillmentOrderReleaseHold
 * - orderCancel(orderId: ID!, reason: OrderCancelReason!, refundMethod: OrderCancelRefundMethodInput!,
 *   restock: Boolean!, notifyCustomer: Boolean, staffNote: String) — performed asynchronously: answers a
 *   `job { id done }` and `orderCancelUserErrors { field message code }` (codes INTERNAL_ERROR, INVALID,
 *   NOT_FOUND, NO_REFUND_PERMISSION, …); `userErrors` is deprecated. Requires write_orders.
 *   https://shopify.dev/docs/api/admin-graphql/2026-07/mutations/orderCancel
 *   https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderCancelUserErrorCode.md
 * - orderMarkAsPaid(input: OrderMarkAsPaidInput! { id }) — only while the order has an outstanding balance;
 *   payload { order userErrors { field message } }. Requires write_orders (and mark_orders_as_paid).
 *   https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/ordermarkaspaid
 */
import type { ActionSpec } from "../canonical/actions";
import { withCredential, type CredentialClient, type TokenOk } from "./credentials";
import { asRecord, executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";
import { gid, shopifyGraphqlUrl, throttleWaitSeconds, type ShopifyTarget } from "./shopify";
import type { CredentialSettings } from "./credential-grants";

export const SHOPIFY_COD_KINDS = ["shopify_fulfillment_hold", "shopify_release_hold", "shopify_order_cancel", "shopify_mark_paid"] as const;
export type ShopifyCodSpec = Extract<ActionSpec, { kind: (typeof SHOPIFY_COD_KINDS)[number] }>;

export function isShopifyCodSpec(spec: ActionSpec): spec is ShopifyCodSpec {
  return (SHOPIFY_COD_KINDS as readonly string[]).includes(spec.kind);
}

/** The handle of every hold Switchyard places: how it finds (and releases) its own holds and no one else's. */
export const COD_HOLD_HANDLE = "switchyard-cod";

export const FULFILLMENT_ORDERS_QUERY = `query OrderFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 50) {
      nodes { id status fulfillmentHolds { id handle heldByRequestingApp } }
    }
  }
}`;

export const FULFILLMENT_ORDER_HOLD = `mutation FulfillmentOrderHold($fulfillmentHold: FulfillmentOrderHoldInput!, $id: ID!) {
  fulfillmentOrderHold(fulfillmentHold: $fulfillmentHold, id: $id) {
    fulfillmentHold { id handle }
    fulfillmentOrder { id status }
    userErrors { field message code }
  }
}`;

export const FULFILLMENT_ORDER_RELEASE_HOLD = `mutation FulfillmentOrderReleaseHold($id: ID!, $holdIds: [ID!]) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {
    fulfillmentOrder { id status }
    userErrors { field message code }
  }
}`;

export const ORDER_CANCEL = `mutation OrderCancel($orderId: ID!, $notifyCustomer: Boolean, $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $reason: OrderCancelReason!, $staffNote: String) {
  orderCancel(orderId: $orderId, notifyCustomer: $notifyCustomer, refundMethod: $refundMethod, restock: $restock, reason: $reason, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;

export const ORDER_MARK_AS_PAID = `mutation OrderMarkAsPaid($input: OrderMarkAsPaidInput!) {
  orderMarkAsPaid(input: $input) {
    order { id displayFinancialStatus }
    userErrors { field message }
  }
}`;

export interface FulfillmentOrderRef {
  id: string;
  status: string;
  holds: { id: string; handle: string | null; mine: boolean }[];
}

/** Fulfillment orders a hold applies to: ready (OPEN) or held by someone else, not yet held by Switchyard. */
export function toHold(fos: readonly FulfillmentOrderRef[]): FulfillmentOrderRef[] {
  return fos.filter((fo) => (fo.status === "OPEN" || fo.status === "ON_HOLD") && !fo.holds.some((h) => h.handle === COD_HOLD_HANDLE));
}

/** Fulfillment orders with holds Switchyard placed, and those holds' ids (other apps' and staff holds stay). */
export function toRelease(fos: readonly FulfillmentOrderRef[]): { fo: FulfillmentOrderRef; holdIds: string[] }[] {
  return fos
    .filter((fo) => fo.status === "ON_HOLD")
    .map((fo) => ({ fo, holdIds: fo.holds.filter((h) => h.handle === COD_HOLD_HANDLE && h.mine).map((h) => h.id) }))
    .filter((x) => x.holdIds.length > 0);
}

function graphql(target: ShopifyTarget, query: string, variables: Record<string, unknown>): OutboundRequest {
  return { method: "POST", url: shopifyGraphqlUrl(target), headers: { "x-shopify-access-token": target.accessToken, "content-type": "application/json" }, body: { query, variables } };
}

/** The one-request mutations (cancel, mark paid), as sent. */
export function buildSingleMutation(spec: Extract<ShopifyCodSpec, { kind: "shopify_order_cancel" | "shopify_mark_paid" }>, target: ShopifyTarget): OutboundRequest {
  if (spec.kind === "shopify_mark_paid") return graphql(target, ORDER_MARK_AS_PAID, { input: { id: gid("Order", spec.params.orderId) } });
  const p = spec.params;
  return graphql(target, ORDER_CANCEL, {
    orderId: gid("Order", p.orderId),
    notifyCustomer: p.notifyCustomer,
    // A COD order has taken no money; one paid by link gets it back the way it came.
    refundMethod: { originalPaymentMethodsRefund: true },
    restock: p.restock,
    reason: p.reason,
    staffNote: p.staffNote,
  });
}

export function buildHold(spec: Extract<ShopifyCodSpec, { kind: "shopify_fulfillment_hold" }>, target: ShopifyTarget, fulfillmentOrderId: string): OutboundRequest {
  return graphql(target, FULFILLMENT_ORDER_HOLD, {
    fulfillmentHold: { reason: spec.params.reason, reasonNotes: spec.params.note, notifyMerchant: true, handle: COD_HOLD_HANDLE },
    id: gid("FulfillmentOrder", fulfillmentOrderId),
  });
}

export function buildRelease(target: ShopifyTarget, fulfillmentOrderId: string, holdIds: string[]): OutboundRequest {
  return graphql(target, FULFILLMENT_ORDER_RELEASE_HOLD, { id: gid("FulfillmentOrder", fulfillmentOrderId), holdIds });
}

function throttled(status: number, body: unknown): Outcome | null {
  const o = asRecord(body);
  const errors = Array.isArray(o?.errors) ? o.errors.map(asRecord) : [];
  if (errors.some((e) => asRecord(e?.extensions)?.code === "THROTTLED")) {
    return { kind: "retry", httpStatus: status, reason: "Shopify GraphQL cost throttle", waitSeconds: throttleWaitSeconds(o?.extensions), throttled: true, response: body };
  }
  if (errors.length) {
    // INTERNAL_SERVER_ERROR is Shopify's own fault and worth another try; anything else (bad query, access denied) is not.
    const internal = errors.some((e) => asRecord(e?.extensions)?.code === "INTERNAL_SERVER_ERROR");
    const reason = errors.map((e) => String(e?.message ?? "GraphQL error")).join("; ");
    return internal ? { kind: "retry", httpStatus: status, reason, waitSeconds: null, throttled: false, response: body } : { kind: "failed", httpStatus: status, reason, response: body };
  }
  return null;
}

/**
 * A mutation's answer. GraphQL answers 200 for throttling and user errors alike: throttling retries
 * after the bucket refills, user errors are the store refusing (failed, not retried), except
 * orderCancel's INTERNAL_ERROR ("Unexpected internal error happened"), which is worth another try.
 */
export function interpretCodMutation(field: string, status: number, body: unknown): Outcome {
  const early = throttled(status, body);
  if (early) return early;
  const payload = asRecord(asRecord(asRecord(body)?.data)?.[field]);
  if (!payload) return { kind: "failed", httpStatus: status, reason: `Shopify returned no ${field} payload`, response: body };
  const errorsField = field === "orderCancel" ? "orderCancelUserErrors" : "userErrors";
  const userErrors = Array.isArray(payload[errorsField]) ? (payload[errorsField] as unknown[]).map(asRecord) : [];
  if (userErrors.length) {
    const reason = `${field}: ${userErrors.map((e) => `${String(e?.message ?? "user error")}${e?.code ? ` (${String(e.code)})` : ""}`).join("; ")}`;
    if (userErrors.some((e) => e?.code === "INTERNAL_ERROR")) return { kind: "retry", httpStatus: status, reason, waitSeconds: null, throttled: false, response: body };
    return { kind: "failed", httpStatus: status, reason, response: body };
  }
  const id = field === "orderCancel" ? asRecord(payload.job)?.id : field === "orderMarkAsPaid" ? asRecord(payload.order)?.id : (asRecord(payload.fulfillmentHold)?.id ?? asRecord(payload.fulfillmentOrder)?.id);
  return { kind: "sent", httpStatus: status, externalId: typeof id === "string" ? id : null, response: body };
}

/** The order's fulfillment orders from a read's answer, or an outcome when there are none to read. */
export function readFulfillmentOrders(status: number, body: unknown): { fos: FulfillmentOrderRef[] } | { outcome: Outcome } {
  const early = throttled(status, body);
  if (early) return { outcome: early };
  const data = asRecord(asRecord(body)?.data);
  if (!data) return { outcome: { kind: "failed", httpStatus: status, reason: "Shopify returned no data", response: body } };
  const order = asRecord(data.order);
  if (!order) return { outcome: { kind: "failed", httpStatus: status, reason: "order not found in Shopify", response: body } };
  const nodes = Array.isArray(asRecord(order.fulfillmentOrders)?.nodes) ? (asRecord(order.fulfillmentOrders)!.nodes as unknown[]).map(asRecord) : [];
  const fos: FulfillmentOrderRef[] = [];
  for (const n of nodes) {
    if (!n || typeof n.id !== "string") continue;
    const holds = Array.isArray(n.fulfillmentHolds) ? n.fulfillmentHolds.map(asRecord) : [];
    fos.push({
      id: n.id,
      status: String(n.status ?? ""),
      holds: holds.flatMap((h) => (h && typeof h.id === "string" ? [{ id: h.id, handle: typeof h.handle === "string" ? h.handle : null, mine: h.heldByRequestingApp === true }] : [])),
    });
  }
  return { fos };
}

export interface ShopifyCodDeps {
  /** Null without Shopify credentials: dry-run. */
  live: { credential: CredentialSettings; target: (t: TokenOk) => ShopifyTarget } | null;
  placeholder: ShopifyTarget;
  credentials: CredentialClient;
  fetch: FetchFn;
  now: number;
}

export interface CodRunResult {
  outcome: Outcome;
  requests: OutboundRequest[];
}

/**
 * Runs one COD action. Holds and releases read the order's fulfillment orders first and act on what
 * Shopify reports (a hold Switchyard already placed is not placed again, only its own holds are
 * released), so a redelivered or retried action converges instead of repeating itself.
 */
export async function runShopifyCod(spec: ShopifyCodSpec, deps: ShopifyCodDeps): Promise<CodRunResult> {
  const { live } = deps;
  if (spec.kind === "shopify_order_cancel" || spec.kind === "shopify_mark_paid") {
    const field = spec.kind === "shopify_order_cancel" ? "orderCancel" : "orderMarkAsPaid";
    if (!live) return { outcome: { kind: "dry_run" }, requests: [buildSingleMutation(spec, deps.placeholder)] };
    return send(deps, live, (t) => buildSingleMutation(spec, t), (s, b) => interpretCodMutation(field, s, b));
  }
  const orderGid = gid("Order", spec.params.orderId);
  if (!live) {
    // Shown as it would go: the read, then one mutation per fulfillment order it finds.
    const example = spec.kind === "shopify_fulfillment_hold" ? buildHold(spec, deps.placeholder, "{FULFILLMENT_ORDER_ID}") : buildRelease(deps.placeholder, "{FULFILLMENT_ORDER_ID}", ["{SWITCHYARD_HOLD_ID}"]);
    return { outcome: { kind: "dry_run" }, requests: [graphql(deps.placeholder, FULFILLMENT_ORDERS_QUERY, { id: orderGid }), example] };
  }
  let fos: FulfillmentOrderRef[] = [];
  const read = await send(deps, live, (t) => graphql(t, FULFILLMENT_ORDERS_QUERY, { id: orderGid }), (s, b) => {
    const r = readFulfillmentOrders(s, b);
    if ("outcome" in r) return r.outcome;
    fos = r.fos;
    return { kind: "sent", httpStatus: s, externalId: null, response: b };
  });
  if (read.outcome.kind !== "sent") return read;
  const requests = [...read.requests];
  const steps =
    spec.kind === "shopify_fulfillment_hold"
      ? toHold(fos).map((fo) => ({ build: (t: ShopifyTarget) => buildHold(spec, t, fo.id), field: "fulfillmentOrderHold" }))
      : spec.kind === "shopify_release_hold"
        ? toRelease(fos).map(({ fo, holdIds }) => ({ build: (t: ShopifyTarget) => buildRelease(t, fo.id, holdIds), field: "fulfillmentOrderReleaseHold" }))
        : [];
  // Nothing to hold (not yet routed, already fulfilled) or nothing of ours to release: done, with the read as the record.
  let last: Outcome = { kind: "sent", httpStatus: 200, externalId: null, response: { fulfillmentOrders: fos.map((f) => ({ id: f.id, status: f.status })), acted: 0 } };
  for (const step of steps) {
    const r = await send(deps, live, step.build, (s, b) => interpretCodMutation(step.field, s, b));
    requests.push(...r.requests);
    last = r.outcome;
    if (last.kind !== "sent") break;
  }
  return { outcome: last, requests };
}

async function send(deps: ShopifyCodDeps, live: NonNullable<ShopifyCodDeps["live"]>, build: (t: ShopifyTarget) => OutboundRequest, interpret: (status: number, body: unknown) => Outcome): Promise<CodRunResult> {
  return withCredential(deps.credentials, live.credential, (t) => build(live.target(t)), (req) => executeRequest(deps.fetch, req, { interpret, now: deps.now }));
}
