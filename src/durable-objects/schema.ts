/**
 * Durable Object storage with a schema version and forward migrations (as cloudflare/agents keeps
 * its `_ensureSchema`): each object stores the version its tables are at, and on start runs every
 * migration after it, in order, inside `blockConcurrencyWhile`. A table change is a new entry at
 * the end of the list, never an edit of an old one, so an object created by any earlier release
 * arrives at the same tables.
 */

/** Migration n (1-based) is `migrations[n - 1]`: the statements that take storage from n − 1 to n. */
export type StorageMigrations = readonly (readonly string[])[];

export function migrateStorage(sql: SqlStorage, migrations: StorageMigrations): number {
  sql.exec(`CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
  const current = sql.exec<{ version: number }>(`SELECT version FROM _schema WHERE id = 1`).toArray()[0]?.version ?? 0;
  for (let v = current; v < migrations.length; v++) {
    for (const statement of migrations[v]!) sql.exec(statement);
  }
  if (current < migrations.length) {
    sql.exec(`INSERT INTO _schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`, migrations.length);
  }
  return migrations.length;
}

/** The object's SQL storage, migrated to the latest version before any request reaches the object. */
export function openStorage(ctx: DurableObjectState, migrations: StorageMigrations): SqlStorage {
  const sql = ctx.storage.sql;
  void ctx.blockConcurrencyWhile(async () => {
    migrateStorage(sql, migrations);
  });
  return sql;
}
