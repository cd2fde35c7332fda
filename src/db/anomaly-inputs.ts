/** What the anomaly rules read: orders per hour, daily SKU sales, unscanned fulfilments, events per source per hour. */
import type { AnomalyContext, HourCounts } from "../decisions/context";
import type { Policy } from "../decisions/policy";
import { kvGet, kvKeys } from "./kv";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** How far back the daily-seller test looks. */
const SKU_DAYS = 28;

/** The webhook sources, as raw_events.source names them. */
import { WEBHOOK_SOURCES } from "../canonical/vocabulary";

export { WEBHOOK_SOURCES };

/** Orders per UTC hour since `since` (by created_at), with what the rates count. */
export async function ordersPerHour(db: D1Database, since: number): Promise<HourCounts[]> {
  const { results } = await db
    .prepare(
      `SELECT (created_at / ${HOUR_MS}) * ${HOUR_MS} AS hourStart, count(*) AS orders,
              sum(payment_method = 'cod') AS cod, sum(cancelled_at IS NOT NULL) AS cancelled,
              sum(lower(coalesce(financial_status, '')) IN ('refunded', 'partially_refunded')) AS refunded,
              sum(payment_method != 'cod') AS prepaid,
              sum(payment_method != 'cod' AND lower(coalesce(financial_status, '')) = 'pending') AS prepaidPending
       FROM orders WHERE created_at >= ? GROUP BY 1 ORDER BY 1`,
    )
    .bind(since)
    .all<HourCounts>();
  return results;
}

/** When a raw event was sent: the source's trigger time (Shopify's X-Shopify-Triggered-At), capped at receipt. */
const SENT_AT = "min(coalesce(triggered_at, received_at), received_at)";

