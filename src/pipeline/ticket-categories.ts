/** The brand's own ticket classifier: learnt daily from tickets its agents tagged, applied at ingest. */
import type { SupportTicket } from "../canonical/model";
import { TicketCategory } from "../canonical/model";
import { classifyTicket } from "../canonical/classify";
import { classifyWithModel, labelFromTags, trainTicketModel, type TicketModel } from "../decisions/models/tickets";

const KEY = "model:tickets";

/** Trains on the last 180 days of tickets whose tags name a category; stores the model with its time. */
export async function refreshTicketModel(db: D1Database, now: number): Promise<number> {
  const { results } = await db
    .prepare(`SELECT subject, body, tags FROM tickets WHERE created_at >= ? AND tags != '[]' ORDER BY created_at DESC LIMIT 5000`)
    .bind(now - 180 * 86_400_000)
    .all<{ subject: string; body: string; tags: string }>();
  const examples = results
    .map((r) => ({ subject: r.subject, body: r.body, category: labelFromTags(JSON.parse(r.tags) as string[]) }))
    .filter((e): e is { subject: string; body: string; category: string } => e.category !== null);
  const model = trainTicketModel(examples);
  await db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
    .bind(KEY, JSON.stringify(model), now)
    .run();
  return examples.length;
}

export async function loadTicketModel(db: D1Database): Promise<TicketModel | null> {
  const row = await db.prepare(`SELECT value FROM kv WHERE key = ?`).bind(KEY).first<{ value: string }>();
  return row ? (JSON.parse(row.value) as TicketModel) : null;
}

/** Tags first, then the learnt model when it is confident, then the deterministic rules. */
export function categorise(model: TicketModel | null, t: SupportTicket): SupportTicket["category"] {
  const { category } = classifyWithModel(model, { subject: t.subject, body: t.body, tags: t.tags }, classifyTicket);
  const parsed = TicketCategory.safeParse(category);
  return parsed.success ? parsed.data : t.category;
}
