/**
 * Daily: the customer model's predictions to the CRMs (Klaviyo profile properties, HubSpot contact
 * properties and a custom event), at most once per customer per day (the outbox key carries the
 * day), a budget of customers per invocation; the caller queues the rest by cursor.
 */
import { configFromEnv } from "../connectors/config";
import { enqueueActions } from "../db/actions";
import { loadPredictionPage } from "../db/customer-models";
import { predictionSyncSpecs } from "../decisions/crm-predictions";

/** Each customer costs up to three outbox inserts and three queue sends: 100 stays well under D1's 1,000 per invocation. */
export const CRM_CUSTOMERS_PER_INVOCATION = 100;

export async function syncPredictionsToCrm(env: Env, now: number, from: { after?: string; maxCustomers?: number } = {}): Promise<{ done: number; next: string | null }> {
  const limit = from.maxCustomers ?? CRM_CUSTOMERS_PER_INVOCATION;
  const rows = await loadPredictionPage(env.DB, from.after ?? "", limit + 1);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const hubspot = configFromEnv(env).hubspot;
  // Without credentials the HubSpot actions run dry: the event's name is shown as the setting it needs.
  const hubspotEvent = hubspot ? hubspot.predictionEvent : "{HUBSPOT_PREDICTION_EVENT}";
  const day = new Date(now).toISOString().slice(0, 10);
  for (const r of rows) {
    const specs = predictionSyncSpecs(r, { hubspot: true, hubspotEvent });
    if (specs.length) await enqueueActions(env, { decisionId: null, subjectType: "customer", subjectId: r.customerId, specs, keyPrefix: `crm:predictions:${r.customerId}:${day}` }, now);
  }
  return { done: rows.length, next: more ? rows[rows.length - 1]!.customerId : null };
}
