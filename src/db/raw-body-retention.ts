/**
 * The statements of the raw-body retention job (src/jobs/prune-raw-bodies.ts): blank the body of
 * processed raw events received before a cutoff, one page at a time behind a cursor, so each run
 * reads only the range after the last one.
 */
import { kvGet, kvKeys, kvPutStatement } from "./kv";

/** The last processed raw event a run passed, in the order of the `raw_events_status (status, received_at)` index. */
export interface PruneCursor {
  at: number;
  rowid: number;
}

/** Before the first run: every processed row is after it (rowids start at 1, times at 0). */
export const PRUNE_CURSOR_START: PruneCursor = { at: -1, rowid: 0 };

/**
 * The next page of processed rows after the cursor and before the cutoff: ?1 cursor time, ?2 cursor
 * rowid, ?3 cutoff, ?4 page rows. `received_at >= ?1 AND received_at < ?3` is the index range
 * (status = 'processed', received_at in [cursor, cutoff)); the rowid breaks ties within one
 * millisecond and is in the index entry itself, so the page is read from the index, in its order,
 * without a sort. (A VACUUM can renumber rowids; at worst rows sharing the cursor's millisecond are
 * passed over once, and D1 does not let a Worker run VACUUM.)
 */
const PAGE = `SELECT rowid AS r, received_at AS at FROM raw_events
  WHERE status = 'processed' AND received_at >= ?1 AND received_at < ?3 AND (received_at > ?1 OR rowid > ?2)
  ORDER BY received_at, rowid LIMIT ?4`;

/** The page's row count and its last row, where the cursor moves to (no row: nothing left before the cutoff). */
export function prunePageEndStatement(db: D1Database, cursor: PruneCursor, cutoff: number, pageRows: number): D1PreparedStatement {
  return db
    .prepare(`WITH page AS (${PAGE}) SELECT (SELECT count(*) FROM page) AS n, at, r AS rowid FROM page ORDER BY at DESC, r DESC LIMIT 1`)
    .bind(cursor.at, cursor.rowid, cutoff, pageRows);
}

/**
 * Blanks the same page (in one db.batch with the statement above, so both see the same rows). Rows
 * already blank are skipped, so they cost no write. `body` is NOT NULL: blank is ''.
 */
export function prunePageStatement(db: D1Database, cursor: PruneCursor, cutoff: number, pageRows: number): D1PreparedStatement {
  return db.prepare(`UPDATE raw_events SET body = '' WHERE body <> '' AND rowid IN (SELECT r FROM (${PAGE}))`).bind(cursor.at, cursor.rowid, cutoff, pageRows);
}

/**
 * Rows the cursor passed while they were `dead` and that were processed later, after a dead letter
 * was replayed: found through the dead letters replayed since `replayedSince` (a replay is processed
 * within minutes, or fails and clears replayed_at), each by its primary key.
 */
export function pruneReplayedStatement(db: D1Database, cutoff: number, replayedSince: number): D1PreparedStatement {
  return db
    .prepare(
      // Unary + keeps SQLite from reaching these rows through the status index (every processed row
      // before the cutoff): they are looked up by id from the few dead letters.
      `UPDATE raw_events SET body = ''
       WHERE id IN (SELECT raw_event_id FROM dead_letters WHERE replayed_at >= ? AND raw_event_id IS NOT NULL)
         AND +status = 'processed' AND +received_at < ? AND body <> ''`,
    )
    .bind(replayedSince, cutoff);
}

export async function loadPruneCursor(db: D1Database): Promise<PruneCursor> {
  const value = await kvGet(db, kvKeys.rawBodyPruneCursor());
  if (!value) return PRUNE_CURSOR_START;
  try {
    const c = JSON.parse(value) as Partial<PruneCursor>;
    if (Number.isSafeInteger(c.at) && Number.isSafeInteger(c.rowid)) return { at: c.at!, rowid: c.rowid! };
  } catch {
    // A value this module did not write: start again from the beginning (blank rows cost no write).
  }
  return PRUNE_CURSOR_START;
}

export function pruneCursorPutStatement(db: D1Database, cursor: PruneCursor, now: number): D1PreparedStatement {
  return kvPutStatement(db, kvKeys.rawBodyPruneCursor(), JSON.stringify(cursor), now);
}
