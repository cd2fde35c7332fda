/** Shiprocket tracking webhook and track-by-AWB response → ShipmentEvents. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, type ShipmentEvent, type ShipmentStatus, emptyBatch, UnmappableError } from "../model";
import { toIsoUtc, toIsoUtcOrNull } from "../normalise";

/**
 * Shiprocket's shipment (tracking) status table, as its API docs list it. `shipment_status_id`
 * and each scan's `sr-status` use this table. `current_status_id` does NOT: it comes from the
 * order-status table (the docs' sample sends IN TRANSIT as current 20 but shipment 18, and 20 here
 * is Pickup Exception), so the current status is read from its label instead.
 */
const TRACKING_STATUSES: readonly [number, string, ShipmentStatus][] = [
  [1, "AWB Assigned", "created"],
  [2, "Label Generated", "created"],
  [3, "Pickup Scheduled", "created"],
  [4, "Pickup Queued", "created"],
  [5, "Manifest Generated", "created"],
  [6, "Shipped", "in_transit"],
  [7, "Delivered", "delivered"],
  [8, "Cancelled", "cancelled"],
  [9, "RTO Initiated", "rto_initiated"],
  [10, "RTO Delivered", "rto_delivered"],
  [11, "Pending", "in_transit"],
  [12, "Lost", "lost"],
  [13, "Pickup Error", "created"],
  [14, "RTO Acknowledged", "rto_delivered"],
  [15, "Pickup Rescheduled", "created"],
  // A request, not yet a cancellation: a real one follows as 8 or 45.
  [16, "Cancellation Requested", "created"],
  [17, "Out For Delivery", "out_for_delivery"],
  [18, "In Transit", "in_transit"],
  [19, "Out For Pickup", "created"],
  [20, "Pickup Exception", "created"],
  [21, "Undelivered", "ndr"],
  [22, "Delayed", "in_transit"],
  // Some pieces of a multi-piece shipment delivered: the rest is still moving.
  [23, "Partial Delivered", "in_transit"],
  [24, "Destroyed", "lost"],
  [25, "Damaged", "lost"],
  [26, "Fulfilled", "delivered"],
  [27, "Pickup Booked", "created"],
  [38, "Reached at Destination Hub", "in_transit"],
  [39, "Misrouted", "in_transit"],
  [40, "RTO NDR", "rto_initiated"],
  [41, "RTO OFD", "rto_initiated"],
  [42, "Picked Up", "picked_up"],
  [43, "Self Fulfilled", "delivered"],
  [44, "Disposed Off", "lost"],
  [45, "Cancelled Before Dispatched", "cancelled"],
  [46, "RTO In Transit", "rto_initiated"],
  // Reverse-pickup quality check failed at the customer's door: the pickup attempt failed.
  [47, "QC Failed", "failed_attempt"],
  [48, "Reached Warehouse", "in_transit"],
  [49, "Custom Cleared", "in_transit"],
  [50, "In Flight", "in_transit"],
  [51, "Handover to Courier", "picked_up"],
  [52, "Shipment Booked", "created"],
  [54, "In Transit Overseas", "in_transit"],
  [55, "Connection Aligned", "in_transit"],
  [56, "Reached Overseas Warehouse", "in_transit"],
  [57, "Custom Cleared Overseas", "in_transit"],
  [59, "Box Packing", "created"],
  [60, "FC Allocated", "created"],
  [61, "Picklist Generated", "created"],
  [62, "Ready to Pack", "created"],
  [63, "Packed", "created"],
  [67, "FC Manifest Generated", "created"],
  [68, "Processed at Warehouse", "created"],
  [71, "Handover Exception", "created"],
  [72, "Packed Exception", "created"],
  [75, "RTO Lock", "rto_initiated"],
  [76, "Untraceable", "lost"],
  [77, "Issue Related to the Recipient", "ndr"],
  [78, "Reached Back at Seller City", "rto_initiated"],
  [79, "Rider Assigned", "created"],
  [80, "Rider Unassigned", "created"],
  [81, "Rider Assigned", "created"],
  [82, "Rider Reached at Drop", "out_for_delivery"],
  [83, "Searching for Rider", "created"],
];

const BY_ID = new Map(TRACKING_STATUSES.map(([id, , status]) => [id, status]));
const label = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]+/g, " ").trim();
const BY_LABEL = new Map(TRACKING_STATUSES.map(([, name, status]) => [label(name), status]));
// Labels Shiprocket spells differently in payloads than in its table.
BY_LABEL.set("CANCELED", "cancelled");
BY_LABEL.set("REACHED DESTINATION HUB", "in_transit");
BY_LABEL.set("MANIFESTED", "created");

/** Unknown ids and labels are kept raw by the caller and read as in transit: never dropped. */
export function shiprocketStatus(id: unknown, text?: string | null): ShipmentStatus | null {
  const n = typeof id === "number" ? id : typeof id === "string" && /^\d+$/.test(id.trim()) ? Number(id) : NaN;
  return BY_ID.get(n) ?? (text ? BY_LABEL.get(label(text)) : undefined) ?? null;
}

const Text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));
const Awb = z.union([z.string().trim().min(1), z.number()]).transform((v) => String(v));

const Scan = z.looseObject({
  date: z.string().min(1),
  status: Text,
  activity: Text,
  location: Text,
  "sr-status": Text,
  "sr-status-label": Text,
});
type Scan = z.infer<typeof Scan>;

const Webhook = z.looseObject({
  awb: Awb,
  courier_name: Text,
  current_status: Text,
  current_status_id: Text,
  shipment_status: Text,
  shipment_status_id: Text,
  current_timestamp: Text,
  order_id: Text,
  channel_order_id: Text,
  etd: Text,
  scans: z.array(Scan).nullish(),
  is_return: z.union([z.number(), z.boolean(), z.string()]).nullish(),
});

