/**
 * Connector settings from env: a connector whose credentials are missing runs in dry-run. Every
 * vendor base URL can be pointed elsewhere (a staging host, a local mock); the defaults are the
 * vendors' production hosts.
 */
import type { CredentialSettings } from "./credential-grants";
import { RAZORPAY_BASE_URL, type RazorpayConfig } from "./razorpay";

export interface WhatsAppConfig { accessToken: string; phoneNumberId: string; apiVersion: string; graphBaseUrl?: string }
export interface EmailConfig { apiKey: string; baseUrl: string; from: string; opsTo: string | null }
export interface ShopifyConfig {
  apiVersion: string;
  /** Origin of the Admin API and OAuth endpoints; `{shop}` is the store's myshopify hostname. */
  adminBaseUrl: string;
  credential: Extract<CredentialSettings, { name: "shopify" }>;
}
export interface ZohoConfig {
  organizationId: string;
  /** ZOHO_API_BASE_URL when set; otherwise `<api_domain of the token>/inventory/v1`. */
  apiBaseUrl: string | null;
  vendorId: string | null;
  customerId: string | null;
  requestsPerMinute: number;
  credential: Extract<CredentialSettings, { name: "zoho" }>;
}
export interface GorgiasConfig { domain: string; username: string; apiKey: string }
export interface FreshdeskConfig { domain: string; apiKey: string }
export interface ZendeskConfig { subdomain: string; email: string; apiToken: string }
export interface KlaviyoConfig { apiKey: string; revision: string; baseUrl?: string }
export interface ShiprocketConfig { baseUrl: string; credential: Extract<CredentialSettings, { name: "shiprocket" }> }
export interface UnicommerceConfig { baseUrl: string; facilities: string[]; credential: Extract<CredentialSettings, { name: "unicommerce" }> }
export interface DelhiveryConfig { apiToken: string; baseUrl: string }
export interface SmsConfig { authKey: string; baseUrl: string }
/** A HubSpot private app's access token; `predictionEvent` is the custom event (pe{HubID}_{name}) predictions are logged to, if any. */
export interface HubSpotConfig { accessToken: string; predictionEvent: string | null }

export interface ConnectorConfig {
  whatsapp: WhatsAppConfig | null;
  email: EmailConfig | null;
  shopify: ShopifyConfig | null;
  zoho: ZohoConfig | null;
  gorgias: GorgiasConfig | null;
  freshdesk: FreshdeskConfig | null;
  zendesk: ZendeskConfig | null;
  klaviyo: KlaviyoConfig | null;
  shiprocket: ShiprocketConfig | null;
  unicommerce: UnicommerceConfig | null;
  delhivery: DelhiveryConfig | null;
  /** MSG91 (SMS fallback): MSG91_AUTH_KEY. */
  sms: SmsConfig | null;
  hubspot: HubSpotConfig | null;
  /** Razorpay Payment Links (the COD pay-now offer): RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET. */
  razorpay: RazorpayConfig | null;
  /** Cloudflare's send_email binding for ops alerts, when the deployment has one. */
  sendEmail: SendEmail | null;
  /** Transient failures (5xx, network) in a row before an action is dead. */
  maxAttempts: number;
}

/** Settings this module reads beyond the generated Env: all optional, so an unset one means "not configured". */
export interface OptionalSettings {
  SEND_EMAIL?: SendEmail;
  EMAIL_FROM?: string;
  OPS_ALERT_EMAIL?: string;
  SHOPIFY_CLIENT_ID?: string;
  SHOPIFY_CLIENT_SECRET?: string;
  SHOPIFY_ADMIN_BASE_URL?: string;
  ZOHO_API_BASE_URL?: string;
  ZOHO_ACCOUNTS_URL?: string;
  ZOHO_CLIENT_ID?: string;
  ZOHO_CLIENT_SECRET?: string;
  ZOHO_REFRESH_TOKEN?: string;
  ZOHO_VENDOR_ID?: string;
  ZOHO_CUSTOMER_ID?: string;
  SHIPROCKET_EMAIL?: string;
  SHIPROCKET_PASSWORD?: string;
  SHIPROCKET_API_BASE_URL?: string;
  UNICOMMERCE_TENANT?: string;
  UNICOMMERCE_USERNAME?: string;
  UNICOMMERCE_PASSWORD?: string;
  UNICOMMERCE_BASE_URL?: string;
  UNICOMMERCE_FACILITIES?: string;
  DELHIVERY_API_BASE_URL?: string;
  WHATSAPP_GRAPH_BASE_URL?: string;
  KLAVIYO_API_BASE_URL?: string;
  KLAVIYO_REVISION?: string;
  WHATSAPP_API_VERSION?: string;
  ACTION_MAX_ATTEMPTS?: string;
  CREDENTIALS_KEY?: string;
  MSG91_AUTH_KEY?: string;
  MSG91_API_BASE_URL?: string;
  HUBSPOT_ACCESS_TOKEN?: string;
  HUBSPOT_PREDICTION_EVENT?: string;
  RAZORPAY_KEY_ID?: string;
  RAZORPAY_KEY_SECRET?: string;
  RAZORPAY_API_BASE_URL?: string;
  RAZORPAY_CALLBACK_URL?: string;
  RAZORPAY_WEBHOOK_SECRET?: string;
}

