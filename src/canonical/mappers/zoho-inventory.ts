/** Zoho Inventory webhooks (item, purchase order) → InventoryRecords and PurchaseOrders. Pure. */
import { z } from "zod";
import { type CanonicalBatch, type InventoryRecord, type PurchaseOrder, emptyBatch, UnmappableError } from "../model";
import { splitReceivedAt, toIsoUtc, toIsoUtcOrNull } from "../normalise";

/** Zoho sends quantities as numbers, numeric strings or "" depending on how the webhook body was built. */
const Qty = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === "") return null;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `not a quantity: ${String(v).slice(0, 20)}` });
      return z.NEVER;
    }
    return n;
  });
const Text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));

const Warehouse = z.looseObject({
  warehouse_id: z.union([z.string().min(1), z.number()]).transform((v) => String(v)),
  warehouse_stock_on_hand: Qty,
  warehouse_available_stock: Qty,
  warehouse_actual_available_stock: Qty,
  warehouse_committed_stock: Qty,
  warehouse_actual_committed_stock: Qty,
  warehouse_available_for_sale_stock: Qty,
  warehouse_actual_available_for_sale_stock: Qty,
});

const Item = z.looseObject({
  item_id: Text,
  sku: z.string({ error: "item has no sku" }).trim().min(1, "item has no sku"),
  stock_on_hand: Qty,
  available_stock: Qty,
  actual_available_stock: Qty,
  available_for_sale_stock: Qty,
  actual_available_for_sale_stock: Qty,
  committed_stock: Qty,
  actual_committed_stock: Qty,
  reorder_level: Qty,
  last_modified_time: Text,
  warehouses: z.array(Warehouse).nullish(),
});
type Item = z.infer<typeof Item>;

const PurchaseOrderPayload = z.looseObject({
  purchaseorder_id: Text,
  purchaseorder_number: z.string().trim().min(1),
  status: z.string().min(1),
  delivery_date: Text,
  expected_delivery_date: Text,
  last_modified_time: Text,
  line_items: z.array(z.looseObject({ sku: Text, quantity: Qty })),
});

function parse<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UnmappableError(`zoho-inventory ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid payload"}`);
  }
  return result.data;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Which record a (user-configured) Zoho webhook body carries: wrapped as the API returns it, or bare. */
export function zohoEntityOf(payload: unknown): { kind: "item" | "purchaseorder"; entity: Record<string, unknown> } | null {
  if (!isObject(payload)) return null;
  if (isObject(payload.item)) return { kind: "item", entity: payload.item };
  if (isObject(payload.purchaseorder)) return { kind: "purchaseorder", entity: payload.purchaseorder };
  if ("purchaseorder_number" in payload) return { kind: "purchaseorder", entity: payload };
  if ("item_id" in payload && "sku" in payload) return { kind: "item", entity: payload };
  return null;
}

// Stock can be fractional (kg, litres); available is rounded down so we never promise a unit we lack.
const whole = (n: number | null): number | null => (n === null ? null : Math.round(n));
const sellable = (n: number): number => Math.floor(n + 1e-9);

/**
 * Zoho keeps two stock figures: accounting (moved by invoices and bills) and physical, the
 * `actual_` fields (moved by shipments and receives). Physical is what can leave the shelf, so
 * it wins where the payload has it.
 *
 * `available` is handed on net of committed stock. Zoho Inventory's "Available for Sale" is
 * "Stock on Hand − Committed Stock" (Zoho Inventory help, Item Details, stock tracking methods:
 * http://zstatic.zohostatic.com/us/inventory/help/items/item-details.html), so
 * `*available_for_sale_stock` is taken as is. `available_stock` is not net of it: in a live
 * `warehouses[]` entry (vendor-samples/zoho-inventory/item-warehouse-entry.json) it equals stock on
 * hand (0) while committed is 20 and available for sale is −20. So where only `available_stock` or
 * `stock_on_hand` is sent, committed is subtracted here, once.
 */
function forSale(forSaleStock: number | null, otherStock: number | null, committed: number | null): number | null {
  if (forSaleStock !== null) return forSaleStock;
  return otherStock === null ? null : otherStock - (committed ?? 0);
}

function itemRecords(item: Item, updatedAt: string): InventoryRecord[] {
  const base = {
    sku: item.sku,
    inventoryItemId: null,
    reorderPoint: whole(item.reorder_level),
    leadTimeDays: null,
    incoming: null,
    updatedAt,
    source: "zoho-inventory" as const,
    sourceId: item.item_id ?? item.sku,
  };
  if (item.warehouses?.length) {
    return item.warehouses.map((w) => {
      const committed = w.warehouse_actual_committed_stock ?? w.warehouse_committed_stock;
      const onHand = w.warehouse_stock_on_hand;
      const available = forSale(
        w.warehouse_actual_available_for_sale_stock ?? w.warehouse_available_for_sale_stock,
        w.warehouse_actual_available_stock ?? w.warehouse_available_stock ?? onHand,
        committed,
      );
      if (available === null) throw new UnmappableError(`zoho-inventory item ${item.sku}: warehouse ${w.warehouse_id} has no stock figure`);
      return { ...base, locationId: w.warehouse_id, available: sellable(available), onHand: whole(onHand), committed: whole(committed) };
    });
  }
  const committed = item.actual_committed_stock ?? item.committed_stock;
  const available = forSale(item.actual_available_for_sale_stock ?? item.available_for_sale_stock, item.actual_available_stock ?? item.available_stock ?? item.stock_on_hand, committed);
  if (available === null) throw new UnmappableError(`zoho-inventory item ${item.sku}: no stock figure (stock_on_hand / available_stock)`);
  return [
    {
      ...base,
      locationId: "default",
      available: sellable(available),
      onHand: whole(item.stock_on_hand),
      committed: whole(committed),
    },
  ];
}

/** The record's own time, else the receipt time the route put in the topic. */
function timeOf(lastModified: string | null, topic: string, what: string): string {
  if (lastModified) return toIsoUtc(lastModified, `${what} last_modified_time`);
  const { receivedAt } = splitReceivedAt(topic);
  if (!receivedAt) throw new UnmappableError(`zoho-inventory ${what}: no last_modified_time`);
  return receivedAt;
}

/** Maps one Zoho Inventory webhook. The body is user-configured: an item or a purchase order. */
export function mapZohoInventoryWebhook(topic: string, payload: unknown): CanonicalBatch {
  const found = zohoEntityOf(payload);
  if (!found) throw new UnmappableError("zoho-inventory: body is neither an item nor a purchaseorder");
  const batch = emptyBatch();
  if (found.kind === "item") {
    const item = parse(Item, found.entity, "item");
    batch.inventory.push(...itemRecords(item, timeOf(item.last_modified_time, topic, "item")));
    return batch;
  }
  const po = parse(PurchaseOrderPayload, found.entity, "purchaseorder");
  const record: PurchaseOrder = {
    poNumber: po.purchaseorder_number,
    status: po.status.toLowerCase(),
    expectedAt: toIsoUtcOrNull(po.delivery_date ?? po.expected_delivery_date),
    // Lines without a SKU are services or charges: nothing to stock.
    lines: po.line_items.flatMap((l) => (l.sku ? [{ sku: l.sku, quantity: whole(l.quantity) ?? 0 }] : [])),
    updatedAt: timeOf(po.last_modified_time, topic, "purchaseorder"),
    source: "zoho-inventory",
    sourceId: po.purchaseorder_id ?? po.purchaseorder_number,
  };
  batch.purchaseOrders.push(record);
  return batch;
}
