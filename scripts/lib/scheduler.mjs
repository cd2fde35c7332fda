/**
 * A local cron scheduler beside `npm start`'s dev server. wrangler's dev server does not run cron
 * triggers on their schedule (it only fires one when asked, at /__scheduled?cron=…, with
 * --test-scheduled), so a local deployment would otherwise never sweep, refresh its models or
 * recover lost queue messages. This reads the cron expressions from wrangler.toml itself (no copies),
 * fires each at the start of every minute it matches (UTC, as Cloudflare does), never two runs of
 * the same cron at once, and fires `@restart` once at start so the worker re-queues what the dead
 * runtime's in-memory queues lost (src/jobs/recover.ts).
 */
import { readFileSync } from "node:fs";

/** The `crons = [...]` of wrangler.toml's [triggers] table. */
export function readCrons(tomlText) {
  const triggers = /^\[triggers\][^\S\n]*\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(tomlText);
  if (!triggers) return [];
  const list = /^\s*crons\s*=\s*\[([\s\S]*?)\]/m.exec(triggers[1]);
  if (!list) return [];
  return [...list[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2]).trim()).filter(Boolean);
}

export function readCronsFrom(file) {
  return readCrons(readFileSync(file, "utf8"));
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function field(spec, min, max, names) {
  const values = new Set();
  for (const part of spec.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in cron field "${spec}"`);
    const value = (t) => {
      const named = names ? names.indexOf(t.toUpperCase()) : -1;
      const n = named >= 0 ? named + (min === 1 ? 1 : 0) : Number(t);
      if (!Number.isInteger(n)) throw new Error(`bad value "${t}" in cron field "${spec}"`);
      return n;
    };
    let lo = min;
    let hi = max;
    if (range !== "*") {
      const [a, b] = range.split("-");
      lo = value(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b);
    }
    for (let n = lo; n <= hi; n += step) values.add(n);
  }
  return { values, any: spec === "*" };
}

/** Whether a five-field cron expression (minute hour day-of-month month day-of-week) matches `date` in UTC. */
export function cronMatches(expr, date) {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expr}" does not have five fields`);
  const [minute, hour, dom, month, dow] = [
    field(parts[0], 0, 59),
    field(parts[1], 0, 23),
    field(parts[2], 1, 31),
    field(parts[3], 1, 12, MONTHS),
    field(parts[4], 0, 7, DAYS),
  ];
  if (dow.values.has(7)) dow.values.add(0);
  const day = date.getUTCDay();
  const domOk = dom.values.has(date.getUTCDate());
  const dowOk = dow.values.has(day);
  // As in cron: when both day fields are restricted, either may match.
  const dayOk = dom.any && dow.any ? true : dom.any ? dowOk : dow.any ? domOk : domOk || dowOk;
  return minute.values.has(date.getUTCMinutes()) && hour.values.has(date.getUTCHours()) && month.values.has(date.getUTCMonth() + 1) && dayOk;
}

/**
 * Fires `crons` against `url` on their schedule. `fire(cron)` defaults to GET /__scheduled?cron=…;
 * returns { stop } for shutdown.
 */
export function startScheduler({ url, crons, log = console.log, fire, restart = true, now = () => new Date() }) {
  for (const c of crons) cronMatches(c, new Date(0)); // refuse a malformed expression at start
  const send = fire ?? (async (cron) => {
    const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
    if (!res.ok) throw new Error(`/__scheduled?cron=${cron} answered ${res.status}`);
  });
  const running = new Set();
  const run = (cron, triesLeft = 0) => {
    if (running.has(cron)) return;
    running.add(cron);
    send(cron)
      .catch((err) => {
        log(`  cron ${cron}: ${err instanceof Error ? err.message : err}`);
        // The restart's recovery must happen: tried again every 5 s for a minute.
        if (triesLeft > 0 && !stopped) setTimeout(() => run(cron, triesLeft - 1), 5_000);
      })
      .finally(() => running.delete(cron));
  };
  let timer = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const at = now();
    for (const c of crons) if (cronMatches(c, at)) run(c);
    schedule();
  };
  const schedule = () => {
    const at = now();
    const next = 60_000 - (at.getUTCSeconds() * 1000 + at.getUTCMilliseconds());
    timer = setTimeout(tick, next + 5);
  };
  if (restart) run("@restart", 12);
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
