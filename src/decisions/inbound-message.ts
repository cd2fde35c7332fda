/**
 * A customer's own WhatsApp message, understood: a typed answer to a COD or NDR question becomes the
 * button's payload; "where is my order" is answered with the live status; anything else goes to a
 * person as a helpdesk ticket (one per conversation, follow-ups appended). Pure: the message, what is
 * known about the sender and their order, and `now` in; payloads and decision drafts out.
 *
 * WhatsApp allows free-form text only inside the 24-hour customer-service window that the customer's
 * own message opens; outside it only an approved template may be sent (Meta, "Customer service
 * windows", https://developers.facebook.com/docs/whatsapp/conversation-types#customer-service-window,
 * as quoted by Bird's "Customer service window" guide; connectors/whatsapp.ts refuses free text past it).
 */
import type { ActionSpec } from "../canonical/actions";
import { codButtonPayload, ndrButtonPayload, type HelpdeskName } from "../canonical/vocabulary";
import { writtenInHindi } from "./contact-policy";
import type { CustomerSnapshot, JourneySnapshot, OrderSummary, ScanRecord } from "./context";
import { HOUR_MS, localDate, localTime } from "./format";
import { assigneeFor, type Policy } from "./policy";
import { orderHistoryNote } from "./rules/order-history";
import { STATE_TEXT, shipmentProblem, wismoStatusLines } from "./rules/wismo-autoreply";
import { firstName, whatsappTemplate } from "./rules/build";
import type { DecisionDraft } from "./types";

/** Free-form replies are allowed until 24 h after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * HOUR_MS;

// ── Order references in the text ───────────────────────────────────────────────────────────────

export interface OrderReferences {
  /** Order names as written (`#1042`, `order 1042`), normalised to `#1042`. */
  names: string[];
  /** Tokens shaped like an AWB: 8–20 letters and digits with at least 8 digits. */
  awbs: string[];
}

/** Indian mobile numbers (10 digits from 6–9, optionally with 91 or 0 in front) are not AWBs. */
const MOBILE = /^(?:91|0)?[6-9]\d{9}$/;

