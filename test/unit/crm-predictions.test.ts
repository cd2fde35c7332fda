/** Predictions to the CRMs: the properties, Klaviyo's profile-import body and HubSpot's contact update and custom event, as each vendor documents them. */
import { describe, expect, it } from "vitest";
import { buildHubSpotRequest } from "../../src/connectors/hubspot";
import { buildKlaviyoRequest } from "../../src/connectors/klaviyo";
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

  it("Klaviyo gets them on the profile by email and phone (POST /api/profile-import)", () => {
    const [klaviyo] = predictionSyncSpecs(row(), { hubspot: false, hubspotEvent: null });
    if (klaviyo?.kind !== "klaviyo.profile_properties") throw new Error("no Klaviyo spec");
    const req = buildKlaviyoRequest(klaviyo, { apiKey: "pk_test", revision: "2025-10-15" });
    expect(req).toMatchObject({
      method: "POST",
      url: "https://a.klaviyo.com/api/profile-import",
      body: { data: { type: "profile", attributes: { email: "priya@example.in", phone_number: "+919812345678", properties: { switchyard_p_active: 0.235, switchyard_tier: "mid" } } } },
    });
  });

  it("HubSpot: PATCH the contact by email with string properties, and a custom event occurrence with a stable uuid", () => {
    const specs = predictionSyncSpecs(row(), { hubspot: true, hubspotEvent: "pe1234567_switchyard_predictions" });
    expect(specs.map((s) => s.kind)).toEqual(["klaviyo.profile_properties", "hubspot.contact_properties", "hubspot.event"]);
    const config = { accessToken: "pat-na1-secret", predictionEvent: "pe1234567_switchyard_predictions" };
    const contact = buildHubSpotRequest(specs[1] as Extract<(typeof specs)[number], { connector: "hubspot" }>, config);
    expect(contact).toMatchObject({
      method: "PATCH",
      url: "https://api.hubapi.com/crm/v3/objects/contacts/priya%40example.in?idProperty=email",
      headers: { authorization: "Bearer pat-na1-secret" },
      body: { properties: { switchyard_predicted_clv: "1234.56", switchyard_p_active: "0.235", switchyard_expected_next_order_date: "2026-08-14" } },
    });
    const event = buildHubSpotRequest(specs[2] as Extract<(typeof specs)[number], { connector: "hubspot" }>, config);
    expect(event).toMatchObject({
      method: "POST",
      url: "https://api.hubapi.com/events/v3/send",
      body: { eventName: "pe1234567_switchyard_predictions", email: "priya@example.in", occurredAt: "2026-06-30T03:00:00.000Z", uuid: "switchyard:predictions:7001:2026-06-30" },
    });
    expect(redactRequest(contact).headers.authorization).toBe("[redacted]");
  });

  it("HubSpot needs an email (its unique key); nobody to reach → nothing; no event name → no event", () => {
    expect(predictionSyncSpecs(row({ email: null }), { hubspot: true, hubspotEvent: "pe1_x" }).map((s) => s.kind)).toEqual(["klaviyo.profile_properties"]);
    expect(predictionSyncSpecs(row({ email: null, phone: null }), { hubspot: true, hubspotEvent: "pe1_x" })).toEqual([]);
    expect(predictionSyncSpecs(row(), { hubspot: true, hubspotEvent: null }).map((s) => s.kind)).toEqual(["klaviyo.profile_properties", "hubspot.contact_properties"]);
  });
});
