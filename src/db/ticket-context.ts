/** Reads for ticket context that stays true: a ticket's last context note, an order's open tickets, and the week's tickets with their shipments for root-cause hints. */
import { CLOSED_TICKET_STATUSES, type HelpdeskName } from "../canonical/vocabulary";
import type { ShipmentForHints, TicketForHints } from "../decisions/models/tickets";
import { originOf } from "./rule-inputs";

/** Every context note's outbox key starts with this, then the ticket row id (pipeline/ticket-context.ts). */
export const CONTEXT_NOTE_PREFIX = "ticket-context:";

export interface LinkedTicket {
  /** The tickets row id (helpdesk:ticket id). */
  id: string;
  helpdesk: HelpdeskName;
  ticketId: string;
  category: string;
  orderId: string;
}

const OPEN = `status NOT IN (${CLOSED_TICKET_STATUSES.map((s) => `'${s}'`).join(", ")})`;

/** Open tickets linked to an order (tickets_order index): the ones whose note a journey change refreshes. */
export async function openTicketsOfOrder(db: D1Database, orderId: string): Promise<LinkedTicket[]> {
  const { results } = await db
    .prepare(`SELECT id, helpdesk, ticket_id AS ticketId, category, order_id AS orderId FROM tickets WHERE order_id = ? AND ${OPEN} LIMIT 20`)
    .bind(orderId)
    .all<LinkedTicket>();
  return results.map((r) => ({ ...r, ticketId: String(r.ticketId) }));
}

export interface LastContextNote {
  idempotencyKey: string;
  kind: string;
  status: string;
  /** The vendor's note id (Freshdesk) once the note was created. */
  externalId: string | null;
  params: { noteId?: string };
  createdAt: number;
}

/** The newest context note action for a ticket (actions_subject index), whatever its state. */
export async function lastContextNote(db: D1Database, ticketRowId: string): Promise<LastContextNote | null> {
  const row = await db
    .prepare(
      `SELECT idempotency_key AS idempotencyKey, kind, status, external_id AS externalId, params, created_at AS createdAt FROM actions
       WHERE subject_type = 'ticket' AND subject_id = ? AND kind IN ('helpdesk.internal_note', 'helpdesk.update_note') AND substr(idempotency_key, 1, ?) = ?
       ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    )
    .bind(ticketRowId, CONTEXT_NOTE_PREFIX.length, CONTEXT_NOTE_PREFIX)
    .first<Omit<LastContextNote, "params"> & { params: string }>();
  if (!row) return null;
  let params: { noteId?: string } = {};
  try {
    params = JSON.parse(row.params) as { noteId?: string };
  } catch {
    params = {};
  }
  return { ...row, params };
}

/** Whether any of these outbox keys is already taken (a note for this very journey moment exists). */
export async function anyActionKey(db: D1Database, keys: readonly string[]): Promise<boolean> {
  if (!keys.length) return false;
  const row = await db.prepare(`SELECT 1 AS n FROM actions WHERE idempotency_key IN (${keys.map(() => "?").join(", ")}) LIMIT 1`).bind(...keys).first();
  return row !== null;
}

/**
 * The tickets created in [since, now] with their order's shipment (carrier, first-scan origin,
 * journey state, silent for `stallHours` or not), as rootCauseHints reads them. One statement that
 * groups in SQL (a few rows cross the D1 boundary, not one per ticket), expanded back to one entry per
 * ticket: the overview renders this on every request.
 */
export async function ticketsForHints(db: D1Database, since: number, now: number, stallHours: number, limit = 20_000): Promise<{ tickets: TicketForHints[]; shipments: Map<string, ShipmentForHints> }> {
  const stallBefore = now - stallHours * 3_600_000;
  const { results } = await db
    .prepare(
      `SELECT category, carrier, state, stale, firstLocation, count(*) AS n FROM (
         SELECT t.category, j.carrier, j.state, (j.last_scan_at IS NOT NULL AND j.last_scan_at <= ?) AS stale,
                (SELECT s.location FROM shipment_events s WHERE s.order_id = t.order_id AND s.is_return = 0 AND s.location IS NOT NULL ORDER BY s.occurred_at LIMIT 1) AS firstLocation
         FROM tickets t LEFT JOIN journeys j ON j.order_id = t.order_id
         WHERE t.created_at >= ? AND t.created_at <= ? ORDER BY t.created_at DESC LIMIT ?
       ) GROUP BY category, carrier, state, stale, firstLocation`,
    )
    .bind(stallBefore, since, now, limit)
    .all<{ category: string; carrier: string | null; state: string | null; stale: number; firstLocation: string | null; n: number }>();
  const tickets: TicketForHints[] = [];
  const shipments = new Map<string, ShipmentForHints>();
  results.forEach((r, g) => {
    // One shipment per group stands for the group's orders: the hints count tickets per carrier × origin × condition.
    const orderId = r.state ? `group-${g}` : null;
    if (orderId) shipments.set(orderId, { carrier: r.carrier, origin: r.firstLocation ? originOf(r.firstLocation) : null, state: r.state!, lastScanAt: r.stale ? stallBefore : now });
    for (let i = 0; i < r.n; i++) tickets.push({ category: r.category, createdAt: now, orderId });
  });
  return { tickets, shipments };
}
