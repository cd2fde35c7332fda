/**
 * Raw-body retention (hourly): a processed webhook's raw body is kept RAW_BODY_RETENTION_DAYS after
 * receipt (replay, reconciliation debugging, a privacy request), then blanked. The row stays (id,
 * source, topic, times, status): the health panel, the anomaly check and the pipeline status count
 * rows, never bodies. Rows still received, queued or dead keep their bodies (recovery re-sends them,
 * dead letters are replayed from them).
 *
 * Why: D1 holds about 5.8 KB per event, most of it the body, and a database holds at most 10 GB on
 * Workers Paid (https://developers.cloudflare.com/d1/platform/limits/, "Maximum database size",
 * read 2026-12-01): one brand at 50,000 orders a month reaches it in about two months.
 */
import {
  loadPruneCursor,
  pruneCursorPutStatement,
  prunePageEndStatement,
  prunePageStatement,
  pruneReplayedStatement,
  type PruneCursor,
} from "../db/raw-body-retention";
import { logEvent } from "../lib/log";

const DAY_MS = 86_400_000;

export const RAW_BODY_RETENTION_DEFAULT_DAYS = 30;
export const RAW_BODY_RETENTION_MAX_DAYS = 3650;

/**
 * Rows per page and pages per run. Each page is one db.batch (one D1 round trip, 4 bound
 * parameters a statement; D1 allows 1,000 queries per invocation and 100 parameters per statement,
 * same page as above). 20 pages of 1,000 is 20,000 bodies an hour: one brand receives about 1,000
 * events an hour and ten brands' worth about 10,000, so a run keeps up and a backlog (the first run
 * after deploying on a full database) drains at 480,000 a day, continuing from the cursor each hour.
 */
export const PRUNE_PAGE_ROWS = 1000;
export const PRUNE_MAX_PAGES = 20;
/** A replayed dead letter is processed within minutes; a week covers a consumer that was down for days. */
const REPLAY_LOOKBACK_MS = 7 * DAY_MS;

/**
 * RAW_BODY_RETENTION_DAYS: absent or empty → the default; else a whole number of days from 1 to
 * 3650, written as digits (like `?limit=`, src/routes/api/limit.ts). Anything else (0, -5, 7.5,
 * "30d") is refused with a reason and the default is used: a typo must not mean "keep forever"
 * nor "blank everything now".
 */
export function parseRetentionDays(value: string | undefined): { days: number; problem: string | null } {
  const raw = (value ?? "").trim();
  if (raw === "") return { days: RAW_BODY_RETENTION_DEFAULT_DAYS, problem: null };
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= RAW_BODY_RETENTION_MAX_DAYS) return { days: n, problem: null };
  return {
    days: RAW_BODY_RETENTION_DEFAULT_DAYS,
    problem: `RAW_BODY_RETENTION_DAYS must be a whole number of days from 1 to ${RAW_BODY_RETENTION_MAX_DAYS}; got ${JSON.stringify(raw.slice(0, 40))}, using ${RAW_BODY_RETENTION_DEFAULT_DAYS}`,
  };
}

/** Values already warned about in this isolate: a bad setting is logged once, not every hour. */
const warned = new Set<string>();

export function rawBodyRetentionDays(env: { RAW_BODY_RETENTION_DAYS?: string }): number {
  const { days, problem } = parseRetentionDays(env.RAW_BODY_RETENTION_DAYS);
  if (problem && !warned.has(problem)) {
    warned.add(problem);
    logEvent("config_warning", { setting: "RAW_BODY_RETENTION_DAYS", problem });
  }
  return days;
}

export interface PruneRun {
  /** Bodies of rows received before this (epoch ms) may be blanked. */
  cutoff: number;
  /** Pages read (each one D1 round trip). */
  pages: number;
  /** Processed rows the pages covered (already blank ones included). */
  scanned: number;
  /** Bodies blanked by the pages. */
  blanked: number;
  /** Bodies blanked because a replayed dead letter was processed behind the cursor. */
  blankedReplayed: number;
  /** False when the page budget ran out first: the next run continues from the cursor. */
  complete: boolean;
  cursor: PruneCursor;
}

export async function pruneRawBodies(
  db: D1Database,
  now: number,
  o: { retentionDays: number; pageRows?: number; maxPages?: number },
): Promise<PruneRun> {
  const pageRows = o.pageRows ?? PRUNE_PAGE_ROWS;
  const maxPages = o.maxPages ?? PRUNE_MAX_PAGES;
  const cutoff = now - o.retentionDays * DAY_MS;
  const run: PruneRun = { cutoff, pages: 0, scanned: 0, blanked: 0, blankedReplayed: 0, complete: false, cursor: await loadPruneCursor(db) };
  // The cursor a page moved to is written in the next page's batch (or alone at the end): a run
  // that stops between the two re-reads one page next time, and blank rows cost no write.
  let unsaved: D1PreparedStatement | null = null;
  while (run.pages < maxPages) {
    const statements: D1PreparedStatement[] = [];
    if (unsaved) statements.push(unsaved);
    const replayedAt = run.pages === 0 ? statements.push(pruneReplayedStatement(db, cutoff, now - REPLAY_LOOKBACK_MS)) - 1 : -1;
    const endAt = statements.push(prunePageEndStatement(db, run.cursor, cutoff, pageRows)) - 1;
    const updateAt = statements.push(prunePageStatement(db, run.cursor, cutoff, pageRows)) - 1;
    const results = await db.batch(statements);
    unsaved = null;
    run.pages++;
    if (replayedAt >= 0) run.blankedReplayed += results[replayedAt]!.meta.changes ?? 0;
    run.blanked += results[updateAt]!.meta.changes ?? 0;
    const end = results[endAt]!.results[0] as { n: number; at: number; rowid: number } | undefined;
    if (!end || end.n === 0) {
      run.complete = true;
      break;
    }
    run.scanned += end.n;
    run.cursor = { at: end.at, rowid: end.rowid };
    unsaved = pruneCursorPutStatement(db, run.cursor, now);
    if (end.n < pageRows) {
      run.complete = true;
      break;
    }
  }
  if (unsaved) await unsaved.run();
  logEvent("raw_bodies_pruned", {
    retentionDays: o.retentionDays,
    pages: run.pages,
    scanned: run.scanned,
    blanked: run.blanked,
    blankedReplayed: run.blankedReplayed,
    complete: run.complete,
  });
  return run;
}
