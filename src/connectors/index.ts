/** Runs one outbox action through its connector: dry-run without credentials, the vendor's request otherwise. */
import type { ActionSpec } from "../actions/specs";
import type { ConnectorConfig } from "./config";
import { buildEmailRequest, emailFields, interpretEmail, sendThroughBinding } from "./email";
import { buildHelpdeskRequests } from "./helpdesk";
import { executeRequest, type FetchFn, type OutboundRequest, type Outcome } from "./http";
import { buildHubSpotRequest } from "./hubspot";
import { buildKlaviyoRequest } from "./klaviyo";
import { buildShiprocketRequest } from "./shiprocket";
import { buildShopifyRequest, findFulfillmentId, interpretShopify } from "./shopify";
import { buildWhatsAppRequest, interpretWhatsApp, isWhatsAppRateLimit, serviceWindowRefusal } from "./whatsapp";
import { buildZohoRequest, istDate, interpretZoho, zohoItemIds, zohoRateWait } from "./zoho";

export interface ActionToRun {
  id: string;
  idempotencyKey: string;
  spec: ActionSpec;
}

export interface RunDeps {
  db: D1Database;
  config: ConnectorConfig;
  fetch: FetchFn;
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
  shopify: { shopDomain: "{SHOPIFY_SHOP_DOMAIN}", accessToken: "", apiVersion: "{SHOPIFY_API_VERSION}" },
  zoho: { accessToken: "", organizationId: "{ZOHO_ORGANIZATION_ID}", baseUrl: "https://www.zohoapis.in/inventory/v1", vendorId: "{ZOHO_VENDOR_ID}", customerId: "{ZOHO_CUSTOMER_ID}", requestsPerMinute: 100 },
  gorgias: { domain: "{GORGIAS_DOMAIN}", username: "{GORGIAS_USERNAME}", apiKey: "" },
  freshdesk: { domain: "{FRESHDESK_DOMAIN}", apiKey: "" },
  zendesk: { subdomain: "{ZENDESK_SUBDOMAIN}", email: "{ZENDESK_EMAIL}", apiToken: "" },
  klaviyo: { apiKey: "", revision: "2025-10-15" },
  shiprocket: { apiToken: "" },
  hubspot: { accessToken: "", predictionEvent: null },
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
      return { outcome: await executeRequest(deps.fetch, req, { interpret: interpretWhatsApp, isRateLimited: isWhatsAppRateLimit, now }), requests: [req] };
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
      const fulfillmentId = spec.kind === "shopify.fulfillment_event" ? await findFulfillmentId(db, spec.params.awb) : null;
      const built = buildShopifyRequest(spec, config.shopify ?? PLACEHOLDER.shopify, { idempotencyKey: action.idempotencyKey, fulfillmentId });
      if ("error" in built) return failed(built.error);
      if (!config.shopify) return dryRun([built]);
      return { outcome: await executeRequest(deps.fetch, built, { interpret: interpretShopify, now }), requests: [built] };
    }
    case "zoho": {
      const skus = spec.kind === "zoho.purchase_order_draft" ? [spec.params.sku] : spec.params.lines.map((l) => l.sku);
      const itemIds = await zohoItemIds(db, skus);
      // A dry run shows the request it would send even for SKUs whose Zoho item id is not known yet.
      if (!config.zoho) for (const sku of skus) itemIds[sku] ??= `{ZOHO_ITEM_ID:${sku}}`;
      const built = buildZohoRequest(spec, config.zoho ?? PLACEHOLDER.zoho, { itemIds, date: istDate(now) });
      if ("error" in built) return failed(built.error);
      if (!config.zoho) return dryRun([built]);
      const wait = await zohoRateWait(db, config.zoho.requestsPerMinute, now);
      if (wait !== null) return { outcome: { kind: "retry", httpStatus: null, reason: "Zoho budget of 100 requests/min spent", waitSeconds: wait, throttled: true }, requests: [] };
      return { outcome: await executeRequest(deps.fetch, built, { interpret: interpretZoho, now }), requests: [built] };
    }
    case "helpdesk": {
      const name = spec.params.helpdesk;
      const live = config[name];
      const built = buildHelpdeskRequests(spec, { gorgias: config.gorgias ?? PLACEHOLDER.gorgias, freshdesk: config.freshdesk ?? PLACEHOLDER.freshdesk, zendesk: config.zendesk ?? PLACEHOLDER.zendesk });
      if ("error" in built) return failed(built.error);
      if (!live) return dryRun(built);
      return { outcome: await runSteps(action.id, built, deps), requests: built };
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
    case "shiprocket": {
      const req = buildShiprocketRequest(spec, config.shiprocket ?? PLACEHOLDER.shiprocket);
      if (!config.shiprocket) return dryRun([req]);
      return { outcome: await executeRequest(deps.fetch, req, { now }), requests: [req] };
    }
  }
}

function dryRun(requests: OutboundRequest[]): RunResult {
  return { outcome: { kind: "dry_run" }, requests };
}

/** Runs multi-request actions in order; steps that succeeded are remembered so a retry never repeats a reply. */
async function runSteps(actionId: string, steps: OutboundRequest[], deps: RunDeps): Promise<Outcome> {
  const key = `action_steps:${actionId}`;
  const row = await deps.db.prepare(`SELECT value FROM kv WHERE key = ?`).bind(key).first<{ value: string }>();
  let done = Number(row?.value ?? 0);
  let last: Outcome = { kind: "sent", httpStatus: null, externalId: null, response: null };
  for (; done < steps.length; done++) {
    last = await executeRequest(deps.fetch, steps[done]!, { now: deps.now });
    if (last.kind !== "sent") break;
    await deps.db
      .prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
      .bind(key, String(done + 1), deps.now)
      .run();
  }
  return last;
}
