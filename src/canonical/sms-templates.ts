/**
 * SMS versions of the utility WhatsApp templates, for customers WhatsApp cannot reach. In India every
 * commercial SMS must match a template registered on the operators' DLT platform, sent under a
 * registered sender id (header); MSG91 maps each DLT template to one of its own templates, whose
 * `##var##` placeholders the flow API fills by name
 * (https://msg91.com/help/template/how-to-create-flow-id-to-send-sms-via-api,
 * https://control.msg91.com/apidoc/textsms/send-sms-flow.php). The text here is what a brand
 * registers on DLT; the ids per template are in the policy (`sms.templates`).
 */

/** Where each SMS variable comes from in the WhatsApp message it replaces. */
export type SmsVariableSource = { bodyParam: number } | { trackingLink: true };

export interface SmsTemplate {
  /** The WhatsApp template it stands in for. */
  replaces: string;
  /** As registered on DLT, with MSG91 ##var## placeholders. Keep under 160 characters with values filled in. */
  text: string;
  variables: Record<string, SmsVariableSource>;
}

export const SMS_TEMPLATES: readonly SmsTemplate[] = [
  {
    replaces: "delay_alert",
    text: "Hi ##name##, your order ##order## is delayed with the courier. New expected delivery: ##eta##. Track: ##link##",
    variables: { name: { bodyParam: 1 }, order: { bodyParam: 2 }, eta: { bodyParam: 3 }, link: { trackingLink: true } },
  },
  {
    replaces: "order_delayed",
    text: "Hi ##name##, your order ##order## is running late. It should reach you by ##eta##. Track: ##link##",
    variables: { name: { bodyParam: 1 }, order: { bodyParam: 2 }, eta: { bodyParam: 3 }, link: { trackingLink: true } },
  },
  {
    replaces: "out_for_delivery",
    text: "Hi ##name##, your order ##order## is out for delivery today. Please keep your phone handy. Track: ##link##",
    variables: { name: { bodyParam: 1 }, order: { bodyParam: 2 }, link: { trackingLink: true } },
  },
  {
    replaces: "order_shipped",
    text: "Hi ##name##, your order ##order## has shipped with ##carrier##. Track: ##link##",
    variables: { name: { bodyParam: 1 }, order: { bodyParam: 2 }, carrier: { bodyParam: 3 }, link: { trackingLink: true } },
  },
  {
    replaces: "ndr_followup",
    text: "Hi ##name##, the courier could not deliver your order ##order##. Reply on WhatsApp or call us to re-attempt or return it. Track: ##link##",
    variables: { name: { bodyParam: 1 }, order: { bodyParam: 2 }, link: { trackingLink: true } },
  },
];

export function smsTemplateFor(whatsappTemplate: string): SmsTemplate | null {
  return SMS_TEMPLATES.find((t) => t.replaces === whatsappTemplate) ?? null;
}
