/** Integration health and the live overview's change check: per source, the last event, events last hour vs normal, refused deliveries. */
import { WEBHOOK_SOURCES } from "./anomaly-inputs";
import { kvKeys } from "./kv";

const HOUR_MS = 3_600_000;

export interface SourceHealth {
  source: string;
  lastEventAt: number | null;
  lastHour: number;
  /** Mean events per hour over the 7 days before the last hour. */
  normalPerHour: number;
  /** Deliveries refused (401) in this clock hour and the previous one. */
  verificationFailures: number;
}

/** One batch, three index lookups per source (raw_events_source_received), and the 401 counters. */
export async function sourceHealth(db: D1Database, now: number): Promise<SourceHealth[]> {
  const hourNow = Math.floor(now / HOUR_MS) * HOUR_MS;
  const keys = WEBHOOK_SOURCES.flatMap((s) => [kvKeys.webhookAuthFailures(s, hourNow), kvKeys.webhookAuthFailures(s, hourNow - HOUR_MS)]);
  const results = (await db.batch([
    ...WEBHOOK_SOURCES.map((s) =>
      db
        .prepare(
          `SELECT (SELECT max(received_at) FROM raw_events WHERE source = ?1) AS lastAt,
                  (SELECT count(*) FROM raw_events WHERE source = ?1 AND received_at >= ?2) AS lastHour,
                  (SELECT count(*) FROM raw_events WHERE source = ?1 AND received_at >= ?3 AND received_at < ?2) AS week`,
        )
        .bind(s, now - HOUR_MS, now - 169 * HOUR_MS),
    ),
    db.prepare(`SELECT key, value FROM kv WHERE key IN (${keys.map(() => "?").join(",")})`).bind(...keys),
  ])) as D1Result<Record<string, unknown>>[];
  const failures = new Map((results[WEBHOOK_SOURCES.length]!.results as { key: string; value: string }[]).map((r) => [r.key, Number(r.value)]));
  return WEBHOOK_SOURCES.map((source, i) => {
    const r = results[i]!.results[0] as { lastAt: number | null; lastHour: number; week: number };
    return {
      source,
      lastEventAt: r.lastAt,
      lastHour: r.lastHour,
      normalPerHour: r.week / 168,
      verificationFailures: (failures.get(kvKeys.webhookAuthFailures(source, hourNow)) ?? 0) + (failures.get(kvKeys.webhookAuthFailures(source, hourNow - HOUR_MS)) ?? 0),
    };
  });
}

/**
 * What the overview shows changes when any of these move: a raw event arrives, a decision is made or
 * reviewed, an action changes state. Each is an O(1) read (rowid, or an index's last entry).
 */
export async function overviewFingerprint(db: D1Database, now: number): Promise<string> {
  const r = await db
    .prepare(
      `SELECT (SELECT max(rowid) FROM raw_events) AS e, (SELECT max(rowid) FROM decisions) AS d, (SELECT max(rowid) FROM decision_reviews) AS r,
              (SELECT max(updated_at) FROM actions) AS a,
              (SELECT count(*) FROM decisions WHERE review_status = 'waiting' AND (review_until IS NULL OR review_until <= ?)) AS w`,
    )
    .bind(now)
    .first<Record<string, number | null>>();
  return [r?.e, r?.d, r?.r, r?.a, r?.w].map((v) => v ?? 0).join("-");
}
