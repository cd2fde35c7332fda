/** Hands what an event changed to the Durable Objects that own each order and SKU (one call per object). */
import type { CanonicalBatch, Order } from "../canonical/model";
import { parseCodButton } from "../canonical/vocabulary";
import { bundlesOf } from "../db/bundles";
import { linkedScans, resolveOrderRef, type AppliedBatch } from "../db/canonical-writes";
import type { RawEventRow } from "../db/raw-events";
import { journeyTargetForScan, type JourneyEvent } from "../durable-objects/journey-machine";
import type { JourneySettings, JourneyUpdate } from "../durable-objects/order-journey";
import type { LedgerEffect } from "../durable-objects/sku-ledger";
import { needsCodConfirmation } from "../decisions/rules/cod-confirmation";
import type { CodRiskBand } from "../decisions/cod-risk";

export interface ForwardResult {
  journeys: JourneyUpdate[];
  stock: { sku: string; effects: LedgerEffect[] }[];
}

export interface ForwardSettings extends JourneySettings {
  /** COD orders at or above this value wait for the customer's WhatsApp confirmation. */
  codConfirmationMinPaise: number;
  highRtoPincodes: readonly string[];
}

/** Journey inputs an order's own fields imply (confirmation, cancellation, fulfilment). */
export function orderJourneyEvents(o: Order, settings: Pick<ForwardSettings, "codConfirmationMinPaise" | "highRtoPincodes">, risk?: { band: CodRiskBand } | null): JourneyEvent[] {
  const created = Date.parse(o.createdAt);
  const updated = Date.parse(o.updatedAt);
  const events: JourneyEvent[] = [];
  if (needsCodConfirmation(o, { minOrderPaise: settings.codConfirmationMinPaise, highRtoPincodes: settings.highRtoPincodes }, risk)) events.push({ id: `order:${o.id}:cod_pending`, at: created, source: o.source, target: "cod_confirmation_pending" });
  else if (o.paymentMethod === "cod" || ["paid", "partially_paid", "authorized", "partially_refunded", "refunded"].includes(o.financialStatus ?? "")) {
    events.push({ id: `order:${o.id}:confirmed`, at: created, source: o.source, target: "confirmed" });
  }
  if (o.cancelledAt) events.push({ id: `order:${o.id}:cancelled`, at: Date.parse(o.cancelledAt), source: o.source, target: "cancelled" });
  if (o.fulfillmentStatus === "fulfilled") events.push({ id: `order:${o.id}:fulfilled`, at: updated, source: o.source, target: "fulfilled" });
  return events;
}

