/** Connector credentials from env: a connector whose credentials are missing runs in dry-run. */

export interface WhatsAppConfig { accessToken: string; phoneNumberId: string; apiVersion: string }
export interface EmailConfig { apiKey: string; baseUrl: string; from: string; opsTo: string | null }
export interface ShopifyConfig { shopDomain: string; accessToken: string; apiVersion: string }
export interface ZohoConfig { accessToken: string; organizationId: string; baseUrl: string; vendorId: string | null; customerId: string | null; requestsPerMinute: number }
export interface GorgiasConfig { domain: string; username: string; apiKey: string }
export interface FreshdeskConfig { domain: string; apiKey: string }
export interface ZendeskConfig { subdomain: string; email: string; apiToken: string }
export interface KlaviyoConfig { apiKey: string; revision: string }
export interface ShiprocketConfig { apiToken: string }
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
  hubspot: HubSpotConfig | null;
  /** Cloudflare's send_email binding for ops alerts, when the deployment has one. */
  sendEmail: SendEmail | null;
  /** Transient failures (5xx, network) in a row before an action is dead. */
  maxAttempts: number;
}

/** Settings this module reads beyond the generated Env: all optional, so an unset one means "not configured". */
interface OptionalSettings {
  SEND_EMAIL?: SendEmail;
  EMAIL_FROM?: string;
  OPS_ALERT_EMAIL?: string;
  ZOHO_API_BASE_URL?: string;
  ZOHO_VENDOR_ID?: string;
  ZOHO_CUSTOMER_ID?: string;
  KLAVIYO_REVISION?: string;
  WHATSAPP_API_VERSION?: string;
  ACTION_MAX_ATTEMPTS?: string;
  HUBSPOT_ACCESS_TOKEN?: string;
  HUBSPOT_PREDICTION_EVENT?: string;
}

export const DEFAULT_MAX_ATTEMPTS = 6;
export const KLAVIYO_REVISION = "2025-10-15";
export const WHATSAPP_API_VERSION = "v21.0";

export function configFromEnv(env: Env): ConnectorConfig {
  const e = env as Env & OptionalSettings;
  const s = (v: string | undefined): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
  const all = <T>(values: (string | null)[], make: () => T): T | null => (values.every((v) => v !== null) ? make() : null);
  const waToken = s(e.WHATSAPP_ACCESS_TOKEN), waPhone = s(e.WHATSAPP_PHONE_NUMBER_ID);
  const emailKey = s(e.EMAIL_API_KEY), emailBase = s(e.EMAIL_API_BASE_URL);
  const shop = s(e.SHOPIFY_SHOP_DOMAIN), shopToken = s(e.SHOPIFY_ADMIN_TOKEN);
  const zohoToken = s(e.ZOHO_ACCESS_TOKEN), zohoOrg = s(e.ZOHO_ORGANIZATION_ID);
  const gDomain = s(e.GORGIAS_DOMAIN), gUser = s(e.GORGIAS_USERNAME), gKey = s(e.GORGIAS_API_KEY);
  const fDomain = s(e.FRESHDESK_DOMAIN), fKey = s(e.FRESHDESK_API_KEY);
  const zSub = s(e.ZENDESK_SUBDOMAIN), zEmail = s(e.ZENDESK_EMAIL), zToken = s(e.ZENDESK_API_TOKEN);
  const kKey = s(e.KLAVIYO_API_KEY), srToken = s(e.SHIPROCKET_API_TOKEN);
  const maxAttempts = Number(e.ACTION_MAX_ATTEMPTS);
  return {
    whatsapp: all([waToken, waPhone], () => ({ accessToken: waToken!, phoneNumberId: waPhone!, apiVersion: s(e.WHATSAPP_API_VERSION) ?? WHATSAPP_API_VERSION })),
    email: all([emailKey, emailBase], () => ({ apiKey: emailKey!, baseUrl: emailBase!.replace(/\/+$/, ""), from: s(e.EMAIL_FROM) ?? "Switchyard <ops@switchyard.invalid>", opsTo: s(e.OPS_ALERT_EMAIL) })),
    shopify: all([shop, shopToken], () => ({ shopDomain: shop!, accessToken: shopToken!, apiVersion: s(e.SHOPIFY_API_VERSION) ?? "2026-07" })),
    zoho: all([zohoToken, zohoOrg], () => ({
      accessToken: zohoToken!,
      organizationId: zohoOrg!,
      baseUrl: (s(e.ZOHO_API_BASE_URL) ?? "https://www.zohoapis.in/inventory/v1").replace(/\/+$/, ""),
      vendorId: s(e.ZOHO_VENDOR_ID),
      customerId: s(e.ZOHO_CUSTOMER_ID),
      requestsPerMinute: 100,
    })),
    gorgias: all([gDomain, gUser, gKey], () => ({ domain: gDomain!, username: gUser!, apiKey: gKey! })),
    freshdesk: all([fDomain, fKey], () => ({ domain: fDomain!, apiKey: fKey! })),
    zendesk: all([zSub, zEmail, zToken], () => ({ subdomain: zSub!, email: zEmail!, apiToken: zToken! })),
    klaviyo: all([kKey], () => ({ apiKey: kKey!, revision: s(e.KLAVIYO_REVISION) ?? KLAVIYO_REVISION })),
    shiprocket: all([srToken], () => ({ apiToken: srToken! })),
    hubspot: all([s(e.HUBSPOT_ACCESS_TOKEN)], () => ({ accessToken: s(e.HUBSPOT_ACCESS_TOKEN)!, predictionEvent: s(e.HUBSPOT_PREDICTION_EVENT) })),
    sendEmail: e.SEND_EMAIL ?? null,
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
  };
}
