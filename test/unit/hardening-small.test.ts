/** The outside review's small findings, each refused: ids the log redactor mangled, bad order ids and prices, HTML in Freshdesk bodies. */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { mapShopifyWebhook } from "../../src/canonical/mappers/shopify";
import { UnmappableError } from "../../src/canonical/model";
import { ActionSpec } from "../../src/canonical/actions";
import { buildHelpdeskRequests, freshdeskHtml } from "../../src/connectors/helpdesk";
import { logEvent, redact } from "../../src/lib/log";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const order = () => parseJsonKeepingBigIds(readFileSync("test/fixtures/shopify/orders-create-cod.json", "utf8")) as Record<string, any>;

describe("log redactor", () => {
  it("leaves a UUID full of digits alone, in free text and in id fields", () => {
    const uuid = "12345678-1234-4123-8123-123456789012";
    expect(redact(`action act_${uuid} failed`)).toBe(`action act_${uuid} failed`);
    expect(redact(uuid)).toBe(uuid);
    expect(redact("act_c210de12-3456-4789-95de-6f128dbc89be")).toBe("act_c210de12-3456-4789-95de-6f128dbc89be");
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    logEvent("x", { actionId: `act_${uuid}`, orderId: "6000123456789", rawEventIds: "shopify:orders/create:8123456789012345" });
    spy.mockRestore();
    expect(JSON.parse(lines[0]!)).toEqual({ event: "x", actionId: `act_${uuid}`, orderId: "6000123456789", rawEventIds: "shopify:orders/create:8123456789012345" });
  });

  it("still masks phones however written, emails, and tokens in URLs", () => {
    for (const phone of ["+919811122333", "919811122333", "09811122333", "98111 22333", "+91 98111-22333", "98111-22-333"]) {
      expect(redact(`call ${phone} now`), phone).toBe("call [number] now");
    }
    expect(redact("from Ops@Brand.IN")).toBe("from [email]");
    expect(redact("GET /webhooks/delhivery?token=s3cr3t&x=1")).toBe("GET /webhooks/delhivery?token=[redacted]&x=1");
    expect(redact("/api/helpdesk/context?email=a%40b.in&token=abc")).toBe("/api/helpdesk/context?email=a%40b.in&token=[redacted]");
  });
});

describe("Shopify order ids and prices", () => {
  it.each([-1, 0, 1.5, 1e21, "-1", "0", "abc", ""])("refuses order id %s", (id) => {
    expect(() => mapShopifyWebhook("orders/create", { ...order(), id })).toThrow(UnmappableError);
  });

  it("accepts a 19-digit id kept as a string and a safe integer", () => {
    expect(mapShopifyWebhook("orders/create", { ...order(), id: "9223372036854775807" }).orders[0]?.id).toBe("9223372036854775807");
    expect(mapShopifyWebhook("orders/create", { ...order(), id: 820982911 }).orders[0]?.id).toBe("820982911");
  });

  it("refuses a negative price on a line or a total, and a fulfillment or refund naming a bad order id", () => {
    const o = order();
    expect(() => mapShopifyWebhook("orders/create", { ...o, line_items: [{ ...o.line_items[0], price: "-5.00" }] })).toThrow(/must not be negative/);
    expect(() => mapShopifyWebhook("orders/create", { ...o, total_price: -1 })).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("fulfillments/create", { id: 1, order_id: -4, created_at: "2026-11-20T10:00:00+05:30" })).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("refunds/create", { id: 1, order_id: 0, created_at: "2026-11-20T10:00:00+05:30", refund_line_items: [] })).toThrow(UnmappableError);
    expect(mapShopifyWebhook("orders/create", { ...o, total_price: "0.00" }).orders).toHaveLength(1);
  });
});

describe("Freshdesk HTML bodies", () => {
  it("escapes text for Freshdesk's HTML body and keeps its line breaks", () => {
    expect(freshdeskHtml(`<script>alert("x")</script> & 'q'\nline 2`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;<br>line 2");
  });

  it("sends notes and replies to Freshdesk escaped; Gorgias and Zendesk plain-text fields stay as written", () => {
    const configs = { gorgias: { domain: "acme", username: "ops@acme.in", apiKey: "gk" }, freshdesk: { domain: "acme", apiKey: "fk" }, zendesk: { subdomain: "acme", email: "ops@acme.in", apiToken: "zt" } };
    const text = "Order <#1042> value < ₹500 & delayed";
    const build = (helpdesk: string, kind: "helpdesk.internal_note" | "helpdesk.reply") =>
      buildHelpdeskRequests(ActionSpec.parse({ kind, connector: "helpdesk", params: { helpdesk, ticketId: "5", body: text, ...(kind === "helpdesk.reply" ? { status: null } : {}) } }) as never, configs) as { body: any }[];
    expect(build("freshdesk", "helpdesk.internal_note")[0]!.body.body).toBe("Order &lt;#1042&gt; value &lt; ₹500 &amp; delayed");
    expect(build("freshdesk", "helpdesk.reply")[0]!.body.body).toBe("Order &lt;#1042&gt; value &lt; ₹500 &amp; delayed");
    expect(build("zendesk", "helpdesk.internal_note")[0]!.body.ticket.comment.body).toBe(text);
    expect(build("gorgias", "helpdesk.internal_note")[0]!.body.body_text).toBe(text);
  });
});
