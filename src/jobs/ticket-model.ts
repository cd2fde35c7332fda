/** Daily: the brand's own ticket classifier, learnt from the tickets its agents tagged. */
import { taggedTickets } from "../db/history";
import { saveTicketModel } from "../db/models";
import { labelFromTags, trainTicketModel } from "../decisions/models/tickets";
import { DAY_MS } from "../lib/time";

/** Trains on the last 180 days of tickets whose tags name a category; stores the model with its time. */
export async function refreshTicketModel(db: D1Database, now: number): Promise<number> {
  const examples = (await taggedTickets(db, now - 180 * DAY_MS))
    .map((r) => ({ subject: r.subject, body: r.body, category: labelFromTags(JSON.parse(r.tags) as string[]) }))
    .filter((e): e is { subject: string; body: string; category: string } => e.category !== null);
  await saveTicketModel(db, trainTicketModel(examples), now);
  return examples.length;
}
