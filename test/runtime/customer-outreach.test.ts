/**
 * The daily customer outreach reads a page of customers in one round trip (D1 counts queries per
 * invocation): each customer's model, open ticket, open return and orders newest first.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { loadCustomerPage } from "../../src/engine/load";
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
