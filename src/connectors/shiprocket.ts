/**
 * Shiprocket NDR actions: ask the courier to re-attempt delivery or return the parcel.
 * `POST /v1/external/ndr/{awb}/action` (https://apidocs.shiprocket.in/, NDR → "Action NDR"):
 * `action` 're-attempt' | 'return' | 'fake-attempt' and `comments` are required; on a re-attempt
 * `phone`, `address1`, `address2` update the consignee and `deferred_date` (YYYY-MM-DD) becomes the
 * preferred delivery date. Shiprocket answers 202 `{"status": "Data Updated Sucessfully"}`.
 */
import type { ActionSpec } from "../canonical/actions";
import type { OutboundRequest } from "./http";

export type ShiprocketSpec = Extract<ActionSpec, { connector: "shiprocket" }>;

export interface ShiprocketTarget { apiToken: string; baseUrl?: string }

/** Shiprocket's example numbers are ten digits, no country code. */
export function nationalMobile(e164: string): string {
  return e164.replace(/^\+91/, "");
}

export function buildShiprocketRequest(spec: ShiprocketSpec, config: ShiprocketTarget): OutboundRequest {
  const p = spec.params;
  const details =
    p.action === "re-attempt"
      ? {
          ...(p.phone ? { phone: nationalMobile(p.phone) } : {}),
          ...(p.address ? { address1: p.address.slice(0, 100), ...(p.address.length > 100 ? { address2: p.address.slice(100) } : {}) } : {}),
          ...(p.deferredDate ? { deferred_date: p.deferredDate } : {}),
        }
      : {};
  return {
    method: "POST",
    url: `${config.baseUrl ?? "https://apiv2.shiprocket.in"}/v1/external/ndr/${encodeURIComponent(p.awb)}/action`,
    headers: { authorization: `Bearer ${config.apiToken}`, "content-type": "application/json" },
    body: { action: p.action, comments: p.comments, ...details },
  };
}
