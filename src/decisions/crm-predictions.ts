/**
 * The customer model's predictions as CRM profile data: Klaviyo profile properties through Create or
 * Update Profile (POST /api/profile-import, custom `properties`; Klaviyo, "Create or Update Profile",
 * https://developers.klaviyo.com/en/reference/create_or_update_profile — Klaviyo's own predictive
 * analytics need an account above its data thresholds, these reach every brand) and
 * HubSpot contact properties, plus a HubSpot custom event (the contact's timeline) per customer and
 * day of sync, so the timeline shows how the predictions moved; a page of customers at a time, in
 * the vendors' batch APIs (connectors/klaviyo.ts, connectors/hubspot.ts). Pure: the job decides when.
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

/** HubSpot's batch upsert takes at most 100 contacts; its event batch at most 500 occurrences. */
export const HUBSPOT_CONTACTS_PER_BATCH = 100;
export const HUBSPOT_EVENTS_PER_BATCH = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * What to send for a page of customers, in as few calls as the vendors allow: one Klaviyo bulk
 * import (by email or phone), HubSpot contacts in batch upserts by email (its unique key; customers
 * without one are Klaviyo's only), and, when `hubspotEvent` is configured, their event occurrences
 * in batches (each with a stable uuid per customer and day, so a resent batch is counted once).
 */
export function predictionSyncSpecs(rows: readonly CustomerPredictionRow[], opts: { hubspot: boolean; hubspotEvent: string | null }): ActionSpec[] {
  const reachable = rows.filter((r) => r.email || r.phone);
  if (!reachable.length) return [];
  const withProps = reachable.map((r) => ({ r, props: predictionProperties(r) }));
  const specs: ActionSpec[] = [
    { kind: "klaviyo.profiles_bulk_import", connector: "klaviyo", params: { profiles: withProps.map(({ r, props }) => ({ email: r.email, phone: r.phone, properties: props })) } },
  ];
  if (!opts.hubspot) return specs;
  const byEmail = withProps
    .filter(({ r }) => r.email)
    .map(({ r, props }) => ({ r, email: r.email!, text: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)])) }));
  for (const page of chunks(byEmail, HUBSPOT_CONTACTS_PER_BATCH)) {
    specs.push({ kind: "hubspot.contacts_batch_upsert", connector: "hubspot", params: { contacts: page.map((c) => ({ email: c.email, properties: c.text })) } });
  }
  const eventName = opts.hubspotEvent;
  if (eventName) {
    for (const page of chunks(byEmail, HUBSPOT_EVENTS_PER_BATCH)) {
      specs.push({
        kind: "hubspot.events_batch",
        connector: "hubspot",
        params: {
          events: page.map((c) => ({ eventName, email: c.email, occurredAt: new Date(c.r.computedAt).toISOString(), properties: c.text, uuid: `switchyard:predictions:${c.r.customerId}:${day(c.r.computedAt)}` })),
        },
      });
    }
  }
  return specs;
}
