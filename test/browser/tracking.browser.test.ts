/**
 * The customer's tracking page in a real browser at a phone's size: Debian's Chromium driven by
 * playwright-core against the worker under Miniflare. An order and its Shiprocket scans arrive as signed
 * webhooks; the page opened from its signed link shows the timeline and the AWB, fits a 390 px screen
 * without sideways scrolling, fetches nothing but itself, and is saved as a screenshot in test-artifacts/.
 * Without Chromium the suite is skipped locally and fails under CI=1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT, startWorker } from "../../scripts/lib/worker.mjs";
import { signTrackingToken } from "../../src/lib/tracking-token";
import srWebhook from "../fixtures/vendor/shiprocket/tracking-webhook.json";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const hasChromium = existsSync(CHROMIUM);
const SECRETS = {
  SHOPIFY_WEBHOOK_SECRET: "test-shopify-secret",
  SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com",
  SHIPROCKET_WEBHOOK_TOKEN: "browser-shiprocket-token",
  TRACKING_SECRET: "browser-tracking-secret",
};
const H = 3_600_000;

if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does this on a clean machine)`);
}

/** Shiprocket writes its times in IST without a zone. */
const istStamp = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 19).replace("T", " ");
const SR: Record<string, [string, string]> = { picked_up: ["42", "PICKED UP"], in_transit: ["18", "IN TRANSIT"], out_for_delivery: ["17", "OUT FOR DELIVERY"] };

/** A Shiprocket tracking webhook (the documented shape, test/fixtures/vendor/shiprocket) for one AWB and its scans. */
function shiprocket(awb: string, orderRef: string, scans: [string, number, string][]) {
  const last = scans[scans.length - 1]!;
  return {
    ...structuredClone(srWebhook),
    awb,
    order_id: orderRef,
    courier_name: "Delhivery Surface",
    current_status: SR[last[0]]![1],
    shipment_status: SR[last[0]]![1],
    shipment_status_id: Number(SR[last[0]]![0]),
    current_timestamp: istStamp(last[1]),
    etd: istStamp(last[1] + 2 * 86_400_000),
    is_return: 0,
    scans: scans.map(([status, at, location]) => ({ date: istStamp(at), status: "X", activity: SR[status]![1], location, "sr-status": SR[status]![0], "sr-status-label": SR[status]![1] })),
  };
}

describe.skipIf(!hasChromium)("tracking page in Chromium, phone-sized", () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let context: BrowserContext;
  let profile: string;
  let base: string;
  const orderId = String(uniqueId());
  const awb = `SRB${orderId}`;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    worker = await startWorker({ bindings: { ...SECRETS, PUBLIC_URL: "" } });
    base = `http://localhost:${worker.url.port}`;
    const brand = { name: "Vanaspati Naturals", supportEmail: "care@vanaspati.example", supportPhone: "+91 80 4000 1234" };
    const saved = await fetch(`${base}/api/policies`, { method: "PUT", headers: { authorization: "Bearer local-api-token", "content-type": "application/json" }, body: JSON.stringify({ brand }) });
    expect(saved.status).toBe(200);
    const placed = new Date(Date.now() - 30 * H).toISOString();
    const order = indianOrder({ id: Number(orderId), cod: false, createdAt: placed, updatedAt: placed });
    // Long product names must wrap, not push the page sideways.
    (order.line_items as { title: string; name: string }[])[0]!.title = "Kumkumadi Brightening Ayurvedic Face Oil with Saffron and Sandalwood — 30 ml Glass Dropper Bottle";
    const req = await shopifyRequest({ topic: "orders/create", payload: order });
    const res = await fetch(`${base}/webhooks/shopify`, { method: "POST", headers: req.headers, body: await req.text() });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => expect((await worker.db.prepare(`SELECT count(*) AS n FROM orders WHERE id = ?`).bind(orderId).first<{ n: number }>())?.n).toBe(1), { timeout: 15_000, interval: 200 });
    const scans = shiprocket(awb, orderId, [
      ["picked_up", Date.now() - 20 * H, "Bhiwandi_Hub (Maharashtra)"],
      ["in_transit", Date.now() - 8 * H, "Nagpur_Hub (Maharashtra)"],
      ["out_for_delivery", Date.now() - H, "Indiranagar_DC (Karnataka)"],
    ]);
    const sr = await fetch(`${base}/webhooks/shiprocket`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": SECRETS.SHIPROCKET_WEBHOOK_TOKEN }, body: JSON.stringify(scans) });
    expect(sr.status).toBe(200);
    await vi.waitFor(
      async () => expect((await worker.db.prepare(`SELECT state FROM journeys WHERE order_id = ?`).bind(orderId).first<{ state: string }>())?.state).toBe("out_for_delivery"),
      { timeout: 15_000, interval: 200 },
    );
    profile = mkdtempSync(path.join(tmpdir(), "switchyard-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await worker?.dispose();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("shows the timeline and the AWB, fits the screen without sideways scrolling, loads nothing else; screenshot saved", async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    const cspErrors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const url = `${base}/t/${await signTrackingToken(SECRETS.TRACKING_SECRET, orderId)}`;
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);

    await expect.poll(() => page.locator("#timeline").isVisible()).toBe(true);
    expect(await page.locator("#timeline li").count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator("#timeline li.current b").textContent()).toBe("Out for delivery");
    expect(await page.locator("#timeline li.next b").allTextContents()).toEqual(["Delivered"]);
    expect(await page.locator("#awb").isVisible()).toBe(true);
    expect(await page.locator("#awb").textContent()).toBe(awb);
    expect(await page.locator("#status .now").textContent()).toBe("Out for delivery");
    expect(await page.locator("#items").textContent()).toContain("Saffron and Sandalwood");
    expect(await page.locator("#support a[href^='tel:']").isVisible()).toBe(true);
    expect(await page.locator("header").textContent()).toBe("Vanaspati Naturals");

    // (Expressions as strings: this file is typed for Node, the page is a browser.)
    const fit = (await page.evaluate("({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth })")) as { scroll: number; inner: number };
    expect(fit.inner).toBe(390);
    expect(fit.scroll).toBeLessThanOrEqual(fit.inner);
    // Every element stays inside the viewport's width.
    const wide = await page.evaluate("[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => e.tagName)");
    expect(wide).toEqual([]);

    // One request: the page itself (its CSS is inline and allowed by the CSP's hash).
    expect(requests).toEqual([url]);
    expect(cspErrors).toEqual([]);
    const colour = await page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor");
    expect(colour).toBe("rgb(31, 111, 74)");

    const shot = path.join(ARTIFACTS, "tracking-phone.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    console.log(`tracking page screenshot: ${shot}`);

    // In Hindi on request, still fitting.
    await page.goto(`${url}?lang=hi`);
    expect(await page.locator("#status .now").textContent()).toBe("डिलीवरी के लिए निकला");
    expect(await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")).toBe(true);
    const shotHi = path.join(ARTIFACTS, "tracking-phone-hi.png");
    await page.screenshot({ path: shotHi, fullPage: true });
    console.log(`tracking page screenshot (Hindi): ${shotHi}`);
  });

  it("a tampered link is the plain 404 page, also fitting the phone", async () => {
    const page = await context.newPage();
    const good = await signTrackingToken(SECRETS.TRACKING_SECRET, orderId);
    const res = await page.goto(`${base}/t/${good.slice(0, -1)}${good.at(-1) === "x" ? "y" : "x"}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Page not found");
    expect(await page.content()).not.toContain(awb);
    expect(await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")).toBe(true);
  });
});
