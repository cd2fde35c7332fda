/**
 * The tracking page's link in the messages: the shipped, out-for-delivery and delay WhatsApps carry the
 * page's token as their URL button's suffix, their SMS and email versions carry the page's address, and
 * without a page (no TRACKING_SECRET or PUBLIC_URL) the AWB and the carrier's page stay. Plus the page's
 * pure view: what the timeline shows and which scan places it keeps.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { arjunInTransit } from "../helpers/rule-snapshots";
import type { ActionSpec } from "../../src/canonical/actions";
import type { TrackingPageLink } from "../../src/decisions/context";
import { buildWhatsAppRequest } from "../../src/connectors/whatsapp";
import { planFallback } from "../../src/decisions/channel-fallback";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/decisions/policy";
import { decideDelayAlert, decideStatusNotification, decideWismoAutoreply } from "../../src/decisions/rules";
import { signTrackingToken } from "../../src/lib/tracking-token";
import { trackingPageLink } from "../../src/pipeline/tracking-link";
import { buildTrackingView, scanPlace } from "../../src/routes/tracking/view";
import type { TrackingPageData } from "../../src/db/tracking-read";

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 6, 0); // 11:30 IST
const PAGE: TrackingPageLink = { token: "NjAwMQ.AAAAAAAAAAAAAAAAAAAAAA", url: "https://ops.vanaspati.example/t/NjAwMQ.AAAAAAAAAAAAAAAAAAAAAA" };
/** The same page in the form an SMS carries (DLT whitelists a dynamic URL as its part up to "?"). */
const SMS_PAGE = "https://ops.vanaspati.example/t?k=NjAwMQ.AAAAAAAAAAAAAAAAAAAAAA";

const { order, customer, journey } = arjunInTransit(NOW, "prepaid");

type WaTemplate = Extract<ActionSpec, { kind: "whatsapp.template" }>;
const whatsapp = (actions: ActionSpec[] | undefined) => actions?.find((a): a is WaTemplate => a.kind === "whatsapp.template");

describe("the shipped, out-for-delivery and delay messages link the tracking page", () => {
  for (const status of ["shipped", "out_for_delivery", "delayed"] as const) {
    it(`${status}: the URL button's suffix is the page's token, its url the page`, () => {
      const d = decideStatusNotification({ order, status, eventAt: NOW - 60_000, journey, trackingPage: PAGE }, DEFAULT_POLICY, NOW);
      expect(whatsapp(d?.actions)?.params.buttons).toEqual([{ type: "url", param: PAGE.token, url: PAGE.url }]);
    });
    it(`${status}: without a page, the AWB as before`, () => {
      const d = decideStatusNotification({ order, status, eventAt: NOW - 60_000, journey, trackingPage: null }, DEFAULT_POLICY, NOW);
      expect(whatsapp(d?.actions)?.params.buttons).toEqual([{ type: "url", param: "SR1" }]);
    });
  }

  it("Meta gets only the suffix: the button component's one text parameter is the token (the page's address stays ours)", () => {
    const wa = whatsapp(decideStatusNotification({ order, status: "shipped", eventAt: NOW - 60_000, journey, trackingPage: PAGE }, DEFAULT_POLICY, NOW)?.actions)!;
    const req = buildWhatsAppRequest(wa, { accessToken: "t", phoneNumberId: "1", apiVersion: "v21.0" });
    const components = (req.body as { template: { components: unknown[] } }).template.components;
    expect(components.at(-1)).toEqual({ type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: PAGE.token }] });
  });

  it("confirmed and delivered carry no link", () => {
    for (const status of ["confirmed", "delivered"] as const) {
      const d = decideStatusNotification({ order, status, eventAt: NOW - 60_000, journey: { ...journey, state: "delivered" }, trackingPage: PAGE }, DEFAULT_POLICY, NOW);
      expect(whatsapp(d?.actions)?.params.buttons).toEqual([]);
    }
  });

  it("delay alert: WhatsApp button with the token; by email (no phone) the page's address", () => {
    const d = decideDelayAlert({ order, journey, customer, route: null, trackingPage: PAGE }, DEFAULT_POLICY, NOW);
    expect(whatsapp(d?.actions)?.params).toMatchObject({ template: "delay_alert", buttons: [{ type: "url", param: PAGE.token, url: PAGE.url }] });
    const byEmail = decideDelayAlert({ order: { ...order, phone: null }, journey, customer: { ...customer, phone: null }, route: null, trackingPage: PAGE }, DEFAULT_POLICY, NOW);
    const email = byEmail?.actions.find((a): a is Extract<ActionSpec, { kind: "email.send" }> => a.kind === "email.send");
    expect(email?.params.text).toContain(`Track your parcel: ${PAGE.url}`);
    expect(email?.params.html).toContain(`href="${PAGE.url}"`);
    const noPage = decideDelayAlert({ order: { ...order, phone: null }, journey, customer: { ...customer, phone: null }, route: null }, DEFAULT_POLICY, NOW);
    expect(noPage?.actions.find((a) => a.kind === "email.send")?.params).toMatchObject({ text: expect.stringContaining("https://shiprocket.co/tracking/SR1") });
  });
});

