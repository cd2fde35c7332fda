/** The decision log: one row per decision, deduplicated on its key so nothing fires twice. */
import type { Suppression } from "../decisions/contact-policy";
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
  mode: "live" | "shadow";
  createdAt: string;
  /** Customer messages the contact policy did not send, each with its reason. */
  suppressed: Suppression[];
}

/** Inserts the decision unless its dedupe key exists; returns its id and whether this call created it. */
export async function recordDecision(
  db: D1Database,
  draft: DecisionDraft,
  meta: { policyVersion: number; mode: "live" | "shadow"; suppressed?: readonly Suppression[] },
  now: number,
): Promise<{ id: string; inserted: boolean; mode: "live" | "shadow" }> {
  const id = `dec_${crypto.randomUUID()}`;
  const row = await db
    .prepare(
      `INSERT INTO decisions (id, type, subject_type, subject_id, dedupe_key, reasons, inputs, actions, policy_version, mode, created_at, suppressed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    )
    .bind(id, draft.type, draft.subjectType, draft.subjectId, draft.dedupeKey, JSON.stringify(draft.reasons), JSON.stringify(draft.inputs), JSON.stringify(draft.actions), meta.policyVersion, meta.mode, now, JSON.stringify(meta.suppressed ?? []))
    .first<{ id: string }>();
  if (row) return { id: row.id, inserted: true, mode: meta.mode };
  const existing = await db.prepare(`SELECT id, mode FROM decisions WHERE dedupe_key = ?`).bind(draft.dedupeKey).first<{ id: string; mode: "live" | "shadow" }>();
  return { id: existing?.id ?? id, inserted: false, mode: existing?.mode ?? meta.mode };
}

type RawDecision = Omit<DecisionRow, "reasons" | "inputs" | "actions" | "createdAt" | "suppressed"> & { reasons: string; inputs: string; actions: string; createdAt: number; suppressed: string };

const COLUMNS = `id, type, subject_type AS subjectType, subject_id AS subjectId, dedupe_key AS dedupeKey, reasons, inputs, actions,
  policy_version AS policyVersion, mode, created_at AS createdAt, suppressed`;

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
