/** Runs one outbox action through its connector: dry-run without credentials, the vendor's request otherwise. */
import type { ActionSpec } from "../canonical/actions";
import type { ConnectorConfig, ShopifyConfig, ZohoConfig } from "./config";
import { shopifyOrigin } from "./credential-grants";
import { withCredential, type CredentialClient, type TokenOk } from "./credentials";
import { buildEmailRequest, emailFields, interpretEmail, sendThroughBinding } from "./email";
import { buildHelpdeskRequests, helpdeskInterpret } from "./helpdesk";
import { buildTicketRequests, isTicketSpec, runTicketAction, type TicketSpec } from "./helpdesk-tickets";
import { executeRequest, type FetchFn, type Interpret, type OutboundRequest, type Outcome } from "./http";
import { buildHubSpotRequest } from "./hubspot";
import { buildKlaviyoRequest } from "./klaviyo";
import { buildShiprocketRequest } from "./shiprocket";
import { buildDelhiveryRequest, interpretDelhivery } from "./delhivery";
import { buildShopifyRequest, interpretShopify, type ShopifyTarget } from "./shopify";
import { isShopifyCodSpec, runShopifyCod } from "./shopify-cod";
import { buildPaymentLinkRequest, interpretRazorpay, RAZORPAY_BASE_URL } from "./razorpay";
import { buildSmsRequest, interpretMsg91, MSG91_BASE_URL } from "./sms";
import { buildWhatsAppRequest, interpretWhatsApp, isWhatsAppRateLimit, serviceWindowRefusal, whatsAppError } from "./whatsapp";
import { buildZohoRequest, istDate, interpretZoho, zohoRateWait, type ZohoTarget } from "./zoho";
import { actionStepsDone, findFulfillmentId, recordActionStepsDone, zohoItemIds, zohoSalesOrderOf } from "../db/connector-state";

export interface ActionToRun {
  id: string;
  idempotencyKey: string;
  spec: ActionSpec;
}

export interface RunDeps {
  db: D1Database;
  config: ConnectorConfig;
  fetch: FetchFn;
  /** Tokens for the vendors whose tokens expire (Shopify, Zoho, Shiprocket, Unicommerce). */
  credentials: CredentialClient;
  now: number;
}

export interface RunResult {
  outcome: Outcome;
  /** What was (or, in dry-run, would have been) sent; credentials are redacted by the caller. */
  requests: OutboundRequest[];
}

/** Stand-ins so a dry run can still show the full request shape; no credential is ever one of them. */
const PLACEHOLDER = {
  whatsapp: { accessToken: "", phoneNumberId: "{WHATSAPP_PHONE_NUMBER_ID}", apiVersion: "v21.0" },
  email: { apiKey: "", baseUrl: "{EMAIL_API_BASE_URL}", from: "{EMAIL_FROM}", opsTo: "{OPS_ALERT_EMAIL}" },
  shopify: { shopDomain: "{SHOPIFY_SHOP_DOMAIN}", accessToken: "", apiVersion: "{SHOPIFY_API_VERSION}" } satisfies ShopifyTarget,
  zoho: { accessToken: "", organizationId: "{ZOHO_ORGANIZATION_ID}", baseUrl: "https://www.zohoapis.in/inventory/v1", vendorId: "{ZOHO_VENDOR_ID}", customerId: "{ZOHO_CUSTOMER_ID}", requestsPerMinute: 100 } satisfies ZohoTarget,
  gorgias: { domain: "{GORGIAS_DOMAIN}", username: "{GORGIAS_USERNAME}", apiKey: "" },
  freshdesk: { domain: "{FRESHDESK_DOMAIN}", apiKey: "" },
  zendesk: { subdomain: "{ZENDESK_SUBDOMAIN}", email: "{ZENDESK_EMAIL}", apiToken: "" },
  klaviyo: { apiKey: "", revision: "2025-10-15" },
  shiprocket: { apiToken: "" },
  delhivery: { apiToken: "", baseUrl: "https://track.delhivery.com" },
  sms: { authKey: "", baseUrl: MSG91_BASE_URL },
  hubspot: { accessToken: "", predictionEvent: null },
  razorpay: { keyId: "{RAZORPAY_KEY_ID}", keySecret: "", baseUrl: RAZORPAY_BASE_URL, callbackUrl: null },
};

const failed = (reason: string, requests: OutboundRequest[] = []): RunResult => ({ outcome: { kind: "failed", httpStatus: null, reason }, requests });

