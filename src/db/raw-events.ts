/** Raw event and dead-letter storage: the ingest path's only writes. */
import { slices } from "./bulk";

export interface RawEventInput {
  source: string;
  deliveryId: string;
  topic: string;
  triggeredAt: number | null;
  body: string;
  receivedAt: number;
}

export interface RawEventRow {
  id: string;
  source: string;
  deliveryId: string;
  topic: string;
  receivedAt: number;
  triggeredAt: number | null;
  body: string;
  status: string;
  attempts: number;
  error: string | null;
}

export function rawEventId(source: string, deliveryId: string): string {
  return `${source}:${deliveryId}`;
}

/**
 * Inserts once per (source, delivery id) as `queued`; concurrent duplicates race on the primary
 * key and one wins. One D1 write on the webhook's hot path.
 */
export async function insertRawEvent(db: D1Database, e: RawEventInput): Promise<{ id: string; inserted: boolean; status: string }> {
  const id = rawEventId(e.source, e.deliveryId);
  const inserted = await db
    .prepare(
      `INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status, attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0) ON CONFLICT DO NOTHING RETURNING status`,
    )
    .bind(id, e.source, e.deliveryId, e.topic, e.receivedAt, e.triggeredAt, e.body)
    .first<{ status: string }>();
  if (inserted) return { id, inserted: true, status: inserted.status };
  const existing = await db.prepare(`SELECT status FROM raw_events WHERE id = ?`).bind(id).first<{ status: string }>();
  return { id, inserted: false, status: existing?.status ?? "queued" };
}

/**
 * Stores a raw event once and puts its id on the ingest queue. If the send fails, the row is
 * marked `received` so the sender's retry (or the sweep) queues it again: nothing accepted is lost.
 */
export async function storeAndEnqueue(env: Env, e: RawEventInput): Promise<{ id: string; inserted: boolean }> {
  const stored = await insertRawEvent(env.DB, e);
  if (!stored.inserted && stored.status !== "received") return stored;
  try {
    await env.INGEST.send({ rawEventId: stored.id });
  } catch (err) {
    await env.DB.prepare(`UPDATE raw_events SET status = 'received' WHERE id = ? AND status = 'queued'`).bind(stored.id).run().catch(() => undefined);
    throw err;
  }
  if (!stored.inserted) await env.DB.prepare(`UPDATE raw_events SET status = 'queued' WHERE id = ? AND status = 'received'`).bind(stored.id).run();
  return stored;
}

/** Raw events accepted but not processed after `olderThanMs` (a lost send, a crashed consumer) go back on the queue. */
export async function requeueStuckRawEvents(env: Env, now: number, olderThanMs = 10 * 60_000): Promise<number> {
  const { results } = await env.DB.prepare(`SELECT id FROM raw_events WHERE status IN ('received', 'queued') AND received_at <= ? ORDER BY received_at LIMIT 500`)
    .bind(now - olderThanMs)
    .all<{ id: string }>();
  // Queues take at most 100 messages per sendBatch.
  for (let i = 0; i < results.length; i += 100) {
    await env.INGEST.sendBatch(results.slice(i, i + 100).map((r) => ({ body: { rawEventId: r.id } })));
  }
  return results.length;
}

const RAW_EVENT_COLUMNS = `id, source, delivery_id AS deliveryId, topic, received_at AS receivedAt, triggered_at AS triggeredAt,
              body, status, attempts, error`;

export async function loadRawEvent(db: D1Database, id: string): Promise<RawEventRow | null> {
  return db.prepare(`SELECT ${RAW_EVENT_COLUMNS} FROM raw_events WHERE id = ?`).bind(id).first<RawEventRow>();
}

/** Many raw events in one round trip (a queue batch's worth), keyed by id; missing ids are absent. */
export async function loadRawEvents(db: D1Database, ids: readonly string[]): Promise<Map<string, RawEventRow>> {
  const statements = slices([...new Set(ids)]).map((slice) =>
    db.prepare(`SELECT ${RAW_EVENT_COLUMNS} FROM raw_events WHERE id IN (${slice.map(() => "?").join(", ")})`).bind(...slice),
  );
  const results = statements.length ? await db.batch<RawEventRow>(statements) : [];
  return new Map(results.flatMap((r) => r.results).map((row) => [row.id, row]));
}

export async function markProcessed(db: D1Database, id: string, now: number): Promise<void> {
  await markProcessedMany(db, [id], now);
}

/** Marks events processed in one round trip. */
export async function markProcessedMany(db: D1Database, ids: readonly string[], now: number): Promise<void> {
  const statements = slices([...new Set(ids)]).map((slice) =>
    db.prepare(`UPDATE raw_events SET status = 'processed', processed_at = ?, error = NULL WHERE id IN (${slice.map(() => "?").join(", ")})`).bind(now, ...slice),
  );
  if (statements.length) await db.batch(statements);
}

export async function markFailedAttempt(db: D1Database, id: string, error: string): Promise<void> {
  await db.prepare(`UPDATE raw_events SET attempts = attempts + 1, error = ? WHERE id = ?`).bind(error.slice(0, 500), id).run();
}

/** A processed event stays processed (its body may be blanked already, src/jobs/prune-raw-bodies.ts): only unfinished work dies. */
export async function markDead(db: D1Database, id: string, reason: string): Promise<void> {
  await db.prepare(`UPDATE raw_events SET status = 'dead', error = ? WHERE id = ? AND status <> 'processed'`).bind(reason.slice(0, 500), id).run();
}

