/** A parcel's life as carrier scans: pickup at the warehouse hub, line haul, last mile, and the ways it goes wrong. Pure. */
import { CARRIERS, CARRIER_MIX, DAY, HOUR, WAREHOUSES } from "./brand.mjs";

const SHORT = { Bengaluru: "BLR", "New Delhi": "DEL", Mumbai: "MUM", Pune: "PNQ", Hyderabad: "HYD", Chennai: "MAA", Kolkata: "CCU", Gurugram: "GGN", Ahmedabad: "AMD", Jaipur: "JAI", Lucknow: "LKO", Kochi: "COK", Guwahati: "GAU" };

export function destinationHub(dest) {
  return `${SHORT[dest.city] ?? dest.city}_${dest.city.replace(/\s+/g, "")}Hub_H (${dest.state})`;
}

export function deliveryCentre(dest) {
  return `${dest.city.replace(/\s+/g, "")}_${dest.prefix}DC_D (${dest.state})`;
}

export function pickCarrier(rng, origin) {
  return rng.weighted(CARRIER_MIX[origin]);
}

/** A deterministic AWB of the carrier's usual length. */
export function awbFor(carrierKey, orderId) {
  return `${CARRIERS[carrierKey].awbPrefix}${String(orderId).slice(-9)}`;
}

/**
 * Plans a shipment. Options: `slow` multiplies transit time (a congested route), `outcome` is
 * delivered | reattempt_delivered | rto | stalled (goes quiet after the line-haul scan and stays quiet),
 * `stallHours` how long a stalled parcel has been quiet at `now`.
 * Returns the promise (ETA shown to the customer) and the scans, oldest first.
 */
export function planShipment(rng, { dest, carrierKey, fulfilledAt, slow = 1, outcome = "delivered" }) {
  const origin = WAREHOUSES[dest.origin];
  const pickedAt = fulfilledAt + rng.between(4, 14) * HOUR;
  const promiseAt = pickedAt + dest.hours * 1.25 * HOUR;
  const transit = dest.hours * Math.exp(rng.normal(0, 0.2)) * slow * HOUR;
  const arriveHub = pickedAt + transit * 0.65;
  const scans = [
    { status: "picked_up", at: pickedAt, location: origin.hub },
    { status: "in_transit", at: pickedAt + rng.between(2, 5) * HOUR, location: origin.hub },
  ];
  if (outcome === "stalled") return { promiseAt, scans, origin: dest.origin, carrierKey };
  scans.push({ status: "in_transit", at: arriveHub, location: destinationHub(dest) });
  const ofdAt = Math.max(arriveHub + 2 * HOUR, pickedAt + transit - rng.between(3, 6) * HOUR);
  scans.push({ status: "out_for_delivery", at: ofdAt, location: deliveryCentre(dest) });
  const dc = deliveryCentre(dest);
  if (outcome === "delivered") {
    scans.push({ status: "delivered", at: Math.max(ofdAt + HOUR, pickedAt + transit), location: dc });
  } else {
    const failAt = ofdAt + rng.between(3, 7) * HOUR;
    scans.push({ status: "failed_attempt", at: failAt, location: dc, reason: rng.pick(["Consignee unavailable", "Customer not reachable", "Address incomplete"]) });
    if (outcome === "reattempt_delivered") {
      scans.push({ status: "out_for_delivery", at: failAt + rng.between(16, 20) * HOUR, location: dc });
      scans.push({ status: "delivered", at: failAt + rng.between(21, 26) * HOUR, location: dc });
    } else if (outcome === "rto") {
      scans.push({ status: "failed_attempt", at: failAt + DAY, location: dc, reason: "Customer refused delivery" });
      scans.push({ status: "rto_initiated", at: failAt + 2 * DAY, location: dc });
      scans.push({ status: "rto_delivered", at: failAt + 2 * DAY + dest.hours * 1.3 * HOUR, location: origin.hub });
    }
  }
  return { promiseAt, scans, origin: dest.origin, carrierKey };
}
