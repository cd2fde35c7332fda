/** Multi-row writes within D1's limit of 100 bound parameters per statement. */

export const MAX_BOUND_PARAMETERS = 100;

export type SqlValue = string | number | null;

/** Ids per `IN (…)` list, leaving room under the parameter limit for a few other bindings. */
export const IDS_PER_STATEMENT = 90;

/** `items` in slices of at most `size` (one `IN (…)` list each). */
export function slices<T>(items: readonly T[], size = IDS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Builds one INSERT per chunk of rows, each binding at most 100 parameters.
 * `tail` is appended verbatim (an ON CONFLICT clause, say).
 */
export function chunkedInserts(
  db: D1Database,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  tail = "",
): D1PreparedStatement[] {
  if (columns.length > MAX_BOUND_PARAMETERS) throw new Error(`${table}: ${columns.length} columns exceed one statement`);
  const perChunk = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns.length));
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    for (const row of chunk) {
      if (row.length !== columns.length) throw new Error(`${table}: row has ${row.length} values for ${columns.length} columns`);
    }
    const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => placeholders).join(", ")} ${tail}`;
    statements.push(db.prepare(sql).bind(...chunk.flat()));
  }
  return statements;
}

/** Runs statements in D1 batches (each batch is one transaction). */
export async function runBatches(db: D1Database, statements: D1PreparedStatement[], perBatch = 50): Promise<void> {
  for (let i = 0; i < statements.length; i += perBatch) {
    await db.batch(statements.slice(i, i + perBatch));
  }
}
