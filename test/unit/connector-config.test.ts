/** Connector settings: which credential each vendor uses, and every base URL overridable with production defaults. */
import { describe, expect, it } from "vitest";
import { configFromEnv, DEFAULT_BASE_URLS } from "../../src/connectors/config";
import { renewMarginMs } from "../../src/connectors/credential-grants";
import { helpdeskOrigin } from "../../src/connectors/helpdesk";
import { buildKlaviyoRequest } from "../../src/connectors/klaviyo";
import { buildShiprocketRequest } from "../../src/connectors/shiprocket";
import { buildWhatsAppRequest } from "../../src/connectors/whatsapp";
import { seal, unseal } from "../../src/lib/sealed";

const env = (vars: Record<string, string>) => vars as unknown as Env;

describe("credential per vendor", () => {
  it("Shopify: client id + secret with a shop → client credentials; without a shop → OAuth install; only a shpat_ token → static", () => {
    expect(configFromEnv(env({ SHOPIFY_CLIENT_ID: "id", SHOPIFY_CLIENT_SECRET: "s", SHOPIFY_SHOP_DOMAIN: "a.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_x" })).shopify?.credential.grant).toBe("client_credentials");
    expect(configFromEnv(env({ SHOPIFY_CLIENT_ID: "id", SHOPIFY_CLIENT_SECRET: "s" })).shopify?.credential.grant).toBe("authorization_code");
    expect(configFromEnv(env({ SHOPIFY_SHOP_DOMAIN: "a.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_x" })).shopify?.credential.grant).toBe("static");
    expect(configFromEnv(env({ SHOPIFY_SHOP_DOMAIN: "a.myshopify.com" })).shopify).toBeNull();
  });

  it("Zoho: refresh token wins over a fixed token; Shiprocket: login wins over a fixed token; Unicommerce needs tenant, user and password", () => {
    const z = configFromEnv(env({ ZOHO_ORGANIZATION_ID: "1", ZOHO_CLIENT_ID: "c", ZOHO_CLIENT_SECRET: "s", ZOHO_REFRESH_TOKEN: "r", ZOHO_ACCESS_TOKEN: "old" })).zoho!;
    expect(z.credential).toMatchObject({ grant: "refresh_token", accountsUrl: "https://accounts.zoho.in" });
    expect(z.apiBaseUrl).toBeNull(); // from the token's api_domain
    expect(configFromEnv(env({ ZOHO_ORGANIZATION_ID: "1", ZOHO_ACCESS_TOKEN: "old" })).zoho!.apiBaseUrl).toBe(DEFAULT_BASE_URLS.ZOHO_API_BASE_URL);
    expect(configFromEnv(env({ SHIPROCKET_EMAIL: "e", SHIPROCKET_PASSWORD: "p", SHIPROCKET_API_TOKEN: "t" })).shiprocket!.credential.grant).toBe("login");
    expect(configFromEnv(env({ SHIPROCKET_API_TOKEN: "t" })).shiprocket!.credential.grant).toBe("static");
    expect(configFromEnv(env({ UNICOMMERCE_TENANT: "acme", UNICOMMERCE_USERNAME: "u", UNICOMMERCE_PASSWORD: "p", UNICOMMERCE_FACILITIES: "WH1, WH2" })).unicommerce).toMatchObject({ baseUrl: "https://acme.unicommerce.com", facilities: ["WH1", "WH2"] });
    expect(configFromEnv(env({ UNICOMMERCE_USERNAME: "u", UNICOMMERCE_PASSWORD: "p" })).unicommerce).toBeNull();
  });
});

