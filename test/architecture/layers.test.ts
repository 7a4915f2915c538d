// The layers hold: ESLint refuses domain code that imports HTTP or SQL (and HTTP code that imports SQL), and no
// module of src/ imports itself through others, type-only imports included.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function lintAs(file: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('ESLint enforces the layers', () => {
  it('refuses SQL and HTTP packages in domain code, type-only imports included', async () => {
    expect(await lintAs('src/registry/leak.ts', "import { sql } from 'kysely';\nexport const q = sql`select 1`;\n")).toEqual([
      expect.stringContaining('Domain code knows neither SQL nor HTTP'),
    ]);
    expect(await lintAs('src/oobe/leak.ts', "import type { FastifyRequest } from 'fastify';\nexport type R = FastifyRequest;\n")).toHaveLength(1);
    expect(await lintAs('src/lifecycle/leak.ts', "import type { Pool } from 'pg';\nexport type P = Pool;\n")).toHaveLength(1);
  });

  it('refuses src/http and src/store in domain code', async () => {
    expect(await lintAs('src/profiles/leak.ts', "import type { TarmacApp } from '../http/types.js';\nexport type A = TarmacApp;\n")).toEqual([
      expect.stringContaining('may not import src/http or src/store'),
    ]);
    expect(await lintAs('src/directory/leak.ts', "import { createStore } from '../store/index.js';\nexport const c = createStore;\n")).toHaveLength(1);
  });

  it('refuses SQL in src/http, and lets it use the domains and the store’s models', async () => {
    expect(await lintAs('src/http/routes/leak.ts', "import { sql } from 'kysely';\nexport const q = sql`select 1`;\n")).toEqual([
      expect.stringContaining('src/http reads and writes through the domains’ ports'),
    ]);
    expect(await lintAs('src/http/routes/fine.ts', "import { autopilotDeviceModel } from '../../store/index.js';\nexport const m = autopilotDeviceModel;\n")).toEqual([]);
  });
});

/** Every relative import (static, type-only, re-export or dynamic) of each .ts file under src/, resolved to files. */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'src'));
  const graph = new Map<string, string[]>();
  const specifier = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(specifier)) {
      const target = path.resolve(path.dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
      if (files.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one module (or a self-import): Tarjan's algorithm. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(ROOT, w));
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return out;
}

describe('src/ has no import cycles', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('none among the modules of src/, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(150);
    expect(cycles(graph)).toEqual([]);
  });
});
