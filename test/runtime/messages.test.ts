/** What customers receive, end to end in the runtime: the contact policy between the decisions and the outbox. */
import { runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromEnv } from "../../src/connectors/config";
import { executeOne } from "../../src/queues/actions";
import { api, count, postOrder, putPolicy } from "../helpers/runtime";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { postShiprocket, postWhatsapp, shiprocketTracking } from "../helpers/vendors";

const H = 3_600_000;
const dry = configFromEnv({ ...env, WHATSAPP_ACCESS_TOKEN: "", EMAIL_API_KEY: "" } as Env);

afterEach(() => vi.restoreAllMocks());

/** Messages to the customer about an order, whatever became of them. */
async function customerMessages(orderId: string) {
  const { results } = await env.DB.prepare(
    `SELECT a.id, a.kind, a.status, a.last_error AS lastError, json_extract(a.params, '$.template') AS template, d.type
     FROM actions a JOIN decisions d ON d.id = a.decision_id
     WHERE d.subject_id = ? AND a.kind IN ('whatsapp.template', 'whatsapp.text', 'email.send', 'sms.send') ORDER BY a.created_at`,
  )
    .bind(orderId)
    .all<{ id: string; kind: string; status: string; lastError: string | null; template: string; type: string }>();
  return results;
}

async function suppressedOf(type: string, orderId: string) {
  const row = await env.DB.prepare(`SELECT suppressed FROM decisions WHERE type = ? AND subject_id = ?`).bind(type, orderId).first<{ suppressed: string }>();
  return row ? (JSON.parse(row.suppressed) as { template: string | null; reason: string }[]) : null;
}

async function dashboardCookie(): Promise<string> {
  const res = await SELF.fetch("https://switchyard.test/login", { method: "POST", body: new URLSearchParams({ token: "test-dashboard-token" }), redirect: "manual" });
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/** Quiet hours around this minute (IST), so WhatsApp decided now is held for two hours. */
function quietNow() {
  const hhmm = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(11, 16);
  return { start: hhmm(Date.now() - 5 * 60_000), end: hhmm(Date.now() + 2 * H), utcOffsetMinutes: 330 };
}

describe("one message per journey moment", () => {
  it("a stalled shipment sends the customer exactly one message: the delay alert; the delayed notification is recorded as covered", async () => {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 50 * H).toISOString();
    await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845012345", createdAt: placed, updatedAt: placed }));
    await postShiprocket(shiprocketTracking(`SRS${id}`, orderId, [["picked_up", Date.now() - 45 * H, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", Date.now() - 40 * H, "Nagpur_Hub"]]));

    const stub = env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId));
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => expect(await count(`SELECT count(*) AS n FROM decisions WHERE subject_id = ? AND type IN ('delay_alert', 'status_notification')`, orderId)).toBe(2));
    await runDurableObjectAlarm(stub); // a second run changes nothing

    const messages = await customerMessages(orderId);
    expect(messages.map((m) => [m.type, m.template])).toEqual([["delay_alert", "delay_alert"]]);
    const covered = await suppressedOf("status_notification", orderId);
    expect(covered).toHaveLength(1);
    expect(covered![0]!.template).toBe("order_delayed");
    expect(covered![0]!.reason).toMatch(/^covered by delay alert (queued|sent) /);

    const page = await SELF.fetch(`https://switchyard.test/orders/${orderId}`, { headers: { cookie: await dashboardCookie() } });
    const html = await page.text();
    expect(html).toContain("not sent");
    expect(html).toContain("order_delayed: covered by delay alert");

    // The check the demo week runs: the pipeline reports no moment a customer heard about twice.
    const pipeline = await (await api("/api/pipeline")).json<{ customerMessages: { sent: number; repeatedMoments: number } }>();
    expect(pipeline.customerMessages.sent).toBeGreaterThan(0);
    expect(pipeline.customerMessages.repeatedMoments).toBe(0);
  });
});

describe("nothing about a moment already past", () => {
  it("an NDR question waiting out quiet hours is not sent once RTO has begun: suppressed, with the reason on the decision", async () => {
    await putPolicy({ quietHours: quietNow() });
    try {
      const id = uniqueId();
      const orderId = String(id);
      const placed = new Date(Date.now() - 30 * H).toISOString();
      await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845012346", createdAt: placed, updatedAt: placed }));
      const awb = `SRN${id}`;
      const scans: Parameters<typeof shiprocketTracking>[2] = [
        ["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub (Maharashtra)"],
        ["failed_attempt", Date.now() - 30 * 60_000, "Pune_DC"],
      ];
      await postShiprocket(shiprocketTracking(awb, orderId, scans));
      const [ndr] = await customerMessages(orderId);
      expect(ndr).toMatchObject({ type: "ndr_followup", status: "pending" });

      // The carrier starts the return before the morning.
      await postShiprocket(shiprocketTracking(awb, orderId, [...scans, ["rto_initiated", Date.now() - 5 * 60_000, "Pune_DC"]]));
      expect((await env.DB.prepare(`SELECT state FROM journeys WHERE order_id = ?`).bind(orderId).first<{ state: string }>())?.state).toBe("rto_initiated");

      // The morning: the outbox gets to the held message.
      await executeOne(env, ndr!.id, dry, { now: () => Date.now() + 3 * H, fetch: async (url) => { throw new Error(`no request expected, got ${url}`); } });
      const after = await customerMessages(orderId);
      expect(after.map((m) => [m.type, m.status])).toEqual([["ndr_followup", "suppressed"]]);
      expect(after[0]!.lastError).toBe("at send time: failed-delivery question not sent: the journey has moved on to rto initiated");
      expect((await suppressedOf("ndr_followup", orderId))!.map((s) => s.reason)).toEqual([after[0]!.lastError]);
      // Attempt 2's question was never decided: the journey was already past it.
      expect(await count(`SELECT count(*) AS n FROM decisions WHERE type = 'ndr_followup' AND subject_id = ?`, orderId)).toBe(1);
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });

  it("an NDR reported after RTO began is no news: no question is decided or sent", async () => {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 30 * H).toISOString();
    await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone: "+919845012347", createdAt: placed, updatedAt: placed }));
    const awb = `SRR${id}`;
    await postShiprocket(shiprocketTracking(awb, orderId, [["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub (Maharashtra)"], ["rto_initiated", Date.now() - 2 * H, "Pune_DC"]]));
    await postShiprocket(shiprocketTracking(awb, orderId, [["failed_attempt", Date.now() - 30 * 60_000, "Pune_DC"]]));
    expect(await customerMessages(orderId)).toEqual([]);
  });
});

