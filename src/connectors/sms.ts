/**
 * SMS through MSG91's flow API: one JSON request per message naming an MSG91 template (mapped in
 * MSG91 to the brand's DLT template and sender id) with the values of its ##var## placeholders.
 *
 * Why MSG91 and not Gupshup: the flow API is JSON in and JSON out (`authkey` header, a request id
 * back) like every other connector here, templates and their DLT ids live in MSG91 so a request
 * carries no message text that could drift from what DLT approved; Gupshup's SMS API takes the
 * full message text as form parameters and answers in plain text.
 *
 * Docs: "Send SMS via FLOW", https://control.msg91.com/apidoc/textsms/send-sms-flow.php —
 * POST https://control.msg91.com/api/v5/flow/, header authkey, body { template_id | flow_id, sender,
 * short_url, recipients: [{ mobiles: "91…", VAR: "value" }] }; success {"message":"<request id>","type":"success"},
 * failure {"message":"<why>","type":"error"}. "How to create a Template ID to send SMS via API",
 * https://msg91.com/help/template/how-to-create-flow-id-to-send-sms-via-api (DLT template id and sender id per template).
 */
import type { ActionSpec } from "../canonical/actions";
import { asRecord, type OutboundRequest, type Outcome } from "./http";

export type SmsSpec = Extract<ActionSpec, { connector: "sms" }>;

export interface SmsConfig {
  authKey: string;
  baseUrl: string;
}

export const MSG91_BASE_URL = "https://control.msg91.com/api/v5";

export function buildSmsRequest(spec: SmsSpec, config: SmsConfig): OutboundRequest {
  const p = spec.params;
  // MSG91 wants the number with its country code and without the plus sign.
  const recipient: Record<string, string> = { mobiles: p.to.replace(/^\+/, ""), ...p.variables };
  return {
    method: "POST",
    url: `${config.baseUrl}/flow/`,
    headers: { authkey: config.authKey, "content-type": "application/json", accept: "application/json" },
    body: { template_id: p.templateId, sender: p.senderId, short_url: "0", ...(p.unicode ? { unicode: 1 } : {}), recipients: [recipient] },
  };
}

/** MSG91 answers 200 with `type` saying whether it took the message; the `message` is its request id or its reason. */
export function interpretMsg91(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  const message = typeof o?.message === "string" ? o.message : null;
  if (o?.type === "success") return { kind: "sent", httpStatus: status, externalId: message, response: body };
  return { kind: "failed", httpStatus: status, reason: `MSG91: ${message ?? "no success in the answer"}`, response: body };
}
