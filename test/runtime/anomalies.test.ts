/**
 * The hourly anomaly job in workerd over real D1: eight weeks of a brand's history, then a night
 * where Shopify stops sending and COD cancellations spike. Each finding is a decision held for a
 * person; a source that never sent is not called silent; refused deliveries are counted per source.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { detectAnomalies } from "../../src/jobs/anomalies";
import { count } from "../helpers/runtime";
import { shopifyHmac } from "../helpers/shopify";

const H = 3_600_000;
const DAY = 24 * H;
const WEEK = 7 * DAY;
/** 09:30 IST on a Tuesday: the job's run just before the digest. */
const NOW = Date.UTC(2026, 11, 1, 4, 0);
const END = Math.floor(NOW / H) * H;
const stored = { version: 0, policy: DEFAULT_POLICY, createdAt: null };

let seq = 0;
async function insertOrders(rows: { at: number; cod: boolean; cancelled: boolean }[]) {
  for (let i = 0; i < rows.length; i += 50) {
    await env.DB.batch(
      rows.slice(i, i + 50).map((r) => {
        const id = `anom-${++seq}`;
        return env.DB.prepare(
          `INSERT INTO orders (id, name, currency, total_price, subtotal_price, payment_method, financial_status, cancelled_at, line_items, tags, created_at, updated_at, source, source_id)
           VALUES (?, ?, 'INR', 149900, 149900, ?, ?, ?, '[]', '[]', ?, ?, 'shopify', ?)`,
        ).bind(id, `#A${seq}`, r.cod ? "cod" : "prepaid", r.cod ? "pending" : "paid", r.cancelled ? r.at + H : null, r.at, r.at, id);
      }),
    );
  }
}

