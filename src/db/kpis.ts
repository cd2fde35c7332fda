/** The morning's numbers, from read models and indexes only (no Durable Object fan-out). */

import { DAY_MS, IST_OFFSET_MS as IST_OFFSET } from "../lib/time";

/** Midnight today in India, as epoch ms. */
export function startOfIstDay(now: number): number {
  return Math.floor((now + IST_OFFSET) / DAY_MS) * DAY_MS - IST_OFFSET;
}

export interface Kpis {
  ordersToday: number;
  gmvToday: number;
  inTransit: number;
  stalled: number;
  failedAttempts: number;
  ndrRate: number | null;
  rtoRate: number | null;
  codUnconfirmed: number;
  stockoutRiskSkus: number;
  openEscalations: number;
  wismoAuto: number;
  wismoAgent: number;
  decisionsToday: Record<string, number>;
  actions: Record<string, number>;
  deadLetters: number;
}

export async function loadKpis(db: D1Database, now: number): Promise<Kpis> {
  const today = startOfIstDay(now);
  const weekAgo = now - 7 * 86_400_000;
  const [orders, journeys, rates, stock, escalations, wismo, decisions, actions, dead] = await db.batch([
    db.prepare(`SELECT count(*) AS n, coalesce(sum(total_price), 0) AS gmv FROM orders WHERE created_at >= ?`).bind(today),
    db.prepare(
      `SELECT sum(state IN ('shipped', 'in_transit', 'out_for_delivery', 'failed_attempt')) AS inTransit, sum(stalled) AS stalled,
              sum(state = 'failed_attempt') AS failed, sum(cod_pending) AS codPending FROM journeys`,
    ),
    db.prepare(
      `SELECT count(DISTINCT awb) AS shipped, count(DISTINCT CASE WHEN status IN ('failed_attempt', 'ndr') THEN awb END) AS ndr,
              count(DISTINCT CASE WHEN status IN ('rto_initiated', 'rto_delivered') OR is_return = 1 THEN awb END) AS rto
       FROM shipment_events WHERE occurred_at >= ? AND carrier != 'shopify'`,
    ).bind(weekAgo),
    db.prepare(`SELECT count(*) AS n FROM sku_stock WHERE days_of_cover_milli IS NOT NULL AND days_of_cover_milli < 14000`),
    db.prepare(`SELECT count(DISTINCT subject_id) AS n FROM decisions WHERE type = 'support_escalation' AND created_at >= ?`).bind(weekAgo),
    db.prepare(
      `SELECT sum(EXISTS (SELECT 1 FROM decisions d WHERE d.type = 'wismo_autoreply' AND d.subject_id = t.id)) AS auto, count(*) AS total
       FROM tickets t WHERE t.category = 'wismo' AND t.created_at >= ?`,
    ).bind(weekAgo),
    db.prepare(`SELECT type, count(*) AS n FROM decisions WHERE created_at >= ? GROUP BY type`).bind(today),
    db.prepare(`SELECT status, count(*) AS n FROM actions WHERE updated_at >= ? GROUP BY status`).bind(weekAgo),
    db.prepare(`SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL`),
  ]);
  const one = <T>(r: D1Result<unknown>) => (r.results[0] ?? {}) as T;
  const o = one<{ n: number; gmv: number }>(orders!);
  const j = one<{ inTransit: number | null; stalled: number | null; failed: number | null; codPending: number | null }>(journeys!);
  const r = one<{ shipped: number; ndr: number; rto: number }>(rates!);
  const w = one<{ auto: number | null; total: number }>(wismo!);
  return {
    ordersToday: o.n,
    gmvToday: o.gmv,
    inTransit: j.inTransit ?? 0,
    stalled: j.stalled ?? 0,
    failedAttempts: j.failed ?? 0,
    ndrRate: r.shipped ? r.ndr / r.shipped : null,
    rtoRate: r.shipped ? r.rto / r.shipped : null,
    codUnconfirmed: j.codPending ?? 0,
    stockoutRiskSkus: one<{ n: number }>(stock!).n,
    openEscalations: one<{ n: number }>(escalations!).n,
    wismoAuto: w.auto ?? 0,
    wismoAgent: (w.total ?? 0) - (w.auto ?? 0),
    decisionsToday: Object.fromEntries((decisions!.results as { type: string; n: number }[]).map((d) => [d.type, d.n])),
    actions: Object.fromEntries((actions!.results as { status: string; n: number }[]).map((a) => [a.status, a.n])),
    deadLetters: one<{ n: number }>(dead!).n,
  };
}
