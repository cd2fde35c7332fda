/** Formatting for reasons and messages (₹ with Indian grouping, hours, percentages, IST times) and the quiet-hours clock. */
import { DAY_MS, HOUR_MS, IST_OFFSET_MINUTES } from "../lib/time";
import type { Policy } from "./policy";

export { DAY_MS, HOUR_MS };

/** ₹18,450 · ₹1,50,000 · ₹99.50 — Indian digit grouping, paise only when present. */
export function rupees(paise: number): string {
  const sign = paise < 0 ? "-" : "";
  const abs = Math.abs(Math.round(paise));
  const whole = String(Math.floor(abs / 100));
  const fraction = abs % 100;
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ",");
  return `${sign}₹${rest ? `${rest},${last3}` : last3}${fraction ? `.${String(fraction).padStart(2, "0")}` : ""}`;
}

export function hours(ms: number): string {
  return `${(ms / HOUR_MS).toFixed(1)} h`;
}

export function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "14 Mar, 18:05 IST" in the policy's local offset (the label says IST only for +05:30). */
export function localTime(epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const zone = utcOffsetMinutes === IST_OFFSET_MINUTES ? "IST" : `UTC${utcOffsetMinutes >= 0 ? "+" : "-"}${Math.abs(utcOffsetMinutes) / 60}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}, ${hh}:${mm} ${zone}`;
}

export function localDate(epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/**
 * The end of the quiet window `now` falls in, or null when `now` is outside it.
 * The window may wrap midnight (21:00–08:00).
 */
export function quietHoursEnd(now: number, quiet: Policy["quietHours"]): number | null {
  const offsetMs = quiet.utcOffsetMinutes * 60_000;
  const local = now + offsetMs;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = (local - dayStart) / 60_000;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const wraps = start > end;
  const inside = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return null;
  const endToday = dayStart + end * 60_000;
  const endLocal = wraps && minute >= start ? endToday + DAY_MS : endToday;
  return endLocal - offsetMs;
}

export function shortId(...parts: (string | number | null | undefined)[]): string {
  return parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join(":");
}
