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
 * - In batches (the daily predictions sync): `POST /crm/v3/objects/contacts/batch/upsert` with
 *   `inputs: [{ id: <email>, idProperty: "email", properties }]`, at most 100 a call (HubSpot, "Upsert
 *   a batch of contacts", https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts),
 *   and `POST /events/v3/send/batch` with `inputs: [...]` of occurrences, at most 500, answered 204
 *   (HubSpot, "Send a batch of event occurrences",
 *   https://developers.hubspot.com/docs/api-reference/legacy/events/send-event-data/batch-send-occurrences).
 *   HubSpot allows a private app 100 requests per 10 s (190 on Professional/Enterprise): one request
 *   per contact would take a 50,000-customer brand over an hour a day.
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
  if (spec.kind === "hubspot.contacts_batch_upsert") {
    return {
      method: "POST",
      url: `${BASE}/crm/v3/objects/contacts/batch/upsert`,
      headers,
      body: { inputs: spec.params.contacts.map((c) => ({ id: c.email, idProperty: "email", properties: c.properties })) },
    };
  }
  if (spec.kind === "hubspot.events_batch") {
    return { method: "POST", url: `${BASE}/events/v3/send/batch`, headers, body: { inputs: spec.params.events.map(occurrence) } };
  }
  return { method: "POST", url: `${BASE}/events/v3/send`, headers, body: occurrence(spec.params) };
}

function occurrence(e: { eventName: string; email: string; occurredAt: string; properties: Record<string, string>; uuid: string }) {
  return { eventName: e.eventName, email: e.email, occurredAt: e.occurredAt, properties: e.properties, uuid: e.uuid };
}
