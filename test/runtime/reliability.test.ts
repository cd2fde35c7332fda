/**
 * Nothing lost, nothing doubled, no one in: the guarantees docs/reliability.md lists, each proved
 * against the real runtime (workerd, D1, queues, Durable Objects).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/worker";
import { chunkedInserts, runBatches } from "../../src/db/bulk";
import { handleIngestBatch, handleIngestDeadLetters, type IngestMessage } from "../../src/queues/ingest";
import { app } from "../../src/routes";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { api, count, waitProcessed } from "../helpers/runtime";

afterEach(() => vi.restoreAllMocks());

/** Real D1, except that statements binding `poison` fail, as a transient outage would. */
function faultyEnv(poison: () => string | null): Env {
  const db = env.DB;
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "prepare") {
        return (sql: string) => {
          const stmt = target.prepare(sql);
          return new Proxy(stmt, {
            get(s, p) {
              if (p === "bind") {
                return (...args: unknown[]) => {
                  const bad = poison();
                  if (bad !== null && args.includes(bad)) throw new Error("injected transient D1 failure");
                  return s.bind(...args);
                };
              }
              const v = Reflect.get(s, p);
              return typeof v === "function" ? v.bind(s) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { ...env, DB: wrapped } as Env;
}

/** Stores a signed order as the route would, without letting the real queue consume it. */
async function storeRaw(order: Record<string, unknown>, topic = "orders/create"): Promise<string> {
  const id = `shopify:${topic}:manual-${uniqueId()}`;
  await env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, 'shopify', ?, ?, ?, ?, 'queued')`)
    .bind(id, id, topic, Date.now(), JSON.stringify(order))
    .run();
  return id;
}

const message = (rawEventId: string, attempts = 1) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { rawEventId } });

describe("nothing lost, nothing doubled", () => {
  it("replay 3x concurrently: one raw row, one canonical row, one transition, one outbound action", async () => {
    const id = uniqueId();
    const at = new Date(Date.now() - 60_000).toISOString();
    const order = indianOrder({ id, totalPrice: "2600.00", createdAt: at, updatedAt: at });
    const webhookId = crypto.randomUUID();
    const reqs = await Promise.all([0, 1, 2].map(() => shopifyRequest({ topic: "orders/create", payload: order, webhookId })));
    const results = await Promise.all(reqs.map(async (r) => (await SELF.fetch(r)).json<{ id: string }>()));
    await waitProcessed(results[0]!.id);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ?`, results[0]!.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(id))).toBe(1);
    const journey = await (await api(`/api/orders/${id}`)).json<{ journey: { history: unknown[] } }>();
    expect(journey.journey.history).toHaveLength(1);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'whatsapp.template'`, String(id))).toBe(1);
  });

  it("a consumer failing on message k of a batch does not reprocess the messages before it", async () => {
    const orders = [0, 1, 2].map(() => indianOrder({ id: uniqueId(), cod: false }));
    const rawIds = await Promise.all(orders.map((o) => storeRaw(o)));
    let poison: string | null = rawIds[1]!;
    const batch = createMessageBatch<IngestMessage>("switchyard-ingest", rawIds.map((r) => message(r)));
    const ctx = createExecutionContext();
    const retry = vi.spyOn(batch.messages[1]!, "retry");
    await handleIngestBatch(batch, faultyEnv(() => poison));
    const result = await getQueueResult(batch, ctx);
    expect([...result.explicitAcks].sort()).toEqual([batch.messages[0]!.id, batch.messages[2]!.id].sort());
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([batch.messages[1]!.id]);
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 5 });

    // The redelivery carries only message k; after the outage it succeeds, and every effect happened once.
    poison = null;
    const redelivery = createMessageBatch<IngestMessage>("switchyard-ingest", [message(rawIds[1]!, 2)]);
    await handleIngestBatch(redelivery, env);
    for (const o of orders) {
      expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(o.id))).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'zoho.sales_order'`, String(o.id))).toBe(1);
    }
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id IN (?, ?, ?) AND status = 'processed'`, ...rawIds)).toBe(3);
  });

  it("the same event twice in one batch is worked once and both messages are acked; a failed final mark retries them", async () => {
    const order = indianOrder({ id: uniqueId(), cod: false });
    const rawId = await storeRaw(order);
    const twice = createMessageBatch<IngestMessage>("switchyard-ingest", [message(rawId), message(rawId)]);
    await handleIngestBatch(twice, env);
    const result = await getQueueResult(twice, createExecutionContext());
    expect([...result.explicitAcks].sort()).toEqual(twice.messages.map((m) => m.id).sort());
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'zoho.sales_order'`, String(order.id))).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ? AND status = 'processed'`, rawId)).toBe(1);

    // An unmappable event twice in one batch: one dead letter, it stays dead (not marked processed), both acked.
    const poison = await storeRaw({ id: uniqueId(), note: "no line items, no currency, nothing to map" });
    const deadTwice = createMessageBatch<IngestMessage>("switchyard-ingest", [message(poison), message(poison)]);
    await handleIngestBatch(deadTwice, env);
    expect((await getQueueResult(deadTwice, createExecutionContext())).explicitAcks).toHaveLength(2);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ? AND status = 'dead'`, poison)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE raw_event_id = ?`, poison)).toBe(1);

    // Effects in, but the one statement marking the batch processed fails: every message is retried,
    // and the redelivery only marks it (no second action).
    const other = indianOrder({ id: uniqueId(), cod: false });
    const otherId = await storeRaw(other);
    let failMark = true;
    const markFails = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return (stmts: D1PreparedStatement[]) => {
            if (failMark && stmts.length === 1 && String((stmts[0] as unknown as { statement?: string }).statement ?? "").includes("SET status = 'processed'")) throw new Error("injected");
            return target.batch(stmts);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const batch = createMessageBatch<IngestMessage>("switchyard-ingest", [message(otherId)]);
    await handleIngestBatch(batch, { ...env, DB: markFails } as Env);
    expect((await getQueueResult(batch, createExecutionContext())).retryMessages).toHaveLength(1);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ? AND status = 'processed'`, otherId)).toBe(0);
    failMark = false;
    await handleIngestBatch(createMessageBatch<IngestMessage>("switchyard-ingest", [message(otherId, 2)]), env);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ? AND status = 'processed'`, otherId)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'zoho.sales_order'`, String(other.id))).toBe(1);
  });

  it("a poison message ends as a visible dead letter after its retries and is replayed after the fix", async () => {
    const order = indianOrder({ id: uniqueId(), cod: false });
    const rawId = await storeRaw(order);
    // Every attempt fails; the queue gives up after max_retries and hands it to the dead-letter queue.
    const failing = createMessageBatch<IngestMessage>("switchyard-ingest", [message(rawId, 6)]);
    await handleIngestBatch(failing, faultyEnv(() => rawId));
    expect((await getQueueResult(failing, createExecutionContext())).retryMessages).toHaveLength(1);
    const dlq = createMessageBatch<IngestMessage>("switchyard-ingest-dlq", [message(rawId)]);
    await handleIngestDeadLetters(dlq, env);
    expect((await getQueueResult(dlq, createExecutionContext())).explicitAcks).toHaveLength(1);

    const { deadLetters } = await (await api("/api/dead-letters")).json<{ deadLetters: { id: string; rawEventId: string; reason: string }[] }>();
    const letter = deadLetters.find((d) => d.rawEventId === rawId);
    // During the outage even the error could not be written; the dead letter still says what happened.
    expect(letter?.reason).toMatch(/^failed after retries/);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(0);

    const replay = await api(`/api/dead-letters/${encodeURIComponent(letter!.id)}/replay`, { method: "POST" });
    expect(replay.status).toBe(202);
    await waitProcessed(rawId);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
    const after = await (await api("/api/dead-letters")).json<{ deadLetters: { rawEventId: string }[] }>();
    expect(after.deadLetters.some((d) => d.rawEventId === rawId)).toBe(false);
  });

  it("GET /api/pipeline says how far behind ingestion is, and catches up when the event is processed", async () => {
    const order = indianOrder({ id: uniqueId(), cod: false });
    const rawId = await storeRaw(order);
    const oldest = Date.parse("2020-01-01T00:00:00Z");
    await env.DB.prepare(`UPDATE raw_events SET received_at = ? WHERE id = ?`).bind(oldest, rawId).run();
    const before = await (await api("/api/pipeline")).json<{ pending: number; oldestPendingAt: string | null; rawEvents: Record<string, number> }>();
    expect(before.pending).toBeGreaterThanOrEqual(1);
    expect(before.rawEvents.queued).toBeGreaterThanOrEqual(1);
    expect(before.oldestPendingAt).toBe("2020-01-01T00:00:00.000Z");

    await handleIngestBatch(createMessageBatch<IngestMessage>("switchyard-ingest", [message(rawId)]), env);
    const after = await (await api("/api/pipeline")).json<{ oldestPendingAt: string | null; rawEvents: Record<string, number> }>();
    expect(after.oldestPendingAt).not.toBe("2020-01-01T00:00:00.000Z");
    expect(after.rawEvents.processed).toBeGreaterThan(before.rawEvents.processed!);
    expect((await SELF.fetch("https://switchyard.test/api/pipeline")).status).toBe(401);
  });

  it("out-of-order permutations of create, paid and cancel end in the same state as time order", async () => {
    const t = (m: number) => new Date(Date.parse("2026-11-25T10:00:00Z") + m * 60_000).toISOString();
    const finals: string[] = [];
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      const id = uniqueId();
      const versions = [
        { topic: "orders/create", payload: indianOrder({ id, cod: false, financialStatus: "pending", createdAt: t(0), updatedAt: t(0) }) },
        { topic: "orders/paid", payload: indianOrder({ id, cod: false, financialStatus: "paid", createdAt: t(0), updatedAt: t(5) }) },
        { topic: "orders/cancelled", payload: indianOrder({ id, cod: false, financialStatus: "refunded", createdAt: t(0), updatedAt: t(9), cancelledAt: t(9) }) },
      ];
      for (const i of order) {
        const { id: raw } = await (await SELF.fetch(await shopifyRequest(versions[i]!))).json<{ id: string }>();
        await waitProcessed(raw);
      }
      const body = await (await api(`/api/orders/${id}`)).json<any>();
      finals.push(`${body.order.financialStatus}|${body.order.cancelledAt}|${body.journey.state}|${body.order.updatedAt}`);
    }
    expect(new Set(finals).size).toBe(1);
    expect(finals[0]).toBe(`refunded|${t(9)}|cancelled|${t(9)}`);
  }, 60_000);

  it("acknowledges a webhook from storage and enqueue alone, before any processing", async () => {
    const order = indianOrder();
    const started = Date.now();
    const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
    const elapsed = Date.now() - started;
    const { id } = await res.json<{ id: string }>();
    expect(res.status).toBe(200);
    // Acknowledged while the consumer has not touched it (its batch waits up to 1 s).
    const row = await env.DB.prepare(`SELECT status FROM raw_events WHERE id = ?`).bind(id).first<{ status: string }>();
    expect(row?.status).toBe("queued");
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(0);
    expect(elapsed).toBeLessThan(1000);
    await waitProcessed(id);
  });

  it("re-queues an accepted event whose queue send was lost, on the next sweep", async () => {
    const { requeueStuckRawEvents } = await import("../../src/db/raw-events");
    const order = indianOrder({ cod: false });
    const id = `shopify:orders/create:lost-send-${uniqueId()}`;
    await env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, 'shopify', ?, 'orders/create', ?, ?, 'received')`)
      .bind(id, id, Date.now() - 11 * 60_000, JSON.stringify(order))
      .run();
    expect(await requeueStuckRawEvents(env, Date.now())).toBeGreaterThanOrEqual(1);
    await waitProcessed(id);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
  });

  it("re-queues more stuck events than one queue batch can carry (more than 100)", async () => {
    const { requeueStuckRawEvents } = await import("../../src/db/raw-events");
    const customer = (await import("../fixtures/vendor/shopify/customers-create.json")).default;
    const base = uniqueId() * 1000;
    const ids = Array.from({ length: 130 }, (_, i) => `shopify:customers/update:stuck-${base + i}`);
    await env.DB.batch(
      ids.map((id, i) =>
        env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, 'shopify', ?, 'customers/update', ?, ?, 'queued')`)
          .bind(id, id, Date.now() - 20 * 60_000, JSON.stringify({ ...customer, id: base + i })),
      ),
    );
    expect(await requeueStuckRawEvents(env, Date.now())).toBeGreaterThanOrEqual(130);
    for (const id of ids) await waitProcessed(id, 20_000);
    expect(await count(`SELECT count(*) AS n FROM customers WHERE CAST(id AS INTEGER) BETWEEN ? AND ?`, base, base + 129)).toBe(130);
  });

  it("chunks a bulk write needing more than 100 bound parameters, against the runtime's D1", async () => {
    await env.DB.prepare(`CREATE TABLE IF NOT EXISTS bulk_probe (a TEXT, b INTEGER, c INTEGER, d TEXT, e TEXT)`).run();
    const tag = String(uniqueId());
    const rows = Array.from({ length: 450 }, (_, i) => [tag, i, i * 2, `d${i}`, `e${i}`]);
    // One statement for all rows would bind 2,250 parameters: D1 refuses that outright.
    await expect(env.DB.prepare(`INSERT INTO bulk_probe VALUES ${rows.map(() => "(?, ?, ?, ?, ?)").join(", ")}`).bind(...rows.flat()).run()).rejects.toThrow();
    const statements = chunkedInserts(env.DB, "bulk_probe", ["a", "b", "c", "d", "e"], rows);
    expect(statements).toHaveLength(23); // 20 rows × 5 columns = 100 parameters per statement
    await runBatches(env.DB, statements);
    expect(await count(`SELECT count(*) AS n FROM bulk_probe WHERE a = ?`, tag)).toBe(450);
  });

  it("a Durable Object alarm that throws twice still produces one effect", async () => {
    const id = uniqueId();
    const at = new Date(Date.now() - 50 * 3_600_000).toISOString();
    await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: indianOrder({ id, cod: false, createdAt: at, updatedAt: at, phone: "+919876500001" }) })).then((r) => r.json<{ id: string }>()).then((r) => waitProcessed(r.id));
    const stub = env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(String(id)));
    const settings = { stallHours: 36, codTimeoutHours: 24, postDeliverySteps: [] };
    const scanAt = Date.now() - 40 * 3_600_000;
    // Recorded while D1 is failing for this order, so the alarm's hook throws, twice.
    let failing = true;
    const broken = faultyEnv(() => (failing ? String(id) : null));
    await runInDurableObject(stub, async (instance, state) => {
      await state.storage.deleteAlarm();
      (instance as unknown as { env: Env }).env = broken;
      await instance.recordEvents(String(id), [{ id: "scan-1", at: scanAt, source: "delhivery", target: "in_transit", scan: { awb: `AWB${id}`, carrier: "delhivery", status: "in_transit", location: "Bhiwandi Hub", eta: null } }], settings).catch(() => undefined);
      await expect(instance.alarm()).rejects.toThrow(/injected/);
      await expect(instance.alarm()).rejects.toThrow(/injected/);
      failing = false;
      (instance as unknown as { env: Env }).env = env;
      await instance.alarm();
      await instance.alarm();
    });
    await runDurableObjectAlarm(stub);
    // The alarm hands the due timer to the jobs queue; its consumer runs the rules.
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM decisions WHERE type = 'delay_alert' AND subject_id = ?`, String(id))).toBe(1), { timeout: 10_000 });
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'whatsapp.template' AND decision_id IN (SELECT id FROM decisions WHERE type = 'delay_alert')`, String(id))).toBe(1);
    await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());
  });
});