describe("the helpdesk WISMO answer links the page too", () => {
  const ticket = { helpdesk: "freshdesk" as const, ticketId: "77", category: "wismo", status: "open", subject: "where is my order", createdAt: NOW - 60_000, firstResponseAt: null };
  const healthy = { ...journey, lastScanAt: NOW - 2 * H };
  const replyOf = (d: ReturnType<typeof decideWismoAutoreply>) => (d?.actions.find((a) => a.kind === "helpdesk.reply")?.params as { body: string } | undefined)?.body;
  it("with the page: its address; without: the carrier's", () => {
    expect(replyOf(decideWismoAutoreply({ ticket, order, journey: healthy, trackingPage: PAGE }, DEFAULT_POLICY, NOW))).toContain(`Track it live: ${PAGE.url}`);
    expect(replyOf(decideWismoAutoreply({ ticket, order, journey: healthy, trackingPage: null }, DEFAULT_POLICY, NOW))).toContain("Track it live: https://shiprocket.co/tracking/SR1");
  });
});

describe("their SMS and email versions carry the page's address", () => {
  const ids = { templateId: "t", dltTemplateId: "1707172345678901234", senderId: "VNSPTI" };
  const parsed = parsePolicy({ fallback: { sms: { order_shipped: ids, out_for_delivery: ids, delay_alert: ids } } });
  if (!parsed.ok) throw new Error("policy");
  const policy: Policy = parsed.policy;

  for (const status of ["shipped", "out_for_delivery"] as const) {
    it(`${status}: SMS ##link## (in its DLT-whitelistable form) and the email's button are the tracking page`, () => {
      const wa = whatsapp(decideStatusNotification({ order, status, eventAt: NOW - 60_000, journey, trackingPage: PAGE }, policy, NOW)?.actions)!;
      const sms = planFallback({ failed: { channel: "whatsapp", params: wa.params }, email: "arjun@example.in", items: [] }, policy);
      expect(sms.spec).toMatchObject({ kind: "sms.send", params: { variables: { link: SMS_PAGE } } });
      // The SMS failed too: the email version, with the page.
      const email = planFallback({ failed: { channel: "sms", params: (sms.spec as Extract<ActionSpec, { kind: "sms.send" }>).params, whatsapp: wa.params }, email: "arjun@example.in", items: [{ title: "Kumkumadi Face Oil", quantity: 1 }] }, policy);
      expect(email.spec).toMatchObject({ kind: "email.send", params: { template: "shipping_update" } });
      const params = (email.spec as Extract<ActionSpec, { kind: "email.send" }>).params;
      expect(params.text).toContain(`Track your parcel: ${PAGE.url}`);
      expect(params.subject).toBe(status === "shipped" ? "Your order #2001 is on its way" : "Your order #2001 is out for delivery");
      if (status === "shipped") expect(params.text).toContain("has shipped with delhivery");
    });
  }

  it("delay alert: SMS and email fallbacks link the page; an old action without the url still links the carrier by AWB", () => {
    const wa = whatsapp(decideDelayAlert({ order, journey, customer, route: null, trackingPage: PAGE }, policy, NOW)?.actions)!;
    expect(planFallback({ failed: { channel: "whatsapp", params: wa.params }, email: null, items: [] }, policy).spec).toMatchObject({ params: { variables: { link: SMS_PAGE } } });
    const emailOnly = planFallback({ failed: { channel: "whatsapp", params: wa.params }, email: "arjun@example.in", items: [] }, DEFAULT_POLICY);
    expect((emailOnly.spec as Extract<ActionSpec, { kind: "email.send" }>).params.html).toContain(`href="${PAGE.url}"`);
    const old = { ...wa.params, buttons: [{ type: "url" as const, param: "SR1" }] };
    expect(planFallback({ failed: { channel: "whatsapp", params: old }, email: null, items: [] }, policy).spec).toMatchObject({ params: { variables: { link: "https://shiprocket.co/tracking/SR1" } } });
  });
});

