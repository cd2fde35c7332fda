/**
 * What each connector is set up to do, in words a brand's engineer can act on: its mode (dry-run,
 * static token, client credentials, OAuth install, login, refresh token, API key) and what is
 * missing. Pure: settings in, report out. `GET /api/connectors` adds the live token state and the
 * last call; `npm run doctor` prints it.
 */
import type { ConnectorConfig, OptionalSettings } from "./config";
import type { CredentialName } from "./credential-grants";

export type ConnectorName = "shopify" | "zoho" | "shiprocket" | "unicommerce" | "delhivery" | "whatsapp" | "email" | "klaviyo" | "gorgias" | "freshdesk" | "zendesk" | "razorpay";

export type Mode = "dry-run" | "static token" | "client credentials" | "OAuth install" | "login" | "refresh token" | "API key";

export interface ConnectorSetup {
  connector: ConnectorName;
  mode: Mode;
  /** The Credential object behind it, when its token is minted and renewed. */
  credential: CredentialName | null;
  /** What to set to go live (empty when nothing is missing). */
  missing: string[];
  notes: string[];
}

const MODE_OF_GRANT = { static: "static token", client_credentials: "client credentials", authorization_code: "OAuth install", refresh_token: "refresh token", login: "login" } as const;

export function connectorSetup(env: Env, config: ConnectorConfig): ConnectorSetup[] {
  const e = env as Env & OptionalSettings;
  const has = (v: string | undefined) => typeof v === "string" && v.trim() !== "";
  const out: ConnectorSetup[] = [];
  const push = (connector: ConnectorName, mode: Mode, credential: CredentialName | null, missing: string[], notes: string[] = []) => out.push({ connector, mode, credential, missing, notes });

  // Shopify
  if (config.shopify) {
    const grant = config.shopify.credential.grant;
    const notes: string[] = [];
    if (grant === "static") notes.push("legacy custom-app token (shpat_); new apps are made in the Dev Dashboard: set SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET instead");
    if (!has(e.PUBLIC_URL)) notes.push("PUBLIC_URL is empty: webhook subscriptions cannot be registered or repaired (set it to this worker's https URL)");
    if (grant === "authorization_code") notes.push("open /shopify/install?shop=<store>.myshopify.com to connect a store");
    if (!has(e.SHOPIFY_WEBHOOK_SECRET) && !has(e.SHOPIFY_CLIENT_SECRET)) notes.push("no secret to verify Shopify webhooks");
    push("shopify", MODE_OF_GRANT[grant], "shopify", grant === "authorization_code" && !has(e.CREDENTIALS_KEY) ? ["CREDENTIALS_KEY (the OAuth install stores a refresh token, sealed with it)"] : [], notes);
  } else {
    const missing = has(e.SHOPIFY_ADMIN_TOKEN) && !has(e.SHOPIFY_SHOP_DOMAIN)
      ? ["SHOPIFY_SHOP_DOMAIN (<store>.myshopify.com) for SHOPIFY_ADMIN_TOKEN"]
      : has(e.SHOPIFY_CLIENT_ID) !== has(e.SHOPIFY_CLIENT_SECRET)
        ? [has(e.SHOPIFY_CLIENT_ID) ? "SHOPIFY_CLIENT_SECRET" : "SHOPIFY_CLIENT_ID"]
        : ["SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (Dev Dashboard → Apps → your app → Settings), plus SHOPIFY_SHOP_DOMAIN for your own store; or SHOPIFY_ADMIN_TOKEN for a legacy custom app"];
    push("shopify", "dry-run", null, missing);
  }

  // Zoho Inventory
  if (config.zoho) {
    const notes = config.zoho.credential.grant === "static" ? ["ZOHO_ACCESS_TOKEN is a fixed token and stops working after an hour: set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN"] : [];
    const missing = [config.zoho.vendorId ? null : "ZOHO_VENDOR_ID (purchase-order drafts)", config.zoho.customerId ? null : "ZOHO_CUSTOMER_ID (sales orders)"].filter((m): m is string => m !== null);
    push("zoho", MODE_OF_GRANT[config.zoho.credential.grant], "zoho", missing, notes);
  } else {
    const need = ["ZOHO_ORGANIZATION_ID", "ZOHO_CLIENT_ID", "ZOHO_CLIENT_SECRET", "ZOHO_REFRESH_TOKEN"].filter((k) => !has(e[k as keyof typeof e] as string | undefined));
    push("zoho", "dry-run", null, [`${need.join(", ")} (Zoho API Console → Self Client; ZOHO_ACCOUNTS_URL for a data centre other than India)`]);
  }

  // Shiprocket
  if (config.shiprocket) {
    const notes = config.shiprocket.credential.grant === "static" ? ["SHIPROCKET_API_TOKEN is a fixed token and expires after 240 hours: set SHIPROCKET_EMAIL and SHIPROCKET_PASSWORD of an API user"] : [];
    push("shiprocket", MODE_OF_GRANT[config.shiprocket.credential.grant], "shiprocket", [], notes);
  } else {
    push("shiprocket", "dry-run", null, ["SHIPROCKET_EMAIL and SHIPROCKET_PASSWORD (Settings → API → Configure → Create an API User)"]);
  }

  // Unicommerce
  if (config.unicommerce) {
    push("unicommerce", "login", "unicommerce", config.unicommerce.facilities.length ? [] : ["UNICOMMERCE_FACILITIES (facility codes to pull stock for)"]);
  } else {
    const need = ["UNICOMMERCE_TENANT", "UNICOMMERCE_USERNAME", "UNICOMMERCE_PASSWORD"].filter((k) => !has(e[k as keyof typeof e] as string | undefined));
    push("unicommerce", "dry-run", null, [`${need.join(", ")} (an admin user of your Uniware tenant)`], ["without it, stock arrives only if something posts inventorySnapshot/get answers to /webhooks/unicommerce"]);
  }

  // Static API keys
  push("delhivery", config.delhivery ? "API key" : "dry-run", null, config.delhivery ? [] : ["DELHIVERY_API_TOKEN (tracking pulls of quiet parcels)"]);
  push("whatsapp", config.whatsapp ? "API key" : "dry-run", null, config.whatsapp ? [] : ["WHATSAPP_ACCESS_TOKEN (a system user's permanent token) and WHATSAPP_PHONE_NUMBER_ID"]);
  push("email", config.email ? "API key" : config.sendEmail ? "API key" : "dry-run", null, config.email || config.sendEmail ? [] : ["EMAIL_API_KEY and EMAIL_API_BASE_URL, or a SEND_EMAIL binding"], config.email?.opsTo || has(e.OPS_ALERT_EMAIL) ? [] : ["OPS_ALERT_EMAIL is empty: ops alerts (such as a refused credential) go nowhere"]);
  push("klaviyo", config.klaviyo ? "API key" : "dry-run", null, config.klaviyo ? [] : ["KLAVIYO_API_KEY (a private key)"]);
  push("gorgias", config.gorgias ? "API key" : "dry-run", null, config.gorgias ? [] : ["GORGIAS_DOMAIN, GORGIAS_USERNAME and GORGIAS_API_KEY"]);
  push("freshdesk", config.freshdesk ? "API key" : "dry-run", null, config.freshdesk ? [] : ["FRESHDESK_DOMAIN and FRESHDESK_API_KEY"]);
  push("zendesk", config.zendesk ? "API key" : "dry-run", null, config.zendesk ? [] : ["ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN"]);
  // Razorpay Payment Links (the COD pay-now offer) and the payment_link.paid webhook that answers it.
  push(
    "razorpay",
    config.razorpay ? "API key" : "dry-run",
    null,
    config.razorpay ? [] : ["RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET (Dashboard → Account & Settings → API Keys)"],
    has(e.RAZORPAY_WEBHOOK_SECRET) ? [] : ["RAZORPAY_WEBHOOK_SECRET is empty: /webhooks/razorpay refuses every event, so a paid link never reaches Shopify (Dashboard → Webhooks: the secret you set there, event payment_link.paid)"],
  );

  if (!has(e.CREDENTIALS_KEY) && out.some((c) => c.credential && c.mode !== "static token")) {
    for (const c of out) if (c.credential && c.mode !== "static token") c.notes.push("CREDENTIALS_KEY is not set: minted tokens are held in memory only and minted again after a restart");
  }
  return out;
}
