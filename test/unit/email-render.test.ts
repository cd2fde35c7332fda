/** Customer email: every template rendered (snapshots), escaped, branded, and what the rules now put in the outbox. */
import { describe, expect, it } from "vitest";
import { parsePolicy, DEFAULT_POLICY, type Policy } from "../../src/decisions/policy";
import { decideChurnIntervention } from "../../src/decisions/rules/churn-intervention";
import { decideDelayAlert } from "../../src/decisions/rules/delay-alert";
import { decidePostDelivery } from "../../src/decisions/rules/post-delivery";
import { decideReturnProcessing } from "../../src/decisions/rules/return-processing";
import type { CustomerSnapshot, JourneySnapshot, OrderSummary } from "../../src/decisions/context";
import { renderEmail } from "../../src/messages/email/render";
import { SAMPLE_BRAND, SAMPLE_DATA } from "../../src/messages/email/samples";
import { EMAIL_TEMPLATES } from "../../src/messages/email/templates";

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 6, 0); // 11:30 IST

describe("every customer email renders as HTML and plain text", () => {
  for (const t of EMAIL_TEMPLATES) {
    it(`${t}: snapshot of subject, HTML and text`, () => {
      const r = renderEmail(t, SAMPLE_DATA[t], SAMPLE_BRAND);
      expect(r.html.startsWith("<!doctype html><html lang=\"en\">")).toBe(true);
      expect(r.html).toContain("Hi Asha,");
      expect(r.text).toContain("Hi Asha,");
      // The brand: logo, colour, support contact and postal footer, in both parts.
      expect(r.html).toContain('src="https://cdn.shopify.com/s/files/1/vanaspati/logo.png"');
      expect(r.html).toContain("background:#2f6b3a");
      expect(r.html).toContain("care@vanaspati.in");
      expect(r.text).toContain("care@vanaspati.in");
      expect(r.text).toContain("Indiranagar, Bengaluru 560038");
      expect(r.text).not.toMatch(/template:|name:/);
      expect({ subject: r.subject, html: r.html, text: r.text }).toMatchSnapshot();
    });
  }

  it("names the order and its items", () => {
    const r = renderEmail("delay_alert", SAMPLE_DATA.delay_alert, SAMPLE_BRAND);
    expect(r.subject).toBe("Your order #1042 is running late");
    expect(r.html).toContain("Kumkumadi Face Oil 30 ml");
    expect(r.text).toContain("- Neem Tulsi Soap 100 g × 2");
    expect(r.text).toContain("New expected delivery: 24 Nov");
    expect(r.text).toContain("Track your parcel: https://shiprocket.co/tracking/SR1042");
  });

  it("a customer named <script> stays text, in the body and the title", () => {
    const evil = '<script>alert("x")</script>';
    const r = renderEmail("review_request", { ...SAMPLE_DATA.review_request, firstName: evil, items: [{ title: `<img src=x onerror=alert(1)>`, quantity: 1 }] }, SAMPLE_BRAND);
    expect(r.html).not.toContain("<script>");
    expect(r.html).not.toContain("<img src=x");
    expect(r.html).toContain("Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,");
    expect(r.html).toContain("<title>How is your &lt;img src=x onerror=alert(1)&gt;?</title>");
  });

  it("a brand colour or URL that could break out of its attribute is not used", () => {
    const r = renderEmail("winback", SAMPLE_DATA.winback, { ...SAMPLE_BRAND, colour: "red;background:url(https://evil)", logoUrl: "javascript:alert(1)", storeUrl: "javascript:alert(2)" });
    expect(r.html).not.toContain("evil");
    expect(r.html).not.toContain("javascript:");
    expect(r.html).toContain("background:#1f6f4a");
    expect(r.html).toContain('<span style="color:#ffffff;font-size:20px;font-weight:bold;">Vanaspati Naturals</span>');
    // Marketing mail says why it came and how to stop it.
    expect(r.text).toContain("To stop these emails, reply with the word unsubscribe.");
  });

  it("the policy refuses a brand colour or logo that is not #rrggbb / https", () => {
    expect(parsePolicy({ brand: { colour: "red" } }).ok).toBe(false);
    expect(parsePolicy({ brand: { logoUrl: "http://x.test/logo.png" } }).ok).toBe(false);
    expect(parsePolicy({ post_delivery: { steps: [{ name: "guide", delayHours: 10, channel: "email", template: "usage_guide", marketing: false, subject: null }] } }).ok).toBe(false);
  });
});

