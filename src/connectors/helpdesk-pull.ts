/**
 * Helpdesk ticket reads for reconciliation: the tickets updated since the last sync, with the same
 * accounts, hosts and auth the helpdesk actions use (helpdesk.ts), classified by the shared executor.
 *
 * - Gorgias: `GET /api/tickets?order_by=updated_datetime:desc&limit=100&trashed=false[&cursor=]` ("List tickets",
 *   Gorgias REST API reference, developers.gorgias.com/reference: order_by one of created_datetime / updated_datetime
 *   :asc/:desc, limit at most 100, `trashed` defaults to true), cursor-paginated with `meta.next_cursor`; cursors
 *   are opaque and short-lived, so none is kept between runs. https://developers.gorgias.com/reference/pagination ,
 *   https://developers.gorgias.com/changelog/deprecation-offset-based-pagination
 * - Freshdesk: `GET /api/v2/tickets?updated_since=<ISO>&order_by=updated_at&order_type=asc&per_page=100&page=N`
 *   ("List All Tickets"; at most 100 a page, pages from 1). https://developers.freshdesk.com/api/#list_all_tickets
 * - Zendesk: incremental ticket export, cursor based: `GET /api/v2/incremental/tickets/cursor.json?start_time=<unix s>`
 *   the first time, then `?cursor=<after_cursor>`; `end_of_stream` is true when it has caught up, and
 *   the last `after_cursor` is where the next poll starts; 10 requests a minute.
 *   https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/ ,
 *   https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api
 */
import type { FreshdeskConfig, GorgiasConfig, ZendeskConfig } from "./config";
import { helpdeskOrigin } from "./helpdesk";
import { asRecord, basicAuth, executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";

export const TICKETS_PER_PAGE = 100;

const get = (url: string, authorization: string): OutboundRequest => ({ method: "GET", url, headers: { authorization, accept: "application/json" }, body: null });

export function gorgiasTicketsRequest(c: GorgiasConfig, cursor: string | null): OutboundRequest {
  const q = new URLSearchParams({ order_by: "updated_datetime:desc", limit: String(TICKETS_PER_PAGE), trashed: "false" });
  if (cursor) q.set("cursor", cursor);
  return get(`${helpdeskOrigin(c.domain, "gorgias.com")}/api/tickets?${q}`, basicAuth(c.username, c.apiKey));
}

export function freshdeskTicketsRequest(c: FreshdeskConfig, updatedSince: string, page: number): OutboundRequest {
  // include=requester gives the requester's email and phone (how a ticket finds its customer), stats the first response.
  // Freshdesk's examples give whole seconds (2015-01-19T02:00:00Z).
  const q = new URLSearchParams({ updated_since: updatedSince.replace(/\.\d+Z$/, "Z"), order_by: "updated_at", order_type: "asc", per_page: String(TICKETS_PER_PAGE), page: String(page), include: "requester,stats" });
  return get(`${helpdeskOrigin(c.domain, "freshdesk.com")}/api/v2/tickets?${q}`, basicAuth(c.apiKey, "X"));
}

export function zendeskIncrementalRequest(c: ZendeskConfig, from: { startTime: number } | { cursor: string }): OutboundRequest {
  const q = "cursor" in from ? new URLSearchParams({ cursor: from.cursor }) : new URLSearchParams({ start_time: String(Math.floor(from.startTime / 1000)) });
  return get(`${helpdeskOrigin(c.subdomain, "zendesk.com")}/api/v2/incremental/tickets/cursor.json?${q}`, basicAuth(`${c.email}/token`, c.apiToken));
}

export type TicketRead<T> = { ok: true; body: T } | { ok: false; outcome: Outcome };

export interface GorgiasPage { tickets: Record<string, unknown>[]; nextCursor: string | null }
export interface ZendeskPage { tickets: Record<string, unknown>[]; afterCursor: string | null; endOfStream: boolean }

async function read(fetchFn: FetchFn, req: OutboundRequest, now: number): Promise<{ ok: true; body: unknown } | { ok: false; outcome: Outcome }> {
  const outcome = await executeRequest(fetchFn, req, { now });
  if (outcome.kind !== "sent") return { ok: false, outcome };
  return { ok: true, body: outcome.response };
}

const records = (v: unknown): Record<string, unknown>[] | null => (Array.isArray(v) ? v.map(asRecord).filter((r): r is Record<string, unknown> => r !== null) : null);
const unexpected = (what: string, body: unknown): { ok: false; outcome: Outcome } => ({ ok: false, outcome: { kind: "failed", httpStatus: 200, reason: `${what}: unexpected response`, response: body } });

/** One page of Gorgias tickets, newest change first: `{ data: [...], meta: { next_cursor } }`. */
export async function readGorgiasTickets(fetchFn: FetchFn, c: GorgiasConfig, cursor: string | null, now: number): Promise<TicketRead<GorgiasPage>> {
  const r = await read(fetchFn, gorgiasTicketsRequest(c, cursor), now);
  if (!r.ok) return r;
  const o = asRecord(r.body);
  const tickets = records(o?.data);
  if (!tickets) return unexpected("gorgias tickets", r.body);
  const next = asRecord(o?.meta)?.next_cursor;
  return { ok: true, body: { tickets, nextCursor: typeof next === "string" && next ? next : null } };
}

/** One page of Freshdesk tickets, oldest change first: a bare array. */
export async function readFreshdeskTickets(fetchFn: FetchFn, c: FreshdeskConfig, updatedSince: string, page: number, now: number): Promise<TicketRead<Record<string, unknown>[]>> {
  const r = await read(fetchFn, freshdeskTicketsRequest(c, updatedSince, page), now);
  if (!r.ok) return r;
  const tickets = records(r.body);
  return tickets ? { ok: true, body: tickets } : unexpected("freshdesk tickets", r.body);
}

/** One page of Zendesk's incremental ticket export: `{ tickets, after_cursor, end_of_stream }`. */
export async function readZendeskTickets(fetchFn: FetchFn, c: ZendeskConfig, from: { startTime: number } | { cursor: string }, now: number): Promise<TicketRead<ZendeskPage>> {
  const r = await read(fetchFn, zendeskIncrementalRequest(c, from), now);
  if (!r.ok) return r;
  const o = asRecord(r.body);
  const tickets = records(o?.tickets);
  if (!tickets) return unexpected("zendesk incremental tickets", r.body);
  const after = o?.after_cursor;
  return { ok: true, body: { tickets, afterCursor: typeof after === "string" && after ? after : null, endOfStream: o?.end_of_stream === true } };
}
