// `node --import tsx --import ./bench/sqlite-drivers/use-driver.ts …` runs Tarmac (and the benches) on another SQLite
// driver without changing src/: every import of `better-sqlite3` is resolved to the driver BENCH_SQLITE_DRIVER names —
//   node:sqlite        Node's built-in SQLite through node-sqlite-database.ts (Node >= 24 for the hook API);
//   <directory>        another better-sqlite3 build, e.g. /tmp/bs13/node_modules/better-sqlite3 (npm install there);
//   unset or "better-sqlite3": the project's own, unchanged.
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}
type Resolve = (specifier: string, context: unknown, next: (specifier: string, context: unknown) => ResolveResult) => ResolveResult;
const { registerHooks } = module as unknown as { registerHooks?: (hooks: { resolve: Resolve }) => void };

const driver = process.env.BENCH_SQLITE_DRIVER ?? 'better-sqlite3';
if (driver !== 'better-sqlite3') {
  if (!registerHooks) throw new Error(`BENCH_SQLITE_DRIVER needs module.registerHooks (Node >= 22.15); this is ${process.version}`);
  const url =
    driver === 'node:sqlite'
      ? new URL('./node-sqlite-database.ts', import.meta.url).href
      : pathToFileURL(module.createRequire(path.join(path.resolve(driver), 'package.json')).resolve(path.resolve(driver))).href;
  registerHooks({
    resolve: (specifier, context, next) => (specifier === 'better-sqlite3' ? { url, shortCircuit: true } : next(specifier, context)),
  });
}
