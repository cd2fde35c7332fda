/** What the morning digest reads: the waiting queue, what acted on its own, what went out, the anomalies. */
import type { DigestInput } from "../decisions/digest";
import { countWaitingDecisions, listWaitingDecisions } from "./decisions";

export async function loadDigestInput(db: D1Database, since: number, now: number, topItems: number): Promise<DigestInput> {
  const [waiting, waitingCount, batch] = await Promise.all([
    listWaitingDecisions(db, now, topItems),
    countWaitingDecisions(db, now),
    db.batch([
      db.prepare(`SELECT type, count(*) AS count FROM decisions WHERE created_at >= ? AND mode = 'live' GROUP BY type ORDER BY count(*) DESC`).bind(since),
      db.prepare(`SELECT count(*) AS n FROM actions WHERE updated_at >= ? AND status IN ('sent', 'dry_run', 'delivered', 'read')`).bind(since),
      db.prepare(`SELECT reasons, inputs, review_status AS reviewStatus, created_at AS createdAt FROM decisions WHERE type = 'anomaly' AND created_at >= ? ORDER BY created_at LIMIT 50`).bind(since),
    ]),
  ]);
  const [handled, sent, anomalies] = batch as [D1Result<{ type: string; count: number }>, D1Result<{ n: number }>, D1Result<{ reasons: string; inputs: string; reviewStatus: string | null; createdAt: number }>];
  return {
    since,
    waitingCount,
    waiting: waiting.map((w) => ({ id: w.id, type: w.type, subjectType: w.subjectType, subjectId: w.subjectId, reasons: w.reasons, createdAt: w.createdAt })),
    handled: handled.results,
    actionsSent: sent.results[0]?.n ?? 0,
    anomalies: anomalies.results.map((a) => {
      const inputs = JSON.parse(a.inputs) as { title?: unknown; kind?: unknown };
      const reasons = JSON.parse(a.reasons) as string[];
      return { title: typeof inputs.title === "string" ? inputs.title : String(inputs.kind ?? "anomaly"), reasons, reviewStatus: a.reviewStatus, createdAt: a.createdAt };
    }),
  };
}
