import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Test-only secrets; the same names as .dev.vars.example. */
export const TEST_BINDINGS = {
  SHOPIFY_WEBHOOK_SECRET: "test-shopify-secret",
  SHOPIFY_WEBHOOK_SECRET_PREVIOUS: "test-shopify-secret-previous",
  API_TOKEN: "test-api-token",
  DASHBOARD_TOKEN: "test-dashboard-token",
  SESSION_SECRET: "test-session-secret",
  TRACKING_SECRET: "test-tracking-secret",
  // The worker's own address: tracking-page links in WhatsApp answers are absolute.
  PUBLIC_URL: "https://switchyard.test",
  HELPDESK_CONTEXT_TOKEN: "test-helpdesk-context-token",
  SHIPROCKET_WEBHOOK_TOKEN: "test-shiprocket-token",
  DELHIVERY_WEBHOOK_TOKEN: "test-delhivery-token",
  GORGIAS_WEBHOOK_TOKEN: "test-gorgias-token",
  FRESHDESK_WEBHOOK_TOKEN: "test-freshdesk-token",
  ZOHO_WEBHOOK_TOKEN: "test-zoho-token",
  UNICOMMERCE_WEBHOOK_TOKEN: "test-unicommerce-token",
  ZENDESK_WEBHOOK_SECRET: "test-zendesk-secret",
  WHATSAPP_APP_SECRET: "test-whatsapp-app-secret",
  WHATSAPP_VERIFY_TOKEN: "test-whatsapp-verify-token",
  RAZORPAY_WEBHOOK_SECRET: "test-razorpay-webhook-secret",
  // The store this deployment serves: privacy webhooks must name it (docs/privacy.md).
  SHOPIFY_SHOP_DOMAIN: "vanaspati.myshopify.com",
  CREDENTIALS_KEY: "test-credentials-key",
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          test: {
            name: "unit",
            include: ["test/unit/**/*.test.ts"],
            environment: "node",
          },
        },
        {
          plugins: [
            cloudflareTest({
              main: "./src/worker.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: "runtime",
            include: ["test/runtime/**/*.test.ts"],
            setupFiles: ["./test/runtime/setup.ts"],
            // Each webhook waits for the real queue (batches close after 1 s): budget for several.
            testTimeout: 30_000,
          },
        },
        {
          // Slow, high-volume guarantees: run by `npm run test:reliability` (and CI), not `npm test`.
          plugins: [
            cloudflareTest({
              main: "./src/worker.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: migrations, WEBHOOK_RATE_LIMIT_PER_MINUTE: "0", BURST_TOTAL: process.env.BURST_TOTAL ?? "10000" } },
            }),
          ],
          test: {
            name: "reliability",
            include: ["test/reliability/**/*.test.ts"],
            exclude: ["test/reliability/crash.test.ts"],
            setupFiles: ["./test/runtime/setup.ts"],
            testTimeout: 600_000,
          },
        },
        {
          // npm start, a burst, SIGKILL of its runtime, npm start again: run in Node beside the dev
          // server, by `npm run test:reliability` (and CI), not `npm test`.
          test: {
            name: "crash",
            include: ["test/reliability/crash.test.ts"],
            environment: "node",
            silent: "passed-only",
            testTimeout: 240_000,
            hookTimeout: 120_000,
          },
        },
        {
          // npm start + npm run simulate in a temporary state directory: every decision type fires.
          // Slow (2–3 minutes): `npm run test:demo` and CI, not `npm test`.
          test: {
            name: "demo",
            include: ["test/demo/**/*.test.ts"],
            environment: "node",
            // The dev server logs every request and queue batch: shown only if the test fails.
            silent: "passed-only",
            testTimeout: 600_000,
            hookTimeout: 600_000,
          },
        },
        {
          // The dashboard in headless Chromium against the worker under Miniflare (see test/browser/).
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
