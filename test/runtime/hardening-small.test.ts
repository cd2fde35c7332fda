/** The outside review's small findings over HTTP: list limits, and tokens kept out of URLs where the vendor has a header. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/runtime";

describe("list limits", () => {
  it.each(["0.5", "-1", "-99999999999999999999", "0", "1e3", "abc", "1001"])("GET /api/decisions?limit=%s is a 400 naming the range", async (limit) => {
    const res = await api(`/api/decisions?limit=${encodeURIComponent(limit)}`);
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toBe("limit must be a whole number from 1 to 1000");
  });

  it("GET /api/actions refuses a limit outside 1–200 and takes one inside it", async () => {
    expect((await api(`/api/actions?limit=201`)).status).toBe(400);
    expect((await api(`/api/actions?limit=-1`)).status).toBe(400);
    expect((await api(`/api/actions?limit=2`)).status).toBe(200);
    expect((await api(`/api/decisions?limit=1000`)).status).toBe(200);
    expect((await api(`/api/decisions`)).status).toBe(200);
  });
});

describe("tokens in URLs", () => {
  it("Shiprocket's token is taken only from its x-api-key header, never from ?token=", async () => {
    const res = await SELF.fetch("https://switchyard.test/webhooks/shiprocket?token=test-shiprocket-token", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
  });
});
