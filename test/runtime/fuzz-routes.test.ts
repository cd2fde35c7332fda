/** Route fuzzing: mutated, signed webhooks never get a 500, and every answer leaves a consistent record. */
import fc from "fast-check";
import { mutate, mutation } from "../helpers/mutate";
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import codOrder from "../fixtures/shopify/orders-create-cod.json";
import officialOrder from "../fixtures/vendor/shopify/orders-create.json";
import { shopifyRequest } from "../helpers/shopify";

describe("fuzzing POST /webhooks/shopify", () => {
  it("answers 200 or 400 (never 500) to 300 mutated signed payloads, storing a raw event or a dead letter for each", async () => {
    const seeds = [codOrder, officialOrder];
    const topics = ["orders/create", "orders/updated", "customers/update", "refunds/create", "fulfillments/create"];
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (s, t, edits, truncate) => {
        let payload: unknown = seeds[s % seeds.length];
        for (const e of edits) payload = mutate(payload, e.path, e.op, e.value);
        let body = JSON.stringify(payload) ?? "null";
        if (truncate) body = body.slice(0, Math.max(1, body.length - 7));
        const webhookId = crypto.randomUUID();
        const topic = topics[t % topics.length]!;
        const res = await SELF.fetch(await shopifyRequest({ topic, payload: null, rawBody: body, webhookId }));
        expect([200, 400]).toContain(res.status);
        const stored = await env.DB.prepare(`SELECT count(*) AS n FROM raw_events WHERE id = ?`).bind(`shopify:${topic}:${webhookId}`).first<{ n: number }>();
        const dead = await env.DB.prepare(`SELECT count(*) AS n FROM dead_letters WHERE id = ?`).bind(`dl:shopify:${topic}:${webhookId}`).first<{ n: number }>();
        expect([stored?.n, dead?.n]).toEqual(res.status === 200 ? [1, 0] : [0, 1]);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  }, 120_000);
});
