/** Pure folds of history into the COD risk score's inputs: destination RTO counts from shipments, a customer's facts from their earlier orders. */
import type { CodRiskInputs } from "./cod-risk";
import { medianPaise } from "./cod-risk";

export interface DestinationRtoRow {
  level: "pincode" | "prefix" | "store";
  key: string;
  shipments: number;
  rtos: number;
}

/** Counts resolved shipments (delivered or came back) per pincode, per 3-digit prefix and for the store; unresolved parcels count nowhere. */
export function destinationRows(shipments: readonly { destPincode: string; deliveredAt: number | null; rto: boolean }[]): DestinationRtoRow[] {
  const acc = new Map<string, DestinationRtoRow>();
  const bump = (level: DestinationRtoRow["level"], key: string, rto: boolean) => {
    const id = `${level}:${key}`;
    const row = acc.get(id) ?? { level, key, shipments: 0, rtos: 0 };
    row.shipments++;
    if (rto) row.rtos++;
    acc.set(id, row);
  };
  for (const s of shipments) {
    if (!s.rto && s.deliveredAt === null) continue;
    const pin = s.destPincode.replace(/\D/g, "");
    if (pin.length === 6) bump("pincode", pin, s.rto);
    if (pin.length >= 3) bump("prefix", pin.slice(0, 3), s.rto);
    bump("store", "", s.rto);
  }
  return [...acc.values()];
}

/** A customer's earlier orders reduced to what the score reads. */
export function customerFacts(
  rows: readonly { totalPrice: number; paymentMethod: string; cancelled: number | boolean; rto: number | boolean; refused: number }[],
  blocked: boolean,
): NonNullable<CodRiskInputs["customer"]> {
  return {
    earlierOrders: rows.length,
    earlierRtos: rows.filter((r) => Boolean(r.rto)).length,
    refusedDeliveries: rows.reduce((n, r) => n + (r.refused > 0 ? 1 : 0), 0),
    cancelledCod: rows.filter((r) => r.paymentMethod === "cod" && Boolean(r.cancelled)).length,
    medianOrderPaise: medianPaise(rows.map((r) => r.totalPrice)),
    blocked,
  };
}

/** The store's usual COD order: the median of recent COD totals, once there are at least 10. */
export function storeUsualCod(totals: readonly number[]): number | null {
  return totals.length >= 10 ? medianPaise(totals) : null;
}
