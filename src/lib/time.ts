/** Time constants in milliseconds, and India Standard Time (UTC+05:30, no daylight saving). */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** IST is UTC+05:30 all year. */
export const IST_OFFSET_MINUTES = 330;
export const IST_OFFSET_MS = IST_OFFSET_MINUTES * 60_000;

/** The calendar date in India at `ms`, as YYYY-MM-DD. */
export function istDate(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);
}