describe("email previews on the dashboard", () => {
  it("needs a session, renders each email with the policy's brand under a no-script CSP, and 404s an unknown one", async () => {
    const anon = await SELF.fetch("https://switchyard.test/previews/email/delay_alert", { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toBe("/login?next=%2Fpreviews%2Femail%2Fdelay_alert");

    await putPolicy({ brand: { name: "Vanaspati <Naturals>", colour: "#2f6b3a", postalAddress: "Indiranagar, Bengaluru 560038" } });
    try {
      const cookie = await dashboardCookie();
      const res = await SELF.fetch("https://switchyard.test/previews/email/delay_alert", { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy")).not.toContain("script-src");
      const html = await res.text();
      expect(html).toContain("Vanaspati &lt;Naturals&gt;");
      expect(html).toContain("background:#2f6b3a");
      expect(html).toContain("Indiranagar, Bengaluru 560038");

      const text = await SELF.fetch("https://switchyard.test/previews/email/delay_alert?format=text", { headers: { cookie } });
      expect(text.headers.get("content-type")).toContain("text/plain");
      expect(await text.text()).toMatch(/^Subject: Your order #1042 is running late\n\nHi Asha,/);

      const list = await (await SELF.fetch("https://switchyard.test/previews", { headers: { cookie } })).text();
      for (const t of ["review_request", "care_tips", "cross_sell", "winback", "return_update", "delay_alert"]) expect(list).toContain(`href="/previews/email/${t}"`);
      // The WhatsApp catalogue, with both languages.
      expect(list).toContain("<code>ndr_followup</code>");
      expect(list).toContain("Hi {{1}}, the courier could not deliver your order {{2}}.");
      expect(list).toContain("नमस्ते {{1}}");
      expect((await SELF.fetch("https://switchyard.test/previews/email/nope", { headers: { cookie } })).status).toBe(404);
    } finally {
      await putPolicy({ brand: { name: "Our store", colour: "#1f6f4a", postalAddress: "" } });
    }
  });
});

describe("the customer's language", () => {
  async function codTemplateLanguage(orderId: string) {
    const row = await env.DB.prepare(`SELECT json_extract(a.params, '$.language') AS language FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.type = 'cod_confirmation' AND d.subject_id = ?`)
      .bind(orderId)
      .first<{ language: string }>();
    return row?.language ?? null;
  }

  it("a Shopify customer locale hi gets the Hindi template", async () => {
    const id = uniqueId();
    const now = new Date(Date.now() - 60_000).toISOString();
    await postOrder({ ...indianOrder({ id, customerId: uniqueId(), totalPrice: "2499.00", phone: "+919845012350", createdAt: now, updatedAt: now }), customer_locale: "hi-IN" });
    expect(await codTemplateLanguage(String(id))).toBe("hi");
  });

  it("a customer who wrote to us in Hinglish gets Hindi, though the store is in English", async () => {
    const { default: inbound } = await import("../fixtures/vendor/whatsapp/inbound-text.json");
    const msg = structuredClone(inbound) as typeof inbound;
    const value = msg.entry[0]!.changes[0]!.value;
    value.contacts[0]!.wa_id = value.messages[0]!.from = "919845012351";
    value.messages[0]!.id = `wamid.hinglish${uniqueId()}`;
    value.messages[0]!.timestamp = String(Math.floor(Date.now() / 1000) - 3600);
    value.messages[0]!.text.body = "bhai mera pichla order kab aayega?";
    await postWhatsapp(msg);

    const id = uniqueId();
    const now = new Date(Date.now() - 60_000).toISOString();
    await postOrder({ ...indianOrder({ id, customerId: uniqueId(), totalPrice: "2499.00", phone: "+919845012351", createdAt: now, updatedAt: now }), customer_locale: "en" });
    expect(await codTemplateLanguage(String(id))).toBe("hi");
    const d = await env.DB.prepare(`SELECT json_extract(inputs, '$.language.reason') AS reason FROM decisions WHERE type = 'cod_confirmation' AND subject_id = ?`).bind(String(id)).first<{ reason: string }>();
    expect(d?.reason).toBe("the customer wrote in Hinglish");
  });
});

describe("a customer WhatsApp cannot reach still hears about a delay", () => {
  const live = configFromEnv({ ...env, WHATSAPP_ACCESS_TOKEN: "wa-secret", WHATSAPP_PHONE_NUMBER_ID: "1098765", MSG91_AUTH_KEY: "msg91-secret" } as Env);
  const SMS_IDS = { templateId: "65f0c1d2e3a4b5c6d7e8f901", dltTemplateId: "1707172345678901234", senderId: "VNSPTI" };

  /** Meta's answer to a send to a number that is not on WhatsApp (WhatsApp error codes, 131026). */
  const undeliverable = () =>
    new Response(JSON.stringify({ error: { message: "(#131026) Message Undeliverable.", type: "OAuthException", code: 131026, error_data: { messaging_product: "whatsapp", details: "Message Undeliverable." }, fbtrace_id: "AZ1x2y3z" } }), {
      status: 400,
      headers: { "content-type": "application/json" },
    });
  const msg91Ok = () => new Response(JSON.stringify({ message: "3563706b6c31323835343532", type: "success" }), { status: 200, headers: { "content-type": "application/json" } });

  /** The vendor edge: answers only what the test expects, records everything. */
  function edge(routes: Record<string, () => Response>) {
    const calls: { key: string; headers: Headers; body: any }[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      const key = `${init.method} ${url}`;
      calls.push({ key, headers: new Headers(init.headers), body: init.body ? JSON.parse(String(init.body)) : null });
      const route = routes[key];
      if (!route) throw new Error(`unexpected request ${key}`);
      return route();
    };
    return { fetch, calls };
  }

  /** A stalled order whose delay alert is held by quiet hours, so the test decides when it is sent. */
  async function heldDelayAlert(phone: string) {
    const id = uniqueId();
    const orderId = String(id);
    const placed = new Date(Date.now() - 50 * H).toISOString();
    await postOrder(indianOrder({ id, customerId: uniqueId(), cod: false, phone, email: `c${id}@example.in`, createdAt: placed, updatedAt: placed }));
    await postShiprocket(shiprocketTracking(`SRF${id}`, orderId, [["picked_up", Date.now() - 45 * H, "Bhiwandi_Hub (Maharashtra)"], ["in_transit", Date.now() - 40 * H, "Nagpur_Hub"]]));
    await runDurableObjectAlarm(env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId)));
    await vi.waitFor(async () => expect(await customerMessages(orderId)).toHaveLength(1));
    const [wa] = await customerMessages(orderId);
    expect(wa).toMatchObject({ kind: "whatsapp.template", template: "delay_alert", status: "pending" });
    return { orderId, waId: wa!.id };
  }

  it("131026 on the send: the WhatsApp action fails with Meta's code and message, an SMS goes through MSG91, one action each, both on the order page", async () => {
    await putPolicy({ quietHours: quietNow(), fallback: { sms: { delay_alert: SMS_IDS } } });
    try {
      const { orderId, waId } = await heldDelayAlert("+919845012360");
      const net = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": undeliverable, "POST https://control.msg91.com/api/v5/flow/": msg91Ok });
      const later = Date.now() + 3 * H;
      await executeOne(env, waId, live, { now: () => later, fetch: net.fetch });

      const afterWa = await customerMessages(orderId);
      expect(afterWa.map((m) => [m.kind, m.status])).toEqual([["whatsapp.template", "failed"], ["sms.send", "pending"]]);
      expect(afterWa[0]!.lastError).toBe("HTTP 400: (#131026) Message Undeliverable. → WhatsApp could not reach the customer: sent by SMS instead");

      await executeOne(env, afterWa[1]!.id, live, { now: () => later + 1000, fetch: net.fetch });
      expect(net.calls.map((c) => c.key)).toEqual(["POST https://graph.facebook.com/v21.0/1098765/messages", "POST https://control.msg91.com/api/v5/flow/"]);
      const sms = net.calls[1]!;
      expect(sms.headers.get("authkey")).toBe("msg91-secret");
      expect(sms.body).toEqual({
        template_id: SMS_IDS.templateId,
        sender: "VNSPTI",
        short_url: "0",
        recipients: [{ mobiles: "919845012360", name: expect.any(String), order: expect.stringMatching(/^#\d+$/), eta: expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2}$/), link: expect.stringMatching(/^https:\/\/switchyard\.test\/t\?k=[\w-]+\.[\w-]+$/) }],
      });

      const rows = await env.DB.prepare(`SELECT kind, status, external_id AS externalId, request FROM actions a JOIN decisions d ON d.id = a.decision_id WHERE d.subject_id = ? AND d.type = 'delay_alert' AND a.kind IN ('whatsapp.template', 'sms.send') ORDER BY a.created_at`)
        .bind(orderId)
        .all<{ kind: string; status: string; externalId: string | null; request: string }>();
      expect(rows.results.map((r) => [r.kind, r.status, r.externalId])).toEqual([["whatsapp.template", "failed", null], ["sms.send", "sent", "3563706b6c31323835343532"]]);
      expect(JSON.parse(rows.results[1]!.request).headers.authkey).toBe("[redacted]");

      const html = await (await SELF.fetch(`https://switchyard.test/orders/${orderId}`, { headers: { cookie: await dashboardCookie() } })).text();
      expect(html).toContain("whatsapp/whatsapp.template");
      expect(html).toContain("sms/sms.send");
      expect(html).toContain("HTTP 400: (#131026) Message Undeliverable.");
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });

  it("a paused template (132015) falls back too, and the code is kept when Meta's message leaves it out", async () => {
    await putPolicy({ quietHours: quietNow(), fallback: { sms: { delay_alert: SMS_IDS } } });
    try {
      const { orderId, waId } = await heldDelayAlert("+919845012362");
      const paused = () => new Response(JSON.stringify({ error: { message: "Template is Paused", type: "OAuthException", code: 132015, fbtrace_id: "AZ9" } }), { status: 400, headers: { "content-type": "application/json" } });
      const net = edge({ "POST https://graph.facebook.com/v21.0/1098765/messages": paused });
      await executeOne(env, waId, live, { now: () => Date.now() + 3 * H, fetch: net.fetch });
      const after = await customerMessages(orderId);
      expect(after.map((m) => [m.kind, m.status])).toEqual([["whatsapp.template", "failed"], ["sms.send", "pending"]]);
      expect(after[0]!.lastError).toBe("HTTP 400: Template is Paused (WhatsApp error 132015) → WhatsApp could not reach the customer: sent by SMS instead");
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });

  it("a `failed` status after sending falls back to SMS, and an SMS MSG91 refuses falls back to email", async () => {
    await putPolicy({ quietHours: quietNow(), fallback: { sms: { delay_alert: SMS_IDS } } });
    try {
      const { orderId, waId } = await heldDelayAlert("+919845012361");
      const wamid = `wamid.HBgM${uniqueId()}`;
      const net = edge({
        "POST https://graph.facebook.com/v21.0/1098765/messages": () => new Response(JSON.stringify({ messaging_product: "whatsapp", contacts: [{ input: "+919845012361", wa_id: "919845012361" }], messages: [{ id: wamid }] }), { status: 200 }),
        // MSG91 refuses with its own words (a template whose DLT mapping is missing).
        "POST https://control.msg91.com/api/v5/flow/": () => new Response(JSON.stringify({ message: "Template ID Missing or Invalid Template", type: "error" }), { status: 200 }),
      });
      const later = Date.now() + 3 * H;
      await executeOne(env, waId, live, { now: () => later, fetch: net.fetch });
      expect((await customerMessages(orderId)).map((m) => m.status)).toEqual(["sent"]);

      const { default: failed } = await import("../fixtures/vendor/whatsapp/status-failed.json");
      const status = structuredClone(failed) as any;
      const st = status.entry[0].changes[0].value.statuses[0];
      Object.assign(st, { id: wamid, recipient_id: "919845012361", timestamp: String(Math.floor(Date.now() / 1000)) });
      st.errors = [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable", error_data: { details: "Unable to deliver message." } }];
      await postWhatsapp(status);

      const afterStatus = await customerMessages(orderId);
      expect(afterStatus.map((m) => [m.kind, m.status])).toEqual([["whatsapp.template", "failed"], ["sms.send", "pending"]]);
      expect(afterStatus[0]!.lastError).toBe("131026: Message undeliverable: Unable to deliver message. → WhatsApp could not reach the customer: sent by SMS instead");

      await executeOne(env, afterStatus[1]!.id, live, { now: () => later + 1000, fetch: net.fetch });
      const afterSms = await customerMessages(orderId);
      expect(afterSms.map((m) => [m.kind, m.status])).toEqual([["whatsapp.template", "failed"], ["sms.send", "failed"], ["email.send", "pending"]]);
      expect(afterSms[1]!.lastError).toBe("MSG91: Template ID Missing or Invalid Template → SMS failed: sent by email instead");
      const email = await env.DB.prepare(`SELECT params FROM actions WHERE id = ?`).bind(afterSms[2]!.id).first<{ params: string }>();
      const p = JSON.parse(email!.params);
      expect(p.to).toMatch(/^c\d+@example\.in$/);
      expect(p.template).toBe("delay_alert");
      expect(p.subject).toMatch(/^Your order #\d+ is running late$/);
      expect(p.html).toContain("Track your parcel");
    } finally {
      await putPolicy({ quietHours: { start: "21:00", end: "08:00", utcOffsetMinutes: 330 } });
    }
  });
});

describe("the pipeline's contact check", () => {
  it("counts a moment two live messages cover (and not one whose first attempt failed)", async () => {
    const key = `customer:health-${uniqueId()}`;
    const ids = [`act_h1_${uniqueId()}`, `act_h2_${uniqueId()}`, `act_h3_${uniqueId()}`];
    const now = Date.now();
    const before = (await (await api("/api/pipeline")).json<{ customerMessages: { repeatedMoments: number } }>()).customerMessages.repeatedMoments;
    try {
      for (const [i, id] of ids.entries()) {
        await env.DB.prepare(
          `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, params, subject_type, subject_id, created_at, updated_at)
           VALUES (?, NULL, 'whatsapp', 'whatsapp.template', ?, ?, 0, '{}', 'order', 'o-health', ?, ?)`,
        ).bind(id, `health:${id}`, i === 2 ? "failed" : "pending", now, now).run();
        await env.DB.prepare(
          `INSERT INTO customer_contacts (action_id, customer_key, order_id, decision_id, decision_key, moment_key, moment, label, priority, urgent, channel, at, created_at)
           VALUES (?, ?, 'o-health', NULL, ?, 'order:o-health:delayed:1', '{}', 'delay alert', 2, 1, 'whatsapp', ?, ?)`,
        ).bind(id, key, `k${i}`, now, now).run();
      }
      const after = (await (await api("/api/pipeline")).json<{ customerMessages: { repeatedMoments: number } }>()).customerMessages.repeatedMoments;
      expect(after - before).toBe(1);
    } finally {
      for (const id of ids) {
        await env.DB.prepare(`DELETE FROM customer_contacts WHERE action_id = ?`).bind(id).run();
        await env.DB.prepare(`DELETE FROM actions WHERE id = ?`).bind(id).run();
      }
    }
  });
});
