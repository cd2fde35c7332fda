/**
 * Email: customer mail through an HTTP email API with Resend's request shape (`POST {base}/emails`,
 * Bearer key, Idempotency-Key), and ops alerts through Cloudflare's send_email binding when bound.
 */
import type { ActionSpec } from "../canonical/actions";
import type { EmailConfig } from "./config";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type EmailSpec = Extract<ActionSpec, { connector: "email" }>;

export interface EmailMessageFields {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Recipient and content, whichever transport carries them; null `to` means no ops address is configured. */
export function emailFields(spec: EmailSpec, from: string, opsTo: string | null): EmailMessageFields | null {
  if (spec.kind === "email.send") {
    const p = spec.params;
    return { from, to: p.to, subject: p.subject, text: p.text, ...(p.html ? { html: p.html } : {}) };
  }
  return opsTo ? { from, to: opsTo, subject: spec.params.subject, text: spec.params.text } : null;
}

export function buildEmailRequest(spec: EmailSpec, config: EmailConfig, idempotencyKey: string): OutboundRequest | null {
  const m = emailFields(spec, config.from, config.opsTo);
  if (!m) return null;
  return {
    method: "POST",
    url: `${config.baseUrl}/emails`,
    headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json", "idempotency-key": idempotencyKey.slice(0, 256) },
    body: { from: m.from, to: [m.to], subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) },
  };
}

export function interpretEmail(status: number, body: unknown): Outcome {
  const id = asRecord(body)?.id;
  return { kind: "sent", httpStatus: status, externalId: typeof id === "string" ? id : null, response: body };
}

/** Ops alerts through the send_email binding: no HTTP, so failures come back as exceptions. */
export async function sendThroughBinding(binding: SendEmail, m: EmailMessageFields): Promise<Outcome> {
  try {
    const result = await binding.send({ from: m.from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
    return { kind: "sent", httpStatus: null, externalId: result?.messageId ?? null, response: { messageId: result?.messageId ?? null } };
  } catch (err) {
    return { kind: "retry", httpStatus: null, reason: `send_email: ${err instanceof Error ? err.message : String(err)}`, waitSeconds: null, throttled: false };
  }
}
