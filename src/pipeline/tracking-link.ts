/**
 * The customer's tracking-page link for an order, as the rules receive it: signed here, in the
 * pipeline where the decision context is assembled, because the secret lives in the environment and
 * the rules are pure. None while TRACKING_SECRET or PUBLIC_URL is unset: the messages then link the
 * carrier's page by AWB, as the catalogue's template is approved for.
 */
import type { TrackingPageLink } from "../decisions/context";
import { signTrackingToken, trackingUrl } from "../lib/tracking-token";

export async function trackingPageLink(env: { TRACKING_SECRET?: string; PUBLIC_URL?: string }, orderId: string): Promise<TrackingPageLink | null> {
  if (!env.TRACKING_SECRET || !env.PUBLIC_URL) return null;
  const token = await signTrackingToken(env.TRACKING_SECRET, orderId);
  const url = trackingUrl(env.PUBLIC_URL, token);
  return url ? { token, url } : null;
}
