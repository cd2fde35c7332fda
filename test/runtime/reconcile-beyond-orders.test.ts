/**
 * Reconciliation beyond orders: refunds and every location's stock from Shopify's Admin GraphQL
 * API, and helpdesk tickets updated since the last sync, each ingested through the webhook path.
 * Vendors are mocked at the network edge (a fetch spy that fails on any other request); D1 and
 * the ingest queue are real.
 */
import { SELF, createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CRONS } from "../../src/bindings";
import { pullHelpdeskTickets } from "../../src/jobs/helpdesk-pull";
import { reconcileShopifyInventory } from "../../src/jobs/reconcile-inventory";
import { reconcileShopifyRefunds } from "../../src/jobs/reconcile-refunds";
import worker from "../../src/worker";
import freshdeskFixture from "../fixtures/vendor/freshdesk/ticket-view-response.json";
import refundFixture from "../fixtures/vendor/shopify/refunds-create.json";
import zendeskFixture from "../fixtures/vendor/zendesk/ticket-show-response.json";
import productFixture from "../fixtures/shopify/products-update.json";
import { count, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { gorgiasTicket, postGorgias } from "../helpers/vendors";

const shopEnv = { ...env, SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com", SHOPIFY_ADMIN_TOKEN: "shpat_test", SHOPIFY_API_VERSION: "2026-07" } as unknown as Env;
const GRAPHQL_URL = "https://vanaspati.myshopify.com/admin/api/2026-07/graphql.json";

afterEach(() => vi.restoreAllMocks());

async function shopify(topic: string, payload: unknown) {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic}: ${res.status} ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

/** Shopify's Admin GraphQL endpoint as a fetch spy: `answer` sees each query; anything else fails the test. */
function shopifyGraphql(answer: (body: { query: string; variables: Record<string, any> }) => unknown) {
  const seen: { query: string; variables: Record<string, any> }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== GRAPHQL_URL) throw new Error(`unexpected request to ${url}`);
    expect((init?.headers as Record<string, string>)["x-shopify-access-token"]).toBe("shpat_test");
    const body = JSON.parse(String(init?.body));
    seen.push(body);
    const answered = answer(body);
    return answered instanceof Response ? answered : Response.json(answered);
  });
  return seen;
}

/** A refund as Admin GraphQL returns it (Refund object, Order.refunds). */
function graphqlRefund(id: string, opts: { sku: string; amount: string; restockType: string; at: string }) {
  return {
    legacyResourceId: id,
    createdAt: opts.at,
    note: "Damaged in transit",
    refundLineItems: { nodes: [{ quantity: 1, restockType: opts.restockType, subtotalSet: { shopMoney: { amount: opts.amount } }, lineItem: { sku: opts.sku } }] },
    transactions: { nodes: [{ kind: "REFUND", status: "SUCCESS", amountSet: { shopMoney: { amount: opts.amount } } }] },
  };
}

const returnsOf = (orderId: string) =>
  env.DB.prepare(`SELECT refund_id AS refundId, kind, amount, restock, line_items AS lines FROM order_returns WHERE order_id = ? ORDER BY refund_id`).bind(orderId).all<any>().then((r) => r.results);

