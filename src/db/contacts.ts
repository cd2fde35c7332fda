/** SQL of the contact policy: who a decision's messages go to, what they already got, and the suppression record. */
import type { JourneyState } from "../canonical/vocabulary";
import type { Moment, RecentContact, Suppression } from "../decisions/contact-policy";

/** Whose messages these are and where their order's journey stands. */
export interface ContactSubject {
  customerId: string | null;
  orderId: string | null;
  journey: { state: JourneyState | null; lastScanAt: number | null; failedAttempts: number } | null;
}

type JourneyRow = { customerId: string | null; orderId: string | null; state: JourneyState | null; lastScanAt: number | null; failedAttempts: number | null };

const ORDER_SUBJECT = `SELECT o.customer_id AS customerId, o.id AS orderId, j.state, j.last_scan_at AS lastScanAt, j.failed_attempts AS failedAttempts
  FROM orders o LEFT JOIN journeys j ON j.order_id = o.id WHERE o.id = ?`;
const TICKET_SUBJECT = `SELECT t.customer_id AS customerId, t.order_id AS orderId, j.state, j.last_scan_at AS lastScanAt, j.failed_attempts AS failedAttempts
  FROM tickets t LEFT JOIN journeys j ON j.order_id = t.order_id WHERE t.id = ?`;

export async function loadContactSubject(db: D1Database, subjectType: string, subjectId: string): Promise<ContactSubject> {
  if (subjectType === "customer") return { customerId: subjectId, orderId: null, journey: null };
  const sql = subjectType === "order" ? ORDER_SUBJECT : subjectType === "ticket" ? TICKET_SUBJECT : null;
  const row = sql ? await db.prepare(sql).bind(subjectId).first<JourneyRow>() : null;
  if (!row) return { customerId: null, orderId: subjectType === "order" ? subjectId : null, journey: null };
  return {
    customerId: row.customerId,
    orderId: row.orderId,
    journey: row.state === null ? null : { state: row.state, lastScanAt: row.lastScanAt, failedAttempts: row.failedAttempts ?? 0 },
  };
}

type ContactRow = Omit<RecentContact, "state" | "urgent"> & { urgent: number; status: string };

/** Statuses of an action that never reached the customer: they cover no moment and count toward no cap. */
const NOT_DELIVERED = `('suppressed', 'failed', 'dead', 'stale')`;

/** Who a decision's subject is (customer and order ids), per subject type, as SQL over the bound subject id ?1. */
const SUBJECT_IDS: Record<string, { customer: string; order: string }> = {
  order: { customer: `(SELECT customer_id FROM orders WHERE id = ?1)`, order: `?1` },
  ticket: { customer: `(SELECT customer_id FROM tickets WHERE id = ?1)`, order: `(SELECT order_id FROM tickets WHERE id = ?1)` },
  customer: { customer: `?1`, order: `NULL` },
};

/** Everything the contact policy reads before deciding, in one round trip. */
export interface ContactContext extends ContactSubject {
  customerKey: string;
  recent: RecentContact[];
  /** Language signals: the locale of the customer's latest order, their latest WhatsApp messages. */
  locale: string | null;
  inboundTexts: string[];
}

/**
 * The subject (customer, order, journey), the customer's messages that matter to a new one
 * (everything within 24 h either side of `around`, for the cap, and everything about the same
 * order, for one message per moment) and what says which language they read.
 * `recipient` names the customer when no customer id is known.
 */
