/** ACTIONS consumer: executes outbox rows through connectors, exactly one send per action, every attempt recorded. */
import { retryStaleInventorySet } from "../pipeline/stock";
import { ActionSpec } from "../canonical/actions";
import { configFromEnv, type ConnectorConfig } from "../connectors/config";
import { redactRequest, type FetchFn, type Outcome } from "../connectors/http";
import { runAction, type RunResult } from "../connectors";
import { credentialClient, type CredentialClient } from "../connectors/credentials";
import { connectorCallStatement } from "../db/connectors";
import {
  claimAction, loadAction, markActionDead, MAX_QUEUE_DELAY_SECONDS, settleAttempt, TERMINAL_STATUSES, transientFailuresInRow,
  type ActionRecord, type Settle,
} from "../db/actions";
import { logEvent } from "../lib/log";
import { isCustomerMessage } from "../decisions/contact-policy";
import { messageNoLongerCurrent, recordSendTimeSuppression } from "../pipeline/contact-policy";
import { fallBack, shouldFallBack } from "../pipeline/message-fallback";
import { sendPaymentLinkToCustomer } from "../pipeline/cod-shopify";
import { BatchGrouper } from "../pipeline/batch";

export interface ActionMessage {
  actionId: string;
}

/** Seams for tests and callers: credentials, the network and the clock. Production passes none. */
export interface ActionsDeps {
  config?: ConnectorConfig;
  fetch?: FetchFn;
  credentials?: CredentialClient;
  now?: () => number;
  random?: () => number;
  /** Runs the claim, the vendor call and its record when this action's turn comes (the consumer's batch sends one at a time, in order). */
  inTurn?: <T>(send: () => Promise<T>) => Promise<T>;
}

/** wrangler.toml `max_retries` of the actions consumer: one more retry would land in the dead-letter queue. */
export const QUEUE_MAX_RETRIES = 8;

/** Exponential backoff with jitter: 10 s, 20 s, 40 s … capped at 30 min, each drawn from [½, 1] of that. */
export function backoffSeconds(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(1800, 10 * 2 ** Math.max(0, failures - 1));
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}

type Verdict = { ack: true } | { retryInSeconds: number };

export async function handleActionsBatch(batch: MessageBatch<ActionMessage>, env: Env, deps: ActionsDeps = {}): Promise<void> {
  const config = deps.config ?? configFromEnv(env);
  // The batch's actions run side by side on a grouped env (pipeline/batch.ts), so their loads and
  // send-time checks travel together, but each claim, vendor call and record goes one at a time in
  // message order: vendors rate-limit per account, a customer hears "shipped" before "out for
  // delivery", and an action sees what the one before it recorded. A batch is at most 20 messages.
  const grouper = new BatchGrouper(env);
  const turns = batch.messages.map(() => {
    let resolve!: () => void;
    return { promise: new Promise<void>((r) => (resolve = r)), resolve };
  });
  await Promise.all(
    batch.messages.map((msg, index) =>
      grouper.run(index, async () => {
        const inTurn = async <T>(send: () => Promise<T>): Promise<T> => {
          if (index > 0) await grouper.wait(turns[index - 1]!.promise);
          try {
            return await send();
          } finally {
            turns[index]!.resolve();
          }
        };
        try {
          await settleMessage(env, msg, () => executeOne(grouper.env, msg.body.actionId, config, { ...deps, inTurn }), deps);
        } finally {
          // An action that ended before its turn (done already, not due yet, or failed) lets the next one go, in order.
          if (index > 0) await grouper.wait(turns[index - 1]!.promise);
          turns[index]!.resolve();
        }
      }),
    ),
  );
}

async function settleMessage(env: Env, msg: Message<ActionMessage>, execute: () => Promise<Verdict>, deps: ActionsDeps): Promise<void> {
  let verdict: Verdict;
  try {
    verdict = await execute();
  } catch (err) {
    logEvent("action_consumer_error", { actionId: msg.body.actionId, attempts: msg.attempts, reason: err instanceof Error ? err.message : String(err) });
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts, deps.random) });
    return;
  }
  if ("ack" in verdict) {
    msg.ack();
  } else if (msg.attempts > QUEUE_MAX_RETRIES) {
    // The queue would dead-letter this message; the action still has budget, so continue on a fresh one.
    await env.ACTIONS.send({ actionId: msg.body.actionId }, { delaySeconds: verdict.retryInSeconds });
    msg.ack();
  } else {
    msg.retry({ delaySeconds: verdict.retryInSeconds });
  }
}

