/** A small CSV reader for the bring-your-own-history commands: RFC 4180 quoting, header by name, errors naming the line. */

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Splits one CSV record (no embedded newlines) into fields; double quotes quote, "" escapes a quote. */
export function splitCsvLine(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new CsvError(lineNo, "unterminated quoted field");
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ",") throw new CsvError(lineNo, "text after a closing quote");
      i++;
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, comma).trim());
      i = comma + 1;
    }
  }
}

/**
 * Rows of a CSV text as records keyed by the `required` column names (header row first, any
 * column order, extra columns ignored). Blank lines are skipped. `onRow` sees each row with its
 * 1-based line number and returns the parsed value (throw CsvError to reject it).
 */
export function readCsv<T>(text: string, required: readonly string[], onRow: (row: Record<string, string>, line: number) => T, onProgress?: (lines: number) => void): T[] {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== "");
  if (headerAt < 0) throw new CsvError(1, `empty file: expected a header ${required.join(",")}`);
  const header = splitCsvLine(lines[headerAt]!.replace(/^\uFEFF/, ""), headerAt + 1).map((h) => h.trim().toLowerCase());
  const index = required.map((name) => header.indexOf(name));
  const missing = required.filter((_, k) => index[k]! < 0);
  if (missing.length) throw new CsvError(headerAt + 1, `header is missing ${missing.join(", ")} (expected columns ${required.join(",")})`);
  const out: T[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const fields = splitCsvLine(raw, i + 1);
    const row: Record<string, string> = {};
    for (const [k, name] of required.entries()) {
      const v = fields[index[k]!];
      if (v === undefined) throw new CsvError(i + 1, `has ${fields.length} fields, ${name} is missing`);
      row[name] = v;
    }
    out.push(onRow(row, i + 1));
    if (onProgress && (i - headerAt) % 200_000 === 0) onProgress(i - headerAt);
  }
  return out;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO-8601 date (UTC midnight) or date-time (UTC unless it carries an offset); null when not one. */
export function parseIsoDate(value: string): number | null {
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), frac ? Math.round(Number(frac) * 1000) : 0);
  const check = new Date(base);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return null;
  if (!zone || zone === "Z") return base;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return base - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** A CSV field for output: quoted when it holds a comma, quote or newline. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
