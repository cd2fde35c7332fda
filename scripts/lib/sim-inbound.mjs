/**
 * The simulated week's customers writing to the brand's WhatsApp number: "where is my order?" (English)
 * and "mera order kab aayega" (Hinglish) about parcels on their way, and a damage complaint with its
 * follow-up about a delivered one, in the last hour of the week. Text messages in Meta's webhook shape
 * (test/fixtures/vendor/whatsapp/inbound-text-official.json, Meta's messages webhook reference). Pure:
 * the week's orders and deliveries so far in, the new deliveries out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const fixture = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/vendor/whatsapp/inbound-text-official.json"), "utf8"));
const MINUTE = 60_000;

/** A customer's text message as Meta posts it. */
export function whatsappText({ phone, name, text, at, id }) {
  const p = structuredClone(fixture);
  const waId = phone.replace(/^\+/, "");
  const value = p.entry[0].changes[0].value;
  value.metadata = { display_phone_number: "918045678900", phone_number_id: "110200300400500" };
  value.contacts = [{ profile: { name }, wa_id: waId }];
  value.messages = [{ from: waId, id: `wamid.${id}`, timestamp: String(Math.floor(at / 1000)), type: "text", text: { body: text } }];
  p.entry[0].id = "102030405060708";
  return p;
}

/** Where the carrier last said an order's parcel was, from the deliveries already emitted for it. */
function lastCarrierStatus(deliveries, orderId) {
  const carrier = deliveries.filter((d) => d.orderId === orderId && (d.source === "shiprocket" || d.source === "delhivery"));
  const last = carrier.sort((a, b) => a.at - b.at || a.seq - b.seq).at(-1);
  if (!last) return null;
  if (last.source === "shiprocket") return { at: last.at, status: last.payload.current_status };
  const s = last.payload.Shipment.Status;
  return { at: last.at, status: s.StatusType === "DL" ? (s.Status === "Delivered" ? "DELIVERED" : "RTO") : s.StatusType === "RT" ? "RTO" : s.Status.toUpperCase() };
}

/**
 * Adds the inbound messages through `emit(at, source, payload, extra)`. Customers new this week (one
 * order, no history) are picked, so the order each message is about is the one the worker will find.
 */
export function inboundMessages({ orders, deliveries, now, emit }) {
  const single = orders.filter((o) => o.customer.segment === "new" && !o.cancelled && orders.filter((x) => x.customer.phone === o.customer.phone).length === 1);
  const moving = single.filter((o) => {
    const s = lastCarrierStatus(deliveries, o.id);
    return s && ["IN TRANSIT", "PICKED UP"].includes(s.status) && now - s.at < 24 * 3_600_000;
  });
  const delivered = single.filter((o) => lastCarrierStatus(deliveries, o.id)?.status === "DELIVERED");
  const [english, hinglish] = moving.slice(-2);
  const complaint = delivered.at(-1);
  const say = (o, text, ago, tag) => emit(now - ago, "whatsapp", whatsappText({ phone: o.customer.phone, name: o.customer.firstName, text, at: now - ago, id: `in-${tag}-${o.id}` }));
  if (english) say(english, "Hi, where is my order?", 15 * MINUTE, "wismo-en");
  if (hinglish) say(hinglish, "mera order kab aayega?", 12 * MINUTE, "wismo-hinglish");
  if (complaint) {
    say(complaint, `The bottle in my order ${complaint.name} arrived broken and leaking. Please help`, 30 * MINUTE, "damage");
    say(complaint, "Sending photos of the box now. Please replace it, it was a gift", 25 * MINUTE, "damage-followup");
  }
  return { english: english?.name ?? null, hinglish: hinglish?.name ?? null, complaint: complaint?.name ?? null };
}
