/** OrderJourney and SkuStock in the real runtime: RPC, SQLite storage, alarms, read models, webhooks in any order. */
import { runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { JourneyEvent } from "../../src/durable-objects/journey-machine";
import type { JourneySettings } from "../../src/durable-objects/order-journey";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { api, count, waitProcessed } from "../helpers/runtime";

const H = 3_600_000;
const settings: JourneySettings = { stallHours: 36, codTimeoutHours: 24, postDeliverySteps: [{ step: "review_request", afterHours: 48 }] };

function scan(id: string, at: number, status: "picked_up" | "in_transit" | "delivered"): JourneyEvent {
  const target = status === "picked_up" ? "shipped" : status;
  return { id, at, source: "shiprocket", target, scan: { awb: "AWB-T", carrier: "delhivery", status, location: "Bengaluru Hub", eta: null } };
}

function journey(orderId: string) {
  return env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId));
}

const firedTimers = (orderId: string) => count(`SELECT count(*) AS n FROM kv WHERE key LIKE ?`, `timer:${orderId}:stall:%`);

describe("OrderJourney stalled-shipment timer", () => {
  it("fires once 36 h after the last scan's own time, and running the alarm twice has one effect", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const lastScan = Date.now() - 36 * H - 60_000;
    await stub.recordEvents(orderId, [scan("s1", lastScan - 10 * H, "picked_up"), scan("s2", lastScan, "in_transit")], settings);
    // The timer is already due, so the runtime may run the alarm at once; run it (again) by hand.
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => expect(await firedTimers(orderId)).toBe(1));
    await runInDurableObject(stub, (o) => o.alarm());
    await runDurableObjectAlarm(stub);
    expect(await firedTimers(orderId)).toBe(1);
    const timers = await runInDurableObject(stub, (o) => o.getJourney().timers);
    expect(timers.map((t) => [t.kind, t.due_at, t.fired_at !== null])).toEqual([["stall", lastScan + 36 * H, true]]);
    const row = await env.DB.prepare(`SELECT stalled, state, last_scan_at AS lastScanAt FROM journeys WHERE order_id = ?`).bind(orderId).first<{ stalled: number; state: string; lastScanAt: number }>();
    expect(row).toEqual({ stalled: 1, state: "in_transit", lastScanAt: lastScan });
  });

  it("does not fire at 35 h, and a new scan moves the timer", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const lastScan = Date.now() - 35 * H;
    await stub.recordEvents(orderId, [scan("s1", lastScan, "in_transit")], settings);
    await runDurableObjectAlarm(stub);
    expect(await firedTimers(orderId)).toBe(0);
    const newer = Date.now() - H;
    await stub.recordEvents(orderId, [scan("s2", newer, "in_transit")], settings);
    const timers = await runInDurableObject(stub, (o) => o.getJourney().timers);
    expect(timers.filter((t) => t.fired_at === null).map((t) => [t.kind, t.due_at])).toEqual([["stall", newer + 36 * H]]);
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });

  it("does not fire when the order is delivered first", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    await stub.recordEvents(orderId, [scan("s1", Date.now() - 40 * H, "in_transit"), scan("s2", Date.now() - 39 * H, "delivered")], settings);
    await runDurableObjectAlarm(stub);
    expect(await firedTimers(orderId)).toBe(0);
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });
});

describe("OrderJourney events", () => {
  it("records the same event once, and reports its transition again to a retried caller", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const e = scan("s1", Date.now() - H, "in_transit");
    const first = await stub.recordEvents(orderId, [e], settings);
    const second = await stub.recordEvents(orderId, [e], settings);
    expect(first.newTransitions.map((t) => t.to)).toEqual(["in_transit"]);
    expect(second.newTransitions).toEqual(first.newTransitions);
    expect(second.newEventIds).toEqual([]);
    expect(second.snapshot.history).toHaveLength(1);
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });

  it("lands two concurrent events for one order both in history", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const now = Date.now();
    await Promise.all([stub.recordEvents(orderId, [scan("a", now - 2 * H, "picked_up")], settings), stub.recordEvents(orderId, [scan("b", now - H, "in_transit")], settings)]);
    const { snapshot } = await stub.getJourney();
    expect(snapshot.history.map((t) => t.eventId).sort()).toEqual(["a", "b"]);
    expect(snapshot.state).toBe("in_transit");
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });
});