/** `perHour` deliveries from `source` in every hour of [from, to), received as sent. */
async function insertEvents(source: string, from: number, to: number, perHour = 3) {
  const stmts: D1PreparedStatement[] = [];
  for (let t = from; t < to; t += H) {
    for (let k = 0; k < perHour; k++) {
      const id = `raw-${source}-${t}-${k}`;
      stmts.push(env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, body, status) VALUES (?, ?, ?, 'orders/create', ?, '{}', 'processed')`).bind(id, source, id, t + (k + 1) * 60_000));
    }
  }
  for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
}

describe("anomaly job", () => {
  it("names a Shopify that stopped and a COD-cancellation spike, holds both for a person, and leaves the other sources alone", async () => {
    // History: in the 12 h before this hour, every week for 8 weeks, 10 orders an hour, 40% COD, 1 in 20 cancelled.
    const rows: { at: number; cod: boolean; cancelled: boolean }[] = [];
    for (let k = 1; k <= 8; k++) {
      for (let h = 1; h <= 12; h++) for (let i = 0; i < 10; i++) rows.push({ at: END - k * WEEK - h * H + i * 60_000, cod: i < 4, cancelled: i === 0 && h % 2 === 0 });
    }
    // Last night: the same volume, but 4 of the 4 COD orders an hour cancelled.
    for (let h = 1; h <= 12; h++) for (let i = 0; i < 10; i++) rows.push({ at: END - h * H + i * 60_000, cod: i < 4, cancelled: i < 4 });
    await insertOrders(rows);
    // Shopify sent 3 deliveries every hour for 8 days and stopped 5 h ago; Shiprocket still sends; Zendesk never did.
    await insertEvents("shopify", END - 8 * DAY, END - 5 * H);
    await insertEvents("shiprocket", END - 8 * DAY, NOW);

    const found = await detectAnomalies(env, stored, NOW);
    const kinds = found.map((c) => `${c.draft.inputs.kind}:${c.draft.subjectId}`).sort();
    expect(kinds).toEqual(["cancellation_rate_high:cancelled", "source_silent:shopify"]);
    for (const c of found) {
      expect(c.mode).toBe("approve");
      expect(await count(`SELECT count(*) AS n FROM decisions WHERE id = ? AND review_status = 'waiting'`, c.id)).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM actions WHERE decision_id = ?`, c.id)).toBe(0);
    }
    const cancel = found.find((c) => c.draft.inputs.kind === "cancellation_rate_high")!;
    expect(cancel.draft.reasons[0]).toMatch(/^cancellation rate 40% \(48 of 120\) in .* against 5% \(48 of 960\) in the same hours over 8 weeks$/);
    // The next hour's run finds the same things and records nothing twice.
    expect(await detectAnomalies(env, stored, NOW + H)).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM decisions WHERE type = 'anomaly'`)).toBe(2);
  });

  it("reads when a source sent, not when its backlog arrived: a week replayed in minutes still shows the hours it went quiet", async () => {
    // Delhivery's events, all received in the last 10 minutes (a replay or a retried backlog), sent every
    // hour for 8 days until 5 h ago; Gorgias's, received now and sent now. Only Delhivery stopped sending.
    const stmts: D1PreparedStatement[] = [];
    for (let t = END - 8 * DAY, k = 0; t < END - 5 * H; t += H) {
      for (const m of [0, 20, 40]) {
        const id = `late-delhivery-${t}-${m}`;
        stmts.push(env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status) VALUES (?, 'delhivery', ?, 'scan', ?, ?, '{}', 'processed')`).bind(id, id, NOW - 10 * 60_000 + k++, t + m * 60_000));
      }
    }
    for (let t = END - 8 * DAY; t < NOW; t += H) {
      const id = `now-gorgias-${t}`;
      stmts.push(env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status) VALUES (?, 'gorgias', ?, 'ticket', ?, ?, '{}', 'processed')`).bind(id, id, t + 60_000, t));
    }
    // A trigger time after receipt (a skewed clock) counts as the receipt.
    stmts.push(env.DB.prepare(`INSERT INTO raw_events (id, source, delivery_id, topic, received_at, triggered_at, body, status) VALUES ('skew', 'gorgias', 'skew', 'ticket', ?, ?, '{}', 'processed')`).bind(NOW - 1000, NOW + DAY));
    for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));

    const found = await detectAnomalies(env, stored, NOW);
    const silent = found.filter((c) => c.draft.inputs.kind === "source_silent");
    expect(silent.map((c) => c.draft.subjectId)).toEqual(["delhivery"]);
    expect(silent[0]!.draft.inputs.lastEventAt).toBe(END - 6 * H + 40 * 60_000);
    expect(silent[0]!.draft.inputs.title).toBe("delhivery stopped sending: nothing for 5.3 h");
  });

  it("finds a daily seller gone quiet while in stock and a carrier's missed pickups, from D1 (not the out-of-stock SKU, not the carrier with 2)", async () => {
    // Seventy days later, so the first test's history is out of the window.
    const now = NOW + 70 * DAY;
    const stmts: D1PreparedStatement[] = [];
    const order = (id: string, at: number, lines: unknown[]) =>
      env.DB.prepare(
        `INSERT INTO orders (id, name, currency, total_price, subtotal_price, payment_method, financial_status, line_items, tags, created_at, updated_at, source, source_id)
         VALUES (?, ?, 'INR', 69900, 69900, 'prepaid', 'paid', ?, '[]', ?, ?, 'shopify', ?)`,
      ).bind(id, `#${id}`, JSON.stringify(lines), at, at, id);
    for (let d = 0; d < 30; d++) {
      const at = now - 30 * H - d * DAY;
      stmts.push(order(`sku-${d}`, at, [{ sku: "SILENT-1", title: "Neem Comb", quantity: 3, unitPrice: 69900 }, { sku: "GONE-1", title: "Rose Mist", quantity: 1, unitPrice: 49900 }]));
    }
    for (const [sku, available] of [["SILENT-1", 120], ["GONE-1", 0]] as const) {
      stmts.push(env.DB.prepare(`INSERT INTO sku_stock (sku, available, committed, incoming, by_location, safety_floor, updated_at) VALUES (?, ?, 0, 0, '{}', 0, ?)`).bind(sku, available, now));
    }
    for (const [i, carrier] of ["delhivery", "delhivery", "delhivery", "bluedart", "bluedart"].entries()) {
      const id = `pick-${i}`;
      stmts.push(order(id, now - 40 * H, []));
      stmts.push(env.DB.prepare(`INSERT INTO journeys (order_id, state, state_at, carrier, updated_at) VALUES (?, 'fulfilled', ?, ?, ?)`).bind(id, now - 30 * H, carrier, now - 30 * H));
    }
    await env.DB.batch(stmts);
    const found = await detectAnomalies(env, stored, now);
    expect(found.map((c) => `${c.draft.inputs.kind}:${c.draft.subjectId}`).sort()).toEqual(["pickups_missed:delhivery", "sku_silent:SILENT-1"]);
    const sku = found.find((c) => c.draft.subjectId === "SILENT-1")!;
    // Yesterday (UTC) is inside the 30 h gap: 27 of 28 days had a sale.
    expect(sku.draft.reasons[0]).toBe("sold on 27 of the last 28 days (2.9 units/day); nothing for 30 h (threshold 24 h)");
  });

  it("counts refused deliveries per source, and a burst of them is a finding", async () => {
    const body = JSON.stringify({ id: 1 });
    for (let i = 0; i < 10; i++) {
      const res = await SELF.fetch("https://switchyard.test/webhooks/shopify", {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": await shopifyHmac(body, "rotated-secret"), "x-shopify-shop-domain": "vanaspati.myshopify.com", "x-shopify-webhook-id": `bad-${i}` },
        body,
      });
      expect(res.status).toBe(401);
    }
    // An unknown source is a 404, not a counted 401.
    expect((await SELF.fetch("https://switchyard.test/webhooks/nope", { method: "POST", body })).status).toBe(404);
    const now = Date.now();
    const { results } = await env.DB.prepare(`SELECT key, value FROM kv WHERE key LIKE 'webhook_401:%'`).all<{ key: string; value: string }>();
    expect(results).toEqual([{ key: `webhook_401:shopify:${Math.floor(now / H) * H}`, value: "10" }]);
    const found = await detectAnomalies(env, stored, now);
    expect(found.map((c) => c.draft.inputs.kind)).toContain("source_auth_failures");
  });
});