export async function forwardToObjects(
  env: Env,
  raw: RawEventRow,
  batch: CanonicalBatch,
  applied: AppliedBatch,
  settings: ForwardSettings,
  now: number,
  /** Each COD order's risk score (pipeline/cod-risk.ts): medium and high wait for confirmation. */
  codRisks: ReadonlyMap<string, { band: CodRiskBand }> = new Map(),
): Promise<ForwardResult> {
  const perOrder = new Map<string, JourneyEvent[]>();
  const add = (orderId: string, e: JourneyEvent) => perOrder.set(orderId, [...(perOrder.get(orderId) ?? []), e]);

  for (const o of batch.orders) {
    const events = orderJourneyEvents(o, settings, codRisks.get(o.id));
    // Even an order with nothing to move gets its object, so its read model row exists.
    if (events.length === 0) perOrder.set(o.id, perOrder.get(o.id) ?? []);
    for (const e of events) add(o.id, e);
  }
  for (const { event, id, orderId } of applied.shipmentEvents) {
    if (!orderId) continue; // kept in D1 and forwarded when its order arrives (see linkedScans)
    add(orderId, scanEvent(id, event));
  }
  // Scans that arrived before their order (or before Shopify named their AWB) join the journey now.
  for (const orderId of new Set([...batch.orders.map((o) => o.id), ...batch.awbLinks.map((l) => l.orderId)])) {
    for (const { id, e } of await linkedScans(env.DB, orderId)) add(orderId, scanEvent(id, e));
  }
  for (const r of batch.returns) {
    add(r.orderId, { id: `return:${r.source}:${r.sourceId}`, at: Date.parse(r.occurredAt), source: r.source, target: r.kind });
  }
  for (const { message } of applied.messages) {
    const reply = message.direction === "inbound" ? parseCodButton(message.payload) : null;
    const orderId = reply ? await resolveOrderRef(env.DB, reply.orderRef) : null;
    if (reply && orderId) {
      add(orderId, {
        id: `cod_reply:${message.messageId}`,
        at: Date.parse(message.occurredAt),
        source: message.source,
        target: reply.confirmed ? "confirmed" : "cancelled",
      });
    }
  }

  // Paid by the pay-now link (Razorpay): the COD question is answered, the order is confirmed.
  for (const p of batch.payments) {
    const orderId = await resolveOrderRef(env.DB, p.orderRef);
    if (orderId) add(orderId, { id: `payment:${p.source}:${p.paymentId}`, at: Date.parse(p.paidAt), source: p.source, target: "confirmed" });
  }

  // Different objects do not depend on one another: call them all at once.
  const journeys = Promise.all(
    [...perOrder].map(([orderId, events]) => {
      const id = env.ORDER_JOURNEY.idFromName(orderId);
      const stub = env.ORDER_JOURNEY.get(id);
      return stub.recordEvents(orderId, events, settings, now);
    }),
  );

  const stockCalls: Promise<ForwardResult["stock"][number]>[] = [];
  const stockOrders = batch.orders.filter((o) => raw.topic === "orders/create" || o.cancelledAt);
  const orderSkus = [...new Set([...stockOrders.flatMap((o) => o.lineItems.map((li) => li.sku)), ...batch.orderLocations.flatMap((l) => l.skus)].filter((s): s is string => Boolean(s)))];
  // A bundle's units are its components' units: an order for a kit consumes each component.
  const kits = orderSkus.length ? await bundlesOf(env.DB, orderSkus) : new Map<string, { sku: string; quantity: number }[]>();
  for (const o of stockOrders) {
    for (const li of o.lineItems) {
      const sku = li.sku;
      if (!sku) continue;
      const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku));
      const components = kits.get(sku);
      if (components) {
        const kitOrder = `${o.id}/kit:${sku}`;
        if (!o.cancelledAt) stockCalls.push(stub.recordBundleSale(`order:${o.id}`, sku, o.id, li.quantity, now).then((e) => ({ sku, effects: e })));
        for (const c of components) {
          const part = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(c.sku));
          const effects = o.cancelledAt
            ? part.releaseOrder(`order:${kitOrder}:cancelled`, c.sku, kitOrder, now)
            : part.recordOrder(`order:${kitOrder}`, c.sku, kitOrder, li.quantity * c.quantity, Date.parse(o.createdAt), now);
          stockCalls.push(effects.then((e) => ({ sku: c.sku, effects: e })));
        }
        continue;
      }
      const effects = o.cancelledAt
        ? stub.releaseOrder(`order:${o.id}:cancelled`, sku, o.id, now)
        : stub.recordOrder(`order:${o.id}`, sku, o.id, li.quantity, Date.parse(o.createdAt), now);
      stockCalls.push(effects.then((e) => ({ sku, effects: e })));
    }
  }
  // A fulfilment names the location its units ship from: the order counts against that location only.
  for (const ol of batch.orderLocations) {
    for (const sku of new Set(ol.skus)) {
      const parts: { sku: string; orderId: string }[] = kits.get(sku)?.map((c) => ({ sku: c.sku, orderId: `${ol.orderId}/kit:${sku}` })) ?? [{ sku, orderId: ol.orderId }];
      for (const p of parts) {
        const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(p.sku));
        stockCalls.push(stub.assignOrderLocation(`order:${p.orderId}:location:${ol.locationId}`, p.sku, p.orderId, ol.locationId, now).then((e) => ({ sku: p.sku, effects: e })));
      }
    }
  }
  for (const d of applied.levelDisconnects) {
    if (!d.sku) continue; // the row is gone from D1; the SKU's object never heard of this level
    const sku = d.sku;
    const at = d.at ? Date.parse(d.at) : raw.receivedAt;
    const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku));
    stockCalls.push(stub.disconnectLocation(`shopify:${d.locationId}:disconnect:${at}`, sku, d.locationId, at, now).then((e) => ({ sku, effects: e })));
  }
  for (const { record, sku } of applied.inventory) {
    if (sku.startsWith("item:")) continue; // a Shopify level whose SKU is not known yet: kept in D1, applied when the product arrives
    const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku));
    const at = Date.parse(record.updatedAt);
    const eventId = `${record.source}:${record.locationId}:${at}:${record.available}`;
    const effects =
      record.source === "shopify"
        ? stub.recordShopifyLevel(eventId, sku, { available: record.available, at, inventoryItemId: record.inventoryItemId, locationId: record.locationId }, now)
        : stub.recordErpStock(
            eventId,
            sku,
            { source: record.source, locationId: record.locationId, available: record.available, onHand: record.onHand, committed: record.committed, incoming: record.incoming, at, reorderPoint: record.reorderPoint, leadTimeDays: record.leadTimeDays },
            now,
          );
    stockCalls.push(effects.then((e) => ({ sku, effects: e })));
  }
  return { journeys: await journeys, stock: await Promise.all(stockCalls) };
}

function scanEvent(id: string, e: AppliedBatch["shipmentEvents"][number]["event"]): JourneyEvent {
  return {
    id: `scan:${id}`,
    at: Date.parse(e.occurredAt),
    source: e.source,
    target: e.isReturn ? null : journeyTargetForScan(e.status),
    returnLeg: e.isReturn,
    scan: { awb: e.awb, carrier: e.carrier, status: e.status, location: e.location, eta: e.eta === null ? null : Date.parse(e.eta) },
  };
}
