/**
 * The house rules, checked on the source itself: folders by the path an event takes, no import
 * from a lower layer to a higher one, no two folders importing each other, every SQL statement in
 * src/db/, every vendor call in src/connectors/, queue and cron names as wrangler.toml declares them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import bindings from "../../src/bindings.json";

const SRC = path.resolve(__dirname, "../../src");

/** Higher layers may import lower ones, never the reverse (docs/architecture.md has the picture). */
const LAYER: Record<string, number> = {
  "worker.ts": 3, routes: 3, queues: 3,
  pipeline: 2, jobs: 2,
  "durable-objects": 1, decisions: 1, connectors: 1, db: 1,
  canonical: 0, messages: 0, lib: 0, "bindings.ts": 0, "bindings.json": 0,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

const files = sourceFiles(SRC);
const edges: { from: string; to: string; file: string; spec: string }[] = [];
for (const file of files) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = path.resolve(path.dirname(file), m[1]!);
    const to = path.relative(SRC, target).split(path.sep)[0]!;
    const from = folderOf(file);
    if (from !== to) edges.push({ from, to: LAYER[to] === undefined && LAYER[`${to}.ts`] !== undefined ? `${to}.ts` : to, file: path.relative(SRC, file), spec: m[1]! });
  }
}

describe("the house", () => {
  it("knows the layer of every top-level folder and file", () => {
    const unknown = [...new Set(files.map(folderOf))].filter((f) => LAYER[f] === undefined);
    expect(unknown).toEqual([]);
  });

  it("has no import from a lower layer to a higher one", () => {
    const upward = edges.filter((e) => LAYER[e.to]! > LAYER[e.from]!).map((e) => `${e.file} → ${e.spec}`);
    expect(upward).toEqual([]);
  });

  it("has no two folders importing each other", () => {
    const pairs = new Set(edges.map((e) => `${e.from}>${e.to}`));
    const mutual = [...pairs].filter((p) => pairs.has(p.split(">").reverse().join(">"))).sort();
    expect(mutual).toEqual([]);
  });

  it("keeps every SQL statement in src/db/", () => {
    const outside = files.filter((f) => folderOf(f) !== "db" && /\.prepare\(/.test(readFileSync(f, "utf8"))).map((f) => path.relative(SRC, f));
    expect(outside).toEqual([]);
  });

  it("makes every outbound vendor call from src/connectors/", () => {
    const outside = files
      .filter((f) => folderOf(f) !== "connectors" && /(^|[^.\w])fetch\(\s*(`https?:|"https?:|new Request)|new Request\(\s*`https?:/m.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(SRC, f));
    expect(outside).toEqual([]);
  });

  it("names queues and crons exactly as wrangler.toml declares them", () => {
    const toml = readFileSync(path.resolve(__dirname, "../../wrangler.toml"), "utf8");
    const consumers = [...toml.matchAll(/\[\[queues\.consumers\]\]\s*\nqueue = "([^"]+)"/g)].map((m) => m[1]).sort();
    expect(consumers).toEqual(Object.values(bindings.queues).sort());
    const crons = JSON.parse(/^crons = (\[.*\])$/m.exec(toml)![1]!) as string[];
    expect(crons.sort()).toEqual(Object.values(bindings.crons).sort());
  });
});