export async function runAction(action: ActionToRun, deps: RunDeps): Promise<RunResult> {
  const { spec } = action;
  const { config, db, now } = deps;
  switch (spec.connector) {
    case "whatsapp": {
      if (spec.kind === "whatsapp.text") {
        const refusal = await serviceWindowRefusal(db, spec.params.to, now);
        if (refusal) return failed(refusal);
      }
      const req = buildWhatsAppRequest(spec, config.whatsapp ?? PLACEHOLDER.whatsapp);
      if (!config.whatsapp) return dryRun([req]);
      return { outcome: withWhatsAppCode(await executeRequest(deps.fetch, req, { interpret: interpretWhatsApp, isRateLimited: isWhatsAppRateLimit, now })), requests: [req] };
    }
    case "sms": {
      const req = buildSmsRequest(spec, config.sms ?? PLACEHOLDER.sms);
      if (!config.sms) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { interpret: interpretMsg91, now }), requests: [req] };
    }
    case "email": {
      if (spec.kind === "email.ops_alert" && config.sendEmail) {
        const from = config.email?.from ?? "Switchyard <ops@switchyard.invalid>";
        const m = emailFields(spec, from, config.email?.opsTo ?? null);
        if (!m) return failed("no ops alert address configured (OPS_ALERT_EMAIL)");
        const req: OutboundRequest = { method: "POST", url: "binding:SEND_EMAIL", headers: {}, body: m };
        return { outcome: await sendThroughBinding(config.sendEmail, m), requests: [req] };
      }
      const req = buildEmailRequest(spec, config.email ?? PLACEHOLDER.email, action.idempotencyKey);
      if (!req) return failed("no ops alert address configured (OPS_ALERT_EMAIL)");
      if (!config.email) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { interpret: interpretEmail, now }), requests: [req] };
    }
    case "shopify": {
      if (isShopifyCodSpec(spec)) {
        const shopify = config.shopify;
        const live = shopify ? { credential: shopify.credential, target: (t: TokenOk) => shopifyTarget(shopify, t) } : null;
        return runShopifyCod(spec, { live, placeholder: PLACEHOLDER.shopify, credentials: deps.credentials, fetch: deps.fetch, now });
      }
      const fulfillmentId = spec.kind === "shopify.fulfillment_event" ? await findFulfillmentId(db, spec.params.awb) : null;
      const ctx = { idempotencyKey: action.idempotencyKey, fulfillmentId };
      const built = buildShopifyRequest(spec, PLACEHOLDER.shopify, ctx);
      if ("error" in built) return failed(built.error);
      const shopify = config.shopify;
      if (!shopify) return dryRun([built]);
      return withCredential(
        deps.credentials,
        shopify.credential,
        (t) => buildShopifyRequest(spec, shopifyTarget(shopify, t), ctx) as OutboundRequest,
        (req) => executeRequest(deps.fetch, req, { interpret: interpretShopify, now }),
      );
    }
    case "zoho": {
      const skus = spec.kind === "zoho.purchase_order_draft" ? [spec.params.sku] : spec.params.lines.map((l) => l.sku);
      const itemIds = await zohoItemIds(db, skus);
      // A dry run shows the request it would send even for SKUs whose Zoho item id is not known yet.
      if (!config.zoho) for (const sku of skus) itemIds[sku] ??= `{ZOHO_ITEM_ID:${sku}}`;
      // A sales return names the order's Zoho sales order; a dry run shows where its id would go.
      const salesOrder = spec.kind === "zoho.restock" ? ((await zohoSalesOrderOf(db, spec.params.orderId)) ?? (config.zoho ? null : { id: `{ZOHO_SALESORDER_ID:${spec.params.orderId}}`, lineItemIds: {} })) : null;
      const zctx = { itemIds, date: istDate(now), salesOrder };
      const placeholder = config.zoho ? { ...PLACEHOLDER.zoho, organizationId: config.zoho.organizationId, vendorId: config.zoho.vendorId, customerId: config.zoho.customerId } : PLACEHOLDER.zoho;
      const built = buildZohoRequest(spec, placeholder, zctx);
      if ("error" in built) return failed(built.error);
      const zoho = config.zoho;
      if (!zoho) return dryRun([built]);
      const wait = await zohoRateWait(db, zoho.requestsPerMinute, now);
      if (wait !== null) return { outcome: { kind: "retry", httpStatus: null, reason: "Zoho budget of 100 requests/min spent", waitSeconds: wait, throttled: true }, requests: [] };
      return withCredential(
        deps.credentials,
        zoho.credential,
        (t) => buildZohoRequest(spec, zohoTarget(zoho, t), zctx) as OutboundRequest,
        (req) => executeRequest(deps.fetch, req, { interpret: interpretZoho, now }),
      );
    }
    case "helpdesk": {
      const name = spec.params.helpdesk;
      const live = config[name];
      if (isTicketSpec(spec)) return runTicket(action, spec, deps, live !== null);
      const built = buildHelpdeskRequests(spec, { gorgias: config.gorgias ?? PLACEHOLDER.gorgias, freshdesk: config.freshdesk ?? PLACEHOLDER.freshdesk, zendesk: config.zendesk ?? PLACEHOLDER.zendesk });
      if ("error" in built) return failed(built.error);
      if (!live) return dryRun(built);
      return { outcome: await runSteps(action.id, built, deps, helpdeskInterpret(spec)), requests: built };
    }
    case "klaviyo": {
      const req = buildKlaviyoRequest(spec, config.klaviyo ?? PLACEHOLDER.klaviyo);
      if (!config.klaviyo) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { now }), requests: [req] };
    }
    case "hubspot": {
      const req = buildHubSpotRequest(spec, config.hubspot ?? PLACEHOLDER.hubspot);
      if (!config.hubspot) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { now }), requests: [req] };
    }
    case "razorpay": {
      const req = buildPaymentLinkRequest(spec, config.razorpay ?? PLACEHOLDER.razorpay);
      if (!config.razorpay) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { interpret: interpretRazorpay, now }), requests: [req] };
    }
    case "shiprocket": {
      const shiprocket = config.shiprocket;
      if (!shiprocket) return dryRun([buildShiprocketRequest(spec, PLACEHOLDER.shiprocket)]);
      return withCredential(
        deps.credentials,
        shiprocket.credential,
        (t) => buildShiprocketRequest(spec, { apiToken: t.token, baseUrl: shiprocket.baseUrl }),
        (req) => executeRequest(deps.fetch, req, { now }),
      );
    }
    case "delhivery": {
      const req = buildDelhiveryRequest(spec, config.delhivery ?? PLACEHOLDER.delhivery);
      if (!config.delhivery) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { interpret: interpretDelhivery, now }), requests: [req] };
    }
  }
}

