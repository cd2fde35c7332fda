/** Random edits to JSON trees for fuzzing: delete a key, or put another value (of any type) in its place. */
import fc from "fast-check";

export const mutation = fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), op: fc.constantFrom("delete", "replace"), value: fc.jsonValue({ maxDepth: 2 }) });

export function mutate(value: unknown, path: number[], op: string, replacement: unknown): unknown {
  if (value === null || typeof value !== "object") return replacement;
  const clone: any = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(clone);
  if (keys.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  if (path.length === 1) {
    if (op === "delete") Array.isArray(clone) ? clone.splice(Number(key), 1) : delete clone[key];
    else clone[key] = replacement;
  } else {
    clone[key] = mutate(clone[key], path.slice(1), op, replacement);
  }
  return clone;
}
