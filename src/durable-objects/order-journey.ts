/** OrderJourney: one object per order, holding its state machine and timers. */
import { DurableObject } from "cloudflare:workers";

export class OrderJourney extends DurableObject<Env> {}
