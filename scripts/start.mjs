#!/usr/bin/env node
// `npm start`: local secrets, local D1 migrations, demo data when the database is empty, then the
// worker under wrangler dev (D1, queues, Durable Objects and cron all local, nothing leaves the machine),
// with a scheduler beside it that fires the worker's cron triggers on their schedule (lib/scheduler.mjs).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import path from "node:path";
import { startDevServer } from "./lib/dev-server.mjs";
import { readCronsFrom, startScheduler } from "./lib/scheduler.mjs";

const USAGE = `usage: npm start [-- options]
  --persist-to DIR   keep local state in DIR (default .wrangler/state)
  --no-seed          do not load the demo brand into an empty database
  --no-cron          do not fire the cron triggers on their schedule
  --inspect          run the plain \`wrangler dev\` command, with its devtools inspector
  --help             this text
environment: PORT (default 8787)`;
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--persist-to") {
    if (!args[i + 1] || args[i + 1].startsWith("--")) {
      console.error("start: --persist-to needs a directory");
      process.exit(2);
    }
    i++;
  } else if (!["--no-seed", "--no-cron", "--inspect"].includes(a)) {
    console.error(`start: unknown option ${a} (try --help)`);
    process.exit(2);
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
const port = process.env.PORT ?? "8787";
// --persist-to DIR: local state somewhere other than .wrangler/state (as wrangler's own flag).
const persistArg = process.argv.indexOf("--persist-to");
const persistTo = persistArg > 0 ? path.resolve(process.argv[persistArg + 1] ?? "") : null;
const stateDir = persistTo ?? path.join(root, ".wrangler", "state");
const persistFlags = persistTo ? ["--persist-to", persistTo] : [];

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (development values only).");
}
const vars = Object.fromEntries(
  readFileSync(".dev.vars", "utf8")
    .split("\n")
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persistFlags], { env, stdio: "inherit" });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
// The India Post pincode directory the COD risk score reads (scripts/pincodes-load.mjs), once per local state.
if (!existsSync(path.join(stateDir, "pincodes-loaded")) && spawnSync(process.execPath, [path.join(root, "scripts", "pincodes-load.mjs"), ...persistFlags], { env, stdio: "inherit" }).status === 0) writeFileSync(path.join(stateDir, "pincodes-loaded"), "");

if (existsSync(path.join(root, "scripts", "seed.mjs")) && !process.argv.includes("--no-seed")) {
  const seed = spawnSync(process.execPath, [path.join(root, "scripts", "seed.mjs"), "--if-empty", ...persistFlags], { env, stdio: "inherit" });
  if (seed.status !== 0) process.exit(seed.status ?? 1);
}

// wrangler's dev server runs a cron only when asked (/__scheduled, --test-scheduled): fire each of
// wrangler.toml's crons on its schedule, and @restart once now so lost queue messages are re-queued.
let scheduler = null;
const startCrons = () => {
  if (process.argv.includes("--no-cron")) return;
  const crons = readCronsFrom(path.join(root, "wrangler.toml"));
  scheduler = startScheduler({ url: `http://127.0.0.1:${port}`, crons });
  console.log(`  Cron triggers run on their schedule (UTC): ${crons.join(", ")}`);
};

const banner = () => {
  console.log(`\n  Switchyard is running.\n  Dashboard: http://localhost:${port}/   (log in with DASHBOARD_TOKEN=${vars.DASHBOARD_TOKEN ?? "see .dev.vars"})`);
  console.log(`  API:       curl -H "Authorization: Bearer ${vars.API_TOKEN ?? "<API_TOKEN>"}" http://localhost:${port}/api/kpis`);
  console.log(`  Simulate a week of webhooks: npm run simulate\n`);
  finishSeed();
};

if (process.argv.includes("--inspect")) {
  // The plain `wrangler dev` command, with its devtools inspector (slower under load: see lib/dev-server.mjs).
  const dev = spawn(wrangler, ["dev", "--local", "--port", port, "--test-scheduled", "--show-interactive-dev-session=false", ...persistFlags], { env, stdio: ["ignore", "pipe", "inherit"] });
  let announced = false;
  dev.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    if (!announced && /Ready on/i.test(String(chunk))) (announced = true), banner(), startCrons();
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (scheduler?.stop(), dev.kill(signal)));
  dev.on("exit", (code) => process.exit(code ?? 0));
} else {
  if (!(await portFree(Number(port)))) {
    console.error(`\n  Port ${port} is already in use (another npm start?). Stop it, or pick another port: PORT=8790 npm start\n`);
    process.exit(1);
  }
  // wrangler's dev server (bundler, proxy, Miniflare, workerd, local D1/queues/Durable Objects/cron),
  // started through its API so the inspector can be left off.
  // Links the worker sends customers (the tracking page) need its address; locally that is this server.
  const server = await startDevServer({ config: "wrangler.toml", port: Number(port), persist: stateDir, watch: true, vars: vars.PUBLIC_URL ? {} : { PUBLIC_URL: `http://localhost:${port}` } });
  banner();
  startCrons();
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (scheduler?.stop(), server.dispose().finally(() => process.exit(0))));
}

// The seed wrote history before the worker started; current stock goes in through the worker's
// own ERP webhook and the model crons run through it, so that part waits for "Ready".
function finishSeed() {
  if (!existsSync(path.join(stateDir, "seed-live-pending"))) return;
  const live = spawn(process.execPath, [path.join(root, "scripts", "seed.mjs"), "--live", "--url", `http://127.0.0.1:${port}`, ...persistFlags], { env, stdio: "inherit" });
  live.on("exit", (code) => {
    if (code === 0) console.log(`\n  Demo brand ready: http://localhost:${port}/   (token ${vars.DASHBOARD_TOKEN ?? "see .dev.vars"})\n`);
    else console.error(`\n  seed: the live part failed (exit ${code}); it runs again on the next npm start.\n`);
  });
}

/** Whether nothing listens on the port (the runtime would otherwise fail to bind and hang). */
function portFree(p) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(p, () => probe.close(() => resolve(true)));
  });
}