export async function loadContactContext(db: D1Database, subjectType: string, subjectId: string, recipient: string | null, around: number): Promise<ContactContext> {
  const ids = SUBJECT_IDS[subjectType] ?? { customer: "NULL", order: "NULL" };
  const bare = recipient && recipient.startsWith("+") ? recipient.slice(1) : recipient;
  const fallbackKey = `to:${recipient ?? subjectId}`;
  const key = `coalesce('customer:' || ${ids.customer}, ?2)`;
  const [subject, recent] = (await db.batch([
    db
      .prepare(
        `SELECT ${ids.customer} AS customerId, ${ids.order} AS orderId, j.state, j.last_scan_at AS lastScanAt, j.failed_attempts AS failedAttempts,
                (SELECT customer_locale FROM orders x WHERE x.customer_locale IS NOT NULL
                   AND (x.id = ${ids.order} OR (${ids.customer} IS NOT NULL AND x.customer_id = ${ids.customer})) ORDER BY x.created_at DESC LIMIT 1) AS locale,
                (SELECT json_group_array(text) FROM (SELECT text FROM messages WHERE ?3 IS NOT NULL AND channel = 'whatsapp' AND direction = 'inbound'
                   AND text IS NOT NULL AND phone IN (?3, ?4) ORDER BY occurred_at DESC LIMIT 5)) AS texts
         FROM (SELECT 1) LEFT JOIN journeys j ON j.order_id = ${ids.order}`,
      )
      .bind(subjectId, fallbackKey, bare ? `+${bare}` : null, bare),
    db
      .prepare(
        `SELECT c.action_id AS actionId, c.decision_key AS decisionKey, c.moment_key AS momentKey, c.label, c.priority, c.urgent, c.at, a.status
         FROM customer_contacts c JOIN actions a ON a.id = c.action_id
         WHERE a.status NOT IN ${NOT_DELIVERED}
           AND ((c.customer_key = ${key} AND c.at > ?3 AND c.at < ?4) OR (${ids.order} IS NOT NULL AND c.order_id = ${ids.order}))`,
      )
      .bind(subjectId, fallbackKey, around - 86_400_000, around + 86_400_000),
  ])) as [D1Result<JourneyRow & { locale: string | null; texts: string | null }>, D1Result<ContactRow>];
  const row = subject.results[0];
  const customerId = row?.customerId ?? null;
  return {
    customerId,
    orderId: row?.orderId ?? null,
    journey: row && row.state !== null ? { state: row.state, lastScanAt: row.lastScanAt, failedAttempts: row.failedAttempts ?? 0 } : null,
    customerKey: customerId ? `customer:${customerId}` : fallbackKey,
    recent: recent.results.map(({ status, urgent, ...r }) => ({ ...r, urgent: urgent === 1, state: status === "pending" ? "pending" : "sent" })),
    locale: row?.locale ?? null,
    inboundTexts: row?.texts ? (JSON.parse(row.texts) as (string | null)[]).filter((t): t is string => typeof t === "string") : [],
  };
}

export interface NewContact {
  idempotencyKey: string;
  customerKey: string;
  orderId: string | null;
  decisionId: string;
  decisionKey: string;
  moment: Moment;
  channel: string;
  at: number;
}

/** Enters messages just put in the outbox (found by their idempotency key); a repeat changes nothing. */
export async function recordContacts(db: D1Database, rows: readonly NewContact[], now: number): Promise<void> {
  if (!rows.length) return;
  await db.batch(
    rows.map((r) =>
      db
        .prepare(
          `INSERT INTO customer_contacts (action_id, customer_key, order_id, decision_id, decision_key, moment_key, moment, label, priority, urgent, channel, at, created_at)
           SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM actions WHERE idempotency_key = ? ON CONFLICT (action_id) DO NOTHING`,
        )
        .bind(r.customerKey, r.orderId, r.decisionId, r.decisionKey, r.moment.key, JSON.stringify(r.moment), r.moment.label, r.moment.priority, r.moment.urgent ? 1 : 0, r.channel, r.at, now, r.idempotencyKey),
    ),
  );
}

/** Adds suppressions to a decision's record, so the order page shows what the customer was spared and why. */
export function appendSuppressionsStatement(db: D1Database, decisionId: string, items: readonly Suppression[]): D1PreparedStatement {
  return db
    .prepare(`UPDATE decisions SET suppressed = (SELECT json_group_array(json(value)) FROM (SELECT value FROM json_each(decisions.suppressed) UNION ALL SELECT value FROM json_each(?))) WHERE id = ?`)
    .bind(JSON.stringify(items), decisionId);
}

/**
 * Withdraws an outbox message that has not been claimed for sending; false when it already went
 * (or is going) out. The decision that made it records why.
 */
export async function withdrawPendingMessage(db: D1Database, actionId: string, reason: string, now: number): Promise<boolean> {
  const row = await db
    .prepare(`UPDATE actions SET status = 'suppressed', last_error = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status = 'pending' RETURNING decision_id AS decisionId, kind, params`)
    .bind(reason, now, actionId)
    .first<{ decisionId: string | null; kind: string; params: string }>();
  if (!row) return false;
  if (row.decisionId) {
    const template = (JSON.parse(row.params) as { template?: unknown }).template;
    await appendSuppressionsStatement(db, row.decisionId, [{ index: -1, kind: row.kind, template: typeof template === "string" ? template : null, reason, at: now }]).run();
  }
  return true;
}

