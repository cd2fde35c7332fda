/**
 * inventory_reorder: stock that runs out before a PO raised today could arrive → ERP PO draft,
 * procurement email, storefront low-stock flag. With a forecast validated on past windows and a
 * service level in policy, the reorder point and the safety stock come from the lead-time demand
 * and its spread; otherwise from days of cover and fixed safety days.
 */
import type { ActionSpec } from "../../canonical/actions";
import type { InventoryReorderContext } from "../context";
import { DAY_MS, localDate } from "../format";
import { leadTimeDemand, reorderQuantity, serviceLevelOrderQuantity, type LeadTimeDemand } from "../models/forecast";
import type { Policy } from "../policy";
import type { DecisionDraft } from "../types";
import { draft, opsAlert } from "./build";

export function decideInventoryReorder(ctx: InventoryReorderContext, policy: Policy, now: number): DecisionDraft | null {
  const p = policy.inventory_reorder;
  const s = ctx.sku;
  if (s.dailyDemand <= 0) return null;
  const leadTimeDays = s.leadTimeDays ?? p.defaultLeadTimeDays;
  const safetyDays = s.safetyDays ?? p.safetyDays;
  const packSize = s.packSize ?? p.defaultPackSize;
  // Stock already on order counts: a PO in flight is the answer, not a reason to order again.
  const position = s.available + s.openPoQuantity;
  const stockoutDays = Math.max(0, s.available) / s.dailyDemand;
  const coverDays = Math.max(0, position) / s.dailyDemand;
  const belowReorderPoint = s.reorderPoint !== null && s.available <= s.reorderPoint;
  const ltd: LeadTimeDemand | null =
    p.serviceLevel > 0 && s.demandForecast
      ? leadTimeDemand({ dailyDemand: s.demandForecast.dailyDemand, meanDaily: s.dailyDemand, cumulativeSigma: s.demandForecast.cumulativeSigma }, leadTimeDays, p.serviceLevel)
      : null;
  const coverShort = ltd ? position <= ltd.reorderPoint : coverDays < leadTimeDays + p.triggerMarginDays;
  if (!coverShort && !(p.fireBelowReorderPoint && belowReorderPoint)) return null;

  const quantity = ltd ? serviceLevelOrderQuantity(ltd, s.dailyDemand, p.cycleDays, position, packSize) : reorderQuantity(s.dailyDemand, position, leadTimeDays, safetyDays, packSize);
  if (quantity <= 0) return null;

  const offset = policy.quietHours.utcOffsetMinutes;
  const reasons: string[] = [];
  if (belowReorderPoint) reasons.push(`available ${s.available} ≤ reorder point ${s.reorderPoint}`);
  reasons.push(
    `sell-through ${s.dailyDemand.toFixed(1)}/day${s.forecastMethod ? ` (${s.forecastMethod})` : ""} projects stockout in ${stockoutDays.toFixed(1)} days (${localDate(now + stockoutDays * DAY_MS, offset)})`,
  );
  if (s.openPoQuantity) reasons.push(`${s.openPoQuantity} units already on order: cover ${coverDays.toFixed(1)} days`);
  if (ltd) {
    const pct = `${Math.round(p.serviceLevel * 1000) / 10}%`;
    reasons.push(
      `lead-time demand ${ltd.mean.toFixed(1)} units over ${leadTimeDays} days (σ ${ltd.sigma.toFixed(1)}); safety stock ${ltd.safetyStock.toFixed(1)} = ${ltd.z.toFixed(2)} σ for a ${pct} service level; reorder point ${ltd.reorderPoint.toFixed(1)}`,
    );
    if (coverShort) reasons.push(`position ${position} ≤ reorder point ${ltd.reorderPoint.toFixed(1)} (lead-time demand ${ltd.mean.toFixed(1)} + safety stock ${ltd.safetyStock.toFixed(1)})`);
    reasons.push(
      `order ${quantity} = ${ltd.mean.toFixed(1)} lead-time demand + ${s.dailyDemand.toFixed(1)}/day × ${p.cycleDays} cycle days + ${ltd.safetyStock.toFixed(1)} safety stock − ${position} in position, rounded up to packs of ${packSize}`,
    );
  } else {
    if (coverShort) reasons.push(`cover ${coverDays.toFixed(1)} days < supplier lead time ${leadTimeDays} days${p.triggerMarginDays ? ` + ${p.triggerMarginDays} margin` : ""}`);
    reasons.push(
      `order ${quantity} = ${s.dailyDemand.toFixed(1)}/day × (${leadTimeDays} lead + ${safetyDays} safety days) − ${position} in position, rounded up to packs of ${packSize}`,
    );
  }

  const expectedBy = new Date(now + leadTimeDays * DAY_MS).toISOString();
  const actions: ActionSpec[] = [
    { kind: "zoho.purchase_order_draft", connector: "zoho", params: { sku: s.sku, quantity, expectedBy, note: `Switchyard: ${reasons.join("; ")}` } },
    opsAlert(
      `Reorder ${s.sku}: ${quantity} units (stockout in ${stockoutDays.toFixed(1)} days)`,
      `${s.title} (${s.sku})\n${reasons.map((r) => `- ${r}`).join("\n")}\nA purchase-order draft for ${quantity} units is in the ERP for approval.`,
    ),
  ];
  if (s.productId && p.lowStockTag) actions.push({ kind: "shopify.tags_add", connector: "shopify", params: { resource: "product", id: s.productId, tags: [p.lowStockTag] } });
  if (s.productId && p.lowStockMetafield) {
    actions.push({
      kind: "shopify.metafields_set",
      connector: "shopify",
      params: { resource: "product", id: s.productId, namespace: p.lowStockMetafield.namespace, key: p.lowStockMetafield.key, type: "boolean", value: "true" },
    });
  }

  return draft(
    {
      type: "inventory_reorder",
      subjectType: "sku",
      subjectId: s.sku,
      // One reorder per replenishment cycle: the next receipt starts a new cycle.
      dedupeKey: `inventory_reorder:sku:${s.sku}:cycle:${s.lastReceiptAt ?? 0}`,
      reasons,
      inputs: {
        available: s.available, openPoQuantity: s.openPoQuantity, dailyDemand: s.dailyDemand, reorderPoint: s.reorderPoint, leadTimeDays, safetyDays, packSize, stockoutDays, coverDays, quantity,
        poValuePaise: s.unitPricePaise ? quantity * s.unitPricePaise : null,
        ...(ltd ? { serviceLevel: p.serviceLevel, cycleDays: p.cycleDays, leadTimeDemand: ltd.mean, leadTimeSigma: ltd.sigma, safetyStock: ltd.safetyStock, serviceReorderPoint: ltd.reorderPoint } : {}),
      },
      actions,
    },
    policy,
    now,
  );
}
