/**
 * Redact means gone: one customer seeded in every place docs/privacy.md lists, with the email in
 * mixed case and the phone written +91…, 91…, 0…, spaced and dashed; after customers/redact nothing
 * that identifies them is left in any D1 table, in their orders' journey objects, or in any API
 * response or dashboard page.
 */
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { JourneyEvent } from "../../src/durable-objects/journey-machine";
import { SHOP_DOMAIN, indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { api, waitProcessed } from "../helpers/runtime";
import { gorgiasTicket, postGorgias } from "../helpers/vendors";

const BASE = "https://switchyard.test";

async function postShopify(topic: string, payload: unknown): Promise<string> {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  expect(res.status, `${topic}: ${await res.clone().text()}`).toBe(200);
  const { id } = await res.json<{ id: string }>();
  await waitProcessed(id);
  return id;
}

async function dashboardCookie(): Promise<string> {
  const res = await SELF.fetch(`${BASE}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
    body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
    redirect: "manual",
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

describe("customers/redact leaves nothing identifying", () => {
  it("erases the customer from every table, object and API route, whatever the email's case or the phone's format", async () => {
    const customerId = uniqueId();
    const orderId = uniqueId();
    const tail = String(customerId).slice(-8);
    const national = `98${tail}`; // ten digits
    const email = `Nila.Rao.${customerId}@Example.IN`;
    const street = `${customerId % 1000} Lavelle Marg ${tail}`;
    const pincode = `7${tail.slice(-5)}`;
    const lastName = `Raozq${tail}`;

    // 1. Shopify: the order, its customer, address and note (raw body, orders, customers, decisions, actions).
    const order = indianOrder({ id: orderId, customerId, email, phone: `+91 ${national.slice(0, 5)} ${national.slice(5)}`, totalPrice: "2499.00", pincode, note: `Call ${national.slice(0, 5)}-${national.slice(5)} at ${street}` });
    const o = order as Record<string, any>;
    o.customer.first_name = "Nila";
    o.customer.last_name = lastName;
    for (const a of [o.shipping_address, o.billing_address, o.customer.default_address]) Object.assign(a, { address1: street, last_name: lastName, name: `Nila ${lastName}`, zip: pincode, phone: `0${national}` });
    o.created_at = o.processed_at = o.updated_at = o.customer.updated_at = new Date(Date.now() - 60_000).toISOString();
    await postShopify("orders/create", order);

    // 2. A helpdesk ticket from the same person, email upper-cased, phone written 91-… in the body.
    await postGorgias(gorgiasTicket({ id: uniqueId(), email: email.toUpperCase(), subject: `Where is order ${o.name}?`, body: `This is ${lastName}, reach me on 91-${national}`, createdAt: Date.now() - 30_000 }));

    // 3. A malformed-JSON dead letter naming them.
    const broken = await SELF.fetch(`${BASE}/webhooks/delhivery`, { method: "POST", headers: { authorization: "Bearer test-delhivery-token", "content-type": "application/json" }, body: `{"consignee": "${email.toLowerCase()}", "phone": "+91${national}", ` });
    expect(broken.status).toBe(400);

    // 4. What only other paths write: a Klaviyo action keyed by the email (and an attempt whose
    //    error echoes the phone), a decision naming them in its inputs only, a kv row, a WhatsApp message.
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, params, request, response, subject_type, subject_id, created_at, updated_at)
         VALUES (?, NULL, 'klaviyo', 'klaviyo.suppress', ?, 'pending', 1, ?, ?, ?, 'email', ?, ?, ?)`,
      ).bind(`act_k_${customerId}`, `klaviyo:${customerId}`, JSON.stringify({ email: email.toLowerCase() }), JSON.stringify({ body: { email } }), JSON.stringify({ echoed: `0${national}` }), email.toLowerCase(), now, now),
      env.DB.prepare(`INSERT INTO action_attempts (id, action_id, attempt, outcome, http_status, error, at) VALUES (?, ?, 1, 'failed', 422, ?, ?)`).bind(`att_${customerId}`, `act_k_${customerId}`, `invalid phone 0${national.slice(0, 5)} ${national.slice(5)}`, now),
      env.DB.prepare(
        `INSERT INTO decisions (id, type, subject_type, subject_id, dedupe_key, reasons, inputs, actions, policy_version, mode, created_at)
         VALUES (?, 'churn_intervention', 'customer', 'someone-else', ?, '[]', ?, '[]', 0, 'shadow', ?)`,
      ).bind(`dec_${customerId}`, `dedupe_${customerId}`, JSON.stringify({ contact: `+91-${national.slice(0, 5)}-${national.slice(5)}` }), now),
      env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)`).bind(`helpdesk:lookup:${customerId}`, JSON.stringify({ q: email.toUpperCase() }), now),
      env.DB.prepare(`INSERT INTO messages (id, channel, direction, phone, customer_id, order_id, kind, text, payload, status, occurred_at, source, source_id) VALUES (?, 'whatsapp', 'inbound', ?, NULL, NULL, 'text', ?, ?, 'received', ?, 'whatsapp', ?)`)
        .bind(`msg_${customerId}`, `+91${national}`, `hi, ${lastName} here`, JSON.stringify({ from: `91${national}` }), now, `wamid.${customerId}`),
    ]);

    // 5. The order's journey object with a delivery scan at the customer's street.
    const journey = env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(String(orderId)));
    const scan = (id: string, at: number, status: "picked_up" | "delivered", location: string): JourneyEvent => ({
      id, at, source: "shiprocket", target: status === "picked_up" ? "shipped" : "delivered", scan: { awb: `AWB${customerId}`, carrier: "delhivery", status, location, eta: null },
    });
    await journey.recordEvents(String(orderId), [scan("r1", now - 5_000, "picked_up", "Bengaluru Hub"), scan("r2", now - 1_000, "delivered", street)], { stallHours: 36, codTimeoutHours: 24, postDeliverySteps: [] });
    await runInDurableObject(journey, (obj: unknown) => (obj as { ctx: DurableObjectState }).ctx.storage.deleteAlarm());

    // Every needle is really there before the redact (so the sweep below proves something).
    const needles = (text: string): string[] => {
      const lower = text.toLowerCase();
      const stripped = text.replace(/[\s\-.()]/g, "");
      const found: string[] = [];
      if (lower.includes(email.toLowerCase())) found.push("email");
      if (stripped.includes(national)) found.push("phone");
      if (lower.includes(street.toLowerCase())) found.push("street");
      if (lower.includes(lastName.toLowerCase())) found.push("name");
      // A pincode is a six-digit token of its own: the same digits inside an id (the ids share the tail) are not it.
      if (new RegExp(`(?<![0-9])${pincode}(?![0-9])`).test(text)) found.push("pincode");
      return found;
    };
    const everywhere = async (): Promise<Record<string, string[]>> => {
      const { results: tables } = await env.DB.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'`).all<{ name: string }>();
      const hits: Record<string, string[]> = {};
      for (const { name } of tables) {
        const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
        const found = new Set(results.flatMap((r) => needles(JSON.stringify(r))));
        if (found.size) hits[name] = [...found].sort();
      }
      const events = await runInDurableObject(journey, (obj: unknown) => (obj as { ctx: DurableObjectState }).ctx.storage.sql.exec<{ body: string }>(`SELECT body FROM events`).toArray());
      const inObject = new Set(events.flatMap((e) => needles(e.body)));
      if (inObject.size) hits["OrderJourney events"] = [...inObject].sort();
      return hits;
    };
    const before = await everywhere();
    for (const table of ["raw_events", "orders", "customers", "tickets", "dead_letters", "decisions", "actions", "action_attempts", "kv", "messages", "OrderJourney events"]) {
      expect(before[table], `${table} before the redact`).toBeDefined();
    }
    expect(before.orders).toEqual(expect.arrayContaining(["email", "phone", "pincode", "street"]));

    // The request, with the email in another case and the phone in another format than stored.
    const redact = { shop_id: 954889, shop_domain: SHOP_DOMAIN, customer: { id: customerId, email: email.toLowerCase(), phone: `${national.slice(0, 5)}-${national.slice(5)}` }, orders_to_redact: [] };
    const rawId = await postShopify("customers/redact", redact);
    // The redact's own raw body named them too: it is blanked like the rest.
    expect(await everywhere()).toEqual({});
    const log = await env.DB.prepare(`SELECT erased FROM privacy_log WHERE id = ?`).bind(`customer_redact:${rawId}`).first<{ erased: string }>();
    expect(JSON.parse(log!.erased)).toMatchObject({ order_journey_events: 2 });

    // Nothing is sent to them any more: the pending Klaviyo action is stale.
    expect((await env.DB.prepare(`SELECT status FROM actions WHERE id = ?`).bind(`act_k_${customerId}`).first<{ status: string }>())?.status).toBe("stale");

    // And no route shows anything of them.
    const cookie = await dashboardCookie();
    const routes = [
      `/api/orders/${orderId}`, `/api/orders?name=${encodeURIComponent(o.name)}`, `/api/search?q=${encodeURIComponent(email)}`, `/api/search?q=${national}`,
      `/api/customers/${customerId}`, `/api/decisions?subject=order:${orderId}`, `/api/decisions?limit=1000`, `/api/actions?limit=200`, `/api/dead-letters`, `/api/kpis`, `/api/routes`, `/api/pipeline`,
    ];
    for (const path of routes) {
      const res = await api(path);
      expect(res.status, path).toBeLessThan(500);
      expect(needles(await res.text()), path).toEqual([]);
    }
    const context = await SELF.fetch(`${BASE}/api/helpdesk/context?email=${encodeURIComponent(email)}`, { headers: { authorization: "Bearer test-helpdesk-context-token" } });
    expect(needles(await context.text())).toEqual([]);
    for (const page of ["/", `/orders/${orderId}`, `/orders?q=${encodeURIComponent(email)}`]) {
      const res = await SELF.fetch(`${BASE}${page}`, { headers: { cookie }, redirect: "manual" });
      expect(res.status, page).toBe(200);
      // The search page echoes what was typed into its box; nothing else may name them.
      expect(needles((await res.text()).split(email).join("")), page).toEqual([]);
    }
  });
});
