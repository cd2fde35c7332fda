/** WhatsApp Cloud API: template messages anywhere, free text only inside the 24-hour customer-service window. */
import { lastInboundAt } from "../db/connector-state";
import type { ActionSpec } from "../canonical/actions";
import type { WhatsAppConfig } from "./config";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type WhatsAppSpec = Extract<ActionSpec, { connector: "whatsapp" }>;

export const SERVICE_WINDOW_MS = 24 * 3_600_000;

export function buildWhatsAppRequest(spec: WhatsAppSpec, config: WhatsAppConfig): OutboundRequest {
  const p = spec.params;
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to: p.to };
  const body =
    spec.kind === "whatsapp.text"
      ? { ...base, type: "text", text: { preview_url: false, body: spec.params.text } }
      : { ...base, type: "template", template: templateOf(spec.params) };
  return {
    method: "POST",
    url: `${config.graphBaseUrl ?? "https://graph.facebook.com"}/${config.apiVersion}/${config.phoneNumberId}/messages`,
    headers: { authorization: `Bearer ${config.accessToken}`, "content-type": "application/json" },
    body,
  };
}

function templateOf(p: Extract<WhatsAppSpec, { kind: "whatsapp.template" }>["params"]) {
  const components: unknown[] = [];
  if (p.bodyParams.length) components.push({ type: "body", parameters: p.bodyParams.map((text) => ({ type: "text", text })) });
  p.buttons.forEach((b, index) => {
    components.push(
      b.type === "url"
        ? { type: "button", sub_type: "url", index: String(index), parameters: [{ type: "text", text: b.param }] }
        : { type: "button", sub_type: "quick_reply", index: String(index), parameters: [{ type: "payload", payload: b.param }] },
    );
  });
  return { name: p.template, language: { code: p.language }, components };
}

/** The message id (wamid) is what status webhooks name later. */
export function interpretWhatsApp(status: number, body: unknown): Outcome {
  const messages = asRecord(body)?.messages;
  const id = Array.isArray(messages) ? asRecord(messages[0])?.id : undefined;
  return { kind: "sent", httpStatus: status, externalId: typeof id === "string" ? id : null, response: body };
}

/**
 * Graph API reports throughput limits as 400s with these codes (130429 throughput, 131056 pair rate,
 * 131048 spam rate, 80007 WABA rate, 4 app rate): they are worth retrying later, unlike other 400s.
 */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131048, 131056]);

export function isWhatsAppRateLimit(body: unknown): boolean {
  const code = asRecord(asRecord(body)?.error)?.code;
  return typeof code === "number" && RATE_LIMIT_CODES.has(code);
}


/** Why free text may not go out now, or null when the customer wrote to us within 24 hours. */
export async function serviceWindowRefusal(db: D1Database, phone: string, now: number): Promise<string | null> {
  const at = await lastInboundAt(db, phone);
  if (at !== null && now - at < SERVICE_WINDOW_MS) return null;
  return at === null
    ? "outside the 24-hour customer-service window: the customer has never messaged us; use an approved template"
    : `outside the 24-hour customer-service window: last inbound message ${Math.floor((now - at) / 3_600_000)} h ago; use an approved template`;
}

/**
 * Meta's error on a refused send: `{ error: { message, type, code, error_data: { details } } }`
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */
export function whatsAppError(body: unknown): { code: number; message: string } | null {
  const e = asRecord(asRecord(body)?.error);
  if (!e || typeof e.code !== "number") return null;
  const details = asRecord(e.error_data)?.details;
  const message = [typeof e.message === "string" ? e.message : null, typeof details === "string" ? details : null].filter(Boolean).join(" — ");
  return { code: e.code, message: message || "no message" };
}
