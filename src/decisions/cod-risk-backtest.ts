/**
 * The COD risk policy measured on history: each COD order of a period scored as of its placement
 * (destination counts, the customer's record, velocity and the store's usual order as they stood
 * then, so no order's own outcome leaks into its score), then compared with how it ended. Recall:
 * of the orders that came back (RTO), how many the policy would have flagged high; false alarms:
 * of the delivered ones, how many it flagged; and the rupees on each side.
 */
import { destinationRtoRate, scoreCodRisk, type CodRiskInputs, type CodRiskScore, type PincodePlace, type RtoCount } from "./cod-risk";
import { customerFacts, storeUsualCod } from "./cod-risk-history";
import { DAY_MS, HOUR_MS } from "./format";
import type { Policy } from "./policy";

export interface CodHistoryOrder {
  id: string;
  createdAt: number;
  totalPrice: number;
  paymentMethod: "prepaid" | "cod";
  customerId: string | null;
  phone: string | null;
  pincode: string | null;
  city: string | null;
  state: string | null;
  cancelledAt: number | null;
  /** How the parcel ended and when that was known; null while still moving (or never shipped). */
  outcome: "delivered" | "rto" | null;
  resolvedAt: number | null;
  /** The first failed attempt whose carrier status names a refusal. */
  refusedAt: number | null;
  /** Address facts and hash as stored when the order was scored; null when it never was. */
  address: { chars: number; hasNumber: boolean } | null;
  addressKey: string | null;
  blocked: boolean;
}

export interface CodHistory {
  /** Every order from the lookback start to the period's end (prepaid too: they carry outcomes and history). */
  orders: CodHistoryOrder[];
  /** Directory rows by pincode for the period's pincodes; null when the directory is not loaded. */
  directory: Map<string, PincodePlace[]> | null;
  from: number;
  to: number;
}

export interface ScoredCodOrder {
  order: CodHistoryOrder;
  inputs: CodRiskInputs;
  score: CodRiskScore;
}

/** Scores each COD order placed in [from, to] as of its own placement time. */
export function scoreHistory(h: CodHistory, policy: Policy): ScoredCodOrder[] {
  const orders = [...h.orders].sort((a, b) => a.createdAt - b.createdAt);
  // Resolutions in time order, folded into per-place counts as the clock passes each order's placement.
  const resolved = orders.filter((o) => o.outcome !== null && o.resolvedAt !== null && o.pincode).sort((a, b) => a.resolvedAt! - b.resolvedAt!);
  const counts = new Map<string, RtoCount>();
  const bump = (key: string, rto: boolean) => {
    const c = counts.get(key) ?? { shipments: 0, rtos: 0 };
    c.shipments++;
    if (rto) c.rtos++;
    counts.set(key, c);
  };
  let next = 0;
  const byCustomer = new Map<string, CodHistoryOrder[]>();
  const byPhone = new Map<string, CodHistoryOrder[]>();
  const byAddress = new Map<string, CodHistoryOrder[]>();
  const push = (m: Map<string, CodHistoryOrder[]>, k: string | null, o: CodHistoryOrder) => {
    if (k) m.set(k, [...(m.get(k) ?? []), o]);
  };
  const codTotals: { at: number; total: number }[] = [];
  const out: ScoredCodOrder[] = [];
  const windowMs = policy.cod_risk.velocity.windowHours * HOUR_MS;

  for (const o of orders) {
    const t = o.createdAt;
    while (next < resolved.length && resolved[next]!.resolvedAt! < t) {
      const r = resolved[next++]!;
      const pin = r.pincode!.replace(/\D/g, "");
      const rto = r.outcome === "rto";
      if (pin.length === 6) bump(`pincode:${pin}`, rto);
      if (pin.length >= 3) bump(`prefix:${pin.slice(0, 3)}`, rto);
      bump("store", rto);
    }
    if (o.paymentMethod === "cod" && t >= h.from && t <= h.to) {
      const earlier = new Map<string, CodHistoryOrder>();
      for (const e of [...(o.customerId ? byCustomer.get(o.customerId) ?? [] : []), ...(o.phone ? byPhone.get(o.phone) ?? [] : [])]) earlier.set(e.id, e);
      const rows = [...earlier.values()].map((e) => ({
        totalPrice: e.totalPrice,
        paymentMethod: e.paymentMethod,
        cancelled: e.cancelledAt !== null && e.cancelledAt <= t,
        rto: e.outcome === "rto" && e.resolvedAt !== null && e.resolvedAt <= t,
        refused: e.refusedAt !== null && e.refusedAt <= t ? 1 : 0,
      }));
      const inWindow = (list: CodHistoryOrder[] | undefined) => (list ?? []).filter((e) => e.paymentMethod === "cod" && e.createdAt >= t - windowMs && e.createdAt < t).length;
      const pin = (o.pincode ?? "").replace(/\D/g, "");
      const inputs: CodRiskInputs = {
        order: { id: o.id, totalPrice: o.totalPrice, paymentMethod: o.paymentMethod, pincode: o.pincode, city: o.city, state: o.state, createdAt: t },
        destination: destinationRtoRate(
          { pincode: pin.length === 6 ? counts.get(`pincode:${pin}`) ?? null : null, prefix: pin.length >= 3 ? counts.get(`prefix:${pin.slice(0, 3)}`) ?? null : null, store: counts.get("store") ?? { shipments: 0, rtos: 0 } },
          policy,
        ),
        customer: customerFacts(rows, o.blocked),
        storeMedianOrderPaise: storeUsualCod(codTotals.filter((x) => x.at >= t - 30 * DAY_MS && x.at < t).map((x) => x.total)),
        address: o.address,
        directory: h.directory === null || !o.pincode ? null : h.directory.get(o.pincode) ?? [],
        velocity: { samePhone: o.phone ? inWindow(byPhone.get(o.phone)) : 0, sameAddress: o.addressKey ? inWindow(byAddress.get(o.addressKey)) : 0 },
      };
      out.push({ order: o, inputs, score: scoreCodRisk(inputs, policy) });
    }
    push(byCustomer, o.customerId, o);
    push(byPhone, o.phone, o);
    push(byAddress, o.addressKey, o);
    if (o.paymentMethod === "cod") codTotals.push({ at: t, total: o.totalPrice });
  }
  return out;
}

