/**
 * Counting wrappers for the bindings that cost money: D1 round trips and rows, Durable Object calls,
 * queue messages. Used by the bench's metered worker (scripts/lib/metered-worker.ts) and by runtime
 * tests; the deployed worker never wraps its env.
 *
 * What counts as one D1 round trip: one request from the worker to the database, i.e. one
 * `prepare().run/all/first/raw`, one `batch([...])` (however many statements), one `exec`. The
 * count is taken where the binding sends the request (its session's `_send`), so rows read and
 * written come from the `meta.rows_read` / `meta.rows_written` D1 returns for every statement,
 * `first()` and `raw()` included (their public results drop `meta`).
 */

export interface Meter {
  d1RoundTrips: number;
  d1Statements: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  /** Rows written by kind of statement (`INSERT actions`, `UPDATE orders`…; index entries included, as D1 counts them). */
  d1RowsWrittenBy: Record<string, number>;
  /** Durable Object RPC calls, by `BINDING.method`. */
  objectCalls: Record<string, number>;
  /** Wall-clock ms the callers waited on those calls (an upper bound of the objects' billed duration). */
  objectCallMs: number;
  /** Alarm invocations (billed as object requests); counted by the metered object classes. */
  objectAlarms: number;
  /** Messages written to each queue (a `sendBatch` of n is n writes, one call). */
  queueWrites: Record<string, number>;
  queueSendCalls: number;
  /** Consumer invocations (each a Workers request), by queue. */
  queueBatches: Record<string, number>;
  /** Messages handed to a consumer (reads), acked (deletes) and retried, by queue. */
  queueReads: Record<string, number>;
  queueAcks: Record<string, number>;
  queueRetries: Record<string, number>;
}

export function newMeter(): Meter {
  return { d1RoundTrips: 0, d1Statements: 0, d1RowsRead: 0, d1RowsWritten: 0, d1RowsWrittenBy: {}, objectCalls: {}, objectCallMs: 0, objectAlarms: 0, queueWrites: {}, queueSendCalls: 0, queueBatches: {}, queueReads: {}, queueAcks: {}, queueRetries: {} };
}

export function resetMeter(m: Meter): void {
  Object.assign(m, newMeter());
}

const bump = (rec: Record<string, number>, key: string, n = 1) => {
  rec[key] = (rec[key] ?? 0) + n;
};

export function totalOf(rec: Record<string, number>): number {
  return Object.values(rec).reduce((s, v) => s + v, 0);
}

type D1Meta = { rows_read?: number; rows_written?: number };

