// The CLI as `bin/tarmac.js` runs it: esbuild bundles the compiled dist/ (dist/cli/main.js and what it imports, the
// dependencies included) into dist/bundle/, one file per command's entry and shared chunks. Every command loads a
// few files instead of ~430 (kysely alone is 263): a command such as `tarmac tenant list` started in 0.55 s of wall
// time and 0.68 s of CPU, and starts in 0.28 s and 0.29 s. Run by `npm run build`, after build/compile-dist.ts.
//
// What stays outside the bundle, loaded from node_modules at run time:
// - better-sqlite3: a native addon, found through its package directory;
// - @fastify/swagger and @fastify/swagger-ui: they read files from their package directories (swagger-ui's static
//   files; swagger's package.json);
// - pg-native: pg's optional native client, which Tarmac never uses (pg requires it only when asked to).
// The bundle sits two levels under the package (dist/bundle), like dist/http; files that ship beside the code are
// found from src/package-root.ts. validate-worker (tarmac csv validate's threads) is an entry of its own, because
// the pool starts it by its file name next to the module that starts it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const BUNDLE_DIR = path.join(ROOT, 'dist/bundle');

export async function bundleCli(): Promise<void> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true }); // chunk names change with their content: no stale ones left
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'dist/cli/main.js', 'validate-worker': 'dist/csv/node/validate-worker.js' },
    outdir: BUNDLE_DIR,
    chunkNames: '[name]-[hash]', // beside the entries: validate-worker is found next to the chunk that starts it
    bundle: true,
    splitting: true, // each command's modules load only when it runs (src/cli/main.ts imports them lazily)
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', '@fastify/swagger', '@fastify/swagger-ui', 'pg-native'],
    // CommonJS dependencies bundled into ES modules still call require() (Node's built-ins, the externals above).
    banner: { js: "import { createRequire as __tarmacRequire } from 'node:module'; const require = __tarmacRequire(import.meta.url);" },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli();
}
