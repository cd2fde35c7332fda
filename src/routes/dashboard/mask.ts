/** Masking of personal data for every dashboard page except the order view (pure, unit-tested). */

const DOT = "•";

/**
 * `+919812345210` → `+91 98•••••210`: enough to tell two customers apart on a call, not enough to
 * dial. Indian numbers keep their country code; anything else keeps only the first 2 and last 3 digits.
 */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "—";
  const digits = phone.replace(/\D/g, "");
  const indian = /^91\d{10}$/.test(digits) && phone.trim().startsWith("+");
  const national = indian ? digits.slice(2) : digits;
  if (national.length < 6) return DOT.repeat(Math.max(national.length, 3));
  const masked = national.slice(0, 2) + DOT.repeat(national.length - 5) + national.slice(-3);
  return indian ? `+91 ${masked}` : phone.trim().startsWith("+") ? `+${masked}` : masked;
}

/** `rahul.k@gmail.com` → `r•••@gmail.com`: the domain stays (it says which provider bounced), the name does not. */
export function maskEmail(email: string | null | undefined): string {
  if (!email) return "—";
  const at = email.lastIndexOf("@");
  if (at < 1 || at === email.length - 1) return DOT.repeat(3);
  return `${email[0]}${DOT.repeat(3)}${email.slice(at)}`;
}

/** `Rahul Kumar` → `Rahul K.`: first name for a human touch, surname reduced to an initial. */
export function maskName(first: string | null | undefined, last: string | null | undefined): string {
  const f = first?.trim();
  const l = last?.trim();
  if (!f && !l) return "—";
  if (!f) return `${l![0]}.`;
  return l ? `${f} ${l[0]}.` : f;
}
