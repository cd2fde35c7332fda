/**
 * The morning digest: what needs a person (count and the top items), what was handled on its own
 * since yesterday's digest, the anomalies, and a link to the page. Pure: the job gathers the input.
 *
 * WhatsApp template parameters may not contain new lines, tabs or more than four consecutive
 * spaces, and may not be empty (Meta, "WhatsApp error codes", 132000-series parameter errors:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/;
 * Twilio error 63013 lists the same causes), so the WhatsApp version is one line per parameter.
 */
import type { ActionSpec } from "../canonical/actions";
import { localTime } from "./format";
import type { Policy } from "./policy";
import { opsAlert, whatsappTemplate } from "./rules/build";

export interface DigestInput {
  since: number;
  waitingCount: number;
  waiting: { id: string; type: string; subjectType: string; subjectId: string; reasons: string[]; createdAt: number }[];
  /** Decisions that acted on their own since `since`, by type. */
  handled: { type: string; count: number }[];
  /** Actions that went out (sent, delivered, read, or dry-run without credentials) since `since`. */
  actionsSent: number;
  anomalies: { title: string; reasons: string[]; reviewStatus: string | null; createdAt: number }[];
}

export interface Digest {
  date: string;
  since: string;
  needsYou: { count: number; top: { id: string; type: string; about: string; why: string }[] };
  handled: { type: string; label: string; count: number }[];
  actionsSent: number;
  anomalies: { title: string; why: string; status: string }[];
  link: string;
  subject: string;
  text: string;
  whatsappParams: string[];
}

/** What ops call each decision type when it handled itself. */
const HANDLED_LABEL: Record<string, string> = {
  delay_alert: "delay alerts sent",
  status_notification: "status updates sent",
  wismo_autoreply: "WISMO tickets answered",
  support_escalation: "tickets escalated",
  inventory_reorder: "purchase orders drafted",
  cod_confirmation: "COD orders asked to confirm",
  ndr_followup: "failed deliveries followed up",
  post_delivery: "post-delivery messages",
  reorder_prompt: "reorder reminders",
  churn_intervention: "win-back offers",
  carrier_route_alert: "route alerts",
  return_processing: "returns processed",
  anomaly: "anomaly alerts",
};

/** One WhatsApp parameter: a single line, no runs of spaces, never empty, at most `max` characters. */
export function templateParam(text: string, max = 300): string {
  const flat = text.replace(/[\r\n\t]+/g, " · ").replace(/ {2,}/g, " ").trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut || "—";
}

export function buildDigest(input: DigestInput, policy: Policy, now: number, link: string): Digest {
  const offset = policy.quietHours.utcOffsetMinutes;
  const date = new Date(now + offset * 60_000).toISOString().slice(0, 10);
  const top = input.waiting.slice(0, policy.digest.topItems).map((d) => ({
    id: d.id,
    type: d.type,
    about: `${d.subjectType} ${d.subjectId}`,
    why: d.reasons[d.reasons.length - 1] ?? "",
  }));
  const handled = input.handled.filter((h) => h.count > 0).map((h) => ({ ...h, label: HANDLED_LABEL[h.type] ?? h.type }));
  const anomalies = input.anomalies.map((a) => ({ title: a.title, why: a.reasons[0] ?? "", status: a.reviewStatus ?? "live" }));
  const sinceLabel = localTime(input.since, offset);

  const lines: string[] = [];
  lines.push(`Needs you: ${input.waitingCount}`);
  for (const t of top) lines.push(`- ${t.type} · ${t.about}: ${t.why}`);
  if (input.waitingCount > top.length) lines.push(`- and ${input.waitingCount - top.length} more`);
  lines.push("", `Handled automatically since ${sinceLabel}: ${input.actionsSent} actions sent`);
  for (const h of handled) lines.push(`- ${h.count} ${h.label}`);
  if (!handled.length) lines.push("- nothing");
  lines.push("", `Anomalies: ${anomalies.length}`);
  for (const a of anomalies) lines.push(`- ${a.title}${a.why ? ` (${a.why})` : ""}`);
  lines.push("", `Open the page: ${link}`);

  const handledShort = handled.length ? handled.map((h) => `${h.count} ${h.label}`).join(", ") : "nothing";
  const whatsappParams = [
    templateParam(`${input.waitingCount}${top.length ? `: ${top.map((t) => `${t.type} ${t.about}`).join("; ")}` : ""}`),
    templateParam(handledShort),
    templateParam(anomalies.length ? `${anomalies.length}: ${anomalies.map((a) => a.title).join("; ")}` : "none"),
    templateParam(link),
  ];
  return {
    date,
    since: new Date(input.since).toISOString(),
    needsYou: { count: input.waitingCount, top },
    handled,
    actionsSent: input.actionsSent,
    anomalies,
    link,
    subject: `Morning digest ${date}: ${input.waitingCount} need you, ${anomalies.length} anomal${anomalies.length === 1 ? "y" : "ies"}`,
    text: lines.join("\n"),
    whatsappParams,
  };
}

/** The two messages: one WhatsApp template to the ops lead (when the policy names a number) and one email to the ops address. */
export function digestActions(d: Digest, policy: Policy): ActionSpec[] {
  const out: ActionSpec[] = [];
  if (policy.digest.opsLeadPhone) out.push(whatsappTemplate(policy.digest.opsLeadPhone, policy.digest.template, d.whatsappParams));
  out.push(opsAlert(d.subject, d.text));
  return out;
}

/** Whether the digest is due: the local clock is at or past the policy time. */
export function digestDue(now: number, policy: Policy): boolean {
  const local = new Date(now + policy.quietHours.utcOffsetMinutes * 60_000);
  const [hh, mm] = policy.digest.time.split(":").map(Number) as [number, number];
  return local.getUTCHours() * 60 + local.getUTCMinutes() >= hh * 60 + mm;
}
