/**
 * A burst of 10,000 webhooks (orders and carrier scans) through the real routes, queue, D1 and
 * Durable Objects: zero loss, nothing dead-lettered. Slow by design: `npm run test:reliability`.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { shiprocketTracking } from "../helpers/vendors";

const TOTAL = Number((env as unknown as { BURST_TOTAL?: string }).BURST_TOTAL ?? 10_000);
const CHUNK = 250;

async function request(i: number, base: number, run: string): Promise<Request> {
  const orderIndex = Math.floor(i / 2);
  const id = base + orderIndex;
  if (i % 2 === 0) {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    return shopifyRequest({ topic: "orders/create", payload: indianOrder({ id, cod: false, createdAt: at, updatedAt: at }), webhookId: `${run}-${i}` });
  }
  const scan = shiprocketTracking(`BURST${id}`, String(id), [["picked_up", Date.now() - 1_800_000, "Bhiwandi_Hub (Maharashtra)"]]);
  return new Request("https://switchyard.test/webhooks/shiprocket", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "test-shiprocket-token" }, body: JSON.stringify(scan) });
}

describe("burst of 10,000 events", () => {
  it("loses nothing and dead-letters nothing", async () => {
    const run = `burst-${uniqueId()}`;
    const base = uniqueId() * 10;
    const started = Date.now();
    const ids: string[] = [];
    for (let from = 0; from < TOTAL; from += CHUNK) {
      const responses = await Promise.all(Array.from({ length: Math.min(CHUNK, TOTAL - from) }, async (_, k) => SELF.fetch(await request(from + k, base, run))));
      for (const res of responses) {
        expect(res.status).toBe(200);
        ids.push((await res.json<{ id: string }>()).id);
      }
    }
    const accepted = Date.now() - started;
    expect(new Set(ids).size).toBe(TOTAL);

    const pending = async () => (await env.DB.prepare(`SELECT count(*) AS n FROM raw_events WHERE (delivery_id LIKE ? OR body LIKE '%BURST%') AND status != 'processed'`).bind(`%${run}%`).first<{ n: number }>())!.n;
    await vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 400_000, interval: 1000 });
    const processed = Date.now() - started;

    const orderIds = Array.from({ length: TOTAL / 2 }, (_, k) => String(base + k));
    let orders = 0;
    for (let i = 0; i < orderIds.length; i += 90) {
      const chunk = orderIds.slice(i, i + 90);
      orders += (await env.DB.prepare(`SELECT count(*) AS n FROM orders WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk).first<{ n: number }>())!.n;
    }
    expect(orders).toBe(TOTAL / 2);
    const scans = await env.DB.prepare(`SELECT count(DISTINCT awb) AS n FROM shipment_events WHERE awb LIKE 'BURST%' AND order_id IS NOT NULL`).first<{ n: number }>();
    expect(scans!.n).toBe(TOTAL / 2);
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM dead_letters`).first<{ n: number }>())!.n).toBe(0);
    console.log(`burst: ${TOTAL} accepted in ${accepted} ms, all processed in ${processed} ms (${Math.round((TOTAL / processed) * 1000)} events/s)`);
  }, 600_000);
});
