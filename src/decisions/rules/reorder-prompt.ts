/** reorder_prompt: a repeat buyer nearing their usual reorder day in a category → WhatsApp with a one-tap cart link. */
import type { ReorderItem, ReorderPromptContext } from "../context";
import { DAY_MS, localDate } from "../format";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, firstName, whatsappTemplate } from "./build";

/** Shopify cart permalink: https://<shop>/cart/<variantId>:<qty>,… adds those variants and opens the cart. */
export function cartPermalink(shopDomain: string, items: readonly ReorderItem[]): string {
  const host = shopDomain.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return `https://${host}/cart/${items.map((i) => `${i.variantId}:${i.quantity}`).join(",")}`;
}

export function decideReorderPrompt(ctx: ReorderPromptContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.reorder_prompt;
  const { customer, category } = ctx;
  if (ctx.openTicket || ctx.openReturn || !ctx.lastOrderDelivered) return null;
  if (ctx.ordersInCategory < p.minOrdersInCategory || ctx.intervalDays === null || ctx.intervalDays <= 0) return null;
  const phone = customer.phone;
  const items = ctx.items.filter((i) => i.quantity > 0);
  if (!phone || !customer.acceptsWhatsapp || items.length === 0) return null;

  // Whole days since the last order in the category: "day 25" of a 28-day interval.
  const day = Math.floor((now - ctx.lastOrderAt) / DAY_MS);
  const daysLeft = ctx.intervalDays - day;
  if (daysLeft > p.daysBefore || -daysLeft > p.maxDaysLate) return null;

  const link = cartPermalink(ctx.shopDomain, items);
  const dueAt = ctx.lastOrderAt + ctx.intervalDays * DAY_MS;
  const offset = policy.quietHours.utcOffsetMinutes;
  const reasons = [
    `${ctx.ordersInCategory} orders in ${category} (minimum ${p.minOrdersInCategory})`,
    `purchase interval in ${category} ${fmtDays(ctx.intervalDays)} days; today is day ${day} since the last order (prompt from ${p.daysBefore} days before, due ${localDate(dueAt, offset)})`,
    "no open ticket or return",
  ];
  return draft(
    {
      type: "reorder_prompt",
      subjectType: "customer",
      subjectId: customer.id,
      // One prompt per category per purchase cycle.
      dedupeKey: `reorder_prompt:customer:${customer.id}:${category}:${ctx.lastOrderAt}`,
      reasons,
      inputs: { category, ordersInCategory: ctx.ordersInCategory, intervalDays: ctx.intervalDays, lastOrderAt: ctx.lastOrderAt, day, items, link },
      actions: [
        whatsappTemplate(phone, p.template, [firstName(customer.firstName), category, link], [{ type: "url", param: link.slice(link.indexOf("/cart/") + 6) }]),
      ],
    },
    policy,
    now,
  );
}

function fmtDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}