export interface DeadLetterInput {
  source: string;
  topic: string | null;
  reason: string;
  body: string | null;
  receivedAt: number;
  rawEventId?: string | null;
  deliveryId?: string | null;
}

/** One dead letter per raw event (or per rejected delivery); recording it twice changes nothing. */
export async function recordDeadLetter(db: D1Database, d: DeadLetterInput): Promise<string> {
  const id = d.rawEventId
    ? `dl:${d.rawEventId}`
    : d.deliveryId
      ? `dl:${d.source}:${d.deliveryId}`
      : `dl:${crypto.randomUUID()}`;
  await db
    .prepare(
      `INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, replayed_at = NULL`,
    )
    .bind(id, d.rawEventId ?? null, d.source, d.topic, d.reason.slice(0, 1000), d.body, d.receivedAt)
    .run();
  return id;
}

export interface DeadLetterRow {
  id: string;
  source: string;
  topic: string | null;
  reason: string;
  receivedAt: number;
  rawEventId: string | null;
  replayedAt: number | null;
}

export async function listDeadLetters(db: D1Database, limit = 100): Promise<DeadLetterRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, source, topic, reason, received_at AS receivedAt, raw_event_id AS rawEventId, replayed_at AS replayedAt
       FROM dead_letters WHERE replayed_at IS NULL ORDER BY received_at DESC LIMIT ?`,
    )
    .bind(limit)
    .all<DeadLetterRow>();
  return results;
}

export interface PipelineStatus {
  /** Raw events by status: received (send failed, the sweep re-queues), queued, processed, dead. */
  rawEvents: Record<"received" | "queued" | "processed" | "dead", number>;
  /** Accepted and not yet processed. */
  pending: number;
  /** When the oldest pending event arrived (ISO), or null: how far behind the consumer is. */
  oldestPendingAt: string | null;
  deadLetters: { total: number; unreplayed: number };
  /** Outbox actions by status. */
  actions: Record<string, number>;
}

/** Whether ingestion keeps up: what `npm run simulate` waits on and what an on-call engineer asks first. */
export async function pipelineStatus(db: D1Database): Promise<PipelineStatus> {
  const [byStatus, oldest, dead, actions] = (await db.batch([
    db.prepare(`SELECT status, count(*) AS n FROM raw_events GROUP BY status`),
    db.prepare(`SELECT min(received_at) AS at FROM raw_events WHERE status IN ('received', 'queued')`),
    db.prepare(`SELECT count(*) AS total, count(*) FILTER (WHERE replayed_at IS NULL) AS unreplayed FROM dead_letters`),
    db.prepare(`SELECT status, count(*) AS n FROM actions GROUP BY status`),
  ])) as [D1Result, D1Result, D1Result, D1Result];
  const rawEvents = { received: 0, queued: 0, processed: 0, dead: 0 };
  for (const r of byStatus.results as { status: keyof typeof rawEvents; n: number }[]) rawEvents[r.status] = r.n;
  const at = (oldest.results[0] as { at: number | null } | undefined)?.at ?? null;
  const d = (dead.results[0] as { total: number; unreplayed: number } | undefined) ?? { total: 0, unreplayed: 0 };
  return {
    rawEvents,
    pending: rawEvents.received + rawEvents.queued,
    oldestPendingAt: at === null ? null : new Date(at).toISOString(),
    deadLetters: { total: d.total, unreplayed: d.unreplayed },
    actions: Object.fromEntries((actions.results as { status: string; n: number }[]).map((r) => [r.status, r.n])),
  };
}

/**
 * The raw event behind a dead letter (null rawEventId: it was refused at the door and never stored),
 * and that event's status (null: not stored).
 */
export function deadLetterRawEvent(db: D1Database, id: string): Promise<{ rawEventId: string | null; rawStatus: string | null } | null> {
  return db
    .prepare(`SELECT d.raw_event_id AS rawEventId, r.status AS rawStatus FROM dead_letters d LEFT JOIN raw_events r ON r.id = d.raw_event_id WHERE d.id = ?`)
    .bind(id)
    .first<{ rawEventId: string | null; rawStatus: string | null }>();
}

/** Puts a dead letter's raw event back in the queue's hands and stamps the dead letter replayed. */
export async function markReplayed(db: D1Database, id: string, rawEventId: string, now: number): Promise<void> {
  await db.batch([
    // A processed event is never re-queued: its effects are in, and its body may be blanked by now.
    db.prepare(`UPDATE raw_events SET status = 'queued', error = NULL WHERE id = ? AND status <> 'processed'`).bind(rawEventId),
    db.prepare(`UPDATE dead_letters SET replayed_at = ? WHERE id = ?`).bind(now, id),
  ]);
}

/**
 * Accepted-but-unprocessed raw event ids in arrival order after `after` (a cursor): sends that
 * failed (`received`) arrived before `receivedBefore`, or queued ones arrived before `queuedBefore`.
 */
export async function pendingRawEventIds(
  db: D1Database,
  o: { receivedBefore: number; queuedBefore: number; after: { at: number; id: string } | null; limit: number },
): Promise<{ id: string; receivedAt: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT id, received_at AS receivedAt FROM raw_events
       WHERE ((status = 'received' AND received_at <= ?) OR (status = 'queued' AND received_at <= ?))
         AND (received_at > ? OR (received_at = ? AND id > ?))
       ORDER BY received_at, id LIMIT ?`,
    )
    .bind(o.receivedBefore, o.queuedBefore, o.after?.at ?? -1, o.after?.at ?? -1, o.after?.id ?? "", o.limit)
    .all<{ id: string; receivedAt: number }>();
  return results;
}
