/** What the COD risk score reads and keeps: the pincode directory, destination RTO counts, a customer's history, velocity, the stored scores. */
import type { CodRiskFactor, CodRiskScore, DestinationCounts, PincodePlace, RtoCount } from "../decisions/cod-risk";
import type { DestinationRtoRow } from "../decisions/cod-risk-history";
import type { CodHistoryOrder } from "../decisions/cod-risk-backtest";

type Row = Record<string, unknown>;

/** Shipment statuses that mean the parcel came back (or is coming back). */
const RTO_STATUSES = "('rto_initiated', 'rto_delivered')";

// ---- the India Post directory -------------------------------------------------------------------

/** The directory's rows for a pincode ([] when it is not there), or null while the directory is empty (not loaded). */
export async function pincodePlaces(db: D1Database, pincode: string): Promise<PincodePlace[] | null> {
  const [rows, loaded] = (await db.batch([
    db.prepare(`SELECT state, district, places FROM pincode_directory WHERE pincode = ?`).bind(pincode),
    db.prepare(`SELECT EXISTS (SELECT 1 FROM pincode_directory) AS loaded`),
  ])) as [D1Result<PincodePlace>, D1Result<{ loaded: number }>];
  if (!loaded.results[0]?.loaded) return null;
  return rows.results;
}

/** Statements that replace the directory with `rows` (chunked: 4 parameters a row, at most 100 a statement). */
export function replacePincodeDirectory(db: D1Database, rows: readonly { pincode: string; state: string; district: string; places: string }[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [db.prepare(`DELETE FROM pincode_directory`)];
  for (let i = 0; i < rows.length; i += 25) {
    const slice = rows.slice(i, i + 25);
    out.push(
      db
        .prepare(`INSERT OR REPLACE INTO pincode_directory (pincode, state, district, places) VALUES ${slice.map(() => "(?, ?, ?, ?)").join(", ")}`)
        .bind(...slice.flatMap((r) => [r.pincode, r.state, r.district, r.places])),
    );
  }
  return out;
}

export async function pincodeDirectorySize(db: D1Database): Promise<number> {
  return (await db.prepare(`SELECT count(DISTINCT pincode) AS n FROM pincode_directory`).first<{ n: number }>())?.n ?? 0;
}

// ---- destination RTO counts ---------------------------------------------------------------------

/** Statements that replace the destination counts (5 parameters a row). */
export function replaceDestinationRto(db: D1Database, rows: readonly DestinationRtoRow[], now: number): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [db.prepare(`DELETE FROM destination_rto`)];
  for (let i = 0; i < rows.length; i += 20) {
    const slice = rows.slice(i, i + 20);
    out.push(
      db
        .prepare(`INSERT OR REPLACE INTO destination_rto (level, key, shipments, rtos, computed_at) VALUES ${slice.map(() => "(?, ?, ?, ?, ?)").join(", ")}`)
        .bind(...slice.flatMap((r) => [r.level, r.key, r.shipments, r.rtos, now])),
    );
  }
  return out;
}

/** The counts for one pincode, its prefix and the store. */
export async function destinationCounts(db: D1Database, pincode: string | null): Promise<DestinationCounts> {
  const digits = (pincode ?? "").replace(/\D/g, "");
  const { results } = await db
    .prepare(`SELECT level, key, shipments, rtos FROM destination_rto WHERE (level = 'pincode' AND key = ?) OR (level = 'prefix' AND key = ?) OR level = 'store'`)
    .bind(digits, digits.slice(0, 3))
    .all<DestinationRtoRow>();
  const of = (level: string): RtoCount | null => {
    const r = results.find((x) => x.level === level);
    return r ? { shipments: r.shipments, rtos: r.rtos } : null;
  };
  return { pincode: digits.length === 6 ? of("pincode") : null, prefix: digits.length >= 3 ? of("prefix") : null, store: of("store") ?? { shipments: 0, rtos: 0 } };
}

// ---- the customer's history and velocity ----------------------------------------------------------

export interface CustomerHistoryRow {
  id: string;
  totalPrice: number;
  paymentMethod: string;
  cancelled: number;
  rto: number;
  refused: number;
}

/**
 * Orders of the same customer (or the same phone, for guest checkouts) placed before `before`,
 * with whether each came back (RTO) and whether a delivery was refused (a failed attempt whose
 * carrier status names a refusal), as the shipment log knows by `asOf`.
 */
