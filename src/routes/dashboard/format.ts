/** Formatting for ops eyes: rupees with Indian digit grouping, IST times, rates as percentages. */

import { IST_OFFSET_MS } from "../../lib/time";

/** 1234567 → "12,34,567" (lakh/crore grouping: the last three digits, then pairs). */
export function groupIndian(n: number): string {
  const sign = n < 0 ? "-" : "";
  const s = String(Math.trunc(Math.abs(n)));
  if (s.length <= 3) return sign + s;
  const head = s.slice(0, -3);
  const tail = s.slice(-3);
  return `${sign}${head.replace(/\B(?=(\d{2})+$)/g, ",")},${tail}`;
}

/** Paise → "₹12,34,567" (whole rupees; the dashboard never needs paise). */
export function formatInr(paise: number | null | undefined): string {
  if (paise === null || paise === undefined || !Number.isFinite(paise)) return "—";
  return `₹${groupIndian(Math.round(paise / 100))}`;
}

/** 0.0734 → "7.3%". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  return `${(rate * 100).toFixed(1)}%`;
}

/** Epoch ms → "12 Mar 14:05" in IST (ops work in India time, whatever the server's zone). */
export function formatIst(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms + IST_OFFSET_MS);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${month} ${hh}:${mm}`;
}

/** Epoch ms → "2026-03-12" as the IST calendar day. */
export function istDay(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Hours between two instants, rounded, for "no scan for 52 h". */
export function hoursBetween(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) / 3_600_000));
}
