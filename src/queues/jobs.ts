/**
 * JOBS consumer. A batch's journey timers run side by side on a grouped env (pipeline/batch.ts), so
 * timers that come due together share their D1 round trips: the rules' inputs of every timer in the
 * batch in one round trip, their decisions in the next, and so on. A timer whose work fails is
 * retried alone; its decisions dedupe, so what ran before the failure is not applied twice.
 *
 * The other jobs (the next slice of a customer cron, the restart's second recovery pass, a stock
 * remap) are each budgeted to one invocation's D1 queries (D1 allows 1,000 per invocation:
 * developers.cloudflare.com/d1/platform/limits/), so a batch runs at most one of them and puts the
 * rest back on the queue as fresh messages (not a retry: no attempt is spent on waiting its turn).
 */
import type { JobMessage } from "../jobs/run";
import { runJob } from "../jobs/run";
import { logEvent } from "../lib/log";
import { BatchGrouper } from "../pipeline/batch";

export async function handleJobsBatch(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  const timers = batch.messages.filter((m) => m.body.kind === "journey_timer");
  const others = batch.messages.filter((m) => m.body.kind !== "journey_timer");
  if (timers.length) {
    const grouper = new BatchGrouper(env);
    await Promise.all(timers.map((msg, i) => grouper.run(i, () => settle(msg, () => runJob(grouper.env, msg.body)))));
    logEvent("jobs_batch", { timers: timers.length, ...grouper.stats });
  }
  const [first, ...later] = others;
  if (first) await settle(first, () => runJob(env, first.body));
  for (const msg of later) {
    try {
      await env.JOBS.send(msg.body);
      msg.ack();
    } catch {
      msg.retry({ delaySeconds: 5 });
    }
  }
}

async function settle(msg: Message<JobMessage>, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    msg.ack();
  } catch (err) {
    logEvent("job_retry", { kind: msg.body.kind, attempts: msg.attempts, reason: err instanceof Error ? err.message : String(err) });
    msg.retry({ delaySeconds: Math.min(60, 5 * msg.attempts) });
  }
}
