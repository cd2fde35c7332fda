/** GET /api/pipeline: is ingestion keeping up (raw events by status, oldest pending, dead letters, outbox), and does any customer hear twice about one moment? */
import { Hono } from "hono";
import { contactHealth } from "../../db/contacts";
import { pipelineStatus } from "../../db/raw-events";

export const pipelineApi = new Hono<{ Bindings: Env }>();

pipelineApi.get("/", async (c) => c.json({ ...(await pipelineStatus(c.env.DB)), customerMessages: await contactHealth(c.env.DB) }));
