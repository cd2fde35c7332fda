/** Connector state in D1 (no secrets): refused or disconnected credentials, the last call, and the actions that wait for them. */

export type ConnectorState = "ok" | "unauthorised" | "disconnected";

export interface ConnectorStatusRow {
  connector: string;
  status: ConnectorState;
  reason: string | null;
  statusAt: number | null;
  lastCallAt: number | null;
  lastOutcome: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
}

export async function setConnectorStatus(db: D1Database, connector: string, status: ConnectorState, reason: string | null, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO connector_status (connector, status, reason, status_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (connector) DO UPDATE SET status = excluded.status, reason = excluded.reason,
         status_at = CASE WHEN connector_status.status = excluded.status THEN connector_status.status_at ELSE excluded.status_at END,
         updated_at = excluded.updated_at`,
    )
    .bind(connector, status, reason, now, now)
    .run();
}

/** The last outbound call of a connector and how it ended (an action attempt, a pull, a token call). */
export function connectorCallStatement(db: D1Database, connector: string, outcome: string, httpStatus: number | null, error: string | null, at: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO connector_status (connector, status, last_call_at, last_outcome, last_http_status, last_error, updated_at) VALUES (?, 'ok', ?, ?, ?, ?, ?)
       ON CONFLICT (connector) DO UPDATE SET last_call_at = excluded.last_call_at, last_outcome = excluded.last_outcome,
         last_http_status = excluded.last_http_status, last_error = excluded.last_error, updated_at = excluded.updated_at`,
    )
    .bind(connector, at, outcome, httpStatus, error ? error.slice(0, 500) : null, at);
}

export async function listConnectorStatus(db: D1Database): Promise<ConnectorStatusRow[]> {
  const { results } = await db
    .prepare(
      `SELECT connector, status, reason, status_at AS statusAt, last_call_at AS lastCallAt, last_outcome AS lastOutcome,
              last_http_status AS lastHttpStatus, last_error AS lastError FROM connector_status ORDER BY connector`,
    )
    .all<ConnectorStatusRow>();
  return results;
}

/** Blocked actions per connector: what is waiting on a credential. */
export async function blockedActionCounts(db: D1Database): Promise<Record<string, number>> {
  const { results } = await db.prepare(`SELECT connector, count(*) AS n FROM actions WHERE status = 'blocked' GROUP BY connector`).all<{ connector: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.connector, r.n]));
}

/**
 * A working credential again: every action that waited as `blocked` for this connector goes back
 * to the outbox, due now, with its attempt budget untouched. Returns how many were released.
 */
export async function releaseBlockedActions(env: Pick<Env, "DB" | "ACTIONS">, connector: string, now: number): Promise<number> {
  let released = 0;
  for (;;) {
    const { results } = await env.DB.prepare(
      `UPDATE actions SET status = 'pending', next_attempt_at = ?, last_error = NULL, updated_at = ?
       WHERE id IN (SELECT id FROM actions WHERE connector = ? AND status = 'blocked' LIMIT 100) RETURNING id`,
    )
      .bind(now, now, connector)
      .all<{ id: string }>();
    if (!results.length) return released;
    await env.ACTIONS.sendBatch(results.map((r) => ({ body: { actionId: r.id } })));
    released += results.length;
  }
}
