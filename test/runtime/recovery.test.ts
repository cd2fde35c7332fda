/**
 * Recovery without a sweep: the every-minute job re-sends failed sends and idle due actions; after a
 * restart (`@restart`, fired by npm start) everything accepted and pending goes back at once, in
 * batches, so a backlog of hundreds is re-queued in one invocation and then drains.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { ACTION_IDLE_MS, recoverPipeline } from "../../src/jobs/recover";
import worker from "../../src/worker";
import { uniqueId } from "../helpers/shopify";
import { count } from "../helpers/runtime";
import customer from "../fixtures/vendor/shopify/customers-create.json";

async function seedQueued(n: number, status: "queued" | "received", receivedAt: number): Promise<{ base: number; ids: string[] }> {
  const base = uniqueId() * 1000;
  const ids = Array.from({ length: n }, (_, i) => `shopify:customers/update:recover-${base}-${i}`);
  for (let i = 0; i < ids.length; i += 50) {
    await env.DB.batch(
      ids.slice(i, i + 50).map((id, j) =>
        env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, 'shopify', ?, 'customers/update', ?, ?, ?)`)
          .bind(id, id.slice("shopify:".length), receivedAt, JSON.stringify({ ...customer, id: base + i + j }), status),
      ),
    );
  }
  return { base, ids };
}

async function fire(cron: string, now = Date.now()): Promise<void> {
  const ctrl = createScheduledController({ cron, scheduledTime: now });
  await worker.scheduled(ctrl, env, { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext);
}

describe("recovery", () => {
  it("after a restart, re-queues 600 accepted-but-unqueued events in one run (under 5 s) and all are processed", async () => {
    const { base, ids } = await seedQueued(600, "queued", Date.now() - 5_000);
    const started = Date.now();
    await fire("@restart");
    const requeueMs = Date.now() - started;
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id LIKE ? AND status = 'processed'`, `shopify:customers/update:recover-${base}-%`)).toBe(600), { timeout: 50_000, interval: 250 });
    expect(await count(`SELECT count(*) AS n FROM customers WHERE CAST(id AS INTEGER) BETWEEN ? AND ?`, base, base + 599)).toBe(600);
    expect(ids).toHaveLength(600);
    expect(requeueMs).toBeLessThan(5_000);
  }, 60_000);

  it("the every-minute run re-sends a failed send after 30 s but leaves a young queued event to its message", async () => {
    const failed = await seedQueued(3, "received", Date.now() - 45_000);
    const young = await seedQueued(3, "queued", Date.now() - 45_000);
    await fire("* * * * *");
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id LIKE ? AND status = 'processed'`, `shopify:customers/update:recover-${failed.base}-%`)).toBe(3), { timeout: 20_000, interval: 100 });
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id LIKE ? AND status = 'queued'`, `shopify:customers/update:recover-${young.base}-%`)).toBe(3);
  });

  it("re-sends due actions with no live message (pending and idle ten minutes, or all of them after a restart), not those waiting behind a backlog", async () => {
    const now = Date.now();
    const tag = uniqueId();
    const rows = Array.from({ length: 120 }, (_, i) => ({ id: `act_recover_${tag}_${i}`, idle: i < 60 }));
    for (let i = 0; i < rows.length; i += 40) {
      await env.DB.batch(
        rows.slice(i, i + 40).map((r) =>
          env.DB.prepare(
            `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, created_at, updated_at)
             VALUES (?, NULL, 'email', 'email.send', ?, 'pending', 0, ?, ?, ?, ?)`,
          ).bind(r.id, `idem_${r.id}`, now - 120_000, JSON.stringify({ to: "ops@brand.in", subject: "s", text: "t" }), now - 120_000, r.idle ? now - ACTION_IDLE_MS - 60_000 : now - 5 * 60_000),
        ),
      );
    }
    await fire("* * * * *", now);
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM actions WHERE id LIKE ? AND status = 'dry_run'`, `act_recover_${tag}_%`)).toBe(60), { timeout: 30_000, interval: 200 });
    // The 60 waiting five minutes (behind a backlog, their messages alive) were not touched, nor re-sent.
    expect(await count(`SELECT count(*) AS n FROM actions WHERE id LIKE ? AND status = 'pending' AND updated_at = ?`, `act_recover_${tag}_%`, now - 5 * 60_000)).toBe(60);
    await fire("@restart", now + 1);
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM actions WHERE id LIKE ? AND status = 'dry_run'`, `act_recover_${tag}_%`)).toBe(120), { timeout: 30_000, interval: 200 });
    expect(await count(`SELECT count(*) AS n FROM action_attempts WHERE action_id LIKE ?`, `act_recover_${tag}_%`)).toBe(120);
  });
  it("the restart's second pass re-sends only actions untouched since the restart, not the ones queued after it", async () => {
    const restartedAt = Date.now() - 30_000;
    const tag = uniqueId();
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: `act_restart_${tag}_${i}`, before: i < 10 }));
    await env.DB.batch(
      rows.map((r) =>
        env.DB.prepare(
          `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, created_at, updated_at)
           VALUES (?, NULL, 'email', 'email.send', ?, 'pending', 0, ?, ?, ?, ?)`,
        ).bind(r.id, `idem_${r.id}`, restartedAt - 60_000, JSON.stringify({ to: "ops@brand.in", subject: "s", text: "t" }), restartedAt - 60_000, r.before ? restartedAt - 60_000 : restartedAt + 5_000),
      ),
    );
    const result = await recoverPipeline(env, Date.now(), { afterRestart: true, restartedAt });
    expect(result.actions).toBeGreaterThanOrEqual(10);
    // The 30 queued after the restart keep their messages: untouched, not re-sent.
    expect(await count(`SELECT count(*) AS n FROM actions WHERE id LIKE ? AND updated_at = ?`, `act_restart_${tag}_%`, restartedAt + 5_000)).toBe(30);
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM actions WHERE id LIKE ? AND status = 'dry_run'`, `act_restart_${tag}_%`)).toBe(10), { timeout: 30_000, interval: 200 });
  });
});
