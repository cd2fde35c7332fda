/**
 * Helpdesk reconciliation (every 5 minutes): per configured helpdesk, the tickets updated since the
 * last sync, read through the helpdesk's connector, each stored as the webhook-shaped raw event its
 * mapper takes (Gorgias: the ticket object; Freshdesk: the API ticket object; Zendesk: a trigger
 * body `{ ticket }`) with a deterministic delivery id, so a lost ticket webhook is repaired and a
 * repeat is stored once. Tickets D1 already holds at that version are not stored again. The sync
 * state per helpdesk lives in kv (`helpdesk_sync:<helpdesk>`). A helpdesk without credentials
 * (dry-run) is not called, and the job says so.
 */
import { HELPDESKS, type HelpdeskName } from "../canonical/vocabulary";
import { topicWithReceivedAt } from "../canonical/normalise";
import { configFromEnv, type ConnectorConfig, type FreshdeskConfig, type GorgiasConfig, type ZendeskConfig } from "../connectors/config";
import type { FetchFn, Outcome } from "../connectors/http";
import { readFreshdeskTickets, readGorgiasTickets, readZendeskTickets, TICKETS_PER_PAGE } from "../connectors/helpdesk-pull";
import { kvGet, kvKeys, kvPut } from "../db/kv";
import { storeAndEnqueue } from "../db/raw-events";
import { ticketsUpdatedAt } from "../db/reconcile-reads";
import { logEvent } from "../lib/log";

export type Helpdesk = HelpdeskName;

/** Pages one run reads per helpdesk (Zendesk allows 10 incremental-export requests a minute). */
export const HELPDESK_PAGES_PER_RUN = 3;
/** How far back the first sync of a helpdesk looks. */
export const FIRST_SYNC_LOOKBACK_MS = 86_400_000;

export interface HelpdeskPull {
  helpdesk: Helpdesk;
  ok: boolean;
  pulled: number;
  ingested: number;
  /** False when the page budget ran out first: the next run goes on from where this one stopped. */
  complete: boolean;
  reason?: string;
}

export interface HelpdeskPullReport {
  pulls: HelpdeskPull[];
  /** Helpdesks with no credentials (their connector runs in dry-run): not called. */
  notConfigured: Helpdesk[];
}

interface SyncState {
  /** Gorgias and Freshdesk: tickets updated at or after this ISO time are pulled. */
  since?: string;
  /** Gorgias: a walk down the list that ran out of pages, resumed on the next run. */
  resume?: { cursor: string; newest: string };
  /** Zendesk: the export's after_cursor, where the next poll starts. */
  cursor?: string;
}

export interface HelpdeskPullDeps {
  config?: ConnectorConfig;
  fetch?: FetchFn;
}

type Ticket = Record<string, unknown>;
const reasonOf = (o: Outcome) => ("reason" in o ? o.reason : o.kind);
const timeOf = (v: unknown): number | null => {
  const t = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
};

export async function pullHelpdeskTickets(env: Env, now: number, deps: HelpdeskPullDeps = {}): Promise<HelpdeskPullReport> {
  const config = deps.config ?? configFromEnv(env);
  const fetchFn: FetchFn = deps.fetch ?? ((u, i) => fetch(u, i));
  const notConfigured = HELPDESKS.filter((h) => !config[h]);
  if (notConfigured.length === HELPDESKS.length) {
    logEvent("helpdesk_pull_skipped", { reason: "no helpdesk credentials: every helpdesk connector is in dry-run" });
    return { pulls: [], notConfigured };
  }
  const pulls: HelpdeskPull[] = [];
  if (config.gorgias) pulls.push(await pullGorgias(env, config.gorgias, fetchFn, now));
  if (config.freshdesk) pulls.push(await pullFreshdesk(env, config.freshdesk, fetchFn, now));
  if (config.zendesk) pulls.push(await pullZendesk(env, config.zendesk, fetchFn, now));
  for (const p of pulls) logEvent(p.ok ? "helpdesk_pull" : "helpdesk_pull_failed", { helpdesk: p.helpdesk, pulled: p.pulled, ingested: p.ingested, complete: p.complete });
  return { pulls, notConfigured };
}

async function loadState(db: D1Database, helpdesk: Helpdesk): Promise<SyncState> {
  const raw = await kvGet(db, kvKeys.helpdeskSync(helpdesk));
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" ? (parsed as SyncState) : {};
  } catch {
    return {};
  }
}

const saveState = (db: D1Database, helpdesk: Helpdesk, state: SyncState, now: number) => kvPut(db, kvKeys.helpdeskSync(helpdesk), JSON.stringify(state), now);

/** Stores each ticket D1 lacks or holds an older version of; returns how many raw events were new. */
async function ingestTickets(env: Env, helpdesk: Helpdesk, tickets: { id: string; updatedAt: number; body: unknown }[], now: number): Promise<number> {
  const held = await ticketsUpdatedAt(env.DB, helpdesk, tickets.map((t) => t.id));
  let ingested = 0;
  for (const t of tickets) {
    const known = held.get(t.id);
    if (known !== undefined && known >= t.updatedAt) continue;
    const stored = await storeAndEnqueue(env, {
      source: helpdesk,
      deliveryId: `pull:${t.id}:${t.updatedAt}`,
      topic: helpdesk === "freshdesk" ? topicWithReceivedAt("ticket", now) : "ticket",
      triggeredAt: t.updatedAt,
      body: JSON.stringify(t.body),
      receivedAt: now,
    });
    if (stored.inserted) ingested += 1;
  }
  return ingested;
}

const ticketRef = (t: Ticket, updatedField: string) => {
  const id = t.id;
  const updatedAt = timeOf(t[updatedField]);
  return (typeof id === "number" || (typeof id === "string" && id)) && updatedAt !== null ? { id: String(id), updatedAt } : null;
};

