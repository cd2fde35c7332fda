/**
 * Ticket context that stays true: the internal note on a ticket linked to an order is written when
 * the ticket arrives and again whenever the journey changes materially (a new state, a new ETA day,
 * another failed delivery attempt), never per plain scan. Each helpdesk's own mechanism:
 *
 * - Freshdesk: notes can be edited ("Update a conversation", PUT /api/v2/conversations/[id], notes
 *   only: https://developers.freshdesk.com/api/#update_conversation), so the note Switchyard created
 *   (its id read from the "Create a note" answer) is rewritten in place.
 * - Zendesk: comments are added through the Tickets API and cannot be edited, only redacted or made
 *   private (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/), so each
 *   material change is one new private comment that says which earlier note it supersedes.
 * - Gorgias: notes are ticket messages on the internal-note channel, created with POST
 *   /api/tickets/{id}/messages (https://developers.gorgias.com/docs/create-a-new-message-in-ticket-via-api);
 *   Switchyard does not edit them, so, as for Zendesk, one new note per change, marking the last superseded.
 *
 * A Freshdesk note whose id is not known yet (still in the outbox, or a dry run) is superseded the same way.
 */
import type { ActionSpec } from "../canonical/actions";
import { actionKey, type HelpdeskName } from "../canonical/vocabulary";
import { enqueueActions } from "../db/actions";
import type { AppliedBatch } from "../db/canonical-writes";
import { anyActionKey, CONTEXT_NOTE_PREFIX, lastContextNote, openTicketsOfOrder, ticketsForHints, type LastContextNote } from "../db/ticket-context";
import { DEFAULT_HINT_OPTIONS, rootCauseHints, type RootCauseHint } from "../decisions/models/tickets";
import { IST_OFFSET_MS } from "../lib/time";
import type { ForwardResult } from "./forward";
import { orderContext, orderContextNote, type OrderContext } from "./helpdesk-context";

const DAY_MS = 86_400_000;

interface Target {
  rowId: string;
  helpdesk: HelpdeskName;
  ticketId: string;
  category: string;
  orderId: string;
}

/** What makes a note stale: the journey state, the ETA's day (IST) and the number of failed attempts. */
export interface ContextMoment {
  state: string;
  etaDay: string;
  failedAttempts: number;
}

export function contextMoment(c: OrderContext): ContextMoment {
  const j = c.journey;
  const etaDay = j?.eta ? new Date(Date.parse(j.eta) + IST_OFFSET_MS).toISOString().slice(0, 10) : "none";
  return { state: j?.state ?? "not_shipped", etaDay, failedAttempts: j?.failedAttempts ?? 0 };
}

const momentKey = (m: ContextMoment) => `${m.state}.${m.etaDay}.${m.failedAttempts}`;

function parseMoment(key: string): ContextMoment | null {
  const [state, etaDay, failed] = key.split(".");
  return state && etaDay && failed !== undefined && /^\d+$/.test(failed) ? { state, etaDay, failedAttempts: Number(failed) } : null;
}

/** "journey in_transit → out_for_delivery; ETA 2026-03-11 → 2026-03-13; failed delivery attempt 1 (NDR)". */
export function whatChanged(before: ContextMoment | null, now: ContextMoment): string {
  if (!before) return "the order's journey moved";
  const parts: string[] = [];
  if (before.state !== now.state) parts.push(`journey ${before.state} → ${now.state}`);
  if (before.etaDay !== now.etaDay) parts.push(`ETA ${before.etaDay} → ${now.etaDay}`);
  if (now.failedAttempts > before.failedAttempts) parts.push(`failed delivery attempt ${now.failedAttempts} (NDR)`);
  return parts.join("; ") || "the order's journey moved";
}

const istStamp = (ms: number) => `${new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ")} IST`;

/** The note: the order context, then this week's root-cause hints for the ticket's category. */
export function contextNoteBody(c: OrderContext, hints: readonly RootCauseHint[], header: string | null): string {
  const lines = [orderContextNote(c)];
  if (hints.length) lines.push(`Why customers write in this week: ${hints.map((h) => h.text).join("; ")}`);
  return header ? `${header}\n${lines.join("\n")}` : lines.join("\n");
}

