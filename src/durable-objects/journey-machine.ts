/**
 * The order journey as a pure fold over events sorted by their own time. Because the state is
 * always recomputed from the full, time-sorted event set, any arrival order of the same events
 * ends in the same state; a late, older event lands in its place in time and cannot undo a
 * later transition such as delivery.
 */
import type { ShipmentStatus } from "../canonical/model";
import { JOURNEY_STATES, type JourneyState } from "../canonical/vocabulary";

export { JOURNEY_STATES, type JourneyState };

/** Where each state may go next. Anything else is recorded but does not move the journey. */
const NEXT: Record<JourneyState, readonly JourneyState[]> = {
  placed: ["cod_confirmation_pending", "confirmed", "fulfilled", "shipped", "in_transit", "out_for_delivery", "failed_attempt", "delivered", "cancelled", "rto_initiated"],
  cod_confirmation_pending: ["confirmed", "fulfilled", "shipped", "in_transit", "out_for_delivery", "failed_attempt", "delivered", "cancelled", "rto_initiated"],
  confirmed: ["fulfilled", "shipped", "in_transit", "out_for_delivery", "failed_attempt", "delivered", "cancelled", "rto_initiated"],
  fulfilled: ["shipped", "in_transit", "out_for_delivery", "failed_attempt", "delivered", "cancelled", "rto_initiated"],
  shipped: ["in_transit", "out_for_delivery", "failed_attempt", "delivered", "rto_initiated"],
  in_transit: ["out_for_delivery", "failed_attempt", "delivered", "rto_initiated"],
  out_for_delivery: ["failed_attempt", "delivered", "rto_initiated"],
  // A failed attempt is followed by a re-attempt (back out for delivery), delivery, or RTO.
  failed_attempt: ["in_transit", "out_for_delivery", "delivered", "rto_initiated"],
  delivered: ["return_requested", "returned", "refunded"],
  rto_initiated: ["rto_delivered", "refunded", "cancelled"],
  rto_delivered: ["refunded", "cancelled"],
  cancelled: ["refunded"],
  return_requested: ["returned", "refunded"],
  returned: ["refunded"],
  refunded: [],
};

export function canMove(from: JourneyState, to: JourneyState): boolean {
  return NEXT[from].includes(to);
}

/** One input to the journey, already reduced to the state it asks for. */
export interface JourneyEvent {
  /** Stable id: the same event delivered twice is stored once. */
  id: string;
  /** The event's own time (epoch ms), not its arrival time. */
  at: number;
  source: string;
  target: JourneyState | null;
  /** Scan details kept for the read model and timers. */
  scan?: { awb: string; carrier: string; status: ShipmentStatus; location: string | null; eta: number | null } | null;
  /**
   * A scan of a parcel travelling back to the warehouse. Before delivery that is an RTO; after
   * delivery it is the customer's return. The fold decides which, from the journey so far.
   */
  returnLeg?: boolean;
}

export interface Transition {
  from: JourneyState;
  to: JourneyState;
  at: number;
  source: string;
  eventId: string;
}

export interface JourneySnapshot {
  state: JourneyState;
  stateAt: number;
  history: Transition[];
  lastScanAt: number | null;
  lastScanLocation: string | null;
  lastScanStatus: ShipmentStatus | null;
  awb: string | null;
  carrier: string | null;
  eta: number | null;
  failedAttempts: number;
  deliveredAt: number | null;
  lost: boolean;
}

/** Ties on the same timestamp resolve by journey order, then id, so the fold is deterministic. */
function rank(state: JourneyState | null): number {
  return state === null ? -1 : JOURNEY_STATES.indexOf(state);
}

export function sortEvents(events: readonly JourneyEvent[]): JourneyEvent[] {
  return [...events].sort((a, b) => a.at - b.at || rank(a.target) - rank(b.target) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function foldJourney(events: readonly JourneyEvent[], initial: JourneyState = "placed", createdAt = 0): JourneySnapshot {
  const s: JourneySnapshot = {
    state: initial,
    stateAt: createdAt,
    history: [],
    lastScanAt: null,
    lastScanLocation: null,
    lastScanStatus: null,
    awb: null,
    carrier: null,
    eta: null,
    failedAttempts: 0,
    deliveredAt: null,
    lost: false,
  };
  for (const e of sortEvents(events)) {
    if (e.scan && !e.scan.awb.startsWith("fulfillment:")) {
      // Scans are facts about the parcel whether or not they move the journey.
      if (s.lastScanAt === null || e.at >= s.lastScanAt) {
        s.lastScanAt = e.at;
        s.lastScanLocation = e.scan.location ?? s.lastScanLocation;
        s.lastScanStatus = e.scan.status;
        s.awb = e.scan.awb;
        s.carrier = e.scan.carrier;
        if (e.scan.eta !== null) s.eta = e.scan.eta;
      }
      if (e.scan.status === "lost") s.lost = true;
    }
    const target = e.returnLeg ? returnLegTarget(s, e.scan?.status ?? null) : e.target;
    if (target === null || target === s.state || !canMove(s.state, target)) continue;
    if (target === "failed_attempt") s.failedAttempts += 1;
    if (target === "delivered") s.deliveredAt = e.at;
    s.history.push({ from: s.state, to: target, at: e.at, source: e.source, eventId: e.id });
    s.state = target;
    s.stateAt = e.at;
  }
  return s;
}

function returnLegTarget(s: JourneySnapshot, status: ShipmentStatus | null): JourneyState | null {
  if (status === "cancelled" || status === "lost") return null;
  const arrived = status === "delivered" || status === "rto_delivered";
  if (s.deliveredAt !== null) return arrived ? "returned" : "return_requested";
  return arrived ? "rto_delivered" : "rto_initiated";
}

/** Canonical shipment status → the journey state it asks for (null: a fact that moves nothing). */
export function journeyTargetForScan(status: ShipmentStatus): JourneyState | null {
  switch (status) {
    case "created":
      return "fulfilled";
    case "picked_up":
      return "shipped";
    case "in_transit":
      return "in_transit";
    case "out_for_delivery":
      return "out_for_delivery";
    case "delivered":
      return "delivered";
    case "failed_attempt":
    case "ndr":
      return "failed_attempt";
    case "rto_initiated":
      return "rto_initiated";
    case "rto_delivered":
      return "rto_delivered";
    case "lost":
    case "cancelled":
      return null;
  }
}

/** States in which a parcel is with the carrier and should keep producing scans. */
export const MOVING_STATES: readonly JourneyState[] = ["shipped", "in_transit", "out_for_delivery", "failed_attempt", "rto_initiated"];

/** States after which nothing time-based is pending for the shipment. */
export function isClosed(state: JourneyState): boolean {
  return ["delivered", "rto_delivered", "cancelled", "returned", "refunded", "return_requested"].includes(state);
}
