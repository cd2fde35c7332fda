/**
 * The caller's side of credentials: every request to a vendor whose token expires goes through
 * `withCredential`, which asks the credential's Durable Object for a token (minted once, cached
 * until shortly before expiry, refreshed single-flight), and on a 401 asks once for a fresh one
 * and retries once. A second 401 refuses the credential: the action waits as `blocked` with the
 * vendor's words instead of spending its attempts.
 */
import type { CredentialName, CredentialSettings, TokenResult } from "./credential-grants";
import type { OutboundRequest, Outcome } from "./http";

export type TokenOk = Extract<TokenResult, { ok: true }>;

/** The binding, typed by the generated Env (the class lives in src/durable-objects/credential.ts). */
type CredentialNamespace = Env["CREDENTIAL"];

export interface CredentialClient {
  token(settings: CredentialSettings, rejected?: { token: string; reason: string } | null): Promise<TokenResult>;
  refused(settings: CredentialSettings, token: string, reason: string): Promise<TokenResult>;
}

/** One Durable Object per credential, named by it (tests add a prefix to keep theirs apart). */
export function credentialStub(ns: CredentialNamespace, name: CredentialName, prefix = ""): ReturnType<CredentialNamespace["get"]> {
  return ns.get(ns.idFromName(`${prefix}${name}`));
}

export interface ClientOptions {
  /** The caller's clock (tests move it; production passes none). */
  now?: () => number;
  prefix?: string;
}

export function credentialClient(ns: CredentialNamespace, opts: ClientOptions = {}): CredentialClient {
  const now = opts.now ?? (() => Date.now());
  return {
    token: (settings, rejected = null) => credentialStub(ns, settings.name, opts.prefix).token(settings, rejected, now()),
    refused: (settings, token, reason) => credentialStub(ns, settings.name, opts.prefix).refused(settings, token, reason, now()),
  };
}

/** A token that cannot be had, as an action outcome: refused or disconnected waits; an endpoint that is down retries. */
export function tokenOutcome(t: Exclude<TokenResult, { ok: true }>): Outcome {
  // A token endpoint that just failed counts as a failed attempt; waiting out the object's backoff does not.
  if (t.status === "retry") return { kind: "retry", httpStatus: null, reason: t.reason, waitSeconds: t.waitSeconds, throttled: !t.attempted };
  return { kind: "blocked", reason: t.reason };
}

function isUnauthorised(o: Outcome): o is Extract<Outcome, { kind: "failed" }> {
  return o.kind === "failed" && o.httpStatus === 401;
}

/**
 * Sends `build(token)` with `send`. 401 → one fresh token and one retry; 401 again → the
 * credential is refused and the outcome is `blocked`. Build errors are the caller's to check first.
 */
export async function withCredential(
  client: CredentialClient,
  settings: CredentialSettings,
  build: (token: TokenOk) => OutboundRequest,
  send: (req: OutboundRequest) => Promise<Outcome>,
): Promise<{ outcome: Outcome; requests: OutboundRequest[] }> {
  const first = await client.token(settings);
  if (!first.ok) return { outcome: tokenOutcome(first), requests: [] };
  const req1 = build(first);
  const out1 = await send(req1);
  if (!isUnauthorised(out1)) return { outcome: out1, requests: [req1] };
  const second = await client.token(settings, { token: first.token, reason: out1.reason });
  if (!second.ok) return { outcome: tokenOutcome(second), requests: [req1] };
  const req2 = build(second);
  const out2 = await send(req2);
  if (!isUnauthorised(out2)) return { outcome: out2, requests: [req1, req2] };
  const after = await client.refused(settings, second.token, out2.reason);
  // Another caller replaced the token meanwhile: come back for it later rather than refuse.
  const outcome: Outcome = after.ok ? { kind: "retry", httpStatus: 401, reason: `401 twice; a newer token exists: ${out2.reason}`, waitSeconds: null, throttled: false } : tokenOutcome(after);
  return { outcome, requests: [req1, req2] };
}
