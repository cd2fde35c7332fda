/**
 * The outside review's second attack: `stallHours: 1e308` saved, an order object holding a timer due
 * at infinity, every later event for that order failing. Now refused at the API; the object refuses
 * an insane timer and still applies the event; an object already poisoned heals on its next event.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { JourneyEvent } from "../../src/durable-objects/journey-machine";
import type { JourneySettings } from "../../src/durable-objects/order-journey";
import { uniqueId } from "../helpers/shopify";
import { api } from "../helpers/runtime";

const H = 3_600_000;
const sane: JourneySettings = { stallHours: 36, codTimeoutHours: 24, postDeliverySteps: [] };

function scan(id: string, at: number, status: "picked_up" | "in_transit"): JourneyEvent {
  const target = status === "picked_up" ? "shipped" : status;
  return { id, at, source: "shiprocket", target, scan: { awb: "AWB-P", carrier: "delhivery", status, location: "Pune Hub", eta: null } };
}

const journey = (orderId: string) => env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId));

describe("policy bounds", () => {
  it("PUT /api/policies refuses stallHours 1e308 with 400 naming the field and its range, and keeps the policy", async () => {
    const before = await (await api("/api/policies")).json<{ version: number }>();
    const res = await api("/api/policies", { method: "PUT", headers: { "content-type": "application/json" }, body: '{"delay_alert":{"stallHours":1e308}}' });
    expect(res.status).toBe(400);
    const body = await res.json<{ issues: { path: string; message: string }[] }>();
    expect(body.issues).toContainEqual({ path: "delay_alert.stallHours", message: "must be from 0.25 to 720 hours" });
    expect((await (await api("/api/policies")).json<{ version: number }>()).version).toBe(before.version);
  });

  it("an object given an insane timer setting refuses the timer and still applies the event", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const at = Date.now() - H;
    const update = await stub.recordEvents(orderId, [scan("p1", at - H, "picked_up"), scan("p2", at, "in_transit")], { ...sane, stallHours: 1e308 });
    expect(update.snapshot.state).toBe("in_transit");
    expect((await stub.getJourney()).timers).toEqual([]);
    const row = await env.DB.prepare(`SELECT state FROM journeys WHERE order_id = ?`).bind(orderId).first<{ state: string }>();
    expect(row?.state).toBe("in_transit");
  });

  it("an object already holding a timer due at infinity heals on its next event", async () => {
    const orderId = String(uniqueId());
    const stub = journey(orderId);
    const first = Date.now() - 2 * H;
    await stub.recordEvents(orderId, [scan("q1", first - H, "picked_up"), scan("q2", first, "in_transit")], sane);
    // Poisoned the way the old code did it: an unfired stall timer due at infinity.
    await runInDurableObject(stub, (o: unknown) => {
      const sql = (o as { ctx: DurableObjectState }).ctx.storage.sql;
      sql.exec(`UPDATE timers SET due_at = ? WHERE fired_at IS NULL`, Number.POSITIVE_INFINITY);
      expect(sql.exec<{ d: number }>(`SELECT due_at AS d FROM timers`).one().d).toBe(Number.POSITIVE_INFINITY);
    });
    // The next event leaves the last scan where it was (a late, older scan), so the poisoned timer's
    // key is still wanted: before the fix it stayed at infinity and setAlarm threw on every event.
    const update = await stub.recordEvents(orderId, [scan("q0", first - 2 * H, "picked_up")], sane);
    expect(update.newEventIds).toEqual(["q0"]);
    expect(update.snapshot.state).toBe("in_transit");
    const timers = (await stub.getJourney()).timers;
    expect(timers.map((t) => [t.kind, t.due_at])).toEqual([["stall", first + 36 * H]]);
    expect(await runInDurableObject(stub, (o: unknown) => (o as { ctx: DurableObjectState }).ctx.storage.getAlarm())).toBe(first + 36 * H);
    await runInDurableObject(stub, (o: unknown) => (o as { ctx: DurableObjectState }).ctx.storage.deleteAlarm());
  });
});
