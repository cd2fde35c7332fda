/**
 * Credential: one object per vendor credential (`idFromName("shopify")`, "zoho", …). It is the
 * cache and the lock: a token is minted once and handed to every caller until a few minutes before
 * it expires; concurrent callers that find it stale wait on the one refresh in flight. Tokens and
 * refresh tokens are kept sealed (AES-GCM, key from CREDENTIALS_KEY) in the object's SQLite
 * storage and in memory; they leave the object only as the answer to `token()`, for the one
 * outbound request that needs them, and are never logged.
 *
 * A credential the vendor refuses for good (revoked, wrong secret, a second 401) becomes
 * `unauthorised` until its settings change (a new secret) or a new install arrives; the change
 * releases the actions that waited as `blocked`. A token endpoint that is down is retried with
 * backoff while the token in hand is still valid.
 */
import { DurableObject } from "cloudflare:workers";
import {
  LIFETIME_MS, MINT_LIMIT, mintToken, renewMarginMs,
  type CredentialName, type CredentialSettings, type Grant, type MintResult,
  type TokenResult,
} from "../connectors/credential-grants";
import { enqueueActions } from "../db/actions";
import { releaseBlockedActions, setConnectorStatus } from "../db/connectors";
import { sha256Hex } from "../lib/crypto";
import { logEvent } from "../lib/log";
import { seal, unseal } from "../lib/sealed";

export type { TokenResult };

/** What `GET /api/connectors` and `npm run doctor` show: never a token, only whether one is held. */
export interface CredentialView {
  name: string;
  mode: Grant | "oauth";
  status: "ok" | "unauthorised" | "disconnected" | "not_connected";
  reason: string | null;
  statusSince: string | null;
  tokenHeld: boolean;
  tokenExpiresAt: string | null;
  refreshTokenHeld: boolean;
  shop: string | null;
  apiDomain: string | null;
  lastMintedAt: string | null;
  tokenEndpointFailures: number;
  nextTokenAttemptAt: string | null;
  lastTokenError: string | null;
  encryptedAtRest: boolean;
}

interface Stored {
  access: string | null;
  accessExpiresAt: number | null;
  refresh: string | null;
  refreshExpiresAt: number | null;
  previousRefresh: string | null;
  shop: string | null;
  apiDomain: string | null;
  scope: string | null;
  status: "ok" | "unauthorised" | "disconnected";
  statusReason: string | null;
  statusAt: number | null;
  /** sha256 of the settings that were refused: the same settings stay refused, new ones are tried. */
  refusedFingerprint: string | null;
  /** sha256 of the settings the held token was minted with: changed settings mint afresh. */
  mintedFingerprint: string | null;
  failures: number;
  nextTryAt: number | null;
  lastError: string | null;
  mintedAt: number | null;
  mints: number[];
  /** When an OAuth install stored this credential's pair (cleared by app/uninstalled). */
  installedAt: number | null;
}

interface Plain {
  access: string | null;
  refresh: string | null;
  previousRefresh: string | null;
}

const SCHEMA_VERSION = 1;
const EMPTY: Stored = {
  access: null, accessExpiresAt: null, refresh: null, refreshExpiresAt: null, previousRefresh: null, shop: null, apiDomain: null, scope: null,
  status: "ok", statusReason: null, statusAt: null, refusedFingerprint: null, mintedFingerprint: null,
  failures: 0, nextTryAt: null, lastError: null, mintedAt: null, mints: [], installedAt: null,
};

const VENDOR: Record<CredentialName, string> = { shopify: "Shopify", zoho: "Zoho", shiprocket: "Shiprocket", unicommerce: "Unicommerce" };

/** Token endpoint down: 30 s, 60 s, 2 min … capped at 30 min. */
export function tokenBackoffMs(failures: number): number {
  return Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, failures - 1));
}

