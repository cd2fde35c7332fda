/**
 * GET /api/connectors: every connector with its mode, whether a token is held and until when, the
 * last call and its outcome, and what is missing. Never a token or a secret.
 */
import { Hono } from "hono";
import { configFromEnv } from "../../connectors/config";
import { credentialStub } from "../../connectors/credentials";
import { connectorSetup } from "../../connectors/setup";
import { blockedActionCounts, listConnectorStatus } from "../../db/connectors";

export const connectorsApi = new Hono<{ Bindings: Env }>();

connectorsApi.get("/", async (c) => {
  const config = configFromEnv(c.env);
  const setup = connectorSetup(c.env, config);
  const [rows, blocked] = await Promise.all([listConnectorStatus(c.env.DB), blockedActionCounts(c.env.DB)]);
  const byName = new Map(rows.map((r) => [r.connector, r]));
  const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const connectors = await Promise.all(
    setup.map(async (s) => {
      const settings = s.credential ? ({ shopify: config.shopify, zoho: config.zoho, shiprocket: config.shiprocket, unicommerce: config.unicommerce }[s.credential]?.credential ?? null) : null;
      const view = s.credential && settings ? await credentialStub(c.env.CREDENTIAL, s.credential).describe(settings) : null;
      const row = byName.get(s.connector);
      const state = view?.status ?? (s.mode === "dry-run" ? "dry_run" : "ok");
      return {
        connector: s.connector,
        mode: view?.mode === "oauth" ? "OAuth install" : s.mode,
        status: state,
        reason: view?.reason ?? null,
        token: view
          ? { held: view.tokenHeld, expiresAt: view.tokenExpiresAt, refreshTokenHeld: view.refreshTokenHeld, lastMintedAt: view.lastMintedAt, encryptedAtRest: view.encryptedAtRest, shop: view.shop, apiDomain: view.apiDomain, tokenEndpointFailures: view.tokenEndpointFailures, nextTokenAttemptAt: view.nextTokenAttemptAt, lastTokenError: view.lastTokenError }
          : null,
        lastCall: row?.lastCallAt ? { at: iso(row.lastCallAt), outcome: row.lastOutcome, httpStatus: row.lastHttpStatus, error: row.lastError } : null,
        blockedActions: blocked[s.connector] ?? 0,
        missing: s.missing,
        notes: s.notes,
        summary: summarise(s.mode, state, view?.reason ?? null, s.missing, view?.tokenExpiresAt ?? null),
      };
    }),
  );
  return c.json({ connectors });
});

function summarise(mode: string, state: string, reason: string | null, missing: string[], until: string | null): string {
  if (state === "dry_run") return `dry-run: requests are recorded, nothing is sent. To go live set ${missing.join("; ")}.`;
  if (state === "unauthorised") return `refused: ${reason}. Its actions wait as blocked until the credential is fixed.`;
  if (state === "disconnected") return `disconnected: ${reason}.`;
  if (state === "not_connected") return `not connected: ${reason}.`;
  return `live (${mode})${until ? `, token valid until ${until}` : ""}${missing.length ? `; still missing: ${missing.join("; ")}` : ""}.`;
}