describe("Journey from webhooks", () => {
  it("shows the journey under /api/orders/:id whichever order the webhooks arrive in", async () => {
    const id = uniqueId();
    const awb = `DL${id}`;
    const order = indianOrder({ id, cod: false, financialStatus: "paid", totalPrice: "999.00" });
    const fulfillment = {
      id: uniqueId(), order_id: id, status: "success", created_at: "2026-11-21T11:00:00+05:30", updated_at: "2026-11-21T11:00:00+05:30",
      tracking_company: "Delhivery", tracking_number: awb, tracking_numbers: [awb], shipment_status: null, line_items: [],
    };
    // The fulfilment first, then the order it belongs to.
    const f = await (await SELF.fetch(await shopifyRequest({ topic: "fulfillments/create", payload: fulfillment }))).json<{ id: string }>();
    await waitProcessed(f.id);
    const o = await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }))).json<{ id: string }>();
    await waitProcessed(o.id);
    const body = await (await api(`/api/orders/${id}`)).json<any>();
    expect(body.journey.state).toBe("fulfilled");
    expect(body.journey.history.map((t: { to: string }) => t.to)).toEqual(["confirmed", "fulfilled"]);
    expect(body.shipments.map((s: { awb: string }) => s.awb)).toEqual([awb]);
  });

  it("holds a high-value COD order for confirmation", async () => {
    const id = uniqueId();
    const o = await (await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: indianOrder({ id, totalPrice: "2499.00" }) }))).json<{ id: string }>();
    await waitProcessed(o.id);
    const body = await (await api(`/api/orders/${id}`)).json<any>();
    expect(body.journey.state).toBe("cod_confirmation_pending");
    await runInDurableObject(journey(String(id)), (_o, state) => state.storage.deleteAlarm());
  });
});

describe("SkuStock redelivery", () => {
  it("re-reports the push a redelivered event decided, so a consumer that failed before queuing it queues it once", async () => {
    const { pushStockEffects } = await import("../../src/pipeline/stock");
    const sku = `SKU-REDELIVER-${uniqueId()}`;
    const stub = env.SKU_STOCK.get(env.SKU_STOCK.idFromName(sku));
    const now = Date.now();
    await stub.recordShopifyLevel(`level:${sku}`, sku, { available: 10, at: now - 60_000, inventoryItemId: "4711", locationId: "8800" }, now);
    const erp = { source: "zoho-inventory", locationId: "WH-BHIWANDI", available: 4, onHand: 4, committed: 0, incoming: 0, at: now };
    const first = await stub.recordErpStock(`erp:${sku}`, sku, erp, now);
    expect(first.filter((e) => e.kind === "shopify_set").map((e) => e.kind === "shopify_set" && e.quantity)).toEqual([4]);
    // The consumer failed here, before queuing the push; the queue redelivers the same event.
    const again = await stub.recordErpStock(`erp:${sku}`, sku, erp, now + 1_000);
    expect(again).toEqual(first);
    await pushStockEffects(env, [{ sku, effects: again }], now + 1_000);
    // A further redelivery queues nothing new, and the ledger moved once.
    await pushStockEffects(env, [{ sku, effects: await stub.recordErpStock(`erp:${sku}`, sku, erp, now + 2_000) }], now + 2_000);
    expect(await count(`SELECT count(*) AS n FROM actions WHERE subject_id = ? AND kind = 'shopify.inventory_set'`, sku)).toBe(1);
    expect((await stub.getStock(now + 2_000)).available).toBe(4);
  });
});
