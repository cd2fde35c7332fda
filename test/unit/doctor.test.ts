/** npm run doctor: plain words from GET /api/connectors, exit 1 when a credential is refused, 2 on bad options. */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs script without types
import { formatReport } from "../../scripts/doctor.mjs";

const REPORT = {
  connectors: [
    { connector: "shopify", mode: "OAuth install", status: "ok", summary: "live (OAuth install), token valid until 2026-12-01T11:00:00.000Z.", token: { held: true, expiresAt: "2026-12-01T11:00:00.000Z", refreshTokenHeld: true, shop: "client.myshopify.com", apiDomain: null, encryptedAtRest: true, tokenEndpointFailures: 0 }, lastCall: { at: "2026-12-01T10:01:00.000Z", outcome: "sent", httpStatus: 200, error: null }, blockedActions: 0, missing: [], notes: [] },
    { connector: "zoho", mode: "refresh token", status: "unauthorised", summary: "refused: Zoho refused the credentials (HTTP 200): invalid_code. Its actions wait as blocked until the credential is fixed.", token: { held: false, expiresAt: null, refreshTokenHeld: true, shop: null, apiDomain: "https://www.zohoapis.in", encryptedAtRest: true, tokenEndpointFailures: 0 }, lastCall: { at: "2026-12-01T10:02:00.000Z", outcome: "blocked", httpStatus: null, error: "invalid_code" }, blockedActions: 3, missing: [], notes: [] },
    { connector: "klaviyo", mode: "dry-run", status: "dry_run", summary: "dry-run: requests are recorded, nothing is sent. To go live set KLAVIYO_API_KEY (a private key).", token: null, lastCall: null, blockedActions: 0, missing: ["KLAVIYO_API_KEY (a private key)"], notes: [] },
  ],
};

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/doctor.mjs", ...args], { env: { ...process.env, API_TOKEN: "t" } });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("npm run doctor", () => {
  it("prints each connector's state in words: token and until when, last call, blocked actions", () => {
    const text = formatReport(REPORT);
    expect(text).toContain("ok shopify: live (OAuth install), token valid until 2026-12-01T11:00:00.000Z.");
    expect(text).toContain("token held until 2026-12-01T11:00:00.000Z, refresh token held, store client.myshopify.com");
    expect(text).toContain("!! zoho: refused: Zoho refused the credentials");
    expect(text).toContain("3 action(s) waiting as blocked");
    expect(text).toContain("-- klaviyo: dry-run");
  });

  it("asks the worker, and exits 1 while a credential is refused; --help is 0; an unknown option is 2", async () => {
    const server = createServer((req, res) => {
      if (req.url === "/api/connectors" && req.headers.authorization === "Bearer t") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(REPORT));
      else res.writeHead(401).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await run(["--url", `http://127.0.0.1:${port}`]);
      expect(r.code).toBe(1);
      expect(r.out).toContain("!! zoho: refused");
    } finally {
      server.close();
    }
    expect((await run(["--help"])).code).toBe(0);
    const bad = await run(["--colour"]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split("\n")).toHaveLength(1);
  });
});
