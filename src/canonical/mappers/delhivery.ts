/** Delhivery scan push and pull track API → ShipmentEvents. Pure: payload in, batch out. */
import { z } from "zod";
import { type CanonicalBatch, type ShipmentEvent, type ShipmentStatus, emptyBatch, UnmappableError } from "../model";
import { toIsoUtc, toIsoUtcOrNull, toPincode } from "../normalise";

/**
 * NSL codes on which Delhivery's NDR API accepts a RE-ATTEMPT: the customer-side failures
 * (74 bad address, 15 moved, 104 entry restricted, 43 self collect, 86 not attempted,
 * 11 consignee unavailable, 69 open delivery asked, 6 refused). These are NDRs we can act on;
 * any other end-of-day code on an undelivered shipment is a failed attempt.
 */
const NDR_NSL_CODES = new Set(["EOD-74", "EOD-15", "EOD-104", "EOD-43", "EOD-86", "EOD-11", "EOD-69", "EOD-6"]);
/** Pickup scans: the parcel has left the seller. */
const PICKUP_NSL_CODES = new Set(["X-PPOM", "X-PPONM", "X-PROM", "X-PRONM"]);

/**
 * StatusType + Status (+ NSL code) → canonical, per Delhivery's package lifecycle: UD forward
 * (Manifested, Not Picked, In Transit, Pending, Dispatched), DL (Delivered, RTO, DTO), RT return to
 * origin, PP/PU reverse pickup, CN cancelled, LT lost. Unknown combinations read as in transit.
 */
export function delhiveryStatus(statusType: string, status: string, nsl: string | null): ShipmentStatus {
  const type = statusType.trim().toUpperCase();
  const s = status.trim().toLowerCase();
  const code = nsl?.trim().toUpperCase() ?? "";
  if (type === "LT" || s === "lost") return "lost";
  switch (type) {
    case "UD":
      if (NDR_NSL_CODES.has(code)) return "ndr";
      if (code.startsWith("EOD-")) return "failed_attempt";
      if (s === "manifested" || s === "not picked") return "created";
      if (s === "dispatched") return "out_for_delivery";
      if (PICKUP_NSL_CODES.has(code)) return "picked_up";
      return "in_transit";
    case "DL":
      if (s === "rto") return "rto_delivered";
      return "delivered";
    case "RT":
      return "rto_initiated";
    case "PP":
      return "created";
    case "PU":
      return s === "dispatched" ? "out_for_delivery" : "in_transit";
    case "CN":
      return "cancelled";
    default:
      return "in_transit";
  }
}

/** Reverse pickups (a customer's return) are returns; RTO is a failed forward delivery, not a return. */
function isReturnJourney(statusType: string, status: string): boolean {
  const type = statusType.trim().toUpperCase();
  return type === "PP" || type === "PU" || (type === "DL" && status.trim().toUpperCase() === "DTO");
}

const Text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));
const Required = z.union([z.string().trim().min(1), z.number()]).transform((v) => String(v));

const PushPayload = z.looseObject({
  Shipment: z.looseObject({
    AWB: Required,
    ReferenceNo: Text,
    NSLCode: Text,
    Status: z.looseObject({
      Status: Required,
      StatusType: Required,
      StatusDateTime: Required,
      StatusLocation: Text,
      Instructions: Text,
    }),
  }),
});

const ScanDetail = z.looseObject({
  ScanType: Required,
  Scan: Required,
  StatusDateTime: Text,
  ScanDateTime: Text,
  ScannedLocation: Text,
  StatusCode: Text,
  Instructions: Text,
});

const TrackResponse = z.looseObject({
  ShipmentData: z
    .array(
      z.looseObject({
        Shipment: z.looseObject({
          AWB: Required,
          ReferenceNo: Text,
          ExpectedDeliveryDate: Text,
          Consignee: z.looseObject({ PinCode: Text }).nullish(),
          Scans: z.array(z.looseObject({ ScanDetail })).nullish(),
          Status: z.looseObject({ Status: Required, StatusType: Required, StatusDateTime: Required, StatusLocation: Text, StatusCode: Text, Instructions: Text }),
        }),
      }),
    )
    .min(1),
});

function parse<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UnmappableError(`delhivery ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid payload"}`);
  }
  return result.data;
}

interface Scan {
  type: string;
  status: string;
  nsl: string | null;
  at: string;
  location: string | null;
  instructions: string | null;
}

interface Shipment {
  awb: string;
  orderRef: string | null;
  pincode: string | null;
  eta: string | null;
}

/** Raw status keeps every token Delhivery sent: "UD Pending (EOD-11): Consignee Unavailable". */
function toEvent(sh: Shipment, scan: Scan): ShipmentEvent {
  const raw = `${scan.type} ${scan.status}${scan.nsl ? ` (${scan.nsl})` : ""}${scan.instructions ? `: ${scan.instructions}` : ""}`;
  return {
    carrier: "delhivery",
    awb: sh.awb as ShipmentEvent["awb"],
    status: delhiveryStatus(scan.type, scan.status, scan.nsl),
    rawStatus: raw,
    occurredAt: toIsoUtc(scan.at, "StatusDateTime"),
    orderId: null,
    orderRef: sh.orderRef,
    location: scan.location,
    pincode: sh.pincode,
    eta: sh.eta,
    isReturn: isReturnJourney(scan.type, scan.status),
    source: "delhivery",
    sourceId: sh.awb,
  };
}

/** Maps one scan push (Delhivery's default webhook payload). */
export function mapDelhiveryScanPush(_topic: string, payload: unknown): CanonicalBatch {
  const { Shipment: s } = parse(PushPayload, payload, "scan push");
  const batch = emptyBatch();
  batch.shipmentEvents.push(
    toEvent(
      { awb: s.AWB, orderRef: s.ReferenceNo, pincode: null, eta: null },
      { type: s.Status.StatusType, status: s.Status.Status, nsl: s.NSLCode, at: s.Status.StatusDateTime, location: s.Status.StatusLocation, instructions: s.Status.Instructions },
    ),
  );
  return batch;
}

/** Maps a `GET /api/v1/packages/json/?waybill=` response, for reconciliation: every scan, oldest first. */
export function mapDelhiveryTracking(response: unknown): CanonicalBatch {
  const { ShipmentData } = parse(TrackResponse, response, "track response");
  const batch = emptyBatch();
  for (const { Shipment: s } of ShipmentData) {
    const sh: Shipment = { awb: s.AWB, orderRef: s.ReferenceNo, pincode: toPincode(s.Consignee?.PinCode), eta: toIsoUtcOrNull(s.ExpectedDeliveryDate) };
    const events = (s.Scans ?? [])
      .map(({ ScanDetail: d }) =>
        toEvent(sh, { type: d.ScanType, status: d.Scan, nsl: d.StatusCode, at: d.StatusDateTime ?? d.ScanDateTime ?? "", location: d.ScannedLocation, instructions: d.Instructions }),
      )
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    const current = toEvent(sh, {
      type: s.Status.StatusType,
      status: s.Status.Status,
      nsl: s.Status.StatusCode,
      at: s.Status.StatusDateTime,
      location: s.Status.StatusLocation,
      instructions: s.Status.Instructions,
    });
    // The current status repeats the latest scan; add it only when it says something new.
    const latest = events.at(-1);
    if (!latest || latest.status !== current.status || latest.rawStatus !== current.rawStatus) events.push(current);
    batch.shipmentEvents.push(...events);
  }
  return batch;
}
