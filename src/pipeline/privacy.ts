/**
 * Shopify's privacy requests, guarded: each must name this deployment's shop, a shop/redact must
 * follow an app/uninstalled, and what each one erased is written to the privacy log.
 * Why: Shopify's HMAC covers the body, not the X-Shopify-Topic header, so a signed body can be
 * replayed under another topic; docs/privacy.md lists every check and the test that proves it.
 */
import type { PrivacyRequest } from "../canonical/model";
import {
  customerNeedles,
  latestUninstall,
  recordDataRequest,
  recordPrivacyLog,
  redactCustomer,
  redactShop,
  shopifyActivitySince,
} from "../db/privacy";

/** Topics that erase or export personal data, and the uninstall a shop/redact needs before it. */
export const PRIVACY_TOPICS = ["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"] as const;

export function isPrivacyTopic(topic: string): boolean {
  return (PRIVACY_TOPICS as readonly string[]).includes(topic);
}

/**
 * Shopify sends shop/redact 48 hours after the uninstall ("Privacy law compliance",
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance). One earlier than 47 h
 * after the recorded uninstall is refused: it cannot be Shopify's.
 */
export const SHOP_REDACT_MIN_DELAY_MS = 47 * 3_600_000;

export interface ShopIdentity {
  /** The store's myshopify domain, lower case, from SHOPIFY_SHOP_DOMAIN. */
  domain: string | null;
  /** Shopify's numeric shop id, from SHOPIFY_SHOP_ID when set. */
  id: string | null;
}

/** `https://Vanaspati.myshopify.com/` → `vanaspati.myshopify.com`. */
export function normaliseShopDomain(value: string | null | undefined): string | null {
  const v = (value ?? "").trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/+$/, "");
  return v || null;
}

export function configuredShop(env: Env): ShopIdentity {
  return { domain: normaliseShopDomain(env.SHOPIFY_SHOP_DOMAIN), id: (env.SHOPIFY_SHOP_ID ?? "").trim() || null };
}

/**
 * Why a Shopify delivery cannot be taken as this store's, or null. The X-Shopify-Shop-Domain header
 * must match the configured store whenever both are known; privacy topics need both.
 */
export function shopHeaderProblem(topic: string, header: string | null | undefined, shop: ShopIdentity): string | null {
  const given = normaliseShopDomain(header);
  if (isPrivacyTopic(topic)) {
    if (!shop.domain) return `${topic} refused: SHOPIFY_SHOP_DOMAIN is not configured, so the request cannot be matched to this store`;
    if (!given) return `${topic} refused: missing X-Shopify-Shop-Domain`;
  }
  if (shop.domain && given && given !== shop.domain) return `${topic} refused: X-Shopify-Shop-Domain ${given} is not this store (${shop.domain})`;
  return null;
}

/** Why a privacy request's own shop_domain / shop_id is not this store's, or null. */
export function shopIdentityProblem(req: PrivacyRequest, shop: ShopIdentity): string | null {
  const topic = TOPIC_OF[req.kind];
  if (!shop.domain) return `${topic} refused: SHOPIFY_SHOP_DOMAIN is not configured, so the request cannot be matched to this store`;
  if (req.shopDomain !== shop.domain) return `${topic} refused: shop_domain ${req.shopDomain} is not this store (${shop.domain})`;
  if (shop.id && req.shopId !== shop.id) return `${topic} refused: shop_id ${req.shopId} is not this store's (${shop.id})`;
  return null;
}

const TOPIC_OF: Record<PrivacyRequest["kind"], string> = {
  customer_redact: "customers/redact",
  customer_data_request: "customers/data_request",
  shop_redact: "shop/redact",
  app_uninstalled: "app/uninstalled",
};

/**
 * Why a shop/redact received at `receivedAt` must not be honoured, or null: no app/uninstalled was
 * recorded for the shop, it was too recent, its shop id differs, or Shopify has delivered ordinary
 * webhooks since (the app was installed again).
 */
export async function shopRedactProblem(db: D1Database, req: Extract<PrivacyRequest, { kind: "shop_redact" }>, receivedAt: number): Promise<string | null> {
  const uninstall = await latestUninstall(db, req.shopDomain);
  if (!uninstall) return `shop/redact refused: no app/uninstalled has been received for ${req.shopDomain}`;
  if (uninstall.shopId && uninstall.shopId !== req.shopId) return `shop/redact refused: shop_id ${req.shopId} is not the uninstalled shop's (${uninstall.shopId})`;
  if (receivedAt - uninstall.receivedAt < SHOP_REDACT_MIN_DELAY_MS) {
    return `shop/redact refused: it arrived ${Math.round((receivedAt - uninstall.receivedAt) / 60_000)} min after app/uninstalled; Shopify sends it 48 h after`;
  }
  if (await shopifyActivitySince(db, uninstall.receivedAt, PRIVACY_TOPICS)) {
    return `shop/redact refused: Shopify has delivered webhooks since the uninstall, so the app is installed again`;
  }
  return null;
}

/** Why any of a batch's privacy requests must be refused (dead-lettered), or null. */
export async function privacyRefusal(env: Env, requests: readonly PrivacyRequest[], receivedAt: number): Promise<string | null> {
  const shop = configuredShop(env);
  for (const req of requests) {
    const problem = shopIdentityProblem(req, shop) ?? (req.kind === "shop_redact" ? await shopRedactProblem(env.DB, req, receivedAt) : null);
    if (problem) return problem;
  }
  return null;
}

/** Carries out accepted privacy requests and logs each with what it erased. Run after privacyRefusal. */
export async function carryOutPrivacy(env: Env, rawEventId: string, receivedAt: number, requests: readonly PrivacyRequest[], now: number): Promise<void> {
  for (const req of requests) {
    const base = { id: `${req.kind}:${rawEventId}`, kind: req.kind, shopDomain: req.shopDomain, shopId: req.shopId, rawEventId, receivedAt };
    if (req.kind === "customer_redact") {
      const needles = await customerNeedles(env.DB, req);
      const erased = await redactCustomer(env.DB, req, now, needles);
      // Each order's journey object keeps its events; their scan locations go too.
      let objects = 0;
      for (const orderId of needles.orderIds) objects += await env.ORDER_JOURNEY.get(env.ORDER_JOURNEY.idFromName(orderId)).redactPersonal();
      erased.order_journey_events = objects;
      await recordPrivacyLog(env.DB, { ...base, subjectId: req.customerId, completedAt: Date.now(), erased });
    } else if (req.kind === "shop_redact") {
      const erased = await redactShop(env.DB);
      await recordPrivacyLog(env.DB, { ...base, subjectId: null, completedAt: Date.now(), erased });
    } else if (req.kind === "customer_data_request") {
      await recordDataRequest(env.DB, req, now);
      await recordPrivacyLog(env.DB, { ...base, subjectId: req.customerId, completedAt: null, erased: null });
    } else {
      await recordPrivacyLog(env.DB, { ...base, subjectId: null, completedAt: now, erased: null });
    }
  }
}
