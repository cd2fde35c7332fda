/** SQL of inbound WhatsApp (pipeline/inbound-whatsapp.ts): who wrote, which order, which question waits, the conversation with a person. */
import { CLOSED_TICKET_STATUSES, type HelpdeskName } from "../canonical/vocabulary";

/** The same number as Meta writes it (no plus) and as Shopify does (E.164). */
const both = (phone: string) => {
  const bare = phone.replace(/^\+/, "");
  return [`+${bare}`, bare] as const;
};

export interface Sender {
  id: string;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  ordersCount: number;
}

/** The customer with this phone: the customer record first, else the customer of the latest order placed with it. */
export async function senderByPhone(db: D1Database, phone: string): Promise<Sender | null> {
  const [plus, bare] = both(phone);
  const row = await db
    .prepare(
      `SELECT c.id, c.first_name AS firstName, c.email, c.phone, coalesce(c.orders_count, 0) AS ordersCount FROM customers c
       WHERE c.id = coalesce((SELECT id FROM customers WHERE phone IN (?1, ?2) ORDER BY updated_at DESC LIMIT 1),
                             (SELECT customer_id FROM orders WHERE phone IN (?1, ?2) AND customer_id IS NOT NULL ORDER BY created_at DESC LIMIT 1))`,
    )
    .bind(plus, bare)
    .first<Sender>();
  return row ?? null;
}

/** Whose an order is: the sender may only hear about their own orders. */
export async function orderBelongsTo(db: D1Database, orderId: string, phone: string, customerId: string | null): Promise<boolean> {
  const [plus, bare] = both(phone);
  const row = await db
    .prepare(`SELECT 1 AS ok FROM orders WHERE id = ?1 AND (phone IN (?2, ?3) OR (?4 IS NOT NULL AND customer_id = ?4))`)
    .bind(orderId, plus, bare, customerId)
    .first<{ ok: number }>();
  return row !== null;
}

/**
 * The sender's latest open order (not cancelled, not delivered or returned), else their latest order,
 * with the journey state of each; plus which order has a COD confirmation or an NDR question waiting.
 */
export async function sendersOrders(db: D1Database, phone: string, customerId: string | null): Promise<{ latestOpen: string | null; latest: string | null; codPending: { id: string; name: string } | null; ndrOpen: { id: string; name: string } | null }> {
  const [plus, bare] = both(phone);
  const { results } = await db
    .prepare(
      `SELECT o.id, o.name, o.cancelled_at AS cancelledAt, j.state, coalesce(j.failed_attempts, 0) AS failedAttempts FROM orders o LEFT JOIN journeys j ON j.order_id = o.id
       WHERE o.phone IN (?1, ?2) OR (?3 IS NOT NULL AND o.customer_id = ?3) ORDER BY o.created_at DESC LIMIT 20`,
    )
    .bind(plus, bare, customerId)
    .all<{ id: string; name: string; cancelledAt: number | null; state: string | null; failedAttempts: number }>();
  const done = new Set(["delivered", "cancelled", "rto_delivered", "returned", "refunded"]);
  const open = results.find((r) => r.cancelledAt === null && !done.has(r.state ?? ""));
  const cod = results.find((r) => r.cancelledAt === null && r.state === "cod_confirmation_pending");
  const ndr = results.find((r) => r.cancelledAt === null && r.state === "failed_attempt" && r.failedAttempts > 0);
  return {
    latestOpen: open?.id ?? null,
    latest: results[0]?.id ?? null,
    codPending: cod ? { id: cod.id, name: cod.name } : null,
    ndrOpen: ndr ? { id: ndr.id, name: ndr.name } : null,
  };
}

/** The button payload an earlier attempt at this message already gave it (a retried ingest keeps its meaning). */
export async function storedPayload(db: D1Database, messageId: string): Promise<string | null> {
  return (await db.prepare(`SELECT payload FROM messages WHERE id = ?`).bind(messageId).first<{ payload: string | null }>())?.payload ?? null;
}

/** A typed answer stands for its button from now on; the customer's words stay as they were. */
export async function setMessageMeaning(db: D1Database, messageId: string, payload: string | null, orderId: string | null): Promise<void> {
  await db
    .prepare(`UPDATE messages SET payload = coalesce(payload, ?2), order_id = coalesce(?3, order_id) WHERE id = ?1`)
    .bind(messageId, payload, orderId)
    .run();
}

