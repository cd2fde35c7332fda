/** The action outbox: one row per action, keyed so a retried decision or redelivered event never adds a second. */
import { actionKey } from "../canonical/vocabulary";
import { isCustomerMessage, type ActionSpec } from "../canonical/actions";
import { slices } from "./bulk";

export interface EnqueueInput {
  decisionId: string | null;
  subjectType: string;
  subjectId: string;
  specs: readonly ActionSpec[];
  keyPrefix: string;
  /**
   * Each spec's position in its decision, when some were left out (the contact policy drops
   * messages): the idempotency key keeps naming the same action whatever was dropped.
   */
  indices?: readonly number[];
  /** Epoch ms before which the action must not run (post-delivery steps, quiet hours). */
  notBefore?: number;
}

/** Queues allow at most 12 h of delay; later actions wait in the outbox for `requeueDueActions`. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;
/** How long a claimed action may stay `sending` before another delivery may take it over. */
export const SENDING_LEASE_MS = 5 * 60_000;

/** Statuses after which nothing is ever sent again for an action (a manual retry reopens failed/dead). */
export const TERMINAL_STATUSES = ["sent", "dry_run", "failed", "dead", "delivered", "read", "stale", "suppressed"] as const;

export interface ActionRecord {
  id: string;
  decisionId: string | null;
  connector: string;
  kind: string;
  idempotencyKey: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  params: string;
  request: string | null;
  response: string | null;
  externalId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = `id, decision_id AS decisionId, connector, kind, idempotency_key AS idempotencyKey, status, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, params, request, response, external_id AS externalId,
  subject_type AS subjectType, subject_id AS subjectId, created_at AS createdAt, updated_at AS updatedAt`;

/** Inserts each action once by idempotency key and queues only the rows this call created. */
export async function enqueueActions(env: Env, input: EnqueueInput, now: number): Promise<string[]> {
  // `notBefore` holds what the customer receives (quiet hours: decisions/rules/build.ts); the rest of
  // the decision goes now: a fulfilment hold, an ERP return or a helpdesk ticket must not wait for
  // the morning because the decision also carries a WhatsApp.
  const dueOf = (spec: ActionSpec) => (isCustomerMessage(spec.kind) ? Math.max(now, input.notBefore ?? now) : now);
  // Each insert stands alone (keyed by its idempotency key), so they are asked together: one round
  // trip on a grouped env (pipeline/batch.ts), and the created ones go on the queue in one send.
  const rows = await Promise.all(
    input.specs.map((spec, index) =>
      env.DB.prepare(
        `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      )
        .bind(`act_${crypto.randomUUID()}`, input.decisionId, spec.connector, spec.kind, actionKey(input.keyPrefix, input.indices?.[index] ?? index, spec.kind), dueOf(spec), JSON.stringify(spec.params), input.subjectType, input.subjectId, now, now)
        .first<{ id: string }>()
        .then((row) => (row ? { id: row.id, delaySeconds: Math.ceil((dueOf(spec) - now) / 1000) } : null)),
    ),
  );
  const created = rows.flatMap((row) => (row ? [row] : []));
  // Beyond the queue's 12 h limit the rows wait, pending, for the sweep to send them when due.
  const queued = created.filter((c) => c.delaySeconds <= MAX_QUEUE_DELAY_SECONDS);
  if (queued.length) await env.ACTIONS.sendBatch(queued.map((c) => ({ body: { actionId: c.id }, ...(c.delaySeconds ? { delaySeconds: c.delaySeconds } : {}) })));
  return created.map((c) => c.id);
}

/**
 * Re-sends actions that are due but have no live message: delayed beyond 12 h, lost, or claimed by a
 * consumer that died mid-send. Touching updated_at keeps the next sweep from sending them again.
 * A duplicate message is harmless: the consumer's claim lets only one delivery send.
 */
export async function requeueDueActions(env: Env, now: number): Promise<number> {
  const { results } = await env.DB.prepare(
    `UPDATE actions SET updated_at = ?
     WHERE id IN (SELECT id FROM actions WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? AND updated_at <= ? LIMIT 500)
     RETURNING id`,
  )
    .bind(now, now, now - 15 * 60_000)
    .all<{ id: string }>();
  for (const r of results) await env.ACTIONS.send({ actionId: r.id });
  return results.length;
}

export async function loadActionByKey(db: D1Database, idempotencyKey: string): Promise<ActionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM actions WHERE idempotency_key = ?`).bind(idempotencyKey).first<ActionRecord>();
}

export async function loadAction(db: D1Database, id: string): Promise<ActionRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM actions WHERE id = ?`).bind(id).first<ActionRecord>();
}

/**
 * Takes the action for one send: only if it is still pending (or its previous claim expired) and
 * nobody else counted an attempt since we read it. Returns the attempt number, or null if lost.
 */
export async function claimAction(db: D1Database, action: ActionRecord, now: number): Promise<number | null> {
  const row = await db
    .prepare(
      `UPDATE actions SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
       WHERE id = ? AND attempts = ? AND (status = 'pending' OR (status = 'sending' AND next_attempt_at <= ?)) RETURNING attempts`,
    )
    .bind(now + SENDING_LEASE_MS, now, action.id, action.attempts, now)
    .first<{ attempts: number }>();
  return row?.attempts ?? null;
}

export interface AttemptRecord {
  attempt: number;
  /** sent | dry_run | failed | stale | error (transient) | throttled | blocked (credential refused) | dead | delivered | read */
  outcome: string;
  httpStatus: number | null;
  error: string | null;
}

export function attemptStatement(db: D1Database, actionId: string, a: AttemptRecord, at: number): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO action_attempts (id, action_id, attempt, outcome, http_status, error, at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(`att_${crypto.randomUUID()}`, actionId, a.attempt, a.outcome, a.httpStatus, a.error, at);
}

export interface Settle {
  status: "pending" | "sent" | "dry_run" | "failed" | "stale" | "dead" | "blocked" | "suppressed";
  nextAttemptAt: number | null;
  lastError: string | null;
  request: string | null;
  response: string | null;
  externalId: string | null;
}

/** Writes the attempt and the action's new state together. */
export async function settleAttempt(db: D1Database, actionId: string, attempt: AttemptRecord, s: Settle, now: number): Promise<void> {
  await db.batch([
    attemptStatement(db, actionId, attempt, now),
    db
      .prepare(
        `UPDATE actions SET status = ?, next_attempt_at = ?, last_error = ?, request = coalesce(?, request), response = coalesce(?, response),
           external_id = coalesce(?, external_id), updated_at = ? WHERE id = ?`,
      )
      .bind(s.status, s.nextAttemptAt, s.lastError, s.request, s.response, s.externalId, now, actionId),
  ]);
}

/**
 * Transient failures in a row for this action: attempts counted after the last one that ended a
 * run (failed, dead, stale). A manual retry of a dead action therefore starts a fresh budget.
 */
export async function transientFailuresInRow(db: D1Database, actionId: string): Promise<number> {
  const row = await db
    .prepare(
      `SELECT count(*) AS n FROM action_attempts WHERE action_id = ?1 AND outcome = 'error'
         AND attempt > coalesce((SELECT max(attempt) FROM action_attempts WHERE action_id = ?1 AND outcome IN ('failed', 'dead', 'stale')), 0)`,
    )
    .bind(actionId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Marks an action dead unless it already reached an end state (used by the dead-letter consumer). */
export async function markActionDead(db: D1Database, actionId: string, reason: string, now: number): Promise<boolean> {
  const row = await db
    .prepare(`UPDATE actions SET status = 'dead', last_error = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND status IN ('pending', 'sending') RETURNING attempts`)
    .bind(reason, now, actionId)
    .first<{ attempts: number }>();
  if (!row) return false;
  await attemptStatement(db, actionId, { attempt: row.attempts, outcome: "dead", httpStatus: null, error: reason }, now).run();
  return true;
}

/** Puts one failed or dead action back in the outbox; its attempt history stays. */
export async function retryAction(env: Pick<Env, "DB" | "ACTIONS">, actionId: string, now: number): Promise<"queued" | "not_found" | "not_retryable"> {
  const row = await env.DB.prepare(
    `UPDATE actions SET status = 'pending', next_attempt_at = ?, last_error = NULL, updated_at = ? WHERE id = ? AND status IN ('failed', 'dead') RETURNING id`,
  )
    .bind(now, now, actionId)
    .first<{ id: string }>();
  if (!row) return (await env.DB.prepare(`SELECT 1 AS x FROM actions WHERE id = ?`).bind(actionId).first()) ? "not_retryable" : "not_found";
  await env.ACTIONS.send({ actionId: row.id });
  return "queued";
}

const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/**
 * A WhatsApp status webhook moves the action that sent the message (external_id = wamid) forward
 * only: sent → delivered → read, or sent/delivered → failed. A late "delivered" after "read" is ignored.
 */
export async function applyMessageStatus(db: D1Database, wamid: string, status: "sent" | "delivered" | "read" | "failed", error: string | null, at: number): Promise<boolean> {
  if (status === "sent") return false;
  const from = status === "failed" ? ["sent", "delivered"] : Object.keys(STATUS_RANK).filter((s) => STATUS_RANK[s]! < STATUS_RANK[status]!);
  const row = await db
    .prepare(
      `UPDATE actions SET status = ?, last_error = CASE WHEN ? = 'failed' THEN ? ELSE last_error END, updated_at = ?
       WHERE external_id = ? AND connector = 'whatsapp' AND status IN (${from.map(() => "?").join(", ")}) RETURNING id, attempts`,
    )
    .bind(status, status, error ?? "WhatsApp reported the message failed", at, wamid, ...from)
    .first<{ id: string; attempts: number }>();
  if (!row) return false;
  await attemptStatement(db, row.id, { attempt: row.attempts, outcome: status, httpStatus: null, error: status === "failed" ? error : null }, at).run();
  return true;
}

export interface ActionFilter {
  status?: string;
  connector?: string;
  decisionId?: string;
  limit: number;
}

export async function listActions(db: D1Database, f: ActionFilter): Promise<ActionRecord[]> {
  const where: string[] = [];
  const binds: unknown[] = [];
  if (f.status) (where.push("status = ?"), binds.push(f.status));
  if (f.connector) (where.push("connector = ?"), binds.push(f.connector));
  if (f.decisionId) (where.push("decision_id = ?"), binds.push(f.decisionId));
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM actions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id LIMIT ?`)
    .bind(...binds, f.limit)
    .all<ActionRecord>();
  return results;
}

export interface AttemptRow {
  actionId: string;
  attempt: number;
  outcome: string;
  httpStatus: number | null;
  error: string | null;
  at: number;
}

/** Attempts of many actions, in chunks under D1's 100-parameter limit. */
export async function attemptsOf(db: D1Database, actionIds: readonly string[]): Promise<AttemptRow[]> {
  const out: AttemptRow[] = [];
  for (const chunk of slices(actionIds)) {
    const { results } = await db
      .prepare(
        `SELECT action_id AS actionId, attempt, outcome, http_status AS httpStatus, error, at FROM action_attempts
         WHERE action_id IN (${chunk.map(() => "?").join(", ")}) ORDER BY at, attempt`,
      )
      .bind(...chunk)
      .all<AttemptRow>();
    out.push(...results);
  }
  return out;
}

/** Whether an action with this idempotency key is already in the outbox. */
export async function actionExists(db: D1Database, idempotencyKey: string): Promise<boolean> {
  return (await db.prepare(`SELECT 1 FROM actions WHERE idempotency_key = ?`).bind(idempotencyKey).first()) !== null;
}

/**
 * Due actions (pending, or claimed by a consumer that may have died) not touched since `idleBefore`,
 * up to `limit`, marked touched now so the next recovery run does not send them again.
 */
export async function takeDueActionIds(db: D1Database, now: number, idleBefore: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE actions SET updated_at = ?
       WHERE id IN (SELECT id FROM actions WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? AND updated_at <= ? ORDER BY next_attempt_at LIMIT ?)
       RETURNING id`,
    )
    .bind(now, now, idleBefore, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}
