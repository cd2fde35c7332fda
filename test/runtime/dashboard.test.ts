import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { protectedRoutes } from "../../src/routes/dashboard";

const BASE = "https://switchyard.test";
let ip = 0;

/** Each login comes from its own address so the login rate limit never decides a test. */
async function login(token = "test-dashboard-token", next = "/"): Promise<Response> {
  return SELF.fetch(`${BASE}/login`, {
    method: "POST",
    body: new URLSearchParams({ token, next }),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": `198.51.100.${++ip}` },
    redirect: "manual",
  });
}

async function sessionCookie(): Promise<string> {
  const res = await login();
  const cookie = res.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0]!;
}

function get(path: string, cookie: string): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { headers: { cookie }, redirect: "manual" });
}

function csrfFrom(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

async function seedOrder(id: string, fields: { note?: string; phone?: string; email?: string; customerId?: string; stalled?: boolean } = {}) {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO orders (id, name, customer_id, email, phone, currency, total_price, subtotal_price, payment_method, line_items, tags, note, created_at, updated_at, source, source_id)
       VALUES (?, ?, ?, ?, ?, 'INR', 249900, 249900, 'cod', ?, '[]', ?, ?, ?, 'shopify', ?)`,
    ).bind(id, `#${id}`, fields.customerId ?? null, fields.email ?? null, fields.phone ?? null, JSON.stringify([{ sku: "SKU-1", title: "Kurta", quantity: 1, unitPrice: 249900 }]), fields.note ?? null, now, now, id),
    env.DB.prepare(
      `INSERT INTO journeys (order_id, state, state_at, last_scan_at, last_scan_location, awb, carrier, stalled, failed_attempts, cod_pending, updated_at)
       VALUES (?, 'in_transit', ?, ?, 'Nagpur Hub', ?, 'delhivery', ?, 0, 0, ?)`,
    ).bind(id, now - 50 * 3_600_000, now - 50 * 3_600_000, `AWB${id}`, fields.stalled === false ? 0 : 1, now),
  ]);
}