/** Decides, sends and records one action. Safe to run for a redelivered or duplicated message. */
export async function executeOne(env: Env, actionId: string, config: ConnectorConfig, deps: ActionsDeps = {}): Promise<Verdict> {
  const now = deps.now?.() ?? Date.now();
  const action = await loadAction(env.DB, actionId);
  if (!action) return { ack: true };
  if ((TERMINAL_STATUSES as readonly string[]).includes(action.status)) return { ack: true };
  // Another delivery holds the claim; its message (or the sweep, if it died) finishes the action.
  if (action.status === "sending" && (action.nextAttemptAt ?? 0) > now) return { ack: true };
  if (action.status === "pending" && action.nextAttemptAt !== null && action.nextAttemptAt > now + 5_000) {
    return { retryInSeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil((action.nextAttemptAt - now) / 1000)) };
  }
  const spec = parseSpec(action);
  // Read before this action's turn (so a batch's checks travel together); the journey it reads moves
  // on the scale of hours, not of the seconds a turn can take.
  const passed = spec && isCustomerMessage(spec.kind) ? await messageNoLongerCurrent(env.DB, action.id) : null;
  // Claim, send and record in this action's turn: the batch has one action "sending" at a time (a
  // crash strands at most one behind its lease), and the next one sees this one's outcome (a Zoho
  // sales return reads the sales order's id the one before it recorded).
  const claimAndSend = () => claimAndSendOne(env, action, spec, passed, config, deps, now);
  return deps.inTurn ? deps.inTurn(claimAndSend) : claimAndSend();
}

async function claimAndSendOne(
  env: Env,
  action: ActionRecord,
  spec: ActionSpec | null,
  passed: Awaited<ReturnType<typeof messageNoLongerCurrent>>,
  config: ConnectorConfig,
  deps: ActionsDeps,
  now: number,
): Promise<Verdict> {
  const attempt = await claimAction(env.DB, action, now);
  if (attempt === null) return { ack: true };

  if (!spec) {
    await settleAttempt(env.DB, action.id, { attempt, outcome: "failed", httpStatus: null, error: "params do not match the action kind" }, settled("failed", "params do not match the action kind"), now);
    return { ack: true };
  }
  // The journey may have moved on while the message waited (quiet hours, backoff): nothing about a past moment goes out.
  if (passed) {
    const template = "template" in spec.params && typeof spec.params.template === "string" ? spec.params.template : null;
    await Promise.all([
      settleAttempt(env.DB, action.id, { attempt, outcome: "suppressed", httpStatus: null, error: passed.reason }, settled("suppressed", passed.reason), now),
      passed.decisionId ? recordSendTimeSuppression(env.DB, passed.decisionId, { kind: spec.kind, template, reason: passed.reason, at: now }) : null,
    ]);
    logEvent("action_suppressed", { actionId: action.id, kind: action.kind });
    return { ack: true };
  }
  let result: RunResult;
  try {
    const credentials = deps.credentials ?? credentialClient(env.CREDENTIAL, { now: () => now });
    result = await runAction({ id: action.id, idempotencyKey: action.idempotencyKey, spec }, { db: env.DB, config, fetch: deps.fetch ?? ((u, i) => fetch(u, i)), credentials, now });
  } catch (err) {
    result = { outcome: { kind: "retry", httpStatus: null, reason: `internal: ${err instanceof Error ? err.message : String(err)}`, waitSeconds: null, throttled: false }, requests: [] };
  }
  const o = result.outcome;
  const [verdict] = await Promise.all([
    record(env.DB, action, attempt, result, config.maxAttempts, now, deps.random),
    // What `GET /api/connectors` shows as the connector's last call and how it ended.
    connectorCallStatement(env.DB, action.connector, o.kind, "httpStatus" in o ? o.httpStatus : null, "reason" in o ? o.reason : null, now).run(),
  ]);
  if (result.outcome.kind === "failed" && shouldFallBack(spec.kind, result.outcome.response)) {
    // Not on WhatsApp, template not approved or paused, or the SMS failed: the next channel gets the message.
    await fallBack(env, action.id, now);
  }
  if (result.outcome.kind === "stale" && spec.kind === "shopify.inventory_set") {
    // The set is settled as stale; the ledger re-reads Shopify and queues a fresh compare-and-set.
    await retryStaleInventorySet(env, { id: action.id, params: spec.params }, deps.fetch ?? ((u, i) => fetch(u, i)), now);
  }
  if (result.outcome.kind === "sent" && spec.kind === "cod_payment_link") {
    // The link exists in Razorpay: the customer gets it on WhatsApp (its own decision, deduplicated by order).
    await sendPaymentLinkToCustomer(env, spec.params, result.outcome.response, now);
  }
  logEvent("action_attempt", { actionId: action.id, kind: action.kind, attempt, outcome: result.outcome.kind });
  return verdict;
}

