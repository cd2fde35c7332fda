/** The helpdesk requests for routed escalations and for keeping the context note true, in each vendor's own fields. */
import { describe, expect, it } from "vitest";
import { ActionSpec } from "../../src/canonical/actions";
import { buildHelpdeskRequests, helpdeskInterpret, type HelpdeskSpec } from "../../src/connectors/helpdesk";

const configs = {
  gorgias: { domain: "acme", username: "ops@acme.in", apiKey: "gk" },
  freshdesk: { domain: "acme", apiKey: "fk" },
  zendesk: { subdomain: "acme", email: "ops@acme.in", apiToken: "zt" },
};
const spec = (kind: string, params: Record<string, unknown>) => ActionSpec.parse({ kind, connector: "helpdesk", params }) as HelpdeskSpec;
const update = (helpdesk: string, assignee: string | null, group: string | null) =>
  buildHelpdeskRequests(spec("helpdesk.update", { helpdesk, ticketId: "42", priority: "high", assignee, group, status: null, tags: [] }), configs);

describe("assignee and group on the wire", () => {
  it("Gorgias: assignee_user by id or email, assignee_team by id", () => {
    expect(update("gorgias", "4401", "12")).toMatchObject([{ method: "PUT", url: "https://acme.gorgias.com/api/tickets/42", body: { priority: "high", assignee_user: { id: 4401 }, assignee_team: { id: 12 } } }]);
    expect(update("gorgias", "leads@brand.in", null)).toMatchObject([{ body: { priority: "high", assignee_user: { email: "leads@brand.in" } } }]);
  });

  it("Freshdesk: responder_id and group_id", () => {
    expect(update("freshdesk", "43000000555", "43000000777")).toMatchObject([{ method: "PUT", url: "https://acme.freshdesk.com/api/v2/tickets/42", body: { priority: 3, responder_id: 43000000555, group_id: 43000000777 } }]);
    expect(update("freshdesk", null, "43000000777")).toMatchObject([{ body: { priority: 3, group_id: 43000000777 } }]);
  });

  it("Zendesk: assignee_id (or assignee_email) and group_id inside ticket", () => {
    expect(update("zendesk", "235323", "98738")).toMatchObject([{ method: "PUT", url: "https://acme.zendesk.com/api/v2/tickets/42.json", body: { ticket: { priority: "high", assignee_id: 235323, group_id: 98738 } } }]);
    expect(update("zendesk", "leads@brand.in", null)).toMatchObject([{ body: { ticket: { assignee_email: "leads@brand.in" } } }]);
  });

  it("no group named → no group field; a group that is not an id → an error, nothing sent", () => {
    const [req] = update("zendesk", "235323", null) as { body: { ticket: Record<string, unknown> } }[];
    expect(req!.body.ticket).not.toHaveProperty("group_id");
    for (const h of ["gorgias", "freshdesk", "zendesk"]) expect(update(h, null, "Returns team")).toHaveProperty("error");
  });
});

describe("keeping the context note true", () => {
  it("Freshdesk edits the note: PUT /api/v2/conversations/:id with the HTML body", () => {
    const reqs = buildHelpdeskRequests(spec("helpdesk.update_note", { helpdesk: "freshdesk", ticketId: "42", noteId: "43000123456", body: "Updated: a < b\nJourney: delivered" }), configs);
    expect(reqs).toEqual([
      expect.objectContaining({ method: "PUT", url: "https://acme.freshdesk.com/api/v2/conversations/43000123456", body: { body: "Updated: a &lt; b<br>Journey: delivered" } }),
    ]);
  });

  it("the note id comes from Freshdesk's answer to Create a note; other kinds keep none", () => {
    const note = spec("helpdesk.internal_note", { helpdesk: "freshdesk", ticketId: "42", body: "n" });
    expect(helpdeskInterpret(note)!(201, { id: 43000123456, private: true, ticket_id: 42 })).toMatchObject({ kind: "sent", externalId: "43000123456" });
    expect(helpdeskInterpret(note)!(201, {})).toMatchObject({ kind: "sent", externalId: null });
    expect(helpdeskInterpret(spec("helpdesk.internal_note", { helpdesk: "zendesk", ticketId: "42", body: "n" }))).toBeUndefined();
  });

  it("update_note is Freshdesk's alone", () => {
    expect(() => ActionSpec.parse({ kind: "helpdesk.update_note", connector: "helpdesk", params: { helpdesk: "zendesk", ticketId: "1", noteId: "2", body: "x" } })).toThrow();
  });
});
