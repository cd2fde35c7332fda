/**
 * RTO counted in rupees: RTO shipments (counted by week, carrier and destination pincode prefix)
 * priced at each carrier's forward + reverse freight from the policy, and the RTOs the COD
 * confirmation avoided (COD orders cancelled before shipping × the average RTO cost). Pure.
 */
import { rtoCostPaise, type NdrRtoPolicy } from "./ndr-rto-policy";

export interface RtoCountRow {
  /** 0 = the oldest week of the window. */
  week: number;
  carrier: string;
  /** First three digits of the destination pincode ('' when unknown). */
  prefix: string;
  n: number;
}

export interface RtoLine { key: string; shipments: number; paise: number }

export interface RtoSummary {
  /** Oldest first; the last is this week. */
  weeks: { start: number; shipments: number; paise: number }[];
  thisWeek: { shipments: number; paise: number; byCarrier: RtoLine[]; byPrefix: RtoLine[] };
  /** Mean cost of one RTO over the window (the policy's default rate when there was none). */
  averagePaise: number;
  saved: { thisWeek: { orders: number; paise: number }; window: { orders: number; paise: number } };
}

function lines(rows: RtoCountRow[], key: (r: RtoCountRow) => string, policy: NdrRtoPolicy): RtoLine[] {
  const by = new Map<string, RtoLine>();
  for (const r of rows) {
    const k = key(r);
    const line = by.get(k) ?? { key: k, shipments: 0, paise: 0 };
    line.shipments += r.n;
    line.paise += r.n * rtoCostPaise(policy, r.carrier);
    by.set(k, line);
  }
  return [...by.values()].sort((a, b) => b.paise - a.paise || a.key.localeCompare(b.key));
}

export function summariseRto(
  rows: readonly RtoCountRow[],
  codCancelledByWeek: readonly { week: number; n: number }[],
  policy: NdrRtoPolicy,
  window: { since: number; weeks: number; weekMs: number },
): RtoSummary {
  const inWindow = rows.filter((r) => r.week >= 0 && r.week < window.weeks);
  const weeks = Array.from({ length: window.weeks }, (_, i) => ({ start: window.since + i * window.weekMs, shipments: 0, paise: 0 }));
  for (const r of inWindow) {
    weeks[r.week]!.shipments += r.n;
    weeks[r.week]!.paise += r.n * rtoCostPaise(policy, r.carrier);
  }
  const last = window.weeks - 1;
  const current = inWindow.filter((r) => r.week === last);
  const total = weeks.reduce((a, w) => ({ shipments: a.shipments + w.shipments, paise: a.paise + w.paise }), { shipments: 0, paise: 0 });
  const averagePaise = total.shipments ? Math.round(total.paise / total.shipments) : rtoCostPaise(policy, null);
  const cancelledNow = codCancelledByWeek.filter((c) => c.week === last).reduce((n, c) => n + c.n, 0);
  const cancelledAll = codCancelledByWeek.filter((c) => c.week >= 0 && c.week < window.weeks).reduce((n, c) => n + c.n, 0);
  return {
    weeks,
    thisWeek: {
      shipments: weeks[last]!.shipments,
      paise: weeks[last]!.paise,
      byCarrier: lines(current, (r) => r.carrier, policy),
      byPrefix: lines(current, (r) => r.prefix || "unknown", policy),
    },
    averagePaise,
    saved: { thisWeek: { orders: cancelledNow, paise: cancelledNow * averagePaise }, window: { orders: cancelledAll, paise: cancelledAll * averagePaise } },
  };
}

/** The start (epoch ms) of the local calendar week (Monday 00:00) containing `now`, `weeksBack` weeks earlier. */
export function weekStart(now: number, utcOffsetMinutes: number, weeksBack = 0): number {
  const offset = utcOffsetMinutes * 60_000;
  const local = new Date(now + offset);
  const dow = (local.getUTCDay() + 6) % 7; // Monday = 0
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - dow * 86_400_000;
  return midnight - offset - weeksBack * 7 * 86_400_000;
}
