/** GET /api/dead-letters and POST /api/dead-letters/:id/replay. */
import { Hono } from "hono";
import { listDeadLetters } from "../../db/raw-events";
import { HttpError } from "../../lib/errors";

export const deadLettersApi = new Hono<{ Bindings: Env }>();

deadLettersApi.get("/", async (c) => {
  const rows = await listDeadLetters(c.env.DB);
  return c.json({
    deadLetters: rows.map((r) => ({ id: r.id, source: r.source, topic: r.topic, reason: r.reason, rawEventId: r.rawEventId, receivedAt: new Date(r.receivedAt).toISOString() })),
  });
});

/** Re-ingests a dead letter's raw event (after a fix to the mapper, say). */
deadLettersApi.post("/:id/replay", async (c) => {
  const id = c.req.param("id");
  const row = await c.env.DB.prepare(`SELECT raw_event_id AS rawEventId FROM dead_letters WHERE id = ?`).bind(id).first<{ rawEventId: string | null }>();
  if (!row) throw new HttpError(404, "dead letter not found");
  if (!row.rawEventId) throw new HttpError(409, "this dead letter was rejected at the door and has no stored event to replay");
  await c.env.DB.batch([
    c.env.DB.prepare(`UPDATE raw_events SET status = 'queued', error = NULL WHERE id = ?`).bind(row.rawEventId),
    c.env.DB.prepare(`UPDATE dead_letters SET replayed_at = ? WHERE id = ?`).bind(Date.now(), id),
  ]);
  await c.env.INGEST.send({ rawEventId: row.rawEventId });
  return c.json({ ok: true, rawEventId: row.rawEventId }, 202);
});
