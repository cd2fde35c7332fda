/** Read queries for the ops dashboard: read models and indexes only, never a Durable Object. */
import { CLOSED_PO_STATUSES } from "../canonical/vocabulary";

/** Journeys in these states are finished; old flags on them are history, not risk. */
const CLOSED_STATES = `('delivered', 'rto_delivered', 'cancelled', 'returned', 'refunded')`;

export interface AtRiskOrder {
  orderId: string;
  name: string | null;
  totalPrice: number | null;
  paymentMethod: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  state: string;
  carrier: string | null;
  lastScanAt: number | null;
  lastScanLocation: string | null;
  stalled: boolean;
  failedAttempts: number;
  codPending: boolean;
  updatedAt: number;
}

/**
 * Stalled, failed-attempt and COD-unconfirmed journeys, newest first. The WHERE clause repeats
 * the partial index `journeys_at_risk` word for word so SQLite reads only the flagged rows.
 */
export async function listOrdersAtRisk(db: D1Database, limit = 50): Promise<AtRiskOrder[]> {
  const { results } = await db
    .prepare(
      `SELECT j.order_id AS orderId, o.name, o.total_price AS totalPrice, o.payment_method AS paymentMethod, o.email, o.phone,
              o.shipping_city AS city, j.state, j.carrier, j.last_scan_at AS lastScanAt, j.last_scan_location AS lastScanLocation,
              j.stalled, j.failed_attempts AS failedAttempts, j.cod_pending AS codPending, j.updated_at AS updatedAt
       FROM journeys j LEFT JOIN orders o ON o.id = j.order_id
       WHERE (j.stalled = 1 OR j.failed_attempts > 0 OR j.cod_pending = 1) AND j.state NOT IN ${CLOSED_STATES}
       ORDER BY j.updated_at DESC LIMIT ?`,
    )
    .bind(limit)
    .all<Omit<AtRiskOrder, "stalled" | "codPending"> & { stalled: number; codPending: number }>();
  return results.map((r) => ({ ...r, stalled: Boolean(r.stalled), codPending: Boolean(r.codPending) }));
}

export interface StockAtRisk {
  sku: string;
  title: string | null;
  available: number;
  daysOfCover: number | null;
  projectedStockoutAt: number | null;
  dailyDemand: number | null;
  drift: number;
}

/** The SKUs with the fewest days of cover (the read model keeps days × 1000). */
export async function listStockAtRisk(db: D1Database, maxDaysOfCover: number, limit = 20): Promise<StockAtRisk[]> {
  const { results } = await db
    .prepare(
      `SELECT s.sku, p.title, s.available, s.days_of_cover_milli AS coverMilli, s.projected_stockout_at AS projectedStockoutAt,
              s.daily_demand_milli AS demandMilli, s.drift
       FROM sku_stock s LEFT JOIN products p ON p.sku = s.sku
       WHERE s.days_of_cover_milli IS NOT NULL AND s.days_of_cover_milli < ?
       ORDER BY s.days_of_cover_milli ASC LIMIT ?`,
    )
    .bind(Math.round(maxDaysOfCover * 1000), limit)
    .all<{ sku: string; title: string | null; available: number; coverMilli: number; projectedStockoutAt: number | null; demandMilli: number | null; drift: number }>();
  return results.map((r) => ({
    sku: r.sku,
    title: r.title,
    available: r.available,
    daysOfCover: r.coverMilli / 1000,
    projectedStockoutAt: r.projectedStockoutAt,
    dailyDemand: r.demandMilli === null ? null : r.demandMilli / 1000,
    drift: r.drift,
  }));
}

export interface ActionOutcome {
  id: string;
  connector: string;
  kind: string;
  status: string;
  lastError: string | null;
}

export interface FeedDecision {
  id: string;
  type: string;
  subjectType: string;
  subjectId: string;
  reasons: string[];
  mode: string;
  /** null | waiting | approved | dismissed (approve mode). */
  reviewStatus: string | null;
  policyVersion: number;
  createdAt: number;
  outcomes: ActionOutcome[];
  /** Customer messages the contact policy held back, with why. */
  suppressed: SuppressedMessage[];
}

export interface SuppressedMessage {
  kind: string;
  template: string | null;
  reason: string;
  at: number;
}

interface RawFeedDecision extends Omit<FeedDecision, "reasons" | "outcomes" | "suppressed"> {
  reasons: string;
  outcomes: string;
  suppressed: string;
}