export async function loadAnomalyContext(db: D1Database, policy: Policy, now: number): Promise<AnomalyContext> {
  const p = policy.anomaly;
  const historyFrom = now - (p.historyWeeks + 1) * WEEK_MS;
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const skuFrom = today - SKU_DAYS * DAY_MS;
  const sourcesFrom = now - 8 * DAY_MS;
  const hourNow = Math.floor(now / HOUR_MS) * HOUR_MS;
  const [first, skuDays, pickups, perHour, ...bounds] = (await db.batch([
    db.prepare(`SELECT min(created_at) AS at FROM orders`),
    // Units per SKU per UTC day over the last 28 days, and its latest sale (today included).
    db
      .prepare(
        `SELECT j.value ->> 'sku' AS sku, (o.created_at / ${DAY_MS}) AS day, sum(j.value ->> 'quantity') AS units, max(o.created_at) AS lastAt
         FROM orders o, json_each(o.line_items) j
         WHERE o.created_at >= ? AND o.cancelled_at IS NULL AND j.value ->> 'sku' IS NOT NULL
         GROUP BY 1, 2`,
      )
      .bind(skuFrom),
    db
      .prepare(
        `SELECT coalesce(j.carrier, 'unknown carrier') AS carrier, count(*) AS missed, min(j.state_at) AS oldest, group_concat(o.name, ', ') AS names
         FROM journeys j JOIN orders o ON o.id = j.order_id
         WHERE j.state IN ('fulfilled', 'shipped') AND j.last_scan_at IS NULL AND j.state_at <= ? AND j.state_at >= ?
         GROUP BY 1`,
      )
      .bind(now - p.pickupHours * HOUR_MS, now - 14 * DAY_MS),
    // Hours by when the source sent (its own trigger time where it gives one, never after receipt; else
    // receipt): a Shopify backlog retried after an outage still shows the hours it was silent in.
    db
      .prepare(
        `SELECT source, (${SENT_AT} / ${HOUR_MS}) * ${HOUR_MS} AS hourStart, count(*) AS n, min(${SENT_AT}) AS firstAt, max(${SENT_AT}) AS lastAt
         FROM raw_events WHERE received_at >= ? GROUP BY 1, 2`,
      )
      .bind(sourcesFrom),
    ...WEBHOOK_SOURCES.map((s) => db.prepare(`SELECT min(received_at) AS firstAt, max(received_at) AS lastAt FROM raw_events WHERE source = ?`).bind(s)),
  ])) as D1Result<Record<string, unknown>>[];

  const hours = await ordersPerHour(db, historyFrom);

  // Daily sellers: days with a sale before today, and the latest sale.
  const bySku = new Map<string, { days: Set<number>; firstDay: number; units: number; lastAt: number }>();
  for (const r of skuDays!.results as { sku: string; day: number; units: number; lastAt: number }[]) {
    const e = bySku.get(r.sku) ?? { days: new Set<number>(), firstDay: r.day, units: 0, lastAt: 0 };
    if (r.day * DAY_MS < today) (e.days.add(r.day), (e.units += Number(r.units) || 0));
    e.firstDay = Math.min(e.firstDay, r.day);
    e.lastAt = Math.max(e.lastAt, r.lastAt);
    bySku.set(r.sku, e);
  }
  const candidates = [...bySku.entries()].filter(([, e]) => e.days.size >= 14);
  const stock = new Map<string, { available: number; title: string | null }>();
  for (let i = 0; i < candidates.length; i += 90) {
    const ids = candidates.slice(i, i + 90).map(([sku]) => sku);
    const { results } = await db
      .prepare(`SELECT s.sku, s.available, p.title FROM sku_stock s LEFT JOIN products p ON p.sku = s.sku WHERE s.sku IN (${ids.map(() => "?").join(",")})`)
      .bind(...ids)
      .all<{ sku: string; available: number; title: string | null }>();
    for (const r of results) stock.set(r.sku, r);
  }
  const skus = candidates
    .filter(([sku]) => stock.has(sku))
    .map(([sku, e]) => ({
      sku,
      title: stock.get(sku)!.title ?? sku,
      available: stock.get(sku)!.available,
      daysSold: e.days.size,
      daysObserved: Math.min(SKU_DAYS, today / DAY_MS - e.firstDay),
      unitsObserved: e.units,
      lastSoldAt: e.lastAt,
    }));

  const eventsBySource = new Map<string, { hourStart: number; n: number }[]>();
  const sentBounds = new Map<string, { firstAt: number; lastAt: number }>();
  for (const r of perHour!.results as { source: string; hourStart: number; n: number; firstAt: number; lastAt: number }[]) {
    eventsBySource.set(r.source, [...(eventsBySource.get(r.source) ?? []), { hourStart: r.hourStart, n: r.n }]);
    const b = sentBounds.get(r.source);
    sentBounds.set(r.source, { firstAt: Math.min(b?.firstAt ?? Infinity, r.firstAt), lastAt: Math.max(b?.lastAt ?? -Infinity, r.lastAt) });
  }
  const failures = await db
    .prepare(`SELECT key, value FROM kv WHERE key IN (${WEBHOOK_SOURCES.flatMap(() => ["?", "?"]).join(",")})`)
    .bind(...WEBHOOK_SOURCES.flatMap((s) => [kvKeys.webhookAuthFailures(s, hourNow), kvKeys.webhookAuthFailures(s, hourNow - HOUR_MS)]))
    .all<{ key: string; value: string }>();
  const failuresOf = (s: string) =>
    failures.results.filter((r) => r.key === kvKeys.webhookAuthFailures(s, hourNow) || r.key === kvKeys.webhookAuthFailures(s, hourNow - HOUR_MS)).reduce((n, r) => n + Number(r.value), 0);
  const sources = WEBHOOK_SOURCES.map((source, i) => {
    const b = bounds[i]!.results[0] as { firstAt: number | null; lastAt: number | null } | undefined;
    // Receipt bounds over all time (indexed), refined by when the source sent within the last 8 days.
    const sent = sentBounds.get(source);
    const firstEventAt = b?.firstAt == null ? null : Math.min(b.firstAt, sent?.firstAt ?? Infinity);
    const lastEventAt = sent ? sent.lastAt : (b?.lastAt ?? null);
    return { source, hourlyEvents: eventsBySource.get(source) ?? [], firstEventAt, lastEventAt, authFailuresLastHour: failuresOf(source) };
  });

  // The daily subscription check's finding, while it is fresh (it runs once a day).
  const subs = await kvGet(db, kvKeys.shopifySubscriptionsMissing());
  const parsed = subs ? (JSON.parse(subs) as { missing: string[]; at: number }) : null;
  const shopifySubscriptionsMissing = parsed && now - parsed.at < 2 * DAY_MS ? parsed.missing : null;

  return {
    hours,
    firstOrderAt: ((first!.results[0] as { at: number | null } | undefined)?.at ?? null) as number | null,
    skus,
    pickups: (pickups!.results as { carrier: string; missed: number; oldest: number; names: string }[]).map((r) => ({
      carrier: r.carrier,
      missed: r.missed,
      oldestMissedAt: r.oldest,
      sample: (r.names ?? "").split(", ").slice(0, 5),
    })),
    sources,
    shopifySubscriptionsMissing,
  };
}
