#!/usr/bin/env node
/**
 * npm run doctor -- [--url http://localhost:8787] [--token API_TOKEN] [--json]
 *
 * Asks a running Switchyard (GET /api/connectors) what each connector can do and prints it in
 * plain words: its mode (dry-run, static token, client credentials, OAuth install, login, refresh
 * token, API key), whether a token is held and until when, the last call and how it ended, and
 * what to set. Exits 0 when nothing is refused or disconnected, 1 otherwise, 2 on bad options.
 * The token defaults to API_TOKEN from the environment, else from .dev.vars.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const HELP = `usage: npm run doctor -- [--url URL] [--token API_TOKEN] [--json]
  --url    the worker to ask (default http://localhost:$PORT or 8787; PUBLIC_URL in production)
  --token  bearer token for /api (default $API_TOKEN, else API_TOKEN in .dev.vars)
  --json   print the raw report`;

/** One paragraph per connector, the way an engineer setting a brand up reads it. */
export function formatReport(report) {
  const lines = [];
  for (const c of report.connectors) {
    const mark = c.status === "ok" ? "ok " : c.status === "dry_run" ? "-- " : "!! ";
    lines.push(`${mark}${c.connector}: ${c.summary}`);
    if (c.token) {
      const t = c.token;
      const held = t.held ? `token held${t.expiresAt ? ` until ${t.expiresAt}` : " (does not expire)"}` : "no token held";
      lines.push(`     ${held}${t.refreshTokenHeld ? ", refresh token held" : ""}${t.shop ? `, store ${t.shop}` : ""}${t.apiDomain ? `, API ${t.apiDomain}` : ""}${t.encryptedAtRest ? "" : ", NOT sealed at rest (CREDENTIALS_KEY unset)"}`);
      if (t.tokenEndpointFailures) lines.push(`     token endpoint failed ${t.tokenEndpointFailures}× (${t.lastTokenError}); next try ${t.nextTokenAttemptAt}`);
    }
    if (c.lastCall) lines.push(`     last call ${c.lastCall.at}: ${c.lastCall.outcome}${c.lastCall.httpStatus ? ` (HTTP ${c.lastCall.httpStatus})` : ""}${c.lastCall.error ? ` — ${c.lastCall.error}` : ""}`);
    else if (c.status !== "dry_run") lines.push("     no call made yet");
    if (c.blockedActions) lines.push(`     ${c.blockedActions} action(s) waiting as blocked`);
    for (const n of c.notes) lines.push(`     note: ${n}`);
  }
  return lines.join("\n");
}

export function exitCodeFor(report) {
  return report.connectors.some((c) => c.status === "unauthorised" || c.status === "disconnected") ? 1 : 0;
}

function devVar(name) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.join(root, ".dev.vars");
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim() || undefined;
}

async function main() {
  let o;
  try {
    ({ values: o } = parseArgs({ options: { url: { type: "string" }, token: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }, strict: true }));
  } catch (err) {
    console.error(`doctor: ${err.message.split("\n")[0]} (see --help)`);
    process.exit(2);
  }
  if (o.help) {
    console.log(HELP);
    return;
  }
  const base = o.url ?? `http://localhost:${process.env.PORT ?? "8787"}`;
  const token = o.token ?? process.env.API_TOKEN ?? devVar("API_TOKEN");
  if (!token) {
    console.error("doctor: no API token (pass --token or set API_TOKEN)");
    process.exit(2);
  }
  let res;
  try {
    res = await fetch(new URL("/api/connectors", base), { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    console.error(`doctor: cannot reach ${base} (${err.cause?.code ?? err.message}); start it with npm start, or pass --url`);
    process.exit(1);
  }
  if (res.status === 401) {
    console.error(`doctor: ${base} refused the API token`);
    process.exit(1);
  }
  const report = await res.json();
  console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
  process.exit(exitCodeFor(report));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
