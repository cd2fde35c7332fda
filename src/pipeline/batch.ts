/**
 * Groups the work of one queue batch by owner. The ingest consumer runs each message's pipeline
 * (the same per-event code as ever: canonical writes, forward, decide) side by side, on an env
 * whose D1 binding and object namespaces hold their calls until every pipeline still running is
 * waiting on one of them, then sends them together:
 *  - D1: every statement waiting goes out in one `db.batch` (one round trip for the canonical
 *    upserts of the whole batch, one for the rules' inputs of the whole batch, and so on);
 *  - OrderJourney: all `recordEvents` calls for one order become one `recordEventsBatch` (its
 *    events in event-time order), and the journeys read models of every order in one `db.batch`;
 *  - SkuStock: all ledger changes for one SKU become one `applyBatch`, in message order.
 * Failure stays per message: when a grouped round trip or object call fails, each of its callers is
 * run again on its own, so only the caller whose work fails sees the error (and its message alone is
 * retried). Every effect was already idempotent per event (keyed upserts, event ids in the objects,
 * dedupe keys on decisions and actions), so a part that ran before a failure is not applied twice.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { groupedD1, sendHeld, type HeldD1Call } from "../db/grouped-d1";
import { journeyReadModelStatement } from "../db/journeys";
import { activeLocationMap } from "../db/locations";
import type { JourneyEvent } from "../durable-objects/journey-machine";
import type { JourneySettings, JourneyUpdate } from "../durable-objects/order-journey";
import type { LedgerEffect } from "../durable-objects/sku-ledger";
import type { StockOp, StockOpName } from "../durable-objects/sku-stock";

/** The ledger changes SkuStock.applyBatch accepts: the same names as its single-change methods. */
const STOCK_OPS = new Set<string>([
  "recordErpStock",
  "reapply",
  "recordBundleStock",
  "recordBundleSale",
  "recordOrder",
  "assignOrderLocation",
  "disconnectLocation",
  "releaseOrder",
  "recordShopifyLevel",
] satisfies StockOpName[]);

/** At most this many statements per grouped round trip (D1 runs a batch as one transaction). */
const MAX_STATEMENTS = 400;

interface Waiter<T> {
  pid: number;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
type D1Call = Waiter<unknown> & HeldD1Call;
interface ObjectCall extends Waiter<unknown> {
  binding: "ORDER_JOURNEY" | "SKU_STOCK";
  key: string;
  stub: Record<string, (...args: unknown[]) => Promise<unknown>>;
  method: string;
  args: unknown[];
}

/** What grouping saved in one batch, for logs and tests. */
export interface GroupingStats {
  d1RoundTrips: number;
  d1Statements: number;
  objectCalls: number;
  objectCallsAsked: number;
}

export class BatchGrouper {
  /** The env the pipelines run on: D1 and the two owners' namespaces grouped, the rest as given. */
  readonly env: Env;
  readonly stats: GroupingStats = { d1RoundTrips: 0, d1Statements: 0, objectCalls: 0, objectCallsAsked: 0 };
  private readonly als = new AsyncLocalStorage<number>();
  private active = 0;
  private readonly waiting = new Map<number, number>();
  private d1: D1Call[] = [];
  private calls: ObjectCall[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDue = 0;

  /** `maxWaitMs`: the longest a call is held while some pipeline is busy elsewhere (a connector, a queue send). */
  constructor(private readonly base: Env, private readonly maxWaitMs = 25) {
    const holdD1 = (call: HeldD1Call) => this.hold<unknown>((w) => this.d1.push({ ...w, ...call }));
    this.env = { ...base, DB: groupedD1(base.DB, holdD1), ORDER_JOURNEY: this.groupedNamespace(base.ORDER_JOURNEY, "ORDER_JOURNEY"), SKU_STOCK: this.groupedNamespace(base.SKU_STOCK, "SKU_STOCK") } as Env;
  }

  /** Runs one message's pipeline as pipeline `pid`; its calls are grouped with the other pipelines'. */
  async run<T>(pid: number, fn: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await this.als.run(pid, fn);
    } finally {
      this.active -= 1;
      this.check();
    }
  }

