/**
 * OrderJourney: one object per order, holding its state machine, its event log and its timers.
 * It writes its own read model (D1 `journeys`); when a timer comes due its alarm hands the timer to
 * the jobs queue, where the time-based rules run (src/jobs/journey-timers.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { upsertJourneyReadModel, type JourneyRow } from "../db/journeys";
import { openStorage, type StorageMigrations } from "./schema";
import { logEvent } from "../lib/log";
import { EARLIEST_DUE_AT, isSaneDueAt, MAX_TIMER_AHEAD_MS } from "./timer-window";
import { foldJourney, isClosed, MOVING_STATES, type JourneyEvent, type JourneySnapshot, type JourneyState, type Transition } from "./journey-machine";

export interface JourneySettings {
  stallHours: number;
  codTimeoutHours: number;
  /** Post-delivery sequence: step name → hours after delivery. */
  postDeliverySteps: { step: string; afterHours: number }[];
  /** Hours after a failed attempt before the NDR default action is considered (absent: no such timer). */
  ndrNoAnswerHours?: number;
}

export interface JourneyUpdate {
  orderId: string;
  previousState: JourneyState;
  snapshot: JourneySnapshot;
  /** Transitions this call added, and those the passed events caused earlier (for retried callers). */
  newTransitions: Transition[];
  /** Events this call stored for the first time. */
  newEventIds: string[];
}

/** A timer that came due, as the jobs queue carries it. */
export interface JourneyTimer {
  orderId: string;
  kind: "stall" | "cod_timeout" | "post_delivery" | "ndr_timeout";
  key: string;
  dueAt: number;
  /** When the journey entered its current state (the COD timeout counts from there when nothing better is known). */
  stateAt: number;
}

export type JourneyTimerJob = { kind: "journey_timer"; timer: JourneyTimer };

