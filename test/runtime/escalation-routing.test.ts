/**
 * Escalation routing, wired: a ticket webhook → the brand's rule and route → the helpdesk.update
 * action → the vendor's real assignment fields on the wire (Gorgias assignee_user / assignee_team,
 * Freshdesk responder_id / group_id, Zendesk assignee_id / group_id), answered the way each vendor answers.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { configFromEnv } from "../../src/connectors/config";
import { handleActionsBatch, type ActionMessage } from "../../src/queues/actions";
import freshdeskTicket from "../fixtures/vendor/freshdesk/ticket-view-response.json";
import zendeskTicket from "../fixtures/vendor/zendesk/ticket-show-response.json";
import { api } from "../helpers/runtime";
import { uniqueId } from "../helpers/shopify";
import { json, vendorEdge } from "../helpers/vendor-edge";
import { gorgiasTicket, postGorgias } from "../helpers/vendors";

afterEach(() => vi.restoreAllMocks());

const CREDENTIALS = {
  GORGIAS_DOMAIN: "acme", GORGIAS_USERNAME: "ops@acme.in", GORGIAS_API_KEY: "g-secret",
  FRESHDESK_DOMAIN: "acme", FRESHDESK_API_KEY: "f-secret",
  ZENDESK_SUBDOMAIN: "acme", ZENDESK_EMAIL: "ops@acme.in", ZENDESK_API_TOKEN: "z-secret",
};
const live = configFromEnv({ ...env, ...CREDENTIALS } as Env);

beforeAll(async () => {
  // Damage reports escalate at once in this brand; returns in Hindi go to a team, damage to a group and a person.
  const res = await api("/api/policies", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      approvals: { escalationsToAPerson: false },
      support_escalation: {
        rules: { damaged_at_once: { enabled: true, match: "all", priority: "high", when: { unansweredHours: null, minLtvPaise: null, categories: ["damaged"], customerTiers: null, journeyStates: null } } },
        routing: {
          routes: [{ name: "Quality", category: "damaged", language: null, assignee: { gorgias: "4401", freshdesk: "43000000555", zendesk: "235323" }, group: { gorgias: "12", freshdesk: "43000000777", zendesk: "98738" } }],
          default: { assignee: "support-leads", group: null },
        },
      },
    }),
  });
  expect(res.status).toBe(200);
});

async function decisionFor(subject: string) {
  const body = await (await api(`/api/decisions?type=support_escalation&subject=${encodeURIComponent(subject)}`)).json<{ decisions: { id: string; reasons: string[] }[] }>();
  return body.decisions[0];
}

async function updateActionOf(decisionId: string) {
  return env.DB.prepare(`SELECT params, request FROM actions WHERE decision_id = ? AND kind = 'helpdesk.update'`).bind(decisionId).first<{ params: string; request: string | null }>();
}

let seq = 0;
async function insertUpdate(params: unknown): Promise<string> {
  const id = `esc-act-${Date.now().toString(36)}-${++seq}`;
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO actions (id, decision_id, connector, kind, idempotency_key, status, attempts, next_attempt_at, params, subject_type, subject_id, created_at, updated_at)
     VALUES (?, NULL, 'helpdesk', 'helpdesk.update', ?, 'pending', 0, ?, ?, 'ticket', ?, ?, ?)`,
  )
    .bind(id, `test:${id}`, now, JSON.stringify(params), id, now, now)
    .run();
  return id;
}

async function deliver(actionId: string, fetchFn: typeof fetch) {
  const batch = createMessageBatch<ActionMessage>("switchyard-actions", [{ id: `m-${actionId}`, timestamp: new Date(), attempts: 1, body: { actionId } }]);
  await handleActionsBatch(batch, env, { config: live, fetch: (url, init) => fetchFn(url, init) });
  await getQueueResult(batch, createExecutionContext());
  return env.DB.prepare(`SELECT status, last_error AS lastError FROM actions WHERE id = ?`).bind(actionId).first<{ status: string; lastError: string | null }>();
}

describe("a routed escalation on the wire", () => {
  it("Gorgias: a damage report is routed by the policy, and PUT /api/tickets/:id carries assignee_user and assignee_team", async () => {
    const ticketId = uniqueId();
    await postGorgias(gorgiasTicket({ id: ticketId, email: `c${ticketId}@example.in`, subject: "Parcel arrived damaged", body: "The bottle is broken and leaking.", createdAt: Date.now() - 10 * 60_000 }));
    const d = await decisionFor(`ticket:gorgias:${ticketId}`);
    expect(d).toBeDefined();
    expect(d!.reasons).toContain("rule damaged_at_once (all): category damaged (one of damaged)");
    expect(d!.reasons).toContain("route: category=damaged, language=en → group 12, assignee 4401 (route Quality)");
    const action = await updateActionOf(d!.id);
    const params = JSON.parse(action!.params);
    expect(params).toMatchObject({ helpdesk: "gorgias", ticketId: String(ticketId), assignee: "4401", group: "12", priority: "high" });

    // The same action with Gorgias credentials: the vendor answers the update with the ticket.
    const edge = vendorEdge({
      [`PUT https://acme.gorgias.com/api/tickets/${ticketId}`]: (c) => json(200, { id: ticketId, ...JSON.parse(c.body) }),
      [`POST https://acme.gorgias.com/api/tickets/${ticketId}/tags`]: () => json(201, {}),
    });
    const settled = await deliver(await insertUpdate(params), globalThis.fetch);
    expect(edge.unexpected).toEqual([]);
    expect(settled!.status).toBe("sent");
    const put = edge.to("PUT", `https://acme.gorgias.com/api/tickets/${ticketId}`)[0]!;
    expect(JSON.parse(put.body)).toEqual({ priority: "high", assignee_user: { id: 4401 }, assignee_team: { id: 12 } });
  });

  it("Freshdesk: PUT /api/v2/tickets/:id carries responder_id and group_id; an unknown group is the vendor's 400, not a retry", async () => {
    const params = { helpdesk: "freshdesk", ticketId: "20", priority: "high", assignee: "43000000555", group: "43000000777", status: null, tags: [] };
    const edge = vendorEdge({
      "PUT https://acme.freshdesk.com/api/v2/tickets/20": (c) => {
        const b = JSON.parse(c.body) as { group_id: number; responder_id: number };
        return json(200, { ...freshdeskTicket, ...b });
      },
      "PUT https://acme.freshdesk.com/api/v2/tickets/21": () =>
        // Freshdesk's validation error shape (https://developers.freshdesk.com/api/#error).
        json(400, { description: "Validation failed", errors: [{ field: "group_id", message: "There is no group matching the given group_id", code: "invalid_value" }] }),
    });
    const ok = await deliver(await insertUpdate(params), globalThis.fetch);
    expect(ok!.status).toBe("sent");
    expect(JSON.parse(edge.to("PUT", "https://acme.freshdesk.com/api/v2/tickets/20")[0]!.body)).toEqual({ priority: 3, responder_id: 43000000555, group_id: 43000000777 });

    const bad = await deliver(await insertUpdate({ ...params, ticketId: "21" }), globalThis.fetch);
    expect(bad!.status).toBe("failed");
    expect(bad!.lastError).toContain("HTTP 400");
    expect(edge.unexpected).toEqual([]);
  });

  it("Zendesk: PUT /api/v2/tickets/:id.json carries assignee_id and group_id inside `ticket`", async () => {
    const edge = vendorEdge({ "PUT https://acme.zendesk.com/api/v2/tickets/35436.json": () => json(200, zendeskTicket) });
    const settled = await deliver(await insertUpdate({ helpdesk: "zendesk", ticketId: "35436", priority: "urgent", assignee: "235323", group: "98738", status: null, tags: ["switchyard-escalated"] }), globalThis.fetch);
    expect(settled!.status).toBe("sent");
    expect(edge.unexpected).toEqual([]);
    expect(JSON.parse(edge.to("PUT", "https://acme.zendesk.com/api/v2/tickets/35436.json")[0]!.body)).toEqual({
      ticket: { priority: "urgent", assignee_id: 235323, group_id: 98738, additional_tags: ["switchyard-escalated"] },
    });
  });

  it("a group that is not a numeric id is refused before anything is sent", async () => {
    const edge = vendorEdge({});
    const settled = await deliver(await insertUpdate({ helpdesk: "zendesk", ticketId: "9", priority: null, assignee: null, group: "Returns team", status: null, tags: [] }), globalThis.fetch);
    expect(settled!.status).toBe("failed");
    expect(settled!.lastError).toContain('Zendesk needs a numeric group id, got "Returns team"');
    expect(edge.calls).toEqual([]);
  });
});