describe("the pipeline signs the link only when the page is configured", () => {
  it("TRACKING_SECRET and PUBLIC_URL → a token that verifies to the order, at <PUBLIC_URL>/t/", async () => {
    const link = await trackingPageLink({ TRACKING_SECRET: "s3cret", PUBLIC_URL: "https://ops.vanaspati.example/" }, "5123456789");
    expect(link?.url).toBe(`https://ops.vanaspati.example/t/${link?.token}`);
    // (verifyTrackingToken needs workerd's timingSafeEqual; the runtime tests verify through the page.)
    expect(link!.token).toBe(await signTrackingToken("s3cret", "5123456789"));
    expect(link!.token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  });
  it("either unset → no link", async () => {
    expect(await trackingPageLink({ TRACKING_SECRET: "", PUBLIC_URL: "https://ops.vanaspati.example" }, "1")).toBeNull();
    expect(await trackingPageLink({ TRACKING_SECRET: "s3cret", PUBLIC_URL: "" }, "1")).toBeNull();
  });
});

describe("npm run templates:export with --public-url", () => {
  it("approves the tracking button as <PUBLIC_URL>/t/{{1}}, with a real order's token as the example", async () => {
    const out = mkdtempSync(join(tmpdir(), "templates-"));
    try {
      execFileSync("node", ["scripts/templates-export.mjs", "--out", out, "--public-url", "https://ops.vanaspati.example/", "--example-order", "5123456789"], {
        encoding: "utf8",
        env: { ...process.env, TRACKING_SECRET: "s3cret" },
      });
      for (const name of ["order_shipped", "out_for_delivery", "order_delayed", "delay_alert"]) {
        const req = JSON.parse(readFileSync(join(out, `${name}.hi.json`), "utf8")) as { components: { type: string; buttons?: { url: string; example: string[] }[] }[] };
        const button = req.components.find((c) => c.type === "BUTTONS")!.buttons![0]!;
        expect(button.url).toBe("https://ops.vanaspati.example/t/{{1}}");
        expect(button.example).toEqual([`https://ops.vanaspati.example/t/${await signTrackingToken("s3cret", "5123456789")}`]);
      }
      // The reorder button keeps the store's cart.
      expect(readFileSync(join(out, "reorder_prompt.en.json"), "utf8")).toContain("/cart/{{1}}");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(() => execFileSync("node", ["scripts/templates-export.mjs", "--example-order", "1"], { stdio: "pipe" })).toThrow(/needs --public-url/);
    expect(() => execFileSync("node", ["scripts/templates-export.mjs", "--public-url", "http://plain.example"], { stdio: "pipe" })).toThrow(/must be an https/);
  });
});

describe("the page's view", () => {
  const data = (over: Partial<TrackingPageData["order"]> = {}, j: Partial<NonNullable<TrackingPageData["journey"]>> | null = {}): TrackingPageData => ({
    order: { id: "1", name: "#1042", createdAt: NOW - 48 * H, cancelledAt: null, city: "Pune", items: [{ title: "Soap", quantity: 2 }], locale: null, inboundTexts: [], ...over },
    journey: j === null ? null : { state: "in_transit", stateAt: NOW - 10 * H, lastScanAt: NOW - 2 * H, lastScanLocation: "Nagpur_Hub (Maharashtra)", awb: "SR9", carrier: "bluedart", eta: NOW + 24 * H, ...j },
    revisedEta: null,
  });

  it("keeps a hub's town, drops anything that may be a street", () => {
    expect(scanPlace("Bhiwandi_Hub (Maharashtra)")).toBe("Bhiwandi");
    expect(scanPlace("NAGPUR HUB")).toBe("Nagpur Hub");
    expect(scanPlace("Gurgaon, Haryana")).toBe("Gurgaon");
    expect(scanPlace("14, 2nd Cross, Indiranagar")).toBeNull();
    expect(scanPlace("Flat 3B Lotus Residency Andheri West Mumbai")).toBeNull();
    expect(scanPlace(null)).toBeNull();
  });

  it("in transit: history done, the current state, what is still to come; carrier by its name", () => {
    const v = buildTrackingView(data(), [{ to: "confirmed", at: NOW - 47 * H }, { to: "shipped", at: NOW - 30 * H }, { to: "in_transit", at: NOW - 10 * H }], "en");
    expect(v.timeline.map((e) => `${e.state}:${e.kind}`)).toEqual(["placed:done", "confirmed:done", "shipped:done", "in_transit:current", "out_for_delivery:next", "delivered:next"]);
    expect(v.carrier).toBe("Blue Dart");
    expect(v.lastUpdate).toEqual({ place: "Nagpur", at: NOW - 2 * H });
    expect(v.eta).toBe(NOW + 24 * H);
  });

  it("after a failed attempt the parcel still has out-for-delivery and delivery ahead; out for delivery hides the scan place", () => {
    const v = buildTrackingView(data({}, { state: "failed_attempt" }), [{ to: "shipped", at: NOW - 30 * H }, { to: "out_for_delivery", at: NOW - 6 * H }, { to: "failed_attempt", at: NOW - 3 * H }], "en");
    expect(v.timeline.filter((e) => e.kind === "next").map((e) => e.state)).toEqual(["out_for_delivery", "delivered"]);
    expect(v.lastUpdate?.place).toBeNull();
  });

  it("delivered: no ETA and nothing to come; cancelled: the cancellation, nothing to come", () => {
    const d = buildTrackingView(data({}, { state: "delivered" }), [{ to: "shipped", at: NOW - 30 * H }, { to: "delivered", at: NOW - H }], "hi");
    expect(d.deliveredAt).toBe(NOW - H);
    expect(d.eta).toBeNull();
    expect(d.timeline.some((e) => e.kind === "next")).toBe(false);
    const c = buildTrackingView(data({ cancelledAt: NOW - 40 * H }, null), [], "en");
    expect(c.timeline.map((e) => e.state)).toEqual(["placed", "cancelled"]);
    expect(c.awb).toBeNull();
  });

  it("a revised ETA from the delay alert is shown beside the carrier's", () => {
    const v = buildTrackingView({ ...data(), revisedEta: NOW + 72 * H }, [{ to: "in_transit", at: NOW - 10 * H }], "en");
    expect(v.revisedEta).toBe(NOW + 72 * H);
  });
});
