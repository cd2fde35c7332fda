/**
 * What a customer's answer to a failed-delivery question says beyond re-attempt or return: a new
 * date ("kal bhejo", "parso", "deliver on 5th", "5 Dec", "somvar ko"), an alternate phone
 * ("call 98765 43210") and an address line ("flat 302, Sai Residency, near Hanuman mandir").
 * Pure: the text and `now` in, the details out; dates are calendar days in the brand's time zone
 * (IST by default), never in the past.
 */

export interface NdrAnswerDetails {
  /** YYYY-MM-DD, local to the offset given; null when the text names no (future) day. */
  date: string | null;
  /** An Indian mobile number as E.164 (+91 and ten digits starting 6–9). */
  phone: string | null;
  /** The address the customer typed (one line, at most 200 characters). */
  address: string | null;
}

const DAY_MS = 86_400_000;

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const MONTH_WORD = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join("|");

/** A word in Latin script (word boundaries) or Devanagari (no Devanagari letter either side). */
function words(latin: string, devanagari = ""): RegExp {
  const dev = devanagari ? `|(?<![\\u0900-\\u097F])(?:${devanagari})(?![\\u0900-\\u097F])` : "";
  return new RegExp(`\\b(?:${latin})\\b${dev}`);
}

/** Weekday words (English, Hinglish and Devanagari) → 0 = Sunday … 6 = Saturday. */
const WEEKDAYS: [RegExp, number][] = [
  [words("sunday|ravivar|raviwar|ravivaar|itvaar|itwar|itvar|etwar|aitwar", "रविवार|इतवार"), 0],
  [words("monday|mon|somvar|somwar|somvaar", "सोमवार"), 1],
  [words("tuesday|tues|tue|mangalvar|mangalwar|mangalvaar", "मंगलवार"), 2],
  [words("wednesday|wed|budhvar|budhwar|budhvaar", "बुधवार"), 3],
  [words("thursday|thurs|thur|thu|guruvar|guruwar|veervar|virvar|brihaspativar|brahaspativar", "गुरुवार|बृहस्पतिवार|वीरवार"), 4],
  [words("friday|fri|shukravar|shukrawar|shukrvar", "शुक्रवार"), 5],
  [words("saturday|sat|shanivar|shaniwar|shanivaar", "शनिवार"), 6],
];

/** Days from today named by a relative word; checked from the longest phrase down. */
const RELATIVE: [RegExp, number][] = [
  [words("day after tomorrow"), 2],
  [words("narso|narson|narsoo", "नरसों"), 3],
  [words("parso|parson|parsoo|parsun", "परसों|परसो"), 2],
  // "kal" means tomorrow as well as yesterday; a customer asking for delivery means tomorrow.
  [words("kal|kaal|tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|tmrow", "कल"), 1],
  [words("aaj|today|tonight", "आज"), 0],
];

const NUMBER_WORDS: Record<string, number> = { one: 1, ek: 1, two: 2, do: 2, three: 3, teen: 3, four: 4, char: 4, chaar: 4, five: 5, paanch: 5, panch: 5, six: 6, chhe: 6, seven: 7, saat: 7 };
const NUMBER_WORD = Object.keys(NUMBER_WORDS).join("|");

/** Devanagari digits as ASCII, so "९८७६५४३२१०" reads as a number. */
function asciiDigits(s: string): string {
  return s.replace(/[०-९]/g, (d) => String(d.charCodeAt(0) - 0x0966));
}

/** An Indian mobile number anywhere in the text: optional +91 / 91 / 0, then ten digits from 6–9, spaces or dashes allowed. */
const PHONE = /(?<![\d+])(?:\+?\s?91[\s.-]*|0)?([6-9](?:[\s.-]?\d){9})(?!\d)/;

export function parseNdrAnswer(text: string | null, now: number, utcOffsetMinutes = 330): NdrAnswerDetails {
  if (!text || !text.trim()) return { date: null, phone: null, address: null };
  const clean = asciiDigits(text.normalize("NFC")).slice(0, 2000);
  const phoneMatch = PHONE.exec(clean);
  const phone = phoneMatch ? `+91${phoneMatch[1]!.replace(/\D/g, "")}` : null;
  // The number is not a date: "call 9876543210 on 5th" must not read 98 as a day.
  const withoutPhone = phoneMatch ? clean.replace(phoneMatch[0], " ") : clean;
  return { date: parseDate(withoutPhone.toLowerCase(), now, utcOffsetMinutes), phone, address: parseAddress(withoutPhone) };
}

interface Ymd { y: number; m: number; d: number }

