/**
 * A burst of 10,000 webhooks (orders and carrier scans) through the real routes, queue, D1 and
 * Durable Objects: zero loss, nothing dead-lettered. Slow by design: `npm run test:reliability`.
 */
import { createExecutionContext } from "cloudflare:test";
import worker from "../../src/worker";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { shiprocketTracking } from "../helpers/vendors";
import customerFixture from "../fixtures/vendor/shopify/customers-create.json";

const TOTAL = Number((env as unknown as { BURST_TOTAL?: string }).BURST_TOTAL ?? 10_000);
const CHUNK = 250;

/**
 * Mixed like a real burst: mostly customer updates (Shopify sends many during a sale), with orders
 * and carrier scans for those orders. One in ten events is an order, one in ten its first scan.
 */
async function request(i: number, base: number, run: string): Promise<Request> {
  const id = base + Math.floor(i / 10);
  const at = new Date(Date.now() - 3_600_000).toISOString();
  if (i % 10 === 0) {
    return shopifyRequest({ topic: "orders/create", payload: indianOrder({ id, cod: false, createdAt: at, updatedAt: at }), webhookId: `${run}-${i}` });
  }
  if (i % 10 === 1) {
    const scan = shiprocketTracking(`BURST${id}`, String(id), [["picked_up", Date.now() - 1_800_000, "Bhiwandi_Hub (Maharashtra)"]]);
    return new Request("https://switchyard.test/webhooks/shiprocket", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "test-shiprocket-token" }, body: JSON.stringify(scan) });
  }
  const customer = { ...customerFixture, id: base * 10 + i, email: `burst${i}@example.in`, updated_at: new Date(Date.now() - 60_000 + i).toISOString() };
  return shopifyRequest({ topic: "customers/update", payload: customer, webhookId: `${run}-${i}` });
}

const backlog = async () => (await env.DB.prepare(`SELECT count(*) AS n FROM raw_events WHERE status != 'processed'`).first<{ n: number }>())!.n;

describe("burst of 10,000 events", () => {
  it("loses nothing and dead-letters nothing", async () => {
    const run = `burst-${uniqueId()}`;
    const base = uniqueId() * 10;
    const started = Date.now();
    const ids: string[] = [];
    for (let from = 0; from < TOTAL; from += CHUNK) {
      // The worker's own fetch handler, called in-process: the route, D1 and the queue are the real
      // ones; only the test harness's per-request round trip (~9 ms through SELF) is left out.
      const responses = await Promise.all(Array.from({ length: Math.min(CHUNK, TOTAL - from) }, async (_, k) => worker.fetch!(await request(from + k, base, run), env, createExecutionContext())));
      for (const res of responses) {
        expect(res.status).toBe(200);
        ids.push((await res.json<{ id: string }>()).id);
      }
      // Sent in chunks, as the local queue holds its backlog in memory: keep it under a few thousand.
      if ((await backlog()) > 3000) await vi.waitFor(async () => expect(await backlog()).toBeLessThan(1500), { timeout: 300_000, interval: 500 });
    }
    const accepted = Date.now() - started;
    expect(new Set(ids).size).toBe(TOTAL);

    await vi.waitFor(async () => expect(await backlog()).toBe(0), { timeout: 400_000, interval: 1000 });
    const processed = Date.now() - started;

    const orderIds = Array.from({ length: TOTAL / 10 }, (_, k) => String(base + k));
    let orders = 0;
    for (let i = 0; i < orderIds.length; i += 90) {
      const chunk = orderIds.slice(i, i + 90);
      orders += (await env.DB.prepare(`SELECT count(*) AS n FROM orders WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk).first<{ n: number }>())!.n;
    }
    expect(orders).toBe(TOTAL / 10);
    const scans = await env.DB.prepare(`SELECT count(DISTINCT awb) AS n FROM shipment_events WHERE awb LIKE 'BURST%' AND order_id IS NOT NULL`).first<{ n: number }>();
    expect(scans!.n).toBe(TOTAL / 10);
    const customers = await env.DB.prepare(`SELECT count(*) AS n FROM customers WHERE id >= ? AND id < ?`).bind(String(base * 10), String(base * 10 + TOTAL)).first<{ n: number }>();
    expect(customers!.n).toBe(TOTAL - (2 * TOTAL) / 10);
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM dead_letters`).first<{ n: number }>())!.n).toBe(0);
    console.log(`burst: ${TOTAL} accepted in ${accepted} ms, all processed in ${processed} ms (${Math.round((TOTAL / processed) * 1000)} events/s)`);
  }, 600_000);
});
