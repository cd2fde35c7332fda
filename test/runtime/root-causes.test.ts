/**
 * The root-cause hints the ticket model computes (rootCauseHints), in use: in the context note of a
 * linked ticket and on the overview's "why customers write in" panel. Its own file: D1 is per file,
 * so the week's tickets here are only this file's.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { gorgiasTicket, postGorgias, postShiprocket, shiprocketTracking } from "../helpers/vendors";

const BASE = "https://switchyard.test";
const H = 3_600_000;
const HINT = "of WISMO tickets this week are on delhivery BENGALURU routes with no scan > 36 h";

/** This week: six WISMO tickets on stalled delhivery parcels out of Bengaluru, one on a healthy bluedart parcel, one older than a week. */
beforeAll(async () => {
  const now = Date.now();
  const rows: [string, string, number, number][] = [
    ...Array.from({ length: 6 }, (_, i) => [`rc-o${i}`, "delhivery", now - (i + 1) * H, now - 40 * H] as [string, string, number, number]),
    ["rc-o6", "bluedart", now - 2 * H, now - H],
    ["rc-o7", "delhivery", now - 9 * 24 * H, now - 240 * H],
  ];
  await env.DB.batch(
    rows.flatMap(([orderId, carrier, ticketAt, lastScanAt], i) => [
      env.DB.prepare(
        `INSERT INTO tickets (id, helpdesk, ticket_id, order_id, subject, body, category, status, tags, created_at, updated_at, source, source_id)
         VALUES (?, 'zendesk', ?, ?, 'Where is my order?', 'No update for days', 'wismo', 'open', '[]', ?, ?, 'zendesk', ?)`,
      ).bind(`zendesk:rc-${i}`, `rc-${i}`, orderId, ticketAt, ticketAt, `rc-${i}`),
      env.DB.prepare(
        `INSERT INTO journeys (order_id, state, state_at, last_scan_at, last_scan_location, awb, carrier, stalled, failed_attempts, cod_pending, updated_at)
         VALUES (?, 'in_transit', ?, ?, 'Nagpur Hub', ?, ?, 0, 0, 0, ?)`,
      ).bind(orderId, lastScanAt, lastScanAt, `RCAWB${i}`, carrier, now),
      env.DB.prepare(
        `INSERT INTO shipment_events (id, order_id, carrier, awb, status, raw_status, location, is_return, occurred_at, source, source_id, received_at)
         VALUES (?, ?, ?, ?, 'picked_up', 'Picked Up', ?, 0, ?, 'delhivery', ?, ?)`,
      ).bind(`rc-se-${i}`, orderId, carrier, `RCAWB${i}`, carrier === "delhivery" ? "Bengaluru_Hub (Karnataka)" : "Delhi_Hub", lastScanAt - 24 * H, `rc-se-${i}`, now),
    ]),
  );
});

describe("root-cause hints", () => {
  it("go into the context note of a new WISMO ticket linked to an order", async () => {
    const id = uniqueId();
    const email = `rc${id}@example.in`;
    const order = indianOrder({ id, email, cod: false }) as Record<string, any>;
    const res = await SELF.fetch(await shopifyRequest({ topic: "orders/create", payload: order }));
    await waitProcessed((await res.json<{ id: string }>()).id);
    await postShiprocket(shiprocketTracking(`SRRC${id}`, String(order.name), [["picked_up", Date.now() - 30 * H, "Pune_Hub (Maharashtra)"], ["in_transit", Date.now() - 20 * H, "Nagpur_Hub (Maharashtra)"]]));
    const ticketId = uniqueId();
    await postGorgias(gorgiasTicket({ id: ticketId, email, subject: `Where is my order ${order.name}?`, body: "It has not moved for a day.", createdAt: Date.now() - 5 * 60_000 }));

    const note = await env.DB.prepare(`SELECT params FROM actions WHERE kind = 'helpdesk.internal_note' AND idempotency_key LIKE 'ticket-context:%' AND json_extract(params, '$.ticketId') = ?`)
      .bind(String(ticketId))
      .first<{ params: string }>();
    const body = JSON.parse(note!.params).body as string;
    expect(body).toContain(`order ${order.name}`);
    // Six of the week's eight WISMO tickets (this one included): 75%.
    expect(body).toContain(`Why customers write in this week: 75% ${HINT}`);
  });

  it("are on the overview's panel, with the week's ticket categories", async () => {
    const login = await SELF.fetch(`${BASE}/login`, {
      method: "POST",
      body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.77" },
      redirect: "manual",
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const res = await SELF.fetch(`${BASE}/`, { headers: { cookie }, redirect: "manual" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const panel = /<section id="why-customers-write"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(panel).toContain("Why customers write in");
    // The same hint as the note, HTML-escaped: six of the week's eight WISMO tickets.
    expect(panel).toContain(`<li data-category="wismo">75% ${HINT.replace(">", "&gt;")}</li>`);
    // The ticket older than a week is not counted.
    expect(panel).toContain("last 7 days, 8 tickets");
    expect(panel).toContain("<td>wismo</td>");
  });
});