describe("no one in who doesn't belong", () => {
  it("rate-limits a client past its per-minute allowance with 429 and stores nothing", async () => {
    const limited = { ...env, WEBHOOK_RATE_LIMIT_PER_MINUTE: "5" } as unknown as Env;
    const ip = `203.0.113.${uniqueId() % 250}`;
    const statuses: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const order = indianOrder({ cod: false });
      ids.push(order.id as number);
      const req = await shopifyRequest({ topic: "orders/create", payload: order });
      req.headers.set("cf-connecting-ip", ip);
      const res = await app.fetch(req, limited, createExecutionContext());
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE body LIKE ?`, `%"id":${ids[6]},%`)).toBe(0);
    // Another client is not affected.
    const other = await shopifyRequest({ topic: "orders/create", payload: indianOrder({ cod: false }) });
    other.headers.set("cf-connecting-ip", "198.51.100.7");
    expect((await app.fetch(other, limited, createExecutionContext())).status).toBe(200);
  });

  it("logs no personal data while ingesting an order", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const email = `private-${uniqueId()}@example.in`;
    const order = indianOrder({ email, phone: "+919812300077", note: "Flat 9C, Indiranagar" });
    const { id } = await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }))).json<{ id: string }>();
    await waitProcessed(id);
    await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: { ...order, name: undefined, email } }));
    const logged = lines.join("\n");
    for (const needle of [email, "9812300077", "Riya", "Sharma", "Indiranagar", "Flat 9C"]) expect(logged).not.toContain(needle);
  });

  it("serves the worker's default export with the same app", async () => {
    const res = await worker.fetch!(new Request("https://switchyard.test/health"), env, createExecutionContext());
    expect(res.status).toBe(200);
  });
});
