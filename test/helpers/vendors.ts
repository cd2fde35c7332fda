/** Builders for carrier and ERP webhooks in tests, in the vendors' documented shapes (see test/fixtures/vendor). */
import { SELF } from "cloudflare:test";
import srWebhook from "../fixtures/vendor/shiprocket/tracking-webhook.json";
import zohoItem from "../fixtures/zoho-inventory/item-with-warehouses.json";
import gorgiasFixture from "../fixtures/vendor/gorgias/ticket-created-http-integration.json";
import { waitProcessed } from "./runtime";

/** Shiprocket writes its times in IST without a zone. */
export function istStamp(ms: number): string {
  return new Date(ms + 330 * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

const SR_STATUS: Record<string, [string, string]> = {
  picked_up: ["42", "PICKED UP"],
  in_transit: ["18", "IN TRANSIT"],
  out_for_delivery: ["17", "OUT FOR DELIVERY"],
  delivered: ["7", "DELIVERED"],
  failed_attempt: ["47", "UNDELIVERED"],
  rto_initiated: ["9", "RTO INITIATED"],
  rto_delivered: ["10", "RTO DELIVERED"],
};

/** A Shiprocket tracking webhook for one AWB with the given scans (status, epoch ms, location). */
export function shiprocketTracking(awb: string, orderRef: string, scans: [keyof typeof SR_STATUS, number, string][], courier = "Delhivery Surface") {
  const p = structuredClone(srWebhook) as Record<string, any>;
  const last = scans[scans.length - 1]!;
  const [lastId, lastLabel] = SR_STATUS[last[0]]!;
  Object.assign(p, {
    awb,
    order_id: orderRef,
    courier_name: courier,
    current_status: lastLabel,
    shipment_status: lastLabel,
    shipment_status_id: Number(lastId),
    current_timestamp: istStamp(last[1]),
    etd: istStamp(last[1] + 2 * 86_400_000),
    is_return: 0,
    scans: scans.map(([status, at, location]) => ({
      date: istStamp(at),
      status: "X",
      activity: SR_STATUS[status]![1],
      location,
      "sr-status": SR_STATUS[status]![0],
      "sr-status-label": SR_STATUS[status]![1],
    })),
  });
  return p;
}

export async function postShiprocket(payload: unknown): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/webhooks/shiprocket", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "test-shiprocket-token" },
    body: JSON.stringify(payload),
  });
  if (res.status !== 200) throw new Error(`shiprocket webhook answered ${res.status}: ${await res.text()}`);
  const { id } = await res.json<{ id: string }>();
  await waitProcessed(id);
  return id;
}

/** A Zoho Inventory item webhook with the stock given for one warehouse. */
export function zohoStock(sku: string, available: number, modifiedAt: number, reorderLevel = 40) {
  const p = structuredClone(zohoItem) as Record<string, any>;
  const stamp = new Date(modifiedAt + 330 * 60_000).toISOString().slice(0, 19) + "+0530";
  Object.assign(p.item, {
    sku,
    item_id: Math.floor(Math.random() * 1e12),
    reorder_level: reorderLevel,
    stock_on_hand: available,
    available_stock: available,
    actual_available_stock: available,
    last_modified_time: stamp,
  });
  p.item.warehouses = [
    { ...p.item.warehouses[0], warehouse_stock_on_hand: available, warehouse_available_stock: available, warehouse_actual_available_stock: available, warehouse_committed_stock: 0, warehouse_actual_committed_stock: 0, warehouse_available_for_sale_stock: available, warehouse_actual_available_for_sale_stock: available },
  ];
  return p;
}

export async function postZoho(payload: unknown): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/webhooks/zoho-inventory", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test-zoho-token" },
    body: JSON.stringify(payload),
  });
  if (res.status !== 200) throw new Error(`zoho webhook answered ${res.status}: ${await res.text()}`);
  const { id } = await res.json<{ id: string }>();
  await waitProcessed(id);
  return id;
}

/** A Gorgias HTTP-integration ticket body (fixture shape) from a customer, with no agent reply yet. */
export function gorgiasTicket(opts: { id: number; email: string; subject: string; body: string; createdAt: number }) {
  const p = structuredClone(gorgiasFixture) as Record<string, any>;
  const at = new Date(opts.createdAt).toISOString();
  const message = { ...p.messages[0], id: opts.id * 10, from_agent: false, body_text: opts.body, body_html: `<div>${opts.body}</div>`, stripped_text: opts.body, subject: opts.subject, created_datetime: at, sent_datetime: at };
  Object.assign(p, {
    id: opts.id,
    subject: opts.subject,
    status: "open",
    created_datetime: at,
    opened_datetime: at,
    updated_datetime: at,
    last_message_datetime: at,
    last_received_message_datetime: at,
    messages: [message],
    first_message: message,
    last_message: message,
    tags: [],
  });
  p.customer = { ...p.customer, email: opts.email, channels: [{ ...p.customer.channels[0], address: opts.email }] };
  return p;
}

export async function postGorgias(payload: unknown): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/webhooks/gorgias?token=test-gorgias-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  if (res.status !== 200) throw new Error(`gorgias webhook answered ${res.status}: ${await res.text()}`);
  const { id } = await res.json<{ id: string }>();
  await waitProcessed(id);
  return id;
}

/** Posts a WhatsApp Cloud API webhook signed as Meta signs it (hex HMAC-SHA256 of the raw body) and waits for it. */
export async function postWhatsapp(payload: unknown): Promise<string> {
  const body = JSON.stringify(payload);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("test-whatsapp-app-secret"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const res = await SELF.fetch("https://switchyard.test/webhooks/whatsapp", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sig}` }, body });
  if (res.status !== 200) throw new Error(`whatsapp webhook answered ${res.status}: ${await res.text()}`);
  const { id } = await res.json<{ id: string }>();
  await waitProcessed(id);
  return id;
}
