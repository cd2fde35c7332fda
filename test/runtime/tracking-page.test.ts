/** GET /t/:token in the real runtime: the right order for a good token, one 404 for every bad one, nothing personal on the page. */
import { createExecutionContext, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/routes";
import { signTrackingToken } from "../../src/lib/tracking-token";
import { api, postOrder } from "../helpers/runtime";
import { indianOrder, uniqueId } from "../helpers/shopify";
import { postShiprocket, shiprocketTracking } from "../helpers/vendors";

const H = 3_600_000;
const SECRET = "test-tracking-secret";
const EMAIL = "riya.tracking@example.in";
const PHONE = "+919812301234";
const BRAND = { name: "Vanaspati Naturals", supportEmail: "care@vanaspati.example", supportPhone: "+91 80 4000 1234" };

/** An order in transit with Shiprocket: picked up in Bhiwandi, last scanned at a place that is the customer's street. */
async function orderInTransit(opts: { locale?: string } = {}) {
  const id = uniqueId();
  const orderId = String(id);
  const placed = Date.now() - 30 * H;
  const payload = indianOrder({ id, customerId: uniqueId(), cod: false, email: EMAIL, phone: PHONE, createdAt: new Date(placed).toISOString(), updatedAt: new Date(placed).toISOString() });
  if (opts.locale) payload.customer_locale = opts.locale;
  await postOrder(payload);
  const awb = `SRT${id}`;
  await postShiprocket(
    shiprocketTracking(awb, orderId, [
      ["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub (Maharashtra)"],
      ["in_transit", Date.now() - 2 * H, "14, 2nd Cross, Indiranagar"],
    ]),
  );
  return { orderId, awb, name: String(payload.name) };
}

const page = (token: string, init: RequestInit = {}) => SELF.fetch(`https://switchyard.test/t/${token}`, init);

beforeAll(async () => {
  const res = await api("/api/policies", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ brand: BRAND }) });
  expect(res.status).toBe(200);
});

