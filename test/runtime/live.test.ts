/** The live overview's change check (GET /changes with ETags) and the integration health panel. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { postShiprocket, shiprocketTracking } from "../helpers/vendors";

const BASE = "https://switchyard.test";

async function sessionCookie(): Promise<string> {
  const res = await SELF.fetch(`${BASE}/login`, {
    method: "POST",
    body: new URLSearchParams({ token: "test-dashboard-token", next: "/" }),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.77" },
    redirect: "manual",
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

describe("live overview", () => {
  it("answers 304 while nothing moved and a new ETag once a webhook arrives; without a session it redirects", async () => {
    const cookie = await sessionCookie();
    const first = await SELF.fetch(`${BASE}/changes`, { headers: { cookie } });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"ov-/);
    const page = await (await SELF.fetch(`${BASE}/`, { headers: { cookie } })).text();
    expect(page).toContain(`data-etag="${etag.replace(/"/g, "&quot;")}"`);
    expect((await SELF.fetch(`${BASE}/changes`, { headers: { cookie, "if-none-match": etag } })).status).toBe(304);

    await postShiprocket(shiprocketTracking(`LIVE${Date.now()}`, "#LIVE1", [["picked_up", Date.now() - 3_600_000, "Bhiwandi_Hub (Maharashtra)"]]));
    const after = await SELF.fetch(`${BASE}/changes`, { headers: { cookie, "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);

    const anonymous = await SELF.fetch(`${BASE}/changes`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
  });

  it("shows per source the last event, events in the last hour and refused deliveries, and each connector's mode", async () => {
    const cookie = await sessionCookie();
    await postShiprocket(shiprocketTracking(`HLT${Date.now()}`, "#HLT1", [["picked_up", Date.now() - 3_600_000, "Bhiwandi_Hub (Maharashtra)"]]));
    for (let i = 0; i < 3; i++) await SELF.fetch(`${BASE}/webhooks/shiprocket`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "wrong" }, body: "{}" });
    const html = await (await SELF.fetch(`${BASE}/`, { headers: { cookie } })).text();
    const row = /<tr data-source="shiprocket">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? "";
    expect(row).toMatch(/h ago/);
    expect(row).toMatch(/data-last-hour="[1-9]\d*"/);
    expect(row).toMatch(/>3<\/td>$/);
    expect(/<tr data-source="zendesk">[\s\S]*?never/.test(html)).toBe(true);
    expect(html).toContain('id="health-connectors"');
    expect(html).toMatch(/<td>whatsapp<\/td>\s*<td>dry-run/);
  });
});
