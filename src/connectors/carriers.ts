/**
 * Carrier tracking reads for the quiet-parcel pull, through the same credentials and outcome
 * classification as the outbox: Shiprocket `GET /v1/external/courier/track/awb/{awb}` with the
 * login token (https://apidocs.shiprocket.in/, "Get Tracking through AWB"), Delhivery
 * `GET /api/v1/packages/json/?waybill=` with its API token. The caller stores the answer as a raw
 * event and ingests it like a push (src/jobs/carrier-pull.ts).
 */
import type { ConnectorConfig } from "./config";
import { withCredential, type CredentialClient } from "./credentials";
import { executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";

export type TrackResult = { ok: true; body: string } | { ok: false; outcome: Outcome } | null;

export interface TrackDeps {
  config: ConnectorConfig;
  credentials: CredentialClient;
  fetch: FetchFn;
}

/** The carrier's answer for one AWB (as JSON text), or null when that carrier has no credentials. */
export async function trackParcel(deps: TrackDeps, source: "shiprocket" | "delhivery", awb: string): Promise<TrackResult> {
  let outcome: Outcome;
  if (source === "shiprocket") {
    const sr = deps.config.shiprocket;
    if (!sr) return null;
    ({ outcome } = await withCredential(
      deps.credentials,
      sr.credential,
      (t): OutboundRequest => ({ method: "GET", url: `${sr.baseUrl}/v1/external/courier/track/awb/${encodeURIComponent(awb)}`, headers: { authorization: `Bearer ${t.token}` }, body: null }),
      (req) => executeRequest(deps.fetch, req),
    ));
  } else {
    const dl = deps.config.delhivery;
    if (!dl) return null;
    outcome = await executeRequest(deps.fetch, { method: "GET", url: `${dl.baseUrl}/api/v1/packages/json/?waybill=${encodeURIComponent(awb)}`, headers: { authorization: `Token ${dl.apiToken}` }, body: null });
  }
  return outcome.kind === "sent" ? { ok: true, body: JSON.stringify(outcome.response) } : { ok: false, outcome };
}
