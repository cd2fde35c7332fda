/**
 * Which timer due times an object accepts: finite, after 2000-01-01 and at most a year and a bit
 * from now. Why: `setAlarm` throws on a time it cannot hold (a policy once allowed
 * `stallHours: 1e308`, a timer due at infinity), and one bad timer then failed every later event
 * for that order. The policy's own ranges (src/decisions/policy.ts) stay well inside this window.
 */
export const EARLIEST_DUE_AT = Date.UTC(2000, 0, 1);
export const MAX_TIMER_AHEAD_MS = 400 * 24 * 3_600_000;

export function isSaneDueAt(dueAt: number, now: number): boolean {
  return Number.isFinite(dueAt) && dueAt >= EARLIEST_DUE_AT && dueAt <= now + MAX_TIMER_AHEAD_MS;
}
