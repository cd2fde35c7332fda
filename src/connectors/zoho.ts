/**
 * Zoho Inventory: purchase-order drafts, sales orders (ERP deduction), sales returns (units coming
 * back, against the order's sales order) and credit notes (money going back on a prepaid order).
 * Sales returns: https://www.zoho.com/inventory/api/v1/salesreturns/ ("Sales return can be created
 * for all the shipped units of the items in a sales order"; `salesorder_id` names the order, each
 * line its `salesorder_item_id`). Credit notes: https://www.zoho.com/inventory/api/v1/creditnotes/.
 */
import { countZohoRequest } from "../db/connector-state";
import { istDate } from "../lib/time";
import type { ActionSpec } from "../canonical/actions";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type ZohoSpec = Extract<ActionSpec, { connector: "zoho" }>;

/** One request's target: the token from the Zoho credential and the API base of its data centre. */
export interface ZohoTarget { accessToken: string; organizationId: string; baseUrl: string; vendorId: string | null; customerId: string | null; requestsPerMinute: number }

export interface ZohoContext {
  /** SKU → Zoho item_id, from the items the Zoho webhook reported. */
  itemIds: Record<string, string>;
  /** Date (YYYY-MM-DD, IST) the document is dated. */
  date: string;
  /** The Zoho sales order behind the Shopify order (for a sales return): its id and, per item, its line's id. */
  salesOrder?: { id: string; lineItemIds: Record<string, string> } | null;
}

export function buildZohoRequest(spec: ZohoSpec, config: ZohoTarget, ctx: ZohoContext): OutboundRequest | { error: string } {
  const skus = spec.kind === "zoho.purchase_order_draft" ? [spec.params.sku] : spec.params.lines.map((l) => l.sku);
  const unknown = skus.filter((sku) => !ctx.itemIds[sku]);
  if (unknown.length) return { error: `no Zoho item_id known for SKU ${unknown.join(", ")}` };
  const item = (sku: string) => ctx.itemIds[sku]!;
  let path: string;
  let body: Record<string, unknown>;
  switch (spec.kind) {
    case "zoho.purchase_order_draft": {
      if (!config.vendorId) return { error: "no Zoho vendor configured for purchase orders (ZOHO_VENDOR_ID)" };
      const p = spec.params;
      path = "purchaseorders";
      // Zoho creates purchase orders as drafts until someone marks them issued.
      body = { vendor_id: config.vendorId, date: ctx.date, ...(p.expectedBy ? { delivery_date: p.expectedBy.slice(0, 10) } : {}), notes: p.note, line_items: [{ item_id: item(p.sku), quantity: p.quantity }] };
      break;
    }
    case "zoho.sales_order": {
      if (!config.customerId) return { error: "no Zoho customer configured for sales orders (ZOHO_CUSTOMER_ID)" };
      const p = spec.params;
      path = "salesorders";
      body = {
        customer_id: config.customerId,
        reference_number: p.orderName,
        date: ctx.date,
        // Rates are paise in the spec; Zoho takes rupees.
        line_items: p.lines.map((l) => ({ item_id: item(l.sku), quantity: l.quantity, rate: l.rate / 100 })),
      };
      break;
    }
    case "zoho.restock": {
      // A document, not a bare adjustment: the ERP's stock moves when the warehouse receives the
      // return in Zoho, and its next item snapshot brings the units back to the SKU ledger (once).
      const p = spec.params;
      const so = ctx.salesOrder;
      if (!so) return { error: `no Zoho sales order known for order ${p.orderId}: a sales return needs one` };
      path = `salesreturns`;
      body = {
        date: ctx.date,
        reason: p.reason ?? "Customer return",
        reference_number: p.orderId,
        line_items: p.lines.map((l) => ({ item_id: item(l.sku), ...(so.lineItemIds[item(l.sku)] ? { salesorder_item_id: so.lineItemIds[item(l.sku)] } : {}), quantity: l.quantity })),
      };
      return {
        method: "POST",
        url: `${config.baseUrl}/${path}?organization_id=${encodeURIComponent(config.organizationId)}&salesorder_id=${encodeURIComponent(so.id)}`,
        headers: { authorization: `Zoho-oauthtoken ${config.accessToken}`, "content-type": "application/json" },
        body,
      };
    }
    case "zoho.credit_note": {
      if (!config.customerId) return { error: "no Zoho customer configured for credit notes (ZOHO_CUSTOMER_ID)" };
      const p = spec.params;
      path = "creditnotes";
      body = {
        customer_id: config.customerId,
        reference_number: `${p.orderName} refund ${p.refundId}`,
        date: ctx.date,
        line_items: p.lines.map((l) => ({ item_id: item(l.sku), quantity: l.quantity, rate: l.rate / 100 })),
      };
      break;
    }
  }
  return {
    method: "POST",
    url: `${config.baseUrl}/${path}?organization_id=${encodeURIComponent(config.organizationId)}`,
    headers: { authorization: `Zoho-oauthtoken ${config.accessToken}`, "content-type": "application/json" },
    body,
  };
}

/** Zoho answers `code: 0` on success, and names the new document's id under its own key. */
export function interpretZoho(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  if (o && typeof o.code === "number" && o.code !== 0) return { kind: "failed", httpStatus: status, reason: String(o.message ?? `Zoho code ${o.code}`), response: body };
  const doc = asRecord(o?.purchaseorder) ?? asRecord(o?.salesorder) ?? asRecord(o?.salesreturn) ?? asRecord(o?.creditnote) ?? asRecord(o?.inventory_adjustment);
  const id = doc?.purchaseorder_id ?? doc?.salesorder_id ?? doc?.salesreturn_id ?? doc?.creditnote_id ?? doc?.inventory_adjustment_id;
  return { kind: "sent", httpStatus: status, externalId: id === undefined || id === null ? null : String(id), response: body };
}


/**
 * Zoho allows 100 requests a minute per organisation. Counts this minute's requests in D1 and
 * says how long to wait when the budget is spent, so the action waits instead of drawing a 429.
 */
export async function zohoRateWait(db: D1Database, limit: number, now: number): Promise<number | null> {
  const minute = Math.floor(now / 60_000);
  if ((await countZohoRequest(db, minute, now)) <= limit) return null;
  return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
}

export { istDate };