describe("base URLs", () => {
  it("default to the vendors' production hosts", () => {
    const c = configFromEnv(env({ SHOPIFY_CLIENT_ID: "id", SHOPIFY_CLIENT_SECRET: "s", SHOPIFY_SHOP_DOMAIN: "a.myshopify.com", SHIPROCKET_API_TOKEN: "t", DELHIVERY_API_TOKEN: "d", WHATSAPP_ACCESS_TOKEN: "w", WHATSAPP_PHONE_NUMBER_ID: "1", KLAVIYO_API_KEY: "k" }));
    expect(c.shopify!.adminBaseUrl).toBe("https://{shop}");
    expect(c.shiprocket!.baseUrl).toBe("https://apiv2.shiprocket.in");
    expect(c.delhivery!.baseUrl).toBe("https://track.delhivery.com");
    expect(c.whatsapp!.graphBaseUrl).toBe("https://graph.facebook.com");
    expect(c.klaviyo!.baseUrl).toBe("https://a.klaviyo.com/api");
  });

  it("each can point at a staging host or a local mock, and the requests go there", () => {
    const c = configFromEnv(env({
      SHOPIFY_CLIENT_ID: "id", SHOPIFY_CLIENT_SECRET: "s", SHOPIFY_SHOP_DOMAIN: "a.myshopify.com", SHOPIFY_ADMIN_BASE_URL: "http://127.0.0.1:9100/{shop}/",
      ZOHO_ORGANIZATION_ID: "1", ZOHO_CLIENT_ID: "c", ZOHO_CLIENT_SECRET: "s", ZOHO_REFRESH_TOKEN: "r", ZOHO_ACCOUNTS_URL: "https://accounts.zoho.eu", ZOHO_API_BASE_URL: "http://127.0.0.1:9101/inventory/v1",
      SHIPROCKET_API_TOKEN: "t", SHIPROCKET_API_BASE_URL: "http://127.0.0.1:9102", UNICOMMERCE_TENANT: "acme", UNICOMMERCE_USERNAME: "u", UNICOMMERCE_PASSWORD: "p", UNICOMMERCE_BASE_URL: "http://127.0.0.1:9103",
      DELHIVERY_API_TOKEN: "d", DELHIVERY_API_BASE_URL: "https://staging-express.delhivery.com", WHATSAPP_ACCESS_TOKEN: "w", WHATSAPP_PHONE_NUMBER_ID: "1", WHATSAPP_GRAPH_BASE_URL: "http://127.0.0.1:9104",
      KLAVIYO_API_KEY: "k", KLAVIYO_API_BASE_URL: "http://127.0.0.1:9105/api",
    }));
    expect(c.shopify!.adminBaseUrl).toBe("http://127.0.0.1:9100/{shop}");
    expect(c.zoho!.credential).toMatchObject({ accountsUrl: "https://accounts.zoho.eu" });
    expect(c.zoho!.apiBaseUrl).toBe("http://127.0.0.1:9101/inventory/v1");
    expect(c.unicommerce!.baseUrl).toBe("http://127.0.0.1:9103");
    expect(c.delhivery!.baseUrl).toBe("https://staging-express.delhivery.com");
    const sr = buildShiprocketRequest({ kind: "shiprocket.ndr_action", connector: "shiprocket", params: { awb: "A1", action: "return", comments: "c" } }, { apiToken: "t", baseUrl: c.shiprocket!.baseUrl });
    expect(sr.url).toBe("http://127.0.0.1:9102/v1/external/ndr/A1/action");
    const wa = buildWhatsAppRequest({ kind: "whatsapp.text", connector: "whatsapp", params: { to: "+919800000000", text: "hi" } } as never, c.whatsapp!);
    expect(wa.url).toBe("http://127.0.0.1:9104/v21.0/1/messages");
    const kl = buildKlaviyoRequest({ kind: "klaviyo.profile_properties", connector: "klaviyo", params: { email: "a@b.in", phone: null, properties: {} } } as never, c.klaviyo!);
    expect(kl.url).toBe("http://127.0.0.1:9105/api/profile-import");
    expect(helpdeskOrigin("acme", "freshdesk.com")).toBe("https://acme.freshdesk.com");
    expect(helpdeskOrigin("http://127.0.0.1:9106/", "freshdesk.com")).toBe("http://127.0.0.1:9106");
  });
});

describe("token lifetimes and sealing", () => {
  it("renews a tenth of the life early, at least 5 min and at most a day before expiry", () => {
    expect(renewMarginMs(3_600_000)).toBe(360_000);
    expect(renewMarginMs(60_000)).toBe(300_000);
    expect(renewMarginMs(240 * 3_600_000)).toBe(24 * 3_600_000);
  });

  it("seals with AES-GCM: opens with the same key and purpose only, and a changed byte does not open", async () => {
    const sealed = await seal("k1", "credential:shopify:access", "shpat_secret");
    expect(sealed).not.toContain("shpat_secret");
    expect(await unseal("k1", "credential:shopify:access", sealed)).toBe("shpat_secret");
    expect(await unseal("k2", "credential:shopify:access", sealed)).toBeNull();
    expect(await unseal("k1", "credential:zoho:access", sealed)).toBeNull();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(await unseal("k1", "credential:shopify:access", tampered)).toBeNull();
  });
});
