/** Types for week.mjs (the unit test that measures the COD backtest on the simulated week builds it). */
export interface Delivery {
  at: number;
  seq: number;
  source: string;
  topic?: string;
  id?: string;
  payload: unknown;
}
export function buildWeek(options: { days?: number; ordersPerDay?: number; seed?: number; now: number; quietNight?: { silentHours: number; burst: number } | null; codRisk?: boolean }): {
  deliveries: Delivery[];
  orders: unknown[];
  silenceFrom: number | null;
};
export function flushes(scans: { at: number }[], now: number): { at: number; from: number; upTo: number }[];
export const SLOW_ROUTE: { carrier: string; origin: string; prefix: string; slow: number; stall: number };
export const RTO_ROUTE: { carrier: string; origin: string; prefix: string; rto: number };
