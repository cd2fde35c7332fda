/**
 * The customer model's predictions as CRM profile data: Klaviyo profile properties through Create or
 * Update Profile (POST /api/profile-import, custom `properties`; Klaviyo, "Create or Update Profile",
 * https://developers.klaviyo.com/en/reference/create_or_update_profile — Klaviyo's own predictive
 * analytics need an account above its data thresholds, these reach every brand) and
 * HubSpot contact properties, plus a HubSpot custom event (the contact's timeline) per customer and
 * day of sync, so the timeline shows how the predictions moved. Pure: the job decides when to send.
 */
import type { ActionSpec } from "../canonical/actions";
import type { CustomerTier } from "./policy";

export interface CustomerPredictionRow {
  customerId: string;
  email: string | null;
  phone: string | null;
  tier: CustomerTier;
  ltv: number;
  /** Null when the store's fit finds no drop-out (P(active) is then not estimable). */
  pActive: number | null;
  expectedOrders90d: number;
  /** Paise, next 365 days. */
  predictedClv: number | null;
  expectedNextOrderAt: number | null;
  computedAt: number;
}

/** Property names, the same in both CRMs (HubSpot needs them created as contact properties first). */
export const PREDICTION_PROPERTIES = {
  predictedClv: "switchyard_predicted_clv",
  pActive: "switchyard_p_active",
  expectedOrders90d: "switchyard_expected_orders_90d",
  expectedNextOrderDate: "switchyard_expected_next_order_date",
  tier: "switchyard_tier",
  updatedAt: "switchyard_predictions_updated_at",
} as const;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The property values: money in rupees (2 decimals), P(active) 0–1 (3 decimals), dates as YYYY-MM-DD. */
export function predictionProperties(r: CustomerPredictionRow): Record<string, string | number> {
  const P = PREDICTION_PROPERTIES;
  return {
    [P.predictedClv]: r.predictedClv === null ? 0 : Math.round(r.predictedClv) / 100,
    ...(r.pActive !== null ? { [P.pActive]: Math.round(r.pActive * 1000) / 1000 } : {}),
    [P.expectedOrders90d]: Math.round(r.expectedOrders90d * 100) / 100,
    ...(r.expectedNextOrderAt !== null ? { [P.expectedNextOrderDate]: day(r.expectedNextOrderAt) } : {}),
    [P.tier]: r.tier,
    [P.updatedAt]: new Date(r.computedAt).toISOString(),
  };
}

/**
 * What to send for one customer: Klaviyo by email or phone; HubSpot contacts by email only (its
 * update-by-unique-property key); the HubSpot event only when `hubspotEvent` is configured.
 */
export function predictionSyncSpecs(r: CustomerPredictionRow, opts: { hubspot: boolean; hubspotEvent: string | null }): ActionSpec[] {
  if (!r.email && !r.phone) return [];
  const props = predictionProperties(r);
  const specs: ActionSpec[] = [{ kind: "klaviyo.profile_properties", connector: "klaviyo", params: { email: r.email, phone: r.phone, properties: props } }];
  if (opts.hubspot && r.email) {
    const asText = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)]));
    specs.push({ kind: "hubspot.contact_properties", connector: "hubspot", params: { email: r.email, properties: asText } });
    if (opts.hubspotEvent) {
      specs.push({
        kind: "hubspot.event",
        connector: "hubspot",
        params: { eventName: opts.hubspotEvent, email: r.email, occurredAt: new Date(r.computedAt).toISOString(), properties: asText, uuid: `switchyard:predictions:${r.customerId}:${day(r.computedAt)}` },
      });
    }
  }
  return specs;
}
