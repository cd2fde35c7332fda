/** Worker entry: HTTP, queue consumers, cron, and the Durable Object classes. */
import { app } from "./app";
import { runCron, runCronJob, type CronJob } from "./engine/cron";
import { handleIngestBatch, handleIngestDeadLetters, type IngestMessage } from "./queues/ingest";
import { handleActionDeadLetters, handleActionsBatch, type ActionMessage } from "./queues/actions";

export { OrderJourney } from "./durable-objects/order-journey";
export { SkuStock } from "./durable-objects/sku-stock";
export { RateLimiter } from "./durable-objects/rate-limiter";
export { Credential } from "./durable-objects/credential";

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    switch (batch.queue) {
      case "switchyard-ingest":
        return handleIngestBatch(batch as MessageBatch<IngestMessage>, env);
      case "switchyard-ingest-dlq":
        return handleIngestDeadLetters(batch as MessageBatch<IngestMessage>, env);
      case "switchyard-actions":
        return handleActionsBatch(batch as MessageBatch<ActionMessage>, env);
      case "switchyard-actions-dlq":
        return handleActionDeadLetters(batch as MessageBatch<ActionMessage>, env);
      case "switchyard-jobs":
        // One slice per message; a failed slice is retried, and the next scheduled run redoes it anyway.
        for (const msg of batch.messages as readonly Message<CronJob>[]) {
          try {
            await runCronJob(env, msg.body);
            msg.ack();
          } catch {
            msg.retry({ delaySeconds: 60 });
          }
        }
        return;
      default:
        // Unknown queues are retried rather than silently acked.
        batch.retryAll({ delaySeconds: 60 });
    }
  },

  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    await runCron(env, controller.cron, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
