/**
 * What the customer's tracking page (/t/:token) reads from D1, in one round trip. Only what the page
 * may show leaves this file: no email, no phone, no street address (D1 keeps none of the street; scan
 * places are returned raw and the page reduces them). The customer's phone is used inside the SQL to
 * find the language they write to us in, never returned.
 */
import type { JourneyRow } from "./dashboard-read";

export interface TrackingOrder {
  id: string;
  name: string;
  createdAt: number;
  cancelledAt: number | null;
  /** Shipping city only. */
  city: string | null;
  items: { title: string; quantity: number }[];
  /** Shopify customer_locale of this order, else of the customer's latest order that has one. */
  locale: string | null;
  /** The customer's latest inbound WhatsApp texts (language signal only; never rendered). */
  inboundTexts: string[];
}

/** The part of the journey the page shows (the dashboard's row, without what only ops need). */
export type TrackingJourneyRow = Pick<JourneyRow, "state" | "stateAt" | "lastScanAt" | "lastScanLocation" | "awb" | "carrier" | "eta">;

export interface TrackingPageData {
  order: TrackingOrder;
  journey: TrackingJourneyRow | null;
  /** The latest delay alert's revised ETA (decisions.inputs.revisedEta), if one was decided. */
  revisedEta: number | null;
}

type OrderRow = {
  id: string;
  name: string;
  createdAt: number;
  cancelledAt: number | null;
  city: string | null;
  lineItems: string;
  locale: string | null;
  texts: string | null;
};

const ORDER_SQL = `
SELECT o.id, o.name, o.created_at AS createdAt, o.cancelled_at AS cancelledAt, o.shipping_city AS city, o.line_items AS lineItems,
  coalesce(o.customer_locale, (SELECT x.customer_locale FROM orders x WHERE o.customer_id IS NOT NULL AND x.customer_id = o.customer_id
    AND x.customer_locale IS NOT NULL ORDER BY x.created_at DESC LIMIT 1)) AS locale,
  (SELECT json_group_array(text) FROM (SELECT m.text FROM messages m WHERE o.phone IS NOT NULL AND m.channel = 'whatsapp' AND m.direction = 'inbound'
    AND m.text IS NOT NULL AND m.phone IN (o.phone, ltrim(o.phone, '+')) ORDER BY m.occurred_at DESC LIMIT 5)) AS texts
FROM orders o WHERE o.id = ?`;

const JOURNEY_SQL = `SELECT state, state_at AS stateAt, last_scan_at AS lastScanAt, last_scan_location AS lastScanLocation, awb, carrier, eta
FROM journeys WHERE order_id = ?`;

const REVISED_ETA_SQL = `SELECT json_extract(inputs, '$.revisedEta') AS revisedEta FROM decisions
WHERE type = 'delay_alert' AND subject_id = ? AND subject_type = 'order' AND json_extract(inputs, '$.revisedEta') IS NOT NULL
ORDER BY created_at DESC LIMIT 1`;

function itemsOf(json: string): TrackingOrder["items"] {
  try {
    const lines = JSON.parse(json) as unknown;
    if (!Array.isArray(lines)) return [];
    return lines.flatMap((l: { title?: unknown; quantity?: unknown }) =>
      typeof l?.title === "string" ? [{ title: l.title, quantity: typeof l.quantity === "number" ? l.quantity : 1 }] : [],
    );
  } catch {
    return [];
  }
}

/** The page's data for one order, or null when the order is unknown. */
export async function loadTrackingPage(db: D1Database, orderId: string): Promise<TrackingPageData | null> {
  const [order, journey, revised] = (await db.batch([
    db.prepare(ORDER_SQL).bind(orderId),
    db.prepare(JOURNEY_SQL).bind(orderId),
    db.prepare(REVISED_ETA_SQL).bind(orderId),
  ])) as [D1Result<OrderRow>, D1Result<TrackingJourneyRow>, D1Result<{ revisedEta: number | null }>];
  const o = order.results[0];
  if (!o) return null;
  const texts = o.texts ? (JSON.parse(o.texts) as unknown[]).filter((t): t is string => typeof t === "string") : [];
  const revisedEta = revised.results[0]?.revisedEta;
  return {
    order: {
      id: o.id,
      name: o.name,
      createdAt: o.createdAt,
      cancelledAt: o.cancelledAt,
      city: o.city,
      items: itemsOf(o.lineItems),
      locale: o.locale,
      inboundTexts: texts,
    },
    journey: journey.results[0] ?? null,
    revisedEta: typeof revisedEta === "number" ? revisedEta : null,
  };
}
