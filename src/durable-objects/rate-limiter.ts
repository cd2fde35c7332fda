/** RateLimiter: a fixed-window counter per client key (source IP and route). */
import { DurableObject } from "cloudflare:workers";

export class RateLimiter extends DurableObject<Env> {}
