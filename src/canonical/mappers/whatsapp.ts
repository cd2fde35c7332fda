/** WhatsApp Cloud API webhooks → inbound Messages and status updates of ours. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, type Message, emptyBatch } from "../model";
import { str, toE164, toIsoUtc } from "../normalise";
import { parseOrThrow } from "./helpdesk";

const Text = z.string().nullish();
const ErrorEntry = z.looseObject({ code: z.union([z.number(), z.string()]).nullish(), title: Text, message: Text, error_data: z.looseObject({ details: Text }).nullish() });

const InboundMessage = z.looseObject({
  id: z.string().min(1),
  from: z.string().min(1),
  timestamp: z.union([z.string(), z.number()]),
  type: z.string().min(1),
  text: z.looseObject({ body: Text }).nullish(),
  button: z.looseObject({ payload: Text, text: Text }).nullish(),
  interactive: z
    .looseObject({
      type: Text,
      button_reply: z.looseObject({ id: Text, title: Text }).nullish(),
      list_reply: z.looseObject({ id: Text, title: Text, description: Text }).nullish(),
    })
    .nullish(),
  errors: z.array(ErrorEntry).nullish(),
});
type InboundMessage = z.infer<typeof InboundMessage>;

const Status = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.union([z.string(), z.number()]),
  recipient_id: Text,
  errors: z.array(ErrorEntry).nullish(),
});

const Payload = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({ messages: z.array(InboundMessage).nullish(), statuses: z.array(Status).nullish() }).nullish(),
        }),
      ),
    }),
  ),
});

const OUTBOUND_STATUSES = new Set<Message["status"]>(["sent", "delivered", "read", "failed"]);

/**
 * One POST can carry several messages and statuses, across entries and changes. Changes of
 * other fields (template reviews, account updates) are not conversations: they map to nothing.
 */
export function mapWhatsappWebhook(_topic: string, payload: unknown): CanonicalBatch {
  const p = parseOrThrow(Payload, payload, "whatsapp webhook");
  const batch = emptyBatch();
  for (const entry of p.entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages" || !change.value) continue;
      for (const m of change.value.messages ?? []) batch.messages.push(inbound(m));
      for (const s of change.value.statuses ?? []) {
        // Statuses outside our model (e.g. "deleted", "warning") change nothing we track.
        if (!OUTBOUND_STATUSES.has(s.status as Message["status"])) continue;
        batch.messages.push({
          channel: "whatsapp",
          messageId: s.id,
          direction: "outbound",
          phone: toE164(s.recipient_id),
          // Only known from its status; the connector that sent it recorded the real kind.
          kind: "status",
          text: null,
          payload: null,
          status: s.status as Message["status"],
          error: errorText(s.errors),
          occurredAt: toIsoUtc(s.timestamp, "whatsapp status timestamp"),
          source: "whatsapp",
          sourceId: `${s.id}:${s.status}`,
        });
      }
    }
  }
  return batch;
}

function inbound(m: InboundMessage): Message {
  const { kind, text, payload } = content(m);
  return {
    channel: "whatsapp",
    messageId: m.id,
    direction: "inbound",
    // wa_id has the country code but no plus.
    phone: toE164(m.from),
    kind,
    text,
    payload,
    status: "received",
    error: errorText(m.errors),
    occurredAt: toIsoUtc(m.timestamp, "whatsapp message timestamp"),
    source: "whatsapp",
    sourceId: m.id,
  };
}

/** The words and the machine-readable reply (button payload such as `ndr:reattempt:#1042`). */
function content(m: InboundMessage): { kind: string; text: string | null; payload: string | null } {
  if (m.type === "text") return { kind: "text", text: m.text?.body ?? null, payload: null };
  // A template's quick-reply button: the payload is what we set when sending the template.
  if (m.type === "button") return { kind: "button", text: m.button?.text ?? null, payload: m.button?.payload ?? null };
  if (m.type === "interactive") {
    const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
    return { kind: m.interactive?.type ?? "interactive", text: reply?.title ?? null, payload: reply?.id ?? null };
  }
  // Media and the rest: keep the type and any caption; the payload stays in the raw event.
  const media = (m as Record<string, unknown>)[m.type];
  const caption = media && typeof media === "object" ? str((media as { caption?: unknown }).caption) : null;
  return { kind: m.type, text: caption, payload: null };
}

function errorText(errors: z.infer<typeof ErrorEntry>[] | null | undefined): string | null {
  if (!errors?.length) return null;
  return errors
    .map((e) => [e.code, e.title ?? e.message, e.error_data?.details].filter((x) => x !== null && x !== undefined && x !== "").join(": "))
    .join("; ");
}
