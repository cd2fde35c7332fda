// Shared shell for the bring-your-own-history commands: strict options (unknown ones refused with
// one line, exit 2), --help, TypeScript from src/ bundled on the fly with esbuild (as
// forecast-accuracy.mjs always has), and input errors reported as `file: line N: …`, exit 2.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Parses argv against `options` (node:util parseArgs); prints `usage` for --help and exits 0, one line and exit 2 for anything wrong. */
export function cliArgs(name, usage, options, required = []) {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
  } catch (err) {
    fail(name, `${err.message.split("\n")[0]} (see --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(usage.endsWith("\n") ? usage : `${usage}\n`);
    process.exit(0);
  }
  for (const r of required) if (parsed.values[r] === undefined) fail(name, `--${r} is required (see --help)`);
  return parsed.values;
}

export function fail(name, message) {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(2);
}

/** Imports a TypeScript module of src/ (path relative to the repo root), bundled to a temporary ESM file. */
export async function importTs(entry) {
  const out = await build({ entryPoints: [join(ROOT, entry)], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
  const file = join(dir, "module.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readInput(name, path) {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    fail(name, `cannot read ${path}: ${err.code ?? err.message}`);
  }
}

/** Runs `parse`, turning a CsvError (it has a numeric `line`) into `name: file: line N: reason`, exit 2. */
export function parseOrFail(name, path, parse) {
  try {
    return parse();
  } catch (err) {
    if (err && typeof err.line === "number") fail(name, `${path}: ${err.message}`);
    throw err;
  }
}

/** A progress line on stderr, for files large enough to need one. */
export function progress(label) {
  return (lines) => process.stderr.write(`${label}: ${lines.toLocaleString("en-US")} lines read\n`);
}

export function writeOutput(path, text) {
  if (!path || path === "-") process.stdout.write(text);
  else writeFileSync(path, text);
}

/** yyyy-mm-dd → epoch ms at the END of that UTC day (an as-of date includes the whole day). */
export function endOfDay(name, option, value) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value ?? "") || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    fail(name, `--${option} must be a date like 2026-06-30, got "${value}"`);
  }
  return Date.parse(`${value}T00:00:00Z`) + 86_400_000 - 1;
}

export function positiveInt(name, option, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) fail(name, `--${option} must be a positive whole number, got "${value}"`);
  return n;
}