describe("dashboard auth", () => {
  it("answers every route the protected pages register with a redirect to /login (GET) or 401 (other methods) without a session", async () => {
    expect(protectedRoutes.length).toBeGreaterThan(5);
    for (const r of protectedRoutes) {
      const method = r.method === "ALL" ? "GET" : r.method;
      const path = r.path.replace(/:[A-Za-z]+/g, "x").replace(/\*/g, "x");
      const res = await SELF.fetch(`${BASE}${path}`, { method, redirect: "manual", headers: method === "GET" ? {} : { "content-type": "application/x-www-form-urlencoded" }, body: method === "GET" ? undefined : "" });
      if (method === "GET" || method === "HEAD") {
        expect([res.status, res.headers.get("location")?.startsWith("/login")], `${method} ${r.path}`).toEqual([302, true]);
      } else {
        expect(res.status, `${method} ${r.path}`).toBe(401);
      }
    }
  });

  it.each(["/", "/orders/x", "/skus/x", "/policies"])("redirects an unauthenticated GET %s to the login page with next", async (path) => {
    const res = await SELF.fetch(`${BASE}${path}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
  });

  it("sets an HttpOnly, Secure, SameSite=Strict session cookie on the right token", async () => {
    const res = await login("test-dashboard-token", "/policies");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/policies");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^sy_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const page = await get("/", cookie.split(";")[0]!);
    expect(page.status).toBe(200);
  });

  it("answers a wrong token with 401, the form and an inline error, and no cookie", async () => {
    const res = await login("nope");
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    expect(html).toContain('name="token"');
    expect(html).toContain('role="alert"');
  });

  it("refuses a forged or tampered cookie", async () => {
    const cookie = await sessionCookie();
    const [exp, nonce, sig] = cookie.slice("sy_session=".length).split(".");
    const later = `sy_session=${Number(exp) + 86_400_000}.${nonce}.${sig}`;
    expect((await get("/", later)).status).toBe(302);
    expect((await get("/", "sy_session=9999999999999.AAAAAAAAAAAAAAAA.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).status).toBe(302);
  });

  it("only follows same-site relative next paths", async () => {
    for (const next of ["//evil.example", "https://evil.example/", "/\\evil.example"]) {
      const res = await login("test-dashboard-token", next);
      expect(res.headers.get("location")).toBe("/");
    }
    const form = await (await SELF.fetch(`${BASE}/login?next=${encodeURIComponent("//evil.example")}`)).text();
    expect(form).toContain('name="next" value="/"');
  });

  it("refuses a POST without the session's CSRF token", async () => {
    const cookie = await sessionCookie();
    const res = await SELF.fetch(`${BASE}/policies`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ "delay_alert.stallHours": "30" }),
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    const other = csrfFrom(await (await get("/policies", await sessionCookie())).text());
    const withOthers = await SELF.fetch(`${BASE}/policies`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: other, "delay_alert.stallHours": "30" }),
      redirect: "manual",
    });
    expect(withOthers.status).toBe(403);
  });

  it("logs out by clearing the cookie", async () => {
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await (await get("/", cookie)).text());
    const res = await SELF.fetch(`${BASE}/logout`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf }), redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/sy_session=;.*Max-Age=0/i);
  });

  it("leaves the JSON API on its bearer token and /health open", async () => {
    expect((await SELF.fetch(`${BASE}/health`)).status).toBe(200);
    const api = await SELF.fetch(`${BASE}/api/kpis`, { redirect: "manual" });
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toContain("application/json");
    expect((await SELF.fetch(`${BASE}/api/kpis`, { headers: { authorization: "Bearer test-api-token" } })).status).toBe(200);
  });
});

describe("dashboard pages", () => {
  it("sends a strict CSP and the other security headers", async () => {
    const cookie = await sessionCookie();
    for (const res of [await get("/", cookie), await SELF.fetch(`${BASE}/login`)]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
    }
    const js = await SELF.fetch(`${BASE}/assets/app.js`);
    expect(js.headers.get("content-type")).toContain("javascript");
  });

  it("escapes a hostile order note on the order view", async () => {
    await seedOrder("dash-xss-1", { note: "<script>alert(1)</script>" });
    const html = await (await get("/orders/dash-xss-1", await sessionCookie())).text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    // The only script tag is the self-hosted one.
    expect(html.match(/<script/g)?.length).toBe(1);
  });

  it("escapes a hostile SKU title on the overview and the SKU view", async () => {
    const now = Date.now();
    const title = `"><img src=x onerror=alert(1)>`;
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO products (sku, title, updated_at, source, source_id) VALUES ('DASH-XSS', ?, ?, 'shopify', 'p1')`).bind(title, now),
      env.DB.prepare(
        `INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, days_of_cover_milli, updated_at) VALUES ('DASH-XSS', 3, 0, 0, '{}', 1, 1500, ?)`,
      ).bind(now),
    ]);
    const cookie = await sessionCookie();
    for (const path of ["/", "/skus/DASH-XSS"]) {
      const html = await (await get(path, cookie)).text();
      expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
      expect(html).not.toContain("<img src=x");
    }
  });

  it("masks phone and email on the overview and shows them in full on the order view", async () => {
    await env.DB.prepare(
      `INSERT INTO customers (id, email, phone, first_name, last_name, total_spent, updated_at, source, source_id) VALUES ('dash-cust-1', 'rahul.k@gmail.com', '+919812345210', 'Rahul', 'Kumar', 2500000, ?, 'shopify', 'c1')`,
    )
      .bind(Date.now())
      .run();
    await seedOrder("dash-mask-1", { phone: "+919812345210", email: "rahul.k@gmail.com", customerId: "dash-cust-1" });
    const cookie = await sessionCookie();
    const overview = await (await get("/", cookie)).text();
    expect(overview).toContain("+91 98•••••210");
    expect(overview).not.toContain("+919812345210");
    expect(overview).not.toContain("rahul.k@gmail.com");
    expect(overview).toContain('href="/orders/dash-mask-1"');
    const order = await (await get("/orders/dash-mask-1", cookie)).text();
    expect(order).toContain("+919812345210");
    expect(order).toContain("rahul.k@gmail.com");
    expect(order).toContain("₹25,000");
  });

  it("answers an unknown order with a 404 page", async () => {
    const res = await get("/orders/no-such-order", await sessionCookie());
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
  });

  it("retries a dead action: back to pending, and an unchanged row for anything else", async () => {
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO actions (id, connector, kind, idempotency_key, status, attempts, last_error, params, subject_type, subject_id, created_at, updated_at)
       VALUES ('dash-act-1', 'whatsapp', 'send_template', 'dash-act-1', 'dead', 8, 'HTTP 500', '{}', 'order', 'x', ?, ?)`,
    )
      .bind(now, now)
      .run();
    const cookie = await sessionCookie();
    const csrf = csrfFrom(await (await get("/", cookie)).text());
    const res = await SELF.fetch(`${BASE}/actions/dash-act-1/retry`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf }), redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/?done=retried");
    const row = await env.DB.prepare(`SELECT status, last_error AS lastError FROM actions WHERE id = 'dash-act-1'`).first<{ status: string; lastError: string | null }>();
    // The real local actions queue may already have picked it up; what matters is that it left "dead".
    expect(row?.status).not.toBe("dead");
  });
});

