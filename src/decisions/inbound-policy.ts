/** The `whatsapp_inbound` policy section: what happens to a customer's own WhatsApp message (decisions/inbound-message.ts). */
import { z } from "zod";
import { HELPDESKS } from "../canonical/vocabulary";

const range = (min: number, max: number, unit: string) => {
  const says = `must be from ${min} to ${max} ${unit}`;
  return z.number({ error: says }).min(min, { error: says }).max(max, { error: says });
};

export const WhatsappInboundPolicy = z.strictObject({
  enabled: z.boolean(),
  mode: z.enum(["live", "shadow", "approve"]),
  /** The helpdesk that gets tickets from WhatsApp; null: the one with credentials (Freshdesk, then Zendesk, then Gorgias). */
  helpdesk: z.enum(HELPDESKS).nullable(),
  /** A message after this many days of silence opens a new ticket instead of joining the open one. */
  followUpDays: range(1, 30, "days"),
  /** Priority of a ticket a customer opened on WhatsApp (an unhealthy WISMO uses wismo_autoreply.escalationPriority). */
  ticketPriority: z.enum(["low", "normal", "high", "urgent"]),
  tags: z.array(z.string().min(1).max(100)).max(20),
  /** Templates for replies outside the 24-hour customer-service window (canonical/whatsapp-templates.ts). */
  statusTemplate: z.string().min(1).max(200),
  ackTemplate: z.string().min(1).max(200),
});
export type WhatsappInboundPolicy = z.infer<typeof WhatsappInboundPolicy>;

export const DEFAULT_WHATSAPP_INBOUND: WhatsappInboundPolicy = {
  enabled: true,
  mode: "live",
  helpdesk: null,
  followUpDays: 7,
  ticketPriority: "normal",
  tags: ["whatsapp"],
  statusTemplate: "wismo_status",
  ackTemplate: "support_ack",
};
