/**
 * The morning digest for a seeded night: a held purchase order, what acted on its own, two
 * anomalies (Shopify stopped, COD cancellations spiked). GET /api/digest and the 09:00 IST messages
 * (one WhatsApp template to the ops lead, one email) carry the same content, sent once a day.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";
import { sendMorningDigest } from "../../src/jobs/digest";
import { api } from "../helpers/runtime";

const H = 3_600_000;

async function seedNight(now: number) {
  let n = 0;
  const decision = (type: string, subject: string, reasons: string[], mode: string, review: string | null, inputs: Record<string, unknown> = {}, at = now - 6 * H) =>
    env.DB.prepare(
      `INSERT INTO decisions (id, type, subject_type, subject_id, dedupe_key, reasons, inputs, actions, policy_version, mode, created_at, review_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, '[]', 0, ?, ?, ?)`,
    ).bind(`dig-${++n}-${now}`, type, subject.split(":")[0], subject.split(":")[1], `dig:${n}:${now}`, JSON.stringify(reasons), JSON.stringify(inputs), mode, at, review);
  const action = (status: string) =>
    env.DB.prepare(`INSERT INTO actions (id, connector, kind, idempotency_key, status, attempts, params, created_at, updated_at) VALUES (?, 'whatsapp', 'whatsapp.template', ?, ?, 1, '{}', ?, ?)`).bind(
      `dig-act-${++n}-${now}`,
      `dig-act-${n}-${now}`,
      status,
      now - 5 * H,
      now - 5 * H,
    );
  await env.DB.batch([
    decision("inventory_reorder", "sku:KUMKUMADI-30ML", ["cover 6.0 days < supplier lead time 14 days", "purchase order worth ₹5,19,600 ≥ ₹1,00,000 waits for approval"], "approve", "waiting"),
    decision("delay_alert", "order:9101", ["no scan for 40 h"], "live", null),
    decision("delay_alert", "order:9102", ["no scan for 38 h"], "live", null),
    decision("wismo_autoreply", "ticket:gorgias:77", ["shipment healthy"], "live", null),
    decision("anomaly", "source:shopify", ["no shopify event since 1 Dec, 02:00 IST (7.5 h; threshold 2 h)"], "approve", "waiting", { kind: "source_silent", title: "shopify stopped sending: nothing for 7.5 h" }),
    decision("anomaly", "brand:cancelled", ["cancellation rate 40% (48 of 120) in … against 5% (48 of 960)"], "approve", "waiting", { kind: "cancellation_rate_high", title: "cancellation rate 40% overnight, usually 5%" }),
    // Two days ago: not last night.
    decision("delay_alert", "order:9000", ["old"], "live", null, {}, now - 50 * H),
    action("dry_run"),
    action("sent"),
    action("failed"),
  ]);
}

describe("morning digest", () => {
  it("names what needs a person, what was handled, both anomalies and the link; GET /api/digest says the same", async () => {
    const now = Date.now();
    await seedNight(now);
    const res = await api("/api/digest");
    expect(res.status).toBe(200);
    const d = await res.json<Record<string, any>>();
    expect(d.needsYou.count).toBe(3);
    expect(d.needsYou.top.map((t: { type: string }) => t.type).sort()).toEqual(["anomaly", "anomaly", "inventory_reorder"]);
    expect(d.needsYou.top.find((t: { type: string }) => t.type === "inventory_reorder").why).toBe("purchase order worth ₹5,19,600 ≥ ₹1,00,000 waits for approval");
    expect(d.handled).toEqual([
      { type: "delay_alert", label: "delay alerts sent", count: 2 },
      { type: "wismo_autoreply", label: "WISMO tickets answered", count: 1 },
    ]);
    expect(d.actionsSent).toBe(2);
    expect(d.anomalies.map((a: { title: string }) => a.title)).toEqual(["shopify stopped sending: nothing for 7.5 h", "cancellation rate 40% overnight, usually 5%"]);
    expect(d.text).toContain("Needs you: 3");
    expect(d.text).toContain("- 2 delay alerts sent");
    expect(d.text).toContain("Anomalies: 2");
    expect(d.text).toContain("shopify stopped sending");
    expect(d.link).toBe("https://switchyard.test/");
    // WhatsApp parameters: one line each, no runs of spaces, none empty.
    for (const p of d.whatsappParams as string[]) expect(p).toMatch(/^[^\n\t]+$/), expect(p).not.toMatch(/ {2}/);
    expect(d.whatsappParams[2]).toBe("2: shopify stopped sending: nothing for 7.5 h; cancellation rate 40% overnight, usually 5%");
  });

  it("sends one WhatsApp template to the ops lead and one email at 09:00 IST, once; nothing at 08:55", async () => {
    const parsed = parsePolicy({ digest: { opsLeadPhone: "+919812345678" } }, DEFAULT_POLICY);
    if (!parsed.ok) throw new Error("policy");
    const stored = { version: 0, policy: parsed.policy, createdAt: null };
    // 1 Dec 2026 08:55 IST = 03:25 UTC.
    const early = Date.UTC(2026, 11, 1, 3, 25);
    expect(await sendMorningDigest(env, stored, early)).toBeNull();
    const at = Date.UTC(2026, 11, 1, 3, 30);
    await seedNight(at);
    const digest = await sendMorningDigest(env, stored, at);
    expect(digest?.date).toBe("2026-12-01");
    const { results } = await env.DB.prepare(`SELECT kind, params FROM actions WHERE idempotency_key LIKE 'digest:2026-12-01:%' ORDER BY kind`).all<{ kind: string; params: string }>();
    expect(results.map((r) => r.kind)).toEqual(["email.ops_alert", "whatsapp.template"]);
    const wa = JSON.parse(results[1]!.params);
    expect(wa.to).toBe("+919812345678");
    expect(wa.template).toBe("ops_morning_digest");
    expect(wa.bodyParams).toHaveLength(4);
    expect(JSON.parse(results[0]!.params).text).toContain("cancellation rate 40% overnight");
    // The next sweep, five minutes later, sends nothing more.
    expect(await sendMorningDigest(env, stored, at + 5 * 60_000)).toBeNull();
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM actions WHERE idempotency_key LIKE 'digest:2026-12-01:%'`).first<{ n: number }>())?.n).toBe(2);
  });
});
