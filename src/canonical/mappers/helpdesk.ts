/** What the Gorgias, Freshdesk and Zendesk mappers share: one canonical status vocabulary, ticket assembly, zod errors. */
import type { z } from "zod";
import { classifyTicket } from "../classify";
import { type Helpdesk, type SupportTicket, UnmappableError } from "../model";
import { findOrderRef } from "../normalise";

export { ticketStatus } from "../vocabulary";

export function parseOrThrow<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new UnmappableError(`${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid payload"}`);
}

/** Helpdesk descriptions arrive as HTML; the classifier and the dashboard want words. */
export function plainText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li)\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
}

/** Tags as a list, whether sent as an array or as "a, b" / "a b" from a template placeholder. */
export function tagList(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value
      .map((t) => (typeof t === "string" ? t : t && typeof t === "object" && "name" in t ? String((t as { name: unknown }).name) : null))
      .filter((t): t is string => !!t && t.trim() !== "")
      .map((t) => t.trim());
  }
  if (typeof value === "string") return value.split(/[,\s]+/).map((t) => t.trim()).filter(Boolean);
  return [];
}

export type TicketFields = Omit<SupportTicket, "category" | "orderRef" | "source" | "helpdesk"> & {
  /** An order reference from a structured field (custom field), preferred over free text. */
  orderRefField: string | null;
};

/** Assembles the canonical ticket: order reference from the field or the text, and the category. */
export function buildTicket(helpdesk: Helpdesk, t: TicketFields): SupportTicket {
  const { orderRefField, ...rest } = t;
  const orderRef = normaliseOrderRef(orderRefField) ?? findOrderRef(t.subject) ?? findOrderRef(t.body);
  return { ...rest, helpdesk, orderRef, category: classifyTicket(t.subject, t.body, t.tags), source: helpdesk };
}

/** "1042", "#1042" or "Order #1042" from a custom field → "#1042"; anything else is not an order reference. */
export function normaliseOrderRef(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const s = String(value).trim();
  if (/^#?\s?\d{3,12}$/.test(s)) return `#${s.replace(/^#\s?/, "")}`;
  return s ? findOrderRef(s) : null;
}