/** The moment an outbox message is about and whose order it concerns, for the check just before sending. */
export async function contactOfAction(db: D1Database, actionId: string): Promise<{ moment: Moment; orderId: string | null; customerKey: string; decisionId: string | null } | null> {
  const row = await db
    .prepare(`SELECT moment, order_id AS orderId, customer_key AS customerKey, decision_id AS decisionId FROM customer_contacts WHERE action_id = ?`)
    .bind(actionId)
    .first<{ moment: string; orderId: string | null; customerKey: string; decisionId: string | null }>();
  return row ? { moment: JSON.parse(row.moment) as Moment, orderId: row.orderId, customerKey: row.customerKey, decisionId: row.decisionId } : null;
}


/** Where a fallback can go: the customer's email and the order's items (for the email's item list). */
export async function fallbackRecipient(db: D1Database, subjectType: string | null, subjectId: string | null): Promise<{ email: string | null; items: { title: string; quantity: number }[] }> {
  if (!subjectId) return { email: null, items: [] };
  const row =
    subjectType === "order"
      ? await db
          .prepare(`SELECT coalesce(o.email, c.email) AS email, o.line_items AS lineItems FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE o.id = ?`)
          .bind(subjectId)
          .first<{ email: string | null; lineItems: string | null }>()
      : subjectType === "customer"
        ? await db.prepare(`SELECT email, NULL AS lineItems FROM customers WHERE id = ?`).bind(subjectId).first<{ email: string | null; lineItems: string | null }>()
        : null;
  const lines = row?.lineItems ? (JSON.parse(row.lineItems) as { title?: string; quantity?: number }[]) : [];
  return { email: row?.email ?? null, items: lines.map((l) => ({ title: String(l.title ?? ""), quantity: Number(l.quantity ?? 1) })) };
}

/** The fallback message covers the same moment as the one it replaces (and is checked the same way before sending). */
export async function copyContact(db: D1Database, fromActionId: string, toIdempotencyKey: string, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO customer_contacts (action_id, customer_key, order_id, decision_id, decision_key, moment_key, moment, label, priority, urgent, channel, at, created_at)
       SELECT a.id, c.customer_key, c.order_id, c.decision_id, c.decision_key, c.moment_key, c.moment, c.label, c.priority, c.urgent, a.connector, ?, ?
       FROM customer_contacts c, actions a WHERE c.action_id = ? AND a.idempotency_key = ? ON CONFLICT (action_id) DO NOTHING`,
    )
    .bind(now, now, fromActionId, toIdempotencyKey)
    .run();
}

/** Says on the failed action what happened next, after the vendor's own words. */
export async function noteOnAction(db: D1Database, actionId: string, note: string, now: number): Promise<void> {
  await db.prepare(`UPDATE actions SET last_error = coalesce(last_error || ' → ', '') || ?, updated_at = ? WHERE id = ?`).bind(note, now, actionId).run();
}

/** The action that sent a WhatsApp message, by its wamid. */
export async function actionIdByMessageId(db: D1Database, wamid: string): Promise<string | null> {
  return (await db.prepare(`SELECT id FROM actions WHERE external_id = ? AND connector = 'whatsapp'`).bind(wamid).first<{ id: string }>())?.id ?? null;
}

export interface ContactHealth {
  /** Customer messages that went (or are going) out. */
  sent: number;
  /** Journey moments with more than one of those for the same customer: should stay 0. */
  repeatedMoments: number;
  /** Messages the contact policy withdrew or dropped at send time. */
  suppressedAtSend: number;
}

/** The contact policy's own check, for /api/pipeline and the demo week: no customer hears twice about one moment. */
export async function contactHealth(db: D1Database): Promise<ContactHealth> {
  const row = await db
    .prepare(
      `WITH live AS (SELECT c.customer_key, c.moment_key FROM customer_contacts c JOIN actions a ON a.id = c.action_id WHERE a.status NOT IN ${NOT_DELIVERED})
       SELECT (SELECT count(*) FROM live) AS sent,
              (SELECT count(*) FROM (SELECT 1 FROM live GROUP BY customer_key, moment_key HAVING count(*) > 1)) AS repeatedMoments,
              (SELECT count(*) FROM customer_contacts c JOIN actions a ON a.id = c.action_id WHERE a.status = 'suppressed') AS suppressedAtSend`,
    )
    .first<ContactHealth>();
  return row ?? { sent: 0, repeatedMoments: 0, suppressedAtSend: 0 };
}
