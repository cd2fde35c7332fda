/**
 * Structured logs without personal data: callers pass ids and counts, never bodies.
 * `redact` masks anything that looks like an email or a phone number, as a last line of defence.
 */
export function redact(text: string, opts: { keepNumbers?: boolean } = {}): string {
  const masked = text.replace(SECRET_PARAM, "$1[redacted]").replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, "[email]");
  return opts.keepNumbers ? masked : masked.replace(PHONE, "[number]");
}

/** `?token=…` and its kin in a logged URL: some vendors can only send their token in the URL. */
const SECRET_PARAM = /([?&](?:token|api_key|apikey|key|access_token|hub\.verify_token)=)[^&\s"']+/gi;

/**
 * A phone number: 10–15 digits, optionally with + and single spaces or dashes, standing on its own.
 * Digit runs inside a longer token (a UUID's groups, `act_8f3…`, a hex digest) are left alone: the
 * lookarounds refuse a match touching a letter, digit, underscore or hyphen on either side.
 */
const PHONE = /(?<![\w-])\+?\d(?:[\s-]?\d){9,14}(?![\w-])/g;

/** Fields named as ids (`orderId`, `rawEventIds`) hold ids, which may be all digits: not phone numbers. */
const ID_FIELD = /(?:^id|Id|Ids|_id|_ids)$/;

export function logEvent(event: string, fields: Record<string, string | number | boolean | null | undefined> = {}): void {
  const safe: Record<string, unknown> = { event };
  for (const [k, v] of Object.entries(fields)) safe[k] = typeof v === "string" ? redact(v, { keepNumbers: ID_FIELD.test(k) }) : v;
  console.log(JSON.stringify(safe));
}
