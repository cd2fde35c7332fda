/**
 * Ticket context that stays true, from signed webhooks: the note on a linked ticket is written once,
 * refreshed once per material change (new state, new ETA, an NDR), never per plain scan; Freshdesk's
 * note is edited in place (its id from the vendor's answer), Gorgias and Zendesk get a superseding note.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnv } from "../../src/connectors/config";
import { handleActionsBatch, type ActionMessage } from "../../src/queues/actions";
import { waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { json, vendorEdge } from "../helpers/vendor-edge";
import { gorgiasTicket, postGorgias, postShiprocket, shiprocketTracking } from "../helpers/vendors";

afterEach(() => vi.restoreAllMocks());

const H = 3_600_000;
const DAY = 24 * H;
// Noon IST two days ago: scans minutes apart stay on one IST day, so their ETA (scan + 2 days) keeps its day.
const IST = 330 * 60_000;
const T0 = Math.floor((Date.now() + IST) / DAY) * DAY - IST + 6.5 * H - 2 * DAY;

async function shopify(topic: string, payload: unknown): Promise<void> {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic} answered ${res.status}: ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

async function orderWithShipment() {
  const id = uniqueId();
  const email = `ctx${id}@example.in`;
  const order = indianOrder({ id, email, cod: false, createdAt: new Date(T0 - 3 * DAY).toISOString(), updatedAt: new Date(T0 - 3 * DAY).toISOString() }) as Record<string, any>;
  await shopify("orders/create", order);
  const awb = `SRC${id}`;
  const scans: Parameters<typeof shiprocketTracking>[2] = [["picked_up", T0 - DAY, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", T0, "Nagpur_Hub (Maharashtra)"]];
  await postShiprocket(shiprocketTracking(awb, String(order.name), scans));
  const scan = async (status: Parameters<typeof shiprocketTracking>[2][number][0], at: number, place: string) => {
    scans.push([status, at, place]);
    await postShiprocket(shiprocketTracking(awb, String(order.name), scans));
  };
  return { id: String(id), email, name: String(order.name), scan };
}

async function contextNotes(ticketId: string) {
  const { results } = await env.DB.prepare(
    `SELECT id, kind, params, idempotency_key AS k FROM actions WHERE subject_type = 'ticket' AND idempotency_key LIKE 'ticket-context:%' AND json_extract(params, '$.ticketId') = ? ORDER BY created_at, rowid`,
  )
    .bind(ticketId)
    .all<{ id: string; kind: string; params: string; k: string }>();
  return results.map((r) => ({ id: r.id, kind: r.kind, body: JSON.parse(r.params).body as string, noteId: JSON.parse(r.params).noteId as string | undefined }));
}

describe("the context note on a Gorgias ticket", () => {
  it("is written once, refreshed once per new state, new ETA and NDR, and not on a plain scan", async () => {
    const o = await orderWithShipment();
    const ticketId = uniqueId();
    await postGorgias(gorgiasTicket({ id: ticketId, email: o.email, subject: `Order ${o.name}: can I change the delivery address?`, body: "I will be travelling.", createdAt: T0 + H }));
    let notes = await contextNotes(String(ticketId));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.kind).toBe("helpdesk.internal_note");
    expect(notes[0]!.body).toContain(`order ${o.name}`);
    expect(notes[0]!.body).toContain("Journey: in_transit");

    // A plain scan: same state, ETA on the same day.
    await o.scan("in_transit", T0 + 10 * 60_000, "Nagpur_Hub (Maharashtra)");
    expect(await contextNotes(String(ticketId))).toHaveLength(1);

    // A new state.
    await o.scan("out_for_delivery", T0 + DAY, "Indiranagar, Bengaluru");
    notes = await contextNotes(String(ticketId));
    expect(notes).toHaveLength(2);
    expect(notes[1]!.body).toMatch(/^Supersedes the Switchyard note of \d{4}-\d{2}-\d{2} \d{2}:\d{2} IST: journey in_transit → out_for_delivery; ETA /);
    expect(notes[1]!.body).toContain("Journey: out_for_delivery");

    // An NDR.
    await o.scan("failed_attempt", T0 + DAY + 2 * H, "Indiranagar, Bengaluru");
    notes = await contextNotes(String(ticketId));
    expect(notes).toHaveLength(3);
    expect(notes[2]!.body).toContain("journey out_for_delivery → failed_attempt");
    expect(notes[2]!.body).toContain("failed delivery attempt 1 (NDR)");

    // The same webhook again (a redelivery) and the ticket updated: nothing new.
    await o.scan("failed_attempt", T0 + DAY + 2 * H + 60_000, "Indiranagar, Bengaluru");
    await postGorgias({ ...gorgiasTicket({ id: ticketId, email: o.email, subject: `Order ${o.name}: can I change the delivery address?`, body: "I will be travelling.", createdAt: T0 + H }), updated_datetime: new Date(T0 + DAY + 3 * H).toISOString() });
    expect(await contextNotes(String(ticketId))).toHaveLength(3);
  });

  it("a new ETA alone refreshes it", async () => {
    const o = await orderWithShipment();
    const ticketId = uniqueId();
    await postGorgias(gorgiasTicket({ id: ticketId, email: o.email, subject: `Order ${o.name} gift note`, body: "Please add a note.", createdAt: T0 + H }));
    expect(await contextNotes(String(ticketId))).toHaveLength(1);
    // Still in transit, a day later: Shiprocket's etd moves a day.
    await o.scan("in_transit", T0 + DAY, "Hyderabad_Hub (Telangana)");
    const notes = await contextNotes(String(ticketId));
    expect(notes).toHaveLength(2);
    expect(notes[1]!.body).toMatch(/: ETA \d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}\./);
  });
});

describe("the context note on a Freshdesk ticket", () => {
  const live = configFromEnv({ ...env, FRESHDESK_DOMAIN: "acme", FRESHDESK_API_KEY: "f-secret" } as Env);

  /** The local queue's own (dry-run) pass goes first; then the action is run again with credentials. */
  async function rerunLive(actionId: string) {
    await vi.waitFor(async () => {
      const r = await env.DB.prepare(`SELECT status FROM actions WHERE id = ?`).bind(actionId).first<{ status: string }>();
      if (r?.status === "pending" || r?.status === "sending") throw new Error("still in the local queue");
    }, { timeout: 5000, interval: 50 });
    await env.DB.prepare(`UPDATE actions SET status = 'pending', attempts = 0 WHERE id = ?`).bind(actionId).run();
    await deliver(actionId);
  }

  async function deliver(actionId: string) {
    const batch = createMessageBatch<ActionMessage>("switchyard-actions", [{ id: `m-${actionId}-${Date.now()}`, timestamp: new Date(), attempts: 1, body: { actionId } }]);
    await handleActionsBatch(batch, env, { config: live, fetch: (url, init) => fetch(url, init) });
    await getQueueResult(batch, createExecutionContext());
  }

  it("keeps the note id Freshdesk answers with, and edits that note in place on the next change", async () => {
    const o = await orderWithShipment();
    const ticketId = String(uniqueId());
    const res = await SELF.fetch("https://switchyard.test/webhooks/freshdesk?token=test-freshdesk-token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        freshdesk_webhook: {
          triggered_event: "{ticket_action:created}", ticket_id: ticketId, ticket_subject: `Order ${o.name}: invoice please`, ticket_description: "<div>Need a GST invoice.</div>",
          ticket_status: "Open", ticket_priority: "Medium", ticket_source: "Email", ticket_contact_name: "Riya", ticket_contact_email: o.email, ticket_contact_phone: "",
          ticket_agent_name: "", ticket_agent_email: "", ticket_tags: "", ticket_created_at: new Date(T0 + H).toISOString(), ticket_updated_at: new Date(T0 + H).toISOString(), ticket_cf_order_number: o.name.replace("#", ""),
        },
      }),
    });
    expect(res.status).toBe(200);
    await waitProcessed((await res.json<{ id: string }>()).id);
    const [first] = await contextNotes(ticketId);
    expect(first!.kind).toBe("helpdesk.internal_note");

    // The first note, sent with credentials: Freshdesk answers "Create a note" with the conversation, id first.
    const edge = vendorEdge({
      [`POST https://acme.freshdesk.com/api/v2/tickets/${ticketId}/notes`]: (c) => json(201, { id: 43000123456, body: JSON.parse(c.body).body, body_text: "…", incoming: false, private: true, user_id: 43000000001, ticket_id: Number(ticketId), created_at: new Date().toISOString(), updated_at: new Date().toISOString() }),
      "PUT https://acme.freshdesk.com/api/v2/conversations/43000123456": (c) => json(200, { id: 43000123456, body: JSON.parse(c.body).body, private: true, ticket_id: Number(ticketId) }),
    });
    await rerunLive(first!.id);
    const sent = await env.DB.prepare(`SELECT status, external_id AS externalId FROM actions WHERE id = ?`).bind(first!.id).first<{ status: string; externalId: string | null }>();
    expect(sent).toEqual({ status: "sent", externalId: "43000123456" });

    await o.scan("out_for_delivery", T0 + DAY, "Indiranagar, Bengaluru");
    const notes = await contextNotes(ticketId);
    expect(notes).toHaveLength(2);
    expect(notes[1]!.kind).toBe("helpdesk.update_note");
    expect(notes[1]!.noteId).toBe("43000123456");
    expect(notes[1]!.body).toMatch(/^Updated \d{4}-\d{2}-\d{2} \d{2}:\d{2} IST: journey in_transit → out_for_delivery/);

    await rerunLive(notes[1]!.id);
    expect(edge.unexpected).toEqual([]);
    const put = edge.to("PUT", "https://acme.freshdesk.com/api/v2/conversations/43000123456");
    expect(put).toHaveLength(1);
    expect(JSON.parse(put[0]!.body).body).toContain("Journey: out_for_delivery");
    expect(JSON.parse(put[0]!.body).body).toContain("<br>");
  });
});
