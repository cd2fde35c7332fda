/** Policy storage: every saved policy is a new version; decisions name the version they ran under. */
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../decisions/policy";

export interface StoredPolicy {
  version: number;
  policy: Policy;
  createdAt: number | null;
}

/** The current policy; version 0 means the defaults in code (nothing saved yet). */
export async function loadPolicy(db: D1Database): Promise<StoredPolicy> {
  const row = await db.prepare(`SELECT version, body, created_at AS createdAt FROM policies ORDER BY version DESC LIMIT 1`).first<{ version: number; body: string; createdAt: number }>();
  if (!row) return { version: 0, policy: DEFAULT_POLICY, createdAt: null };
  // A stored policy was valid when saved; re-parse over the defaults so new keys get their default.
  const parsed = parsePolicy(JSON.parse(row.body));
  return { version: row.version, policy: parsed.ok ? parsed.policy : DEFAULT_POLICY, createdAt: row.createdAt };
}

export type SavePolicyResult = { ok: true; stored: StoredPolicy } | { ok: false; issues: { path: string; message: string }[] };

/** Validates `patch` over the current policy; saves a new version only when valid. */
export async function savePolicy(db: D1Database, patch: unknown, now: number): Promise<SavePolicyResult> {
  const current = await loadPolicy(db);
  const parsed = parsePolicy(patch, current.policy);
  if (!parsed.ok) return { ok: false, issues: parsed.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
  const version = current.version + 1;
  // Concurrent saves race on the primary key; the loser gets a clear error instead of a lost update.
  await db.prepare(`INSERT INTO policies (version, body, created_at) VALUES (?, ?, ?)`).bind(version, JSON.stringify(parsed.policy), now).run();
  return { ok: true, stored: { version, policy: parsed.policy, createdAt: now } };
}