describe("dead letters", () => {
  it("replays a dead letter through the same handler as the API", async () => {
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES ('dash-raw-1', 'shiprocket', 'dash-d1', 'tracking', ?, '{}', 'dead')`).bind(now),
      env.DB.prepare(`INSERT INTO dead_letters (id, raw_event_id, source, topic, reason, received_at) VALUES ('dash-dl-1', 'dash-raw-1', 'shiprocket', 'tracking', 'bad payload', ?)`).bind(now),
    ]);
    const cookie = await sessionCookie();
    const html = await (await get("/", cookie)).text();
    expect(html).toContain('action="/dead-letters/dash-dl-1/replay"');
    const res = await SELF.fetch(`${BASE}/dead-letters/dash-dl-1/replay`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrfFrom(html) }),
      redirect: "manual",
    });
    expect(res.headers.get("location")).toBe("/?done=replayed");
    const row = await env.DB.prepare(`SELECT replayed_at AS replayedAt FROM dead_letters WHERE id = 'dash-dl-1'`).first<{ replayedAt: number | null }>();
    expect(row?.replayedAt).not.toBeNull();
  });
});

describe("policies page", () => {
  it("shows a validation error inline, answers 400 and keeps the previous policy", async () => {
    const cookie = await sessionCookie();
    const before = await env.DB.prepare(`SELECT count(*) AS n FROM policies`).first<{ n: number }>();
    const form = await (await get("/policies", cookie)).text();
    expect(form).toContain('name="delay_alert.stallHours"');
    const res = await SELF.fetch(`${BASE}/policies`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrfFrom(form), "delay_alert.stallHours": "-5", "delay_alert.mode": "shadow" }),
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="f-delay_alert-stallHours-error"'.replace("delay_alert", "delay-alert"));
    expect(html).toMatch(/class="field-error"[^>]*>[^<]+/);
    expect(html).toContain('value="-5"');
    const after = await env.DB.prepare(`SELECT count(*) AS n FROM policies`).first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("saves a valid edit as a new version", async () => {
    const cookie = await sessionCookie();
    const form = await (await get("/policies", cookie)).text();
    const before = await env.DB.prepare(`SELECT coalesce(max(version), 0) AS v FROM policies`).first<{ v: number }>();
    const res = await SELF.fetch(`${BASE}/policies`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrfFrom(form), "delay_alert.stallHours": "30", "reorder_prompt.mode": "shadow" }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const row = await env.DB.prepare(`SELECT version, body FROM policies ORDER BY version DESC LIMIT 1`).first<{ version: number; body: string }>();
    expect(row?.version).toBe((before?.v ?? 0) + 1);
    const saved = JSON.parse(row!.body);
    expect(saved.delay_alert.stallHours).toBe(30);
    expect(saved.reorder_prompt.mode).toBe("shadow");
    expect(await (await get("/policies", cookie)).text()).toContain('value="30"');
  });
});
