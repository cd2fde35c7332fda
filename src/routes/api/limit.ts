/** The `limit` query parameter of the list routes: a whole number within the route's range, else 400. */
import type { Context } from "hono";
import { HttpError } from "../../lib/errors";

/** Reads `?limit=`: absent → `fallback`; present, it must be a whole number from 1 to `max`. */
export function limitParam(c: Context, fallback: number, max: number): number {
  const raw = c.req.query("limit");
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d{1,7}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, `limit must be a whole number from 1 to ${max}`);
  return n;
}