const TrackResponse = z.looseObject({
  tracking_data: z.looseObject({
    shipment_status: Text,
    etd: Text,
    shipment_track: z
      .array(z.looseObject({ awb_code: Awb, courier_name: Text, current_status: Text, delivered_date: Text, edd: Text, destination: Text }))
      .min(1),
    shipment_track_activities: z.array(Scan).nullish(),
  }),
});

function parse<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UnmappableError(`shiprocket ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid payload"}`);
  }
  return result.data;
}

/** "Delhivery Surface", "Xpressbees Surface 2kg" → "delhivery", "xpressbees": one name per carrier for route stats. */
export function carrierName(courier: string | null): string {
  if (!courier) return "shiprocket";
  const name = courier
    .toLowerCase()
    .replace(/\b\d+(\.\d+)?\s?kgs?\b/g, " ")
    .replace(/\b(surface|air|express|lite|reverse)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return name || courier.toLowerCase().trim();
}

interface Shipment {
  carrier: string;
  awb: string;
  orderRef: string | null;
  eta: string | null;
  isReturn: boolean;
}

/**
 * One event per scan, oldest first. A scan Shiprocket left unlabelled (`sr-status` "NA", e.g.
 * "Added to Bag") has no state of its own: it keeps the state the shipment was already in, so a
 * late housekeeping scan never reads as a step backwards.
 */
function scanEvents(scans: Scan[], s: Shipment): ShipmentEvent[] {
  const timed = scans.map((scan) => ({ scan, at: toIsoUtc(scan.date, "scan date") })).sort((a, b) => a.at.localeCompare(b.at));
  let previous: ShipmentStatus | null = null;
  return timed.map(({ scan, at }) => {
    const srLabel = scan["sr-status-label"] && scan["sr-status-label"] !== "NA" ? scan["sr-status-label"] : null;
    const unlabelled = !srLabel && (!scan["sr-status"] || scan["sr-status"] === "NA");
    const status = shiprocketStatus(scan["sr-status"], srLabel) ?? (unlabelled && previous ? previous : "in_transit");
    previous = status;
    return event(s, status, srLabel ?? scan.activity ?? scan.status ?? `sr-status ${scan["sr-status"]}`, at, scan.location);
  });
}

function event(s: Shipment, status: ShipmentStatus, rawStatus: string, occurredAt: string, location: string | null): ShipmentEvent {
  return {
    carrier: s.carrier,
    awb: s.awb as ShipmentEvent["awb"],
    status,
    rawStatus,
    occurredAt,
    orderId: null,
    orderRef: s.orderRef,
    location,
    pincode: null,
    eta: s.eta,
    isReturn: s.isReturn,
    source: "shiprocket",
    sourceId: s.awb,
  };
}

/** Adds the current status unless the latest scan already says the same thing. */
function withCurrent(events: ShipmentEvent[], current: ShipmentEvent | null): ShipmentEvent[] {
  const latest = events[events.length - 1];
  if (!current || latest?.status === current.status) return events;
  return [...events, current];
}

/** Maps one tracking webhook (Settings → API → Webhooks). */
export function mapShiprocketWebhook(_topic: string, payload: unknown): CanonicalBatch {
  const p = parse(Webhook, payload, "tracking webhook");
  const s: Shipment = {
    carrier: carrierName(p.courier_name),
    awb: p.awb,
    orderRef: p.order_id ?? p.channel_order_id,
    eta: toIsoUtcOrNull(p.etd),
    isReturn: p.is_return === true || p.is_return === 1 || p.is_return === "1",
  };
  const events = scanEvents(p.scans ?? [], s);
  const rawCurrent = p.shipment_status ?? p.current_status;
  let current: ShipmentEvent | null = null;
  if (p.current_timestamp || events.length === 0) {
    const at = p.current_timestamp ? toIsoUtc(p.current_timestamp, "current_timestamp") : null;
    if (!at) throw new UnmappableError("shiprocket tracking webhook: no scans and no current_timestamp");
    const status = shiprocketStatus(p.shipment_status_id, rawCurrent) ?? "in_transit";
    current = event(s, status, rawCurrent ?? `shipment_status_id ${p.shipment_status_id ?? "?"}`, at, events.at(-1)?.location ?? null);
  }
  const batch = emptyBatch();
  batch.shipmentEvents.push(...withCurrent(events, current));
  return batch;
}

/** Maps a `GET /v1/external/courier/track/awb/{awb}` response, for reconciliation. */
export function mapShiprocketTracking(response: unknown): CanonicalBatch {
  const { tracking_data: t } = parse(TrackResponse, response, "track response");
  const track = t.shipment_track[0]!;
  // The response's order_id is Shiprocket's own, not the channel's: the AWB link finds the order.
  const s: Shipment = { carrier: carrierName(track.courier_name), awb: track.awb_code, orderRef: null, eta: toIsoUtcOrNull(t.etd ?? track.edd), isReturn: false };
  const events = scanEvents(t.shipment_track_activities ?? [], s);
  const at = toIsoUtcOrNull(track.delivered_date) ?? events.at(-1)?.occurredAt ?? null;
  const current = at
    ? event(s, shiprocketStatus(t.shipment_status, track.current_status) ?? "in_transit", track.current_status ?? `shipment_status ${t.shipment_status}`, at, events.at(-1)?.location ?? null)
    : null;
  const batch = emptyBatch();
  batch.shipmentEvents.push(...withCurrent(events, current));
  return batch;
}
