import { describe, expect, it, vi } from "vitest";
import { accessConfigFrom, teamOrigin, verifyAccessJwt } from "../../src/routes/dashboard/access";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const enc = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)));

async function keyPair(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = { ...(await crypto.subtle.exportKey("jwk", pair.publicKey)), kid };
  const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256", kid }) => {
    const data = `${enc(header)}.${enc(claims)}`;
    const sig = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, new TextEncoder().encode(data)));
    return `${data}.${b64url(sig)}`;
  };
  return { jwk, sign };
}

const NOW = 1_780_000_000_000;
const config = { aud: "aud-123", teamDomain: "brand" };
const iss = "https://brand.cloudflareaccess.com";

function certsFetcher(keys: unknown[]) {
  return vi.fn(async (url: string | URL | Request) => {
    expect(String(url)).toBe(`${iss}/cdn-cgi/access/certs`);
    return new Response(JSON.stringify({ keys }), { headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
}

describe("Cloudflare Access JWT", () => {
  it("accepts a token signed by the team's key for this audience", async () => {
    const k = await keyPair("kid-ok");
    const token = await k.sign({ aud: ["aud-123"], exp: NOW / 1000 + 600, iss, sub: "user-1", email: "ops@brand.in" });
    expect(await verifyAccessJwt(token, config, NOW, certsFetcher([k.jwk]))).toEqual({ sub: "user-1", email: "ops@brand.in" });
  });

  it("refuses another audience, an expired token, a foreign key and a tampered payload", async () => {
    // Two minutes after the first test's fetch, so this one fetches its own certs (refetches are at most one a minute).
    const AT = NOW + 2 * 60_000;
    const k = await keyPair("kid-a");
    const other = await keyPair("kid-a");
    const fetcher = certsFetcher([k.jwk]);
    const good = { aud: "aud-123", exp: AT / 1000 + 600, iss, sub: "u" };
    expect(await verifyAccessJwt(await k.sign({ ...good, aud: "other" }), config, AT, fetcher)).toBeNull();
    expect(await verifyAccessJwt(await k.sign({ ...good, exp: AT / 1000 - 1 }), config, AT, fetcher)).toBeNull();
    expect(await verifyAccessJwt(await other.sign(good), config, AT, fetcher)).toBeNull();
    const [h, , s] = (await k.sign(good)).split(".");
    expect(await verifyAccessJwt(`${h}.${enc({ ...good, sub: "admin" })}.${s}`, config, AT, fetcher)).toBeNull();
    expect(await verifyAccessJwt(await k.sign(good, { alg: "HS256", kid: "kid-a" }), config, AT, fetcher)).toBeNull();
    expect(await verifyAccessJwt("not.a.jwt", config, AT, fetcher)).toBeNull();
  });

  it("fetches the certs for an unknown kid at most once a minute, and serves known kids from the cache", async () => {
    const k = await keyPair("kid-cache");
    const team = { aud: "aud-123", teamDomain: "cachebrand" };
    const teamIss = "https://cachebrand.cloudflareaccess.com";
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ keys: [k.jwk] }))) as unknown as typeof fetch;
    const at = NOW + 10 * 60_000;
    const good = await k.sign({ aud: "aud-123", exp: at / 1000 + 3600, iss: teamIss, sub: "u" });
    expect(await verifyAccessJwt(good, team, at, fetcher)).toEqual({ sub: "u", email: null });
    expect(fetcher).toHaveBeenCalledTimes(1);
    // A flood of tokens naming kids nobody has: no fetch for a minute.
    for (let i = 0; i < 50; i++) {
      const forged = await k.sign({ aud: "aud-123", exp: at / 1000 + 3600, iss: teamIss, sub: "u" }, { alg: "RS256", kid: `made-up-${i}` });
      expect(await verifyAccessJwt(forged, team, at + i * 1000, fetcher)).toBeNull();
    }
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(await verifyAccessJwt(good, team, at + 30_000, fetcher)).toEqual({ sub: "u", email: null });
    expect(fetcher).toHaveBeenCalledTimes(1);
    // A minute on, an unknown kid may refetch once (a real rotation is picked up).
    const forged = await k.sign({ aud: "aud-123", exp: at / 1000 + 3600, iss: teamIss, sub: "u" }, { alg: "RS256", kid: "rotated" });
    expect(await verifyAccessJwt(forged, team, at + 61_000, fetcher)).toBeNull();
    expect(await verifyAccessJwt(forged, team, at + 62_000, fetcher)).toBeNull();
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it("is configured only when both settings are present, and normalises the team domain", () => {
    expect(accessConfigFrom({})).toBeNull();
    expect(accessConfigFrom({ CF_ACCESS_AUD: "a" })).toBeNull();
    expect(accessConfigFrom({ CF_ACCESS_AUD: "a", CF_ACCESS_TEAM_DOMAIN: "brand" })).toEqual({ aud: "a", teamDomain: "brand" });
    expect(teamOrigin("brand")).toBe(iss);
    expect(teamOrigin("https://brand.cloudflareaccess.com/")).toBe(iss);
  });
});
