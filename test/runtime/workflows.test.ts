/**
 * The workflows that run on every event with no decision behind them (src/pipeline/workflows.ts and
 * the WISMO reply), end to end through the real queues: each test fails if its workflow stopped.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { verifyTrackingToken } from "../../src/lib/tracking-token";
import { waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { gorgiasTicket, postGorgias, postShiprocket, shiprocketTracking } from "../helpers/vendors";

const H = 3_600_000;

interface ActionRow {
  kind: string;
  status: string;
  params: string;
  request: string | null;
  subjectId: string | null;
}

function actionsFor(subjectId: string, kind: string): Promise<ActionRow[]> {
  return env.DB.prepare(`SELECT kind, status, params, request, subject_id AS subjectId FROM actions WHERE subject_id = ? AND kind = ? ORDER BY created_at`)
    .bind(subjectId, kind)
    .all<ActionRow>()
    .then((r) => r.results);
}

async function placeOrder(email: string) {
  const order = indianOrder({ cod: false, email, phone: "+919811122333", createdAt: new Date(Date.now() - 30 * H).toISOString(), updatedAt: new Date(Date.now() - 30 * H).toISOString() });
  const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
  await waitProcessed((await res.json<{ id: string }>()).id);
  return { id: String(order.id), name: String(order.name) };
}

describe("workflows on every event", () => {
  it("mirrors each carrier scan into a Shopify fulfilment event, once per scan", async () => {
    const order = await placeOrder(`mirror${uniqueId()}@example.in`);
    const awb = `SR${uniqueId()}`;
    const scans: Parameters<typeof shiprocketTracking>[2] = [["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", Date.now() - 10 * H, "Pune_Hub (Maharashtra)"]];
    await postShiprocket(shiprocketTracking(awb, order.name, scans));
    await postShiprocket(shiprocketTracking(awb, order.name, scans)); // the same push again
    const mirrored = await actionsFor(order.id, "shopify.fulfillment_event");
    expect(mirrored.map((a) => JSON.parse(a.params)).map((p) => [p.awb, p.status])).toEqual([[awb, "picked_up"], [awb, "in_transit"]]);
  });

  it("puts the order's context on a linked ticket as an internal note, and tells Klaviyo a ticket was opened", async () => {
    const email = `ctx${uniqueId()}@example.in`;
    const order = await placeOrder(email);
    const id = uniqueId();
    await postGorgias(gorgiasTicket({ id, email, subject: `Need help with ${order.name}`, body: `Hi, question about order ${order.name}`, createdAt: Date.now() - H }));
    const ticketRowId = (await env.DB.prepare(`SELECT id FROM tickets WHERE helpdesk = 'gorgias' AND ticket_id = ?`).bind(String(id)).first<{ id: string }>())!.id;
    const notes = await actionsFor(ticketRowId, "helpdesk.internal_note");
    expect(notes).toHaveLength(1);
    const note = JSON.parse(notes[0]!.params) as { helpdesk: string; ticketId: string; body: string };
    expect([note.helpdesk, note.ticketId]).toEqual(["gorgias", String(id)]);
    expect(note.body).toContain(`order ${order.name}`);
    const crm = (await actionsFor(email, "klaviyo.event")).map((a) => JSON.parse(a.params) as { metric: string; properties: { order: string } });
    expect(crm.map((e) => [e.metric, e.properties.order])).toEqual([["Opened Support Ticket", order.name]]);
  });

  it("tells Klaviyo the order was delivered when the carrier confirms it", async () => {
    const email = `deliv${uniqueId()}@example.in`;
    const order = await placeOrder(email);
    const awb = `SR${uniqueId()}`;
    await postShiprocket(shiprocketTracking(awb, order.name, [["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub"], ["delivered", Date.now() - H, "Pune"]]));
    const crm = (await actionsFor(email, "klaviyo.event")).map((a) => JSON.parse(a.params) as { metric: string; uniqueId: string });
    expect(crm).toEqual([expect.objectContaining({ metric: "Order Delivered", uniqueId: `delivered:${order.id}` })]);
  });

  it("answers a WISMO ticket on a healthy shipment through the helpdesk connector", async () => {
    const email = `wismo${uniqueId()}@example.in`;
    const order = await placeOrder(email);
    const awb = `SR${uniqueId()}`;
    await postShiprocket(shiprocketTracking(awb, order.name, [["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub"], ["in_transit", Date.now() - 2 * H, "Pune_Hub"]]));
    const id = uniqueId();
    await postGorgias(gorgiasTicket({ id, email, subject: `Where is my order ${order.name}?`, body: "It has been days, where is my parcel?", createdAt: Date.now() - 10 * 60_000 }));
    const ticketRowId = (await env.DB.prepare(`SELECT id FROM tickets WHERE helpdesk = 'gorgias' AND ticket_id = ?`).bind(String(id)).first<{ id: string }>())!.id;
    // The reply goes out through the actions queue and the Gorgias connector (dry-run here: no credentials).
    await vi.waitFor(async () => {
      const replies = await env.DB.prepare(`SELECT status, request FROM actions WHERE kind = 'helpdesk.reply' AND subject_id = ?`).bind(ticketRowId).all<{ status: string; request: string | null }>();
      expect(replies.results.map((r) => r.status)).toEqual(["dry_run"]);
      // A reply that also moves the ticket's status is several requests, stored as a list.
      const stored = JSON.parse(replies.results[0]!.request!) as { method: string; url: string; body: unknown } | { method: string; url: string; body: unknown }[];
      const message = (Array.isArray(stored) ? stored : [stored]).find((r) => r.url.endsWith(`/api/tickets/${id}/messages`));
      expect(message?.method).toBe("POST");
      // The live status, and the order's own tracking page (PUBLIC_URL and TRACKING_SECRET are set in tests).
      const text = JSON.stringify(message?.body);
      expect(text).toContain("Pune_Hub");
      const token = /Track it live: https:\/\/switchyard\.test\/t\/([\w-]+\.[\w-]+)/.exec(text)?.[1];
      expect(token, text).toBeDefined();
      expect(await verifyTrackingToken(env.TRACKING_SECRET, token!)).toBe(String(order.id));
    }, { timeout: 10_000 });
  });
});
