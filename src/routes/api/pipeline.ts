/**
 * GET /api/pipeline: is ingestion keeping up (raw events by status, oldest pending, dead letters,
 * outbox), and which connectors hold actions back (a refused or disconnected credential, and how
 * many actions wait as `blocked` for it).
 */
import { Hono } from "hono";
import { blockedActionCounts, listConnectorStatus } from "../../db/connectors";
import { contactHealth } from "../../db/contacts";
import { pipelineStatus } from "../../db/raw-events";

export const pipelineApi = new Hono<{ Bindings: Env }>();

pipelineApi.get("/", async (c) => {
  const [status, connectors, blocked, customerMessages] = await Promise.all([pipelineStatus(c.env.DB), listConnectorStatus(c.env.DB), blockedActionCounts(c.env.DB), contactHealth(c.env.DB)]);
  const waiting = connectors
    .filter((r) => r.status !== "ok" || (blocked[r.connector] ?? 0) > 0)
    .map((r) => ({ connector: r.connector, status: r.status, reason: r.reason ?? (r.lastOutcome === "blocked" ? r.lastError : null), since: r.statusAt === null ? null : new Date(r.statusAt).toISOString(), blocked: blocked[r.connector] ?? 0 }));
  // customerMessages: does any customer hear twice about one moment (repeatedMoments should be 0)?
  return c.json({ ...status, connectors: waiting, customerMessages });
});
