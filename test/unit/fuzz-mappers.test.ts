/**
 * Property-based fuzzing of every mapper: thousands of generated and mutated payloads either map
 * to records that satisfy the canonical schemas, or are refused with UnmappableError. Nothing else.
 */
import fc from "fast-check";
import { mutate, mutation } from "../helpers/mutate";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapperFor } from "../../src/canonical/mappers";
import { SHOPIFY_TOPICS } from "../../src/canonical/mappers/shopify";
import { Customer, InventoryRecord, Message, Order, OrderReturn, Product, PurchaseOrder, ShipmentEvent, SupportTicket, UnmappableError, type CanonicalBatch } from "../../src/canonical/model";
import { parseJsonKeepingBigIds } from "../../src/lib/json";

const fixtures = (dir: string, except: readonly string[] = []) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !except.includes(f))
    .map((f) => parseJsonKeepingBigIds(readFileSync(`${dir}/${f}`, "utf8")));

const file = (path: string) => parseJsonKeepingBigIds(readFileSync(path, "utf8"));

/** Each source with the topics its route passes and the payloads it must understand. */
export const FUZZ_SOURCES: { source: string; topics: readonly string[]; seeds: unknown[]; foreign?: unknown[] }[] = [
  {
    source: "shopify",
    topics: SHOPIFY_TOPICS,
    seeds: [...fixtures("test/fixtures/vendor/shopify", ["inventory_items-update.json"]), ...fixtures("test/fixtures/shopify")],
    // A body of a topic the route does not take (it names itself InventoryItem): refused under every
    // topic, where it once passed for a customers/create.
    foreign: [file("test/fixtures/vendor/shopify/inventory_items-update.json")],
  },
  { source: "shiprocket", topics: ["tracking"], seeds: [file("test/fixtures/vendor/shiprocket/tracking-webhook.json")] },
  { source: "delhivery", topics: ["scan"], seeds: [file("test/fixtures/vendor/delhivery/scan-push.json")] },
  {
    source: "zoho-inventory",
    topics: ["item@2026-11-20T06:00:00.000Z", "purchaseorder@2026-11-20T06:00:00.000Z", "unknown@2026-11-20T06:00:00.000Z"],
    seeds: [...fixtures("test/fixtures/zoho-inventory"), file("test/fixtures/vendor/zoho-inventory/item-retrieve-response.json")],
  },
  { source: "gorgias", topics: ["ticket"], seeds: fixtures("test/fixtures/vendor/gorgias") },
  { source: "freshdesk", topics: ["ticket@2026-11-20T06:00:00.000Z"], seeds: [...fixtures("test/fixtures/freshdesk"), ...fixtures("test/fixtures/vendor/freshdesk")] },
  { source: "zendesk", topics: ["ticket"], seeds: fixtures("test/fixtures/vendor/zendesk") },
  {
    source: "whatsapp",
    topics: ["messages"],
    seeds: ["inbound-interactive-button_reply", "inbound-template-quick_reply-button", "inbound-text-official", "inbound-text", "status-delivered-official", "status-delivered", "status-failed", "status-read", "status-sent"].map((f) => file(`test/fixtures/vendor/whatsapp/${f}.json`)),
  },
  { source: "unicommerce", topics: ["inventory_snapshot@2026-11-20T06:00:00.000Z"], seeds: [file("test/fixtures/vendor/unicommerce/inventory-snapshot-response.json"), file("test/fixtures/vendor/unicommerce/inventory-snapshot-response-fixture.json")] },
];

function validBatch(batch: CanonicalBatch): void {
  for (const o of batch.orders) Order.parse(o);
  for (const c of batch.customers) Customer.parse(c);
  for (const p of batch.products) Product.parse(p);
  for (const r of batch.inventory) InventoryRecord.parse(r);
  for (const e of batch.shipmentEvents) ShipmentEvent.parse(e);
  for (const t of batch.tickets) SupportTicket.parse(t);
  for (const m of batch.messages) Message.parse(m);
  for (const r of batch.returns) OrderReturn.parse(r);
  for (const p of batch.purchaseOrders) PurchaseOrder.parse(p);
}

/** Maps and checks: the only acceptable failure is a clear UnmappableError. */
function mapsOrRefuses(source: string, topic: string, payload: unknown): void {
  let batch: CanonicalBatch;
  try {
    batch = mapperFor(source)(topic, payload);
  } catch (err) {
    if (err instanceof UnmappableError && err.message.length > 0) return;
    throw new Error(`${source} ${topic} threw ${String(err)} for ${JSON.stringify(payload).slice(0, 300)}`);
  }
  validBatch(batch);
}

describe.each(FUZZ_SOURCES)("fuzzing the $source mapper", ({ source, topics, seeds }) => {
  it("maps or refuses 2,000 mutated vendor payloads", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (s, t, edits) => {
        let payload = seeds[s % seeds.length];
        for (const e of edits) payload = mutate(payload, e.path, e.op, e.value);
        mapsOrRefuses(source, topics[t % topics.length]!, payload);
      }),
      { numRuns: 2000, seed: 20261128 },
    );
  });

  it("maps or refuses 1,000 arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), (t, payload) => mapsOrRefuses(source, topics[t % topics.length]!, payload)),
      { numRuns: 1000, seed: 20261128 },
    );
  });

  it("maps every unmutated seed payload for at least one topic", () => {
    for (const seed of seeds) {
      const mapped = topics.some((topic) => {
        try {
          validBatch(mapperFor(source)(topic, seed));
          return true;
        } catch {
          return false;
        }
      });
      expect(mapped).toBe(true);
    }
  });

  it("refuses, under every topic, a payload of a topic it does not take", () => {
    for (const payload of FUZZ_SOURCES.find((s) => s.source === source)?.foreign ?? []) {
      for (const topic of topics) expect(() => mapperFor(source)(topic, payload), topic).toThrow(UnmappableError);
    }
  });
});
