// Global setup of the 'cli' project (vitest.config.ts): the tests that spawn bin/tarmac.js need dist/ (src/ compiled
// by build/compile-dist.ts, the CLI bundle in dist/bundle and the web console in dist/web) built from the current
// source. It builds with the same steps as `npm run build`, but only when dist/ may be stale: a stamp records the hash
// of what the last build here was made from (src/, the console's sources, the tsconfigs, the build scripts and
// package-lock.json, since the bundle holds the dependencies), and any later build by other means (another branch, a
// bare tsc) makes dist/ newer than the stamp, which forces a rebuild. A lock keeps two vitest processes on one
// checkout from building at once. `npm run build` ends by running this file with --record, which stamps the build it
// just made, so the tests do not build the same dist/ again right after `npm install`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleCli } from '../../build/bundle-cli.js';
import { compileDist } from '../../build/compile-dist.js';
import { withFileLock } from './file-lock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STAMP = path.join(ROOT, 'node_modules/.cache/tarmac-tests/dist-source.sha256');
const LOCK = path.join(ROOT, 'node_modules/.cache/tarmac-tests/build.lock');
/** What compile-dist writes and what the bundler makes of it (build/bundle-cli.ts): both must be older than the stamp. */
const ENTRIES = [path.join(ROOT, 'dist/cli/main.js'), path.join(ROOT, 'dist/bundle/main.js')];

export default async function setup(): Promise<void> {
  await ensureDistBuilt();
}

/** Builds dist/ unless it was built here from exactly the current source and nothing rebuilt it since. */
export async function ensureDistBuilt(): Promise<void> {
  if (upToDate(sourceHash())) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  await withFileLock(LOCK, async () => {
    const hash = sourceHash(); // taken before the build: a source edited during it makes the next run rebuild
    if (upToDate(hash)) return; // another process built it while this one waited
    rmSync(STAMP, { force: true });
    const started = performance.now();
    await compileDist();
    await bundleCli(); // what bin/tarmac.js runs
    // The web console (dist/web), which `tarmac serve` serves and the browser tests drive.
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT });
    writeFileSync(STAMP, `${hash}\n`);
    console.log(`built dist/ for the CLI tests in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

/** Stamps dist/ as built from the current source (what `npm run build` just did). */
export function recordBuild(): void {
  mkdirSync(path.dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${sourceHash()}\n`);
}

/** Whether dist/ was built here from the current source, with no other build since. */
export function distUpToDate(): boolean {
  return upToDate(sourceHash());
}

function upToDate(hash: string): boolean {
  try {
    const stamped = statSync(STAMP).mtimeMs;
    return readFileSync(STAMP, 'utf8').trim() === hash && ENTRIES.every((entry) => statSync(entry).mtimeMs <= stamped);
  } catch {
    return false; // no stamp or no dist/
  }
}

/** SHA-256 over every file under src/ and the console's sources (path and bytes), the tsconfigs, the build scripts and package-lock.json. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (file: string): void => {
    hash.update(`${path.relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) add(full);
    }
  };
  walk(path.join(ROOT, 'src'));
  add(path.join(ROOT, 'build/compile-dist.ts'));
  add(path.join(ROOT, 'build/bundle-cli.ts'));
  add(path.join(ROOT, 'package-lock.json')); // the bundle holds the dependencies
  walk(path.join(ROOT, 'web/src'));
  walk(path.join(ROOT, 'web/public'));
  add(path.join(ROOT, 'web/index.html'));
  add(path.join(ROOT, 'web/vite.config.ts'));
  add(path.join(ROOT, 'tsconfig.json'));
  add(path.join(ROOT, 'tsconfig.build.json'));
  return hash.digest('hex');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--record')) {
  recordBuild();
}
