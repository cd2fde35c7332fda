/** A brand's saved policy in the old single-rule escalation shape keeps working, and the /policies page edits the new shape. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import { api } from "../helpers/runtime";

const BASE = "https://switchyard.test";

describe("a stored policy of the old shape", () => {
  it("loads with the brand's numbers in the seed's rule and its assignee as the routing default, and a partial PUT builds on it", async () => {
    const old = {
      ...DEFAULT_POLICY,
      support_escalation: {
        enabled: true, mode: "live", noResponseHours: 6, ltvPaise: 2_000_000, categories: ["delivered_not_received"], priority: "high", priorityWhenSeveral: "urgent",
        assignee: { freshdesk: "43000012345" }, tags: ["switchyard-escalated"], ackTemplate: "support_ack",
      },
    };
    const top = await env.DB.prepare(`SELECT coalesce(max(version), 0) AS v FROM policies`).first<{ v: number }>();
    await env.DB.prepare(`INSERT INTO policies (version, body, created_at) VALUES (?, ?, ?)`).bind(top!.v + 1, JSON.stringify(old), Date.now()).run();

    const res = await api("/api/policies");
    expect(res.status).toBe(200);
    const body = await res.json<{ version: number; policy: typeof DEFAULT_POLICY }>();
    expect(body.version).toBe(top!.v + 1);
    const p = body.policy.support_escalation;
    expect(p.rules.high_value_not_received!.when).toMatchObject({ unansweredHours: 6, minLtvPaise: 2_000_000, categories: ["delivered_not_received"] });
    expect(p.routing.default.assignee).toEqual({ freshdesk: "43000012345" });

    const put = await api("/api/policies", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ support_escalation: { rules: { vip: { enabled: true } } } }) });
    expect(put.status).toBe(200);
    const saved = await env.DB.prepare(`SELECT body FROM policies ORDER BY version DESC LIMIT 1`).first<{ body: string }>();
    const now = JSON.parse(saved!.body).support_escalation;
    expect(now.rules.vip.enabled).toBe(true);
    expect(now.rules.high_value_not_received.when.unansweredHours).toBe(6);
    expect(now).not.toHaveProperty("noResponseHours");
  });

  it("a PUT with an out-of-range rule number is a 400 naming the field, and changes nothing", async () => {
    const before = await env.DB.prepare(`SELECT count(*) AS n FROM policies`).first<{ n: number }>();
    const res = await api("/api/policies", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ support_escalation: { rules: { sla_breach: { when: { unansweredHours: 1e308 } } } } }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("support_escalation.rules.sla_breach.when.unansweredHours");
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM policies`).first<{ n: number }>())!.n).toBe(before!.n);
  });
});

describe("the /policies page", () => {
  it("shows the escalation rules and saves a rule switched on and an SLA typed in", async () => {
    const login = await SELF.fetch(`${BASE}/login`, {
      method: "POST",
      body: new URLSearchParams({ token: "test-dashboard-token", next: "/policies" }),
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.51.100.91" },
      redirect: "manual",
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const form = await (await SELF.fetch(`${BASE}/policies`, { headers: { cookie } })).text();
    expect(form).toContain('name="support_escalation.rules.vip.enabled"');
    expect(form).toContain('name="support_escalation.rules.sla_breach.when.unansweredHours"');
    expect(form).toContain('name="support_escalation.routing.default.group"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? "";
    const res = await SELF.fetch(`${BASE}/policies`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, "support_escalation.rules.vip.enabled": "false", "support_escalation.rules.sla_breach.when.unansweredHours": "12", "support_escalation.rules.vip.when.journeyStates": "delivered" }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const saved = JSON.parse((await env.DB.prepare(`SELECT body FROM policies ORDER BY version DESC LIMIT 1`).first<{ body: string }>())!.body).support_escalation;
    expect(saved.rules.sla_breach.when.unansweredHours).toBe(12);
    expect(saved.rules.vip).toMatchObject({ enabled: false, when: { customerTiers: ["high"], journeyStates: ["delivered"] } });
  });
});