export async function earlierOrders(db: D1Database, q: { orderId: string; customerId: string | null; phone: string | null; before: number; asOf: number }): Promise<CustomerHistoryRow[]> {
  if (!q.customerId && !q.phone) return [];
  const { results } = await db
    .prepare(
      `SELECT o.id, o.total_price AS totalPrice, o.payment_method AS paymentMethod, (o.cancelled_at IS NOT NULL AND o.cancelled_at <= ?5) AS cancelled,
              EXISTS (SELECT 1 FROM shipment_events e WHERE e.order_id = o.id AND e.occurred_at <= ?5 AND (e.status IN ${RTO_STATUSES} OR e.is_return = 1)) AS rto,
              (SELECT count(*) FROM shipment_events e WHERE e.order_id = o.id AND e.occurred_at <= ?5 AND e.status IN ('failed_attempt', 'ndr')
                 AND (lower(e.raw_status) LIKE '%refus%' OR lower(e.raw_status) LIKE '%reject%')) AS refused
       FROM orders o
       WHERE o.id <> ?1 AND o.created_at < ?4 AND ((?2 IS NOT NULL AND o.customer_id = ?2) OR (?3 IS NOT NULL AND o.phone = ?3))
       ORDER BY o.created_at DESC LIMIT 200`,
    )
    .bind(q.orderId, q.customerId, q.phone, q.before, q.asOf)
    .all<CustomerHistoryRow>();
  return results;
}

/** Other COD orders to the same phone, or to the same address (by its hash), in [from, to). */
export async function codVelocity(db: D1Database, q: { orderId: string; phone: string | null; addressKey: string | null; from: number; to: number }): Promise<{ samePhone: number; sameAddress: number }> {
  const r = await db
    .prepare(
      `SELECT
         (SELECT count(*) FROM orders o WHERE ?2 IS NOT NULL AND o.phone = ?2 AND o.id <> ?1 AND o.payment_method = 'cod' AND o.created_at >= ?4 AND o.created_at < ?5) AS samePhone,
         (SELECT count(*) FROM cod_risk r JOIN orders o ON o.id = r.order_id
            WHERE ?3 IS NOT NULL AND r.address_key = ?3 AND r.order_id <> ?1 AND o.created_at >= ?4 AND o.created_at < ?5) AS sameAddress`,
    )
    .bind(q.orderId, q.phone, q.addressKey, q.from, q.to)
    .first<{ samePhone: number; sameAddress: number }>();
  return { samePhone: r?.samePhone ?? 0, sameAddress: r?.sameAddress ?? 0 };
}

/** Totals of the store's COD orders in [from, to) (at most 2,000, newest first): the "usual" order. */
export async function codOrderTotals(db: D1Database, from: number, to: number): Promise<number[]> {
  const { results } = await db
    .prepare(`SELECT total_price AS t FROM orders WHERE payment_method = 'cod' AND created_at >= ? AND created_at < ? ORDER BY created_at DESC LIMIT 2000`)
    .bind(from, to)
    .all<{ t: number }>();
  return results.map((r) => r.t);
}

// ---- stored scores ------------------------------------------------------------------------------

export interface StoredCodRisk extends CodRiskScore {
  orderId: string;
  addressChars: number | null;
  addressHasNumber: boolean | null;
  addressKey: string | null;
  customerBlocked: boolean;
  policyVersion: number;
  scoredAt: number;
}

