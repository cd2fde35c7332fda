/**
 * The simulated week's COD risk (issue 19): pincodes where COD parcels often come back, repeat
 * offenders, orders to a pincode of another state or with no house number, and phones that place
 * several COD orders within hours. Hooked into week.mjs (`codRisk: true`, as `npm run simulate`
 * sets it) so the COD backtest's recall and false alarms mean something. Pure and seeded: its own
 * RNG streams, so the rest of the week does not shift.
 */
import { DAY, DESTINATIONS, HOUR, basketTotal, makeBasket, makeCustomer, shippingFor } from "./brand.mjs";

/** COD parcels to these pincodes come back this often (on top of the week's usual outcome). */
export const RTO_PRONE_PINCODES = { "110092": 0.4, "781006": 0.45, "700064": 0.35 };
/** How often each kind of risky order comes back. */
const RISKY_RTO = { offender: 0.8, velocity: 0.55, address: 0.5 };

/**
 * The outcome of a parcel: the week's own draw, unless the order is a risky COD order or goes to
 * an RTO-prone pincode, which may turn it into an RTO (drawn from its own fork of the week's RNG;
 * `rng` null = the week without COD risk, the draw as it was).
 */
export function codOutcome(o, drawn, rng) {
  if (!rng || !o.cod || drawn === "rto") return drawn;
  const p = o.simRisk ? RISKY_RTO[o.simRisk] : RTO_PRONE_PINCODES[o.customer.pincode];
  if (!p) return drawn;
  return rng.fork(`cod-outcome:${o.id}`).next() < p ? "rto" : drawn;
}

/**
 * The week's risky COD orders (ids from base + 60,000): 3 repeat offenders ordering four times
 * (twice early in the week, twice late, once their first parcels have come back), 3 phones placing
 * three COD orders within three hours, and 8 orders with a bad address (pincode of another state, or
 * a short line with no house number). Times scale with the week; orders after `now` are dropped.
 */
export function riskyCodOrders(rng, { base, numberBase, start, now, days }) {
  const r = rng.fork("sim-cod");
  const out = [];
  let k = 0;
  let customerIndex = 90_000 + (base % 1000);
  const order = (customer, createdAt, simRisk) => {
    if (createdAt > now - 10 * 60_000) return;
    const lines = makeBasket(r, { big: false });
    const subtotal = basketTotal(lines);
    const shipping = shippingFor(subtotal);
    customer.simOrders = (customer.simOrders ?? 0) + 1;
    customer.simSpent = (customer.simSpent ?? 0) + subtotal + shipping;
    out.push({
      id: base + 60_000 + k,
      number: numberBase + 60_000 + k,
      name: `#${numberBase + 60_000 + k}`,
      createdAt,
      customer,
      lines,
      shipping,
      total: subtotal + shipping,
      cod: true,
      customerOrdersCount: customer.simOrders,
      customerTotalSpent: customer.simSpent,
      simRisk,
    });
    k++;
  };
  const at = (fraction) => start + fraction * days * DAY + r.between(0, 3) * HOUR;

  for (let i = 0; i < 3; i++) {
    const c = newCustomer(r, customerIndex++, start);
    for (const f of [0.02 + i * 0.03, 0.12 + i * 0.03, 0.78 + i * 0.03, 0.88 + i * 0.03]) order(c, at(f), "offender");
  }
  for (let i = 0; i < 3; i++) {
    const c = newCustomer(r, customerIndex++, start);
    const first = at(0.2 + i * 0.25);
    for (let j = 0; j < 3; j++) order(c, first + j * r.between(0.5, 1.4) * HOUR, "velocity");
  }
  for (let i = 0; i < 8; i++) {
    const c = newCustomer(r, customerIndex++, start);
    if (i % 2 === 0) {
      // The pincode of a city in another state.
      const other = DESTINATIONS.find((d) => d.state !== c.dest.state && d.prefix !== c.dest.prefix);
      c.pincode = r.pick(other.pincodes);
    } else {
      c.address1 = r.pick(["Near bus stand", "Main road", "Opp temple", "Market"]);
    }
    order(c, at(0.05 + i * 0.11), "address");
  }
  return out;
}

function newCustomer(r, index, start) {
  const c = makeCustomer(r, index, "new");
  c.createdAt = start;
  return c;
}
