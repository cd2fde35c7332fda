/** JSON parsing that keeps 64-bit ids exact: Shopify ids can exceed Number.MAX_SAFE_INTEGER. */

/**
 * Parses JSON text, turning every integer literal of 16 or more digits into a string so
 * `820982911946154508` survives as "820982911946154508" instead of 820982911946154500.
 * Throws SyntaxError for malformed JSON, like JSON.parse.
 */
export function parseJsonKeepingBigIds(text: string): unknown {
  return JSON.parse(quoteLongIntegers(text));
}

const SIXTEEN_DIGITS = /\d{16}/;

function quoteLongIntegers(text: string): string {
  // Most bodies have no run of 16 digits anywhere: one native scan instead of the loop below.
  if (!SIXTEEN_DIGITS.test(text)) return text;
  let out = "";
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string, honouring escapes.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) { i++; break; }
        else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      const literal = text.slice(start, i);
      if (/^-?\d{16,}$/.test(literal)) {
        out += text.slice(last, start) + `"${literal}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}
