#!/usr/bin/env node
/**
 * Writes every WhatsApp template in the catalogue (src/canonical/whatsapp-templates.ts) as the JSON
 * body Meta's template-creation endpoint accepts (POST /<WABA_ID>/message_templates), one file per
 * template and language: <out>/<name>.<language>.json. Submit each with
 *   curl -X POST "https://graph.facebook.com/v21.0/<WABA_ID>/message_templates" \
 *     -H "Authorization: Bearer <TOKEN>" -H "Content-Type: application/json" -d @<file>
 *
 *   npm run templates:export -- [--out dir] [--store-url https://…] [--public-url https://… [--example-order id]] [--tracking-url https://…/]
 *
 * With --public-url (this worker's PUBLIC_URL) the tracking button is approved as <PUBLIC_URL>/t/{{1}}:
 * the messages then fill it with the order's tracking-page token (set TRACKING_SECRET and PUBLIC_URL on
 * the worker to match). Without it the button is the carrier page's prefix and the suffix is the AWB.
 * The TypeScript catalogue is bundled on the fly with esbuild (installed with wrangler).
 */
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const HELP = `Usage: npm run templates:export -- [options]

Writes one JSON file per WhatsApp template and language, in the shape of Meta's
POST /<WABA_ID>/message_templates, for the brand to submit for approval.

Options:
  --out <dir>            where to write (default: templates/whatsapp)
  --store-url <url>      the store's https URL, for the reorder button (default: https://vanaspati-naturals.myshopify.com)
  --public-url <url>     this worker's PUBLIC_URL: the tracking button opens Switchyard's tracking page,
                         <url>/t/{{1}}, filled with the order's signed token (needs TRACKING_SECRET
                         and PUBLIC_URL set on the worker)
  --example-order <id>   with --public-url: the Shopify order id whose real token is the button's example
                         (signed with TRACKING_SECRET from the environment), so Meta's reviewer opens a
                         working page; without it the example is a token-shaped placeholder
  --tracking-url <url>   carrier tracking prefix the AWB is appended to, when there is no --public-url
                         (default: https://shiprocket.co/tracking/)
  -h, --help             this text`;

let args;
try {
  args = parseArgs({
    options: {
      out: { type: "string" },
      "store-url": { type: "string" },
      "tracking-url": { type: "string" },
      "public-url": { type: "string" },
      "example-order": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  console.error(`templates:export: ${err.message.split("\n")[0]} (see --help)`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const store = args["store-url"] ?? "https://vanaspati-naturals.myshopify.com";
const publicUrl = args["public-url"]?.replace(/\/+$/, "");
if (args["tracking-url"] && publicUrl) {
  console.error("templates:export: give --public-url (Switchyard's tracking page) or --tracking-url (the carrier's), not both");
  process.exit(2);
}
if (args["example-order"] !== undefined && !publicUrl) {
  console.error("templates:export: --example-order needs --public-url");
  process.exit(2);
}
const tracking = publicUrl ? `${publicUrl}/t/` : (args["tracking-url"] ?? "https://shiprocket.co/tracking/");
for (const [flag, value] of [["--store-url", store], ["--tracking-url", tracking], ["--public-url", publicUrl ?? "https://unset"]]) {
  if (!/^https:\/\/[^\s"'<>]+$/.test(value)) {
    console.error(`templates:export: ${flag} must be an https:// URL`);
    process.exit(2);
  }
}
if (args["example-order"] !== undefined && !process.env.TRACKING_SECRET) {
  console.error("templates:export: --example-order signs a real token: set TRACKING_SECRET in the environment (the worker's)");
  process.exit(2);
}

async function loadModule(entry) {
  const out = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "switchyard-templates-"));
  const file = join(dir, "catalogue.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { WHATSAPP_TEMPLATES, TEMPLATE_LANGUAGES, toMetaTemplate } = await loadModule("src/canonical/whatsapp-templates.ts");
let trackingExample;
if (publicUrl) {
  const { signTrackingToken } = await loadModule("src/lib/tracking-token.ts");
  // A placeholder has the shape of a real token (base64url order id, ".", 22 base64url characters).
  trackingExample = args["example-order"] !== undefined ? await signTrackingToken(process.env.TRACKING_SECRET, args["example-order"]) : "NTEyMzQ1Njc4OQ.exampleTokenForReview0";
}
const outDir = resolve(args.out ?? "templates/whatsapp");
mkdirSync(outDir, { recursive: true });
let n = 0;
for (const t of WHATSAPP_TEMPLATES) {
  for (const language of TEMPLATE_LANGUAGES) {
    writeFileSync(join(outDir, `${t.name}.${language}.json`), `${JSON.stringify(toMetaTemplate(t, language, { store, tracking, trackingExample }), null, 2)}\n`);
    n++;
  }
}
console.log(`wrote ${n} templates (${WHATSAPP_TEMPLATES.length} × ${TEMPLATE_LANGUAGES.join(", ")}) to ${outDir}`);
