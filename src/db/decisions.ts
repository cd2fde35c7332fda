/** The decision log: one row per decision, deduplicated on its key so nothing fires twice. */
import type { Suppression } from "../decisions/contact-policy";
import type { DecisionMode } from "../decisions/policy";
import type { DecisionDraft } from "../decisions/types";

export interface DecisionRow {
  id: string;
  type: string;
  subjectType: string;
  subjectId: string;
  dedupeKey: string;
  reasons: string[];
  inputs: Record<string, unknown>;
  actions: unknown[];
  policyVersion: number;
  mode: DecisionMode;
  createdAt: string;
  /** Customer messages the contact policy did not send, each with its reason. */
  suppressed: Suppression[];
  /** null | waiting | approved | dismissed (approve mode). */
  reviewStatus: ReviewStatus | null;
}

export type ReviewStatus = "waiting" | "approved" | "dismissed";

/** Inserts the decision unless its dedupe key exists; returns its id and whether this call created it. */
export async function recordDecision(
  db: D1Database,
  draft: DecisionDraft,
  meta: { policyVersion: number; mode: DecisionMode; suppressed?: readonly Suppression[] },
  now: number,
): Promise<{ id: string; inserted: boolean; mode: DecisionMode; reviewStatus: ReviewStatus | null }> {
  const id = `dec_${crypto.randomUUID()}`;
  // A decision in approve mode starts waiting for a person; its actions stay in `actions` until then.
  const review: ReviewStatus | null = meta.mode === "approve" ? "waiting" : null;
  const row = await db
    .prepare(
      `INSERT INTO decisions (id, type, subject_type, subject_id, dedupe_key, reasons, inputs, actions, policy_version, mode, created_at, suppressed, review_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    )
    .bind(id, draft.type, draft.subjectType, draft.subjectId, draft.dedupeKey, JSON.stringify(draft.reasons), JSON.stringify(draft.inputs), JSON.stringify(draft.actions), meta.policyVersion, meta.mode, now, JSON.stringify(meta.suppressed ?? []), review)
    .first<{ id: string }>();
  if (row) return { id: row.id, inserted: true, mode: meta.mode, reviewStatus: review };
  const existing = await db
    .prepare(`SELECT id, mode, review_status AS reviewStatus FROM decisions WHERE dedupe_key = ?`)
    .bind(draft.dedupeKey)
    .first<{ id: string; mode: DecisionMode; reviewStatus: ReviewStatus | null }>();
  return { id: existing?.id ?? id, inserted: false, mode: existing?.mode ?? meta.mode, reviewStatus: existing ? existing.reviewStatus : review };
}

type RawDecision = Omit<DecisionRow, "reasons" | "inputs" | "actions" | "createdAt" | "suppressed"> & { reasons: string; inputs: string; actions: string; createdAt: number; suppressed: string };

const COLUMNS = `id, type, subject_type AS subjectType, subject_id AS subjectId, dedupe_key AS dedupeKey, reasons, inputs, actions,
  policy_version AS policyVersion, mode, created_at AS createdAt, suppressed, review_status AS reviewStatus`;

function toRow(r: RawDecision): DecisionRow {
  return {
    ...r,
    reasons: JSON.parse(r.reasons),
    inputs: JSON.parse(r.inputs),
    actions: JSON.parse(r.actions),
    createdAt: new Date(r.createdAt).toISOString(),
    suppressed: JSON.parse(r.suppressed),
  };
}

export async function listDecisions(
  db: D1Database,
  filter: { type?: string; subjectType?: string; subjectId?: string; since?: number; limit?: number },
): Promise<DecisionRow[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.type) (where.push("type = ?"), params.push(filter.type));
  if (filter.subjectType) (where.push("subject_type = ?"), params.push(filter.subjectType));
  if (filter.subjectId) (where.push("subject_id = ?"), params.push(filter.subjectId));
  if (filter.since !== undefined) (where.push("created_at >= ?"), params.push(filter.since));
  const sql = `SELECT ${COLUMNS} FROM decisions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...params, Math.min(filter.limit ?? 100, 1000)).all<RawDecision>();
  return results.map(toRow);
}

/** When the decision with this dedupe key was recorded, or null if it never was. */
export async function decidedAt(db: D1Database, dedupeKey: string): Promise<number | null> {
  return (await db.prepare(`SELECT created_at AS at FROM decisions WHERE dedupe_key = ?`).bind(dedupeKey).first<{ at: number }>())?.at ?? null;
}

