/**
 * Starts the worker in-process with Miniflare (the same runtime as `wrangler dev`), for the
 * dashboard bench and browser tests: src/worker.ts bundled by esbuild, D1 persisted in a temp dir
 * with migrations/*.sql applied, Durable Objects and queues as wrangler.toml declares them.
 */
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { QUEUES } from "./webhooks.mjs";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DASHBOARD_TOKEN = "local-dashboard-token";

/** [vars] from wrangler.toml (flat `KEY = "value"` lines), so the harness runs with the deployed defaults. */
function wranglerVars() {
  const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
  const section = /^\[vars\]\s*$([\s\S]*?)^\[/m.exec(toml)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^([A-Z0-9_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
}

/** How the worker is bundled for workerd, like wrangler would: shared by the browser tests and the bench. */
export const WORKER_BUILD_OPTIONS = {
  entryPoints: [path.join(ROOT, "src/worker.ts")],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  tsconfig: path.join(ROOT, "tsconfig.json"),
};

async function bundle() {
  const out = await build({ ...WORKER_BUILD_OPTIONS, write: false, logLevel: "silent" });
  return out.outputFiles[0].text;
}

/**
 * The statements of one migration file, as wrangler applies them: drizzle-kit separates its statements
 * with `--> statement-breakpoint`, the hand-written files end each with `;` at a line's end, and a
 * comment line is not a statement (a file may open with a comment).
 * @param {string} sql
 */
export function migrationStatements(sql) {
  return sql
    .split(/--> statement-breakpoint|;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.split("\n").filter((line) => !/^\s*--/.test(line)).join("\n").trim())
    .filter(Boolean);
}

/** Each file once, in order. */
export async function applyMigrations(db) {
  const dir = path.join(ROOT, "migrations");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    await db.batch(migrationStatements(readFileSync(path.join(dir, file), "utf8")).map((s) => db.prepare(s)));
  }
}

/**
 * @param {{ port?: number, bindings?: Record<string, string>, consumeActions?: boolean }} [options]
 * `consumeActions` runs the actions queue too (connectors dry-run without credentials): the browser
 * test approves a held action and watches it go out; the bench leaves the outbox alone.
 * @returns {Promise<{ mf: Miniflare, url: URL, db: D1Database, dispose: () => Promise<void> }>}
 */
export async function startWorker(options = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-worker-"));
  const queue = { maxBatchSize: 50, maxBatchTimeout: 1 };
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: path.join(ROOT, "index.mjs"), contents: await bundle() }],
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    host: "127.0.0.1",
    port: options.port ?? 0,
    d1Databases: { DB: "switchyard-local" },
    d1Persist: path.join(dir, "d1"),
    durableObjects: {
      ORDER_JOURNEY: { className: "OrderJourney", useSQLite: true },
      SKU_STOCK: { className: "SkuStock", useSQLite: true },
      RATE_LIMITER: { className: "RateLimiter", useSQLite: true },
      CREDENTIAL: { className: "Credential", useSQLite: true },
    },
    durableObjectsPersist: path.join(dir, "do"),
    queueProducers: { INGEST: { queueName: QUEUES.ingest }, ACTIONS: { queueName: QUEUES.actions }, INGEST_DLQ: { queueName: QUEUES.ingestDeadLetters }, JOBS: { queueName: QUEUES.jobs } },
    queueConsumers: {
      [QUEUES.ingest]: { ...queue, maxRetries: 5, deadLetterQueue: QUEUES.ingestDeadLetters },
      [QUEUES.ingestDeadLetters]: { ...queue, maxRetries: 10 },
      // Journey timers reach their rules through the jobs queue.
      [QUEUES.jobs]: { ...queue, maxRetries: 5 },
      ...(options.consumeActions ? { [QUEUES.actions]: { ...queue, maxRetries: 5 } } : {}),
    },
    bindings: {
      ...wranglerVars(),
      API_TOKEN: "local-api-token",
      DASHBOARD_TOKEN,
      SESSION_SECRET: "local-session-secret",
      CREDENTIALS_KEY: "local-credentials-key",
      // One client address for every request here: the login limit would only get in the way.
      LOGIN_RATE_LIMIT_PER_MINUTE: "0",
      ...options.bindings,
    },
  });
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  await applyMigrations(db);
  return {
    mf,
    url,
    db,
    async dispose() {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the form and returns the `sy_session=…` cookie pair. */
export async function login(mf, url) {
  const res = await mf.dispatchFetch(new URL("/login", url), {
    method: "POST",
    body: new URLSearchParams({ token: DASHBOARD_TOKEN, next: "/" }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 303 || !cookie) throw new Error(`login failed: HTTP ${res.status}`);
  return cookie.split(";")[0];
}
