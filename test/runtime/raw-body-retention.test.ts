/**
 * Raw-body retention (src/jobs/prune-raw-bodies.ts) against real D1: processed bodies older than
 * the window are blanked, a page budget at a time behind a cursor in kv; everything still in flight
 * or dead keeps its body; nothing that reads raw events breaks on a blank one.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker";
import { CRONS } from "../../src/bindings";
import { kvGet, kvKeys, kvPut } from "../../src/db/kv";
import { sourceHealth } from "../../src/db/health";
import { loadAnomalyContext } from "../../src/db/anomaly-inputs";
import { pipelineStatus } from "../../src/db/raw-events";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { handleIngestDeadLetters, type IngestMessage } from "../../src/queues/ingest";
import { pruneRawBodies, type PruneRun } from "../../src/jobs/prune-raw-bodies";
import { api, count } from "../helpers/runtime";
import { uniqueId } from "../helpers/shopify";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Each test works in its own era, far from every other test's rows, and starts the job's cursor at
 * the era's beginning: the cursor is one per database, and storage is shared within this file.
 */
let eras = 0;
async function era(): Promise<number> {
  const start = Date.UTC(2001, 0, 1) + ++eras * 1000 * DAY;
  await kvPut(env.DB, kvKeys.rawBodyPruneCursor(), JSON.stringify({ at: start - 1, rowid: 0 }), Date.now());
  return start;
}

/** A Shopify order body of about 5 KB, the size docs/benchmarks.md measured. */
const orderBody = (n: number) => JSON.stringify({ id: n, note: "x".repeat(5000) });

type Seed = { status: "received" | "queued" | "processed" | "dead"; receivedAt: number; source?: string };

async function seed(rows: Seed[]): Promise<string[]> {
  const ids = rows.map(() => `shopify:orders/create:retention-${uniqueId()}`);
  await env.DB.batch(
    rows.map((r, i) =>
      env.DB.prepare(
        `INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status, attempts, processed_at)
         VALUES (?, ?, ?, 'orders/create', ?, ?, ?, ?, 1, ?)`,
      ).bind(ids[i], r.source ?? "shopify", ids[i], r.receivedAt, r.receivedAt - 1000, orderBody(i), r.status, r.status === "processed" ? r.receivedAt + 500 : null),
    ),
  );
  return ids;
}

async function bodyOf(id: string): Promise<string | undefined> {
  return (await env.DB.prepare(`SELECT body FROM raw_events WHERE id = ?`).bind(id).first<{ body: string }>())?.body;
}

/**
 * The real D1 binding, counting what the job sends: each `db.batch` and each statement run alone is
 * one round trip; rows read and written are summed from D1's own `meta` of every result.
 */