/**
 * Gorgias lists newest change first: pages are read until a ticket older than the watermark. If the
 * page budget runs out first, the cursor is kept for the next run (Gorgias cursors are short-lived;
 * an expired one starts the walk over) and the watermark moves only when the walk reaches it.
 */
async function pullGorgias(env: Env, c: GorgiasConfig, fetchFn: FetchFn, now: number): Promise<HelpdeskPull> {
  const state = await loadState(env.DB, "gorgias");
  const since = state.since ?? new Date(now - FIRST_SYNC_LOOKBACK_MS).toISOString();
  const sinceMs = Date.parse(since);
  let cursor: string | null = state.resume?.cursor ?? null;
  let newest = state.resume?.newest ?? since;
  let pulled = 0;
  let ingested = 0;
  for (let page = 0; page < HELPDESK_PAGES_PER_RUN; page += 1) {
    const r = await readGorgiasTickets(fetchFn, c, cursor, now);
    if (!r.ok) {
      // A resumed cursor Gorgias no longer knows: the next run walks from the top again.
      if (cursor && r.outcome.kind === "failed") await saveState(env.DB, "gorgias", { since }, now);
      return { helpdesk: "gorgias", ok: false, pulled, ingested, complete: false, reason: reasonOf(r.outcome) };
    }
    const batch: { id: string; updatedAt: number; body: unknown }[] = [];
    let reached = false;
    for (const t of r.body.tickets) {
      const ref = ticketRef(t, "updated_datetime");
      if (!ref) continue;
      if (ref.updatedAt < sinceMs) {
        reached = true;
        break;
      }
      if (ref.updatedAt > Date.parse(newest)) newest = new Date(ref.updatedAt).toISOString();
      batch.push({ ...ref, body: t });
    }
    pulled += batch.length;
    ingested += await ingestTickets(env, "gorgias", batch, now);
    if (reached || !r.body.nextCursor) {
      await saveState(env.DB, "gorgias", { since: newest }, now);
      return { helpdesk: "gorgias", ok: true, pulled, ingested, complete: true };
    }
    cursor = r.body.nextCursor;
  }
  await saveState(env.DB, "gorgias", { since, resume: { cursor: cursor!, newest } }, now);
  return { helpdesk: "gorgias", ok: true, pulled, ingested, complete: false };
}

/** Freshdesk lists oldest change first from `updated_since`: the watermark moves to the last ticket read. */
async function pullFreshdesk(env: Env, c: FreshdeskConfig, fetchFn: FetchFn, now: number): Promise<HelpdeskPull> {
  const state = await loadState(env.DB, "freshdesk");
  const since = state.since ?? new Date(now - FIRST_SYNC_LOOKBACK_MS).toISOString();
  let newest = since;
  let pulled = 0;
  let ingested = 0;
  for (let page = 1; page <= HELPDESK_PAGES_PER_RUN; page += 1) {
    const r = await readFreshdeskTickets(fetchFn, c, since, page, now);
    if (!r.ok) {
      if (newest !== since) await saveState(env.DB, "freshdesk", { since: newest }, now);
      return { helpdesk: "freshdesk", ok: false, pulled, ingested, complete: false, reason: reasonOf(r.outcome) };
    }
    const batch = r.body.flatMap((t) => {
      const ref = ticketRef(t, "updated_at");
      return ref ? [{ ...ref, body: t }] : [];
    });
    for (const t of batch) if (t.updatedAt > Date.parse(newest)) newest = new Date(t.updatedAt).toISOString();
    pulled += batch.length;
    ingested += await ingestTickets(env, "freshdesk", batch, now);
    if (r.body.length < TICKETS_PER_PAGE) {
      await saveState(env.DB, "freshdesk", { since: newest }, now);
      return { helpdesk: "freshdesk", ok: true, pulled, ingested, complete: true };
    }
  }
  await saveState(env.DB, "freshdesk", { since: newest }, now);
  return { helpdesk: "freshdesk", ok: true, pulled, ingested, complete: false };
}

/** Zendesk's cursor export: the after_cursor of the last page read is where the next run starts. */
async function pullZendesk(env: Env, c: ZendeskConfig, fetchFn: FetchFn, now: number): Promise<HelpdeskPull> {
  const state = await loadState(env.DB, "zendesk");
  let from: { startTime: number } | { cursor: string } = state.cursor ? { cursor: state.cursor } : { startTime: now - FIRST_SYNC_LOOKBACK_MS };
  let pulled = 0;
  let ingested = 0;
  for (let page = 0; page < HELPDESK_PAGES_PER_RUN; page += 1) {
    const r = await readZendeskTickets(fetchFn, c, from, now);
    if (!r.ok) return { helpdesk: "zendesk", ok: false, pulled, ingested, complete: false, reason: reasonOf(r.outcome) };
    // A deleted ticket stays in the export with status "deleted": nothing to repair.
    const batch = r.body.tickets.flatMap((t) => {
      const ref = t.status === "deleted" ? null : ticketRef(t, "updated_at");
      return ref ? [{ ...ref, body: { ticket: t } }] : [];
    });
    pulled += batch.length;
    ingested += await ingestTickets(env, "zendesk", batch, now);
    if (r.body.afterCursor) {
      await saveState(env.DB, "zendesk", { cursor: r.body.afterCursor }, now);
      from = { cursor: r.body.afterCursor };
    }
    if (r.body.endOfStream || !r.body.afterCursor) return { helpdesk: "zendesk", ok: true, pulled, ingested, complete: true };
  }
  return { helpdesk: "zendesk", ok: true, pulled, ingested, complete: false };
}
