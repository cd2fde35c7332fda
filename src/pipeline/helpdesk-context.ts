/** The order context an agent needs inside the helpdesk: as JSON for a sidebar widget and as an internal note. */
import { IST_OFFSET_MS } from "../lib/time";
import { loadJourney, loadOrderSummary, orderReturnsAndMessages } from "../db/rule-inputs";

export interface OrderContext {
  order: { id: string; name: string; totalPrice: number; currency: string; paymentMethod: string; createdAt: string };
  journey: { state: string; lastScanAt: string | null; lastScanLocation: string | null; eta: string | null; carrier: string | null; awb: string | null; trackingUrl: string | null; failedAttempts: number } | null;
  openReturns: number;
  recentMessages: { direction: string; kind: string; status: string; text: string | null; at: string }[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function orderContext(db: D1Database, orderId: string): Promise<OrderContext | null> {
  const order = await loadOrderSummary(db, orderId);
  if (!order) return null;
  const [journey, { openReturns, messages }] = await Promise.all([loadJourney(db, orderId), orderReturnsAndMessages(db, orderId)]);
  return {
    order: { id: order.id, name: order.name, totalPrice: order.totalPrice, currency: order.currency, paymentMethod: order.paymentMethod, createdAt: iso(order.createdAt)! },
    journey: journey
      ? { state: journey.state, lastScanAt: iso(journey.lastScanAt), lastScanLocation: journey.lastScanLocation, eta: iso(journey.eta), carrier: journey.carrier, awb: journey.awb, trackingUrl: journey.trackingUrl, failedAttempts: journey.failedAttempts }
      : null,
    openReturns,
    recentMessages: messages.map((m) => ({ ...m, at: iso(m.at)! })),
  };
}

const ist = (iso: string | null) => (iso ? `${new Date(Date.parse(iso) + IST_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ")} IST` : "—");

/** Plain-text internal note, one fact per line, so it reads the same in every helpdesk. */
export function orderContextNote(c: OrderContext): string {
  const rupees = (paise: number) => `₹${(paise / 100).toLocaleString("en-IN", { maximumFractionDigits: 2 })}`;
  const lines = [
    `Switchyard · order ${c.order.name} · ${rupees(c.order.totalPrice)} · ${c.order.paymentMethod === "cod" ? "Cash on delivery" : "Prepaid"}`,
    `Journey: ${c.journey?.state ?? "not shipped"}`,
    `Last scan: ${ist(c.journey?.lastScanAt ?? null)}${c.journey?.lastScanLocation ? ` at ${c.journey.lastScanLocation}` : ""}`,
    `ETA: ${ist(c.journey?.eta ?? null)}${c.journey?.carrier ? ` · ${c.journey.carrier} ${c.journey.awb ?? ""}` : ""}`,
    ...(c.journey?.trackingUrl ? [`Tracking: ${c.journey.trackingUrl}`] : []),
    `Open returns: ${c.openReturns}`,
    `Recent messages: ${c.recentMessages.length ? c.recentMessages.map((m) => `${m.direction} ${m.kind} (${m.status})`).join("; ") : "none"}`,
  ];
  return lines.join("\n");
}