export const DEFAULT_MAX_ATTEMPTS = 6;
export const KLAVIYO_REVISION = "2025-10-15";
export const WHATSAPP_API_VERSION = "v21.0";

/** Production hosts, overridable one by one. */
export const DEFAULT_BASE_URLS = {
  SHOPIFY_ADMIN_BASE_URL: "https://{shop}",
  ZOHO_API_BASE_URL: "https://www.zohoapis.in/inventory/v1",
  ZOHO_ACCOUNTS_URL: "https://accounts.zoho.in",
  SHIPROCKET_API_BASE_URL: "https://apiv2.shiprocket.in",
  UNICOMMERCE_BASE_URL: "https://{tenant}.unicommerce.com",
  DELHIVERY_API_BASE_URL: "https://track.delhivery.com",
  WHATSAPP_GRAPH_BASE_URL: "https://graph.facebook.com",
  KLAVIYO_API_BASE_URL: "https://a.klaviyo.com/api",
} as const;

const trimSlash = (u: string) => u.replace(/\/+$/, "");

export function configFromEnv(env: Env): ConnectorConfig {
  const e = env as Env & OptionalSettings;
  const s = (v: string | undefined): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
  const all = <T>(values: (string | null)[], make: () => T): T | null => (values.every((v) => v !== null) ? make() : null);
  const base = (name: keyof typeof DEFAULT_BASE_URLS) => trimSlash(s(e[name]) ?? DEFAULT_BASE_URLS[name]);
  const waToken = s(e.WHATSAPP_ACCESS_TOKEN), waPhone = s(e.WHATSAPP_PHONE_NUMBER_ID);
  const emailKey = s(e.EMAIL_API_KEY), emailBase = s(e.EMAIL_API_BASE_URL);
  const gDomain = s(e.GORGIAS_DOMAIN), gUser = s(e.GORGIAS_USERNAME), gKey = s(e.GORGIAS_API_KEY);
  const fDomain = s(e.FRESHDESK_DOMAIN), fKey = s(e.FRESHDESK_API_KEY);
  const zSub = s(e.ZENDESK_SUBDOMAIN), zEmail = s(e.ZENDESK_EMAIL), zToken = s(e.ZENDESK_API_TOKEN);
  const kKey = s(e.KLAVIYO_API_KEY);
  const dlToken = s(e.DELHIVERY_API_TOKEN);
  const msg91 = s(e.MSG91_AUTH_KEY);
  const maxAttempts = Number(e.ACTION_MAX_ATTEMPTS);
  return {
    whatsapp: all([waToken, waPhone], () => ({ accessToken: waToken!, phoneNumberId: waPhone!, apiVersion: s(e.WHATSAPP_API_VERSION) ?? WHATSAPP_API_VERSION, graphBaseUrl: base("WHATSAPP_GRAPH_BASE_URL") })),
    email: all([emailKey, emailBase], () => ({ apiKey: emailKey!, baseUrl: trimSlash(emailBase!), from: s(e.EMAIL_FROM) ?? "Switchyard <ops@switchyard.invalid>", opsTo: s(e.OPS_ALERT_EMAIL) })),
    shopify: shopifyConfig(e, s, base("SHOPIFY_ADMIN_BASE_URL")),
    zoho: zohoConfig(e, s),
    gorgias: all([gDomain, gUser, gKey], () => ({ domain: gDomain!, username: gUser!, apiKey: gKey! })),
    freshdesk: all([fDomain, fKey], () => ({ domain: fDomain!, apiKey: fKey! })),
    zendesk: all([zSub, zEmail, zToken], () => ({ subdomain: zSub!, email: zEmail!, apiToken: zToken! })),
    klaviyo: all([kKey], () => ({ apiKey: kKey!, revision: s(e.KLAVIYO_REVISION) ?? KLAVIYO_REVISION, baseUrl: base("KLAVIYO_API_BASE_URL") })),
    shiprocket: shiprocketConfig(e, s, base("SHIPROCKET_API_BASE_URL")),
    unicommerce: unicommerceConfig(e, s),
    delhivery: dlToken ? { apiToken: dlToken, baseUrl: base("DELHIVERY_API_BASE_URL") } : null,
    sms: all([msg91], () => ({ authKey: msg91!, baseUrl: (s(e.MSG91_API_BASE_URL) ?? "https://control.msg91.com/api/v5").replace(/\/+$/, "") })),
    hubspot: all([s(e.HUBSPOT_ACCESS_TOKEN)], () => ({ accessToken: s(e.HUBSPOT_ACCESS_TOKEN)!, predictionEvent: s(e.HUBSPOT_PREDICTION_EVENT) })),
    razorpay: all([s(e.RAZORPAY_KEY_ID), s(e.RAZORPAY_KEY_SECRET)], () => ({ keyId: s(e.RAZORPAY_KEY_ID)!, keySecret: s(e.RAZORPAY_KEY_SECRET)!, baseUrl: trimSlash(s(e.RAZORPAY_API_BASE_URL) ?? RAZORPAY_BASE_URL), callbackUrl: s(e.RAZORPAY_CALLBACK_URL) })),
    sendEmail: e.SEND_EMAIL ?? null,
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
  };
}

