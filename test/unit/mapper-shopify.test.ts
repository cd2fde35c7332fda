/** The Shopify mapper, as a pure function, against Shopify's official samples and the Indian fixtures. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { mapShopifyWebhook, isCodGateway } from "../../src/canonical/mappers/shopify";
import { UnmappableError } from "../../src/canonical/model";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const vendor = (name: string) => parseJsonKeepingBigIds(readFileSync(`test/fixtures/vendor/shopify/${name}.json`, "utf8"));
const india = (name: string) => parseJsonKeepingBigIds(readFileSync(`test/fixtures/shopify/${name}.json`, "utf8"));

describe("mapShopifyWebhook orders", () => {
  it("maps the official orders/create sample, keeping 64-bit ids exact", () => {
    const batch = mapShopifyWebhook("orders/create", vendor("orders-create"));
    expect(batch.orders).toHaveLength(1);
    const order = batch.orders[0]!;
    expect(order.id).toBe("820982911946154508");
    expect(order.name).toBe("#9999");
    expect(order.currency).toBe("USD");
    expect(order.totalPrice).toBe(41495); // current_total_price after edits
    expect(order.paymentMethod).toBe("prepaid");
    expect(order.updatedAt).toBe("2022-01-01T00:00:00.000Z");
    expect(order.shippingPincode).toBe("40003");
    expect(order.lineItems[0]).toEqual({ sku: "SKU2006-001", title: "Aviator sunglasses", quantity: 1, unitPrice: 8999, productId: "788032119674292922", variantId: null });
    expect(order.tags).toEqual(["tag1", "tag2"]);
    // "555-555-SHIP" is not a phone number; it must not become one.
    expect(order.phone).toBeNull();
    expect(batch.customers[0]?.id).toBe("115310627314723954");
  });

  it("maps an Indian COD order: INR, paise, COD, pincode, E.164", () => {
    const batch = mapShopifyWebhook("orders/create", india("orders-create-cod"));
    const order = batch.orders[0]!;
    expect(order).toMatchObject({
      id: "5123456789",
      name: "#1042",
      number: 1042,
      currency: "INR",
      totalPrice: 187700,
      subtotalPrice: 179800,
      paymentMethod: "cod",
      financialStatus: "pending",
      shippingPincode: "560038",
      shippingCity: "Bengaluru",
      phone: "+919876543210",
      email: "riya.sharma@gmail.com",
      createdAt: "2026-11-20T04:45:00.000Z",
      source: "shopify",
      sourceId: "5123456789",
    });
    expect(batch.customers[0]).toMatchObject({ id: "7012345678", ordersCount: 3, totalSpent: 540000, acceptsWhatsapp: true, phone: "+919876543210" });
  });

  it.each(["orders/updated", "orders/paid", "orders/cancelled"])("maps %s like an order", (topic) => {
    expect(mapShopifyWebhook(topic, vendor("orders-updated")).orders[0]?.id).toBe("820982911946154508");
  });

  it("recognises COD gateway names", () => {
    expect(isCodGateway(["Cash on Delivery (COD)"])).toBe(true);
    expect(isCodGateway(["cash_on_delivery"])).toBe(true);
    expect(isCodGateway(["razorpay", "gokwik"])).toBe(false);
  });

  it("refuses an order without a name with a reason", () => {
    const payload = { ...(vendor("orders-create") as object), name: undefined };
    expect(() => mapShopifyWebhook("orders/create", payload)).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("orders/create", payload)).toThrow(/name/);
  });
});

describe("mapShopifyWebhook fulfilment and stock", () => {
  it("links the AWB of a fulfilment to its order and records the shipment as created", () => {
    const batch = mapShopifyWebhook("fulfillments/create", india("fulfillments-create-delhivery"));
    expect(batch.awbLinks).toEqual([{ awb: "1234567890123", carrier: "Delhivery", orderId: "5123456789", fulfillmentId: "4512345678" }]);
    expect(batch.shipmentEvents[0]).toMatchObject({ awb: "1234567890123", carrier: "delhivery", status: "created", orderId: "5123456789", pincode: "560038" });
  });

  it("maps the official fulfillments/update sample (null shipment_status) to a created shipment", () => {
    const batch = mapShopifyWebhook("fulfillments/update", vendor("fulfillments-update"));
    expect(batch.awbLinks).toEqual([{ awb: "1z827wk74630", carrier: "UPS", orderId: "820982911946154508", fulfillmentId: "123456" }]);
    expect(batch.shipmentEvents).toEqual([expect.objectContaining({ awb: "1z827wk74630", carrier: "ups", status: "created", rawStatus: "fulfilled" })]);
  });

  it("maps fulfillment_events/create to a shipment event with Shopify's status", () => {
    const batch = mapShopifyWebhook("fulfillment_events/create", vendor("fulfillment_events-create"));
    expect(batch.shipmentEvents[0]).toMatchObject({ status: "in_transit", rawStatus: "in_transit", orderId: "820982911946154508", occurredAt: "2022-01-01T00:00:00.000Z" });
  });

  it("maps inventory_levels/update to an inventory record keyed by inventory item", () => {
    const batch = mapShopifyWebhook("inventory_levels/update", vendor("inventory_levels-update"));
    expect(batch.inventory).toEqual([
      expect.objectContaining({ inventoryItemId: "271878346596884015", locationId: "24826418", available: 10, sku: null, source: "shopify" }),
    ]);
  });

  it("maps products/update variants with SKU, category and inventory item id", () => {
    const batch = mapShopifyWebhook("products/update", india("products-update"));
    expect(batch.products.map((p) => [p.sku, p.category, p.inventoryItemId, p.price])).toEqual([
      ["KUMKUMADI-30ML", "Skincare", "47012345001", 129900],
      ["KUMKUMADI-60ML", "Skincare", "47012345003", 219900],
    ]);
  });

  it("maps refunds/create to a refund with amount and lines", () => {
    const batch = mapShopifyWebhook("refunds/create", vendor("refunds-create"));
    expect(batch.returns[0]).toMatchObject({ orderId: "820982911946154508", kind: "refunded", refundId: "890088186047892319", restock: false });
    // Two successful refund transactions: 75.00 + 10.00.
    expect(batch.returns[0]!.amount).toBe(8500);
    expect(batch.returns[0]!.lineItems).toEqual(
      ["SKU2006-001", "LENS-PROTECT-2YR", "CASE-LEATHER-PREM", "SKU2006-020", "SKU2006-035"].map((sku) => ({ sku, quantity: 1 })),
    );
  });
});

describe("mapShopifyWebhook customers and privacy", () => {
  it("maps customers/create", () => {
    const batch = mapShopifyWebhook("customers/create", vendor("customers-create"));
    expect(batch.customers[0]).toMatchObject({ id: "706405506930370084", email: "bob@biller.com", firstName: "Bob", phone: null });
  });

  it("maps the three privacy topics", () => {
    expect(mapShopifyWebhook("customers/redact", vendor("customers-redact")).privacy).toEqual([
      { kind: "customer_redact", shopDomain: "{shop}.myshopify.com", shopId: "954889", customerId: "191167", email: "john@example.com", phone: null, orderIds: ["299938", "280263", "220458"] },
    ]);
    expect(mapShopifyWebhook("customers/data_request", vendor("customers-data_request")).privacy[0]).toMatchObject({ kind: "customer_data_request", customerId: "191167", requestId: "9999" });
    expect(mapShopifyWebhook("shop/redact", vendor("shop-redact")).privacy).toEqual([{ kind: "shop_redact", shopDomain: "{shop}.myshopify.com", shopId: "954889" }]);
  });

  it("accepts each privacy body only under its own topic (Shopify signs the body, not the topic header)", () => {
    const bodies = { "customers/data_request": vendor("customers-data_request"), "customers/redact": vendor("customers-redact"), "shop/redact": vendor("shop-redact") };
    for (const [bodyTopic, body] of Object.entries(bodies)) {
      for (const topic of Object.keys(bodies)) {
        if (topic === bodyTopic) expect(() => mapShopifyWebhook(topic, body)).not.toThrow();
        else expect(() => mapShopifyWebhook(topic, body), `${bodyTopic} body as ${topic}`).toThrow(UnmappableError);
      }
    }
    // A shop/redact needs shop_id as well as shop_domain; an order body is no shop/redact either.
    expect(() => mapShopifyWebhook("shop/redact", { shop_domain: "{shop}.myshopify.com" })).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("shop/redact", vendor("orders-create"))).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("app/uninstalled", vendor("shop-redact"))).toThrow(UnmappableError);
  });

  it("maps app/uninstalled (the Shop resource) to its shop", () => {
    const shop = { id: 548380009, name: "Vanaspati", email: "ops@vanaspati.in", domain: "vanaspati.in", myshopify_domain: "Vanaspati.myshopify.com", created_at: "2024-01-02T10:00:00+05:30" };
    expect(mapShopifyWebhook("app/uninstalled", shop).privacy).toEqual([{ kind: "app_uninstalled", shopDomain: "vanaspati.myshopify.com", shopId: "548380009" }]);
  });

  it("refuses a body whose own type (admin_graphql_api_id) is not the topic's", () => {
    expect(() => mapShopifyWebhook("products/update", vendor("orders-create"))).toThrow(/body is a Order/);
    expect(() => mapShopifyWebhook("orders/updated", vendor("customers-create"))).toThrow(UnmappableError);
    expect(() => mapShopifyWebhook("customers/update", vendor("orders-create"))).toThrow(UnmappableError);
    expect(mapShopifyWebhook("orders/updated", vendor("orders-create")).orders).toHaveLength(1);
  });

  it("refuses an unknown topic", () => {
    expect(() => mapShopifyWebhook("carts/create", {})).toThrow(UnmappableError);
  });
});

describe("parseJsonKeepingBigIds", () => {
  it("quotes only long integer literals outside strings", () => {
    expect(parseJsonKeepingBigIds('{"a": 820982911946154508, "b": 12, "c": "820982911946154508, 1", "d": 1.5e3, "e": [-9007199254740993]}')).toEqual({
      a: "820982911946154508",
      b: 12,
      c: "820982911946154508, 1",
      d: 1500,
      e: ["-9007199254740993"],
    });
  });
});
