/**
 * Klaviyo: events and profile properties, so flows know about open tickets, returns and deliveries;
 * and, for the daily predictions sync, many profiles at once through Bulk Import Profiles
 * (`POST /api/profile-bulk-import-jobs`, a `profile-bulk-import-job` whose `profiles.data` are
 * profile objects as Create or Update Profile takes them; an upsert, up to 10,000 profiles and 5 MB a
 * job, answered 202 with the job; rate limit 10/s burst, 150/min steady. Klaviyo, "Bulk Import
 * Profiles", https://developers.klaviyo.com/en/reference/bulk_import_profiles, and "Bulk Import
 * Profiles API", https://developers.klaviyo.com/en/docs/use_klaviyos_bulk_profile_import_api).
 */
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
  if (spec.kind === "klaviyo.profiles_bulk_import") {
    return {
      method: "POST",
      url: `${config.baseUrl ?? BASE}/profile-bulk-import-jobs`,
      headers,
      body: {
        data: {
          type: "profile-bulk-import-job",
          attributes: { profiles: { data: spec.params.profiles.map((p) => ({ type: "profile", attributes: { ...identityOf(p), properties: p.properties } })) } },
        },
      },
    };
  }
  const p = spec.params;
  const identity = identityOf(p);
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

function identityOf(p: { email: string | null; phone: string | null }) {
  return { ...(p.email ? { email: p.email } : {}), ...(p.phone ? { phone_number: p.phone } : {}) };
}