/** The revised ETA of the latest delay alert about this silence (its last scan is still the journey's), or null. */
export async function currentRevisedEta(db: D1Database, orderId: string, lastScanAt: number | null): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT json_extract(inputs, '$.revisedEta') AS eta, json_extract(inputs, '$.lastScanAt') AS scan FROM decisions
       WHERE type = 'delay_alert' AND subject_type = 'order' AND subject_id = ? ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(orderId)
    .first<{ eta: number | null; scan: number | null }>();
  if (!row || typeof row.eta !== "number") return null;
  return row.scan === lastScanAt || lastScanAt === null ? row.eta : null;
}

export interface ConversationRow {
  id: string;
  phone: string;
  helpdesk: HelpdeskName;
  ticketId: string | null;
  requesterId: string | null;
  createKey: string;
  status: string;
  lastMessageAt: number;
}

const CONVERSATION_COLUMNS = `id, phone, helpdesk, ticket_id AS ticketId, requester_id AS requesterId, create_key AS createKey, status, last_message_at AS lastMessageAt`;

/**
 * The phone's open conversation with a person, if its last message is at or after `since` and its
 * ticket is not solved or closed in the helpdesk (as its webhooks reported it).
 */
export async function openConversation(db: D1Database, phone: string, since: number): Promise<ConversationRow | null> {
  const [plus, bare] = both(phone);
  const closed = CLOSED_TICKET_STATUSES.map((s) => `'${s}'`).join(", ");
  return db
    .prepare(
      `SELECT ${CONVERSATION_COLUMNS} FROM whatsapp_conversations w
       WHERE phone IN (?1, ?2) AND status = 'open' AND last_message_at >= ?3
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE w.ticket_id IS NOT NULL AND t.helpdesk = w.helpdesk AND t.ticket_id = w.ticket_id AND t.status IN (${closed}))
       ORDER BY last_message_at DESC LIMIT 1`,
    )
    .bind(plus, bare, since)
    .first<ConversationRow>();
}

/**
 * Ends the phone's open conversation when it no longer is one (silent since before `since`, or its
 * ticket solved or closed), so the next message opens a new one.
 */
export async function closeStaleConversation(db: D1Database, phone: string, since: number): Promise<void> {
  const [plus, bare] = both(phone);
  const closed = CLOSED_TICKET_STATUSES.map((s) => `'${s}'`).join(", ");
  await db
    .prepare(
      `UPDATE whatsapp_conversations SET status = 'closed' WHERE phone IN (?1, ?2) AND status = 'open'
         AND (last_message_at < ?3 OR EXISTS (SELECT 1 FROM tickets t WHERE whatsapp_conversations.ticket_id IS NOT NULL
           AND t.helpdesk = whatsapp_conversations.helpdesk AND t.ticket_id = whatsapp_conversations.ticket_id AND t.status IN (${closed})))`,
    )
    .bind(plus, bare, since)
    .run();
}

/**
 * Opens a conversation unless the phone already has an open one (one per phone, by a unique index):
 * returns the id of the phone's open conversation after the attempt — this one's, or the one a
 * message ingested at the same moment opened first.
 */
export async function openConversationRow(
  db: D1Database,
  c: { id: string; phone: string; customerId: string | null; orderId: string | null; helpdesk: HelpdeskName; createKey: string; category: string; at: number },
): Promise<string | null> {
  const [inserted, open] = (await db.batch([
    db
      .prepare(
        `INSERT INTO whatsapp_conversations (id, phone, customer_id, order_id, helpdesk, ticket_id, requester_id, create_key, category, status, opened_at, last_message_at, messages)
         VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, 'open', ?, ?, 1) ON CONFLICT DO NOTHING`,
      )
      .bind(c.id, c.phone, c.customerId, c.orderId, c.helpdesk, c.createKey, c.category, c.at, c.at),
    db.prepare(`SELECT id FROM whatsapp_conversations WHERE phone = ? AND status = 'open'`).bind(c.phone),
  ])) as [D1Result, D1Result<{ id: string }>];
  void inserted;
  return open.results[0]?.id ?? null;
}

/** One more message in the conversation (a redelivery of the same message is the decision's repeat, not counted again). */
export async function touchConversation(db: D1Database, id: string, at: number): Promise<void> {
  await db.prepare(`UPDATE whatsapp_conversations SET last_message_at = max(last_message_at, ?2), messages = messages + 1 WHERE id = ?1`).bind(id, at).run();
}

