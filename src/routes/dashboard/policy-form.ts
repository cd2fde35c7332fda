/**
 * The policy as an HTML form and back: every scalar becomes a field named by its dotted path
 * ("delay_alert.stallHours"), string lists become comma-separated fields. Values are read back
 * with the current policy as the type reference; zod (parsePolicy) has the final word.
 */
import { DECISION_MODES } from "../../decisions/policy";

export type FieldKind = "number" | "boolean" | "mode" | "text" | "list";

export interface PolicyField {
  path: string;
  label: string;
  kind: FieldKind;
  value: string;
  nullable: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "stallHours" → "stall hours", "highLtvPaise" → "high ltv paise". */
function humanise(key: string): string {
  return key.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/** The editable fields of one section, depth-first. Arrays of objects (post-delivery steps) are left to the JSON API. */
export function fieldsOf(value: unknown, prefix: string, labelPrefix = ""): PolicyField[] {
  if (!isPlainObject(value)) return [];
  const out: PolicyField[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const label = `${labelPrefix}${humanise(key)}`;
    if (typeof v === "number") out.push({ path, label, kind: "number", value: String(v), nullable: false });
    else if (typeof v === "boolean") out.push({ path, label, kind: "boolean", value: String(v), nullable: false });
    else if (key === "mode" && typeof v === "string" && (DECISION_MODES as readonly string[]).includes(v)) out.push({ path, label, kind: "mode", value: v, nullable: false });
    else if (typeof v === "string" || v === null) out.push({ path, label, kind: "text", value: v ?? "", nullable: v === null });
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out.push({ path, label, kind: "list", value: v.join(", "), nullable: false });
    else if (isPlainObject(v)) out.push(...fieldsOf(v, path, `${label} · `));
  }
  return out;
}

/** A form value typed like the current value: numbers that do not parse stay strings so zod names the field. */
function readValue(field: PolicyField, raw: string): unknown {
  const s = raw.trim();
  switch (field.kind) {
    case "number":
      return s !== "" && Number.isFinite(Number(s)) ? Number(s) : s;
    case "boolean":
      return s === "true" ? true : s === "false" ? false : s;
    case "list":
      return s.split(",").map((x) => x.trim()).filter(Boolean);
    case "mode":
      return s;
    case "text":
      return s === "" && field.nullable ? null : raw;
  }
}

/** The patch a submitted form means: only fields present in the form, nested by path. */
export function patchFromForm(fields: PolicyField[], form: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form[field.path];
    if (typeof raw !== "string") continue;
    const keys = field.path.split(".");
    let node = patch;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]!] = readValue(field, raw);
  }
  return patch;
}
