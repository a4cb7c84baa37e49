// The module graph, checked statically: the server may import the app but never the other way round (the
// browser bundle must not reach server code), the browser-side realtime modules import server-only modules
// for their types only, and no two modules import each other, however indirectly.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = process.cwd();
const SOURCE_DIRS = ["app", "server"];


interface Edge {
  /** The imported module, relative to the repository root (no extension when it is not one of ours). */
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [relative] : [];
  });
}

const files = SOURCE_DIRS.flatMap(sourceFiles);
const known = new Set(files);

// `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`; group 1 marks `import type`/`export type`.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function resolve(from: string, specifier: string): string | null {
  const clean = specifier.split("?")[0];
  let base: string;
  if (clean.startsWith("~/")) base = path.posix.join("app", clean.slice(2));
  else if (clean.startsWith(".")) base = path.posix.join(path.posix.dirname(from), clean);
  else return null; // a package
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((candidate) => known.has(candidate)) ?? base;
}

function importsOf(file: string): Edge[] {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [...source.matchAll(SPECIFIER)].flatMap((match) => {
    const target = resolve(file, match[2] ?? match[3]);
    return target ? [{ target, typeOnly: Boolean(match[1]) }] : [];
  });
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));


/** Strongly connected components with more than one module (or a module importing itself), type imports included. */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const { target } of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (target === file) found.push([file]);
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("the import graph", () => {
  it("finds the modules it checks", () => {
    expect(files).toContain("app/realtime/protocol.ts");
    expect(files).toContain("server/socket/auth.ts");
    expect(graph.get("server/socket/types.ts")?.map((edge) => edge.target)).toContain("app/realtime/protocol.ts");
  });

  it("has no import from app/ into server/", () => {
    const upward = [...graph].flatMap(([file, edges]) =>
      file.startsWith("app/") ? edges.filter((edge) => edge.target.startsWith("server/")).map((edge) => `${file} -> ${edge.target}`) : [],
    );
    expect(upward).toEqual([]);
  });

  it("lets the browser-side realtime modules import server-only modules for types only", () => {
    const runtime = [...graph].flatMap(([file, edges]) =>
      file.startsWith("app/realtime/") ? edges.filter((edge) => edge.target.includes(".server") && !edge.typeOnly).map((edge) => `${file} -> ${edge.target}`) : [],
    );
    expect(runtime).toEqual([]);
  });

  it("has no cycles", () => {
    expect(cycles()).toEqual([]);
  });

});
