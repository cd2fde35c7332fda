/** Shiprocket NDR actions: ask the courier to re-attempt delivery or return the parcel. */
import type { ActionSpec } from "../canonical/actions";
import type { OutboundRequest } from "./http";

export type ShiprocketSpec = Extract<ActionSpec, { connector: "shiprocket" }>;

export interface ShiprocketTarget { apiToken: string; baseUrl?: string }

export function buildShiprocketRequest(spec: ShiprocketSpec, config: ShiprocketTarget): OutboundRequest {
  return {
    method: "POST",
    url: `${config.baseUrl ?? "https://apiv2.shiprocket.in"}/v1/external/ndr/${encodeURIComponent(spec.params.awb)}/action`,
    headers: { authorization: `Bearer ${config.apiToken}`, "content-type": "application/json" },
    body: { action: spec.params.action, comments: spec.params.comments },
  };
}
