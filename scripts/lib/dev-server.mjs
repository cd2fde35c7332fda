/**
 * The local server `npm start` runs: wrangler's own dev server (the same proxy, bundler, Miniflare
 * and workerd as the `wrangler dev` command), started through wrangler's API with the inspector off.
 *
 * Why not the `wrangler dev` command: it always attaches its inspector proxy, which turns on the
 * runtime's Network domain, so every D1 query and Durable Object call becomes four devtools events,
 * each POSTed to wrangler's Node process and appended to its debug log (100 MB in four minutes of
 * `npm run simulate`). Under a week of webhooks that backlog froze all requests for ~6 s and then
 * dropped the runtime connection ("Your worker restarted mid-request", 503s). The command offers no
 * flag to turn the inspector off; the API does (`dev.inspector: false`). `npm start -- --inspect`
 * still runs the plain command for anyone who wants devtools.
 *
 * `unstable_startWorker` is the API wrangler's own dev command is built on, marked unstable:
 * wrangler is pinned in package.json, and `npm run test:demo` (npm start, a simulated week,
 * Ctrl-C) is the check to rerun when upgrading it.
 */
import path from "node:path";

/**
 * @param {{ config: string, port: number, hostname?: string, persist: string, vars?: Record<string, string>, watch?: boolean }} options
 * @returns {Promise<{ url: string, dispose: () => Promise<void> }>}
 */
export async function startDevServer({ config, port, hostname, persist, vars = {}, watch = false }) {
  // Offline: no Request.cf download, no telemetry.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  process.env.WRANGLER_SEND_METRICS = "false";
  const { unstable_startWorker } = await import("wrangler");
  const worker = await unstable_startWorker({
    config: path.resolve(config),
    bindings: Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }])),
    dev: {
      remote: false,
      inspector: false,
      persist: path.resolve(persist),
      testScheduled: true,
      watch,
      server: { hostname, port },
    },
  });
  await worker.ready;
  return { url: `http://${hostname ?? "localhost"}:${port}`, dispose: () => worker.dispose() };
}

// `node scripts/lib/dev-server.mjs --config F --port N --persist DIR [--var NAME=VALUE]…`: the same
// server in a process of its own (the benchmark runs it beside its load generator).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string" }, hostname: { type: "string" }, persist: { type: "string" }, var: { type: "string", multiple: true, default: [] } } });
  const vars = Object.fromEntries(values.var.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
  const server = await startDevServer({ config: values.config, port: Number(values.port), hostname: values.hostname, persist: values.persist, vars });
  console.log(`Ready on ${server.url}`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.dispose().finally(() => process.exit(0)));
}