/**
 * Writes or refreshes the context note of every ticket this batch touched (a new or updated ticket
 * linked to an order) and of every open ticket on an order whose journey this batch moved.
 */
export async function refreshTicketContext(env: Env, applied: AppliedBatch, forwarded: ForwardResult, now: number): Promise<void> {
  const targets = new Map<string, Target>();
  for (const t of applied.tickets) {
    if (t.orderId) targets.set(t.id, { rowId: t.id, helpdesk: t.ticket.helpdesk, ticketId: t.ticket.ticketId, category: t.ticket.category, orderId: t.orderId });
  }
  for (const u of forwarded.journeys) {
    // A journey update that stored nothing new cannot have changed what the note says.
    if (!u.newEventIds.length && !u.newTransitions.length) continue;
    for (const t of await openTicketsOfOrder(env.DB, u.orderId)) {
      if (!targets.has(t.id)) targets.set(t.id, { rowId: t.id, helpdesk: t.helpdesk, ticketId: t.ticketId, category: t.category, orderId: t.orderId });
    }
  }
  let hints: RootCauseHint[] | null = null;
  for (const target of targets.values()) {
    const ctx = await orderContext(env.DB, target.orderId);
    if (!ctx) continue;
    const moment = contextMoment(ctx);
    const keyPrefix = `${CONTEXT_NOTE_PREFIX}${target.rowId}:${target.orderId}:${momentKey(moment)}`;
    // This very moment already has its note: a plain scan, or a redelivered event.
    if (await anyActionKey(env.DB, [actionKey(keyPrefix, 0, "helpdesk.internal_note"), actionKey(keyPrefix, 0, "helpdesk.update_note")])) continue;
    hints ??= await weekHints(env.DB, now);
    const previous = await lastContextNote(env.DB, target.rowId);
    const spec = noteSpec(target, ctx, hints.filter((h) => h.category === target.category), previous, moment, now);
    await enqueueActions(env, { decisionId: null, subjectType: "ticket", subjectId: target.rowId, specs: [spec], keyPrefix }, now);
  }
}

async function weekHints(db: D1Database, now: number): Promise<RootCauseHint[]> {
  const { tickets, shipments } = await ticketsForHints(db, now - DEFAULT_HINT_OPTIONS.windowDays * DAY_MS, now, DEFAULT_HINT_OPTIONS.stallHours);
  return rootCauseHints(tickets, shipments, now);
}

/** The previous note's moment, read back from its outbox key (prefix, ticket, order, moment, index, kind). */
function previousMoment(previous: LastContextNote, target: Target): ContextMoment | null {
  const head = `${CONTEXT_NOTE_PREFIX}${target.rowId}:${target.orderId}:`;
  if (!previous.idempotencyKey.startsWith(head)) return null;
  return parseMoment(previous.idempotencyKey.slice(head.length).split(":")[0] ?? "");
}

function noteSpec(target: Target, ctx: OrderContext, hints: readonly RootCauseHint[], previous: LastContextNote | null, moment: ContextMoment, now: number): ActionSpec {
  if (!previous) {
    return { kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk: target.helpdesk, ticketId: target.ticketId, body: contextNoteBody(ctx, hints, null) } };
  }
  const change = whatChanged(previousMoment(previous, target), moment);
  const noteId = previous.kind === "helpdesk.update_note" ? (previous.params.noteId ?? null) : previous.externalId;
  if (target.helpdesk === "freshdesk" && noteId && /^\d+$/.test(noteId)) {
    const body = contextNoteBody(ctx, hints, `Updated ${istStamp(now)}: ${change}.`);
    return { kind: "helpdesk.update_note", connector: "helpdesk", params: { helpdesk: "freshdesk", ticketId: target.ticketId, noteId, body } };
  }
  const header = `Supersedes the Switchyard note of ${istStamp(previous.createdAt)}: ${change}.`;
  return { kind: "helpdesk.internal_note", connector: "helpdesk", params: { helpdesk: target.helpdesk, ticketId: target.ticketId, body: contextNoteBody(ctx, hints, header) } };
}
