/**
 * The tracking page's link, end to end in the runtime: a carrier scan through the ingest consumer and a
 * stall timer through the journey-timer job, with TRACKING_SECRET and PUBLIC_URL set, leave shipped,
 * out-for-delivery and delay WhatsApps in the outbox whose URL button is the page's token, and that link
 * opens the page of the same order. Without PUBLIC_URL they keep the AWB.
 */
import { createMessageBatch, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertRawEvent } from "../../src/db/raw-events";
import { onJourneyTimer } from "../../src/jobs/journey-timers";
import { handleIngestBatch, type IngestMessage } from "../../src/queues/ingest";
import { postOrder, waitProcessed } from "../helpers/runtime";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { shiprocketTracking } from "../helpers/vendors";

const H = 3_600_000;
const PUBLIC_URL = "https://ops.vanaspati.example";
const linked = { ...env, PUBLIC_URL } as unknown as Env;

/** A Shiprocket webhook ingested by the real consumer under `withEnv` (stored, not queued, so the default consumer does not take it first). */
async function ingestShiprocket(payload: unknown, withEnv: Env) {
  const raw = await insertRawEvent(env.DB, { source: "shiprocket", deliveryId: crypto.randomUUID(), topic: "tracking", triggeredAt: null, body: JSON.stringify(payload), receivedAt: Date.now() });
  const batch = createMessageBatch<IngestMessage>("switchyard-ingest", [{ id: raw.id, timestamp: new Date(), attempts: 1, body: { rawEventId: raw.id } }]);
  await handleIngestBatch(batch, withEnv);
  await waitProcessed(raw.id);
}

async function buttonsOf(orderId: string, template: string) {
  const row = await env.DB.prepare(
    `SELECT a.params FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.subject_id = ? AND a.kind = 'whatsapp.template' AND json_extract(a.params, '$.template') = ?`,
  )
    .bind(orderId, template)
    .first<{ params: string }>();
  return row ? (JSON.parse(row.params) as { buttons: { type: string; param: string; url?: string }[] }).buttons : null;
}

/** Opens the button's link the way the customer's phone would (the worker answers it here). */
async function open(url: string) {
  expect(url.startsWith(`${PUBLIC_URL}/t/`)).toBe(true);
  return SELF.fetch(url.replace(PUBLIC_URL, "https://switchyard.test"));
}

describe("messages link the tracking page", () => {
  it("shipped and out for delivery: the URL button is the order's token, and it opens that order's page", async () => {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 10 * H).toISOString();
    const payload = indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845077001", createdAt: placed, updatedAt: placed });
    await postOrder(payload);
    const awb = `SRL${id}`;
    await ingestShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 60_000, "Bhiwandi_Hub (Maharashtra)"]]), linked);

    const shipped = await buttonsOf(orderId, "order_shipped");
    expect(shipped).toHaveLength(1);
    const [button] = shipped!;
    expect(button!.type).toBe("url");
    expect(button!.param).not.toBe(awb);
    expect(button!.url).toBe(`${PUBLIC_URL}/t/${button!.param}`);
    const page = await open(button!.url!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Order ${String(payload.name)}`);
    expect(html).toContain(`<dd id="awb">${awb}</dd>`);

    await ingestShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 60_000, "Bhiwandi_Hub (Maharashtra)"], ["out_for_delivery", Date.now() - 30_000, "Pune_DC"]]), linked);
    const ofd = await buttonsOf(orderId, "out_for_delivery");
    expect(ofd).toEqual([{ type: "url", param: button!.param, url: button!.url }]);
    expect(await (await open(ofd![0]!.url!)).text()).toContain('data-state="out_for_delivery"');
  });

  it("delay alert from the stall timer: the button is the order's token", async () => {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 60 * H).toISOString();
    await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845077002", createdAt: placed, updatedAt: placed }));
    const lastScan = Date.now() - 40 * H;
    await ingestShiprocket(shiprocketTracking(`SRD${id}`, orderId, [["picked_up", Date.now() - 45 * H, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", lastScan, "Nagpur_Hub"]]), linked);
    await onJourneyTimer(linked, { orderId, kind: "stall", key: `stall:${lastScan}`, dueAt: lastScan + 36 * H, stateAt: lastScan }, Date.now());
    const delay = await buttonsOf(orderId, "delay_alert");
    expect(delay).toHaveLength(1);
    expect(delay![0]!.url).toBe(`${PUBLIC_URL}/t/${delay![0]!.param}`);
    const page = await open(delay![0]!.url!);
    expect(page.status).toBe(200);
    // The page shows the revised ETA the alert decided.
    expect(await page.text()).toMatch(/id="eta">Revised delivery date <b>/);
  });

  it("without PUBLIC_URL the shipped message keeps the AWB and the carrier's page", async () => {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 10 * H).toISOString();
    await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845077003", createdAt: placed, updatedAt: placed }));
    const awb = `SRN${id}`;
    await ingestShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 60_000, "Bhiwandi_Hub (Maharashtra)"]]), { ...env, PUBLIC_URL: "" } as unknown as Env);
    expect(await buttonsOf(orderId, "order_shipped")).toEqual([{ type: "url", param: awb }]);
  });
});