export interface CodBacktestReport {
  /** COD orders placed in the period and scored. */
  scored: number;
  byBand: { low: number; medium: number; high: number };
  /** Orders that came back. recall = flaggedHigh / orders (null without any). */
  rto: { orders: number; flaggedHigh: number; flaggedMediumOrHigh: number; recallHigh: number | null; recallMediumOrHigh: number | null; valuePaise: number; valueFlaggedHighPaise: number };
  /** Delivered orders the policy would have flagged (friction on good customers). */
  delivered: { orders: number; flaggedHigh: number; flaggedMediumOrHigh: number; falseAlarmRateHigh: number | null; falseAlarmRateMediumOrHigh: number | null; valueFlaggedHighPaise: number };
  /** Still moving, never shipped, or cancelled before the end: no verdict. */
  unresolved: number;
  /** Of the orders flagged high, the share that came back (null without any resolved). */
  precisionHigh: number | null;
  /** A few high-flagged orders with their reasons. */
  samples: { orderId: string; band: string; score: number; outcome: string | null; reasons: string[] }[];
}

const share = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);

/** Recall, false alarms and rupees of the COD policy over scored history. */
export function codBacktestReport(scored: readonly ScoredCodOrder[], samples = 5): CodBacktestReport {
  const byBand = { low: 0, medium: 0, high: 0 };
  const rto = { orders: 0, flaggedHigh: 0, flaggedMediumOrHigh: 0, valuePaise: 0, valueFlaggedHighPaise: 0 };
  const delivered = { orders: 0, flaggedHigh: 0, flaggedMediumOrHigh: 0, valueFlaggedHighPaise: 0 };
  let unresolved = 0;
  for (const { order, score } of scored) {
    byBand[score.band]++;
    const high = score.band === "high";
    const flagged = score.band !== "low";
    if (order.outcome === "rto") {
      rto.orders++;
      rto.valuePaise += order.totalPrice;
      if (high) {
        rto.flaggedHigh++;
        rto.valueFlaggedHighPaise += order.totalPrice;
      }
      if (flagged) rto.flaggedMediumOrHigh++;
    } else if (order.outcome === "delivered") {
      delivered.orders++;
      if (high) {
        delivered.flaggedHigh++;
        delivered.valueFlaggedHighPaise += order.totalPrice;
      }
      if (flagged) delivered.flaggedMediumOrHigh++;
    } else unresolved++;
  }
  return {
    scored: scored.length,
    byBand,
    rto: { ...rto, recallHigh: share(rto.flaggedHigh, rto.orders), recallMediumOrHigh: share(rto.flaggedMediumOrHigh, rto.orders) },
    delivered: { ...delivered, falseAlarmRateHigh: share(delivered.flaggedHigh, delivered.orders), falseAlarmRateMediumOrHigh: share(delivered.flaggedMediumOrHigh, delivered.orders) },
    unresolved,
    precisionHigh: share(rto.flaggedHigh, rto.flaggedHigh + delivered.flaggedHigh),
    samples: scored
      .filter((s) => s.score.band === "high")
      .slice(0, samples)
      .map((s) => ({ orderId: s.order.id, band: s.score.band, score: s.score.score, outcome: s.order.outcome, reasons: s.score.factors.map((f) => f.reason) })),
  };
}
