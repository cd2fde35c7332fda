/** One message of the jobs queue: the next slice of a cron too large for one invocation, or a journey timer that came due. */
import type { JourneyTimerJob } from "../durable-objects/order-journey";
import { loadPolicy } from "../db/policies";
import { syncPredictionsToCrm } from "./crm-predictions";
import { decideCustomerOutreach } from "./customer-outreach";
import { refreshCustomerModels } from "./customer-models";
import { onJourneyTimer } from "./journey-timers";
import { recoverPipeline } from "./recover";
import { remapStock, type StockRemapJob } from "./stock-remap";

/**
 * Pages of customers a cron (or one job) works through in one invocation. D1 allows 1,000 queries
 * per Worker invocation: a page of customer models is about 17 round trips (500 customers), a page
 * of outreach about 4 plus the decisions it writes (90 customers). What is left goes on the jobs
 * queue, a page budget per message, each in an invocation of its own.
 */
export const INLINE_PAGES = { customerModels: 20, customerOutreach: 60 };

export type CronSlice = { kind: "customer_models" | "customer_outreach" | "crm_predictions"; after: string; now: number };
/** The second pass of a restart's recovery (jobs/recover.ts). */
export type RecoverAfterRestart = { kind: "recover_after_restart"; restartedAt: number };
export type JobMessage = CronSlice | JourneyTimerJob | RecoverAfterRestart | StockRemapJob;

export async function runJob(env: Env, job: JobMessage): Promise<void> {
  if (job.kind === "journey_timer") {
    const outcome = await onJourneyTimer(env, job.timer, Date.now());
    // The customer was asked later than the timer assumed: the object re-arms it for then.
    if (outcome?.retryAt) await env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(job.timer.orderId)).deferTimer(job.timer.key, outcome.retryAt);
    return;
  }
  if (job.kind === "recover_after_restart") {
    await recoverPipeline(env, Date.now(), { afterRestart: true, restartedAt: job.restartedAt });
    return;
  }
  if (job.kind === "crm_predictions") {
    const { next } = await syncPredictionsToCrm(env, job.now, { after: job.after });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronSlice);
    return;
  }
  if (job.kind === "stock_remap") return remapStock(env, job);
  const stored = await loadPolicy(env.DB);
  if (job.kind === "customer_models") {
    const { next } = await refreshCustomerModels(env.DB, stored, job.now, { after: job.after, maxPages: INLINE_PAGES.customerModels });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronSlice);
  } else {
    const { next } = await decideCustomerOutreach(env, stored, job.now, { after: job.after, maxPages: INLINE_PAGES.customerOutreach });
    if (next !== null) await env.JOBS.send({ kind: job.kind, after: next, now: job.now } satisfies CronSlice);
  }
}
