/**
 * Delhivery NDR actions, for parcels booked directly with Delhivery (token auth, `Authorization: Token …`).
 *
 * - Re-attempt: `POST /api/p/update` with `{"data": [{"waybill", "act": "RE-ATTEMPT"}]}`: asynchronous,
 *   it answers `{"message": "Request submitted successfully!", "request_id": "UPL…"}` (the UPL id is
 *   checked later with `GET /api/cmu/get_bulk_upl/{UPL}`), or 400 with a reason such as "Package in
 *   incorrect status" (Delhivery B2C API docs, "NDR API" / "Update NDR API",
 *   https://one.delhivery.com/developer-portal and delhivery-express-api-doc.readme.io). RE-ATTEMPT
 *   is accepted while the package is Pending with NSL EOD-74/15/104/43/86/11/69/6 and 1–2 attempts.
 * - A new date: `act: "DEFER_DLV"` with `action_data.deferred_date` (YYYY-MM-DD, at most 6 days from
 *   the first pending date); a new phone or address: `act: "EDIT_DETAILS"` with `action_data.phone` /
 *   `action_data.add`, in the same `data` list ("Asynchronous NDR Package Action API",
 *   https://delhivery-express-api-doc.readme.io/reference/asynchronous-ndr-package-action-api).
 * - Return: the NDR API has no RTO action; the Cancel Order API does it: `POST /api/p/edit` with
 *   `{"waybill", "cancellation": "true"}`, allowed while Manifested / In Transit / Pending, after
 *   which a Prepaid or COD package's status "changes to Returned"
 *   (https://delhivery-express-api-doc.readme.io/reference/cancel-order-api).
 */
import type { ActionSpec } from "../canonical/actions";
import { nationalMobile } from "./shiprocket";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type DelhiverySpec = Extract<ActionSpec, { connector: "delhivery" }>;

export interface DelhiveryTarget { apiToken: string; baseUrl: string }

export function buildDelhiveryRequest(spec: DelhiverySpec, config: DelhiveryTarget): OutboundRequest {
  const p = spec.params;
  const headers = { authorization: `Token ${config.apiToken}`, "content-type": "application/json", accept: "application/json" };
  if (p.action === "return") {
    return { method: "POST", url: `${config.baseUrl}/api/p/edit`, headers, body: { waybill: p.awb, cancellation: "true" } };
  }
  const data: Record<string, unknown>[] = [];
  if (p.phone || p.address) {
    data.push({ waybill: p.awb, act: "EDIT_DETAILS", action_data: { ...(p.phone ? { phone: nationalMobile(p.phone) } : {}), ...(p.address ? { add: p.address } : {}) } });
  }
  data.push(p.deferredDate ? { waybill: p.awb, act: "DEFER_DLV", action_data: { deferred_date: p.deferredDate } } : { waybill: p.awb, act: "RE-ATTEMPT" });
  return { method: "POST", url: `${config.baseUrl}/api/p/update`, headers, body: { data } };
}

/** A 200 can still refuse (`status: false` / `success: false` with a remark); the UPL id is the action's external id. */
export function interpretDelhivery(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  if (o && (o.status === false || o.success === false)) {
    return { kind: "failed", httpStatus: status, reason: String(o.remark ?? o.error ?? o.message ?? "Delhivery refused the request"), response: body };
  }
  const id = o?.request_id ?? o?.upl_id ?? null;
  return { kind: "sent", httpStatus: status, externalId: id === null || id === undefined ? null : String(id), response: body };
}
