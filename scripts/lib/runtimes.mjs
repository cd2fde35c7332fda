/**
 * The two runtimes the benchmark compares, each started on loopback with its own temp persistence
 * and the webhook rate limit off (WEBHOOK_RATE_LIMIT_PER_MINUTE=0):
 *  - wrangler dev as npm start runs it (wrangler's dev server through its API, inspector off: a dev
 *    proxy in front of workerd; see dev-server.mjs)
 *  - workerd driven directly through Miniflare's API, the worker bundled by esbuild.
 * `consumers: false` leaves the queue consumers out, so an ingest run measures the webhook path
 * alone and does not leave a backlog behind; end-to-end runs keep them.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { QUIET_ENV, WRANGLER } from "./wrangler.mjs";
import { QUEUES, ROOT, devVars } from "./webhooks.mjs";
import { WORKER_BUILD_OPTIONS, applyMigrations } from "./worker.mjs";

const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
const NO_LIMIT = { WEBHOOK_RATE_LIMIT_PER_MINUTE: "0" };

/** wrangler.toml's [vars] as an object (flat string values only, which is all it has). */
function tomlVars() {
  const section = toml.split(/^\[vars\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return Object.fromEntries([...section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
}

/** Queue consumers as wrangler.toml declares them. */
function tomlConsumers() {
  return [...toml.matchAll(/\[\[queues\.consumers\]\]([\s\S]*?)(?=\n\[|\n#|$)/g)].map((m) => {
    const get = (k) => /(\w[\w-]*)/.exec((new RegExp(`^${k}\\s*=\\s*"?([^"\\n]+)"?`, "m").exec(m[1]) ?? [])[1] ?? "")?.[1];
    const num = (k) => Number((new RegExp(`^${k}\\s*=\\s*(\\d+)`, "m").exec(m[1]) ?? [])[1]);
    return { queue: get("queue"), maxBatchSize: num("max_batch_size"), maxBatchTimeout: num("max_batch_timeout"), maxRetries: num("max_retries"), deadLetterQueue: get("dead_letter_queue") };
  });
}

export async function startWrangler({ dir, port, consumers }) {
  mkdirSync(dir, { recursive: true });
  // A copy of wrangler.toml with absolute paths (and, for ingest runs, without consumers).
  let config = toml.replace(/^main = "([^"]+)"/m, (_, main) => `main = "${path.join(ROOT, main)}"`).replace(/^migrations_dir = "([^"]+)"/m, (_, dir) => `migrations_dir = "${path.join(ROOT, dir)}"`);
  if (!consumers) config = config.replace(/\[\[queues\.consumers\]\][\s\S]*?(?=\n\[\[|\n\[(?!\[)|$)/g, "");
  writeFileSync(path.join(dir, "wrangler.toml"), config);
  copyFileSync(path.join(ROOT, existsSync(path.join(ROOT, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example"), path.join(dir, ".dev.vars"));
  const persist = path.join(dir, "state");
  const common = ["-c", path.join(dir, "wrangler.toml")];
  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, ...common], { env: QUIET_ENV, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations: ${migrate.stderr}`);
  // What npm start runs (wrangler's dev server, inspector off), in its own process.
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "lib", "dev-server.mjs"), "--config", path.join(dir, "wrangler.toml"), "--port", String(port), "--hostname", "127.0.0.1", "--persist", persist, "--var", "WEBHOOK_RATE_LIMIT_PER_MINUTE=0"], { env: QUIET_ENV, stdio: ["ignore", "pipe", "pipe"], detached: false });
  let log = "";
  child.stdout.on("data", (c) => (log += c));
  child.stderr.on("data", (c) => (log += c));
  await waitReady(`http://127.0.0.1:${port}`, () => log);
  return {
    name: "wrangler dev",
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    /**
     * Read queries through the wrangler CLI against the same SQLite file. The running server may
     * hold its write lock (SQLITE_BUSY), so a failed read is retried; the bench polls progress
     * through /api/pipeline instead and queries here once the run is over.
     */
    query: async (sql) => {
      for (let attempt = 1; ; attempt++) {
        const res = spawnSync(WRANGLER, ["d1", "execute", "DB", "--local", "--json", "--persist-to", persist, "--command", sql, ...common], { env: QUIET_ENV, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
        if (res.status === 0) return JSON.parse(res.stdout.slice(res.stdout.indexOf("[")))[0].results;
        if (attempt >= 8) throw new Error(res.stderr || res.stdout);
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    },
    stop,
    /** Stops the server so a reader gets the SQLite file to itself (a busy server holds its lock). */
    quiesce: stop,
  };
  function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  }
}

/**
 * Bundles the worker once per bench run (esbuild from node_modules, like wrangler would). `entry`
 * swaps the entry module: the bench's metered worker (metered-worker.ts) wraps src/worker.ts.
 */
export async function bundleWorker(outDir, entry = null) {
  const esbuild = await import("esbuild");
  const outfile = path.join(outDir, entry ? `${path.basename(entry).replace(/\.ts$/, "")}.mjs` : "worker.mjs");
  await esbuild.build({ ...WORKER_BUILD_OPTIONS, ...(entry ? { entryPoints: [entry] } : {}), outfile, logLevel: "error" });
  return outfile;
}

export async function startDirect({ dir, port, consumers, scriptPath, inspectorPort, quiet = false }) {
  const { Miniflare, Log, LogLevel } = await import("miniflare");
  mkdirSync(dir, { recursive: true });
  const queues = tomlConsumers();
  const mf = new Miniflare({
    modules: true,
    // Warnings and errors only: a runtime crash must say why in the bench output.
    log: new Log(LogLevel.WARN),
    scriptPath,
    // Module names are paths relative to this root; the bundle lives in a temp dir outside the repo.
    modulesRoot: path.dirname(scriptPath),
    compatibilityDate: /compatibility_date = "([^"]+)"/.exec(toml)[1],
    compatibilityFlags: ["nodejs_compat"],
    host: "127.0.0.1",
    // No Request.cf download: everything stays on loopback.
    cf: false,
    port,
    defaultPersistRoot: dir,
    ...(inspectorPort ? { inspectorPort } : {}),
    // The worker's own console lines (one per action and decision) would bury a progress bar.
    ...(quiet ? { handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.pipe(process.stderr)) } : {}),
    bindings: { ...tomlVars(), ...devVars(), ...NO_LIMIT },
    d1Databases: { DB: "00000000-0000-0000-0000-000000000000" },
    queueProducers: { INGEST: QUEUES.ingest, ACTIONS: QUEUES.actions, INGEST_DLQ: QUEUES.ingestDeadLetters, JOBS: QUEUES.jobs },
    queueConsumers: consumers ? Object.fromEntries(queues.map((q) => [q.queue, { maxBatchSize: q.maxBatchSize, maxBatchTimeout: q.maxBatchTimeout, maxRetries: q.maxRetries, deadLetterQueue: q.deadLetterQueue || undefined }])) : {},
    durableObjects: {
      ORDER_JOURNEY: { className: "OrderJourney", useSQLite: true },
      SKU_STOCK: { className: "SkuStock", useSQLite: true },
      RATE_LIMITER: { className: "RateLimiter", useSQLite: true },
      CREDENTIAL: { className: "Credential", useSQLite: true },
    },
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  const db = await mf.getD1Database("DB");
  await applyMigrations(db);
  return {
    name: "workerd via Miniflare",
    url,
    query: async (sql) => {
      // The D1 proxy rides a loopback socket that a busy runtime can drop: retry before giving up.
      for (let attempt = 1; ; attempt++) {
        try {
          return (await db.prepare(sql).all()).results;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    },
    /** Runs one statement and answers D1's meta for it (rows written, the database's size after it). */
    run: async (sql) => (await db.prepare(sql).run()).meta,
    stop: () => mf.dispose(),
  };
}

async function waitReady(url, log, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`runtime at ${url} not ready:\n${log().slice(-2000)}`);
}