const FEED_COLUMNS = `d.id, d.type, d.subject_type AS subjectType, d.subject_id AS subjectId, d.reasons, d.mode, d.review_status AS reviewStatus,
  d.policy_version AS policyVersion, d.created_at AS createdAt, d.suppressed,
  (SELECT json_group_array(json_object('id', a.id, 'connector', a.connector, 'kind', a.kind, 'status', a.status, 'lastError', a.last_error))
     FROM actions a WHERE a.decision_id = d.id) AS outcomes`;

function toFeedDecision(r: RawFeedDecision): FeedDecision {
  return { ...r, reasons: parseArray<string>(r.reasons), outcomes: parseArray<ActionOutcome>(r.outcomes), suppressed: parseArray<SuppressedMessage>(r.suppressed) };
}

/** Decisions since `since` by type: how many acted on their own, ran in shadow, and were approved or dismissed by a person. */
export interface HandledCount {
  type: string;
  automatic: number;
  shadow: number;
  approved: number;
  dismissed: number;
}

export async function handledCounts(db: D1Database, since: number): Promise<HandledCount[]> {
  const { results } = await db
    .prepare(
      `SELECT type, sum(mode = 'live') AS automatic, sum(mode = 'shadow') AS shadow,
              sum(review_status = 'approved') AS approved, sum(review_status = 'dismissed') AS dismissed
       FROM decisions WHERE created_at >= ? GROUP BY type ORDER BY count(*) DESC`,
    )
    .bind(since)
    .all<HandledCount>();
  return results;
}

/** The latest decisions with the outcome of each of their actions (one query, index on created_at and decision_id). */
export async function listDecisionFeed(db: D1Database, limit = 30): Promise<FeedDecision[]> {
  const { results } = await db.prepare(`SELECT ${FEED_COLUMNS} FROM decisions d ORDER BY d.created_at DESC LIMIT ?`).bind(limit).all<RawFeedDecision>();
  return results.map(toFeedDecision);
}

/** Every decision about one subject, with action outcomes. */
export async function listDecisionsFor(db: D1Database, subjectType: string, subjectId: string, limit = 100): Promise<FeedDecision[]> {
  const { results } = await db
    .prepare(`SELECT ${FEED_COLUMNS} FROM decisions d WHERE d.subject_type = ? AND d.subject_id = ? ORDER BY d.created_at DESC LIMIT ?`)
    .bind(subjectType, subjectId, limit)
    .all<RawFeedDecision>();
  return results.map(toFeedDecision);
}

export interface RouteRow {
  carrier: string;
  origin: string;
  destination: string;
  shipments: number;
  delayRate: number;
  baselineDelayRate: number;
  rtoRate: number;
  baselineRtoRate: number;
  trend: number[];
  computedAt: number;
}

/** Routes ordered by how far their delay rate sits above baseline. */
export async function listRoutes(db: D1Database, limit = 20): Promise<RouteRow[]> {
  const { results } = await db
    .prepare(
      `SELECT carrier, origin, destination, shipments, delay_rate_milli AS d, baseline_delay_rate_milli AS bd, rto_rate_milli AS r,
              baseline_rto_rate_milli AS br, trend, computed_at AS computedAt
       FROM route_stats ORDER BY (delay_rate_milli - baseline_delay_rate_milli) DESC, shipments DESC LIMIT ?`,
    )
    .bind(limit)
    .all<{ carrier: string; origin: string; destination: string; shipments: number; d: number; bd: number; r: number; br: number; trend: string; computedAt: number }>();
  return results.map((r) => ({
    carrier: r.carrier,
    origin: r.origin,
    destination: r.destination,
    shipments: r.shipments,
    delayRate: r.d / 1000,
    baselineDelayRate: r.bd / 1000,
    rtoRate: r.r / 1000,
    baselineRtoRate: r.br / 1000,
    trend: parseArray<unknown>(r.trend).filter((v): v is number => typeof v === "number"),
    computedAt: r.computedAt,
  }));
}

export interface ActionRow {
  id: string;
  decisionId: string | null;
  connector: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  subjectType: string | null;
  subjectId: string | null;
  createdAt: number;
  updatedAt: number;
}

const ACTION_COLUMNS = `id, decision_id AS decisionId, connector, kind, status, attempts, last_error AS lastError,
  subject_type AS subjectType, subject_id AS subjectId, created_at AS createdAt, updated_at AS updatedAt`;