function today(now: number, offsetMinutes: number): Ymd {
  const local = new Date(now + offsetMinutes * 60_000);
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

function ymd(y: number, m: number, d: number): string | null {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null; // 31 Nov, 30 Feb
  return back.toISOString().slice(0, 10);
}

function plusDays(t: Ymd, days: number): string {
  return new Date(Date.UTC(t.y, t.m - 1, t.d) + days * DAY_MS).toISOString().slice(0, 10);
}

function isoOf(t: Ymd): string {
  return ymd(t.y, t.m, t.d)!;
}

/** A day and month without a year: this year's, or next year's when this year's has passed. */
function dayMonth(t: Ymd, d: number, m: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const thisYear = ymd(t.y, m, d);
  if (thisYear && thisYear >= isoOf(t)) return thisYear;
  return ymd(t.y + 1, m, d);
}

/** A day of the month alone ("5th", "5 tarikh"): this month's, or next month's when it has passed. */
function dayOnly(t: Ymd, d: number): string | null {
  if (d < 1 || d > 31) return null;
  // The next month that has that day (a 30th asked on 31 January is 30 March).
  for (let k = d >= t.d ? 0 : 1; k <= 3; k++) {
    const m0 = t.m - 1 + k;
    const iso = ymd(t.y + Math.floor(m0 / 12), (m0 % 12) + 1, d);
    if (iso) return iso;
  }
  return null;
}

function parseDate(s: string, now: number, offset: number): string | null {
  const t = today(now, offset);
  const year = (y: string | undefined) => (y === undefined ? null : y.length === 2 ? 2000 + Number(y) : Number(y));
  const withYear = (d: number, m: number, y: number | null) => {
    if (y === null) return dayMonth(t, d, m);
    const iso = ymd(y, m, d);
    return iso && iso >= isoOf(t) ? iso : null;
  };

  // "5 Dec", "5th of December", "5 dec 2026"
  let m = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s*(?:of\\s+)?(${MONTH_WORD})\\b\\.?(?:\\s*,?\\s*(\\d{4}))?`).exec(s);
  if (m) return withYear(Number(m[1]), MONTHS[m[2]!]!, year(m[3]));
  // "Dec 5", "December 5th, 2026"
  m = new RegExp(`\\b(${MONTH_WORD})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:\\s*,?\\s*(\\d{4}))?`).exec(s);
  if (m) return withYear(Number(m[2]), MONTHS[m[1]!]!, year(m[3]));
  // "5/12", "05-12-2026": day first, as India writes it
  m = /(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.-])/.exec(s);
  if (m) return withYear(Number(m[1]), Number(m[2]), year(m[3]));
  // "5th", "on 5", "5 tarikh", "5 ko"
  m = /\b(\d{1,2})(?:st|nd|rd|th)\b/.exec(s) ?? /\b(\d{1,2})\s*(?:tarikh|tareekh|tarik|तारीख|ko\b)/.exec(s) ?? /\bon\s+(?:the\s+)?(\d{1,2})\b(?!\s*(?:am|pm|baje|:|\d))/.exec(s);
  if (m) return dayOnly(t, Number(m[1]));
  // "in 3 days", "3 din baad", "do din me"
  m = new RegExp(`\\bin\\s+(\\d{1,2}|${NUMBER_WORD})\\s+days?\\b|\\b(\\d{1,2}|${NUMBER_WORD})\\s+(?:din|dino|dinon)\\s+(?:baad|bad|me|mein|main|mai)\\b`).exec(s);
  if (m) {
    const n = m[1] ?? m[2]!;
    const days = /^\d+$/.test(n) ? Number(n) : NUMBER_WORDS[n]!;
    if (days >= 0 && days <= 60) return plusDays(t, days);
  }
  // Weekday names: the next such day after today ("monday" said on a Monday is next week's).
  for (const [re, dow] of WEEKDAYS) {
    if (re.test(s)) {
      const todayDow = new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay();
      const ahead = ((dow - todayDow + 7) % 7) || 7;
      return plusDays(t, ahead);
    }
  }
  for (const [re, days] of RELATIVE) if (re.test(s)) return plusDays(t, days);
  return null;
}

/** Words that put a clause on a map: house numbers, buildings, localities, landmarks. */
const ADDRESS_WORDS =
  /\b(flat|house|h\.?\s?no|plot|floor|sector|block|tower|wing|apartment|apartments|apt|society|residency|enclave|colony|nagar|vihar|road|rd|street|lane|gali|marg|chowk|near|opp|opposite|behind|beside|landmark|village|vill|mohalla|bazar|bazaar|market|phase|layout|building|bldg|complex|mandir|masjid|gurudwara|school|hospital|pincode)\b|मकान|गली|नगर|के पास|मोहल्ला|मंदिर/i;
/** An explicit "address:" / "pata:" / "naya address hai". */
const ADDRESS_CUE = /(?:\b(?:new|naya|nayi|correct|sahi|updated|changed|my)\s+)?(?:\baddress\b|\baddr\b|\bpata\b|पता)\s*(?:is|hai|h|he|:|-|=)?\s*[:\-=]?\s*/i;

/** A locality word, a pincode, or a house number as it is written: "#12", "B-12", "A12", "12/3", "12-B". */
function isAddress(c: string): boolean {
  return ADDRESS_WORDS.test(c) || /\b\d{6}\b/.test(c) || /(^|\s)(#\s?\d+|[A-Za-z]-?\d{1,4}\b|\d{1,4}\/\d{1,4}\b|\d{1,4}-[A-Za-z]\b)/.test(c);
}

function tidy(s: string): string {
  return s.replace(/\s+/g, " ").replace(/^[\s,.;:\-]+|[\s,;:\-]+$/g, "").slice(0, 200).trim();
}

function parseAddress(text: string): string | null {
  const cue = ADDRESS_CUE.exec(text);
  if (cue) {
    // "naya address: 14 MG Road" (not "same address pe bhejo"): what follows reads like a place.
    const rest = tidy(text.slice(cue.index + cue[0].length).split(/\n/)[0]!);
    if (rest.length >= 6 && (isAddress(rest) || /\d/.test(rest))) return rest;
  }
  // No cue: the run of clauses that read like an address (a locality word, or a house number
  // with words), from the first such clause to the last, in the customer's own words.
  const clauses = text.split(/[\n,;]|(?<=[a-z])\.\s/i).map((c) => c.trim()).filter(Boolean);
  const first = clauses.findIndex(isAddress);
  if (first < 0) return null;
  let last = first;
  for (let i = first; i < clauses.length; i++) if (isAddress(clauses[i]!)) last = i;
  const address = tidy(clauses.slice(first, last + 1).join(", "));
  return address.length >= 6 ? address : null;
}
