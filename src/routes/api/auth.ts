/** Bearer-token auth for the JSON API (constant-time comparison). */
import { createMiddleware } from "hono/factory";
import { matchesAnySecret } from "../../lib/crypto";
import { HttpError } from "../../lib/errors";

export const requireApiToken = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (!matchesAnySecret(token, [c.env.API_TOKEN])) throw new HttpError(401, "missing or invalid bearer token");
  await next();
});