export function extractOrderReferences(text: string): OrderReferences {
  const names = new Set<string>();
  for (const m of text.matchAll(/#\s?(\d{3,10})\b/g)) names.add(`#${m[1]}`);
  for (const m of text.matchAll(/\border\s*(?:no\.?|number|num|id)?\s*[:.]?\s*(\d{3,10})\b/gi)) names.add(`#${m[1]}`);
  const awbs = new Set<string>();
  for (const m of text.matchAll(/\b[A-Za-z0-9]{8,20}\b/g)) {
    const token = m[0];
    const digits = token.replace(/\D/g, "").length;
    if (digits < 8 || MOBILE.test(token) || names.has(`#${token}`)) continue;
    awbs.add(token.toUpperCase());
  }
  return { names: [...names], awbs: [...awbs] };
}

// ── Typed answers to the COD and NDR questions ─────────────────────────────────────────────────

export interface PendingQuestions {
  /** The order whose COD confirmation is waiting for the customer, by name. */
  cod: string | null;
  /** The order with an open NDR (failed attempt) question, by name. */
  ndr: string | null;
}

export interface TypedAnswer {
  payload: string;
  /** What the words meant, for the decision's reasons. */
  meaning: string;
  phrase: string;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{M}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const phrases = (list: string[]) => new RegExp(`(?:^|\\s)(?:${list.join("|")})(?=\\s|$)`, "u");

// Affirmations and refusals in English, Hinglish and Hindi. Only short messages count as an answer:
// "yes but where is my order" is a question, not a confirmation.
const YES = phrases(["yes", "yess", "yeah", "yep", "yup", "ok", "okay", "k", "sure", "confirm", "confirmed", "confirm it", "haan", "han", "haa", "ha", "haanji", "haan ji", "ji", "ji haan", "theek hai", "thik hai", "sahi hai", "chalega", "bhej do", "bhejo", "हाँ", "हां", "जी", "जी हाँ", "ठीक है", "कन्फ़र्म", "कन्फर्म"]);
const NO = phrases(["no", "nope", "cancel", "cancelled", "cancel it", "cancel kar do", "cancel karo", "nahi", "nahin", "nhi", "nai", "mat bhejo", "nahi chahiye", "nahin chahiye", "nhi chahiye", "order cancel", "नहीं", "नही", "रद्द", "नहीं चाहिए", "कैंसल"]);
const REATTEMPT = phrases(["kal bhejo", "kal bhej do", "kal aana", "kal deliver", "dobara bhejo", "dobara bhej do", "dubara bhejo", "phir se bhejo", "fir se bhejo", "phir bhejo", "aaj bhejo", "deliver again", "try again", "reattempt", "re attempt", "retry", "send again", "deliver tomorrow", "tomorrow", "deliver it", "please deliver", "कल भेजो", "दोबारा भेजो", "फिर से भेजो", "फिर से डिलीवर करें"]);
const RETURN = phrases(["return kar do", "return karo", "return it", "return", "rto", "wapas bhej do", "wapas bhejo", "vapas bhej do", "wapas le jao", "send it back", "send back", "nahi chahiye", "nahin chahiye", "nhi chahiye", "cancel", "cancel it", "वापस भेज दो", "वापस भेजें", "नहीं चाहिए"]);
// "don't cancel", "cancel mat karo": a negated answer is for a person to read.
const NEGATED = /\b(?:don'?t|do not|dont|mat|na)\s+(?:cancel|return|bhejo|confirm)\b|\b(?:cancel|return|confirm)\s+(?:mat|nahi|nahin|na)\b|मत/u;

/**
 * The button a typed reply stands for, when the customer has a question waiting: "yes" / "haan" /
 * "confirm" confirm a pending COD order and "cancel" / "nahi chahiye" cancel it; "kal bhejo" /
 * "dobara bhejo" ask for another delivery attempt and "return kar do" for the return. Ambiguous or
 * negated words (both a yes and a no, "don't cancel") are not an answer: a person reads them.
 */
export function typedAnswer(text: string, pending: PendingQuestions): TypedAnswer | null {
  const t = normalise(text);
  // A question ("ok, where is it?") asks something; it answers nothing.
  if (!t || text.includes("?") || t.split(" ").length > 12 || NEGATED.test(t)) return null;
  if (pending.ndr) {
    const again = REATTEMPT.exec(t);
    const back = RETURN.exec(t);
    if (again && !back) return { payload: ndrButtonPayload("reattempt", pending.ndr), meaning: `re-attempt delivery of ${pending.ndr}`, phrase: again[0].trim() };
    if (back && !again) return { payload: ndrButtonPayload("return", pending.ndr), meaning: `return ${pending.ndr} to the brand`, phrase: back[0].trim() };
    const yes = YES.exec(t);
    // A plain "yes" to "should they try again, or return it?" is a yes to trying again.
    if (yes && !NO.test(t) && !back) return { payload: ndrButtonPayload("reattempt", pending.ndr), meaning: `re-attempt delivery of ${pending.ndr}`, phrase: yes[0].trim() };
    return null;
  }
  if (pending.cod) {
    const yes = YES.exec(t);
    const no = NO.exec(t);
    if (yes && !no) return { payload: codButtonPayload("confirm", pending.cod), meaning: `confirm COD order ${pending.cod}`, phrase: yes[0].trim() };
    if (no && !yes) return { payload: codButtonPayload("cancel", pending.cod), meaning: `cancel COD order ${pending.cod}`, phrase: no[0].trim() };
  }
  return null;
}

// ── The decision ───────────────────────────────────────────────────────────────────────────────

export interface InboundText {
  messageId: string;
  phone: string;
  text: string;
  /** When the customer sent it (epoch ms): the 24-hour window runs from here. */
  at: number;
}

/** An open conversation with a person for this phone: its ticket, or the create action that will make it. */
export interface OpenConversation {
  id: string;
  helpdesk: HelpdeskName;
  ticketId: string | null;
  createKey: string;
}

export interface InboundContext {
  message: InboundText;
  /** The ticket classifier's reading (learned model where the brand has one, else the rules). */
  category: string;
  classifiedBy: string;
  /** The customer with this phone; null for an unknown sender. */
  customer: Pick<CustomerSnapshot, "id" | "firstName" | "email" | "phone" | "ordersCount"> | null;
  order: OrderSummary | null;
  /** How the order was found: named in the text, by AWB, or the customer's latest open order. */
  orderFoundBy: "name" | "awb" | "latest_open" | null;
  journey: JourneySnapshot | null;
  scans: ScanRecord[];
  /** The revised ETA of the current delay alert, if one was decided for this silence. */
  revisedEta: number | null;
  /** The tracking page (`/t/<token>`), else the carrier's page; null when neither is known. */
  trackingUrl: string | null;
  conversation: OpenConversation | null;
  helpdesk: HelpdeskName;
}

export interface InboundDecision {
  drafts: DecisionDraft[];
  /** A conversation this message opens (its ticket is created by the draft's first action). */
  opens: { id: string; helpdesk: HelpdeskName; createKey: string; category: string } | null;
  /** The open conversation this message joins. */
  joins: string | null;
}

const CATEGORY_LABEL: Record<string, string> = {
  wismo: "where is my order",
  delivered_not_received: "delivered but not received",
  damaged: "damaged or wrong item",
  return_refund: "return or refund",
  address_change: "address change",
  cod: "cash on delivery",
  other: "a message",
};

/** Hindi for the journey states, beside the English of wismo-autoreply.ts. */
const STATE_TEXT_HI: Partial<Record<JourneySnapshot["state"], string>> = {
  placed: "मिल गया है और तैयार किया जा रहा है",
  cod_confirmation_pending: "आपकी कैश-ऑन-डिलीवरी पुष्टि का इंतज़ार कर रहा है",
  confirmed: "कन्फ़र्म है और पैक किया जा रहा है",
  fulfilled: "पैक हो चुका है और कूरियर का इंतज़ार कर रहा है",
  shipped: "कूरियर को सौंप दिया गया है",
  in_transit: "रास्ते में है",
  out_for_delivery: "आज डिलीवरी के लिए निकल चुका है",
  failed_attempt: "डिलीवर नहीं हो सका: कूरियर ने कोशिश की थी",
  delivered: "डिलीवर हो चुका है",
  rto_initiated: "हमें वापस भेजा जा रहा है",
  rto_delivered: "हमें वापस मिल गया है",
  cancelled: "रद्द हो चुका है",
};

function stateWords(state: JourneySnapshot["state"], hindi: boolean): string {
  if (hindi) return STATE_TEXT_HI[state] ?? state.replace(/_/g, " ");
  return STATE_TEXT[state] ?? `is ${state.replace(/_/g, " ")}`;
}

/** The WISMO facts in Hindi, line for line with wismoStatusLines. */
function hindiStatusLines(orderName: string, journey: JourneySnapshot, offset: number, links: { trackingUrl: string | null; revisedEta: number | null }): string[] {
  const lines = [`नमस्ते! आपका ऑर्डर ${orderName} ${stateWords(journey.state, true)}।`];
  if (journey.lastScanAt) lines.push(`${journey.carrier ?? "कूरियर"} का आख़िरी अपडेट: ${localTime(journey.lastScanAt, offset)}${journey.lastScanLocation ? `, ${journey.lastScanLocation}` : ""}।`);
  if (links.revisedEta) lines.push(`नई अनुमानित डिलीवरी: ${localDate(links.revisedEta, offset)}।`);
  else if (journey.eta) lines.push(`अनुमानित डिलीवरी: ${localDate(journey.eta, offset)}।`);
  if (links.trackingUrl) lines.push(`लाइव ट्रैक करें: ${links.trackingUrl}`);
  return lines;
}

const ACK = {
  en: (name: string) => `Thanks for your message, ${name}. We've passed it to our team and a person will reply to you here shortly.`,
  hi: (name: string) => `संदेश के लिए धन्यवाद, ${name}। हमने इसे अपनी टीम को भेज दिया है; हमारी टीम का एक सदस्य जल्द ही यहीं आपको जवाब देगा।`,
};
const PERSON_LOOKING = {
  en: "This doesn't look right, so a person from our team is looking into it and will reply here.",
  hi: "यह ठीक नहीं लग रहा, इसलिए हमारी टीम का एक सदस्य इसे देख रहा है और यहीं जवाब देगा।",
};
const ALL_GOOD = { en: "Reply here if anything looks wrong and we'll jump in.", hi: "कुछ गड़बड़ लगे तो यहीं जवाब दें, हम तुरंत देखेंगे।" };

/** A template parameter is one line (Meta refuses new lines and tabs in parameters). */
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

export function decideInboundMessage(ctx: InboundContext, policy: Policy, now: number): InboundDecision {
  const p = policy.whatsapp_inbound;
  const { message, order, journey, customer } = ctx;
  const offset = policy.quietHours.utcOffsetMinutes;
  const hindi = writtenInHindi(message.text) !== null;
  const lang = hindi ? "hi" : "en";
  const inWindow = now - message.at < SERVICE_WINDOW_MS;
  const name = firstName(customer?.firstName ?? order?.customerFirstName ?? null);
  const windowReason = inWindow
    ? "inside the 24-hour customer-service window the customer's message opened: free-form reply"
    : `the customer's message is ${Math.floor((now - message.at) / HOUR_MS)} h old, past the 24-hour customer-service window: approved template`;
  const out: InboundDecision = { drafts: [], opens: null, joins: null };
  const heard = `customer wrote on WhatsApp; classified ${ctx.category} (${ctx.classifiedBy})`;
  const found = order ? `order ${order.name} found by ${ctx.orderFoundBy === "latest_open" ? "the customer's latest open order" : `the ${ctx.orderFoundBy} in the text`}` : customer ? "no order found for this customer" : "unknown sender: no customer with this phone";
  const baseInputs = { messageId: message.messageId, category: ctx.category, classifiedBy: ctx.classifiedBy, orderId: order?.id ?? null, orderFoundBy: ctx.orderFoundBy, customerId: customer?.id ?? null, language: lang, inWindow };
  // Replies answer the customer now: they wrote to us, so quiet hours (meant for messages we start) do not hold them.
  const noDelay = null;

  const problem = journey ? shipmentProblem(journey, now, policy.wismo_autoreply.stallHours) : null;
  const answerable = ctx.category === "wismo" && order !== null && journey !== null && order.cancelledAt === null;

  if (answerable) {
    const links = { trackingUrl: ctx.trackingUrl, revisedEta: ctx.revisedEta };
    const lines = hindi ? hindiStatusLines(order.name, journey, offset, links) : wismoStatusLines(order.name, journey, offset, links);
    lines.push(problem ? PERSON_LOOKING[lang] : ALL_GOOD[lang]);
    const reply: ActionSpec = inWindow
      ? { kind: "whatsapp.text", connector: "whatsapp", params: { to: message.phone, text: lines.join("\n") } }
      : whatsappTemplate(message.phone, p.statusTemplate, [
          name,
          order.name,
          oneLine(stateWords(journey.state, hindi)),
          oneLine(journey.lastScanAt ? `${localTime(journey.lastScanAt, offset)}${journey.lastScanLocation ? `, ${journey.lastScanLocation}` : ""}` : hindi ? "अभी नहीं" : "none yet"),
          oneLine(ctx.revisedEta ? localDate(ctx.revisedEta, offset) : journey.eta ? localDate(journey.eta, offset) : hindi ? "जल्द बताएँगे" : "to be confirmed"),
          ctx.trackingUrl ?? (journey.awb ? `AWB ${journey.awb}` : order.name),
        ]);
    out.drafts.push({
      type: "wismo_autoreply",
      subjectType: "order",
      subjectId: order.id,
      dedupeKey: `wismo_autoreply:order:${order.id}:whatsapp:${message.messageId}`,
      reasons: [
        heard,
        found,
        problem ? `shipment unhealthy: ${problem}; the facts are sent and a person is put on it` : `shipment healthy: ${journey.state}${journey.lastScanAt ? `, last scan ${localTime(journey.lastScanAt, offset)}` : ""}`,
        windowReason,
      ],
      inputs: { ...baseInputs, channel: "whatsapp", state: journey.state, lastScanAt: journey.lastScanAt, lastScanLocation: journey.lastScanLocation, eta: journey.eta, revisedEta: ctx.revisedEta, awb: journey.awb, trackingUrl: ctx.trackingUrl, problem },
      actions: [reply],
      notBefore: noDelay,
    });
    if (!problem) {
      // A question answered in full still belongs to an open conversation: the agent sees it there.
      if (ctx.conversation) out.drafts.push(appendDraft(ctx, [heard, "answered automatically; added to the open conversation's ticket"], policy));
      if (ctx.conversation) out.joins = ctx.conversation.id;
      return out;
    }
  }

  // To a person: the open conversation's ticket, or a new one.
  if (ctx.conversation) {
    out.drafts.push(appendDraft(ctx, [heard, found, `follow-up in the open conversation: appended to its ${ctx.conversation.helpdesk} ticket${ctx.conversation.ticketId ? ` ${ctx.conversation.ticketId}` : ""}, no new ticket`], policy));
    out.joins = ctx.conversation.id;
    return out;
  }

  const escalation = answerable && problem !== null;
  const type = escalation ? ("support_escalation" as const) : ("whatsapp_inbound" as const);
  const subject = order ? { subjectType: "order" as const, subjectId: order.id } : { subjectType: "customer" as const, subjectId: customer?.id ?? `whatsapp:${message.phone}` };
  const dedupeKey = `${type}:${subject.subjectType}:${subject.subjectId}:whatsapp:${message.messageId}`;
  const priority = escalation ? policy.wismo_autoreply.escalationPriority : p.ticketPriority;
  const assignee = escalation ? assigneeFor(policy.wismo_autoreply.escalationAssignee, ctx.helpdesk) : null;
  const label = CATEGORY_LABEL[ctx.category] ?? ctx.category.replace(/_/g, " ");
  const context = [
    `From WhatsApp ${message.phone}${customer ? ` (customer ${customer.id}, ${customer.ordersCount} order${customer.ordersCount === 1 ? "" : "s"})` : " (no customer with this phone)"}, ${localTime(message.at, offset)}.`,
    `Classified ${ctx.category} by ${ctx.classifiedBy}.${escalation ? ` Escalated: ${problem}.` : ""}`,
    order ? `Order found by ${ctx.orderFoundBy === "latest_open" ? "the customer's latest open order" : `the ${ctx.orderFoundBy} in the message`}.` : "No order found.",
    "",
    orderHistoryNote(order, journey, ctx.scans, offset),
  ].join("\n");
  const actions: ActionSpec[] = [
    {
      kind: "helpdesk.create_ticket",
      connector: "helpdesk",
      params: {
        helpdesk: ctx.helpdesk,
        subject: `WhatsApp: ${label}${order ? ` (${order.name})` : ""}`,
        message: message.text,
        context,
        requester: { name: customer?.firstName ?? order?.customerFirstName ?? null, email: customer?.email ?? order?.email ?? null, phone: message.phone },
        priority,
        assignee,
        tags: [...new Set([...p.tags, ctx.category, ...(escalation ? ["switchyard-escalated"] : [])])],
      },
    },
  ];
  // An escalated WISMO already told the customer a person is on it, in the answer above.
  if (!escalation) {
    actions.push(
      inWindow
        ? { kind: "whatsapp.text", connector: "whatsapp", params: { to: message.phone, text: ACK[lang](name) } }
        : whatsappTemplate(message.phone, p.ackTemplate, [name, order?.name ?? (hindi ? "आपका संदेश" : "your message")]),
    );
  }
  out.drafts.push({
    type,
    ...subject,
    dedupeKey,
    reasons: [heard, found, escalation ? `WISMO on an unhealthy shipment (${problem}): a ${priority} ticket for a person` : `not something to answer automatically: a ticket for a person, and the customer told one will reply`, ...(escalation ? [] : [windowReason])],
    inputs: { ...baseInputs, helpdesk: ctx.helpdesk, priority, assignee },
    actions,
    notBefore: noDelay,
  });
  out.opens = { id: `wa:${message.phone}:${message.messageId}`, helpdesk: ctx.helpdesk, createKey: `${dedupeKey}:0:helpdesk.create_ticket`, category: ctx.category };
  return out;
}

function appendDraft(ctx: InboundContext, reasons: string[], _policy: Policy): DecisionDraft {
  const c = ctx.conversation!;
  const { message, customer, order } = ctx;
  return {
    type: "whatsapp_inbound",
    subjectType: order ? "order" : "customer",
    subjectId: order?.id ?? customer?.id ?? `whatsapp:${message.phone}`,
    dedupeKey: `whatsapp_inbound:conversation:${c.id}:message:${message.messageId}`,
    reasons,
    inputs: { messageId: message.messageId, category: ctx.category, conversationId: c.id, helpdesk: c.helpdesk, ticketId: c.ticketId },
    actions: [
      {
        kind: "helpdesk.add_message",
        connector: "helpdesk",
        params: {
          helpdesk: c.helpdesk,
          ticketId: c.ticketId,
          createKey: c.ticketId ? null : c.createKey,
          message: message.text,
          requester: { name: customer?.firstName ?? order?.customerFirstName ?? null, email: customer?.email ?? order?.email ?? null, phone: message.phone },
        },
      },
    ],
    notBefore: null,
  };
}
