/** Runtime test helpers: talk to the worker like a client and read D1 directly. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { shopifyRequest } from "./shopify";

export const API_TOKEN = "test-api-token";

export function api(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`https://switchyard.test${path}`, {
    ...init,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(init.headers ?? {}) },
  });
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...params).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Waits until the real local queue has processed a raw event. */
export async function waitProcessed(rawEventId: string, timeout = 5000): Promise<void> {
  await vi.waitFor(
    async () => {
      const row = await env.DB.prepare(`SELECT status FROM raw_events WHERE id = ?`).bind(rawEventId).first<{ status: string }>();
      if (row?.status !== "processed" && row?.status !== "dead") throw new Error(`raw event ${rawEventId} is ${row?.status}`);
    },
    { timeout, interval: 50 },
  );
}

/**
 * Quiet hours a minute long, twelve hours from now (IST): a test that expects a WhatsApp decided now to
 * go out now holds whatever the time of day it runs at (the default window, 21:00–08:00 IST, covers a
 * CI run in the evening UTC).
 */
export function quietHoursAwayFromNow(now = Date.now()) {
  const hhmm = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(11, 16);
  return { start: hhmm(now + 12 * 3_600_000), end: hhmm(now + 12 * 3_600_000 + 60_000), utcOffsetMinutes: 330 };
}

/** Posts a signed Shopify webhook (orders/create unless named) through the worker and waits until it is processed. */
export async function postOrder(payload: Record<string, unknown>, topic = "orders/create"): Promise<void> {
  const { id } = await (await SELF.fetch(await shopifyRequest({ topic, payload }))).json<{ id: string }>();
  await waitProcessed(id);
}

/** Saves a policy patch through the API; anything but 200 fails the test. */
export async function putPolicy(patch: unknown): Promise<void> {
  const res = await api("/api/policies", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  expect(res.status).toBe(200);
}
