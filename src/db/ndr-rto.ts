/**
 * NDR cases and RTO shipments (migration 0010): written as journeys move (pipeline/ndr-rto.ts),
 * read by the dashboard's RTO panel. Every read is a range over an index on its own time column
 * (a few weeks), never a scan of the shipment log.
 */
import type { CarrierPlatform } from "../decisions/context";
import type { RtoCountRow } from "../decisions/rto-cost";

/** The platform whose NDR API acts on an AWB: the source of its latest carrier scan (Shopify's own fulfilment events act on nothing). */
export async function shipmentPlatform(db: D1Database, awb: string): Promise<CarrierPlatform | null> {
  const row = await db
    .prepare(`SELECT source FROM shipment_events WHERE awb = ? AND source IN ('shiprocket', 'delhivery') ORDER BY occurred_at DESC LIMIT 1`)
    .bind(awb)
    .first<{ source: CarrierPlatform }>();
  return row?.source ?? null;
}

export async function openNdrCase(db: D1Database, c: { orderId: string; awb: string; carrier: string | null; failedAt: number; attempts: number }, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO ndr_cases (order_id, awb, carrier, first_failed_at, attempts, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id, awb) DO UPDATE SET first_failed_at = min(first_failed_at, excluded.first_failed_at), attempts = max(attempts, excluded.attempts), updated_at = excluded.updated_at`,
    )
    .bind(c.orderId, c.awb, c.carrier, c.failedAt, c.attempts, now)
    .run();
}

/** The customer's answer (the first one counts: later messages about the same case do not rewrite it). */
export async function recordNdrAnswer(db: D1Database, orderId: string, awb: string, answer: "reattempt" | "return", at: number, now: number): Promise<void> {
  await db.prepare(`UPDATE ndr_cases SET answer = coalesce(answer, ?), answered_at = coalesce(answered_at, ?), updated_at = ? WHERE order_id = ? AND awb = ?`).bind(answer, at, now, orderId, awb).run();
}

/** What the no-answer default asked of the carrier; a later default (the return after a re-attempt) replaces the earlier. */
export async function recordNdrDefault(db: D1Database, orderId: string, awb: string, action: "re-attempt" | "return", at: number): Promise<void> {
  await db.prepare(`UPDATE ndr_cases SET default_action = ?, default_at = ?, updated_at = ? WHERE order_id = ? AND awb = ?`).bind(action, at, at, orderId, awb).run();
}

/** How an open case ended; an ended case stays as it ended. */
export async function closeNdrCase(db: D1Database, orderId: string, outcome: "delivered" | "rto", at: number, now: number): Promise<void> {
  await db.prepare(`UPDATE ndr_cases SET outcome = ?, outcome_at = ?, updated_at = ? WHERE order_id = ? AND outcome IS NULL`).bind(outcome, at, now, orderId).run();
}

/** A shipment on its way back (or, when no RTO scan came first, already back); the destination prefix and payment method come from the order. */
export async function recordRto(db: D1Database, r: { orderId: string; awb: string; carrier: string; at: number; received: boolean }, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO rto_shipments (order_id, awb, carrier, pincode_prefix, payment_method, initiated_at, received_at, updated_at)
       SELECT ?1, ?2, ?3, substr(o.shipping_pincode, 1, 3), o.payment_method, ?4, ?5, ?6 FROM (SELECT 1) LEFT JOIN orders o ON o.id = ?1 WHERE true
       ON CONFLICT (order_id, awb) DO UPDATE SET initiated_at = min(initiated_at, excluded.initiated_at), received_at = coalesce(received_at, excluded.received_at), updated_at = excluded.updated_at`,
    )
    .bind(r.orderId, r.awb, r.carrier, r.at, r.received ? r.at : null, now)
    .run();
}

export interface NdrCaseCounts {
  cases: number;
  delivered: number;
  rto: number;
  open: number;
  /** Cases the customer answered, and how many of those were delivered. */
  answered: number;
  answeredDelivered: number;
  /** Cases the no-answer default acted on, and how many of those were delivered. */
  defaulted: number;
  defaultedDelivered: number;
}

