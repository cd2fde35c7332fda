/**
 * Daily: the customer model's predictions to the CRMs (Klaviyo profile properties, HubSpot contact
 * properties and a custom event) for a page of customers at a time, in the vendors' batch APIs: one
 * Klaviyo bulk import, one HubSpot batch upsert and one event batch per page, instead of three calls a
 * customer (HubSpot allows a private app 100 requests per 10 s; Klaviyo's profile import 700 a minute:
 * 50,000 customers one by one would take over an hour, and 150,000 queued actions). A customer is sent
 * at most once per IST day (`customer_models.crm_synced_at`); the outbox key is the page's, so a
 * retried invocation of the same page queues nothing twice. The caller queues the rest by cursor.
 */
import { configFromEnv } from "../connectors/config";
import { enqueueActions } from "../db/actions";
import { loadPredictionPage, markPredictionsSynced } from "../db/customer-models";
import { HUBSPOT_CONTACTS_PER_BATCH, predictionSyncSpecs } from "../decisions/crm-predictions";
import { istDate, IST_OFFSET_MS, DAY_MS } from "../lib/time";

/** One page: HubSpot's batch upsert takes 100 contacts, so a page fills one call of each kind. */
export const CRM_CUSTOMERS_PER_INVOCATION = HUBSPOT_CONTACTS_PER_BATCH;

export async function syncPredictionsToCrm(env: Env, now: number, from: { after?: string; maxCustomers?: number } = {}): Promise<{ done: number; next: string | null }> {
  const limit = Math.min(from.maxCustomers ?? CRM_CUSTOMERS_PER_INVOCATION, CRM_CUSTOMERS_PER_INVOCATION);
  // The start of today in India: whoever was sent since then is not sent again today.
  const dayStart = Math.floor((now + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
  const rows = await loadPredictionPage(env.DB, from.after ?? "", limit + 1, dayStart);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  if (!rows.length) return { done: 0, next: null };
  const hubspot = configFromEnv(env).hubspot;
  // Without credentials the HubSpot actions run dry: the event's name is shown as the setting it needs.
  const hubspotEvent = hubspot ? hubspot.predictionEvent : "{HUBSPOT_PREDICTION_EVENT}";
  const specs = predictionSyncSpecs(rows, { hubspot: true, hubspotEvent });
  const first = rows[0]!.customerId;
  const last = rows[rows.length - 1]!.customerId;
  if (specs.length) {
    await enqueueActions(env, { decisionId: null, subjectType: "crm_sync", subjectId: `${first}..${last}`, specs, keyPrefix: `crm:predictions:${istDate(now)}:${first}..${last}` }, now);
  }
  await markPredictionsSynced(env.DB, rows.map((r) => r.customerId), now);
  return { done: rows.length, next: more ? last : null };
}
