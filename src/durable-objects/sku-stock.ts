/** SkuStock: one object per SKU, holding live stock and the oversell guard. */
import { DurableObject } from "cloudflare:workers";

export class SkuStock extends DurableObject<Env> {}
