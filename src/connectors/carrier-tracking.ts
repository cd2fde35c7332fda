/**
 * Carrier tracking reads for parcels gone quiet: Shiprocket's `courier/track/awb/{awb}` and
 * Delhivery's `packages/json/?waybill=`. Each answers with the same shape its push would carry
 * (see test/fixtures/vendor), so the response is ingested like a webhook.
 */

export type TrackingPlatform = "shiprocket" | "delhivery";

/** The tracking request for an AWB on a platform, or null when that platform has no credentials. */
export function trackingRequest(env: Env, platform: TrackingPlatform, awb: string): Request | null {
  if (platform === "shiprocket" && env.SHIPROCKET_API_TOKEN) {
    return new Request(`https://apiv2.shiprocket.in/v1/external/courier/track/awb/${encodeURIComponent(awb)}`, { headers: { authorization: `Bearer ${env.SHIPROCKET_API_TOKEN}` } });
  }
  if (platform === "delhivery" && env.DELHIVERY_API_TOKEN) {
    return new Request(`https://track.delhivery.com/api/v1/packages/json/?waybill=${encodeURIComponent(awb)}`, { headers: { authorization: `Token ${env.DELHIVERY_API_TOKEN}` } });
  }
  return null;
}

/** The tracking response body, or null when the platform is not configured or the call failed. */
export async function pullTracking(env: Env, platform: TrackingPlatform, awb: string): Promise<{ body: string } | { failed: true } | null> {
  const req = trackingRequest(env, platform, awb);
  if (!req) return null;
  const res = await fetch(req).catch(() => null);
  if (!res?.ok) return { failed: true };
  return { body: await res.text() };
}
