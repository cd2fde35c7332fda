/** The order page's WhatsApp conversation: the customer's messages and what Switchyard sent them, in time order. */
import type { FC } from "hono/jsx";
import { catalogueTemplate, type TemplateLanguage } from "../../canonical/whatsapp-templates";
import { orderConversation, type ConversationLine } from "../../db/inbound";
import { Empty, StatusTag } from "./components";
import { formatIst } from "./format";
import { maskPhone } from "./mask";

/** What the customer saw of an outbound action: the free text, or the template's body with its parameters filled in. */
export function outboundText(line: ConversationLine): string {
  let p: { text?: unknown; template?: unknown; language?: unknown; bodyParams?: unknown };
  try {
    p = JSON.parse(line.body ?? "{}");
  } catch {
    return "";
  }
  if (typeof p.text === "string") return p.text;
  const t = typeof p.template === "string" ? catalogueTemplate(p.template) : null;
  const params = Array.isArray(p.bodyParams) ? p.bodyParams.map(String) : [];
  if (!t) return typeof p.template === "string" ? `template ${p.template} (${params.join(" · ")})` : "";
  const lang: TemplateLanguage = p.language === "hi" ? "hi" : "en";
  return t.body[lang].replace(/\{\{(\d+)\}\}/g, (_, n: string) => params[Number(n) - 1] ?? `{{${n}}}`);
}

export const WhatsAppConversation: FC<{ db: D1Database; orderId: string; customerId: string | null; phone: string | null; since: number | null }> = async ({ db, orderId, customerId, phone, since }) => {
  const lines = await orderConversation(db, orderId, customerId, phone, since ?? 0);
  return (
    <section id="whatsapp-conversation">
      <h2>
        WhatsApp conversation <span class="muted">· {maskPhone(phone)}</span>
      </h2>
      <div class="card">
        <table>
          <tbody>
            {lines.length === 0 ? <Empty cols={4} text="No WhatsApp messages with this customer since the order." /> : null}
            {lines.map((l) => (
              <tr data-direction={l.direction}>
                <td>{formatIst(l.at)}</td>
                <td>{l.direction === "inbound" ? "← customer" : `→ ${l.kind === "whatsapp.text" ? "reply" : "template"}`}</td>
                <td class="note">
                  {l.direction === "inbound" ? (l.body ?? `(${l.kind})`) : outboundText(l)}
                  {l.payload ? <div class="muted">read as {l.payload.split(":").slice(0, 2).join(" ")}</div> : null}
                </td>
                <td>
                  <StatusTag status={l.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};
