/** Per-client rate limiting for public routes (webhooks, login): 429 before anything is read or stored. */
import { createMiddleware } from "hono/factory";
import { HttpError } from "./errors";

/** The caller's IP as Cloudflare reports it; locally every request shares one bucket. */
export function clientIp(req: Request): string {
  return req.headers.get("cf-connecting-ip") ?? "local";
}

type LimitVar = "WEBHOOK_RATE_LIMIT_PER_MINUTE" | "LOGIN_RATE_LIMIT_PER_MINUTE" | "TRACKING_RATE_LIMIT_PER_MINUTE";

/**
 * `perPath: false` counts every path of the scope in one bucket per client: for routes whose path
 * carries a secret (the tracking page's token), where a bucket per path would let a client guess freely.
 */
export function rateLimit(scope: string, limitVar: LimitVar, fallback: number, options: { perPath?: boolean } = {}) {
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    const configured = Number(c.env[limitVar]);
    const limit = Number.isFinite(configured) && configured >= 0 ? configured : fallback;
    if (limit > 0) {
      const key = options.perPath === false ? `${scope}:${clientIp(c.req.raw)}` : `${scope}:${c.req.path}:${clientIp(c.req.raw)}`;
      const decision = await c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key)).hit(limit, 60_000);
      if (!decision.allowed) throw new HttpError(429, "too many requests", { "Retry-After": String(decision.retryAfter) });
    }
    await next();
  });
}
