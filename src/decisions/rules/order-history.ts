/** The order and carrier history written into helpdesk internal notes, so an agent needs no other tab. */
import type { JourneySnapshot, OrderSummary, ScanRecord } from "../context";
import { localTime, rupees } from "../format";

export function orderHistoryNote(
  order: OrderSummary | null,
  journey: JourneySnapshot | null,
  scans: readonly ScanRecord[],
  utcOffsetMinutes: number,
): string {
  const lines: string[] = [];
  if (!order) {
    lines.push("Order: not linked to this ticket.");
  } else {
    lines.push(`Order ${order.name} (id ${order.id}) placed ${localTime(order.createdAt, utcOffsetMinutes)}`);
    lines.push(`Total ${rupees(order.totalPrice)} · ${order.paymentMethod === "cod" ? "COD" : "prepaid"} · ship to ${[order.shippingCity, order.shippingPincode].filter(Boolean).join(" ") || "unknown"}`);
    for (const item of order.lineItems) lines.push(`  - ${item.quantity} × ${item.title}${item.sku ? ` (${item.sku})` : ""} @ ${rupees(item.unitPrice)}`);
  }
  if (journey) {
    lines.push(`Journey: ${journey.state} since ${localTime(journey.stateAt, utcOffsetMinutes)} · ${journey.carrier ?? "carrier unknown"} AWB ${journey.awb ?? "none"}`);
    if (journey.eta) lines.push(`Carrier ETA ${localTime(journey.eta, utcOffsetMinutes)}`);
    if (journey.failedAttempts) lines.push(`Failed delivery attempts: ${journey.failedAttempts}`);
    if (journey.trackingUrl) lines.push(`Tracking: ${journey.trackingUrl}`);
  }
  const ordered = [...scans].sort((a, b) => a.occurredAt - b.occurredAt);
  lines.push(ordered.length ? "Carrier scans:" : "Carrier scans: none recorded.");
  for (const scan of ordered) {
    lines.push(`  ${localTime(scan.occurredAt, utcOffsetMinutes)} · ${scan.status}${scan.rawStatus ? ` (${scan.rawStatus})` : ""}${scan.location ? ` · ${scan.location}` : ""}`);
  }
  return lines.join("\n");
}
