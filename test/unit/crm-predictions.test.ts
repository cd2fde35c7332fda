/** Predictions to the CRMs: the properties, Klaviyo's profile-import body and HubSpot's contact update and custom event, as each vendor documents them. */
import { describe, expect, it } from "vitest";
import { buildHubSpotRequest } from "../../src/connectors/hubspot";
import { buildKlaviyoRequest } from "../../src/connectors/klaviyo";
import { ActionSpec } from "../../src/canonical/actions";
import { redactRequest } from "../../src/connectors/http";
import { predictionProperties, predictionSyncSpecs, type CustomerPredictionRow } from "../../src/decisions/crm-predictions";

const AT = Date.UTC(2026, 5, 30, 3, 0);
const row = (over: Partial<CustomerPredictionRow> = {}): CustomerPredictionRow => ({
  customerId: "7001",
  email: "priya@example.in",
  phone: "+919812345678",
  tier: "mid",
  ltv: 620_000,
  pActive: 0.2345,
  expectedOrders90d: 0.417,
  predictedClv: 123_456,
  expectedNextOrderAt: Date.UTC(2026, 7, 14, 10),
  computedAt: AT,
  ...over,
});

describe("prediction properties", () => {
  it("CLV in rupees, P(active) 0–1, expected next order as a date, tier", () => {
    expect(predictionProperties(row())).toEqual({
      switchyard_predicted_clv: 1234.56,
      switchyard_p_active: 0.235,
      switchyard_expected_orders_90d: 0.42,
      switchyard_expected_next_order_date: "2026-08-14",
      switchyard_tier: "mid",
      switchyard_predictions_updated_at: "2026-06-30T03:00:00.000Z",
    });
  });

  it("Klaviyo gets a page of profiles in one Bulk Import Profiles job, by email and phone", () => {
    const [klaviyo] = predictionSyncSpecs([row(), row({ customerId: "7002", email: null, phone: "+919800000002" })], { hubspot: false, hubspotEvent: null });
    if (klaviyo?.kind !== "klaviyo.profiles_bulk_import") throw new Error("no Klaviyo spec");
    const req = buildKlaviyoRequest(klaviyo, { apiKey: "pk_test", revision: "2025-10-15" });
    expect(req).toMatchObject({
      method: "POST",
      url: "https://a.klaviyo.com/api/profile-bulk-import-jobs",
      headers: { authorization: "Klaviyo-API-Key pk_test", revision: "2025-10-15", "content-type": "application/vnd.api+json" },
    });
    expect(req.body).toEqual({
      data: {
        type: "profile-bulk-import-job",
        attributes: {
          profiles: {
            data: [
              { type: "profile", attributes: { email: "priya@example.in", phone_number: "+919812345678", properties: predictionProperties(row()) } },
              { type: "profile", attributes: { phone_number: "+919800000002", properties: predictionProperties(row({ customerId: "7002" })) } },
            ],
          },
        },
      },
    });
  });

  it("HubSpot: one batch upsert of contacts by email with string properties, and one batch of event occurrences with stable uuids", () => {
    const specs = predictionSyncSpecs([row(), row({ customerId: "7002", email: "ravi@example.in" })], { hubspot: true, hubspotEvent: "pe1234567_switchyard_predictions" });
    expect(specs.map((s) => s.kind)).toEqual(["klaviyo.profiles_bulk_import", "hubspot.contacts_batch_upsert", "hubspot.events_batch"]);
    const config = { accessToken: "pat-na1-secret", predictionEvent: "pe1234567_switchyard_predictions" };
    const contacts = buildHubSpotRequest(specs[1] as Extract<(typeof specs)[number], { connector: "hubspot" }>, config);
    expect(contacts).toMatchObject({ method: "POST", url: "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert", headers: { authorization: "Bearer pat-na1-secret" } });
    const inputs = (contacts.body as { inputs: { id: string; idProperty: string; properties: Record<string, string> }[] }).inputs;
    expect(inputs.map((i) => [i.id, i.idProperty])).toEqual([["priya@example.in", "email"], ["ravi@example.in", "email"]]);
    expect(inputs[0]!.properties).toMatchObject({ switchyard_predicted_clv: "1234.56", switchyard_p_active: "0.235", switchyard_expected_next_order_date: "2026-08-14" });
    const events = buildHubSpotRequest(specs[2] as Extract<(typeof specs)[number], { connector: "hubspot" }>, config);
    expect(events).toMatchObject({ method: "POST", url: "https://api.hubapi.com/events/v3/send/batch" });
    expect((events.body as { inputs: unknown[] }).inputs[1]).toMatchObject({
      eventName: "pe1234567_switchyard_predictions",
      email: "ravi@example.in",
      occurredAt: "2026-06-30T03:00:00.000Z",
      uuid: "switchyard:predictions:7002:2026-06-30",
    });
    expect(redactRequest(contacts).headers.authorization).toBe("[redacted]");
  });

  it("HubSpot needs an email (its unique key); nobody to reach → nothing; no event name → no event; batches split at HubSpot's limits", () => {
    expect(predictionSyncSpecs([row({ email: null })], { hubspot: true, hubspotEvent: "pe1_x" }).map((s) => s.kind)).toEqual(["klaviyo.profiles_bulk_import"]);
    expect(predictionSyncSpecs([row({ email: null, phone: null })], { hubspot: true, hubspotEvent: "pe1_x" })).toEqual([]);
    expect(predictionSyncSpecs([row()], { hubspot: true, hubspotEvent: null }).map((s) => s.kind)).toEqual(["klaviyo.profiles_bulk_import", "hubspot.contacts_batch_upsert"]);
    const many = Array.from({ length: 250 }, (_, i) => row({ customerId: String(8000 + i), email: `c${i}@example.in` }));
    const specs = predictionSyncSpecs(many, { hubspot: true, hubspotEvent: "pe1_x" });
    expect(specs.map((s) => s.kind)).toEqual(["klaviyo.profiles_bulk_import", "hubspot.contacts_batch_upsert", "hubspot.contacts_batch_upsert", "hubspot.contacts_batch_upsert", "hubspot.events_batch"]);
    expect(specs.map((s) => ActionSpec.safeParse(s).success)).toEqual([true, true, true, true, true]);
  });
});
