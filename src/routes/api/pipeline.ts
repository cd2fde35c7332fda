/** GET /api/pipeline: is ingestion keeping up (raw events by status, oldest pending, dead letters, outbox)? */
import { Hono } from "hono";
import { pipelineStatus } from "../../db/raw-events";

export const pipelineApi = new Hono<{ Bindings: Env }>();

pipelineApi.get("/", async (c) => c.json(await pipelineStatus(c.env.DB)));
