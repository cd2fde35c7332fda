/** Cloudflare Access: verifies the `Cf-Access-Jwt-Assertion` header (RS256 against the team's certs, aud, exp). */

export interface AccessConfig {
  /** The Access application's audience tag. */
  aud: string;
  /** "myteam", "myteam.cloudflareaccess.com" or "https://myteam.cloudflareaccess.com". */
  teamDomain: string;
}

export interface AccessIdentity {
  sub: string;
  email: string | null;
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

/** Certs rotate rarely; an hour's cache keeps the login path off the network. */
const CERT_TTL_MS = 60 * 60_000;
/**
 * An unknown kid (a rotation, or a forged token naming any kid it likes) refetches the certs, but at
 * most once a minute per team: otherwise every request bearing a made-up kid cost a fetch.
 */
export const CERT_REFETCH_MIN_MS = 60_000;
const certCache = new Map<string, { keys: Jwk[]; fetchedAt: number }>();
const lastFetchAt = new Map<string, number>();

export function accessConfigFrom(env: { CF_ACCESS_AUD?: unknown; CF_ACCESS_TEAM_DOMAIN?: unknown }): AccessConfig | null {
  const aud = typeof env.CF_ACCESS_AUD === "string" ? env.CF_ACCESS_AUD.trim() : "";
  const teamDomain = typeof env.CF_ACCESS_TEAM_DOMAIN === "string" ? env.CF_ACCESS_TEAM_DOMAIN.trim() : "";
  return aud && teamDomain ? { aud, teamDomain } : null;
}

export function teamOrigin(teamDomain: string): string {
  const host = teamDomain.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  return `https://${host.includes(".") ? host : `${host}.cloudflareaccess.com`}`;
}

/** Returns the identity when the token is valid for this application now; null otherwise (never throws on bad input). */
export async function verifyAccessJwt(token: string, config: AccessConfig, now: number, fetcher: typeof fetch = fetch): Promise<AccessIdentity | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const claims = decodeJson(p);
  if (!header || !claims || header.alg !== "RS256" || typeof header.kid !== "string") return null;

  const origin = teamOrigin(config.teamDomain);
  const seconds = now / 1000;
  const aud = claims.aud;
  const audOk = typeof aud === "string" ? aud === config.aud : Array.isArray(aud) && aud.includes(config.aud);
  if (!audOk) return null;
  if (typeof claims.exp !== "number" || claims.exp <= seconds) return null;
  if (typeof claims.nbf === "number" && claims.nbf > seconds + 60) return null;
  if (claims.iss !== undefined && claims.iss !== origin) return null;

  const jwk = await findKey(origin, header.kid, now, fetcher);
  if (!jwk) return null;
  try {
    const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, base64UrlBytes(s), new TextEncoder().encode(`${h}.${p}`));
    if (!ok) return null;
  } catch {
    return null;
  }
  return { sub: typeof claims.sub === "string" ? claims.sub : "", email: typeof claims.email === "string" ? claims.email : null };
}

async function findKey(origin: string, kid: string, now: number, fetcher: typeof fetch): Promise<Jwk | null> {
  const cached = certCache.get(origin);
  const known = cached?.keys.find((k) => k.kid === kid);
  if (known && now - cached!.fetchedAt < CERT_TTL_MS) return known;
  const last = lastFetchAt.get(origin);
  // Fetched under a minute ago: answer from what we have (a stale key still verifies) rather than fetch again.
  if (last !== undefined && now - last < CERT_REFETCH_MIN_MS) return known ?? null;
  lastFetchAt.set(origin, now);
  let keys: Jwk[];
  try {
    const res = await fetcher(`${origin}/cdn-cgi/access/certs`);
    if (!res.ok) return known ?? null;
    const body: unknown = await res.json();
    keys = isRecord(body) && Array.isArray(body.keys) ? body.keys.filter(isRsaJwk) : [];
  } catch {
    return known ?? null;
  }
  certCache.set(origin, { keys, fetchedAt: now });
  return keys.find((k) => k.kid === kid) ?? null;
}

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(base64UrlBytes(segment)));
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

function base64UrlBytes(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

function isRsaJwk(v: unknown): v is Jwk {
  return isRecord(v) && v.kty === "RSA" && typeof v.n === "string" && typeof v.e === "string";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
