/** Small pure helpers every mapper uses to turn vendor values into canonical ones. */
import { UnmappableError } from "./model";

/** Any parseable timestamp → ISO-8601 UTC; throws UnmappableError when it is not a time. */
export function toIsoUtc(value: unknown, field = "timestamp"): string {
  const parsed = parseTime(value);
  if (parsed === null) throw new UnmappableError(`${field} is not a valid time: ${String(value).slice(0, 40)}`);
  return parsed;
}

/** Like toIsoUtc but null for missing or unparseable values. */
export function toIsoUtcOrNull(value: unknown): string | null {
  return parseTime(value);
}

function parseTime(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  let ms: number;
  if (typeof value === "number") {
    // Epoch seconds or milliseconds.
    ms = value < 1e12 ? value * 1000 : value;
  } else if (typeof value === "string") {
    const s = value.trim();
    // Epoch seconds (or ms) sent as a string, as WhatsApp does ("1671644824"): Date.parse would
    // read it as NaN. Ten or thirteen digits only, so compact dates like "20250108" stay unparsed.
    if (/^\d{10}$|^\d{13}$/.test(s)) return parseTime(Number(s));
    // "2023-05-18 14:25:11" (Shiprocket, Delhivery, Zoho) carries no zone: those vendors mean IST.
    const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(s);
    // "18 05 2023 14:25:11" and "18-05-2023 14:25" (Shiprocket scan dates), also IST.
    const dmy = /^(\d{2})[ -/](\d{2})[ -/](\d{4})[ T]?(\d{2}:\d{2}(:\d{2})?)?$/.exec(s);
    if (local) ms = Date.parse(`${local[1]}T${local[2]}+05:30`);
    else if (dmy) ms = Date.parse(`${dmy[3]}-${dmy[2]}-${dmy[1]}T${dmy[4] ?? "00:00"}+05:30`);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) ms = Date.parse(`${s}T00:00:00+05:30`);
    else ms = Date.parse(s);
  } else {
    return null;
  }
  // Date covers ±8.64e15 ms; beyond it toISOString throws, so such a "time" is simply not one.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}

/** "404.95" or 404.95 → 40495 paise. Rounds half away from zero on the third decimal. */
export function toPaise(value: unknown): number {
  if (value === null || value === undefined || value === "") return 0;
  const n = typeof value === "number" ? value : Number(String(value).replace(/,/g, ""));
  if (!Number.isFinite(n)) throw new UnmappableError(`amount is not a number: ${String(value).slice(0, 20)}`);
  const paise = Math.round(n * 100);
  if (!Number.isSafeInteger(paise)) throw new UnmappableError(`amount out of range: ${String(value).slice(0, 20)}`);
  return paise;
}

/**
 * A phone as typed by a customer → E.164, assuming India when no country code is given.
 * Returns null for anything that cannot be a real number ("555-555-SHIP").
 */
export function toE164(value: unknown, defaultCountryCode = "91"): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const raw = String(value).trim();
  if (/[a-z]/i.test(raw)) return null;
  let digits = raw.replace(/[^\d]/g, "");
  if (digits.length === 0) return null;
  if (raw.startsWith("+")) return valid(`+${digits}`);
  if (raw.startsWith("00")) return valid(`+${digits.slice(2)}`);
  if (defaultCountryCode === "91") {
    if (digits.length === 11 && digits.startsWith("0")) digits = digits.slice(1);
    if (digits.length === 10 && /^[6-9]/.test(digits)) return `+91${digits}`;
    if (digits.length === 12 && digits.startsWith("91") && /^[6-9]/.test(digits.slice(2))) return `+${digits}`;
  }
  // Already carries a country code without the plus (WhatsApp's wa_id: "16505551234").
  if (digits.length >= 11 && digits.length <= 15) return valid(`+${digits}`);
  return null;
}

function valid(e164: string): string | null {
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : null;
}

/** Lower-cased trimmed email, or null when it does not look like one. */
export function toEmail(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** Indian PIN codes are six digits; anything else (foreign zips) is kept as given, trimmed. */
export function toPincode(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).replace(/\s+/g, "").trim();
  return s.length ? s : null;
}

export function idString(value: unknown): string | null {
  if (typeof value === "string" && value.trim()) return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

export function str(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

/** Finds an order reference such as `#1042` or `order 1042` in free text. */
export function findOrderRef(text: string): string | null {
  const hash = /#\s?(\d{3,10})\b/.exec(text);
  if (hash) return `#${hash[1]}`;
  const word = /\border(?:\s+(?:no\.?|number|id))?\s*[:#-]?\s*(\d{4,10})\b/i.exec(text);
  return word ? `#${word[1]}` : null;
}

/**
 * Some payloads carry no time of their own (an inventory snapshot, an ERP item without
 * last_modified_time). Their route appends the receipt time to the topic, so the mapper stays
 * pure and a replay of the stored event keeps the original time: `inventory_snapshot@2026-…Z`.
 */
export function topicWithReceivedAt(topic: string, receivedAtMs: number): string {
  return `${topic}@${new Date(receivedAtMs).toISOString()}`;
}

/** Splits what topicWithReceivedAt joined; receivedAt is null when the topic carries no time. */
export function splitReceivedAt(topic: string): { topic: string; receivedAt: string | null } {
  const at = topic.lastIndexOf("@");
  if (at < 0) return { topic, receivedAt: null };
  return { topic: topic.slice(0, at), receivedAt: toIsoUtcOrNull(topic.slice(at + 1)) };
}