  /**
   * Awaits `p` as the calling pipeline, counted as waiting meanwhile: a pipeline waiting its turn
   * (for another's vendor call, say) does not keep the others' held calls back.
   */
  async wait<T>(p: Promise<T>): Promise<T> {
    const pid = this.als.getStore();
    if (pid === undefined) return p;
    this.waiting.set(pid, (this.waiting.get(pid) ?? 0) + 1);
    this.check();
    try {
      return await p;
    } finally {
      const left = (this.waiting.get(pid) ?? 1) - 1;
      if (left > 0) this.waiting.set(pid, left);
      else this.waiting.delete(pid);
    }
  }

  // ---------------------------------------------------------------- holding and releasing calls

  private hold<T>(push: (w: Waiter<T>) => void): Promise<T> | null {
    const pid = this.als.getStore();
    if (pid === undefined) return null; // not from a pipeline: straight through
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(pid, (this.waiting.get(pid) ?? 0) + 1);
      push({ pid, resolve, reject });
      this.check();
    });
  }

  private release<T>(w: Waiter<T>, ok: boolean, value: unknown): void {
    const left = (this.waiting.get(w.pid) ?? 1) - 1;
    if (left > 0) this.waiting.set(w.pid, left);
    else this.waiting.delete(w.pid);
    if (ok) w.resolve(value as T);
    else w.reject(value);
  }

  /** Flush at once when every running pipeline waits on a held call; else after `maxWaitMs` at most. */
  private check(): void {
    if (!this.d1.length && !this.calls.length) return;
    const allWaiting = this.waiting.size >= this.active;
    this.schedule(allWaiting ? 0 : this.maxWaitMs);
  }

  private schedule(ms: number): void {
    const due = Date.now() + ms;
    if (this.timer !== null) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    // A timer, not a microtask: the pipelines released by the last flush issue their next calls first.
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  /**
   * D1 first: pipelines waiting on an object keep waiting while the others finish their reads and
   * writes, so the object calls of the batch go out together, once per owner.
   */
  private async flush(): Promise<void> {
    if (this.d1.length) {
      const items = this.d1;
      this.d1 = [];
      await this.flushD1(items);
    } else if (this.calls.length) {
      const items = this.calls;
      this.calls = [];
      await this.flushCalls(items);
    }
    this.check();
  }

  // ---------------------------------------------------------------- D1

  private async flushD1(items: D1Call[]): Promise<void> {
    // Chunks of whole callers, so one caller's statements stay in one transaction as it asked.
    const chunks: D1Call[][] = [[]];
    let size = 0;
    for (const item of items) {
      if (size + item.statements.length > MAX_STATEMENTS && chunks.at(-1)!.length) (chunks.push([]), (size = 0));
      chunks.at(-1)!.push(item);
      size += item.statements.length;
    }
    await Promise.all(
      chunks.map(async (chunk) => {
        const results = await sendHeld(this.base.DB, chunk, (n) => ((this.stats.d1RoundTrips += 1), (this.stats.d1Statements += n)));
        chunk.forEach((item, i) => {
          const r = results[i]!;
          if (r.ok) this.release(item, true, r.value);
          else this.release(item, false, r.error);
        });
      }),
    );
  }

  // ---------------------------------------------------------------- objects

  private groupedNamespace<N extends DurableObjectNamespace<any>>(ns: N, binding: ObjectCall["binding"]): N {
    const self = this;
    return new Proxy(ns, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (prop !== "get") return typeof v === "function" ? v.bind(target) : v;
        return (id: DurableObjectId, ...rest: unknown[]) => self.groupedStub(Reflect.apply(v as (...a: unknown[]) => object, target, [id, ...rest]), binding, id.toString());
      },
    });
  }

  private groupedStub<S extends object>(stub: S, binding: ObjectCall["binding"], key: string): S {
    const self = this;
    const grouped = binding === "ORDER_JOURNEY" ? (m: string) => m === "recordEvents" : (m: string) => STOCK_OPS.has(m);
    return new Proxy(stub, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        // An RPC stub answers any property (even `bind` or `apply`) as a remote method: pass it on untouched.
        if (typeof prop !== "string" || !grouped(prop)) return v;
        return (...args: unknown[]) =>
          self.hold<unknown>((w) => self.calls.push({ ...w, binding, key, stub: target as unknown as ObjectCall["stub"], method: prop, args })) ??
          Reflect.apply(v as (...a: unknown[]) => Promise<unknown>, target, args);
      },
    });
  }

  private async flushCalls(items: ObjectCall[]): Promise<void> {
    const groups = new Map<string, ObjectCall[]>();
    for (const item of items) {
      const k = `${item.binding}:${item.key}`;
      groups.set(k, [...(groups.get(k) ?? []), item]);
    }
    this.stats.objectCallsAsked += items.length;
    this.stats.objectCalls += groups.size;
    const journeys: { items: ObjectCall[]; updates: JourneyUpdate[]; statement: D1PreparedStatement }[] = [];
    // Every SKU object of this flush applies the same location map: read once here, not once per SKU.
    // (If the read fails each object reads its own.)
    const stockMap = items.some((c) => c.binding === "SKU_STOCK") ? await activeLocationMap(this.base.DB).then((m) => ({ m }), () => undefined) : undefined;
    if (stockMap) this.stats.d1RoundTrips += 1;
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const first = group[0]!;
        try {
          if (first.binding === "ORDER_JOURNEY") {
            const [orderId, , settings, now] = first.args as [string, JourneyEvent[], JourneySettings, number | undefined];
            const at = now ?? Date.now();
            const res = (await first.stub.recordEventsBatch!(orderId, group.map((c) => c.args[1] as JourneyEvent[]), settings, at)) as {
              updates: JourneyUpdate[];
              readModel: { row: Parameters<typeof journeyReadModelStatement>[2]; stalled: boolean };
            };
            journeys.push({ items: group, updates: res.updates, statement: journeyReadModelStatement(this.base.DB, orderId, res.readModel.row, res.readModel.stalled, at) });
          } else {
            // Message order (the batch's order of receipt), then the order each pipeline asked in.
            const ordered = [...group].sort((a, b) => a.pid - b.pid);
            const effects = (await first.stub.applyBatch!(ordered.map((c) => ({ method: c.method, args: c.args }) as StockOp), Date.now(), stockMap?.m)) as LedgerEffect[][];
            ordered.forEach((c, i) => this.release(c, true, effects[i]));
          }
        } catch (err) {
          if (group.length === 1) return this.soloCall(first, err);
          // Each caller alone, with the object's own single-event method (it writes its own read model).
          await Promise.all(group.map((c) => this.soloCall(c)));
        }
      }),
    );
    if (!journeys.length) return;
    // The journeys read models of the whole batch in one round trip, before any caller reads on.
    try {
      this.stats.d1RoundTrips += 1;
      this.stats.d1Statements += journeys.length;
      await this.base.DB.batch(journeys.map((j) => j.statement));
      for (const j of journeys) j.items.forEach((c, i) => this.release(c, true, j.updates[i]));
    } catch {
      // Which row failed is unknown: each journey's callers run alone (the events are in; a call repeats nothing).
      await Promise.all(journeys.flatMap((j) => j.items.map((c) => this.soloCall(c))));
    }
  }

  /** One caller's call on its own, through the object's single method; `failed` answers without calling. */
  private async soloCall(c: ObjectCall, failed?: unknown): Promise<void> {
    if (failed !== undefined) return this.release(c, false, failed);
    this.stats.objectCalls += 1;
    try {
      this.release(c, true, await c.stub[c.method]!(...c.args));
    } catch (err) {
      this.release(c, false, err);
    }
  }
}
