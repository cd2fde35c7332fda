/**
 * Bytes, not guesses: the cap is on bytes, and a signed body of invalid UTF-8 near the cap is a 413
 * with a dead letter that fits a D1 row (it was a 500 on SQLITE_TOOBIG, retried forever), while
 * a valid JSON body with a few invalid bytes is stored with replacement characters.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SHOPIFY_SECRET, SHOP_DOMAIN, indianOrder } from "../helpers/shopify";
import { count, waitProcessed } from "../helpers/runtime";
import { STORABLE_BODY_BYTES } from "../../src/routes/webhooks/intake";

async function signedShopify(topic: string, body: Uint8Array, webhookId = crypto.randomUUID()): Promise<Response> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SHOPIFY_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
  let bin = "";
  for (const b of sig) bin += String.fromCharCode(b);
  return SELF.fetch("https://switchyard.test/webhooks/shopify", {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-topic": topic, "x-shopify-webhook-id": webhookId, "x-shopify-shop-domain": SHOP_DOMAIN, "x-shopify-hmac-sha256": btoa(bin) },
    body,
  });
}

describe("webhook bodies as bytes", () => {
  it("900 KB of 0xFF, correctly signed: 413 (never 500), one dead letter that fits a row, with the sizes in its reason", async () => {
    const webhookId = crypto.randomUUID();
    const res = await signedShopify("orders/create", new Uint8Array(900_000).fill(0xff), webhookId);
    expect(res.status).toBe(413);
    const row = await env.DB.prepare(`SELECT reason, length(CAST(body AS BLOB)) AS bytes FROM dead_letters WHERE id = ?`).bind(`dl:shopify:orders/create:${webhookId}`).first<{ reason: string; bytes: number }>();
    expect(row?.reason).toMatch(/not valid UTF-8: 900000 bytes received, 2700000 once invalid bytes are replaced/);
    expect(row!.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(row!.bytes).toBeGreaterThan(200_000);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE delivery_id = ?`, `orders/create:${webhookId}`)).toBe(0);
  });

  it("a sender retrying the same invalid body gets the same 413 and one dead letter", async () => {
    const webhookId = crypto.randomUUID();
    const body = new Uint8Array(700_000).fill(0xfe);
    expect((await signedShopify("orders/create", body, webhookId)).status).toBe(413);
    expect((await signedShopify("orders/create", body, webhookId)).status).toBe(413);
    expect(await count(`SELECT count(*) AS n FROM dead_letters WHERE id = ?`, `dl:shopify:orders/create:${webhookId}`)).toBe(1);
  });

  it("a valid JSON order near the cap with invalid bytes in its note is stored with replacement characters", async () => {
    const order = indianOrder({ note: "NOTE" });
    const text = JSON.stringify(order);
    const [before, after] = text.split("NOTE") as [string, string];
    const filler = new Uint8Array(1_000_000 - before.length - after.length).fill(0x61);
    for (let i = 0; i < filler.length; i += 10_000) filler[i] = 0xff;
    const body = new Uint8Array([...new TextEncoder().encode(before), ...filler, ...new TextEncoder().encode(after)]);
    expect(body.byteLength).toBe(1_000_000);
    const res = await signedShopify("orders/create", body);
    expect(res.status).toBe(200);
    const { id } = await res.json<{ id: string }>();
    await waitProcessed(id);
    const raw = await env.DB.prepare(`SELECT status, length(CAST(body AS BLOB)) AS bytes, instr(body, char(65533)) > 0 AS replaced FROM raw_events WHERE id = ?`).bind(id).first<{ status: string; bytes: number; replaced: number }>();
    expect(raw).toMatchObject({ status: "processed", replaced: 1 });
    expect(raw!.bytes).toBe(1_000_000 + 100 * 2);
    expect(await count(`SELECT count(*) AS n FROM orders WHERE id = ?`, String(order.id))).toBe(1);
  });

  it("the cap counts bytes: 600,000 three-byte characters (1.8 MB) are refused though the text is 600,000 long", async () => {
    const order = indianOrder({ note: "₹".repeat(600_000) });
    const body = new TextEncoder().encode(JSON.stringify(order));
    expect(body.byteLength).toBeGreaterThan(1024 * 1024);
    expect(body.byteLength).toBeLessThan(STORABLE_BODY_BYTES);
    expect((await signedShopify("orders/create", body)).status).toBe(413);
  });
});
