/**
 * The `ndr_rto` policy section: how an NDR is resolved when the customer says nothing, how far a
 * typed new date may push a delivery, and what an RTO costs per carrier (forward + reverse, ₹).
 * Ranges as every policy number has them (docs/policies.md).
 */
import { z } from "zod";

function bounded(min: number, max: number, unit: string, opts: { int?: boolean } = {}) {
  const range = `must be ${opts.int ? "a whole number " : ""}from ${min} to ${max} ${unit}`;
  const n = z.number({ error: range });
  return (opts.int ? n.int({ error: range }) : n).min(min, { error: range }).max(max, { error: range });
}

/** Freight per shipment: ₹0 to ₹5,000 each way. */
const FreightPaise = bounded(0, 500_000, "paise (₹0 to ₹5,000)", { int: true });
const RtoCost = z.strictObject({ forwardPaise: FreightPaise, reversePaise: FreightPaise });
export type RtoCost = z.infer<typeof RtoCost>;

export const NdrRtoPolicy = z.strictObject({
  /** Hours after the failed-attempt question (or the failed attempt, when none went out) before the default action runs. */
  ndrNoAnswerHours: bounded(1, 168, "hours"),
  /**
   * The default action with no answer: re-attempt while the shipment has failed at most this many
   * times, return on the next failed attempt (once). 0 returns at the first unanswered NDR.
   */
  ndrDefaultReattempts: bounded(0, 3, "re-attempts", { int: true }),
  /** A typed date further than this many days ahead is not passed to the carrier (Delhivery defers at most 6 days from the first pending date). */
  ndrMaxDeferDays: bounded(1, 14, "days", { int: true }),
  /** What an RTO costs: the forward freight already paid plus the reverse freight, per carrier (the names route stats use), else `default`. */
  rtoCost: z.strictObject({
    default: RtoCost,
    carriers: z.record(z.string().regex(/^[a-z0-9_-]{1,40}$/, "a carrier name as route stats write it, e.g. delhivery"), RtoCost),
  }),
  /** Weeks of RTO cost the dashboard trend shows. */
  rtoTrendWeeks: bounded(2, 26, "weeks", { int: true }),
});
export type NdrRtoPolicy = z.infer<typeof NdrRtoPolicy>;

/**
 * Defaults: one re-attempt after 24 h of silence, then return. Freight figures are typical
 * 0.5 kg surface rate-card numbers; each brand sets its own contracted rates.
 */
export const DEFAULT_NDR_RTO_POLICY: NdrRtoPolicy = {
  ndrNoAnswerHours: 24,
  ndrDefaultReattempts: 1,
  ndrMaxDeferDays: 6,
  rtoCost: {
    default: { forwardPaise: 7_000, reversePaise: 6_000 },
    carriers: {
      delhivery: { forwardPaise: 6_500, reversePaise: 5_500 },
      xpressbees: { forwardPaise: 6_000, reversePaise: 5_000 },
      bluedart: { forwardPaise: 9_500, reversePaise: 8_500 },
      ekart: { forwardPaise: 6_000, reversePaise: 5_000 },
    },
  },
  rtoTrendWeeks: 8,
};

/** Forward + reverse for one carrier, the default when the policy names no rate for it. */
export function rtoCostPaise(policy: NdrRtoPolicy, carrier: string | null): number {
  const c = (carrier && policy.rtoCost.carriers[carrier]) || policy.rtoCost.default;
  return c.forwardPaise + c.reversePaise;
}
