/** npm start's local cron scheduler: wrangler.toml's own crons, matched in UTC, fired on the minute, never overlapping. */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { cronMatches, readCrons, startScheduler } from "../../scripts/lib/scheduler.mjs";
import { CRONS } from "../../src/bindings";

const at = (iso: string) => new Date(iso);

describe("local cron scheduler", () => {
  it("reads the crons from wrangler.toml itself, and they are the ones the worker handles", () => {
    const crons = readCrons(readFileSync("wrangler.toml", "utf8"));
    expect(crons.sort()).toEqual([CRONS.recover, CRONS.sweep, CRONS.hourly, CRONS.daily].sort());
    expect(readCrons(`[vars]\nX = "1"\n[triggers]\ncrons = [\n  "0 * * * *",\n  '*/10 1-3 * * MON'\n]\n[observability]\nenabled = true\n`)).toEqual(["0 * * * *", "*/10 1-3 * * MON"]);
    expect(readCrons(`name = "x"\n`)).toEqual([]);
  });

  it("matches five-field expressions in UTC", () => {
    expect(cronMatches("30 2 * * *", at("2026-12-01T02:30:00Z"))).toBe(true);
    expect(cronMatches("30 2 * * *", at("2026-12-01T08:00:00+05:30"))).toBe(true);
    expect(cronMatches("30 2 * * *", at("2026-12-01T02:31:00Z"))).toBe(false);
    expect(cronMatches("*/5 * * * *", at("2026-12-01T10:35:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-12-01T10:36:00Z"))).toBe(false);
    expect(cronMatches("0 * * * *", at("2026-12-01T10:00:59Z"))).toBe(true);
    expect(cronMatches("0 9 * * MON-FRI", at("2026-12-05T09:00:00Z"))).toBe(false); // a Saturday
    expect(cronMatches("0 9 * * 1-5", at("2026-12-07T09:00:00Z"))).toBe(true); // a Monday
    expect(cronMatches("0 0 1 JAN *", at("2027-01-01T00:00:00Z"))).toBe(true);
    expect(() => cronMatches("* * *", at("2026-12-01T00:00:00Z"))).toThrow(/five fields/);
  });

  it("fires @restart at once, then each matching cron at the minute, and never two runs of one cron at once", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(at("2026-12-01T10:04:30Z"));
    const fired: string[] = [];
    const release: (() => void)[] = [];
    const s = startScheduler({
      url: "http://x",
      crons: ["* * * * *", "*/5 * * * *", "0 * * * *"],
      log: () => undefined,
      fire: (cron) => {
        fired.push(`${new Date().toISOString().slice(11, 16)} ${cron}`);
        return new Promise<void>((r) => release.push(r));
      },
    });
    expect(fired).toEqual(["10:04 @restart"]);
    await vi.advanceTimersByTimeAsync(30_010); // 10:05
    expect(fired).toEqual(["10:04 @restart", "10:05 * * * * *", "10:05 */5 * * * *"]);
    await vi.advanceTimersByTimeAsync(60_000); // 10:06: the every-minute run is still going
    expect(fired).toHaveLength(3);
    for (const r of release.splice(0)) r();
    await vi.advanceTimersByTimeAsync(60_000); // 10:07
    expect(fired.at(-1)).toBe("10:07 * * * * *");
    s.stop();
    vi.useRealTimers();
  });

  it("tries @restart again every 5 s until the worker takes it", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(at("2026-12-01T10:04:10Z"));
    let calls = 0;
    const s = startScheduler({ url: "http://x", crons: [], log: () => undefined, fire: async () => { calls += 1; if (calls < 3) throw new Error("not ready"); } });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toBe(3);
    s.stop();
    vi.useRealTimers();
  });
});
