/** JOBS consumer: one job per message; a failed one is retried (a cron slice is redone by its next run anyway; a timer's decisions dedupe). */
import type { JobMessage } from "../jobs/run";
import { runJob } from "../jobs/run";
import { logEvent } from "../lib/log";

export async function handleJobsBatch(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      await runJob(env, msg.body);
      msg.ack();
    } catch (err) {
      logEvent("job_retry", { kind: msg.body.kind, attempts: msg.attempts, reason: err instanceof Error ? err.message : String(err) });
      msg.retry({ delaySeconds: Math.min(60, 5 * msg.attempts) });
    }
  }
}