/** Storage versions, oldest first; append, never edit (see schema.ts). */
const MIGRATIONS: StorageMigrations = [
  [
    `CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, at INTEGER NOT NULL, source TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS timers (key TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, fired_at INTEGER)`,
    `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  ],
];

type TimerRow = {
  key: string;
  kind: JourneyTimer["kind"];
  due_at: number;
  fired_at: number | null;
};

export class OrderJourney extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = openStorage(ctx, MIGRATIONS);
  }

  /**
   * Records events (deduplicated by id) and recomputes the journey from all of them in time
   * order. Safe to call again with the same events: nothing changes the second time.
   */
  async recordEvents(orderId: string, events: JourneyEvent[], settings: JourneySettings, now = Date.now()): Promise<JourneyUpdate> {
    this.setMeta("orderId", orderId);
    const before = this.snapshot();
    const newEventIds: string[] = [];
    for (const e of events) {
      const inserted = this.sql
        .exec(`INSERT INTO events (id, at, source, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, e.id, e.at, e.source, JSON.stringify(e), now)
        .toArray();
      if (inserted.length) newEventIds.push(e.id);
    }
    const after = this.snapshot();
    const seen = new Set(before.history.map((t) => `${t.eventId}>${t.to}`));
    // Transitions caused by the events passed in, even if already recorded: a retried caller
    // must see them again to finish what it started (its decisions are deduplicated).
    const passed = new Set(events.map((e) => e.id));
    const newTransitions = after.history.filter((t) => !seen.has(`${t.eventId}>${t.to}`) || passed.has(t.eventId));
    await this.scheduleTimers(after, settings, now);
    await this.writeReadModel(orderId, after, now);
    return { orderId, previousState: before.state, snapshot: after, newTransitions, newEventIds };
  }

  /**
   * Several callers' events for this order in one call (the ingest consumer groups a batch by order,
   * src/pipeline/batch.ts): stored in event-time order, deduplicated by id as recordEvents does, one
   * fold, one timer update. Each caller gets the JourneyUpdate recordEvents would have given it for
   * its own events (a transition none of them caused goes to the first). The read model is returned,
   * not written: the caller writes the whole batch's journeys in one D1 batch.
   */
  async recordEventsBatch(
    orderId: string,
    eventLists: JourneyEvent[][],
    settings: JourneySettings,
    now = Date.now(),
  ): Promise<{ updates: JourneyUpdate[]; readModel: { row: JourneyRow; stalled: boolean } }> {
    this.setMeta("orderId", orderId);
    const before = this.snapshot();
    const stored = new Set<string>();
    for (const e of eventLists.flat().sort((a, b) => a.at - b.at)) {
      const inserted = this.sql
        .exec(`INSERT INTO events (id, at, source, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, e.id, e.at, e.source, JSON.stringify(e), now)
        .toArray();
      if (inserted.length) stored.add(e.id);
    }
    const after = this.snapshot();
    const seen = new Set(before.history.map((t) => `${t.eventId}>${t.to}`));
    const owner = new Map<string, number>();
    eventLists.forEach((events, i) => events.forEach((e) => owner.has(e.id) || owner.set(e.id, i)));
    const updates = eventLists.map((events, i) => {
      const passed = new Set(events.map((e) => e.id));
      const newTransitions = after.history.filter((t) => passed.has(t.eventId) || (!seen.has(`${t.eventId}>${t.to}`) && (owner.get(t.eventId) ?? 0) === i));
      const newEventIds = events.filter((e) => stored.has(e.id) && owner.get(e.id) === i).map((e) => e.id);
      return { orderId, previousState: before.state, snapshot: after, newTransitions, newEventIds };
    });
    await this.scheduleTimers(after, settings, now);
    return { updates, readModel: { row: after, stalled: this.isStalled(after) } };
  }

  /** The journey as it stands, recomputed from the event log. */
  snapshot(): JourneySnapshot {
    const events = this.sql.exec<{ body: string }>(`SELECT body FROM events`).toArray().map((r) => JSON.parse(r.body) as JourneyEvent);
    return foldJourney(events);
  }

  getJourney(): { orderId: string | null; snapshot: JourneySnapshot; timers: TimerRow[] } {
    return { orderId: this.getMeta("orderId"), snapshot: this.snapshot(), timers: this.sql.exec<TimerRow>(`SELECT key, kind, due_at, fired_at FROM timers ORDER BY due_at`).toArray() };
  }

  /**
   * customers/redact: scan locations (which can be the customer's own street on a delivery scan) are
   * dropped from every stored event; states, times and AWBs stay, so the journey still folds.
   */
  redactPersonal(): number {
    let changed = 0;
    for (const row of this.sql.exec<{ id: string; body: string }>(`SELECT id, body FROM events`).toArray()) {
      const e = JSON.parse(row.body) as JourneyEvent;
      if (!e.scan || e.scan.location === null) continue;
      e.scan = { ...e.scan, location: null };
      this.sql.exec(`UPDATE events SET body = ? WHERE id = ?`, JSON.stringify(e), row.id);
      changed += 1;
    }
    return changed;
  }

  /**
   * Hands every due timer to the jobs queue, marks it fired, then re-arms for the earliest one
   * left. The read model is written first, because the rules the jobs run read it. If the hand-over
   * fails nothing is marked and the alarm is retried; a timer handed over twice decides once (the
   * decisions dedupe).
   */
  override async alarm(): Promise<void> {
    const orderId = this.getMeta("orderId");
    const now = Date.now();
    const due = this.sql.exec<TimerRow>(`SELECT key, kind, due_at, fired_at FROM timers WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at`, now).toArray();
    if (orderId && due.length) {
      const snapshot = this.snapshot();
      await this.writeReadModel(orderId, snapshot, now);
      await this.env.JOBS.sendBatch(
        due.map((t) => ({ body: { kind: "journey_timer", timer: { orderId, kind: t.kind, key: t.key, dueAt: t.due_at, stateAt: snapshot.stateAt } } satisfies JourneyTimerJob })),
      );
      for (const t of due) this.sql.exec(`UPDATE timers SET fired_at = ? WHERE key = ?`, now, t.key);
      if (due.some((t) => t.kind === "stall")) await this.writeReadModel(orderId, snapshot, now);
    }
    await this.armNext();
  }

  /** The rules found the timer early (the COD question went out later than the order): it fires again at `dueAt`. */
  async deferTimer(key: string, dueAt: number): Promise<void> {
    this.sql.exec(`UPDATE timers SET due_at = ?, fired_at = NULL WHERE key = ?`, dueAt, key);
    await this.armNext();
  }

  private async scheduleTimers(s: JourneySnapshot, settings: JourneySettings, _now: number): Promise<void> {
    const wanted: { key: string; kind: JourneyTimer["kind"]; dueAt: number }[] = [];
    if (MOVING_STATES.includes(s.state) && s.lastScanAt !== null) {
      // Keyed by the scan it measures from: a newer scan replaces the timer, a fired one stays fired.
      wanted.push({ key: `stall:${s.lastScanAt}`, kind: "stall", dueAt: s.lastScanAt + settings.stallHours * 3_600_000 });
    }
    if (s.state === "cod_confirmation_pending") {
      wanted.push({ key: `cod_timeout:${s.stateAt}`, kind: "cod_timeout", dueAt: s.stateAt + settings.codTimeoutHours * 3_600_000 });
    }
    if (s.state === "failed_attempt" && settings.ndrNoAnswerHours) {
      // One per failed attempt (keyed by its number): a fired one stays fired, a newer attempt gets its own.
      wanted.push({ key: `ndr_timeout:${s.failedAttempts}`, kind: "ndr_timeout", dueAt: s.stateAt + settings.ndrNoAnswerHours * 3_600_000 });
    }
    if (s.state === "delivered" && s.deliveredAt !== null) {
      for (const step of settings.postDeliverySteps) {
        wanted.push({ key: `post_delivery:${step.step}`, kind: "post_delivery", dueAt: s.deliveredAt + step.afterHours * 3_600_000 });
      }
    }
    const keys = new Set(wanted.map((w) => w.key));
    this.dropInsaneTimers();
    for (const row of this.sql.exec<{ key: string }>(`SELECT key FROM timers WHERE fired_at IS NULL`).toArray()) {
      if (!keys.has(row.key)) this.sql.exec(`DELETE FROM timers WHERE key = ?`, row.key);
    }
    // A timer outside the sane window is refused, not stored: the event still applies.
    const now = Date.now();
    for (const w of wanted) {
      if (!isSaneDueAt(w.dueAt, now)) {
        logEvent("journey_timer_refused", { kind: w.kind, dueAt: String(w.dueAt) });
        continue;
      }
      this.sql.exec(`INSERT INTO timers (key, kind, due_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, w.key, w.kind, Math.round(w.dueAt));
    }
    if (isClosed(s.state)) this.sql.exec(`DELETE FROM timers WHERE fired_at IS NULL AND kind IN ('stall', 'cod_timeout')`);
    await this.armNext();
  }

  /**
   * Heals an object that stored an insane timer before the window existed (due at infinity): the
   * timer is dropped, so the alarm can be set, the events after it apply, and a timer with the same
   * key can be scheduled afresh from the current policy.
   */
  private dropInsaneTimers(): void {
    const cursor = this.sql.exec(`DELETE FROM timers WHERE fired_at IS NULL AND NOT (due_at BETWEEN ? AND ?)`, EARLIEST_DUE_AT, Date.now() + MAX_TIMER_AHEAD_MS);
    cursor.toArray();
    if (cursor.rowsWritten) logEvent("journey_timers_healed", { count: cursor.rowsWritten });
  }

  private async armNext(): Promise<void> {
    this.dropInsaneTimers();
    const next = this.sql.exec<{ due: number | null }>(`SELECT min(due_at) AS due FROM timers WHERE fired_at IS NULL`).one().due;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  private async writeReadModel(orderId: string, s: JourneySnapshot, now: number): Promise<void> {
    await upsertJourneyReadModel(this.env.DB, orderId, s, this.isStalled(s), now);
  }

  /** Stalled: still moving, and the stall timer for its last scan has fired. */
  private isStalled(s: JourneySnapshot): boolean {
    return (
      MOVING_STATES.includes(s.state) &&
      s.lastScanAt !== null &&
      this.sql.exec(`SELECT 1 FROM timers WHERE key = ? AND fired_at IS NOT NULL`, `stall:${s.lastScanAt}`).toArray().length > 0
    );
  }

  private getMeta(key: string): string | null {
    const rows = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray();
    return rows[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
  }
}
