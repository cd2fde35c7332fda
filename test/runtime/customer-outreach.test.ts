/**
 * The customer crons stay within D1's queries per invocation: outreach reads a page of customers
 * in one round trip, and both crons stop after a page budget and continue from a cursor on the
 * jobs queue.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { loadPolicy } from "../../src/db/policies";
import { decideCustomerOutreach } from "../../src/jobs/customer-outreach";
import { refreshCustomerModels } from "../../src/jobs/customer-models";
import { loadCustomerPage } from "../../src/db/rule-inputs";
import { uniqueId } from "../helpers/shopify";

const DAY = 86_400_000;

async function customer(id: string) {
  await env.DB.prepare(`INSERT INTO customers (id, first_name, phone, updated_at, source, source_id, total_spent, orders_count) VALUES (?, 'Asha', '+919800000000', ?, 'shopify', ?, 250000, 2)`)
    .bind(id, Date.now(), id)
    .run();
}

async function order(id: string, customerId: string, createdAt: number, sku: string, cancelled = false) {
  const lines = JSON.stringify([{ sku, variantId: `v-${sku}`, quantity: 1, title: sku, unitPrice: 99_900 }]);
  await env.DB.prepare(
    `INSERT INTO orders (id, name, customer_id, currency, total_price, subtotal_price, payment_method, line_items, tags, created_at, updated_at, source, source_id, cancelled_at)
     VALUES (?, ?, ?, 'INR', 99900, 99900, 'prepaid', ?, '[]', ?, ?, 'shopify', ?, ?)`,
  )
    .bind(id, `#${id}`, customerId, lines, createdAt, createdAt, id, cancelled ? createdAt + 1 : null)
    .run();
}

describe("customer outreach page", () => {
  it("loads each customer with open ticket, open return and orders newest first, for many customers in one call", async () => {
    const [quiet, ticketed, returning] = [uniqueId(), uniqueId(), uniqueId()].map(String) as [string, string, string];
    const now = Date.now();
    for (const c of [quiet, ticketed, returning]) await customer(c);
    await order(`${quiet}1`, quiet, now - 60 * DAY, "SERUM");
    await order(`${quiet}2`, quiet, now - 30 * DAY, "OIL");
    await order(`${quiet}3`, quiet, now - 10 * DAY, "SOAP", true); // cancelled: not a last order
    await env.DB.prepare(`INSERT INTO journeys (order_id, state, state_at, updated_at) VALUES (?, 'delivered', ?, ?)`).bind(`${quiet}2`, now, now).run();
    await order(`${ticketed}1`, ticketed, now - 20 * DAY, "SERUM");
    await env.DB.prepare(
      `INSERT INTO tickets (id, helpdesk, ticket_id, customer_id, subject, body, category, status, tags, created_at, updated_at, source, source_id)
       VALUES (?, 'gorgias', ?, ?, 'Where is my order', '', 'wismo', 'open', '[]', ?, ?, 'gorgias', ?)`,
    )
      .bind(`gorgias:${ticketed}`, ticketed, ticketed, now, now, ticketed)
      .run();
    await order(`${returning}1`, returning, now - 20 * DAY, "SERUM");
    await env.DB.prepare(`INSERT INTO order_returns (id, order_id, kind, amount, restock, line_items, occurred_at, source) VALUES (?, ?, 'return_requested', 0, 0, '[]', ?, 'shopify')`)
      .bind(`ret-${returning}`, `${returning}1`, now - DAY)
      .run();

    const page = await loadCustomerPage(env.DB, [quiet, ticketed, returning, "no-such-customer"], DEFAULT_POLICY);
    expect(page.size).toBe(3);
    expect(page.get(quiet)).toMatchObject({ openTicket: false, openReturn: false, customer: { id: quiet, firstName: "Asha", ltv: 250000 } });
    expect(page.get(quiet)!.orders.map((o) => [o.id, o.state])).toEqual([[`${quiet}2`, "delivered"], [`${quiet}1`, null]]);
    expect(page.get(ticketed)).toMatchObject({ openTicket: true, openReturn: false });
    expect(page.get(returning)).toMatchObject({ openTicket: false, openReturn: true });

    // Refunded after the request: the return is closed.
    await env.DB.prepare(`INSERT INTO order_returns (id, order_id, kind, amount, restock, line_items, occurred_at, source) VALUES (?, ?, 'refunded', 99900, 1, '[]', ?, 'shopify')`)
      .bind(`ref-${returning}`, `${returning}1`, now)
      .run();
    expect((await loadCustomerPage(env.DB, [returning], DEFAULT_POLICY)).get(returning)!.openReturn).toBe(false);
  });
});

describe("customer crons in slices", () => {
  // Ids sort after everything else in this file's database, so "after" cursors see only these.
  const prefix = `zz-${uniqueId()}-`;

  it("refreshes customer models a page budget at a time, continuing from where the last slice stopped", async () => {
    const ids = [1, 2, 3, 4, 5].map((i) => `${prefix}m${i}`);
    for (const id of ids) await customer(id);
    const stored = await loadPolicy(env.DB);
    const now = Date.now();
    const first = await refreshCustomerModels(env.DB, stored, now, { after: `${prefix}m`, maxPages: 2, pageSize: 2 });
    expect(first).toEqual({ done: 4, next: ids[3] });
    const modelled = async () => (await env.DB.prepare(`SELECT customer_id AS id FROM customer_models WHERE customer_id LIKE ? AND computed_at = ?`).bind(`${prefix}m%`, now).all<{ id: string }>()).results.map((r) => r.id).sort();
    expect(await modelled()).toEqual(ids.slice(0, 4));
    const rest = await refreshCustomerModels(env.DB, stored, now, { after: first.next!, maxPages: 2, pageSize: 2 });
    expect(rest).toEqual({ done: 1, next: null });
    expect(await modelled()).toEqual(ids);
  });

  it("a job on the jobs queue runs the next slice", async () => {
    const ids = [1, 2, 3].map((i) => `${prefix}q${i}`);
    for (const id of ids) await customer(id);
    const now = Date.now() + 1;
    await env.JOBS.send({ kind: "customer_models", after: `${prefix}q`, now });
    const deadline = Date.now() + 15_000;
    let n = 0;
    while (Date.now() < deadline) {
      n = (await env.DB.prepare(`SELECT count(*) AS n FROM customer_models WHERE customer_id LIKE ? AND computed_at = ?`).bind(`${prefix}q%`, now).first<{ n: number }>())!.n;
      if (n === ids.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(n).toBe(ids.length);
  });

  it("outreach stops after its page budget and says where to continue", async () => {
    const ids = Array.from({ length: 95 }, (_, i) => `${prefix}o${String(i).padStart(3, "0")}`);
    const now = Date.now();
    await env.DB.batch(
      ids.flatMap((id) => [
        env.DB.prepare(`INSERT INTO customers (id, updated_at, source, source_id) VALUES (?, ?, 'shopify', ?)`).bind(id, now, id),
        env.DB.prepare(`INSERT INTO customer_models (customer_id, ltv, tier, orders_count, category_intervals, churn_risk_milli, computed_at) VALUES (?, 100000, 'low', 2, '{}', 10, ?)`).bind(id, now),
      ]),
    );
    const stored = await loadPolicy(env.DB);
    const first = await decideCustomerOutreach(env, stored, now, { after: `${prefix}o`, maxPages: 1 });
    expect(first.next).toBe(ids[89]);
    expect(await decideCustomerOutreach(env, stored, now, { after: first.next!, maxPages: 1 })).toEqual({ next: null });
    // Past its query budget it stops after the customer that crossed it (here the first, right after the page read).
    expect(await decideCustomerOutreach(env, stored, now, { after: `${prefix}o`, queryBudget: 3 })).toEqual({ next: ids[0] });
    expect(await decideCustomerOutreach(env, stored, now, { after: ids[93]!, queryBudget: 3 })).toEqual({ next: null });
  });
});
