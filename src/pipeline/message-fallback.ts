/**
 * When WhatsApp cannot reach a customer (a refused send, or a `failed` status later), the same news
 * goes by SMS, then email: the plan is decisions/channel-fallback.ts; this queues it as a new outbox
 * action under the same decision, covering the same moment. Each step is idempotent by key.
 */
import { ActionSpec } from "../canonical/actions";
import { whatsAppError } from "../connectors/whatsapp";
import { FALLBACK_WHATSAPP_CODES, planFallback } from "../decisions/channel-fallback";
import { enqueueActions, loadAction, loadActionByKey, type ActionRecord } from "../db/actions";
import { actionIdByMessageId, copyContact, fallbackRecipient, noteOnAction } from "../db/contacts";
import { loadPolicy } from "../db/policies";
import { logEvent } from "../lib/log";

const SMS_FALLBACK_SUFFIX = ":fallback:0:sms.send";

/** Whether a failed send should go another way: WhatsApp errors another channel can get around; any SMS failure. */
export function shouldFallBack(kind: string, response: unknown): boolean {
  if (kind === "sms.send") return true;
  if (kind !== "whatsapp.template") return false;
  const e = whatsAppError(response);
  return e !== null && FALLBACK_WHATSAPP_CODES.has(e.code);
}

function specOf(a: ActionRecord): ActionSpec | null {
  const parsed = ActionSpec.safeParse({ kind: a.kind, connector: a.connector, params: JSON.parse(a.params) });
  return parsed.success ? parsed.data : null;
}

/** Queues the next channel for a failed customer message and notes it after the vendor's error; returns the new action's id, or null. */
export async function fallBack(env: Env, actionId: string, now: number): Promise<string | null> {
  const action = await loadAction(env.DB, actionId);
  const spec = action ? specOf(action) : null;
  if (!action || !spec || (spec.kind !== "whatsapp.template" && spec.kind !== "sms.send")) return null;
  const { policy } = await loadPolicy(env.DB);
  const recipient = await fallbackRecipient(env.DB, action.subjectType, action.subjectId);
  let failed: Parameters<typeof planFallback>[0]["failed"];
  if (spec.kind === "whatsapp.template") {
    failed = { channel: "whatsapp", params: spec.params };
  } else {
    // The SMS stood in for a WhatsApp message: the email is made from that one.
    const original = action.idempotencyKey.endsWith(SMS_FALLBACK_SUFFIX) ? await loadActionByKey(env.DB, action.idempotencyKey.slice(0, -SMS_FALLBACK_SUFFIX.length)) : null;
    const wa = original ? specOf(original) : null;
    failed = { channel: "sms", params: spec.params, whatsapp: wa?.kind === "whatsapp.template" ? wa.params : null };
  }
  const plan = planFallback({ failed, email: recipient.email, items: recipient.items }, policy);
  if (!plan.spec) {
    // The failure stays as the vendor put it; why nothing else was tried goes to the log.
    logEvent("message_fallback", { actionId: action.id, to: null, reason: plan.reason });
    return null;
  }
  const keyPrefix = `${action.idempotencyKey}:fallback`;
  const [created] = await enqueueActions(
    env,
    { decisionId: action.decisionId, subjectType: action.subjectType ?? "order", subjectId: action.subjectId ?? "", specs: [plan.spec], keyPrefix },
    now,
  );
  await copyContact(env.DB, action.id, `${keyPrefix}:0:${plan.spec.kind}`, now);
  if (created) await noteOnAction(env.DB, action.id, plan.reason, now);
  logEvent("message_fallback", { actionId: action.id, to: plan.spec.kind, created: Boolean(created) });
  return created ?? null;
}

/** A WhatsApp status `failed` for a message we sent: the next channel. */
export async function fallBackFailedMessage(env: Env, wamid: string, now: number): Promise<string | null> {
  const actionId = await actionIdByMessageId(env.DB, wamid);
  return actionId ? fallBack(env, actionId, now) : null;
}