type Str = (v: string | undefined) => string | null;

/**
 * Shopify, three ways. A Dev Dashboard app's client id and secret: with SHOPIFY_SHOP_DOMAIN the
 * client credentials grant (the brand's own store), without it the OAuth install decides the store
 * (`/shopify/install`). Only without a client id, the legacy `shpat_` SHOPIFY_ADMIN_TOKEN.
 */
function shopifyConfig(e: Env & OptionalSettings, s: Str, adminBaseUrl: string): ShopifyConfig | null {
  const apiVersion = s(e.SHOPIFY_API_VERSION) ?? "2026-07";
  const shop = s(e.SHOPIFY_SHOP_DOMAIN), token = s(e.SHOPIFY_ADMIN_TOKEN);
  const clientId = s(e.SHOPIFY_CLIENT_ID), clientSecret = s(e.SHOPIFY_CLIENT_SECRET);
  if (clientId && clientSecret) {
    return {
      apiVersion,
      adminBaseUrl,
      credential: shop ? { name: "shopify", grant: "client_credentials", shop, clientId, clientSecret, adminBaseUrl } : { name: "shopify", grant: "authorization_code", clientId, clientSecret, adminBaseUrl },
    };
  }
  if (shop && token) return { apiVersion, adminBaseUrl, credential: { name: "shopify", grant: "static", shop, token, adminBaseUrl } };
  return null;
}

/** Zoho: a Self Client's refresh token (renewed hourly), or the legacy fixed ZOHO_ACCESS_TOKEN. */
function zohoConfig(e: Env & OptionalSettings, s: Str): ZohoConfig | null {
  const org = s(e.ZOHO_ORGANIZATION_ID);
  if (!org) return null;
  const clientId = s(e.ZOHO_CLIENT_ID), clientSecret = s(e.ZOHO_CLIENT_SECRET), refreshToken = s(e.ZOHO_REFRESH_TOKEN);
  const token = s(e.ZOHO_ACCESS_TOKEN);
  const credential: ZohoConfig["credential"] | null =
    clientId && clientSecret && refreshToken
      ? { name: "zoho", grant: "refresh_token", accountsUrl: trimSlash(s(e.ZOHO_ACCOUNTS_URL) ?? DEFAULT_BASE_URLS.ZOHO_ACCOUNTS_URL), clientId, clientSecret, refreshToken }
      : token
        ? { name: "zoho", grant: "static", token }
        : null;
  if (!credential) return null;
  const explicitBase = s(e.ZOHO_API_BASE_URL);
  return {
    organizationId: org,
    apiBaseUrl: explicitBase ? trimSlash(explicitBase) : credential.grant === "static" ? DEFAULT_BASE_URLS.ZOHO_API_BASE_URL : null,
    vendorId: s(e.ZOHO_VENDOR_ID),
    customerId: s(e.ZOHO_CUSTOMER_ID),
    requestsPerMinute: 100,
    credential,
  };
}

/** Shiprocket: an API user's email and password (token renewed before its 240 h), or a fixed SHIPROCKET_API_TOKEN. */
function shiprocketConfig(e: Env & OptionalSettings, s: Str, baseUrl: string): ShiprocketConfig | null {
  const email = s(e.SHIPROCKET_EMAIL), password = s(e.SHIPROCKET_PASSWORD), token = s(e.SHIPROCKET_API_TOKEN);
  if (email && password) return { baseUrl, credential: { name: "shiprocket", grant: "login", baseUrl, email, password } };
  if (token) return { baseUrl, credential: { name: "shiprocket", grant: "static", token } };
  return null;
}

function unicommerceConfig(e: Env & OptionalSettings, s: Str): UnicommerceConfig | null {
  const tenant = s(e.UNICOMMERCE_TENANT), username = s(e.UNICOMMERCE_USERNAME), password = s(e.UNICOMMERCE_PASSWORD);
  const explicit = s(e.UNICOMMERCE_BASE_URL);
  if (!username || !password || (!tenant && !explicit)) return null;
  const baseUrl = trimSlash(explicit ?? DEFAULT_BASE_URLS.UNICOMMERCE_BASE_URL.replace("{tenant}", tenant!));
  const facilities = (s(e.UNICOMMERCE_FACILITIES) ?? "").split(",").map((f) => f.trim()).filter(Boolean);
  return { baseUrl, facilities, credential: { name: "unicommerce", grant: "login", baseUrl, username, password } };
}
