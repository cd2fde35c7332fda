/**
 * Demand calendar: Indian festivals by date (with the shopping window before each) and the brand's
 * own sale days from policy. Festival dates are those of the Government of India's gazetted and
 * restricted holiday lists (DoPT office memoranda for each year; lunar festivals move every year,
 * 2027 from the published almanacs and to be checked against DoPT's list when it is out). The
 * windows (how many days before a festival people buy for it) are this project's assumption; the
 * forecast learns each event's lift per SKU from history, so a window that does not move demand
 * gets a lift near 1.
 */

export interface DemandEvent {
  name: string;
  /** Inclusive ISO dates (YYYY-MM-DD). */
  start: string;
  end: string;
}

/** Festival day and how many days of shopping lead up to it. */
const FESTIVALS: Record<string, { days: number; dates: string[] }> = {
  diwali: { days: 10, dates: ["2023-11-12", "2024-10-31", "2025-10-20", "2026-11-08", "2027-10-29"] },
  dussehra: { days: 9, dates: ["2023-10-24", "2024-10-12", "2025-10-02", "2026-10-20", "2027-10-09"] },
  raksha_bandhan: { days: 7, dates: ["2023-08-30", "2024-08-19", "2025-08-09", "2026-08-28", "2027-08-17"] },
  holi: { days: 4, dates: ["2023-03-08", "2024-03-25", "2025-03-14", "2026-03-04", "2027-03-22"] },
  eid_ul_fitr: { days: 5, dates: ["2023-04-22", "2024-04-11", "2025-03-31", "2026-03-21", "2027-03-10"] },
};

/** Fixed-date sale seasons most Indian D2C brands and marketplaces run. */
const FIXED = [
  { name: "republic_day_sale", from: "01-20", to: "01-26" },
  { name: "independence_day_sale", from: "08-10", to: "08-15" },
  { name: "year_end", from: "12-18", to: "12-31" },
];

const DAY_MS = 86_400_000;

/** The built-in festival and sale windows for 2023–2027. */
export function indianFestivalEvents(): DemandEvent[] {
  const out: DemandEvent[] = [];
  for (const [name, f] of Object.entries(FESTIVALS)) {
    for (const date of f.dates) {
      const day = Date.parse(`${date}T00:00:00Z`);
      out.push({ name, start: new Date(day - f.days * DAY_MS).toISOString().slice(0, 10), end: date });
    }
  }
  for (let year = 2023; year <= 2027; year++) for (const f of FIXED) out.push({ name: f.name, start: `${year}-${f.from}`, end: `${year}-${f.to}` });
  return out;
}

/**
 * For a series starting at `start` (UTC midnight) and `length` days long, the event name on each
 * day (the first listed wins when windows overlap), or null.
 */
export function eventDays(events: readonly DemandEvent[], start: number, length: number): (string | null)[] {
  const out = new Array<string | null>(length).fill(null);
  const first = Math.round(start / DAY_MS);
  for (const e of events) {
    const from = Math.round(Date.parse(`${e.start}T00:00:00Z`) / DAY_MS) - first;
    const to = Math.round(Date.parse(`${e.end}T00:00:00Z`) / DAY_MS) - first;
    for (let t = Math.max(0, from); t <= Math.min(length - 1, to); t++) if (out[t] === null) out[t] = e.name;
  }
  return out;
}

/** The events a store's forecasts use: the built-in festivals (unless turned off) and the brand's sale days. */
export function demandEvents(calendar: { indianFestivals: boolean; saleDays: readonly DemandEvent[] }): DemandEvent[] {
  return [...calendar.saleDays, ...(calendar.indianFestivals ? indianFestivalEvents() : [])];
}
