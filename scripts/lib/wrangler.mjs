/** Local D1 through the wrangler CLI (the same SQLite file wrangler dev uses), for the seed and for reading counts. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./webhooks.mjs";

export const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");
export const QUIET_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function d1(args, persistTo) {
  const extra = persistTo ? ["--persist-to", persistTo] : [];
  const res = spawnSync(WRANGLER, ["d1", "execute", "DB", "--local", "--yes", ...extra, ...args], { cwd: ROOT, env: QUIET_ENV, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`wrangler d1 execute failed:\n${res.stderr || res.stdout}`);
  return res.stdout;
}

/** Runs one read query and returns its rows. */
export function query(sql, persistTo) {
  const out = d1(["--json", "--command", sql], persistTo);
  const parsed = JSON.parse(out.slice(out.indexOf("[")));
  return parsed[0]?.results ?? [];
}

export function executeFile(file, persistTo) {
  return d1(["--file", file], persistTo);
}
