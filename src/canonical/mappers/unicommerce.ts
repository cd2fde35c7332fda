/** Unicommerce inventory snapshot → one InventoryRecord per SKU at the facility. Pure. */
import { z } from "zod";
import { type CanonicalBatch, type InventoryRecord, emptyBatch, UnmappableError } from "../model";
import { splitReceivedAt } from "../normalise";

const Count = z.number().finite().nullish().transform((v) => (v === null || v === undefined ? 0 : Math.round(v)));
const Facility = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));

const Snapshot = z.looseObject({
  itemTypeSKU: z.string().trim().min(1),
  inventory: z.number().finite(),
  openSale: Count,
  openPurchase: Count,
  putawayPending: Count,
  facility: Facility,
  facilityCode: Facility,
});

const Payload = z.looseObject({
  successful: z.boolean().nullish(),
  message: z.string().nullish(),
  facility: Facility,
  facilityCode: Facility,
  inventorySnapshots: z.array(Snapshot),
});

/**
 * Maps an inventory snapshot (the `inventorySnapshot/get` response shape, pushed to us).
 * Available = inventory, committed = openSale, incoming = openPurchase + putawayPending.
 * The snapshot names no facility (the API takes it as a header), so a pusher may add
 * `facility`/`facilityCode`; else the stock is the account's "default" location. It carries no
 * time either: the receipt time comes in the topic.
 */
export function mapUnicommerceWebhook(topic: string, payload: unknown): CanonicalBatch {
  const result = Payload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UnmappableError(`unicommerce inventory snapshot: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid payload"}`);
  }
  const p = result.data;
  if (p.successful === false) throw new UnmappableError(`unicommerce inventory snapshot: unsuccessful response: ${p.message ?? "no message"}`);
  const { receivedAt } = splitReceivedAt(topic);
  if (!receivedAt) throw new UnmappableError("unicommerce inventory snapshot: no receipt time in topic");
  const batch = emptyBatch();
  for (const s of p.inventorySnapshots) {
    const locationId = s.facility ?? s.facilityCode ?? p.facility ?? p.facilityCode ?? "default";
    const record: InventoryRecord = {
      sku: s.itemTypeSKU,
      inventoryItemId: null,
      locationId,
      available: Math.round(s.inventory),
      onHand: null,
      committed: s.openSale,
      incoming: s.openPurchase + s.putawayPending,
      reorderPoint: null,
      leadTimeDays: null,
      updatedAt: receivedAt,
      source: "unicommerce",
      sourceId: `${locationId}:${s.itemTypeSKU}`,
    };
    batch.inventory.push(record);
  }
  return batch;
}
