/** The one input-validation style of every route: a JSON body checked by a zod schema, 400 with the issues otherwise. */
import { zValidator } from "@hono/zod-validator";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import { HttpError } from "../lib/errors";

/** Malformed JSON is a 400 in our words (Hono caches the parsed body, so the validator reads it once). */
const requireJson = createMiddleware(async (c, next) => {
  try {
    await c.req.json();
  } catch {
    throw new HttpError(400, "body must be JSON");
  }
  await next();
});

export function issuesText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`).join("; ");
}

/** Validates the JSON body against `schema`; the handler reads it with `c.req.valid("json")`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return [
    requireJson,
    zValidator("json", schema, (result) => {
      if (!result.success) throw new HttpError(400, issuesText(result.error));
    }),
  ] as const;
}
