/**
 * A simulated week for the demo brand, as the webhooks each vendor would have sent, in event-time
 * order, ending at `now`. Pure: (options, now) in, a list of { at, source, topic, id, payload } out.
 *
 * The worker runs every timer from the event's own time, so a week replayed in a minute would see
 * every parcel "silent for days" between two of its scans. Carriers are therefore replayed the way
 * they batch in practice: Shiprocket's webhook carries every scan so far, so an old scan whose
 * successor came within the stall window rides along with that successor; Delhivery pushes such a
 * backlog newest first. A parcel that really went quiet (a stall) is sent as it happened.
 */
import { CARRIERS, CATALOG, DAY, DESTINATIONS, HOUR, SKUS, WAREHOUSES, basketTotal, buildBrand, makeBasket, makeCustomer, shippingFor } from "./brand.mjs";
import { delhiveryScanPush, freshdeskTicket, gorgiasTicket, shiprocketTracking, shopifyFulfillment, shopifyInventoryLevel, shopifyOrder, shopifyProduct, shopifyRefund, whatsappButtonReply, zendeskEvent, zohoItem } from "./payloads.mjs";
import { createRng } from "./rng.mjs";
import { inboundMessages } from "./sim-inbound.mjs";
import { awbFor, pickCarrier, planShipment } from "./shipping.mjs";
import { codOutcome, riskyCodOrders } from "./sim-cod.mjs";

const STALL_MS = 36 * HOUR;
/** Routes in trouble this week: Xpressbees into Bengaluru is slow; Delhivery into Delhi returns to origin. */
export const SLOW_ROUTE = { carrier: "xpressbees", origin: "BLR", prefix: "560", slow: 2.2, stall: 0.15 };
export const RTO_ROUTE = { carrier: "delhivery", origin: "DEL", prefix: "110", rto: 0.3 };

/** Orders per hour of the day (IST): a morning bump and the evening peak. */
const HOURLY = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1, 1.6, 2.2, 2.6, 2.8, 2.7, 2.4, 2.2, 2.1, 2.2, 2.4, 2.8, 3.2, 3.6, 3.4, 2.6, 1.8];

/**
 * `quietNight: { silentHours, burst }` turns the end of the week into a night with one injected fault:
 * Shopify sends nothing for the last `silentHours` (nor does the rest of any order whose Shopify story
 * falls in that window reach us), while the carriers, the ERP, the helpdesks and WhatsApp keep sending;
 * and in the hours before, `burst` COD orders are placed and cancelled within the hour (a
 * COD-cancellation spike). Without it the week is byte-identical to before.
 */
