/**
 * The ingest consumer groups a batch by owner (src/pipeline/batch.ts): one call per order object and
 * per SKU object, D1 statements of the batch together, and failure still per message. Counted with
 * the same instrumentation the bench uses (src/lib/metrics.ts) on the real runtime.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { handleIngestBatch, type IngestMessage } from "../../src/queues/ingest";
import { meterD1, meterEnv, newMeter, totalOf } from "../../src/lib/metrics";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { count } from "../helpers/runtime";
import { poisonedBatchEnv } from "../helpers/d1-faults";

afterEach(() => {
  // The D1 hook stays on the binding for the file: point it at a meter nobody reads.
  meterD1(env.DB, newMeter());
});

async function storeRaw(order: Record<string, unknown>, topic = "orders/create"): Promise<string> {
  const id = `shopify:${topic}:batch-${uniqueId()}`;
  await env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, 'shopify', ?, ?, ?, ?, 'queued')`)
    .bind(id, id, topic, Date.now(), JSON.stringify(order))
    .run();
  return id;
}

const message = (rawEventId: string, attempts = 1) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { rawEventId } });

/** Units of the SKU its ledger has counted as sold (each order counts once however often it arrives). */
async function unitsSold(sku: string): Promise<number> {
  const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku));
  return runInDurableObject(stub, async (_instance, state) => {
    const row = state.storage.sql.exec<{ body: string }>(`SELECT body FROM ledger WHERE id = 1`).toArray()[0];
    const sales = row ? (JSON.parse(row.body) as { dailySales: Record<string, number> }).dailySales : {};
    return Object.values(sales).reduce((a, b) => a + b, 0);
  });
}

describe("the bench's meter", () => {
  it("names the statements that wrote the rows, for one statement and inside a batch", async () => {
    const meter = newMeter();
    const db = meterD1(env.DB, meter);
    const id = `meter-${uniqueId()}`;
    await db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, '1', 0)`).bind(id).run();
    await db.batch([db.prepare(`UPDATE kv SET value = '2' WHERE key = ?`).bind(id), db.prepare(`SELECT 1`)]);
    expect(Object.keys(meter.d1RowsWrittenBy).sort()).toEqual(["INSERT kv", "UPDATE kv"]);
    expect(meter.d1RowsWrittenBy["INSERT kv"]! + meter.d1RowsWrittenBy["UPDATE kv"]!).toBe(meter.d1RowsWritten);
    expect(meter.d1RowsWritten).toBeGreaterThanOrEqual(2);
  });
});

describe("a batch grouped by owner", () => {
  it("calls each order's and each SKU's object once for the whole batch, with the D1 work of the batch in a few round trips", async () => {
    const sku = `GROUP-${uniqueId()}`;
    const orders = [0, 1, 2, 3, 4, 5].map(() => indianOrder({ id: uniqueId(), cod: false, lineItems: [{ sku, quantity: 2, price: "450.00" }] }));
    // The first order arrives twice more in the same batch (paid, then fulfilled): three messages, one order.
    const first = orders[0]! as Record<string, unknown>;
    const later = new Date(Date.parse(String(first.created_at)) + 60_000).toISOString();
    const ids = [
      ...(await Promise.all(orders.map((o) => storeRaw(o)))),
      await storeRaw({ ...first, updated_at: later, financial_status: "paid" }, "orders/updated"),
      await storeRaw({ ...first, updated_at: new Date(Date.parse(later) + 60_000).toISOString(), fulfillment_status: "fulfilled" }, "orders/updated"),
    ];
    const meter = newMeter();
    const batch = createMessageBatch<IngestMessage>("switchyard-ingest", ids.map((id) => message(id)));
    await handleIngestBatch(batch, meterEnv(env, meter));
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks).toHaveLength(ids.length);

    // One journey call per order (six orders, eight messages), none of the single-event kind.
    expect(meter.objectCalls["ORDER_JOURNEY.recordEventsBatch"]).toBe(orders.length);
    expect(meter.objectCalls["ORDER_JOURNEY.recordEvents"]).toBeUndefined();
    // One ledger call for the SKU all six orders bought.
    expect(meter.objectCalls["SKU_STOCK.applyBatch"]).toBe(1);
    expect(totalOf(meter.objectCalls)).toBe(orders.length + 1);
    // Each order's units counted once, and the first order's journey moved through all three messages.
    expect(await unitsSold(sku)).toBe(2 * orders.length);
    const journey = await env.DB.prepare(`SELECT state FROM journeys WHERE order_id = ?`).bind(String(first.id)).first<{ state: string }>();
    expect(journey?.state).toBe("fulfilled");
    expect(await count(`SELECT count(*) AS n FROM journeys WHERE order_id IN (${orders.map(() => "?").join(", ")})`, ...orders.map((o) => String(o.id)))).toBe(orders.length);
    // The consumer's D1 work for eight events is a handful of round trips, not several per event
    // (about 8 per event before grouping, 15 for these 8 when measured). Consumer side only: the objects have their own env.
    expect(meter.d1RoundTrips).toBeLessThanOrEqual(ids.length * 3);
    expect(meter.d1RoundTrips).toBeGreaterThan(0);
  });

  it("a message whose grouped work fails is retried alone, and its redelivery applies nothing twice", async () => {
    const sku = `GROUPFAIL-${uniqueId()}`;
    const orders = [0, 1, 2, 3].map(() => indianOrder({ id: uniqueId(), cod: false, lineItems: [{ sku, quantity: 3, price: "300.00" }] }));
    const ids = await Promise.all(orders.map((o) => storeRaw(o)));
    // Every grouped D1 round trip carrying the third order's statements fails, as a transaction would:
    // the other orders' statements travel in the same round trips and must not fail with it.
    let poison: string | null = String(orders[2]!.id);
    const batch = createMessageBatch<IngestMessage>("switchyard-ingest", ids.map((id) => message(id)));
    await handleIngestBatch(batch, poisonedBatchEnv(() => poison));
    const result = await getQueueResult(batch, createExecutionContext());
    expect([...result.explicitAcks].sort()).toEqual([0, 1, 3].map((i) => batch.messages[i]!.id).sort());
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([batch.messages[2]!.id]);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id IN (?, ?, ?) AND status = 'processed'`, ids[0], ids[1], ids[3])).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ? AND status = 'processed'`, ids[2])).toBe(0);

    // After the fault clears, the redelivery carries the failed message alone; every effect exists once.
    poison = null;
    const redelivery = createMessageBatch<IngestMessage>("switchyard-ingest", [message(ids[2]!, 2)]);
    await handleIngestBatch(redelivery, env);
    expect((await getQueueResult(redelivery, createExecutionContext())).explicitAcks).toHaveLength(1);
    for (const o of orders) {
      expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(o.id))).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'zoho.sales_order'`, String(o.id))).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM journeys WHERE order_id = ?`, String(o.id))).toBe(1);
    }
    expect(await unitsSold(sku)).toBe(3 * orders.length);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id IN (?, ?, ?, ?) AND status = 'processed'`, ...ids)).toBe(4);
  });
});