describe("refund reconciliation", () => {
  it("ingests the refund whose webhook was lost, as refunds/create, and never re-ingests one D1 holds", async () => {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const order = indianOrder({ id: uniqueId(), cod: false, createdAt: at, updatedAt: at });
    const orderId = String(order.id);
    await shopify("orders/create", order);
    // The first refund arrived as a webhook; the second webhook never came.
    const delivered = String(uniqueId());
    const lost = String(uniqueId());
    await shopify("refunds/create", { ...structuredClone(refundFixture), id: delivered, order_id: orderId, created_at: at, processed_at: at });
    expect((await returnsOf(orderId)).map((r) => r.refundId)).toEqual([delivered]);

    const refundedAt = new Date(Date.now() - 600_000).toISOString();
    const page = {
      data: {
        orders: {
          pageInfo: { hasNextPage: false, endCursor: null },
          nodes: [{ legacyResourceId: orderId, updatedAt: refundedAt, refunds: [graphqlRefund(delivered, { sku: "TULSI-100", amount: "109.98", restockType: "NO_RESTOCK", at }), graphqlRefund(lost, { sku: "NEEM-50", amount: "450.00", restockType: "RETURN", at: refundedAt })] }],
        },
      },
    };
    const seen = shopifyGraphql(() => page);
    await env.DB.prepare(`DELETE FROM kv WHERE key = 'reconcile:shopify:refunds'`).run();
    const result = await reconcileShopifyRefunds(shopEnv, Date.now());
    expect(result).toEqual({ orders: 1, refunds: 2, ingested: 1, complete: true });
    expect(seen[0]!.query).toContain("refunds(first:");
    expect(seen[0]!.variables.query).toMatch(/^updated_at:>='.+' AND \(financial_status:refunded OR financial_status:partially_refunded\)$/);

    await waitProcessed(`shopify:reconcile:refund:${lost}`);
    const rows = await returnsOf(orderId);
    expect(rows.map((r) => r.refundId).sort()).toEqual([delivered, lost].sort());
    const restored = rows.find((r) => r.refundId === lost);
    expect(restored).toMatchObject({ kind: "refunded", amount: 45000, restock: 1 });
    expect(JSON.parse(restored.lines)).toEqual([{ sku: "NEEM-50", quantity: 1 }]);
    // The watermark moved to the order's updatedAt; the delivered refund was never stored as a pull.
    expect((await env.DB.prepare(`SELECT value FROM kv WHERE key = 'reconcile:shopify:refunds'`).first<{ value: string }>())?.value).toBe(refundedAt);
    expect(await count(`SELECT count(*) AS n FROM raw_events WHERE id = ?`, `shopify:reconcile:refund:${delivered}`)).toBe(0);

    // The next run sees both refunds known: nothing is stored.
    expect(await reconcileShopifyRefunds(shopEnv, Date.now())).toEqual({ orders: 1, refunds: 2, ingested: 0, complete: true });
    expect(await count(`SELECT count(*) AS n FROM order_returns WHERE order_id = ?`, orderId)).toBe(2);
  });

  it("keeps the watermark when Shopify throttles the query, and does nothing without Admin credentials", async () => {
    await env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('reconcile:shopify:refunds', '2026-11-30T00:00:00Z', 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run();
    shopifyGraphql(() => ({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: { cost: { requestedQueryCost: 752, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 40, restoreRate: 100 } } },
    }));
    await expect(reconcileShopifyRefunds(shopEnv, Date.now())).rejects.toThrow(/throttle/i);
    expect((await env.DB.prepare(`SELECT value FROM kv WHERE key = 'reconcile:shopify:refunds'`).first<{ value: string }>())?.value).toBe("2026-11-30T00:00:00Z");
    vi.restoreAllMocks();
    const spy = vi.spyOn(globalThis, "fetch");
    expect(await reconcileShopifyRefunds({ ...env, SHOPIFY_ADMIN_TOKEN: "" } as Env, Date.now())).toBeNull();
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("inventory level reconciliation", () => {
  /** Two SKUs with Shopify inventory items, each stocked at one location by webhook. */
  async function twoSkus() {
    const tag = `RECON-${uniqueId()}`;
    const items = [uniqueId(), uniqueId()];
    const product = structuredClone(productFixture) as Record<string, any>;
    product.id = uniqueId();
    product.variants = items.map((item, i) => ({ ...product.variants[0], id: uniqueId(), sku: `${tag}-${"AB"[i]}`, title: `V${i}`, inventory_item_id: item }));
    await shopify("products/update", product);
    const old = new Date(Date.now() - 7_200_000).toISOString();
    await shopify("inventory_levels/update", { inventory_item_id: items[0], location_id: 61234567, available: 40, updated_at: old });
    await shopify("inventory_levels/update", { inventory_item_id: items[1], location_id: 61234567, available: 12, updated_at: old });
    return { tag, a: { sku: `${tag}-A`, item: String(items[0]) }, b: { sku: `${tag}-B`, item: String(items[1]) } };
  }

  const level = (location: string, available: number, updatedAt: string) => ({ updatedAt, location: { legacyResourceId: location }, quantities: [{ name: "available", quantity: available }] });
  const held = (sku: string) =>
    env.DB.prepare(`SELECT location_id AS location, available FROM inventory_records WHERE source = 'shopify' AND sku = ? ORDER BY location_id`).bind(sku).all<any>().then((r) => r.results);
  const setCursor = (v: string) =>
    env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES ('reconcile_cursor:shopify:inventory', ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).bind(v).run();

  it("reads every location of each item and ingests only the levels D1 does not hold", async () => {
    const { tag, a, b } = await twoSkus();
    const now = new Date(Date.now() - 60_000).toISOString();
    const seen = shopifyGraphql(({ variables }) => ({
      data: {
        nodes: variables.ids.map((gid: string) => {
          const item = gid.split("/").pop();
          // A: a sale at the warehouse and stock at a second location, both webhooks lost. B: as D1 holds it.
          if (item === a.item) return { legacyResourceId: a.item, inventoryLevels: { pageInfo: { hasNextPage: false }, nodes: [level("61234567", 37, now), level("70000001", 5, now)] } };
          return { legacyResourceId: b.item, inventoryLevels: { pageInfo: { hasNextPage: false }, nodes: [level("61234567", 12, now)] } };
        }),
      },
    }));
    await setCursor(`${tag}-`);
    const result = await reconcileShopifyInventory(shopEnv, Date.now(), { items: 2, maxLevels: 100 });
    expect(result).toEqual({ items: 2, levels: 3, ingested: 2, truncated: 0, next: b.sku });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.variables.ids).toEqual([`gid://shopify/InventoryItem/${a.item}`, `gid://shopify/InventoryItem/${b.item}`]);
    expect(seen[0]!.query).toContain('quantities(names: ["available"])');
    await waitProcessed(`shopify:reconcile:inventory:${a.item}@61234567:${now}:37`);
    await waitProcessed(`shopify:reconcile:inventory:${a.item}@70000001:${now}:5`);
    expect(await held(a.sku)).toEqual([{ location: "61234567", available: 37 }, { location: "70000001", available: 5 }]);
    expect(await held(b.sku)).toEqual([{ location: "61234567", available: 12 }]);

    // Run again over the same SKUs: D1 now matches Shopify, nothing is stored.
    await setCursor(`${tag}-`);
    expect(await reconcileShopifyInventory(shopEnv, Date.now(), { items: 2, maxLevels: 100 })).toMatchObject({ items: 2, levels: 3, ingested: 0 });
  });

  it("stops at the per-run budget and resumes after the last SKU it checked", async () => {
    const { tag, a, b } = await twoSkus();
    const now = new Date(Date.now() - 30_000).toISOString();
    const seen = shopifyGraphql(({ variables }) => ({
      data: { nodes: variables.ids.map((gid: string) => ({ legacyResourceId: gid.split("/").pop(), inventoryLevels: { pageInfo: { hasNextPage: false }, nodes: [level("61234567", 1, now)] } })) },
    }));
    await setCursor(`${tag}-`);
    // One raw event a run: A's level is stored, B waits.
    expect(await reconcileShopifyInventory(shopEnv, Date.now(), { items: 2, maxLevels: 1 })).toEqual({ items: 1, levels: 1, ingested: 1, truncated: 0, next: a.sku });
    expect((await env.DB.prepare(`SELECT value FROM kv WHERE key = 'reconcile_cursor:shopify:inventory'`).first<{ value: string }>())?.value).toBe(a.sku);
    const second = await reconcileShopifyInventory(shopEnv, Date.now(), { items: 2, maxLevels: 1 });
    expect(second).toMatchObject({ ingested: 1 });
    expect(seen[1]!.variables.ids[0]).toBe(`gid://shopify/InventoryItem/${b.item}`);
    await waitProcessed(`shopify:reconcile:inventory:${b.item}@61234567:${now}:1`);
    expect(await held(b.sku)).toEqual([{ location: "61234567", available: 1 }]);
  });
});

describe("helpdesk ticket reconciliation", () => {
  const HELPDESK_ENV = {
    GORGIAS_DOMAIN: "vanaspati", GORGIAS_USERNAME: "ops@vanaspati.in", GORGIAS_API_KEY: "gorgias-key",
    FRESHDESK_DOMAIN: "vanaspati", FRESHDESK_API_KEY: "fd-key",
    ZENDESK_SUBDOMAIN: "vanaspati", ZENDESK_EMAIL: "ops@vanaspati.in", ZENDESK_API_TOKEN: "zd-token",
  };
  const helpdeskEnvWith = (names: (keyof typeof HELPDESK_ENV)[]) =>
    ({ ...env, ...Object.fromEntries(Object.keys(HELPDESK_ENV).map((k) => [k, names.includes(k as keyof typeof HELPDESK_ENV) ? HELPDESK_ENV[k as keyof typeof HELPDESK_ENV] : ""])) }) as unknown as Env;
  const setState = (helpdesk: string, state: unknown) =>
    env.DB.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).bind(`helpdesk_sync:${helpdesk}`, JSON.stringify(state)).run();
  const state = (helpdesk: string) => env.DB.prepare(`SELECT value FROM kv WHERE key = ?`).bind(`helpdesk_sync:${helpdesk}`).first<{ value: string }>().then((r) => (r ? JSON.parse(r.value) : null));
  const ticket = (id: string) => env.DB.prepare(`SELECT helpdesk, subject, status, email, updated_at AS updatedAt FROM tickets WHERE id = ?`).bind(id).first<any>();

  /** A fetch spy answering for one vendor host; `answer` gets the parsed URL. */
  function vendor(host: string, answer: (url: URL, headers: Record<string, string>) => Response) {
    const urls: URL[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.host !== host) throw new Error(`unexpected request to ${url}`);
      urls.push(url);
      return answer(url, init?.headers as Record<string, string>);
    });
    return urls;
  }

  it("Gorgias: walks the list newest first down to the watermark and ingests the tickets D1 lacks or holds older", async () => {
    const base = Date.now() - 3_600_000;
    const known = uniqueId();
    const fresh = uniqueId();
    const email = `riya.${known}@example.in`;
    await postGorgias(gorgiasTicket({ id: known, email, subject: "Where is my order #1042?", body: "Not delivered yet", createdAt: base }));
    // Since then the agent closed the ticket (webhook lost) and a new one came in (webhook lost).
    const closed = { ...gorgiasTicket({ id: known, email, subject: "Where is my order #1042?", body: "Not delivered yet", createdAt: base }), status: "closed", updated_datetime: new Date(base + 1_800_000).toISOString() };
    const created = gorgiasTicket({ id: fresh, email, subject: "Refund for damaged jar", body: "The jar arrived broken", createdAt: base + 2_400_000 });
    const older = gorgiasTicket({ id: uniqueId(), email, subject: "Old", body: "old", createdAt: base - 7_200_000 });
    await setState("gorgias", { since: new Date(base - 60_000).toISOString() });
    const urls = vendor("vanaspati.gorgias.com", (url, headers) => {
      expect(headers.authorization).toBe(`Basic ${btoa("ops@vanaspati.in:gorgias-key")}`);
      if (!url.searchParams.get("cursor")) return Response.json({ data: [created, closed], meta: { prev_cursor: null, next_cursor: "bmV4dF9fMg==" } });
      return Response.json({ data: [older], meta: { prev_cursor: "cHJldl9fMQ==", next_cursor: "bmV4dF9fMw==" } });
    });
    const report = await pullHelpdeskTickets(helpdeskEnvWith(["GORGIAS_DOMAIN", "GORGIAS_USERNAME", "GORGIAS_API_KEY"]), Date.now());
    expect(report).toEqual({ pulls: [{ helpdesk: "gorgias", ok: true, pulled: 2, ingested: 2, complete: true }], notConfigured: ["freshdesk", "zendesk"] });
    expect(urls.map((u) => u.pathname)).toEqual(["/api/tickets", "/api/tickets"]);
    expect(urls[0]!.searchParams.get("order_by")).toBe("updated_datetime:desc");
    expect(urls[0]!.searchParams.get("limit")).toBe("100");
    expect(urls[1]!.searchParams.get("cursor")).toBe("bmV4dF9fMg==");
    await waitProcessed(`gorgias:pull:${fresh}:${Date.parse(created.updated_datetime)}`);
    await waitProcessed(`gorgias:pull:${known}:${Date.parse(closed.updated_datetime)}`);
    expect(await ticket(`gorgias:${fresh}`)).toMatchObject({ helpdesk: "gorgias", subject: "Refund for damaged jar", email });
    expect((await ticket(`gorgias:${known}`))?.status).toBe("closed");
    expect(await state("gorgias")).toEqual({ since: new Date(base + 2_400_000).toISOString() });

    // The same answer again: both are known at that version, nothing is stored.
    vi.restoreAllMocks();
    vendor("vanaspati.gorgias.com", () => Response.json({ data: [created, closed, older], meta: { next_cursor: null } }));
    await setState("gorgias", { since: new Date(base - 60_000).toISOString() });
    expect((await pullHelpdeskTickets(helpdeskEnvWith(["GORGIAS_DOMAIN", "GORGIAS_USERNAME", "GORGIAS_API_KEY"]), Date.now())).pulls[0]).toMatchObject({ pulled: 2, ingested: 0 });
  });

  it("Gorgias: a walk that runs out of pages resumes from its cursor next run; an expired cursor starts the walk over", async () => {
    const email = `meera.${uniqueId()}@example.in`;
    const since = new Date(Date.now() - 7_200_000).toISOString();
    await setState("gorgias", { since });
    const top = Date.now() - 60_000;
    // Every page is newer than the watermark: three pages (the run's budget) do not reach it.
    const pageOf = (n: number) => [0, 1].map((i) => gorgiasTicket({ id: uniqueId(), email, subject: `Page ${n} ticket ${i}`, body: "Where is my parcel?", createdAt: top - (n * 2 + i) * 60_000 }));
    const pages = [pageOf(0), pageOf(1), pageOf(2), pageOf(3)];
    const urls = vendor("vanaspati.gorgias.com", (url) => {
      const n = Number(url.searchParams.get("cursor")?.replace("page-", "") ?? 0);
      return Response.json({ data: pages[n], meta: { prev_cursor: n ? `page-${n - 1}` : null, next_cursor: `page-${n + 1}` } });
    });
    const gorgiasOnly = helpdeskEnvWith(["GORGIAS_DOMAIN", "GORGIAS_USERNAME", "GORGIAS_API_KEY"]);
    expect((await pullHelpdeskTickets(gorgiasOnly, Date.now())).pulls[0]).toEqual({ helpdesk: "gorgias", ok: true, pulled: 6, ingested: 6, complete: false });
    expect(urls).toHaveLength(3);
    const newest = new Date(Date.parse(pages[0]![0]!.updated_datetime)).toISOString();
    expect(await state("gorgias")).toEqual({ since, resume: { cursor: "page-3", newest } });

    // Next run goes on from page 3, reaches a ticket older than the watermark, and moves the watermark to the newest seen.
    vi.restoreAllMocks();
    const older = gorgiasTicket({ id: uniqueId(), email, subject: "Before the watermark", body: "old", createdAt: Date.parse(since) - 60_000 });
    const resumed = vendor("vanaspati.gorgias.com", () => Response.json({ data: [...pages[3]!, older], meta: { prev_cursor: "page-2", next_cursor: "page-4" } }));
    expect((await pullHelpdeskTickets(gorgiasOnly, Date.now())).pulls[0]).toEqual({ helpdesk: "gorgias", ok: true, pulled: 2, ingested: 2, complete: true });
    expect(resumed.map((u) => u.searchParams.get("cursor"))).toEqual(["page-3"]);
    expect(await state("gorgias")).toEqual({ since: newest });

    // A resume whose cursor has expired (Gorgias answers 400 with an error attribute): dropped, the watermark kept.
    await setState("gorgias", { since, resume: { cursor: "page-3", newest } });
    vi.restoreAllMocks();
    const retried = vendor("vanaspati.gorgias.com", () => Response.json({ error: { msg: "Invalid cursor." } }, { status: 400 }));
    const expired = await pullHelpdeskTickets(gorgiasOnly, Date.now());
    expect(expired.pulls[0]).toMatchObject({ helpdesk: "gorgias", ok: false, complete: false });
    expect(retried[0]!.searchParams.get("cursor")).toBe("page-3");
    expect(await state("gorgias")).toEqual({ since });
  });

  it("Freshdesk: reads following pages while they are full, and stops at the last short one", async () => {
    const base = Date.now() - 3_000_000;
    const full = Array.from({ length: 100 }, (_, i) => {
      const at = new Date(base + i * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      return { ...structuredClone(freshdeskFixture), id: uniqueId(), subject: `Bulk ${i}`, created_at: at, updated_at: at };
    });
    const lastAt = new Date(base + 200_000).toISOString().replace(/\.\d+Z$/, "Z");
    const last = { ...structuredClone(freshdeskFixture), id: uniqueId(), subject: "Last one", created_at: lastAt, updated_at: lastAt };
    await setState("freshdesk", { since: new Date(base - 1000).toISOString() });
    const urls = vendor("vanaspati.freshdesk.com", (url) => Response.json(url.searchParams.get("page") === "1" ? full : [last]));
    const report = await pullHelpdeskTickets(helpdeskEnvWith(["FRESHDESK_DOMAIN", "FRESHDESK_API_KEY"]), Date.now());
    expect(report.pulls).toEqual([{ helpdesk: "freshdesk", ok: true, pulled: 101, ingested: 101, complete: true }]);
    expect(urls.map((u) => u.searchParams.get("page"))).toEqual(["1", "2"]);
    expect(await state("freshdesk")).toEqual({ since: new Date(Date.parse(lastAt)).toISOString() });
  });

  it("Freshdesk: asks for tickets updated since the watermark, oldest first, and moves the watermark to the last one", async () => {
    const id = uniqueId();
    const updatedAt = new Date(Date.now() - 900_000).toISOString().replace(/\.\d+Z$/, "Z");
    const t = { ...structuredClone(freshdeskFixture), id, subject: "COD order not received", status: 3, created_at: updatedAt, updated_at: updatedAt, requester: { id: 7, name: "Arjun", email: `arjun.${id}@example.in`, mobile: "+91 98765 43210", phone: null } };
    await setState("freshdesk", { since: "2026-11-30T10:00:00.000Z" });
    const urls = vendor("vanaspati.freshdesk.com", (_url, headers) => {
      expect(headers.authorization).toBe(`Basic ${btoa("fd-key:X")}`);
      return Response.json([t]);
    });
    const report = await pullHelpdeskTickets(helpdeskEnvWith(["FRESHDESK_DOMAIN", "FRESHDESK_API_KEY"]), Date.now());
    expect(report.pulls).toEqual([{ helpdesk: "freshdesk", ok: true, pulled: 1, ingested: 1, complete: true }]);
    expect(urls[0]!.pathname).toBe("/api/v2/tickets");
    expect(Object.fromEntries(urls[0]!.searchParams)).toMatchObject({ updated_since: "2026-11-30T10:00:00Z", order_by: "updated_at", order_type: "asc", per_page: "100", page: "1" });
    const raw = await env.DB.prepare(`SELECT id FROM raw_events WHERE source = 'freshdesk' AND delivery_id = ?`).bind(`pull:${id}:${Date.parse(updatedAt)}`).first<{ id: string }>();
    await waitProcessed(raw!.id);
    expect(await ticket(`freshdesk:${id}`)).toMatchObject({ helpdesk: "freshdesk", subject: "COD order not received", status: "pending", email: `arjun.${id}@example.in` });
    expect(await state("freshdesk")).toEqual({ since: new Date(Date.parse(updatedAt)).toISOString() });
  });

  it("Zendesk: starts the incremental export at start_time, then polls from the stored after_cursor; a 429 keeps the cursor", async () => {
    await env.DB.prepare(`DELETE FROM kv WHERE key = 'helpdesk_sync:zendesk'`).run();
    const id = uniqueId();
    const updatedAt = new Date(Date.now() - 300_000).toISOString().replace(/\.\d+Z$/, "Z");
    const t = { ...structuredClone(zendeskFixture.ticket), id, subject: "Wrong item delivered", status: "open", created_at: updatedAt, updated_at: updatedAt };
    const deleted = { ...t, id: uniqueId(), status: "deleted" };
    const now = Date.now();
    let urls = vendor("vanaspati.zendesk.com", (_url, headers) => {
      expect(headers.authorization).toBe(`Basic ${btoa("ops@vanaspati.in/token:zd-token")}`);
      return Response.json({ tickets: [t, deleted], after_url: "https://vanaspati.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3NjYxMzUzOS4wfHw0Njd8", after_cursor: "MTU3NjYxMzUzOS4wfHw0Njd8", before_url: null, before_cursor: null, end_of_stream: true });
    });
    const zendeskOnly = helpdeskEnvWith(["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"]);
    expect((await pullHelpdeskTickets(zendeskOnly, now)).pulls).toEqual([{ helpdesk: "zendesk", ok: true, pulled: 1, ingested: 1, complete: true }]);
    expect(urls[0]!.pathname).toBe("/api/v2/incremental/tickets/cursor.json");
    expect(urls[0]!.searchParams.get("start_time")).toBe(String(Math.floor((now - 86_400_000) / 1000)));
    expect(await state("zendesk")).toEqual({ cursor: "MTU3NjYxMzUzOS4wfHw0Njd8" });
    await waitProcessed(`zendesk:pull:${id}:${Date.parse(updatedAt)}`);
    expect(await ticket(`zendesk:${id}`)).toMatchObject({ helpdesk: "zendesk", subject: "Wrong item delivered", status: "open" });
    expect(await ticket(`zendesk:${deleted.id}`)).toBeNull();

    vi.restoreAllMocks();
    urls = vendor("vanaspati.zendesk.com", () => new Response(JSON.stringify({ error: "APIRateLimitExceeded", description: "Number of allowed incremental export API requests per minute exceeded" }), { status: 429, headers: { "retry-after": "47", "content-type": "application/json" } }));
    const limited = await pullHelpdeskTickets(zendeskOnly, Date.now());
    expect(limited.pulls[0]).toMatchObject({ helpdesk: "zendesk", ok: false, ingested: 0, complete: false });
    expect(limited.pulls[0]!.reason).toMatch(/rate limited/);
    expect(urls[0]!.searchParams.get("cursor")).toBe("MTU3NjYxMzUzOS4wfHw0Njd8");
    expect(await state("zendesk")).toEqual({ cursor: "MTU3NjYxMzUzOS4wfHw0Njd8" });
  });

  it("does nothing and says so when no helpdesk has credentials (dry-run)", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const log = vi.spyOn(console, "log");
    expect(await pullHelpdeskTickets(helpdeskEnvWith([]), Date.now())).toEqual({ pulls: [], notConfigured: ["gorgias", "freshdesk", "zendesk"] });
    expect(spy).not.toHaveBeenCalled();
    expect(log.mock.calls.map((c) => String(c[0])).some((l) => l.includes("helpdesk_pull_skipped") && l.includes("dry-run"))).toBe(true);
  });

  it("runs in the 5-minute sweep", async () => {
    const id = uniqueId();
    const updatedAt = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, "Z");
    const t = { ...structuredClone(freshdeskFixture), id, subject: "Sweep pulled me", created_at: updatedAt, updated_at: updatedAt };
    await setState("freshdesk", { since: new Date(Date.now() - 600_000).toISOString() });
    vendor("vanaspati.freshdesk.com", () => Response.json([t]));
    await worker.scheduled!(createScheduledController({ cron: CRONS.sweep, scheduledTime: Date.now() }), helpdeskEnvWith(["FRESHDESK_DOMAIN", "FRESHDESK_API_KEY"]), createExecutionContext());
    vi.restoreAllMocks();
    const raw = await env.DB.prepare(`SELECT id FROM raw_events WHERE source = 'freshdesk' AND delivery_id = ?`).bind(`pull:${id}:${Date.parse(updatedAt)}`).first<{ id: string }>();
    expect(raw).not.toBeNull();
    await waitProcessed(raw!.id);
    expect((await ticket(`freshdesk:${id}`))?.subject).toBe("Sweep pulled me");
  });

  it("a Shopify Admin API that answers 503 does not keep the helpdesk pull in the same sweep from running", async () => {
    const id = uniqueId();
    const updatedAt = new Date(Date.now() - 100_000).toISOString().replace(/\.\d+Z$/, "Z");
    const t = { ...structuredClone(freshdeskFixture), id, subject: "Pulled despite Shopify", created_at: updatedAt, updated_at: updatedAt };
    await setState("freshdesk", { since: new Date(Date.now() - 600_000).toISOString() });
    const hosts: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      hosts.push(url.host);
      if (url.href === GRAPHQL_URL) return new Response("Service Unavailable", { status: 503 });
      if (url.host === "vanaspati.freshdesk.com") return Response.json([t]);
      throw new Error(`unexpected request to ${url}`);
    });
    const both = { ...helpdeskEnvWith(["FRESHDESK_DOMAIN", "FRESHDESK_API_KEY"]), SHOPIFY_ADMIN_TOKEN: "shpat_test", SHOPIFY_API_VERSION: "2026-07" } as unknown as Env;
    await expect(worker.scheduled!(createScheduledController({ cron: CRONS.sweep, scheduledTime: Date.now() }), both, createExecutionContext())).rejects.toThrow(/reconciliation job\(s\) failed/);
    vi.restoreAllMocks();
    expect(hosts).toContain("vanaspati.freshdesk.com");
    const raw = await env.DB.prepare(`SELECT id FROM raw_events WHERE source = 'freshdesk' AND delivery_id = ?`).bind(`pull:${id}:${Date.parse(updatedAt)}`).first<{ id: string }>();
    expect(raw).not.toBeNull();
    await waitProcessed(raw!.id);
    expect((await ticket(`freshdesk:${id}`))?.subject).toBe("Pulled despite Shopify");
  });
});