export function buildWeek({ days = 7, ordersPerDay = 60, seed = 42, now, quietNight = null, codRisk = false }) {
  const rng = createRng(seed);
  const start = now - days * DAY;
  const { customers } = buildBrand(now);
  const repeat = customers.filter((c) => c.segment !== "once");
  const out = [];
  let seq = 0;
  let currentOrder = null;
  const emit = (at, source, payload, extra = {}) => out.push({ at: Math.round(at), seq: seq++, source, payload, ...(currentOrder ? { orderId: currentOrder } : {}), ...extra });
  const base = 6_000_000_000 + (seed % 10_000) * 100_000;
  const numberBase = 20_001 + (seed % 80) * 1000;
  let newCustomerIndex = 5000 + (seed % 100) * 1000;
  const orders = [];
  let ticketSeq = 0;

  // --- orders, in time order
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const n = Math.max(1, Math.round(rng.normal(ordersPerDay, ordersPerDay * 0.12)));
    for (let k = 0; k < n; k++) {
      const hour = rng.weighted(HOURLY.map((w, h) => [h, w]));
      // IST hour h is UTC h − 5.5.
      const at = dayStart + ((hour - 5.5 + 24) % 24) * HOUR + rng.next() * HOUR;
      if (at > now - 10 * 60_000) continue;
      orders.push({ createdAt: at });
    }
  }
  orders.sort((a, b) => a.createdAt - b.createdAt);
  orders.forEach((o, k) => {
    o.id = base + k + 1;
    o.number = numberBase + k;
    o.name = `#${o.number}`;
    const existing = rng.chance(0.35);
    if (existing) {
      // High-LTV customers come back more often.
      o.customer = rng.weighted(repeat.map((c) => [c, c.segment === "high" ? 6 : 1]));
    } else {
      o.customer = makeCustomer(rng, newCustomerIndex++, "new");
      o.customer.createdAt = o.createdAt;
    }
    const c = o.customer;
    o.lines = makeBasket(rng, { big: c.segment === "high" && rng.chance(0.5) });
    const subtotal = basketTotal(o.lines);
    o.shipping = shippingFor(subtotal);
    o.total = subtotal + o.shipping;
    o.cod = rng.chance(c.segment === "high" ? 0.15 : c.segment === "new" ? 0.45 : 0.35);
    o.customerOrdersCount = (c.simOrders = (c.simOrders ?? c.orders.length) + 1);
    o.customerTotalSpent = (c.simSpent = (c.simSpent ?? basketTotal(c.orders.flatMap((x) => x.lines))) + o.total);
  });
  if (codRisk) orders.push(...riskyCodOrders(rng, { base, numberBase, start, now, days })); // scripts/lib/sim-cod.mjs

  const shopify = (at, topic, payload, id) => emit(at, "shopify", payload, { topic, id: `sim-${seed}-${id}` });

  for (const o of orders) {
    currentOrder = o.id;
    shopify(o.createdAt, "orders/create", shopifyOrder(o), `${o.id}-create`);
    const r = rng.fork(`order:${o.id}`);
    let holdUntil = o.createdAt;
    // COD at or above ₹2,000 waits for a WhatsApp confirm/cancel.
    if (o.cod && o.total >= 2000) {
      const answer = r.weighted([["confirm", 80], ["cancel", 8], ["none", 12]]);
      const at = o.createdAt + r.between(5, 90) * 60_000;
      if (answer !== "none" && at <= now) {
        emit(at, "whatsapp", whatsappButtonReply({ phone: o.customer.phone, name: o.customer.firstName, payload: `cod:${answer}:${o.id}`, text: answer === "confirm" ? "Confirm order" : "Cancel order", at, id: `cod${o.id}` }));
        holdUntil = at;
      }
      if (answer === "cancel") {
        // Cancelled by the customer's answer: Switchyard cancels it in Shopify (orderCancel, held for a
        // person by default); Shopify's orders/cancelled would follow that call, which runs dry here.
        o.cancelled = true;
        continue;
      }
      if (answer === "none") continue; // on hold: never fulfilled this week
    }
    if (r.chance(0.02)) {
      o.cancelled = true;
      const at = o.createdAt + r.between(1, 4) * HOUR;
      if (at <= now) shopify(at, "orders/cancelled", shopifyOrder({ ...o, cancelledAt: at, updatedAt: at }), `${o.id}-cancel`);
      continue;
    }
    shipOrder(o, r, holdUntil);
  }

  function shipOrder(o, r, after) {
    const dest = o.customer.dest;
    const carrierKey = pickCarrier(r, dest.origin);
    const carrier = CARRIERS[carrierKey];
    const slowRoute = carrier.name === SLOW_ROUTE.carrier && dest.origin === SLOW_ROUTE.origin && dest.prefix === SLOW_ROUTE.prefix;
    const rtoRoute = carrier.name === RTO_ROUTE.carrier && dest.origin === RTO_ROUTE.origin && dest.prefix === RTO_ROUTE.prefix;
    const outcome = codOutcome(o, r.weighted([
      ["delivered", 86],
      ["reattempt_delivered", 5],
      ["rto", rtoRoute ? 45 : o.cod ? 6 : 2],
      ["stalled", slowRoute ? 18 : 2.5],
    ]), codRisk && rng);
    const fulfilledAt = Math.max(after, o.createdAt) + r.between(5, 18) * HOUR;
    if (fulfilledAt > now) return;
    const awb = awbFor(carrierKey, o.id);
    shopify(fulfilledAt, "fulfillments/create", shopifyFulfillment(o, { awb, carrierKey, at: fulfilledAt }), `${o.id}-fulfil`);
    const plan = planShipment(r, { dest, carrierKey, fulfilledAt, slow: slowRoute ? SLOW_ROUTE.slow : 1, outcome });
    const scans = plan.scans.filter((s) => s.at <= now);
    if (scans.length === 0) return;
    for (const flush of flushes(scans, now)) {
      if (carrier.via === "shiprocket") {
        emit(flush.at, "shiprocket", shiprocketTracking({ awb, carrierKey, orderName: o.name, promiseAt: plan.promiseAt, scans: scans.slice(0, flush.upTo + 1) }));
      } else {
        // Newest first: the backlog's older scans land behind the current one and arm no stale timer.
        for (let i = flush.upTo; i >= flush.from; i--) emit(flush.at, "delhivery", delhiveryScanPush({ awb, orderName: o.name, scan: scans[i], pickupAt: scans[0].at }));
      }
    }
    const failed = scans.find((s) => s.status === "failed_attempt");
    // The customer answers the NDR WhatsApp when the attempt is recent enough to have been asked live.
    if (failed && outcome === "reattempt_delivered" && now - failed.at < STALL_MS - HOUR) {
      const at = failed.at + r.between(0.5, 3) * HOUR;
      if (at <= now) emit(at, "whatsapp", whatsappButtonReply({ phone: o.customer.phone, name: o.customer.firstName, payload: `ndr:reattempt:${o.name}`, text: "Re-attempt delivery", at, id: `ndr${o.id}` }));
    }
    tickets(o, r, scans, plan);
  }

  currentOrder = null;

  // --- the quiet night's COD-cancellation burst: new customers, COD, cancelled 10–45 min after placing
  const silenceFrom = quietNight ? now - quietNight.silentHours * HOUR : Infinity;
  if (quietNight) {
    const r = rng.fork("quiet-night");
    const burstFrom = silenceFrom - 7 * HOUR;
    for (let k = 0; k < quietNight.burst; k++) {
      const createdAt = burstFrom + ((k + r.next()) / quietNight.burst) * 6 * HOUR;
      const customer = makeCustomer(r, newCustomerIndex++, "new");
      customer.createdAt = createdAt;
      const lines = makeBasket(r, { big: false });
      const subtotal = basketTotal(lines);
      const o = { id: base + 50_000 + k, number: numberBase + 50_000 + k, createdAt, customer, lines, shipping: shippingFor(subtotal), cod: true, customerOrdersCount: 1 };
      o.name = `#${o.number}`;
      o.total = subtotal + o.shipping;
      o.customerTotalSpent = o.total;
      o.cancelled = true;
      const cancelledAt = createdAt + r.between(10, 45) * 60_000;
      shopify(createdAt, "orders/create", shopifyOrder(o), `${o.id}-create`);
      shopify(cancelledAt, "orders/cancelled", shopifyOrder({ ...o, cancelledAt, updatedAt: cancelledAt }), `${o.id}-cancel`);
      orders.push(o);
    }
  }

  // --- helpdesk
  function tickets(o, r, scans, plan) {
    const last = scans[scans.length - 1];
    const delivered = scans.find((s) => s.status === "delivered");
    const moving = scans.find((s) => s.status === "in_transit");
    let kind = null;
    let at = null;
    if (!delivered && moving && r.chance(last.status === "in_transit" && now - last.at > 30 * HOUR ? 0.5 : 0.07)) {
      kind = "wismo";
      at = Math.min(now - 5 * 60_000, Math.max(plan.promiseAt, moving.at + r.between(20, 60) * HOUR));
      if (at < moving.at) return;
    } else if (delivered && r.chance(0.025)) {
      kind = "dnr";
      at = delivered.at + r.between(2, 20) * HOUR;
    } else if (delivered && r.chance(0.03)) {
      kind = "damaged";
      at = delivered.at + r.between(2, 30) * HOUR;
    }
    if (!kind || at > now) return;
    const text = {
      wismo: [`Where is my order ${o.name}?`, `Hi, I placed order ${o.name} and it still hasn't arrived. Can you tell me where my order is? Tracking hasn't moved.`],
      dnr: [`Order ${o.name} shows delivered but not received`, `Tracking for ${o.name} says delivered but I have not received the package. Nobody at home got it.`],
      damaged: [`Damaged product in order ${o.name}`, `The bottle in my order ${o.name} arrived broken and leaking. Please send a replacement or refund.`],
    }[kind];
    const helpdesk = r.weighted([["gorgias", 50], ["freshdesk", 30], ["zendesk", 20]]);
    const id = 90_000_000 + (seed % 1000) * 10_000 + ++ticketSeq;
    const respondedAt = r.chance(0.7) ? at + r.between(0.5, 3.5) * HOUR : null;
    const t = { id, customer: o.customer, subject: text[0], body: text[1], createdAt: at, updatedAt: at, status: "open", respondedAt: null };
    if (helpdesk === "gorgias") emit(at, "gorgias", gorgiasTicket(t));
    if (helpdesk === "freshdesk") emit(at, "freshdesk", freshdeskTicket(t));
    if (helpdesk === "zendesk") emit(at, "zendesk", zendeskEvent(t, "created"), { id: `zd-${id}-created` });
    if (respondedAt && respondedAt <= now) {
      const answered = { ...t, respondedAt, updatedAt: respondedAt, status: "pending" };
      if (helpdesk === "gorgias") emit(respondedAt, "gorgias", gorgiasTicket(answered));
      if (helpdesk === "freshdesk") emit(respondedAt, "freshdesk", freshdeskTicket(answered));
      if (helpdesk === "zendesk") emit(respondedAt, "zendesk", zendeskEvent(answered, "comment"), { id: `zd-${id}-comment` });
    }
    // Damaged goods are refunded a day later (restocked only if the parcel comes back).
    if (kind === "damaged" && at + DAY <= now) shopify(at + DAY, "refunds/create", shopifyRefund(o, { at: at + DAY, restock: false }), `${o.id}-refund`);
  }

  // --- ERP stock every six hours, Shopify's own levels once a day, one catalog edit mid-week
  const sold = SKUS.map((s) => ({ s, events: orders.filter((o) => !o.cancelled).flatMap((o) => o.lines.filter((l) => l.sku === s.sku).map((l) => [o.createdAt, l.quantity])) }));
  for (const { s, events } of sold) {
    const perDay = events.reduce((n, [, q]) => n + q, 0) / days;
    // Fast sellers start the week with about nine days of this week's demand and get no delivery;
    // the rest start with three weeks' worth, so only the fast sellers run low.
    let stock = Math.round(perDay * (s.weight >= 8 ? 9 : 21)) + 5;
    if (s.sku === "ROSE-SALT-400G") stock = 6;
    for (let t = start; t <= now; t += 6 * HOUR) {
      const used = events.filter(([at]) => at <= t).reduce((n, [, q]) => n + q, 0);
      const available = Math.max(0, stock - used);
      const split = { BLR: Math.ceil(available * 0.4), DEL: Math.floor(available * 0.36), MUM: 0 };
      split.MUM = available - split.BLR - split.DEL;
      emit(t + 15 * 60_000, "zoho-inventory", zohoItem(s, split, t + 15 * 60_000));
      if ((t - start) % DAY === 0) shopify(t + 20 * 60_000, "inventory_levels/update", shopifyInventoryLevel(s, WAREHOUSES.BLR.shopifyLocation, split.BLR, t + 20 * 60_000), `level-${s.sku}-${t}`);
    }
  }
  const edited = CATALOG[1];
  shopify(start + 3.5 * DAY, "products/update", shopifyProduct(edited, start + 3.5 * DAY), `product-${edited.id}-${start}`);

  inboundMessages({ orders, deliveries: out, now, emit });
  out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  // Shopify stops sending: what it would have sent in the silent hours never arrives, and neither does
  // what follows for those orders from anyone else (a scan for a fulfilment nobody told us about).
  const cutFrom = new Map();
  for (const d of out) if (d.source === "shopify" && d.at >= silenceFrom && d.orderId && !cutFrom.has(d.orderId)) cutFrom.set(d.orderId, d.at);
  const kept = out.filter((d) => d.at <= now && !(d.source === "shopify" && d.at >= silenceFrom) && !(d.orderId && cutFrom.has(d.orderId) && d.at >= cutFrom.get(d.orderId)));
  return { deliveries: kept.map(({ orderId, ...d }) => d), orders, silenceFrom: quietNight ? silenceFrom : null };
}

/**
 * Groups a parcel's scans into the webhooks that deliver them. A scan goes out on its own when
 * it is recent (its stall timer lies in the future), when the parcel really went quiet after it,
 * or when it is the latest; otherwise it waits for the next one that goes out.
 */
export function flushes(scans, now) {
  const out = [];
  let from = 0;
  scans.forEach((s, i) => {
    const next = scans[i + 1];
    const own = !next || now - s.at < STALL_MS - HOUR || next.at - s.at >= STALL_MS;
    if (own) {
      out.push({ at: s.at, from, upTo: i });
      from = i + 1;
    }
  });
  return out;
}

export { DESTINATIONS };
