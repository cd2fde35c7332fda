/**
 * A customer's WhatsApp text, per ingested message: who wrote (by phone), which order (named or by AWB
 * in the text, else their latest open order), and what it means (decisions/inbound-message.ts). A typed
 * answer to a COD or NDR question becomes the button's payload before the journey objects see the
 * message, so the button's path runs unchanged; the rest is decided here and committed through the
 * contact policy and the outbox like every other decision.
 */
import type { Message } from "../canonical/model";
import { HELPDESKS, type HelpdeskName } from "../canonical/vocabulary";
import { classifyTicket } from "../canonical/classify";
import { configFromEnv } from "../connectors/config";
import { resolveAwb, resolveOrderRef, type AppliedBatch } from "../db/canonical-writes";
import {
  busiestHelpdesk, closeStaleConversation, currentRevisedEta, openConversation, openConversationRow, orderBelongsTo, senderByPhone, sendersOrders, setMessageMeaning, storedPayload, touchConversation,
} from "../db/inbound";
import type { StoredPolicy } from "../db/policies";
import { loadOrderAndJourney, loadScans } from "../db/rule-inputs";
import { decideInboundMessage, extractOrderReferences, typedAnswer, type InboundContext } from "../decisions/inbound-message";
import { classifyWithModel, type TicketModel } from "../decisions/models/tickets";
import { modeFor } from "../decisions/policy";
import { DAY_MS } from "../decisions/format";
import { logEvent } from "../lib/log";
import { signTrackingToken, trackingUrl } from "../lib/tracking-token";
import { commitDrafts } from "./commit";
import { loadTicketModel } from "./ticket-categories";

/** Inbound WhatsApp texts with words and no button payload: what this module reads. */
function isCustomerText(m: Message): boolean {
  return m.channel === "whatsapp" && m.direction === "inbound" && m.kind === "text" && !m.payload && !!m.text?.trim() && !!m.phone;
}

/**
 * Runs before the batch is forwarded to the journey objects (a typed COD answer must reach them as
 * the button's payload). Idempotent: a retried ingest finds the payload it gave before, and the
 * decisions' dedupe keys and the outbox keys make a repeat send nothing twice.
 */
export async function understandInboundMessages(env: Env, applied: AppliedBatch, stored: StoredPolicy, now: number): Promise<void> {
  const texts = applied.messages.filter((m) => isCustomerText(m.message));
  if (!texts.length) return;
  let model: TicketModel | null | undefined;
  for (const entry of texts) {
    const m = entry.message;
    // A retry of this event after the answer was applied: the journey has moved on, the meaning has not.
    const before = await storedPayload(env.DB, m.messageId);
    if (before) {
      m.payload = before;
      continue;
    }
    model ??= await loadTicketModel(env.DB);
    await understandOne(env, m, model, stored, now);
  }
}

