/**
 * The import graph of server/ and shared/: no circles, and imports run one way down the
 * layers docs/architecture.md draws — app → handlers → transport → services → store →
 * auth, config → domain, observability → shared. A file may import its own layer, never
 * one above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Lower numbers are lower layers. */
const LAYERS: [prefix: string, rank: number][] = [
  ['shared/', 0],
  ['server/domain/', 1],
  ['server/observability/', 1],
  ['server/crash-policy.ts', 1],
  ['server/config', 2],
  ['server/auth/', 2],
  ['server/store/', 3],
  ['server/services/', 4],
  ['server/transport/', 5],
  ['server/handlers/', 6],
  ['server/cli/', 7],
  ['server/app.ts', 8],
  ['server/app-types.ts', 8],
  ['server/shutdown.ts', 8],
  ['server/main.ts', 9],
];

function rankOf(file: string): number {
  const layer = LAYERS.find(([prefix]) => file.startsWith(prefix));
  if (!layer) throw new Error(`${file} is in no layer: add it to LAYERS`);
  return layer[1];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'dist' || entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each file's relative imports (static, dynamic and type-only), as repository paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = [...sourceFiles('server'), ...sourceFiles('shared')];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
      relative(ROOT, resolve(ROOT, dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'))),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the import graph', () => {
  const graph = importGraph();

  it('reads every source file of server/ and shared/', () => {
    expect(graph.size).toBeGreaterThan(150);
  });

  it('has no circles', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('runs one way: no file imports a layer above its own', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => graph.has(t) && rankOf(t) > rankOf(file)).map((t) => `${file} → ${t}`),
    );
    expect(upward).toEqual([]);
  });
});
