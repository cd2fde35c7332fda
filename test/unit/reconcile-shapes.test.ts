/**
 * What reconciliation pulls must map exactly as the webhook it stands in for: Shopify's official
 * refunds/create and inventory_levels/update samples, rebuilt as Admin GraphQL answers them and
 * converted back, give the same canonical records; helpdesk reads ask each vendor as its docs say.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { graphqlInventoryLevelsToRest, graphqlRefundToRest } from "../../src/canonical/mappers/shopify-graphql";
import { mapShopifyWebhook } from "../../src/canonical/mappers/shopify";
import { freshdeskTicketsRequest, gorgiasTicketsRequest, zendeskIncrementalRequest } from "../../src/connectors/helpdesk-pull";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const vendor = (name: string) => parseJsonKeepingBigIds(readFileSync(`test/fixtures/vendor/shopify/${name}.json`, "utf8")) as Record<string, any>;

describe("refunds from Admin GraphQL", () => {
  it("the official refunds/create sample, as Order.refunds returns it, maps to the same return", () => {
    const sample = vendor("refunds-create");
    const node = {
      legacyResourceId: String(sample.id),
      createdAt: sample.created_at,
      note: sample.note,
      refundLineItems: {
        nodes: sample.refund_line_items.map((l: any) => ({ quantity: l.quantity, restockType: String(l.restock_type).toUpperCase(), subtotalSet: { shopMoney: { amount: l.subtotal_set.shop_money.amount } }, lineItem: { sku: l.line_item.sku } })),
      },
      transactions: { nodes: sample.transactions.map((t: any) => ({ kind: String(t.kind).toUpperCase(), status: String(t.status).toUpperCase(), amountSet: { shopMoney: { amount: t.amount } } })) },
    };
    const fromWebhook = mapShopifyWebhook("refunds/create", sample).returns;
    const fromPull = mapShopifyWebhook("refunds/create", graphqlRefundToRest(String(sample.order_id), node)).returns;
    expect(fromWebhook).toHaveLength(1);
    expect(fromPull).toEqual(fromWebhook);
    expect(fromPull[0]).toMatchObject({ refundId: "890088186047892319", orderId: "820982911946154508", amount: 8500, restock: false });
  });

  it("a returned line restocks; a failed refund transaction is not money back", () => {
    const rest = graphqlRefundToRest("5001", {
      legacyResourceId: "77",
      createdAt: "2026-11-30T10:00:00Z",
      refundLineItems: { nodes: [{ quantity: 2, restockType: "RETURN", subtotalSet: { shopMoney: { amount: "300.00" } }, lineItem: { sku: "NEEM-50" } }] },
      transactions: { nodes: [{ kind: "REFUND", status: "FAILURE", amountSet: { shopMoney: { amount: "300.00" } } }, { kind: "REFUND", status: "SUCCESS", amountSet: { shopMoney: { amount: "250.00" } } }] },
    });
    expect(mapShopifyWebhook("refunds/create", rest).returns[0]).toMatchObject({ amount: 25000, restock: true, lineItems: [{ sku: "NEEM-50", quantity: 2 }] });
  });
});

describe("inventory levels from Admin GraphQL", () => {
  it("the official inventory_levels/update sample, as InventoryItem.inventoryLevels returns it, maps to the same record", () => {
    const sample = vendor("inventory_levels-update");
    const node = {
      legacyResourceId: String(sample.inventory_item_id),
      inventoryLevels: { pageInfo: { hasNextPage: false }, nodes: [{ updatedAt: sample.updated_at, location: { legacyResourceId: String(sample.location_id) }, quantities: [{ name: "available", quantity: sample.available }] }] },
    };
    const { levels, truncated } = graphqlInventoryLevelsToRest(node, "2026-12-01T00:00:00Z");
    expect(truncated).toBe(false);
    expect(levels.map((l) => mapShopifyWebhook("inventory_levels/update", l).inventory)).toEqual([mapShopifyWebhook("inventory_levels/update", sample).inventory]);
  });

  it("skips a level without an available quantity and reports a location list longer than one page", () => {
    const out = graphqlInventoryLevelsToRest(
      { legacyResourceId: "9", inventoryLevels: { pageInfo: { hasNextPage: true }, nodes: [{ updatedAt: null, location: { legacyResourceId: "1" }, quantities: [{ name: "available", quantity: 4 }] }, { updatedAt: null, location: { legacyResourceId: "2" }, quantities: [] }] } },
      "2026-12-01T00:00:00Z",
    );
    expect(out).toEqual({ inventoryItemId: "9", truncated: true, levels: [{ inventory_item_id: "9", location_id: "1", available: 4, updated_at: "2026-12-01T00:00:00Z" }] });
  });
});

describe("helpdesk ticket reads", () => {
  it("Gorgias: newest change first, 100 a page, no trashed tickets, the cursor when given; Basic user:key", () => {
    const req = gorgiasTicketsRequest({ domain: "acme", username: "ops@acme.in", apiKey: "k" }, "Y3Vyc29y");
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe("https://acme.gorgias.com/api/tickets");
    expect(Object.fromEntries(url.searchParams)).toEqual({ order_by: "updated_datetime:desc", limit: "100", trashed: "false", cursor: "Y3Vyc29y" });
    expect(req).toMatchObject({ method: "GET", headers: { authorization: `Basic ${btoa("ops@acme.in:k")}` } });
  });

  it("Freshdesk: updated_since in whole seconds, oldest first; Basic key:X; a full URL points at another host", () => {
    const req = freshdeskTicketsRequest({ domain: "http://127.0.0.1:9999/", apiKey: "fk" }, "2026-11-30T10:00:00.123Z", 2);
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe("http://127.0.0.1:9999/api/v2/tickets");
    expect(Object.fromEntries(url.searchParams)).toEqual({ updated_since: "2026-11-30T10:00:00Z", order_by: "updated_at", order_type: "asc", per_page: "100", page: "2", include: "requester,stats" });
    expect(req.headers.authorization).toBe(`Basic ${btoa("fk:X")}`);
  });

  it("Zendesk: start_time in Unix seconds the first time, the cursor after; Basic email/token", () => {
    const c = { subdomain: "acme", email: "ops@acme.in", apiToken: "zt" };
    expect(zendeskIncrementalRequest(c, { startTime: 1_764_500_000_999 }).url).toBe("https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?start_time=1764500000");
    const next = zendeskIncrementalRequest(c, { cursor: "MTU3NjYxMzUzOS4wfHw0Njd8" });
    expect(next.url).toBe("https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3NjYxMzUzOS4wfHw0Njd8");
    expect(next.headers.authorization).toBe(`Basic ${btoa("ops@acme.in/token:zt")}`);
  });
});
