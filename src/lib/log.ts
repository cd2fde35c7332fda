/**
 * Structured logs without personal data: callers pass ids and counts, never bodies.
 * `redact` masks anything that looks like an email or a phone number, as a last line of defence.
 */
export function redact(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, "[email]")
    .replace(/\+?\d[\d\s-]{8,}\d/g, "[number]");
}

export function logEvent(event: string, fields: Record<string, string | number | boolean | null | undefined> = {}): void {
  const safe: Record<string, unknown> = { event };
  for (const [k, v] of Object.entries(fields)) safe[k] = typeof v === "string" ? redact(v) : v;
  console.log(JSON.stringify(safe));
}
