/**
 * HubSpot: contact properties and custom event occurrences (the CRM's timeline), with a private-app
 * access token (`Authorization: Bearer`).
 *
 * - Update a contact by email: `PATCH /crm/v3/objects/contacts/{email}?idProperty=email` with
 *   `{ properties }`; non-existent properties are an error, so the brand creates the `switchyard_*`
 *   contact properties first; 404 when no contact has the email. HubSpot, "Update a contact",
 *   https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/contacts/update-contact
 * - Timeline: the v3 timeline-events API is only for app partners with existing event templates;
 *   everyone else sends custom event occurrences: `POST /events/v3/send` with `eventName` (the event's
 *   fully qualified name, pe{HubID}_{name}), `email`, `occurredAt`, `properties`, `uuid`. HubSpot,
 *   "CRM API | Timeline events" (https://developers.hubspot.com/docs/api/crm/timeline) and "Send
 *   custom event occurrences" (https://developers.hubspot.com/docs/api-reference/legacy/events/send-event-data/guide);
 *   custom events need an Enterprise hub.
 */
import type { ActionSpec } from "../canonical/actions";
import type { HubSpotConfig } from "./config";
import type { OutboundRequest } from "./http";

export type HubSpotSpec = Extract<ActionSpec, { connector: "hubspot" }>;

const BASE = "https://api.hubapi.com";

export function buildHubSpotRequest(spec: HubSpotSpec, config: HubSpotConfig): OutboundRequest {
  const headers = { authorization: `Bearer ${config.accessToken}`, "content-type": "application/json", accept: "application/json" };
  if (spec.kind === "hubspot.contact_properties") {
    return { method: "PATCH", url: `${BASE}/crm/v3/objects/contacts/${encodeURIComponent(spec.params.email)}?idProperty=email`, headers, body: { properties: spec.params.properties } };
  }
  const e = spec.params;
  return { method: "POST", url: `${BASE}/events/v3/send`, headers, body: { eventName: e.eventName, email: e.email, occurredAt: e.occurredAt, properties: e.properties, uuid: e.uuid } };
}
