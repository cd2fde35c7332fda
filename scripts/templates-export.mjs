#!/usr/bin/env node
/**
 * Writes every WhatsApp template in the catalogue (src/canonical/whatsapp-templates.ts) as the JSON
 * body Meta's template-creation endpoint accepts (POST /<WABA_ID>/message_templates), one file per
 * template and language: <out>/<name>.<language>.json. Submit each with
 *   curl -X POST "https://graph.facebook.com/v21.0/<WABA_ID>/message_templates" \
 *     -H "Authorization: Bearer <TOKEN>" -H "Content-Type: application/json" -d @<file>
 *
 *   npm run templates:export -- [--out dir] [--store-url https://…] [--tracking-url https://…/]
 *
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
  --tracking-url <url>   tracking page prefix the AWB is appended to (default: https://shiprocket.co/tracking/)
  -h, --help             this text`;

let args;
try {
  args = parseArgs({
    options: { out: { type: "string" }, "store-url": { type: "string" }, "tracking-url": { type: "string" }, help: { type: "boolean", short: "h" } },
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
const tracking = args["tracking-url"] ?? "https://shiprocket.co/tracking/";
for (const [flag, value] of [["--store-url", store], ["--tracking-url", tracking]]) {
  if (!/^https:\/\/[^\s"'<>]+$/.test(value)) {
    console.error(`templates:export: ${flag} must be an https:// URL`);
    process.exit(2);
  }
}

async function loadCatalogue() {
  const out = await build({ entryPoints: ["src/canonical/whatsapp-templates.ts"], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "switchyard-templates-"));
  const file = join(dir, "catalogue.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { WHATSAPP_TEMPLATES, TEMPLATE_LANGUAGES, toMetaTemplate } = await loadCatalogue();
const outDir = resolve(args.out ?? "templates/whatsapp");
mkdirSync(outDir, { recursive: true });
let n = 0;
for (const t of WHATSAPP_TEMPLATES) {
  for (const language of TEMPLATE_LANGUAGES) {
    writeFileSync(join(outDir, `${t.name}.${language}.json`), `${JSON.stringify(toMetaTemplate(t, language, { store, tracking }), null, 2)}\n`);
    n++;
  }
}
console.log(`wrote ${n} templates (${WHATSAPP_TEMPLATES.length} × ${TEMPLATE_LANGUAGES.join(", ")}) to ${outDir}`);
