/** RAW_BODY_RETENTION_DAYS: a whole number of days from 1 to 3650, else the default with one clear warning. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseRetentionDays, rawBodyRetentionDays, RAW_BODY_RETENTION_DEFAULT_DAYS } from "../../src/jobs/prune-raw-bodies";

afterEach(() => vi.restoreAllMocks());

describe("RAW_BODY_RETENTION_DAYS", () => {
  it.each([
    ["30", 30],
    ["1", 1],
    ["3650", 3650],
    [" 90 ", 90],
    ["007", 7],
  ])("accepts %j as %i days", (value, days) => {
    expect(parseRetentionDays(value)).toEqual({ days, problem: null });
  });

  it.each([[undefined], [""], ["   "]])("absent (%j) is the default, without a warning", (value) => {
    expect(parseRetentionDays(value)).toEqual({ days: RAW_BODY_RETENTION_DEFAULT_DAYS, problem: null });
  });

  it.each([["0"], ["-5"], ["3651"], ["7.5"], ["30d"], ["1e3"], ["thirty"], ["99999"], ["0x1e"], ["Infinity"], ["NaN"]])(
    "refuses %j: the default, and a problem naming the setting and its range",
    (value) => {
      const { days, problem } = parseRetentionDays(value);
      expect(days).toBe(RAW_BODY_RETENTION_DEFAULT_DAYS);
      expect(problem).toContain("RAW_BODY_RETENTION_DAYS must be a whole number of days from 1 to 3650");
      expect(problem).toContain(JSON.stringify(value));
      expect(problem).toContain(`using ${RAW_BODY_RETENTION_DEFAULT_DAYS}`);
    },
  );

  it("warns once per bad value, not on every hourly run, and never for a good one", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(rawBodyRetentionDays({ RAW_BODY_RETENTION_DAYS: "0" })).toBe(30);
    expect(rawBodyRetentionDays({ RAW_BODY_RETENTION_DAYS: "0" })).toBe(30);
    expect(rawBodyRetentionDays({ RAW_BODY_RETENTION_DAYS: "45" })).toBe(45);
    expect(rawBodyRetentionDays({})).toBe(30);
    const warnings = log.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; setting: string; problem: string });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ event: "config_warning", setting: "RAW_BODY_RETENTION_DAYS" });
    expect(warnings[0]!.problem).toContain('got "0"');
    // Another bad value is its own warning.
    expect(rawBodyRetentionDays({ RAW_BODY_RETENTION_DAYS: "-1" })).toBe(30);
    expect(log).toHaveBeenCalledTimes(2);
  });
});