function countingDb(db: D1Database) {
  const seen = { roundTrips: 0, batches: 0, rowsRead: 0, rowsWritten: 0 };
  const real = new WeakMap<object, D1PreparedStatement>();
  const add = (r: D1Result | null | undefined) => {
    seen.rowsRead += r?.meta?.rows_read ?? 0;
    seen.rowsWritten += r?.meta?.rows_written ?? 0;
  };
  const wrap = (st: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(st, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (prop === "run" || prop === "all") {
          return async () => {
            seen.roundTrips++;
            const r = await target[prop]();
            add(r as D1Result);
            return r;
          };
        }
        if (prop === "first" || prop === "raw") {
          return async (...args: unknown[]) => {
            seen.roundTrips++;
            // first()/raw() carry no meta: read the same statement's meta with all() instead (same rows).
            const r = await target.all();
            add(r);
            return (target[prop] as (...a: unknown[]) => unknown).call(target, ...args);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    real.set(proxy, st);
    return proxy;
  };
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          seen.roundTrips++;
          seen.batches++;
          const results = await target.batch(statements.map((s) => real.get(s) ?? s));
          results.forEach(add);
          return results;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { db: counted, seen };
}

describe("raw-body retention", () => {
  it("blanks processed bodies received before the window; younger ones and received, queued and dead ones keep theirs", async () => {
    const start = await era();
    const now = start + 40 * DAY; // 30-day window: cutoff at start + 10 days
    const [old1, old2, old3] = await seed([0, 1, 2].map((d) => ({ status: "processed", receivedAt: start + d * DAY })));
    const [justInside, young] = await seed([
      { status: "processed", receivedAt: start + 10 * DAY },
      { status: "processed", receivedAt: start + 20 * DAY },
    ]);
    const [received, queued, dead] = await seed([
      { status: "received", receivedAt: start + 3 * HOUR },
      { status: "queued", receivedAt: start + 4 * HOUR },
      { status: "dead", receivedAt: start + 5 * HOUR },
    ]);
    const before = await env.DB.prepare(`SELECT id, source, topic, received_at, status, processed_at FROM raw_events WHERE id LIKE 'shopify:orders/create:retention-%' ORDER BY id`).all();

    const run = await pruneRawBodies(env.DB, now, { retentionDays: 30 });

    expect(run).toMatchObject({ cutoff: start + 10 * DAY, blanked: 3, scanned: 3, complete: true });
    for (const id of [old1!, old2!, old3!]) expect(await bodyOf(id)).toBe("");
    for (const [i, id] of [justInside!, young!].entries()) expect(await bodyOf(id)).toBe(orderBody(i));
    for (const [i, id] of [received!, queued!, dead!].entries()) expect(await bodyOf(id)).toBe(orderBody(i));
    // Only the body changed: the rows, their status and times are all still there.
    const after = await env.DB.prepare(`SELECT id, source, topic, received_at, status, processed_at FROM raw_events WHERE id LIKE 'shopify:orders/create:retention-%' ORDER BY id`).all();
    expect(after.results).toEqual(before.results);
    // The cursor stands on the last row it blanked.
    const cursor = JSON.parse((await kvGet(env.DB, kvKeys.rawBodyPruneCursor()))!) as { at: number };
    expect(cursor.at).toBe(start + 2 * DAY);
  });

  it("stops at its page budget, the next run continues from the cursor, and a run with nothing new writes no row and reads only past the cursor", async () => {
    const start = await era();
    const now = start + 40 * DAY;
    // 25 processed rows, two of them in the same millisecond (the cursor's rowid tie-break).
    const ids = await seed(Array.from({ length: 25 }, (_, i) => ({ status: "processed" as const, receivedAt: start + Math.max(0, i - 1) * 60_000 })));

    const first = countingDb(env.DB);
    const run1 = await pruneRawBodies(first.db, now, { retentionDays: 30, pageRows: 10, maxPages: 2 });
    expect(run1).toMatchObject({ pages: 2, blanked: 20, scanned: 20, complete: false });
    // One round trip per page (a db.batch), plus reading the cursor and writing the last one.
    expect(first.seen).toMatchObject({ batches: 2, roundTrips: 4 });
    const blankAfter1 = (await Promise.all(ids.map(bodyOf))).map((b) => b === "");
    expect(blankAfter1.filter(Boolean)).toHaveLength(20);
    expect(blankAfter1.slice(0, 20).every(Boolean)).toBe(true); // oldest first

    const second = countingDb(env.DB);
    const run2 = await pruneRawBodies(second.db, now, { retentionDays: 30, pageRows: 10, maxPages: 2 });
    expect(run2).toMatchObject({ pages: 1, blanked: 5, scanned: 5, complete: true });
    expect(second.seen).toMatchObject({ batches: 1, roundTrips: 3 });
    for (const id of ids) expect(await bodyOf(id)).toBe("");

    const cursorBefore = await kvGet(env.DB, kvKeys.rawBodyPruneCursor());
    const third = countingDb(env.DB);
    const run3 = await pruneRawBodies(third.db, now + HOUR, { retentionDays: 30, pageRows: 10, maxPages: 2 });
    expect(run3).toMatchObject({ pages: 1, blanked: 0, scanned: 0, complete: true });
    // Nothing new: no row written (the cursor is not rewritten either), and the 25 rows behind the
    // cursor are not read again (D1's rows_read: the cursor, a few index probes, the dead letters).
    expect(third.seen.rowsWritten).toBe(0);
    expect(third.seen.rowsRead).toBeLessThan(20);
    expect(third.seen).toMatchObject({ batches: 1, roundTrips: 2 });
    expect(await kvGet(env.DB, kvKeys.rawBodyPruneCursor())).toBe(cursorBefore);
  });

  it("measures a default run: 2,500 processed 5 KB bodies in pages of 1,000, one round trip a page, and the database shrinks", async () => {
    const start = await era();
    const now = start + 40 * DAY;
    const tag = `retention-bulk-${uniqueId()}`;
    const dbSize = async () => (await env.DB.prepare(`SELECT 1`).run()).meta.size_after;
    const s0 = await dbSize();
    // Inserted in SQL (one statement) rather than 2,500 bound inserts; ids as long as a real delivery's
    // (`shopify:<topic>:<uuid>`), the three times set as the consumer leaves them.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2499)
       INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status, attempts, processed_at)
       SELECT 'shopify:orders/updated:' || d, 'shopify', d, 'orders/updated', ?2 + i * 1000, ?2 + i * 1000 - 300, replace(hex(zeroblob(2500)), '0', 'x'), 'processed', 1, ?2 + i * 1000 + 900
       FROM (SELECT i, ?1 || '-' || lower(hex(randomblob(8))) AS d FROM n)`,
    )
      .bind(tag, start)
      .run();
    const s1 = await dbSize();
    const full = await env.DB.prepare(`SELECT sum(length(body)) AS bytes FROM raw_events WHERE delivery_id LIKE ?`).bind(`${tag}-%`).first<{ bytes: number }>();
    expect(full?.bytes).toBe(2500 * 5000);

    const counted = countingDb(env.DB);
    const t0 = Date.now();
    const run: PruneRun = await pruneRawBodies(counted.db, now, { retentionDays: 30 });
    const ms = Date.now() - t0;
    const s2 = await dbSize();
    expect(run).toMatchObject({ pages: 3, blanked: 2500, scanned: 2500, complete: true });
    // One db.batch a page (3), the cursor read and the last cursor write.
    expect(counted.seen).toMatchObject({ batches: 3, roundTrips: 5 });
    // A body blanked is one row written (body is in no index); plus the cursor's writes.
    expect(counted.seen.rowsWritten).toBe(2500 + 3);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM raw_events WHERE delivery_id LIKE ? AND body <> ''`).bind(`${tag}-%`).first<{ n: number }>()).toEqual({ n: 0 });
    // The local D1 gives the space back (size_after, D1's own figure): most of 12.5 MB of bodies.
    expect(s1 - s2).toBeGreaterThan(2500 * 3000);
    console.log(
      JSON.stringify({
        measured: "raw_body_prune",
        rows: run.blanked,
        pages: run.pages,
        roundTrips: counted.seen.roundTrips,
        roundTripsPerPage: counted.seen.batches / run.pages,
        rowsRead: counted.seen.rowsRead,
        rowsWritten: counted.seen.rowsWritten,
        ms,
        bytesPerRowWithBody: (s1 - s0) / 2500,
        bytesPerRowPruned: (s2 - s0) / 2500,
      }),
    );
  }, 60_000);

  it("a dead event the cursor passed, replayed and processed later, is blanked by the next run; one still dead keeps its body", async () => {
    const start = await era();
    const now = start + 40 * DAY;
    const [replayed, stillDead] = await seed([
      { status: "dead", receivedAt: start + HOUR },
      { status: "dead", receivedAt: start + 2 * HOUR },
    ]);
    const [processed] = await seed([{ status: "processed", receivedAt: start + 3 * HOUR }]);
    for (const id of [replayed!, stillDead!]) {
      await env.DB.prepare(`INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, body, received_at) VALUES (?, ?, 'shopify', 'orders/create', 'mapper bug', NULL, ?)`)
        .bind(`dl:${id}`, id, start)
        .run();
    }
    const run1 = await pruneRawBodies(env.DB, now, { retentionDays: 30 });
    expect(run1).toMatchObject({ blanked: 1, blankedReplayed: 0 });
    expect(await bodyOf(processed!)).toBe("");
    expect(await bodyOf(replayed!)).toBe(orderBody(0));

    // Ops replay the first after the mapper fix; the consumer processes it (the cursor is already past it).
    await env.DB.batch([
      env.DB.prepare(`UPDATE dead_letters SET replayed_at = ? WHERE id = ?`).bind(now + HOUR, `dl:${replayed}`),
      env.DB.prepare(`UPDATE raw_events SET status = 'processed', processed_at = ? WHERE id = ?`).bind(now + HOUR + 5000, replayed),
    ]);
    const run2 = await pruneRawBodies(env.DB, now + 2 * HOUR, { retentionDays: 30 });
    expect(run2).toMatchObject({ blanked: 0, blankedReplayed: 1 });
    expect(await bodyOf(replayed!)).toBe("");
    expect(await bodyOf(stillDead!)).toBe(orderBody(1));
  });

  it("a dead letter whose event was processed since (and pruned) is not replayed again: 409, and the event stays processed", async () => {
    const [id] = await seed([{ status: "processed", receivedAt: Date.now() - 40 * DAY }]);
    await env.DB.batch([
      env.DB.prepare(`UPDATE raw_events SET body = '' WHERE id = ?`).bind(id),
      env.DB.prepare(`INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, received_at, replayed_at) VALUES (?, ?, 'shopify', 'orders/create', 'mapper bug', ?, ?)`).bind(
        `dl:${id}`,
        id,
        Date.now() - 40 * DAY,
        Date.now() - 39 * DAY,
      ),
    ]);
    const res = await api(`/api/dead-letters/${encodeURIComponent(`dl:${id}`)}/replay`, { method: "POST" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("processed") });
    const row = await env.DB.prepare(`SELECT status, body FROM raw_events WHERE id = ?`).bind(id).first<{ status: string; body: string }>();
    expect(row).toEqual({ status: "processed", body: "" });

    // A message of that event that somehow exhausted its retries does not turn it dead either.
    const batch = createMessageBatch<IngestMessage>("switchyard-ingest-dlq", [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { rawEventId: id! } }]);
    await handleIngestDeadLetters(batch, env);
    expect(await env.DB.prepare(`SELECT status FROM raw_events WHERE id = ?`).bind(id).first()).toEqual({ status: "processed" });
    // It is acked with nothing recorded: no second dead letter for an event that was processed.
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE raw_event_id = ?`, id)).toBe(1);
  });

  it("a pruned raw event still counts in the health panel, the anomaly check's source hours and the pipeline status", async () => {
    const now = Date.now();
    await kvPut(env.DB, kvKeys.rawBodyPruneCursor(), JSON.stringify({ at: now - 9 * DAY, rowid: 0 }), now);
    const ids = await seed([2, 3, 4].map((d) => ({ status: "processed" as const, receivedAt: now - d * DAY, source: "shiprocket" })));
    const shiprocket = async () => {
      const health = (await sourceHealth(env.DB, now)).find((s) => s.source === "shiprocket");
      const anomaly = (await loadAnomalyContext(env.DB, DEFAULT_POLICY, now)).sources.find((s) => s.source === "shiprocket");
      return { health, anomaly, pipeline: (await pipelineStatus(env.DB)).rawEvents };
    };
    const before = await shiprocket();
    expect(before.health!.normalPerHour * 168).toBeGreaterThanOrEqual(3);
    expect(before.anomaly!.hourlyEvents.reduce((n, h) => n + h.n, 0)).toBeGreaterThanOrEqual(3);

    const run = await pruneRawBodies(env.DB, now, { retentionDays: 1 });
    expect(run.blanked).toBeGreaterThanOrEqual(3);
    for (const id of ids) expect(await bodyOf(id)).toBe("");

    expect(await shiprocket()).toEqual(before);
  });

  it("runs on the hourly cron with the configured window (30 days by default)", async () => {
    const now = Date.now();
    await kvPut(env.DB, kvKeys.rawBodyPruneCursor(), JSON.stringify({ at: now - 45 * DAY, rowid: 0 }), now);
    const [old, young] = await seed([
      { status: "processed", receivedAt: now - 31 * DAY },
      { status: "processed", receivedAt: now - 29 * DAY },
    ]);
    expect(env.RAW_BODY_RETENTION_DAYS).toBe("30");
    const ctrl = createScheduledController({ cron: CRONS.hourly, scheduledTime: now });
    await worker.scheduled(ctrl, env, { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext);
    expect(await bodyOf(old!)).toBe("");
    expect(await bodyOf(young!)).toBe(orderBody(1));
  }, 60_000);
});
