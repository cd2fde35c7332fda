/**
 * Unicommerce (Uniware) stock reads: `POST /services/rest/v1/inventory/inventorySnapshot/get` per
 * facility (header `Facility`), for the SKUs updated in the last `updatedSinceInMinutes` (at most
 * 1,440), with the password-grant token (`Authorization: bearer …`).
 * https://documentation.unicommerce.com/docs/inventory-snapshot.html
 */
import type { UnicommerceConfig } from "./config";
import { withCredential, type CredentialClient } from "./credentials";
import { asRecord, executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";

export const MAX_UPDATED_SINCE_MINUTES = 1440;

export interface UnicommerceDeps {
  config: UnicommerceConfig;
  credentials: CredentialClient;
  fetch: FetchFn;
  now: number;
}

/** Uniware answers HTTP 200 with `successful: false` and `errors[]` for a refused request. */
export function interpretSnapshot(status: number, body: unknown): Outcome {
  const o = asRecord(body);
  if (o?.successful === false || !Array.isArray(o?.inventorySnapshots)) {
    const first = Array.isArray(o?.errors) ? asRecord(o.errors[0]) : null;
    return { kind: "failed", httpStatus: status, reason: String(first?.description ?? first?.message ?? o?.message ?? "Unicommerce returned no inventorySnapshots"), response: body };
  }
  return { kind: "sent", httpStatus: status, externalId: null, response: body };
}

export async function fetchInventorySnapshot(deps: UnicommerceDeps, facility: string, updatedSinceInMinutes: number): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; outcome: Outcome }> {
  const minutes = Math.max(1, Math.min(MAX_UPDATED_SINCE_MINUTES, Math.ceil(updatedSinceInMinutes)));
  const { outcome } = await withCredential(
    deps.credentials,
    deps.config.credential,
    (t): OutboundRequest => ({
      method: "POST",
      url: `${deps.config.baseUrl}/services/rest/v1/inventory/inventorySnapshot/get`,
      headers: { authorization: `bearer ${t.token}`, facility, "content-type": "application/json" },
      body: { updatedSinceInMinutes: minutes },
    }),
    (req) => executeRequest(deps.fetch, req, { interpret: interpretSnapshot, now: deps.now }),
  );
  if (outcome.kind !== "sent") return { ok: false, outcome };
  return { ok: true, body: asRecord(outcome.response)! };
}
