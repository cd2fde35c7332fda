/** Returns into the ERP as documents: a refund with restock is a Zoho sales return (and a credit note when prepaid); units come back once, from the ERP. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import refundFixture from "../fixtures/vendor/shopify/refunds-create.json";
import { api, waitProcessed } from "../helpers/runtime";
import { indianOrder, shopifyRequest, uniqueId } from "../helpers/shopify";
import { postShiprocket, postZoho, shiprocketTracking, zohoStock } from "../helpers/vendors";

async function shopify(topic: string, payload: unknown) {
  const res = await SELF.fetch(await shopifyRequest({ topic, payload }));
  if (res.status !== 200) throw new Error(`${topic}: ${res.status} ${await res.text()}`);
  await waitProcessed((await res.json<{ id: string }>()).id);
}

const zohoActions = (orderId: string) =>
  env.DB.prepare(`SELECT kind, status, request FROM actions WHERE connector = 'zoho' AND subject_id = ? ORDER BY created_at, id`)
    .bind(orderId)
    .all<{ kind: string; status: string; request: string | null }>()
    .then((r) => r.results);

/** Shopify's refunds/create sample, for this order: two units of `sku` refunded and restocked (returned). */
function refundWithRestock(orderId: number, sku: string, lineItemId: number, at: number) {
  const r = structuredClone(refundFixture) as Record<string, any>;
  const id = uniqueId();
  Object.assign(r, { id, order_id: orderId, created_at: new Date(at).toISOString(), processed_at: new Date(at).toISOString(), restock: true, admin_graphql_api_id: `gid://shopify/Refund/${id}` });
  r.refund_line_items = [{ ...r.refund_line_items[0], id: uniqueId(), quantity: 2, line_item_id: lineItemId, restock_type: "return", subtotal: 998, line_item: { ...r.refund_line_items[0].line_item, id: lineItemId, sku, quantity: 2 } }];
  r.transactions = [{ ...r.transactions[0], id: uniqueId(), order_id: orderId, kind: "refund", status: "success", amount: "998.00", currency: "INR" }];
  return r;
}

describe("returns into the ERP", () => {
  it("a refund with restock → one Zoho sales return against the sales order and a credit note; the units are counted once, when the ERP says so", { timeout: 60_000 }, async () => {
    const sku = `RET-${uniqueId()}`;
    const t = Date.now() - 600_000;
    await postZoho(zohoStock(sku, 10, t));
    const created = new Date(t + 60_000).toISOString();
    const order = indianOrder({ cod: false, createdAt: created, updatedAt: created, lineItems: [{ sku, quantity: 2, price: "499.00" }] });
    await shopify("orders/create", order);
    const stock = async () => (await (await api(`/api/skus/${sku}`)).json<any>()).stock.available;
    expect(await stock()).toBe(8);

    const lineItemId = (order.line_items as { id: number }[])[0]!.id;
    const refund = refundWithRestock(order.id as number, sku, lineItemId, t + 120_000);
    await shopify("refunds/create", refund);
    await shopify("refunds/create", refund); // Shopify redelivers it
    const orderId = String(order.id);
    await vi.waitFor(async () => expect((await zohoActions(orderId)).every((a) => a.request !== null)).toBe(true), { timeout: 10_000, interval: 100 });
    const actions = await zohoActions(orderId);
    expect(actions.map((a) => a.kind).sort()).toEqual(["zoho.credit_note", "zoho.restock", "zoho.sales_order"]);
    const ret = JSON.parse(actions.find((a) => a.kind === "zoho.restock")!.request!);
    // Dry run (no Zoho credentials): the request it would send, a sales return against the order's sales order.
    expect(ret.url).toMatch(/\/salesreturns\?organization_id=.*&salesorder_id=/);
    expect(ret.body.line_items).toEqual([expect.objectContaining({ quantity: 2 })]);
    expect(actions.find((a) => a.kind === "zoho.restock")!.status).toBe("dry_run");
    const credit = JSON.parse(actions.find((a) => a.kind === "zoho.credit_note")!.request!);
    expect(credit.url).toContain("/creditnotes?");
    expect(credit.body.line_items).toEqual([expect.objectContaining({ quantity: 2, rate: 499 })]);

    // The refund itself moves nothing: the ERP has not received the units yet.
    expect(await stock()).toBe(8);
    // Zoho's next item snapshot, after the warehouse received the return: 10 on hand.
    await postZoho(zohoStock(sku, 10, t + 180_000));
    expect(await stock()).toBe(10);
    // A late redelivery of the refund does not count them again.
    await shopify("refunds/create", refund);
    expect(await stock()).toBe(10);
    expect((await zohoActions(orderId)).filter((a) => a.kind === "zoho.restock")).toHaveLength(1);
  });

  it("an RTO delivered back to the warehouse → one Zoho sales return for the order's units", { timeout: 60_000 }, async () => {
    const sku = `RTO-${uniqueId()}`;
    const t = Date.now() - 3 * 86_400_000;
    await postZoho(zohoStock(sku, 10, t));
    const created = new Date(t + 60_000).toISOString();
    const order = indianOrder({ createdAt: created, updatedAt: created, lineItems: [{ sku, quantity: 3, price: "299.00" }] });
    await shopify("orders/create", order);
    const awb = `SR${uniqueId()}`;
    const H = 3_600_000;
    const scans: Parameters<typeof shiprocketTracking>[2] = [["picked_up", t + 2 * H, "Bhiwandi"], ["in_transit", t + 10 * H, "Pune"], ["rto_initiated", t + 30 * H, "Pune"], ["rto_delivered", t + 60 * H, "Bhiwandi"]];
    for (let i = 1; i <= scans.length; i++) await postShiprocket(shiprocketTracking(awb, String(order.name), scans.slice(0, i)));
    const orderId = String(order.id);
    await vi.waitFor(async () => expect((await zohoActions(orderId)).filter((a) => a.kind === "zoho.restock" && a.request !== null)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    const ret = JSON.parse((await zohoActions(orderId)).find((a) => a.kind === "zoho.restock")!.request!);
    expect(ret.url).toMatch(/\/salesreturns\?.*salesorder_id=/);
    expect(ret.body).toMatchObject({ reason: "RTO delivered back to the warehouse", line_items: [expect.objectContaining({ quantity: 3 })] });
    // COD order, nothing refunded: no credit note.
    expect((await zohoActions(orderId)).some((a) => a.kind === "zoho.credit_note")).toBe(false);
    // The same scan again: still one sales return.
    await postShiprocket(shiprocketTracking(awb, String(order.name), scans));
    expect((await zohoActions(orderId)).filter((a) => a.kind === "zoho.restock")).toHaveLength(1);
  });
});