function parseSpec(action: ActionRecord): ActionSpec | null {
  try {
    const parsed = ActionSpec.safeParse({ kind: action.kind, connector: action.connector, params: JSON.parse(action.params) });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function record(db: D1Database, action: ActionRecord, attempt: number, result: RunResult, maxAttempts: number, now: number, random?: () => number): Promise<Verdict> {
  const o: Outcome = result.outcome;
  const request = result.requests.length ? JSON.stringify(result.requests.length === 1 ? redactRequest(result.requests[0]!) : result.requests.map(redactRequest)) : null;
  const response = "response" in o && o.response !== undefined ? truncate(JSON.stringify(o.response)) : null;
  const httpStatus = "httpStatus" in o ? o.httpStatus : null;
  const base = { request, response };
  switch (o.kind) {
    case "sent":
      await settleAttempt(db, action.id, { attempt, outcome: "sent", httpStatus, error: null }, { ...settled("sent", null), ...base, externalId: o.externalId }, now);
      return { ack: true };
    case "dry_run":
      await settleAttempt(db, action.id, { attempt, outcome: "dry_run", httpStatus: null, error: null }, { ...settled("dry_run", null), ...base }, now);
      return { ack: true };
    case "blocked":
      // Waits for a working credential (a new secret or install releases it); no attempt budget spent.
      await settleAttempt(db, action.id, { attempt, outcome: "blocked", httpStatus: null, error: o.reason }, { ...settled("blocked", o.reason), ...base }, now);
      return { ack: true };
    case "failed":
    case "stale":
      await settleAttempt(db, action.id, { attempt, outcome: o.kind, httpStatus, error: o.reason }, { ...settled(o.kind, o.reason), ...base }, now);
      return { ack: true };
    case "retry": {
      // Rate limits are the vendor asking us to wait, not a failure: they do not use up the attempt budget.
      const failures = o.throttled ? 0 : (await transientFailuresInRow(db, action.id)) + 1;
      if (!o.throttled && failures >= maxAttempts) {
        const reason = `gave up after ${failures} attempts: ${o.reason}`;
        await settleAttempt(db, action.id, { attempt, outcome: "dead", httpStatus, error: o.reason }, { ...settled("dead", reason), ...base }, now);
        return { ack: true };
      }
      const wait = Math.min(MAX_QUEUE_DELAY_SECONDS, o.throttled && o.waitSeconds !== null ? Math.max(1, o.waitSeconds) : backoffSeconds(Math.max(1, failures), random));
      await settleAttempt(
        db, action.id,
        { attempt, outcome: o.throttled ? "throttled" : "error", httpStatus, error: o.reason },
        { ...settled("pending", o.reason), ...base, nextAttemptAt: now + wait * 1000 },
        now,
      );
      return { retryInSeconds: wait };
    }
  }
}

function settled(status: Settle["status"], lastError: string | null): Settle {
  return { status, nextAttemptAt: null, lastError, request: null, response: null, externalId: null };
}

function truncate(s: string): string {
  return s.length > 8_000 ? `${s.slice(0, 8_000)}…` : s;
}

/** Messages the queue gave up on: the action is marked dead so the dashboard shows it and it can be retried. */
export async function handleActionDeadLetters(batch: MessageBatch<ActionMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      await markActionDead(env.DB, msg.body.actionId, "retries exhausted in the actions queue", Date.now());
      msg.ack();
    } catch {
      msg.retry({ delaySeconds: 30 });
    }
  }
}
