/** Worker entry: HTTP, queue consumers, cron, and the Durable Object classes. Queue names come from bindings.json. */
import { QUEUES } from "./bindings";
import { app } from "./routes";
import { handleActionDeadLetters, handleActionsBatch, type ActionMessage } from "./queues/actions";
import { handleIngestBatch, handleIngestDeadLetters, type IngestMessage } from "./queues/ingest";
import { handleJobsBatch } from "./queues/jobs";
import { runCron } from "./jobs/cron";
import type { JobMessage } from "./jobs/run";

export { OrderJourney } from "./durable-objects/order-journey";
export { SkuStock } from "./durable-objects/sku-stock";
export { RateLimiter } from "./durable-objects/rate-limiter";
export { Credential } from "./durable-objects/credential";

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    switch (batch.queue) {
      case QUEUES.ingest:
        return handleIngestBatch(batch as MessageBatch<IngestMessage>, env);
      case QUEUES.ingestDeadLetters:
        return handleIngestDeadLetters(batch as MessageBatch<IngestMessage>, env);
      case QUEUES.actions:
        return handleActionsBatch(batch as MessageBatch<ActionMessage>, env);
      case QUEUES.actionsDeadLetters:
        return handleActionDeadLetters(batch as MessageBatch<ActionMessage>, env);
      case QUEUES.jobs:
        return handleJobsBatch(batch as MessageBatch<JobMessage>, env);
      default:
        // Unknown queues are retried rather than silently acked.
        batch.retryAll({ delaySeconds: 60 });
    }
  },

  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    await runCron(env, controller.cron, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
