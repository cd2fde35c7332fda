/**
 * The project's shared words, each defined once: journey states, helpdesks, ticket and purchase-order
 * statuses, and the string codecs that one module builds and another parses (decision dedupe keys,
 * outbox keys, WhatsApp button payloads, receipt times). Build and parse sit side by side so they
 * cannot drift apart.
 */

// ── Journey ────────────────────────────────────────────────────────────────────────────────────

export const JOURNEY_STATES = [
  "placed",
  "cod_confirmation_pending",
  "confirmed",
  "fulfilled",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "failed_attempt",
  "delivered",
  "rto_initiated",
  "rto_delivered",
  "cancelled",
  "return_requested",
  "returned",
  "refunded",
] as const;
export type JourneyState = (typeof JOURNEY_STATES)[number];

// ── Sources ────────────────────────────────────────────────────────────────────────────────────

/** Every system that sends Switchyard webhooks, as raw events name their source. */
export const WEBHOOK_SOURCES = ["shopify", "shiprocket", "delhivery", "gorgias", "freshdesk", "zendesk", "zoho-inventory", "unicommerce", "whatsapp", "razorpay"] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

// ── Helpdesks and tickets ──────────────────────────────────────────────────────────────────────

export const HELPDESKS = ["gorgias", "freshdesk", "zendesk"] as const;
export type HelpdeskName = (typeof HELPDESKS)[number];

/**
 * Canonical ticket statuses: `open`, `pending`, `solved`, `closed`. The decision rules read these
 * words (`solved`/`closed` end escalation, `open` allows a WISMO auto-reply), so every helpdesk's
 * own words are folded into them; a status no table knows is kept lower-cased.
 */
const TICKET_STATUS_WORDS: Record<string, string> = {
  new: "open",
  open: "open",
  pending: "pending",
  hold: "pending",
  "on-hold": "pending",
  "on hold": "pending",
  snoozed: "pending",
  waiting: "pending",
  "waiting on customer": "pending",
  "waiting on third party": "pending",
  solved: "solved",
  resolved: "solved",
  closed: "closed",
};

export function ticketStatus(raw: string): string {
  const s = raw.trim().toLowerCase();
  return TICKET_STATUS_WORDS[s] ?? s;
}

/** Stored statuses (canonical, and the raw words older rows may hold) that mean nobody is waiting. */
export const CLOSED_TICKET_STATUSES = ["solved", "closed", "resolved"] as const;

// ── Purchase orders ────────────────────────────────────────────────────────────────────────────

/** ERP purchase-order statuses after which the goods are in (Zoho: received, billed, closed). */
export const RECEIVED_PO_STATUSES = ["received", "billed", "closed"] as const;
/** Statuses of a purchase order that brings nothing more: received, or cancelled. */
export const CLOSED_PO_STATUSES = [...RECEIVED_PO_STATUSES, "cancelled"] as const;

export function isReceivedPo(status: string): boolean {
  return (RECEIVED_PO_STATUSES as readonly string[]).includes(status.toLowerCase());
}

export function isOpenPo(status: string): boolean {
  return !(CLOSED_PO_STATUSES as readonly string[]).includes(status.toLowerCase());
}

// ── Decision dedupe keys ───────────────────────────────────────────────────────────────────────

/** `cod_confirmation:order:<id>:request|timeout`: the question, and what silence past the timeout does. */
export const codConfirmationKey = (orderId: string, step: "request" | "timeout") => `cod_confirmation:order:${orderId}:${step}`;

/**
 * What a COD order's answer (or silence) did in Shopify, one decision each (issue 19):
 * `cod_confirmation:order:<id>:confirmed|cancelled|reminder|auto_cancel|paid|pay_link`.
 */
export type CodShopifyStep = "confirmed" | "cancelled" | "reminder" | "auto_cancel" | "paid" | "pay_link";
export const codShopifyKey = (orderId: string, step: CodShopifyStep) => `cod_confirmation:order:${orderId}:${step}`;

/** `cod_confirmation:customer:<id>:cod_blocked`: the customer tagged cod-blocked after N RTOs, once. */
export const codBlockedKey = (customerId: string) => `cod_confirmation:customer:${customerId}:cod_blocked`;

/** Shopify tags COD answers leave on the order (and the customer), as a checkout rule or the warehouse reads them. */
export const COD_TAGS = { confirmed: "cod-confirmed", cancelled: "cod-cancelled", converted: "cod-converted", blocked: "cod-blocked" } as const;

/** `post_delivery:order:<id>:<step>`: one decision per step of the post-delivery sequence. */
export const postDeliveryKey = (orderId: string, step: string) => `post_delivery:order:${orderId}:${step}`;

export function parsePostDeliveryKey(key: string): { orderId: string; step: string } | null {
  const m = /^post_delivery:order:([^:]+):(.+)$/.exec(key);
  return m ? { orderId: m[1]!, step: m[2]! } : null;
}

// ── Outbox keys ────────────────────────────────────────────────────────────────────────────────

/** The idempotency key of the `index`th action a decision or workflow (its key prefix) queued. */
export const actionKey = (prefix: string, index: number, kind: string) => `${prefix}:${index}:${kind}`;

/** The workflow key prefix of the ERP sales order that deducts a Shopify order's stock. */
export const erpDeductionPrefix = (orderId: string) => `erp-deduct:${orderId}`;

// ── WhatsApp button payloads ───────────────────────────────────────────────────────────────────

export type CodAnswer = "confirm" | "cancel";
export type NdrChoice = "reattempt" | "return";

/** `cod:confirm:<order>` / `cod:cancel:<order>`; <order> is the order name (`#1042`) or its Shopify id. */
export const codButtonPayload = (answer: CodAnswer, orderRef: string) => `cod:${answer}:${orderRef}`;

export function parseCodButton(payload: string | null): { orderRef: string; confirmed: boolean } | null {
  const m = /^cod:(confirm|cancel):(.+)$/.exec(payload ?? "");
  return m ? { orderRef: m[2]!, confirmed: m[1] === "confirm" } : null;
}

/** `ndr:reattempt:<order name>` / `ndr:return:<order name>`. */
export const ndrButtonPayload = (choice: NdrChoice, orderName: string) => `ndr:${choice}:${orderName}`;

export function parseNdrButton(payload: string | null): { choice: NdrChoice; orderName: string } | null {
  const m = /^ndr:(reattempt|return):(.+)$/.exec(payload ?? "");
  return m ? { choice: m[1] as NdrChoice, orderName: m[2]! } : null;
}