/** `INSERT actions`, `UPDATE orders`…: what kind of statement wrote the rows, from its SQL. */
export function statementKind(sql: unknown): string {
  const m = typeof sql === "string" ? /^\s*(?:WITH\b[\s\S]*?\)\s*)?(INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?(?:\s+INTO|\s+FROM)?\s+[`"]?(\w+)/i.exec(sql) : null;
  return m ? `${m[1]!.toUpperCase()} ${m[2]}` : "other";
}
type Session = { _send: (endpoint: string, query: unknown, params: unknown, format: unknown) => Promise<unknown> };

/** Where counts go: one meter, or the meters a call picks at the moment it counts (e.g. by phase). */
export type MeterTarget = Meter | (() => Meter[]);
const pick = (t: MeterTarget): Meter[] => (typeof t === "function" ? t() : [t]);

const metered = new WeakMap<object, { target: MeterTarget }>();

/**
 * Hooks the D1 binding's request function so every round trip is counted into `target`. The binding
 * object is patched in place, once (metering it again only changes where the counts go), so
 * statements prepared anywhere from it are counted, whoever holds the reference.
 */
export function meterD1(db: D1Database, target: MeterTarget): D1Database {
  const session = (db as unknown as { alwaysPrimarySession?: Session }).alwaysPrimarySession;
  if (!session || typeof session._send !== "function") throw new Error("meterD1: this runtime's D1 binding has no session to count on");
  const hooked = metered.get(session);
  if (hooked) {
    hooked.target = target;
    return db;
  }
  const hook = { target };
  metered.set(session, hook);
  const send = session._send.bind(session);
  session._send = async (endpoint, query, params, format) => {
    const statements = Array.isArray(query) ? query.length : 1;
    const list = pick(hook.target);
    for (const m of list) {
      m.d1RoundTrips += 1;
      m.d1Statements += statements;
    }
    const result = await send(endpoint, query, params, format);
    // The SQL of each statement sent: a string, or (depending on the runtime's version) an object holding it.
    const sql = (Array.isArray(query) ? query : [query]).map((q) => (typeof q === "string" ? q : (q as { sql?: unknown; statement?: unknown } | null)?.sql ?? (q as { statement?: unknown } | null)?.statement));
    (Array.isArray(result) ? result : [result]).forEach((r, i) => {
      const meta = (r as { meta?: D1Meta } | null)?.meta;
      const written = meta?.rows_written ?? 0;
      const kind = written ? statementKind(sql[i]) : "";
      for (const m of list) {
        m.d1RowsRead += meta?.rows_read ?? 0;
        m.d1RowsWritten += written;
        if (written) bump(m.d1RowsWrittenBy, kind, written);
      }
    });
    return result;
  };
  return db;
}

/** A namespace whose stubs count each RPC call as `name.method`. */
export function meterNamespace<T extends DurableObjectNamespace<any>>(ns: T, name: string, meter: MeterTarget): T {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== "get" && prop !== "getByName") return typeof value === "function" ? value.bind(target) : value;
      return (...args: unknown[]) => meterStub(Reflect.apply(value as (...a: unknown[]) => object, target, args), name, meter);
    },
  });
}

function meterStub<S extends object>(stub: S, name: string, meter: MeterTarget): S {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || prop === "then" || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const list = pick(meter);
        for (const m of list) bump(m.objectCalls, `${name}.${prop}`);
        const started = Date.now();
        try {
          // Reflect.apply: on an RPC stub `.apply` would itself be a remote method.
          return await Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        } finally {
          for (const m of list) m.objectCallMs += Date.now() - started;
        }
      };
    },
  });
}

/** A producer that counts the messages written. */
export function meterQueue<Q extends Queue<any>>(queue: Q, name: string, meter: MeterTarget): Q {
  return new Proxy(queue, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "send") {
        return (...args: unknown[]) => {
          for (const m of pick(meter)) (m.queueSendCalls += 1), bump(m.queueWrites, name);
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      }
      if (prop === "sendBatch") {
        return (messages: Iterable<unknown>, ...rest: unknown[]) => {
          const list = [...messages];
          for (const m of pick(meter)) (m.queueSendCalls += 1), bump(m.queueWrites, name, list.length);
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, [list, ...rest]);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A consumer's batch whose reads, acks and retries are counted (the messages are the same messages). */
export function meterBatch<B>(batch: MessageBatch<B>, target: MeterTarget): MessageBatch<B> {
  const q = batch.queue;
  const meters = pick(target);
  const count = (field: "queueAcks" | "queueRetries", n = 1) => meters.forEach((m) => bump(m[field], q, n));
  meters.forEach((m) => (bump(m.queueBatches, q), bump(m.queueReads, q, batch.messages.length)));
  const messages = batch.messages.map((m) => ({
    get id() { return m.id; },
    get timestamp() { return m.timestamp; },
    get body() { return m.body; },
    get attempts() { return m.attempts; },
    ack: () => (count("queueAcks"), m.ack()),
    retry: (o?: QueueRetryOptions) => (count("queueRetries"), m.retry(o)),
  })) as Message<B>[];
  return {
    queue: q,
    get metadata() {
      return (batch as unknown as { metadata?: unknown }).metadata;
    },
    messages,
    ackAll: () => (count("queueAcks", messages.length), batch.ackAll()),
    retryAll: (o?: QueueRetryOptions) => (count("queueRetries", messages.length), batch.retryAll(o)),
  } as unknown as MessageBatch<B>;
}

/** Env names of the bindings worth counting, and what each is. */
const OBJECTS = ["ORDER_JOURNEY", "SKU_STOCK", "RATE_LIMITER", "CREDENTIAL"] as const;
const QUEUE_BINDINGS = ["INGEST", "ACTIONS", "JOBS", "INGEST_DLQ"] as const;

/** A copy of env with every costly binding counted into `meter`. */
export function meterEnv<E extends object>(env: E, meter: MeterTarget): E {
  const out: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  const e = env as Record<string, unknown>;
  if (e.DB) meterD1(e.DB as D1Database, meter);
  for (const k of OBJECTS) if (e[k]) out[k] = meterNamespace(e[k] as DurableObjectNamespace, k, meter);
  for (const k of QUEUE_BINDINGS) if (e[k]) out[k] = meterQueue(e[k] as Queue, k, meter);
  return out as E;
}
