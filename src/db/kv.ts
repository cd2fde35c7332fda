/**
 * The `kv` table holds small facts of several kinds. Each kind is a key family built here and only
 * here, so a reader finds every writer and reader of one family by its name, and no module builds
 * another module's keys by hand.
 */

declare const kvKeyBrand: unique symbol;
/** A key built by one of the families below (a plain string cannot be passed by mistake). */
export type KvKey = string & { readonly [kvKeyBrand]: true };

const key = (s: string) => s as KvKey;

export const kvKeys = {
  /** A journey timer that fired (for ops): `timer:<order>:<timer key>` → `{ kind, dueAt }`. */
  timerFired: (orderId: string, timerKey: string) => key(`timer:${orderId}:${timerKey}`),
  /** A stock drift the SKU ledger detected: `drift:<sku>:<at>` → the drift effect. */
  drift: (sku: string, at: number) => key(`drift:${sku}:${at}`),
  /** The brand's learnt ticket classifier. */
  ticketModel: () => key("model:tickets"),
  /** Reconciliation watermark (ISO time of the newest record pulled): `reconcile:<source>:<what>`. */
  watermark: (source: "shopify", what: "orders" | "refunds") => key(`reconcile:${source}:${what}`),
  /** Where the inventory-level sweep resumes (the last SKU checked): `reconcile_cursor:<source>:<what>`. */
  reconcileCursor: (source: "shopify", what: "inventory") => key(`reconcile_cursor:${source}:${what}`),
  /** A helpdesk's ticket sync state (JSON: watermark, and a resume cursor where the vendor has one): `helpdesk_sync:<helpdesk>`. */
  helpdeskSync: (helpdesk: "gorgias" | "freshdesk" | "zendesk") => key(`helpdesk_sync:${helpdesk}`),
  /** How many steps of a multi-request action are done: `action_steps:<action id>` → count. */
  actionSteps: (actionId: string) => key(`action_steps:${actionId}`),
  /** The Shopify fulfillment behind an AWB: `shopify_fulfillment:<awb>` → fulfillment id. */
  shopifyFulfillment: (awb: string) => key(`shopify_fulfillment:${awb}`),
  /** Zoho requests made in one clock minute: `zoho_rpm:<minute>` → count. */
  zohoMinute: (minute: number) => key(`zoho_rpm:${minute}`),
  /** A customer data request to answer: `privacy:data_request:<request or customer id>`. */
  dataRequest: (id: string) => key(`privacy:data_request:${id}`),
  /** A one-time OAuth install state: `shopify_oauth_state:<nonce>` → the shop it was issued for. */
  shopifyOAuthState: (nonce: string) => key(`shopify_oauth_state:${nonce}`),
  /** When the store's webhook topics were last registered: `shopify_subscribed:<shop>`. */
  shopifySubscribed: (shop: string) => key(`shopify_subscribed:${shop}`),
  /** Webhook deliveries refused for a bad signature or token in one clock hour: `webhook_401:<source>:<hour start ms>` → count. */
  webhookAuthFailures: (source: string, hourStart: number) => key(`webhook_401:${source}:${hourStart}`),
  /** What the daily subscription check found missing: `shopify_subscriptions_missing` → `{ missing, created, at }`. */
  shopifySubscriptionsMissing: () => key("shopify_subscriptions_missing"),
  /** The morning digest of one local date was queued: `digest_sent:<YYYY-MM-DD>` → epoch ms. */
  digestSent: (date: string) => key(`digest_sent:${date}`),
  /** The last Unicommerce inventory pull of a facility (epoch ms): `unicommerce_pull:<facility>`. */
  unicommercePull: (facility: string) => key(`unicommerce_pull:${facility}`),
  /** Where the raw-body retention job resumes (JSON `{ at, rowid }`: the last processed raw event it passed, by received_at): `prune_cursor:raw_bodies`. */
  rawBodyPruneCursor: () => key("prune_cursor:raw_bodies"),
};

export async function kvGet(db: D1Database, k: KvKey): Promise<string | null> {
  return (await db.prepare(`SELECT value FROM kv WHERE key = ?`).bind(k).first<{ value: string }>())?.value ?? null;
}

export function kvPutStatement(db: D1Database, k: KvKey, value: string, now: number): D1PreparedStatement {
  return db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).bind(k, value, now);
}

export async function kvPut(db: D1Database, k: KvKey, value: string, now: number): Promise<void> {
  await kvPutStatement(db, k, value, now).run();
}

/** Writes the value only if the key has none yet. */
export async function kvPutOnce(db: D1Database, k: KvKey, value: string, now: number): Promise<void> {
  await db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`).bind(k, value, now).run();
}

/** Adds one to a counter and returns its new value. */
export async function kvIncrement(db: D1Database, k: KvKey, now: number): Promise<number> {
  const row = await db
    .prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, '1', ?) ON CONFLICT (key) DO UPDATE SET value = CAST(kv.value AS INTEGER) + 1, updated_at = excluded.updated_at RETURNING value`)
    .bind(k, now)
    .first<{ value: string | number }>();
  return Number(row?.value ?? 0);
}

export async function kvDelete(db: D1Database, k: KvKey): Promise<void> {
  await db.prepare(`DELETE FROM kv WHERE key = ?`).bind(k).run();
}

/** Reads and deletes in one statement: a value taken once cannot be taken again (OAuth states). */
export function kvTake(db: D1Database, k: KvKey): Promise<{ value: string; updatedAt: number } | null> {
  return db.prepare(`DELETE FROM kv WHERE key = ? RETURNING value, updated_at AS updatedAt`).bind(k).first<{ value: string; updatedAt: number }>();
}

/** Drops hourly 401 counters older than `before` (they only matter for the last hour or two). */
export async function pruneWebhookAuthFailures(db: D1Database, before: number): Promise<void> {
  await db.prepare(`DELETE FROM kv WHERE key LIKE 'webhook_401:%' AND updated_at < ?`).bind(before).run();
}
