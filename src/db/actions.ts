/** The action outbox: one row per action, keyed so a retried decision or redelivered event never adds a second. */
import type { ActionSpec } from "../actions/specs";

export interface EnqueueInput {
  decisionId: string | null;
  subjectType: string;
  subjectId: string;
  specs: readonly ActionSpec[];
  keyPrefix: string;
  notBefore?: number;
}

/** Inserts each action once by idempotency key and queues only the rows this call created. */
export async function enqueueActions(env: Env, input: EnqueueInput, now: number): Promise<string[]> {
  const created: string[] = [];
  for (const [index, spec] of input.specs.entries()) {
    const id = `act_${crypto.randomUUID()}`;
    const key = `${input.keyPrefix}:${index}:${spec.kind}`;
    const row = await env.DB.prepare(
      `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    )
      .bind(id, input.decisionId, spec.connector, spec.kind, key, input.notBefore ?? now, JSON.stringify(spec.params), input.subjectType, input.subjectId, now, now)
      .first<{ id: string }>();
    if (!row) continue;
    created.push(row.id);
    const delaySeconds = input.notBefore && input.notBefore > now ? Math.min(43_200, Math.ceil((input.notBefore - now) / 1000)) : 0;
    await env.ACTIONS.send({ actionId: row.id }, delaySeconds ? { delaySeconds } : undefined);
  }
  return created;
}

/** Re-sends pending actions that are due but were never (or too early) queued. */
export async function requeueDueActions(env: Env, now: number): Promise<number> {
  const { results } = await env.DB.prepare(`SELECT id FROM actions WHERE status = 'pending' AND next_attempt_at <= ? AND updated_at <= ? LIMIT 500`)
    .bind(now, now - 15 * 60_000)
    .all<{ id: string }>();
  for (const r of results) await env.ACTIONS.send({ actionId: r.id });
  return results.length;
}