export class Credential extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private s: Stored = { ...EMPTY };
  private plain: Plain = { access: null, refresh: null, previousRefresh: null };
  private inflight: Promise<TokenResult> | null = null;
  private name: CredentialName | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, name TEXT)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`);
      const meta = this.sql.exec<{ version: number; name: string | null }>(`SELECT version, name FROM meta WHERE id = 1`).toArray()[0];
      if (!meta) this.sql.exec(`INSERT INTO meta (id, version, name) VALUES (1, ?, NULL)`, SCHEMA_VERSION);
      this.name = (meta?.name as CredentialName | null) ?? null;
      const row = this.sql.exec<{ body: string }>(`SELECT body FROM state WHERE id = 1`).toArray()[0];
      if (row) this.s = { ...EMPTY, ...(JSON.parse(row.body) as Partial<Stored>) };
      if (this.name) await this.openSealed(this.name);
    });
  }

  /**
   * A token for one outbound request. `rejected` is the token the vendor just answered 401 to:
   * it is dropped and one refresh runs (or, if another caller already refreshed, the new token is
   * returned). A static token that is rejected has nothing to refresh: the credential is refused.
   */
  async token(settings: CredentialSettings, rejected: { token: string; reason: string } | null = null, now = Date.now()): Promise<TokenResult> {
    await this.bind(settings.name);
    const fp = await fingerprint(settings);
    const gate = this.gate(settings, fp);
    if (gate) return gate;
    const wasRefused = this.s.status !== "ok";
    if (wasRefused) this.reopen(); // new settings: try them
    if (settings.grant === "static") {
      if (rejected && rejected.token === settings.token) return this.refuse(settings, fp, `${VENDOR[settings.name]} refused the token set in ${staticTokenName(settings.name)} (${rejected.reason})`, now);
      if (wasRefused) await this.recovered(settings.name, now);
      return { ok: true, token: settings.token, expiresAt: null, shop: "shop" in settings ? settings.shop : null, apiDomain: null };
    }
    if (rejected && rejected.token === this.plain.access) {
      this.plain.access = null;
      this.s.access = null;
      this.s.accessExpiresAt = null;
      this.save();
    }
    if (this.s.mintedFingerprint !== fp && this.mode(settings) !== "oauth") this.dropAccess();
    const held = this.heldToken(now);
    // A non-expiring install (no expiry, no refresh token) is used as it is.
    if (held && (!this.renewDue(settings, now) || (this.mode(settings) === "oauth" && !this.plain.refresh))) {
      if (wasRefused) await this.recovered(settings.name, now);
      return held;
    }
    if (!this.inflight) {
      this.inflight = this.refresh(settings, fp, now, wasRefused).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** The vendor answered 401 to a token just refreshed: the credential is refused for good. */
  async refused(settings: CredentialSettings, token: string, reason: string, now = Date.now()): Promise<TokenResult> {
    await this.bind(settings.name);
    const fp = await fingerprint(settings);
    if (this.s.status !== "ok") return this.gate(settings, fp) ?? { ok: false, status: "unauthorised", reason: this.s.statusReason ?? reason };
    const current = settings.grant === "static" ? settings.token : this.plain.access;
    if (current !== token) {
      const held = this.heldToken(now);
      if (held) return held; // someone already replaced it: the caller may try the new one
    }
    return this.refuse(settings, fp, `${VENDOR[settings.name]} answered 401 to a freshly issued token (${reason})`, now);
  }

  /** Stores the pair from an OAuth install (Shopify authorization code grant) and releases what waited. */
  async install(name: CredentialName, shop: string, pair: Extract<MintResult, { kind: "token" }>, now = Date.now()): Promise<void> {
    await this.bind(name);
    if (!this.env.CREDENTIALS_KEY) throw new Error("CREDENTIALS_KEY is not set: refresh tokens cannot be stored");
    this.reopen();
    this.s.shop = shop;
    this.s.installedAt = now;
    // A new install replaces whatever pair was held before.
    this.plain = { access: null, refresh: null, previousRefresh: null };
    await this.keep(name, pair, null, now);
    // Whatever waited (uninstalled, refused, or not yet connected) goes out now.
    await this.recovered(name, now);
    logEvent("credential_installed", { credential: name, shop });
  }

  /** app/uninstalled: the tokens are void; nothing more is sent until a new install (or new settings). */
  async disconnect(settings: CredentialSettings | null, name: CredentialName, reason: string, now = Date.now()): Promise<void> {
    await this.bind(name);
    const fp = settings ? await fingerprint(settings) : null;
    this.plain = { access: null, refresh: null, previousRefresh: null };
    this.s = { ...this.s, access: null, accessExpiresAt: null, refresh: null, refreshExpiresAt: null, previousRefresh: null, installedAt: null, status: "disconnected", statusReason: reason, statusAt: now, refusedFingerprint: fp };
    this.save();
    await setConnectorStatus(this.env.DB, name, "disconnected", reason, now);
    logEvent("credential_disconnected", { credential: name });
  }

  /** The sweep's question for a refused credential: do its (possibly new) settings work now? */
  async recheck(settings: CredentialSettings, now = Date.now()): Promise<TokenResult | null> {
    await this.bind(settings.name);
    if (this.s.status === "ok") return null;
    if (this.s.refusedFingerprint === (await fingerprint(settings)) || (this.s.status === "disconnected" && settings.grant === "authorization_code")) return null;
    return this.token(settings, null, now);
  }

  async describe(settings: CredentialSettings | null, now = Date.now()): Promise<CredentialView> {
    const mode = settings ? this.mode(settings) : "static";
    const fp = settings ? await fingerprint(settings) : null;
    const refusedStill = this.s.status === "unauthorised" && this.s.refusedFingerprint === fp;
    const notConnected = mode === "authorization_code";
    const status: CredentialView["status"] =
      this.s.status === "disconnected" ? "disconnected" : refusedStill ? "unauthorised" : notConnected ? "not_connected" : "ok";
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const tokenHeld = settings?.grant === "static" ? true : Boolean(this.plain.access && (this.s.accessExpiresAt ?? Infinity) > now);
    return {
      name: settings?.name ?? this.name ?? "unknown",
      mode,
      status,
      reason: status === "not_connected" ? "no store installed yet: open /shopify/install?shop=<store>.myshopify.com" : status === "ok" ? null : this.s.statusReason,
      statusSince: status === "ok" || status === "not_connected" ? null : iso(this.s.statusAt),
      tokenHeld,
      tokenExpiresAt: settings?.grant === "static" ? null : tokenHeld ? iso(this.s.accessExpiresAt) : null,
      refreshTokenHeld: Boolean(this.plain.refresh) || settings?.grant === "refresh_token",
      shop: this.s.shop ?? (settings && "shop" in settings ? settings.shop : null),
      apiDomain: this.s.apiDomain,
      lastMintedAt: iso(this.s.mintedAt),
      tokenEndpointFailures: this.s.failures,
      nextTokenAttemptAt: iso(this.s.nextTryAt),
      lastTokenError: this.s.lastError,
      encryptedAtRest: Boolean(this.env.CREDENTIALS_KEY),
    };
  }

  // ——— internals ———

  private async bind(name: CredentialName): Promise<void> {
    if (this.name === name) return;
    if (this.name && this.name !== name) throw new Error(`credential object for ${this.name} asked for ${name}`);
    this.name = name;
    this.sql.exec(`UPDATE meta SET name = ? WHERE id = 1`, name);
    await this.openSealed(name);
  }

  /** OAuth install held (Shopify): the refresh-token flow wins over client credentials. */
  private mode(settings: CredentialSettings): Grant | "oauth" {
    if (settings.name === "shopify" && settings.grant !== "static" && this.s.installedAt !== null && this.s.shop) return "oauth";
    return settings.grant;
  }

  private gate(settings: CredentialSettings, fp: string): TokenResult | null {
    // Disconnected (app uninstalled) until a new install, or, for a token set by hand, new settings.
    if (this.s.status === "disconnected" && (settings.grant === "authorization_code" || this.s.refusedFingerprint === fp)) {
      return { ok: false, status: "disconnected", reason: this.s.statusReason ?? `${VENDOR[settings.name]} disconnected` };
    }
    if (this.s.status === "unauthorised" && this.s.refusedFingerprint === fp) return { ok: false, status: "unauthorised", reason: this.s.statusReason ?? "refused" };
    if (this.mode(settings) === "authorization_code") {
      return { ok: false, status: "not_connected", reason: "Shopify store not connected yet: install the app through /shopify/install?shop=<store>.myshopify.com" };
    }
    return null;
  }

  private heldToken(now: number): TokenResult | null {
    if (!this.plain.access || (this.s.accessExpiresAt !== null && this.s.accessExpiresAt <= now)) return null;
    return { ok: true, token: this.plain.access, expiresAt: this.s.accessExpiresAt, shop: this.s.shop, apiDomain: this.s.apiDomain };
  }

  private renewDue(settings: CredentialSettings, now: number): boolean {
    if (this.s.accessExpiresAt === null) return false;
    const lifetime = this.s.mintedAt !== null ? this.s.accessExpiresAt - this.s.mintedAt : (LIFETIME_MS[settings.name][settings.grant] ?? 3_600_000);
    return now >= this.s.accessExpiresAt - renewMarginMs(lifetime);
  }

  private async refresh(settings: CredentialSettings, fp: string, now: number, wasRefused: boolean): Promise<TokenResult> {
    const held = this.heldToken(now);
    const waitUntil = Math.max(this.s.nextTryAt ?? 0, this.mintLimitUntil(settings.name, now));
    if (waitUntil > now) {
      return held ?? { ok: false, status: "retry", reason: this.s.lastError ?? `${VENDOR[settings.name]} token endpoint backing off`, waitSeconds: Math.ceil((waitUntil - now) / 1000), attempted: false };
    }
    const mintSettings: CredentialSettings =
      this.mode(settings) === "oauth" && settings.name === "shopify" && settings.grant !== "static"
        ? { name: "shopify", grant: "authorization_code", clientId: settings.clientId, clientSecret: settings.clientSecret, adminBaseUrl: settings.adminBaseUrl }
        : settings;
    const usedRefresh = this.plain.refresh;
    const result = await mintToken((u, i) => fetch(u, i), mintSettings, { current: this.plain.refresh, previous: this.plain.previousRefresh, shop: this.s.shop }, now);
    switch (result.kind) {
      case "token": {
        await this.keep(settings.name, result, usedRefresh, now, fp);
        this.s.mints = [...this.s.mints.filter((t) => t > now - 3_600_000), now];
        this.save();
        if (wasRefused) await this.recovered(settings.name, now);
        return this.heldToken(now) ?? { ok: true, token: result.accessToken, expiresAt: result.expiresAt, shop: this.s.shop, apiDomain: this.s.apiDomain };
      }
      case "retry": {
        this.s.failures += 1;
        this.s.lastError = result.reason;
        const waitMs = result.waitSeconds !== null ? result.waitSeconds * 1000 : tokenBackoffMs(this.s.failures);
        this.s.nextTryAt = now + waitMs;
        this.save();
        logEvent("credential_token_endpoint_retry", { credential: settings.name, failures: this.s.failures, httpStatus: result.httpStatus });
        // The token in hand is still good until it expires: keep using it.
        return held ?? { ok: false, status: "retry", reason: result.reason, waitSeconds: Math.ceil(waitMs / 1000), attempted: true };
      }
      case "rejected":
        return this.refuse(settings, fp, result.reason, now);
    }
  }

  private mintLimitUntil(name: CredentialName, now: number): number {
    const limit = MINT_LIMIT[name];
    if (!limit) return 0;
    const recent = this.s.mints.filter((t) => t > now - limit.windowMs).sort((a, b) => a - b);
    return recent.length >= limit.count ? recent[recent.length - limit.count]! + limit.windowMs : 0;
  }

  /** Keeps a new pair. A refresh that returned no new refresh token keeps the one in hand. */
  private async keep(name: CredentialName, r: Extract<MintResult, { kind: "token" }>, usedRefresh: string | null, now: number, fp: string | null = null): Promise<void> {
    const key = this.env.CREDENTIALS_KEY;
    const rotated = r.refreshToken !== null && r.refreshToken !== this.plain.refresh;
    const refresh = r.refreshToken ?? this.plain.refresh;
    const previous = rotated ? (usedRefresh ?? this.plain.refresh) : this.plain.previousRefresh;
    const sealedAccess = key ? await seal(key, `credential:${name}:access`, r.accessToken) : null;
    const sealedRefresh = key && refresh ? await seal(key, `credential:${name}:refresh`, refresh) : null;
    const sealedPrevious = key && previous ? await seal(key, `credential:${name}:refresh`, previous) : null;
    // No await from here to save(): the pair is written together.
    this.plain = { access: r.accessToken, refresh, previousRefresh: previous };
    this.s.access = sealedAccess;
    this.s.refresh = sealedRefresh;
    this.s.previousRefresh = sealedPrevious;
    this.s.accessExpiresAt = r.expiresAt;
    if (r.refreshExpiresAt !== null || rotated) this.s.refreshExpiresAt = r.refreshExpiresAt;
    if (r.apiDomain) this.s.apiDomain = r.apiDomain;
    if (r.scope) this.s.scope = r.scope;
    this.s.mintedAt = now;
    if (fp) this.s.mintedFingerprint = fp;
    this.s.failures = 0;
    this.s.nextTryAt = null;
    this.s.lastError = null;
    this.save();
  }

  private dropAccess(): void {
    this.plain.access = null;
    this.s.access = null;
    this.s.accessExpiresAt = null;
  }

  private reopen(): void {
    this.s.status = "ok";
    this.s.statusReason = null;
    this.s.refusedFingerprint = null;
    this.s.failures = 0;
    this.s.nextTryAt = null;
  }

  private async refuse(settings: CredentialSettings, fp: string, reason: string, now: number): Promise<TokenResult> {
    const first = this.s.status !== "unauthorised";
    this.dropAccess();
    this.s.status = "unauthorised";
    this.s.statusReason = reason;
    this.s.statusAt = first ? now : (this.s.statusAt ?? now);
    this.s.refusedFingerprint = fp;
    this.save();
    if (first) {
      await setConnectorStatus(this.env.DB, settings.name, "unauthorised", reason, now);
      // One alert per refusal: the key names the moment the credential was refused.
      await enqueueActions(
        this.env,
        {
          decisionId: null,
          subjectType: "connector",
          subjectId: settings.name,
          keyPrefix: `credential:${settings.name}:unauthorised:${this.s.statusAt}`,
          specs: [{ kind: "email.ops_alert", connector: "email", params: { subject: `${VENDOR[settings.name]} credentials refused: its actions are waiting`, text: `${reason}\n\nActions for ${VENDOR[settings.name]} wait as "blocked" and are sent once a working credential is set (see README, "Connecting each vendor"); npm run doctor shows the state.` } }],
        },
        now,
      );
      logEvent("credential_unauthorised", { credential: settings.name });
    }
    return { ok: false, status: "unauthorised", reason };
  }

  private async recovered(name: CredentialName, now: number): Promise<void> {
    await setConnectorStatus(this.env.DB, name, "ok", null, now);
    const released = await releaseBlockedActions(this.env, name, now);
    logEvent("credential_recovered", { credential: name, released });
  }

  private async openSealed(name: CredentialName): Promise<void> {
    const key = this.env.CREDENTIALS_KEY;
    if (!key) return;
    const open = (v: string | null, field: string) => (v ? unseal(key, `credential:${name}:${field}`, v) : Promise.resolve(null));
    this.plain = {
      access: await open(this.s.access, "access"),
      refresh: await open(this.s.refresh, "refresh"),
      previousRefresh: await open(this.s.previousRefresh, "refresh"),
    };
  }

  private save(): void {
    this.sql.exec(`INSERT INTO state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, JSON.stringify(this.s));
  }
}

function staticTokenName(name: CredentialName): string {
  return { shopify: "SHOPIFY_ADMIN_TOKEN", zoho: "ZOHO_ACCESS_TOKEN", shiprocket: "SHIPROCKET_API_TOKEN", unicommerce: "UNICOMMERCE_PASSWORD" }[name];
}

async function fingerprint(settings: CredentialSettings): Promise<string> {
  return sha256Hex(JSON.stringify(settings));
}

