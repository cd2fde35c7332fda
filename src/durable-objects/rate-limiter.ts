/** RateLimiter: a sliding pair of fixed windows per client key (source IP and route), held in memory. */
import { DurableObject } from "cloudflare:workers";

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed again (0 when allowed). */
  retryAfter: number;
}

export class RateLimiter extends DurableObject<Env> {
  private windowStart = 0;
  private current = 0;
  private previous = 0;

  /**
   * Counts one request and says whether it fits `limit` per `windowMs`. The previous window's
   * count is weighted by how much of it still overlaps, so a burst at a window edge is not let
   * through twice. Counters live in memory: an evicted object simply starts counting afresh.
   */
  hit(limit: number, windowMs: number, now = Date.now()): RateDecision {
    const start = now - (now % windowMs);
    if (start !== this.windowStart) {
      this.previous = start - this.windowStart === windowMs ? this.current : 0;
      this.current = 0;
      this.windowStart = start;
    }
    const overlap = 1 - (now - start) / windowMs;
    const estimate = this.previous * overlap + this.current;
    if (estimate + 1 > limit) return { allowed: false, retryAfter: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
    this.current += 1;
    return { allowed: true, retryAfter: 0 };
  }
}
