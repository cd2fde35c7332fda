/**
 * The cron schedule (names from bindings.json, as wrangler.toml declares them): what runs every
 * 5 minutes, every hour and every day. Each job lives in its own file; what one invocation cannot
 * finish goes on the jobs queue (see run.ts).
 */
import { CRONS } from "../bindings";
import { requeueDueActions } from "../db/actions";
import { loadPolicy } from "../db/policies";
import { demandEvents } from "../decisions/models/calendar";
import { requeueStuckRawEvents } from "../db/raw-events";
import { allStockedSkus } from "../db/stock-read-model";
import { decideStockForSkus } from "../pipeline/stock";
import { detectAnomalies } from "./anomalies";
import { sendMorningDigest } from "./digest";
import { pullQuietParcels } from "./carrier-pull";
import { decideCustomerOutreach } from "./customer-outreach";
import { refreshCustomerModels } from "./customer-models";
import { refreshForecasts } from "./forecasts";
import { pullHelpdeskTickets } from "./helpdesk-pull";
import { ensureWebhookSubscriptions, reconcileShopifyOrders } from "./reconcile";
import { syncShopifyLocations } from "./shopify-locations";
import { reconcileShopifyInventory } from "./reconcile-inventory";
import { reconcileShopifyRefunds } from "./reconcile-refunds";
import { pullUnicommerceStock } from "./unicommerce-pull";
import { sweepCredentials } from "./credentials";
import { CRON_RECOVER, CRON_RESTART, recoverPipeline, RESTART_SECOND_PASS_S } from "./recover";
import { refreshRouteStats } from "./route-stats";
import { pruneRawBodies, rawBodyRetentionDays } from "./prune-raw-bodies";
import { INLINE_PAGES } from "./run";
import { logEvent } from "../lib/log";
import { refreshTicketModel } from "./ticket-model";
import { sweepTickets } from "./ticket-sweep";

/** Runs every job even when one throws, then reports the failures together (the cron invocation fails). */
async function runEach(jobs: [string, () => Promise<unknown>][]): Promise<void> {
  const failed: unknown[] = [];
  for (const [name, job] of jobs) {
    try {
      await job();
    } catch (err) {
      logEvent("cron_job_failed", { job: name, error: err instanceof Error ? err.message : String(err) });
      failed.push(err);
    }
  }
  if (failed.length) throw new AggregateError(failed, `${failed.length} reconciliation job(s) failed`);
}

export async function runCron(env: Env, cron: string, now: number): Promise<void> {
  // Every minute, and once when npm start's runtime (re)starts: nothing accepted waits for a sweep.
  if (cron === CRON_RECOVER || cron === CRON_RESTART) {
    await recoverPipeline(env, now, { afterRestart: cron === CRON_RESTART });
    if (cron === CRON_RESTART) await env.JOBS.send({ kind: "recover_after_restart", restartedAt: now }, { delaySeconds: RESTART_SECOND_PASS_S });
    return;
  }
  const stored = await loadPolicy(env.DB);
  if (cron === CRONS.sweep) {
    await sweepTickets(env, stored, now);
    await requeueDueActions(env, now);
    await requeueStuckRawEvents(env, now);
    await sweepCredentials(env, now);
    await pullUnicommerceStock(env, now);
    // Reconciliation: one failing source (a throttled Admin API, a helpdesk down) does not keep the others from their repair.
    await runEach([
      ["reconcile_shopify_orders", () => reconcileShopifyOrders(env, now)],
      ["reconcile_shopify_refunds", () => reconcileShopifyRefunds(env, now)],
      ["reconcile_shopify_inventory", () => reconcileShopifyInventory(env, now)],
      ["helpdesk_pull", () => pullHelpdeskTickets(env, now)],
      ["morning_digest", () => sendMorningDigest(env, stored, now)],
    ]);
  } else if (cron === CRONS.hourly) {
    await pullQuietParcels(env, now);
    await refreshRouteStats(env, stored, now);
    await detectAnomalies(env, stored, now);
    const models = await refreshCustomerModels(env.DB, stored, now, { maxPages: INLINE_PAGES.customerModels });
    if (models.next !== null) await env.JOBS.send({ kind: "customer_models", after: models.next, now });
    // Hourly, last: an hour's worth of bodies is about one page, and a run that hits its page budget continues in the next hour.
    await pruneRawBodies(env.DB, now, { retentionDays: rawBodyRetentionDays(env) });
  } else if (cron === CRONS.daily) {
    await refreshForecasts(env.DB, now, 365, demandEvents(stored.policy.demandCalendar));
    await refreshTicketModel(env.DB, now);
    await decideStockForSkus(env, await allStockedSkus(env.DB), stored, now);
    const outreach = await decideCustomerOutreach(env, stored, now, { maxPages: INLINE_PAGES.customerOutreach });
    if (outreach.next !== null) await env.JOBS.send({ kind: "customer_outreach", after: outreach.next, now });
    // Predictions to the CRMs in invocations of their own (each customer is a few outbox writes).
    await env.JOBS.send({ kind: "crm_predictions", after: "", now });
    await ensureWebhookSubscriptions(env, env.PUBLIC_URL, now);
    await syncShopifyLocations(env, now);
  }
}
