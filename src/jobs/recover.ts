/**
 * Recovery without waiting for a sweep: every minute (cron `* * * * *`), raw events whose queue send
 * failed and due actions with no live message go back on their queues, in pages of 500 sent 100 at a
 * time (the most a sendBatch takes), so thousands drain in one invocation. After a restart of the
 * local runtime (`npm start` fires the pseudo-cron `@restart` once its server is ready) the in-memory
 * local queues are empty, so everything accepted and still pending is re-queued at once.
 * A message sent twice is harmless: raw events and actions are processed idempotently.
 */
import { CRONS } from "../bindings";
import { takeDueActionIds } from "../db/actions";
import { pendingRawEventIds } from "../db/raw-events";
import { logEvent } from "../lib/log";

export const CRON_RECOVER = CRONS.recover;
/** Not a schedule: fired by `npm start` (through wrangler's /__scheduled) when its runtime has (re)started. */
export const CRON_RESTART = "@restart";

/** A send that failed is retried after this long (the sender's own retry may come first). */
const RECEIVED_GRACE_MS = 30_000;
/** A queued event older than this has lost its message (Queues deliver within seconds when healthy). */
const QUEUED_LOST_MS = 10 * 60_000;
/**
 * A due action not touched for this long has no live message. Not shorter: an action waiting behind
 * a backlog is not lost, and re-sending every waiting action each minute multiplies the backlog when
 * the system is busiest (seen locally: a demo week's ~4,500 CRM updates, re-sent each minute, grew
 * the queue until the local broker ran out of timers and the runtime restarted).
 */
export const ACTION_IDLE_MS = 10 * 60_000;
const PAGE = 500;
const SEND_BATCH = 100;
/**
 * Per invocation: D1 allows 1,000 queries and Workers 1,000 subrequests (each sendBatch is one), so
 * a run re-queues at most this many of each and the next run carries on.
 */
export const MAX_PER_RUN = 20_000;

export interface RecoveryResult {
  rawEvents: number;
  actions: number;
}

/**
 * `afterRestart`: every queued event (received before `restartedAt`, default now) lost its message
 * with the dead runtime's in-memory queue. The restart's pass runs twice: at once, and again
 * RESTART_SECOND_PASS_S later from the jobs queue for what the first could not reach (a send that
 * failed while the new runtime was starting); a message sent twice is harmless.
 */
export const RESTART_SECOND_PASS_S = 30;

export async function recoverPipeline(env: Env, now: number, opts: { afterRestart?: boolean; restartedAt?: number } = {}): Promise<RecoveryResult> {
  const queuedBefore = opts.afterRestart ? (opts.restartedAt ?? now) : now - QUEUED_LOST_MS;
  let rawEvents = 0;
  let after: { at: number; id: string } | null = null;
  while (rawEvents < MAX_PER_RUN) {
    const page = await pendingRawEventIds(env.DB, { receivedBefore: now - RECEIVED_GRACE_MS, queuedBefore, after, limit: PAGE });
    for (let i = 0; i < page.length; i += SEND_BATCH) {
      await env.INGEST.sendBatch(page.slice(i, i + SEND_BATCH).map((r) => ({ body: { rawEventId: r.id } })));
    }
    rawEvents += page.length;
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { at: last.receivedAt, id: last.id };
  }
  let actions = 0;
  // After a restart, only actions untouched since the restart lost their messages: those queued since
  // (a seed's thousands of CRM updates, say) have live ones, and re-sending them is what flooded the queue.
  const idleBefore = opts.afterRestart ? (opts.restartedAt ?? now) : now - ACTION_IDLE_MS;
  while (actions < MAX_PER_RUN) {
    const ids = await takeDueActionIds(env.DB, now, idleBefore, PAGE);
    for (let i = 0; i < ids.length; i += SEND_BATCH) {
      await env.ACTIONS.sendBatch(ids.slice(i, i + SEND_BATCH).map((actionId) => ({ body: { actionId } })));
    }
    actions += ids.length;
    if (ids.length < PAGE) break;
  }
  if (rawEvents || actions) logEvent("pipeline_recovered", { rawEvents, actions, afterRestart: Boolean(opts.afterRestart) });
  return { rawEvents, actions };
}
