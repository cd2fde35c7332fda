/**
 * The worker as the bench runs it: src/worker.ts unchanged, its env wrapped by src/lib/metrics.ts so
 * every D1 round trip, Durable Object call and queue message is counted, by phase (the webhook
 * route, each queue consumer, cron, and "objects" for work the objects do on their own: their D1
 * writes, their alarms). `GET /__meter` answers the counts; `DELETE /__meter` zeroes them. Bench
 * only: never deployed (the deployed entry is src/worker.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import worker, { Credential as RealCredential, OrderJourney as RealOrderJourney, RateLimiter as RealRateLimiter, SkuStock as RealSkuStock } from "../../src/worker";
import { meterBatch, meterEnv, newMeter, type Meter } from "../../src/lib/metrics";

const total = newMeter();
const phases = new Map<string, Meter>();
const phase = new AsyncLocalStorage<string>();
const meters = (): Meter[] => {
  const name = phase.getStore() ?? "objects";
  let m = phases.get(name);
  if (!m) phases.set(name, (m = newMeter()));
  return [total, m];
};

export class OrderJourney extends RealOrderJourney {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, meterEnv(env, meters));
  }
  override async alarm(): Promise<void> {
    for (const m of meters()) m.objectAlarms += 1;
    return super.alarm();
  }
}
export class SkuStock extends RealSkuStock {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, meterEnv(env, meters));
  }
  override async alarm(): Promise<void> {
    for (const m of meters()) m.objectAlarms += 1;
    return super.alarm();
  }
}
export class RateLimiter extends RealRateLimiter {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, meterEnv(env, meters));
  }
}
export class Credential extends RealCredential {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, meterEnv(env, meters));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/__meter") {
      if (request.method === "DELETE") {
        Object.assign(total, newMeter());
        phases.clear();
      }
      return Response.json({ total, phases: Object.fromEntries(phases) });
    }
    // The bench's own progress polls (/api/pipeline) are counted apart from the webhooks.
    return phase.run(path.startsWith("/webhooks/") ? "webhook" : "api", () => worker.fetch(request, meterEnv(env, meters), ctx));
  },
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    const name = batch.queue.replace(/^switchyard-/, "");
    return phase.run(name, () => worker.queue(meterBatch(batch, meters), meterEnv(env, meters)));
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    return phase.run("cron", () => worker.scheduled(controller, meterEnv(env, meters), ctx));
  },
} satisfies ExportedHandler<Env>;