/** The conversation whose ticket a create action (by idempotency key) makes. */
export async function conversationByCreateKey(db: D1Database, createKey: string): Promise<ConversationRow | null> {
  return db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM whatsapp_conversations WHERE create_key = ?`).bind(createKey).first<ConversationRow>();
}

/** The helpdesk's ids, once the create action has them. */
export async function recordConversationTicket(db: D1Database, createKey: string, ticketId: string, requesterId: string | null): Promise<void> {
  await db
    .prepare(`UPDATE whatsapp_conversations SET ticket_id = ?2, requester_id = coalesce(?3, requester_id) WHERE create_key = ?1`)
    .bind(createKey, ticketId, requesterId)
    .run();
}

/** Where the create action of a conversation stands (pending, sent, dry_run, failed …), or null when it is not in the outbox. */
export async function createActionStatus(db: D1Database, createKey: string): Promise<{ status: string; externalId: string | null } | null> {
  return db.prepare(`SELECT status, external_id AS externalId FROM actions WHERE idempotency_key = ?`).bind(createKey).first<{ status: string; externalId: string | null }>();
}

/** The helpdesk most tickets came from: where the brand's agents work, when no helpdesk has credentials here. */
export async function busiestHelpdesk(db: D1Database): Promise<HelpdeskName | null> {
  const row = await db.prepare(`SELECT helpdesk FROM tickets GROUP BY helpdesk ORDER BY count(*) DESC LIMIT 1`).first<{ helpdesk: HelpdeskName }>();
  return row?.helpdesk ?? null;
}

export interface ConversationLine {
  direction: "inbound" | "outbound";
  at: number;
  kind: string;
  /** The customer's words (inbound) or the action's params as JSON (outbound). */
  body: string | null;
  payload: string | null;
  status: string;
}

/** The WhatsApp conversation with an order's customer since the order was placed: their messages and what the outbox sent them. */
export async function orderConversation(db: D1Database, orderId: string, customerId: string | null, phone: string | null, since: number, limit = 100): Promise<ConversationLine[]> {
  const [plus, bare] = phone ? both(phone) : [null, null];
  // Outbound: actions about the order, or about its customer (by id, or by phone for a message from an unknown number), through the subject index.
  const { results } = await db
    .prepare(
      `SELECT * FROM (
         SELECT 'inbound' AS direction, occurred_at AS at, kind, text AS body, payload, status FROM messages
         WHERE channel = 'whatsapp' AND direction = 'inbound' AND (order_id = ?1 OR (?2 IS NOT NULL AND phone IN (?2, ?3) AND occurred_at >= ?4))
         UNION ALL
         SELECT 'outbound' AS direction, created_at AS at, kind, params AS body, NULL AS payload, status FROM actions
         WHERE connector = 'whatsapp' AND ((subject_type = 'order' AND subject_id = ?1)
           OR (subject_type = 'customer' AND subject_id IN (?6, 'whatsapp:' || ?2) AND created_at >= ?4))
       ) ORDER BY at ASC LIMIT ?5`,
    )
    .bind(orderId, plus, bare, since, limit, customerId)
    .all<ConversationLine>();
  return results;
}

export interface WismoChannelCounts {
  /** Answered on WhatsApp with the live status (of which `whatsappEscalated` also went to a person). */
  whatsapp: number;
  whatsappEscalated: number;
  /** Answered in the helpdesk by the automatic reply. */
  helpdesk: number;
  /** WISMO tickets an agent answered first (no automatic reply). */
  agents: number;
}

/** Where customers' "where is my order?" was answered since `since`: WhatsApp, the helpdesk auto-reply, or an agent. */
export async function wismoChannelCounts(db: D1Database, since: number): Promise<WismoChannelCounts> {
  const row = await db
    .prepare(
      `SELECT
         (SELECT count(*) FROM decisions WHERE type = 'wismo_autoreply' AND created_at >= ?1 AND subject_type = 'order' AND dedupe_key LIKE 'wismo_autoreply:order:%:whatsapp:%' AND mode != 'shadow') AS whatsapp,
         (SELECT count(*) FROM decisions WHERE type = 'wismo_autoreply' AND created_at >= ?1 AND subject_type = 'order' AND dedupe_key LIKE 'wismo_autoreply:order:%:whatsapp:%' AND mode != 'shadow'
            AND json_extract(inputs, '$.problem') IS NOT NULL) AS whatsappEscalated,
         (SELECT count(*) FROM decisions WHERE type = 'wismo_autoreply' AND created_at >= ?1 AND subject_type = 'ticket' AND mode != 'shadow') AS helpdesk,
         (SELECT count(*) FROM tickets t WHERE t.category = 'wismo' AND t.created_at >= ?1 AND t.first_response_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.type = 'wismo_autoreply' AND d.subject_id = t.id AND d.mode != 'shadow')) AS agents`,
    )
    .bind(since)
    .first<WismoChannelCounts>();
  return row ?? { whatsapp: 0, whatsappEscalated: 0, helpdesk: 0, agents: 0 };
}
