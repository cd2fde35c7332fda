/** Every number in the policy has a range; out of range is refused with the field and the range named. */
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, parsePolicy } from "../../src/decisions/policy";

/** Every numeric leaf of the default policy, as a path. */
function numericPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "number") return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericPaths(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...path, k]));
  return [];
}

/** A patch setting one leaf (arrays are replaced whole by a patch, so the array is rebuilt). */
function patchAt(path: (string | number)[], leaf: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  if (typeof head === "number") return [];
  const base = (DEFAULT_POLICY as unknown as Record<string, unknown>)[head];
  return { [head]: rest.length ? patchIn(base, rest, leaf) : leaf };
}

function patchIn(base: unknown, path: (string | number)[], leaf: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  if (Array.isArray(base)) return base.map((v, i) => (i === head ? patchIn(v, rest, leaf) : v));
  return { [head]: patchIn((base as Record<string, unknown>)[head as string], rest, leaf) };
}

describe("policy ranges", () => {
  const paths = numericPaths(DEFAULT_POLICY);

  it("covers every number in the default policy", () => {
    expect(paths.length).toBeGreaterThan(30);
  });

  it.each([1e308, -1e308, 1e21])("refuses %s in every numeric field, naming the field and its range", (value) => {
    for (const path of paths) {
      const result = parsePolicy(patchAt(path, value));
      expect(result.ok, path.join(".")).toBe(false);
      if (result.ok) continue;
      const issue = result.issues.find((i) => i.path.join(".") === path.join("."));
      expect(issue, path.join(".")).toBeDefined();
      expect(issue!.message, path.join(".")).toMatch(/^must be (a whole number )?from -?[\d.]+ to [\d.]+ /);
    }
  });

  it("names the documented range for the attack's field", () => {
    const result = parsePolicy({ delay_alert: { stallHours: 1e308 } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ path: ["delay_alert", "stallHours"], message: "must be from 0.25 to 720 hours" });
  });

  it("refuses a fraction where a count is meant, and accepts the bounds themselves", () => {
    expect(parsePolicy({ reorder_prompt: { daysBefore: 1.5 } }).ok).toBe(false);
    expect(parsePolicy({ delay_alert: { stallHours: 720 } }).ok).toBe(true);
    expect(parsePolicy({ delay_alert: { stallHours: 0.25 } }).ok).toBe(true);
    expect(parsePolicy({ delay_alert: { stallHours: 721 } }).ok).toBe(false);
    expect(parsePolicy({ customerTiers: { highLtvPaise: 1_000_000_001 } }).ok).toBe(false);
    expect(parsePolicy(DEFAULT_POLICY).ok).toBe(true);
  });
});
