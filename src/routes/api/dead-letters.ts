/** GET /api/dead-letters and POST /api/dead-letters/:id/replay. */
import { Hono } from "hono";
import { deadLetterRawEvent, listDeadLetters, markReplayed } from "../../db/raw-events";
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
  const row = await deadLetterRawEvent(c.env.DB, id);
  if (!row) throw new HttpError(404, "dead letter not found");
  if (!row.rawEventId) throw new HttpError(409, "this dead letter was rejected at the door and has no stored event to replay");
  // Replayed before and processed since: nothing to do again (and after the retention window its body is blank).
  if (row.rawStatus === "processed") throw new HttpError(409, "this dead letter's event was processed after an earlier replay; there is nothing to replay");
  await markReplayed(c.env.DB, id, row.rawEventId, Date.now());
  await c.env.INGEST.send({ rawEventId: row.rawEventId });
  return c.json({ ok: true, rawEventId: row.rawEventId }, 202);
});