/** Failed and dead actions, newest first (index actions_status). */
export async function listFailedActions(db: D1Database, limit = 20): Promise<ActionRow[]> {
  const { results } = await db
    .prepare(`SELECT ${ACTION_COLUMNS} FROM actions WHERE status IN ('failed', 'dead') ORDER BY updated_at DESC LIMIT ?`)
    .bind(limit)
    .all<ActionRow>();
  return results;
}

export async function listActionsFor(db: D1Database, subjectType: string, subjectId: string, limit = 100): Promise<ActionRow[]> {
  const { results } = await db
    .prepare(`SELECT ${ACTION_COLUMNS} FROM actions WHERE subject_type = ? AND subject_id = ? ORDER BY created_at DESC LIMIT ?`)
    .bind(subjectType, subjectId, limit)
    .all<ActionRow>();
  return results;
}

export interface JourneyRow {
  state: string;
  stateAt: number;
  lastScanAt: number | null;
  lastScanLocation: string | null;
  awb: string | null;
  carrier: string | null;
  eta: number | null;
  stalled: boolean;
  failedAttempts: number;
  codPending: boolean;
  updatedAt: number;
}

/** The journey read model for one order (what the object last wrote), not the object itself. */
export async function getJourneyRow(db: D1Database, orderId: string): Promise<JourneyRow | null> {
  const r = await db
    .prepare(
      `SELECT state, state_at AS stateAt, last_scan_at AS lastScanAt, last_scan_location AS lastScanLocation, awb, carrier, eta, stalled,
              failed_attempts AS failedAttempts, cod_pending AS codPending, updated_at AS updatedAt FROM journeys WHERE order_id = ?`,
    )
    .bind(orderId)
    .first<Omit<JourneyRow, "stalled" | "codPending"> & { stalled: number; codPending: number }>();
  return r ? { ...r, stalled: Boolean(r.stalled), codPending: Boolean(r.codPending) } : null;
}

export interface CustomerModelRow {
  ltv: number;
  tier: string;
  ordersCount: number;
  predictedNextOrderAt: number | null;
  churnRisk: number | null;
  /** BG/NBD P(active) and predicted spend over 365 days (paise); null until the store has a fit. */
  pActive: number | null;
  predictedClv: number | null;
  computedAt: number;
}

export async function getCustomerModel(db: D1Database, customerId: string): Promise<CustomerModelRow | null> {
  const r = await db
    .prepare(
      `SELECT ltv, tier, orders_count AS ordersCount, predicted_next_order_at AS predictedNextOrderAt, churn_risk_milli AS churnMilli,
              p_active_milli AS pActiveMilli, predicted_clv AS predictedClv, computed_at AS computedAt FROM customer_models WHERE customer_id = ?`,
    )
    .bind(customerId)
    .first<Omit<CustomerModelRow, "churnRisk" | "pActive"> & { churnMilli: number | null; pActiveMilli: number | null }>();
  if (!r) return null;
  const { churnMilli, pActiveMilli, ...rest } = r;
  return { ...rest, churnRisk: churnMilli === null ? null : churnMilli / 1000, pActive: pActiveMilli === null ? null : pActiveMilli / 1000 };
}

export interface SkuOverview {
  sku: string;
  title: string | null;
  category: string | null;
  stock: {
    available: number;
    committed: number;
    incoming: number;
    safetyFloor: number;
    dailyDemand: number | null;
    daysOfCover: number | null;
    projectedStockoutAt: number | null;
    drift: number;
    lastSyncedAt: number | null;
    updatedAt: number;
  } | null;
  locations: { source: string; locationId: string; available: number; onHand: number | null; committed: number | null; incoming: number | null; updatedAt: number }[];
  forecast: { method: string; dailyDemand: number[]; meanDaily: number; computedAt: number } | null;
  openPurchaseOrders: { poNumber: string; status: string; expectedAt: number | null; quantity: number }[];
}

/** PO statuses that mean the goods are in (or never coming): everything else is open. */
const CLOSED_PO: ReadonlySet<string> = new Set(CLOSED_PO_STATUSES);

