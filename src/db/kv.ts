/** The small key/value table: watermarks, one-time OAuth states, per-store flags. */

export async function getKv(db: D1Database, key: string): Promise<string | null> {
  return (await db.prepare(`SELECT value FROM kv WHERE key = ?`).bind(key).first<{ value: string }>())?.value ?? null;
}

export async function setKv(db: D1Database, key: string, value: string, now: number): Promise<void> {
  await db
    .prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
    .bind(key, value, now)
    .run();
}

export async function deleteKv(db: D1Database, key: string): Promise<void> {
  await db.prepare(`DELETE FROM kv WHERE key = ?`).bind(key).run();
}

/** Reads and deletes in one statement: a value taken once cannot be taken again (OAuth states). */
export async function takeKv(db: D1Database, key: string): Promise<{ value: string; updatedAt: number } | null> {
  return db.prepare(`DELETE FROM kv WHERE key = ? RETURNING value, updated_at AS updatedAt`).bind(key).first<{ value: string; updatedAt: number }>();
}
