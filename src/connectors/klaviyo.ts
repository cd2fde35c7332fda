/** Klaviyo: events and profile properties, so flows know about open tickets, returns and deliveries. */
import type { ActionSpec } from "../canonical/actions";
import type { KlaviyoConfig } from "./config";
import type { OutboundRequest } from "./http";

export type KlaviyoSpec = Extract<ActionSpec, { connector: "klaviyo" }>;

const BASE = "https://a.klaviyo.com/api";

export function buildKlaviyoRequest(spec: KlaviyoSpec, config: KlaviyoConfig): OutboundRequest {
  const headers = {
    authorization: `Klaviyo-API-Key ${config.apiKey}`,
    revision: config.revision,
    accept: "application/vnd.api+json",
    "content-type": "application/vnd.api+json",
  };
  const p = spec.params;
  const identity = { ...(p.email ? { email: p.email } : {}), ...(p.phone ? { phone_number: p.phone } : {}) };
  if (spec.kind === "klaviyo.profile_properties") {
    return { method: "POST", url: `${config.baseUrl ?? BASE}/profile-import`, headers, body: { data: { type: "profile", attributes: { ...identity, properties: spec.params.properties } } } };
  }
  const e = spec.params;
  return {
    method: "POST",
    url: `${config.baseUrl ?? BASE}/events`,
    headers,
    body: {
      data: {
        type: "event",
        attributes: {
          properties: e.properties,
          time: e.time,
          // Klaviyo drops a second event with the same unique_id: a retried send is counted once.
          unique_id: e.uniqueId,
          metric: { data: { type: "metric", attributes: { name: e.metric } } },
          profile: { data: { type: "profile", attributes: identity } },
        },
      },
    },
  };
}