/** Everything the SKU page shows, in one batch (inventory index `inventory_records_sku`). */
export async function getSkuOverview(db: D1Database, sku: string): Promise<SkuOverview | null> {
  const [product, stock, locations, forecast, pos] = await db.batch([
    db.prepare(`SELECT title, category FROM products WHERE sku = ?`).bind(sku),
    db.prepare(
      `SELECT available, committed, incoming, safety_floor AS safetyFloor, daily_demand_milli AS demandMilli, days_of_cover_milli AS coverMilli,
              projected_stockout_at AS projectedStockoutAt, drift, last_synced_at AS lastSyncedAt, updated_at AS updatedAt FROM sku_stock WHERE sku = ?`,
    ).bind(sku),
    db.prepare(
      `SELECT source, location_id AS locationId, available, on_hand AS onHand, committed, incoming, updated_at AS updatedAt
       FROM inventory_records WHERE sku = ? ORDER BY source, location_id`,
    ).bind(sku),
    db.prepare(`SELECT method, daily_demand AS dailyDemand, mean_daily_milli AS meanMilli, computed_at AS computedAt FROM sku_forecasts WHERE sku = ?`).bind(sku),
    // instr() narrows to POs mentioning the SKU; the lines are then checked exactly below.
    db.prepare(`SELECT po_number AS poNumber, status, expected_at AS expectedAt, lines FROM purchase_orders WHERE instr(lines, ?) > 0 ORDER BY expected_at`).bind(JSON.stringify(sku)),
  ]);
  const p = product!.results[0] as { title: string; category: string | null } | undefined;
  const s = stock!.results[0] as
    | { available: number; committed: number; incoming: number; safetyFloor: number; demandMilli: number | null; coverMilli: number | null; projectedStockoutAt: number | null; drift: number; lastSyncedAt: number | null; updatedAt: number }
    | undefined;
  const locs = locations!.results as SkuOverview["locations"];
  if (!p && !s && locs.length === 0) return null;
  const f = forecast!.results[0] as { method: string; dailyDemand: string; meanMilli: number; computedAt: number } | undefined;
  const openPurchaseOrders = (pos!.results as { poNumber: string; status: string; expectedAt: number | null; lines: string }[])
    .filter((po) => !CLOSED_PO.has(po.status.toLowerCase()))
    .map((po) => ({
      poNumber: po.poNumber,
      status: po.status,
      expectedAt: po.expectedAt,
      quantity: parseArray<{ sku?: unknown; quantity?: unknown }>(po.lines)
        .filter((l) => l.sku === sku)
        .reduce((n, l) => n + (typeof l.quantity === "number" ? l.quantity : 0), 0),
    }))
    .filter((po) => po.quantity > 0);
  return {
    sku,
    title: p?.title ?? null,
    category: p?.category ?? null,
    stock: s
      ? {
          available: s.available,
          committed: s.committed,
          incoming: s.incoming,
          safetyFloor: s.safetyFloor,
          dailyDemand: s.demandMilli === null ? null : s.demandMilli / 1000,
          daysOfCover: s.coverMilli === null ? null : s.coverMilli / 1000,
          projectedStockoutAt: s.projectedStockoutAt,
          drift: s.drift,
          lastSyncedAt: s.lastSyncedAt,
          updatedAt: s.updatedAt,
        }
      : null,
    locations: locs,
    forecast: f
      ? { method: f.method, dailyDemand: parseArray<unknown>(f.dailyDemand).filter((v): v is number => typeof v === "number"), meanDaily: f.meanMilli / 1000, computedAt: f.computedAt }
      : null,
    openPurchaseOrders,
  };
}

/**
 * Units sold per IST day since `since`, from the orders' line items (cancelled orders excluded).
 * Reads the orders_created index range, then each order's JSON line items.
 */
export async function dailySales(db: D1Database, sku: string, since: number): Promise<{ day: string; units: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT date((o.created_at + 19800000) / 1000, 'unixepoch') AS day, sum(json_extract(li.value, '$.quantity')) AS units
       FROM orders o, json_each(o.line_items) li
       WHERE o.created_at >= ? AND o.cancelled_at IS NULL AND json_extract(li.value, '$.sku') = ?
       GROUP BY day ORDER BY day`,
    )
    .bind(since, sku)
    .all<{ day: string; units: number }>();
  return results;
}

export interface DeadLetterDetail {
  id: string;
  rawEventId: string | null;
  replayedAt: number | null;
}

export async function getDeadLetter(db: D1Database, id: string): Promise<DeadLetterDetail | null> {
  return db.prepare(`SELECT id, raw_event_id AS rawEventId, replayed_at AS replayedAt FROM dead_letters WHERE id = ?`).bind(id).first<DeadLetterDetail>();
}

function parseArray<T>(json: string | null): T[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}