export function saveCodRisk(db: D1Database, r: StoredCodRisk): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO cod_risk (order_id, score, band, factors, destination_rto_milli, address_chars, address_has_number, address_key, customer_blocked, policy_version, scored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING`,
    )
    .bind(
      r.orderId,
      r.score,
      r.band,
      JSON.stringify({ factors: r.factors, forcedHigh: r.forcedHigh, destinationLevel: r.destinationLevel }),
      r.destinationRtoRate === null ? null : Math.round(r.destinationRtoRate * 1000),
      r.addressChars,
      r.addressHasNumber === null ? null : r.addressHasNumber ? 1 : 0,
      r.addressKey,
      r.customerBlocked ? 1 : 0,
      r.policyVersion,
      r.scoredAt,
    );
}

function storedFrom(r: Row): StoredCodRisk {
  const body = JSON.parse(String(r.factors)) as { factors: CodRiskFactor[]; forcedHigh: string | null; destinationLevel: "pincode" | "prefix" | null };
  return {
    orderId: String(r.order_id),
    score: Number(r.score),
    band: r.band as StoredCodRisk["band"],
    factors: body.factors,
    forcedHigh: body.forcedHigh,
    destinationLevel: body.destinationLevel,
    destinationRtoRate: r.destination_rto_milli === null ? null : Number(r.destination_rto_milli) / 1000,
    addressChars: r.address_chars === null ? null : Number(r.address_chars),
    addressHasNumber: r.address_has_number === null ? null : Number(r.address_has_number) === 1,
    addressKey: (r.address_key as string | null) ?? null,
    customerBlocked: Number(r.customer_blocked) === 1,
    policyVersion: Number(r.policy_version),
    scoredAt: Number(r.scored_at),
  };
}

export async function getCodRisk(db: D1Database, orderId: string): Promise<StoredCodRisk | null> {
  const r = await db.prepare(`SELECT * FROM cod_risk WHERE order_id = ?`).bind(orderId).first<Row>();
  return r ? storedFrom(r) : null;
}

/** Stored scores for several orders (at most 90 ids a statement). */
export async function getCodRisks(db: D1Database, orderIds: readonly string[]): Promise<Map<string, StoredCodRisk>> {
  const out = new Map<string, StoredCodRisk>();
  for (let i = 0; i < orderIds.length; i += 90) {
    const slice = orderIds.slice(i, i + 90);
    const { results } = await db.prepare(`SELECT * FROM cod_risk WHERE order_id IN (${slice.map(() => "?").join(", ")})`).bind(...slice).all<Row>();
    for (const r of results) out.set(String(r.order_id), storedFrom(r));
  }
  return out;
}

// ---- history for the COD backtest ---------------------------------------------------------------

/**
 * Every order placed in [since, to] (at most 20,000, oldest first) with how its parcel ended and
 * when, its first refused delivery, and the address facts stored when it was scored.
 */
export async function codHistoryOrders(db: D1Database, since: number, to: number): Promise<CodHistoryOrder[]> {
  const { results } = await db
    .prepare(
      `SELECT o.id, o.created_at AS createdAt, o.total_price AS totalPrice, o.payment_method AS paymentMethod, o.customer_id AS customerId, o.phone,
              o.shipping_pincode AS pincode, o.shipping_city AS city, o.shipping_state AS state, o.cancelled_at AS cancelledAt,
              (SELECT min(e.occurred_at) FROM shipment_events e WHERE e.order_id = o.id AND e.status = 'delivered' AND e.is_return = 0) AS deliveredAt,
              (SELECT min(e.occurred_at) FROM shipment_events e WHERE e.order_id = o.id AND (e.status IN ${RTO_STATUSES} OR e.is_return = 1)) AS rtoAt,
              (SELECT min(e.occurred_at) FROM shipment_events e WHERE e.order_id = o.id AND e.status IN ('failed_attempt', 'ndr')
                 AND (lower(e.raw_status) LIKE '%refus%' OR lower(e.raw_status) LIKE '%reject%')) AS refusedAt,
              r.address_chars AS addressChars, r.address_has_number AS addressHasNumber, r.address_key AS addressKey, coalesce(r.customer_blocked, 0) AS blocked
       FROM orders o LEFT JOIN cod_risk r ON r.order_id = o.id
       WHERE o.created_at BETWEEN ? AND ? ORDER BY o.created_at LIMIT 20000`,
    )
    .bind(since, to)
    .all<Row>();
  return results.map((r) => {
    const rtoAt = r.rtoAt === null ? null : Number(r.rtoAt);
    const deliveredAt = r.deliveredAt === null ? null : Number(r.deliveredAt);
    return {
      id: String(r.id),
      createdAt: Number(r.createdAt),
      totalPrice: Number(r.totalPrice),
      paymentMethod: r.paymentMethod === "cod" ? "cod" : "prepaid",
      customerId: (r.customerId as string | null) ?? null,
      phone: (r.phone as string | null) ?? null,
      pincode: (r.pincode as string | null) ?? null,
      city: (r.city as string | null) ?? null,
      state: (r.state as string | null) ?? null,
      cancelledAt: r.cancelledAt === null ? null : Number(r.cancelledAt),
      outcome: rtoAt !== null ? "rto" : deliveredAt !== null ? "delivered" : null,
      resolvedAt: rtoAt ?? deliveredAt,
      refusedAt: r.refusedAt === null ? null : Number(r.refusedAt),
      address: r.addressChars === null ? null : { chars: Number(r.addressChars), hasNumber: Number(r.addressHasNumber) === 1 },
      addressKey: (r.addressKey as string | null) ?? null,
      blocked: Number(r.blocked) === 1,
    } satisfies CodHistoryOrder;
  });
}

/** Directory rows for these pincodes (90 a statement), or null when the directory is not loaded. */
export async function pincodePlacesFor(db: D1Database, pincodes: readonly string[]): Promise<Map<string, PincodePlace[]> | null> {
  const loaded = await db.prepare(`SELECT EXISTS (SELECT 1 FROM pincode_directory) AS loaded`).first<{ loaded: number }>();
  if (!loaded?.loaded) return null;
  const out = new Map<string, PincodePlace[]>();
  const unique = [...new Set(pincodes)];
  for (let i = 0; i < unique.length; i += 90) {
    const slice = unique.slice(i, i + 90);
    const { results } = await db.prepare(`SELECT pincode, state, district, places FROM pincode_directory WHERE pincode IN (${slice.map(() => "?").join(", ")})`).bind(...slice).all<PincodePlace & { pincode: string }>();
    for (const r of results) out.set(r.pincode, [...(out.get(r.pincode) ?? []), { state: r.state, district: r.district, places: r.places }]);
  }
  return out;
}