async function understandOne(env: Env, m: Message, model: TicketModel | null, stored: StoredPolicy, now: number): Promise<void> {
  const db = env.DB;
  const policy = stored.policy;
  const phone = m.phone!;
  const text = m.text!;
  const sender = await senderByPhone(db, phone);
  const theirs = await sendersOrders(db, phone, sender?.id ?? null);

  // The order: named in the text (only one of the sender's own), by AWB, else the latest open one.
  const refs = extractOrderReferences(text);
  let orderId: string | null = null;
  let foundBy: InboundContext["orderFoundBy"] = null;
  for (const name of refs.names) {
    const id = await resolveOrderRef(db, name);
    if (id && (await orderBelongsTo(db, id, phone, sender?.id ?? null))) {
      orderId = id;
      foundBy = "name";
      break;
    }
  }
  for (const awb of orderId ? [] : refs.awbs) {
    const id = await resolveAwb(db, awb);
    if (id && (await orderBelongsTo(db, id, phone, sender?.id ?? null))) {
      orderId = id;
      foundBy = "awb";
      break;
    }
  }
  if (!orderId && (theirs.latestOpen ?? theirs.latest)) {
    orderId = theirs.latestOpen ?? theirs.latest;
    foundBy = "latest_open";
  }

  // A typed answer to the question waiting on an order: the same payload the button carries.
  const pendingCod = theirs.codPending && (foundBy !== "name" && foundBy !== "awb" || theirs.codPending.id === orderId) ? theirs.codPending : null;
  const pendingNdr = theirs.ndrOpen && (foundBy !== "name" && foundBy !== "awb" || theirs.ndrOpen.id === orderId) ? theirs.ndrOpen : null;
  const answer = typedAnswer(text, { cod: pendingCod?.name ?? null, ndr: pendingNdr?.name ?? null });
  if (answer) {
    m.payload = answer.payload;
    await setMessageMeaning(db, m.messageId, answer.payload, (pendingNdr ?? pendingCod)?.id ?? null);
    logEvent("whatsapp_typed_answer", { messageId: m.messageId, payload: answer.payload.split(":").slice(0, 2).join(":") });
    return;
  }
  if (orderId && foundBy !== "latest_open") await setMessageMeaning(db, m.messageId, null, orderId);

  const classified = classifyWithModel(model, { subject: "", body: text, tags: [] }, classifyTicket);
  const { order, journey } = orderId ? await loadOrderAndJourney(db, orderId) : { order: null, journey: null };
  const scans = orderId ? await loadScans(db, orderId) : [];
  const secret = env.TRACKING_SECRET;
  const page = orderId && secret ? trackingUrl(env.PUBLIC_URL, await signTrackingToken(secret, orderId)) : null;
  const since = now - policy.whatsapp_inbound.followUpDays * DAY_MS;
  await closeStaleConversation(db, phone, since);
  const conversation = await openConversation(db, phone, since);
  const helpdesk = conversation?.helpdesk ?? (await brandHelpdesk(env, policy.whatsapp_inbound.helpdesk));

  const ctx: InboundContext = {
    message: { messageId: m.messageId, phone, text, at: Date.parse(m.occurredAt) },
    category: classified.category,
    classifiedBy: classified.source === "model" ? `the brand's ticket model (p=${(classified.confidence ?? 0).toFixed(2)})` : "the keyword rules",
    customer: sender ? { id: sender.id, firstName: sender.firstName, email: sender.email, phone: sender.phone, ordersCount: sender.ordersCount } : null,
    order,
    orderFoundBy: order ? foundBy : null,
    journey,
    scans,
    revisedEta: orderId && journey ? await currentRevisedEta(db, orderId, journey.lastScanAt) : null,
    trackingUrl: page ?? journey?.trackingUrl ?? null,
    conversation: conversation ? { id: conversation.id, helpdesk: conversation.helpdesk, ticketId: conversation.ticketId, createKey: conversation.createKey } : null,
    helpdesk,
  };
  let decided = decideInboundMessage(ctx, policy, now);
  // The conversation exists before its create action can run, so the action can record the ticket id on it.
  const opening = decided.opens && decided.drafts.find((d) => d.actions[0]?.kind === "helpdesk.create_ticket");
  if (decided.opens && opening && policy[opening.type].enabled && modeFor(policy, opening.type) !== "shadow") {
    const openId = await openConversationRow(db, { ...decided.opens, phone, customerId: sender?.id ?? null, orderId, at: ctx.message.at });
    if (openId !== decided.opens.id) {
      // Another message of the same burst opened the conversation first: this one joins it.
      const other = await openConversation(db, phone, 0);
      if (other) decided = decideInboundMessage({ ...ctx, conversation: { id: other.id, helpdesk: other.helpdesk, ticketId: other.ticketId, createKey: other.createKey } }, policy, now);
    }
  }
  const committed = await commitDrafts(env, decided.drafts, stored, now);
  if (decided.joins && committed.some((c) => c.draft.actions.some((a) => a.kind === "helpdesk.add_message"))) await touchConversation(db, decided.joins, ctx.message.at);
}

/** The policy's helpdesk, else the one with credentials, else the one the brand's tickets come from, else Freshdesk. */
async function brandHelpdesk(env: Env, named: HelpdeskName | null): Promise<HelpdeskName> {
  if (named) return named;
  const config = configFromEnv(env);
  const configured = (["freshdesk", "zendesk", "gorgias"] as const).find((h) => config[h] !== null);
  if (configured) return configured;
  const busiest = await busiestHelpdesk(env.DB);
  return busiest && (HELPDESKS as readonly string[]).includes(busiest) ? busiest : "freshdesk";
}