describe("the rules send rendered email, never placeholder text", () => {
  const policy: Policy = (() => {
    const r = parsePolicy({ brand: SAMPLE_BRAND });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.policy;
  })();
  const order: OrderSummary = {
    id: "6001", name: "#2001", totalPrice: 129_900, currency: "INR", paymentMethod: "prepaid", customerId: "8001", customerFirstName: "Arjun",
    phone: null, email: "arjun@example.in",
    lineItems: [{ sku: "KUMKUMADI-30ML", title: "Kumkumadi Face Oil", quantity: 1, unitPrice: 129_900, variantId: "1", productId: "2", category: "Skincare" }],
    shippingPincode: "560034", shippingCity: "Bengaluru", createdAt: NOW - 6 * 24 * H, cancelledAt: null,
  };
  const customer: CustomerSnapshot = {
    id: "8001", firstName: "Arjun", phone: null, email: "arjun@example.in", ltv: 600_000, tier: "mid", ordersCount: 4, lastOrderAt: NOW - 65 * 24 * H,
    expectedIntervalDays: 30, acceptsMarketing: true, acceptsWhatsapp: false, pActive: null, expectedOrders90d: null, predictedClv: null,
  };
  const journey: JourneySnapshot = {
    state: "delivered", stateAt: NOW - 121 * H, lastScanAt: NOW - 121 * H, lastScanLocation: "Bengaluru", awb: "SR1", carrier: "delhivery", origin: "BLR", eta: null,
    failedAttempts: 0, trackingUrl: "https://shiprocket.co/tracking/SR1", deliveredAt: NOW - 121 * H,
  };
  const emailOf = (d: { actions: { kind: string; params: unknown }[] } | null) => {
    const a = d?.actions.find((x) => x.kind === "email.send");
    return a ? (a.params as { to: string; subject: string; text: string; html: string; template: string }) : null;
  };

  it("care sequence", () => {
    const e = emailOf(decidePostDelivery({ order, journey, customer, openTicket: false, openReturn: false, stepsDone: ["review_request"] }, policy, NOW))!;
    expect(e).toMatchObject({ to: "arjun@example.in", template: "care_tips", subject: "Getting the most from your order #2001" });
    expect(e.html).toContain("Kumkumadi Face Oil");
    expect(e.text.startsWith("Hi Arjun,")).toBe(true);
  });

  it("review request by email for a customer without a number", () => {
    const e = emailOf(decidePostDelivery({ order, journey: { ...journey, deliveredAt: NOW - 50 * H }, customer, openTicket: false, openReturn: false, stepsDone: [] }, policy, NOW))!;
    expect(e.template).toBe("review_request");
    expect(e.html).toContain('href="https://vanaspati-naturals.myshopify.com/"');
  });

  it("churn offer", () => {
    const e = emailOf(decideChurnIntervention({ customer, openTicket: false }, policy, NOW))!;
    expect(e).toMatchObject({ template: "winback", subject: "10% off, just for you" });
    expect(e.text).toContain("Your code: COMEBACK10");
  });

  it("return update", () => {
    const d = decideReturnProcessing(
      { order, customer, event: { kind: "refunded", refundId: "r1", amount: 129_900, restock: false, lineItems: [{ sku: "KUMKUMADI-30ML", quantity: 1 }], occurredAt: NOW } },
      policy,
      NOW,
    );
    const e = emailOf(d)!;
    expect(e).toMatchObject({ template: "return_update", subject: "Your refund for order #2001 is on its way" });
    expect(e.text).toContain("We have refunded ₹1,299 for order #2001.");
  });

  it("delay alert for a customer without WhatsApp", () => {
    const d = decideDelayAlert(
      { order, journey: { ...journey, state: "in_transit", lastScanAt: NOW - 40 * H, deliveredAt: null, eta: NOW - 10 * H }, customer, route: null },
      policy,
      NOW,
    );
    const e = emailOf(d)!;
    expect(e).toMatchObject({ template: "delay_alert", subject: "Your order #2001 is running late" });
    expect(e.text).toContain("New expected delivery: 22 Nov");
    expect(e.html).toContain('href="https://shiprocket.co/tracking/SR1"');
  });

  it("the default brand renders too (no logo: the name)", () => {
    const e = renderEmail("care_tips", SAMPLE_DATA.care_tips, DEFAULT_POLICY.brand);
    expect(e.html).toContain(">Our store</span>");
  });
});
