/** What reconciliation compares a vendor's records with: refunds, Shopify stock levels and tickets D1 already holds. */

/** The Shopify refund ids of `refundIds` that D1 already holds in order_returns. */
export async function knownShopifyRefunds(db: D1Database, refundIds: string[]): Promise<Set<string>> {
  const unique = [...new Set(refundIds)];
  if (!unique.length) return new Set();
  const out = new Set<string>();
  // D1 binds at most 100 parameters a statement.
  for (let i = 0; i < unique.length; i += 90) {
    const slice = unique.slice(i, i + 90);
    const { results } = await db
      .prepare(`SELECT refund_id AS id FROM order_returns WHERE source = 'shopify' AND refund_id IN (${slice.map(() => "?").join(", ")})`)
      .bind(...slice)
      .all<{ id: string }>();
    for (const r of results) out.add(String(r.id));
  }
  return out;
}

/** The next `limit` SKUs (in SKU order, after `afterSku`) that have a Shopify inventory item. */
export async function shopifyInventoryItemsAfter(db: D1Database, afterSku: string, limit: number): Promise<{ sku: string; inventoryItemId: string }[]> {
  const { results } = await db
    .prepare(`SELECT sku, inventory_item_id AS inventoryItemId FROM products WHERE inventory_item_id IS NOT NULL AND inventory_item_id != '' AND sku > ? ORDER BY sku LIMIT ?`)
    .bind(afterSku, limit)
    .all<{ sku: string; inventoryItemId: string }>();
  return results.map((r) => ({ sku: r.sku, inventoryItemId: String(r.inventoryItemId) }));
}

/** D1's Shopify `available` per `<inventory item id>@<location id>`, for the given items. */
export async function shopifyLevelsHeld(db: D1Database, inventoryItemIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!inventoryItemIds.length) return out;
  const { results } = await db
    .prepare(`SELECT inventory_item_id AS item, location_id AS location, available FROM inventory_records WHERE source = 'shopify' AND inventory_item_id IN (${inventoryItemIds.map(() => "?").join(", ")})`)
    .bind(...inventoryItemIds)
    .all<{ item: string; location: string; available: number }>();
  for (const r of results) out.set(`${r.item}@${r.location}`, r.available);
  return out;
}

/** The `updated_at` (epoch ms) D1 holds for each of a helpdesk's tickets, by ticket id. */
export async function ticketsUpdatedAt(db: D1Database, helpdesk: string, ticketIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Set(ticketIds)];
  for (let i = 0; i < unique.length; i += 90) {
    const slice = unique.slice(i, i + 90).map((id) => `${helpdesk}:${id}`);
    const { results } = await db
      .prepare(`SELECT ticket_id AS id, updated_at AS at FROM tickets WHERE id IN (${slice.map(() => "?").join(", ")})`)
      .bind(...slice)
      .all<{ id: string; at: number }>();
    for (const r of results) out.set(String(r.id), r.at);
  }
  return out;
}
