/** Ticket categories at ingest: the tags first, then the brand's learnt model when it is confident, then the deterministic rules. */
import { classifyTicket } from "../canonical/classify";
import { TicketCategory, type SupportTicket } from "../canonical/model";
import { loadTicketModelJson } from "../db/models";
import { classifyWithModel, type TicketModel } from "../decisions/models/tickets";

export async function loadTicketModel(db: D1Database): Promise<TicketModel | null> {
  const json = await loadTicketModelJson(db);
  return json ? (JSON.parse(json) as TicketModel) : null;
}

export function categorise(model: TicketModel | null, t: SupportTicket): SupportTicket["category"] {
  const { category } = classifyWithModel(model, { subject: t.subject, body: t.body, tags: t.tags }, classifyTicket);
  const parsed = TicketCategory.safeParse(category);
  return parsed.success ? parsed.data : t.category;
}
