// dist/ from src/: every .ts file transpiled to JavaScript on its own by esbuild, with its source map, where tsc
// would write it (src/a/b.ts → dist/a/b.js; tsconfig.build.json's rootDir and outDir). Run by `npm run build`, before
// build/bundle-cli.ts bundles the CLI out of it.
//
// Why not tsc: tsc checks every type before it writes a file, ~15 s of one core on each `npm install` and each
// stale-dist rebuild in the tests, and `npm run typecheck` checks the same files again (CI runs it before the tests).
// Transpiling file by file is exact here: tsconfig.json sets isolatedModules and verbatimModuleSyntax, which make tsc
// refuse whatever a single-file transpiler could get wrong (const enums across files, type-only imports kept as
// values), and esbuild reads the same tsconfig (target, class fields).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The TypeScript sources under src/, as paths relative to the package root. */
function sources(): string[] {
  return readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join('src', file))
    .sort();
}

export async function compileDist(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: sources(),
    outdir: 'dist',
    outbase: 'src',
    tsconfig: 'tsconfig.build.json',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await compileDist();
}
