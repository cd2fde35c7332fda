/**
 * reorder_prompt: a repeat buyer nearing their usual reorder day in a category → WhatsApp with a
 * one-tap cart link. A few orders say little about a customer's rhythm, so their own interval is
 * shrunk toward the store's typical interval in the category (more orders, less shrinkage).
 */
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

  const own = ctx.intervalDays;
  const gaps = ctx.ordersInCategory - 1;
  const store = ctx.storeIntervalDays;
  const shrunk = store !== null && store > 0 && p.priorGaps > 0;
  const interval = shrunk ? shrinkInterval(own, gaps, store, p.priorGaps) : own;
  // Whole days since the last order in the category: "day 25" of a 28-day interval.
  const day = Math.floor((now - ctx.lastOrderAt) / DAY_MS);
  const daysLeft = interval - day;
  if (daysLeft > p.daysBefore || -daysLeft > p.maxDaysLate) return null;

  const link = cartPermalink(ctx.shopDomain, items);
  const dueAt = ctx.lastOrderAt + interval * DAY_MS;
  const offset = policy.quietHours.utcOffsetMinutes;
  const reasons = [
    `${ctx.ordersInCategory} orders in ${category} (minimum ${p.minOrdersInCategory})`,
    `purchase interval in ${category} ${fmtDays(interval)} days; today is day ${day} since the last order (prompt from ${p.daysBefore} days before, due ${localDate(dueAt, offset)})`,
    "no open ticket or return",
  ];
  if (shrunk) {
    reasons.push(
      `own interval ${fmtDays(own)} days over ${gaps} gaps, shrunk toward the store's typical ${fmtDays(store)} days in ${category} (weight ${p.priorGaps} gaps): (${gaps} × ${fmtDays(own)} + ${p.priorGaps} × ${fmtDays(store)}) ÷ ${gaps + p.priorGaps} = ${fmtDays(interval)} days`,
    );
  }
  return draft(
    {
      type: "reorder_prompt",
      subjectType: "customer",
      subjectId: customer.id,
      // One prompt per category per purchase cycle.
      dedupeKey: `reorder_prompt:customer:${customer.id}:${category}:${ctx.lastOrderAt}`,
      reasons,
      inputs: { category, ordersInCategory: ctx.ordersInCategory, intervalDays: interval, ownIntervalDays: own, storeIntervalDays: store, priorGaps: p.priorGaps, lastOrderAt: ctx.lastOrderAt, day, items, link },
      actions: [
        whatsappTemplate(phone, p.template, [firstName(customer.firstName), category, link], [{ type: "url", param: link.slice(link.indexOf("/cart/") + 6) }]),
      ],
    },
    policy,
    now,
  );
}

/** Weighted mean of the customer's interval (weight: their gaps) and the store's (weight: priorGaps pseudo-gaps). */
export function shrinkInterval(own: number, gaps: number, store: number, priorGaps: number): number {
  return (gaps * own + priorGaps * store) / (gaps + priorGaps);
}

function fmtDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}
