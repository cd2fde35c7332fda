/** The stored history the COD policy's backtest replays: a period's orders with a 90-day lookback, and the directory rows for their pincodes. */
import { codHistoryOrders, pincodePlacesFor } from "../db/cod-risk";
import { codBacktestReport, scoreHistory, type CodBacktestReport, type CodHistory } from "../decisions/cod-risk-backtest";
import type { Policy } from "../decisions/policy";
import { DAY_MS } from "../lib/time";

/** Orders from 90 days before `from` (the customers' records and the destinations' counts as they stood) to `to`. */
export async function loadCodHistory(db: D1Database, from: number, to: number): Promise<CodHistory> {
  const orders = await codHistoryOrders(db, from - 90 * DAY_MS, to);
  const pincodes = orders.filter((o) => o.paymentMethod === "cod" && o.createdAt >= from && o.pincode).map((o) => o.pincode!);
  return { orders, directory: await pincodePlacesFor(db, pincodes), from, to };
}

/** The COD policy's recall, false alarms and rupees over the period, for the current and a candidate policy. */
export function codBacktest(history: CodHistory, current: Policy, candidate: Policy): { current: CodBacktestReport; candidate: CodBacktestReport } {
  return { current: codBacktestReport(scoreHistory(history, current)), candidate: codBacktestReport(scoreHistory(history, candidate)) };
}