describe("the tracking page", () => {
  it("shows the right order for a good token: timeline with IST times, courier and AWB, ETA, items, the brand's support, the city", async () => {
    const order = await orderInTransit();
    const res = await page(await signTrackingToken(SECRET, order.orderId));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toContain(`Order ${order.name}`);
    expect(body).toMatch(new RegExp(`<dd id="awb">${order.awb}</dd>`));
    expect(body).toContain("<dd>Delhivery</dd>");
    // The journey: placed → shipped → in transit (current), then what is still to come.
    const states = [...body.matchAll(/<li class="(done|current|next)" data-state="([a-z_]+)">/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(states).toEqual(["placed:done", "confirmed:done", "shipped:done", "in_transit:current", "out_for_delivery:next", "delivered:next"]);
    expect(body).toMatch(/<time>\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} IST<\/time>/);
    expect(body).toMatch(/Expected delivery <b>\d{1,2} [A-Z][a-z]{2}<\/b>/);
    expect(body).toContain("Kumkumadi Face Oil");
    expect(body).toContain("Neem Tulsi Soap");
    expect(body).toContain("Delivering to Bengaluru");
    expect(body).toContain(`mailto:${BRAND.supportEmail}`);
    expect(body).toContain('href="tel:+918040001234"');
  });

  it("carries nothing personal: no email, phone or street, only the city; one request, under 30 KB", async () => {
    const order = await orderInTransit();
    const res = await page(await signTrackingToken(SECRET, order.orderId));
    const body = await res.text();
    expect(body).toContain("Bengaluru");
    for (const pii of [EMAIL, PHONE, PHONE.slice(1), PHONE.slice(3), "98123 01234", "2nd Cross", "Indiranagar", "560038", "Riya", "Sharma"]) {
      expect(body, pii).not.toContain(pii);
    }
    const bytes = new TextEncoder().encode(body).byteLength;
    expect(bytes).toBeLessThan(30 * 1024);
    console.log(`tracking page: ${bytes} bytes`);
    // Self-contained: no stylesheet, script, image or font fetched from anywhere.
    expect(body).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(body).not.toMatch(/url\(/);
  });

  it("is personal, not public: private short cache, noindex, no referrer, a CSP that allows only its own inline style", async () => {
    const order = await orderInTransit();
    const res = await page(await signTrackingToken(SECRET, order.orderId));
    expect(res.headers.get("cache-control")).toBe("private, max-age=60");
    expect(res.headers.get("x-robots-tag")).toContain("noindex");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("unsafe-inline");
    // The hash is the page's own stylesheet's.
    const css = /<style>([\s\S]*?)<\/style>/.exec(await res.text())![1]!;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
  });

  it("answers the same 404 to a tampered token, a token for an unknown order, a malformed one and a token signed with another secret", async () => {
    const order = await orderInTransit();
    const good = await signTrackingToken(SECRET, order.orderId);
    const last = good.at(-1) === "A" ? "B" : "A";
    const bad = [
      `${good.slice(0, -1)}${last}`,
      await signTrackingToken(SECRET, "999999999999"),
      "not-a-token",
      `${good}.x`,
      await signTrackingToken("another-secret", order.orderId),
    ];
    const answers = await Promise.all(bad.map(async (t) => { const r = await page(t); return { status: r.status, body: await r.text(), cache: r.headers.get("cache-control"), robots: r.headers.get("x-robots-tag") }; }));
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.cache).toBe("no-store");
      expect(a.robots).toContain("noindex");
      expect(a.body).toBe(answers[0]!.body);
      expect(a.body).not.toContain(order.name);
    }
    expect((await page(good)).status).toBe(200);
  });

  it("is in Hindi for a customer whose language is Hindi, and either language on request", async () => {
    const order = await orderInTransit({ locale: "hi-IN" });
    const token = await signTrackingToken(SECRET, order.orderId);
    const hi = await (await page(token)).text();
    expect(hi).toContain('<html lang="hi-IN">');
    expect(hi).toContain("अपना ऑर्डर ट्रैक करें");
    expect(hi).toContain("रास्ते में");
    expect(hi).toContain("कूरियर");
    expect(hi).toContain("डिलीवरी का शहर Bengaluru");
    const en = await (await page(`${token}?lang=en`)).text();
    expect(en).toContain('<html lang="en-IN">');
    expect(en).toContain("In transit");
    // An English-locale customer gets English by default.
    const plain = await orderInTransit({ locale: "en-IN" });
    expect(await (await page(await signTrackingToken(SECRET, plain.orderId))).text()).toContain("Track your order");
  });

  it("limits each client over all tokens together, so guessing tokens hits 429 quickly", async () => {
    const limited = { ...env, TRACKING_RATE_LIMIT_PER_MINUTE: "3" } as unknown as Env;
    const ip = `203.0.113.${(uniqueId() % 200) + 20}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const req = new Request(`https://switchyard.test/t/${await signTrackingToken("guess", String(i))}`, { headers: { "cf-connecting-ip": ip } });
      statuses.push((await app.fetch(req, limited, createExecutionContext())).status);
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const other = new Request(`https://switchyard.test/t/nothing`, { headers: { "cf-connecting-ip": "198.51.100.77" } });
    expect((await app.fetch(other, limited, createExecutionContext())).status).toBe(404);
  });

  it("answers the SMS form /t?k=<token> with the same page, its language link keeping the token", async () => {
    const order = await orderInTransit();
    const token = await signTrackingToken(SECRET, order.orderId);
    const res = await SELF.fetch(`https://switchyard.test/t?k=${token}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`<dd id="awb">${order.awb}</dd>`);
    expect(body).toContain(`href="?k=${token}&amp;lang=hi"`);
    expect((await SELF.fetch(`https://switchyard.test/t?k=${token}&lang=hi`).then((r) => r.text()))).toContain('<html lang="hi-IN">');
    const tampered = `${token.slice(0, -1)}${token.at(-1) === "Q" ? "R" : "Q"}`;
    const notFound = await (await page(tampered)).text();
    for (const bad of ["https://switchyard.test/t?k=", "https://switchyard.test/t", `https://switchyard.test/t?k=${tampered}`]) {
      const r = await SELF.fetch(bad);
      expect(r.status).toBe(404);
      expect(await r.text()).toBe(notFound);
    }
  });

  it("is not behind the dashboard session", async () => {
    const order = await orderInTransit();
    const res = await page(await signTrackingToken(SECRET, order.orderId), { redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