export interface RtoPanelRows {
  /** RTO shipments since `since`, by week (0 = the oldest week), carrier and destination prefix. */
  rtos: RtoCountRow[];
  /** RTO shipments received back at the warehouse since `since`. */
  received: number;
  /** COD orders cancelled before anything shipped, after the COD confirmation asked, by week. */
  codCancelledByWeek: { week: number; n: number }[];
  ndr: NdrCaseCounts;
}

/** Whole weeks (bound parameters may arrive as REAL, so the week index is cast back to an integer). */
const WEEK_MS = 7 * 86_400_000;

/** Everything the RTO panel shows, in one batch of index range reads over `weeks` weeks from `since`. */
export async function loadRtoPanelRows(db: D1Database, since: number): Promise<RtoPanelRows> {
  const [rtos, received, cancelled, ndr] = (await db.batch([
    db
      .prepare(
        `SELECT CAST((initiated_at - ?1) / ${WEEK_MS} AS INTEGER) AS week, carrier, coalesce(pincode_prefix, '') AS prefix, count(*) AS n
         FROM rto_shipments WHERE initiated_at >= ?1 GROUP BY week, carrier, prefix`,
      )
      .bind(since),
    db.prepare(`SELECT count(*) AS n FROM rto_shipments WHERE initiated_at >= ? AND received_at IS NOT NULL`).bind(since),
    // The question went out (a cod_confirmation request decision) and the order was cancelled with no carrier scan.
    db
      .prepare(
        `SELECT CAST((o.cancelled_at - ?1) / ${WEEK_MS} AS INTEGER) AS week, count(*) AS n
         FROM decisions d JOIN orders o ON o.id = d.subject_id
         WHERE d.type = 'cod_confirmation' AND d.created_at >= ?1 - ${WEEK_MS} AND d.dedupe_key = 'cod_confirmation:order:' || d.subject_id || ':request'
           AND o.payment_method = 'cod' AND o.cancelled_at >= ?1
           AND NOT EXISTS (SELECT 1 FROM shipment_events e WHERE e.order_id = o.id AND e.status NOT IN ('created', 'cancelled'))
         GROUP BY week`,
      )
      .bind(since),
    db
      .prepare(
        `SELECT count(*) AS cases,
                sum(outcome = 'delivered') AS delivered, sum(outcome = 'rto') AS rto, sum(outcome IS NULL) AS open,
                sum(answer IS NOT NULL) AS answered, sum(answer IS NOT NULL AND outcome = 'delivered') AS answeredDelivered,
                sum(answer IS NULL AND default_action IS NOT NULL) AS defaulted, sum(answer IS NULL AND default_action IS NOT NULL AND outcome = 'delivered') AS defaultedDelivered
         FROM ndr_cases WHERE first_failed_at >= ?`,
      )
      .bind(since),
  ])) as [D1Result<RtoCountRow>, D1Result<{ n: number }>, D1Result<{ week: number; n: number }>, D1Result<Record<keyof NdrCaseCounts, number | null>>];
  const n = ndr.results[0];
  const num = (k: keyof NdrCaseCounts) => Number(n?.[k] ?? 0);
  return {
    rtos: rtos.results,
    received: received.results[0]?.n ?? 0,
    codCancelledByWeek: cancelled.results,
    ndr: {
      cases: num("cases"),
      delivered: num("delivered"),
      rto: num("rto"),
      open: num("open"),
      answered: num("answered"),
      answeredDelivered: num("answeredDelivered"),
      defaulted: num("defaulted"),
      defaultedDelivered: num("defaultedDelivered"),
    },
  };
}

/**
 * When the failed-attempt question reached (or will reach) the customer: its first send attempt, else
 * when its message is due (a question decided in quiet hours goes out in the morning), else the
 * decision's own time; null when no question was decided.
 */
export async function ndrQuestionAskedAt(db: D1Database, dedupeKey: string): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT d.created_at AS decided, min(t.at) AS attempted, min(a.next_attempt_at) AS due
       FROM decisions d LEFT JOIN actions a ON a.decision_id = d.id AND a.connector IN ('whatsapp', 'sms')
       LEFT JOIN action_attempts t ON t.action_id = a.id
       WHERE d.dedupe_key = ? GROUP BY d.id`,
    )
    .bind(dedupeKey)
    .first<{ decided: number; attempted: number | null; due: number | null }>();
  if (!row) return null;
  return Math.max(row.decided, row.attempted ?? row.due ?? row.decided);
}