/** The dedupe keys of every decision of one type about one subject. */
export async function dedupeKeysFor(db: D1Database, type: string, subjectId: string): Promise<string[]> {
  const { results } = await db.prepare(`SELECT dedupe_key AS k FROM decisions WHERE type = ? AND subject_id = ?`).bind(type, subjectId).all<{ k: string }>();
  return results.map((r) => r.k);
}

/** A decision waiting for a person, as the "needs you" queue shows it. */
export interface WaitingDecision {
  id: string;
  type: string;
  subjectType: string;
  subjectId: string;
  dedupeKey: string;
  reasons: string[];
  actions: { kind: string; connector: string; params: Record<string, unknown> }[];
  createdAt: number;
}

/** Decisions waiting for a person and not snoozed past `now`, oldest first (the oldest has waited longest). */
export async function listWaitingDecisions(db: D1Database, now: number, limit = 50): Promise<WaitingDecision[]> {
  const { results } = await db
    .prepare(
      `SELECT id, type, subject_type AS subjectType, subject_id AS subjectId, dedupe_key AS dedupeKey, reasons, actions, created_at AS createdAt
       FROM decisions WHERE review_status = 'waiting' AND (review_until IS NULL OR review_until <= ?) ORDER BY created_at LIMIT ?`,
    )
    .bind(now, limit)
    .all<Omit<WaitingDecision, "reasons" | "actions"> & { reasons: string; actions: string }>();
  return results.map((r) => ({ ...r, reasons: JSON.parse(r.reasons), actions: JSON.parse(r.actions) }));
}

/** How many decisions wait for a person now (snoozed ones excluded). */
export async function countWaitingDecisions(db: D1Database, now: number): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM decisions WHERE review_status = 'waiting' AND (review_until IS NULL OR review_until <= ?)`)
    .bind(now)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export type ReviewVerdict = "approved" | "dismissed" | "snoozed";

export interface ReviewRecord {
  verdict: ReviewVerdict;
  by: string;
  note: string | null;
  until: number | null;
  at: number;
}

/**
 * Moves a waiting decision to its verdict and writes the review, in one batch. Only a decision that
 * is still waiting moves, so two clicks on Approve (or Approve racing Dismiss) settle it once; the
 * loser gets null. Snooze keeps it waiting, off the queue until `until`.
 */
export async function reviewDecision(
  db: D1Database,
  id: string,
  review: { verdict: ReviewVerdict; by: string; note: string | null; until: number | null },
  now: number,
): Promise<{ id: string; dedupeKey: string; subjectType: string; subjectId: string; actions: string } | null> {
  const status: ReviewStatus = review.verdict === "snoozed" ? "waiting" : review.verdict;
  const [moved] = (await db.batch([
    db
      .prepare(
        `UPDATE decisions SET review_status = ?, review_until = ? WHERE id = ? AND review_status = 'waiting'
         RETURNING id, dedupe_key AS dedupeKey, subject_type AS subjectType, subject_id AS subjectId, actions`,
      )
      .bind(status, review.verdict === "snoozed" ? review.until : null, id),
    // Written only when the update above moved the row (changes() is that statement's count).
    db
      .prepare(`INSERT INTO decision_reviews (id, decision_id, verdict, by, note, until, at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE changes() > 0`)
      .bind(`rev_${crypto.randomUUID()}`, id, review.verdict, review.by, review.note, review.until, now),
  ])) as [D1Result<{ id: string; dedupeKey: string; subjectType: string; subjectId: string; actions: string }>, D1Result];
  return moved.results[0] ?? null;
}

/** Every review of one decision, oldest first: who approved, dismissed or snoozed it, and why. */
export async function listReviews(db: D1Database, decisionId: string): Promise<ReviewRecord[]> {
  const { results } = await db
    .prepare(`SELECT verdict, by, note, until, at FROM decision_reviews WHERE decision_id = ? ORDER BY at, rowid`)
    .bind(decisionId)
    .all<ReviewRecord>();
  return results;
}

/** The reviews of several decisions at once (the dashboard's feed), by decision id. */
export async function reviewsFor(db: D1Database, decisionIds: readonly string[]): Promise<Map<string, ReviewRecord[]>> {
  const out = new Map<string, ReviewRecord[]>();
  for (let i = 0; i < decisionIds.length; i += 90) {
    const ids = decisionIds.slice(i, i + 90);
    if (!ids.length) continue;
    const { results } = await db
      .prepare(`SELECT decision_id AS decisionId, verdict, by, note, until, at FROM decision_reviews WHERE decision_id IN (${ids.map(() => "?").join(",")}) ORDER BY at, rowid`)
      .bind(...ids)
      .all<ReviewRecord & { decisionId: string }>();
    for (const { decisionId, ...r } of results) out.set(decisionId, [...(out.get(decisionId) ?? []), r]);
  }
  return out;
}