/** The store comes from the credential (an OAuth install names it) or from SHOPIFY_SHOP_DOMAIN. */
export function shopifyTarget(c: ShopifyConfig, t: TokenOk): ShopifyTarget {
  const shop = t.shop ?? ("shop" in c.credential ? c.credential.shop : "");
  return { shopDomain: shop, accessToken: t.token, apiVersion: c.apiVersion, origin: shopifyOrigin(c.adminBaseUrl, shop) };
}

/** ZOHO_API_BASE_URL, else the data centre the token response named (`api_domain`), else India. */
export function zohoTarget(c: ZohoConfig, t: TokenOk): ZohoTarget {
  const baseUrl = c.apiBaseUrl ?? `${(t.apiDomain ?? "https://www.zohoapis.in").replace(/\/+$/, "")}/inventory/v1`;
  return { accessToken: t.token, organizationId: c.organizationId, baseUrl, vendorId: c.vendorId, customerId: c.customerId, requestsPerMinute: c.requestsPerMinute };
}

/** A refused WhatsApp send keeps Meta's error code with its message on the action, when the message does not already carry it. */
function withWhatsAppCode(o: Outcome): Outcome {
  if (o.kind !== "failed") return o;
  const e = whatsAppError(o.response);
  return e && !o.reason.includes(`#${e.code}`) ? { ...o, reason: `${o.reason} (WhatsApp error ${e.code})` } : o;
}

/** A ticket from WhatsApp: dry-run shows every request with the vendor's ids as placeholders. */
async function runTicket(action: ActionToRun, spec: TicketSpec, deps: RunDeps, live: boolean): Promise<RunResult> {
  const { config } = deps;
  const configs = { gorgias: config.gorgias ?? PLACEHOLDER.gorgias, freshdesk: config.freshdesk ?? PLACEHOLDER.freshdesk, zendesk: config.zendesk ?? PLACEHOLDER.zendesk };
  if (!live) return dryRun(buildTicketRequests(spec, configs));
  return runTicketAction(action, spec, configs, { db: deps.db, fetch: deps.fetch, now: deps.now });
}

function dryRun(requests: OutboundRequest[]): RunResult {
  return { outcome: { kind: "dry_run" }, requests };
}

/** Runs multi-request actions in order; steps that succeeded are remembered so a retry never repeats a reply. */
async function runSteps(actionId: string, steps: OutboundRequest[], deps: RunDeps, interpret?: Interpret): Promise<Outcome> {
  let done = await actionStepsDone(deps.db, actionId);
  let last: Outcome = { kind: "sent", httpStatus: null, externalId: null, response: null };
  for (; done < steps.length; done++) {
    last = await executeRequest(deps.fetch, steps[done]!, { now: deps.now, ...(interpret ? { interpret } : {}) });
    if (last.kind !== "sent") break;
    await recordActionStepsDone(deps.db, actionId, done + 1, deps.now);
  }
  return last;
}
