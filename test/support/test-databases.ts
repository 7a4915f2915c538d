// Throwaway databases for tests, on both engines, in the style of Backstage's TestDatabases: every call gives a new,
// empty database, and `cleanup()` removes it (the SQLite temp directory, or the PostgreSQL database).
//
// PostgreSQL: each test file (each vitest run of it) gets its own database `tarmac_t_<unix seconds>_<random>`,
// created through the maintenance database (TARMAC_TEST_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/test) and dropped WITH (FORCE) by `dropPostgresFileDatabase()` in afterAll;
// each test inside it gets its own schema (`search_path` in the URL's `options`). CREATE DATABASE costs ~0.4 s
// here, CREATE SCHEMA a few ms. Schemas go with the database at the end rather than one by one: tests run
// concurrently, and Kysely's introspection (which its Migrator uses) reads the catalogs of every schema, so a
// schema dropped under it fails another test's migration. Databases left by a killed run are swept on the next
// run once they are an hour old (the name carries the time).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SQLITE_FILE_NAME, openDatabase, type Db } from '../../src/store/index.js';

export type TestEngine = 'sqlite' | 'postgres';

/**
 * The engines this run's tests use: both, unless TARMAC_TEST_ENGINES names fewer (comma-separated). .ci/run's
 * Node 24 pass sets `sqlite`: what PostgreSQL does with Tarmac's SQL is the same whichever Node sends it, and Node 20's
 * pass tests it in full. test/e2e/lifecycle-scenario.test.ts runs on both engines regardless: Node 24 still drives
 * the pg driver through the real server there.
 */
export const TEST_ENGINES: readonly TestEngine[] = testEngines(process.env.TARMAC_TEST_ENGINES);

function testEngines(setting: string | undefined): TestEngine[] {
  if (setting === undefined || setting.trim() === '') return ['sqlite', 'postgres'];
  const names = setting.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => name !== 'sqlite' && name !== 'postgres');
  if (unknown.length > 0) throw new Error(`TARMAC_TEST_ENGINES=${setting}: expected sqlite, postgres or both, comma-separated`);
  return [...new Set(names as TestEngine[])];
}

export interface TestDatabase {
  engine: TestEngine;
  db: Db;
  /** What to put in the config to open the same database again (another process, the CLI). */
  settings: { dataDir: string; databaseUrl: string | undefined };
  cleanup(): Promise<void>;
}

/**
 * The key-encryption key test servers on PostgreSQL use (outside the demo setup a server needs one:
 * src/tokens/key-encryption.ts). SQLite test servers make their own in their data directory, as the demo does.
 */
export const TEST_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** `env` plus TEST_KEY_ENCRYPTION_KEY when it points at PostgreSQL and names no key of its own. */
export function withTestKeyEncryptionKey<T extends Record<string, string | undefined>>(env: T): T {
  if (env.TARMAC_DATABASE_URL === undefined || env.TARMAC_KEY_ENCRYPTION_KEY !== undefined || env.TARMAC_KEY_ENCRYPTION_KEY_FILE !== undefined) return env;
  return { ...env, TARMAC_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY };
}

export const POSTGRES_ADMIN_URL = process.env.TARMAC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PREFIX = 'tarmac_t_';

const STALE_AFTER_SECONDS = 3600;

export async function createTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  return engine === 'sqlite' ? createSqliteTestDatabase() : createPostgresTestDatabase();
}

/** A new, empty temp directory for a SQLite database; `prefix` names it (leftovers say where they came from). */
export function createSqliteScratchDir(prefix = 'tarmac-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A new SQLite database that starts as a copy of `templateFile` (a closed, checkpointed tarmac.db: see templates.ts). */
export async function createSqliteTestDatabaseFrom(templateFile: string): Promise<TestDatabase> {
  return createSqliteTestDatabase((dataDir) => copyFileSync(templateFile, join(dataDir, SQLITE_FILE_NAME)));
}

export async function createSqliteTestDatabase(fill?: (dataDir: string) => void): Promise<TestDatabase> {
  const dataDir = createSqliteScratchDir();
  let db: Db;
  try {
    fill?.(dataDir);
    db = await openDatabase({ dataDir });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    engine: 'sqlite',
    db,
    settings: { dataDir, databaseUrl: undefined },
    async cleanup() {
      try {
        await db.destroy();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export interface PostgresScratch {
  name: string;
  url: string;
  /** Removes the database even if connections remain. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL database `<prefix><unix seconds>_<random>` and its URL. The tests' default prefix also
 * sweeps databases a killed run left behind; the benchmarks pass their own server and prefix (bench/scratch.ts).
 */
export async function createPostgresScratch(options: { adminUrl?: string; prefix?: string } = {}): Promise<PostgresScratch> {
  const adminUrl = options.adminUrl ?? POSTGRES_ADMIN_URL;
  const prefix = options.prefix ?? PREFIX;
  if (prefix === PREFIX && adminUrl === POSTGRES_ADMIN_URL) await sweepStaleDatabases();
  const name = `${prefix}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`), adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`drop database if exists ${name} with (force)`), adminUrl).then(() => undefined),
  };
}

let fileDatabase: Promise<PostgresScratch> | undefined;

/** Drops this test file's PostgreSQL database, if one was made. Call in afterAll. */
export async function dropPostgresFileDatabase(): Promise<void> {
  const pending = fileDatabase;
  fileDatabase = undefined;
  if (pending) await (await pending).drop();
}

/**
 * A fresh schema in this file's PostgreSQL database; the URL selects it through `options=-c search_path=…`.
 * Call dropPostgresFileDatabase() in afterAll.
 */
export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  fileDatabase ??= createPostgresScratch().then(async (scratch) => (await withoutCommitWait(scratch.name), scratch));
  const base = await fileDatabase;
  const schema = `s_${randomBytes(6).toString('hex')}`;
  const url = new URL(base.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const admin = new pg.Client({ connectionString: base.url });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  // The schema itself goes with the file's database (see above): cleanup only closes the connections.
  return openPostgresTestDatabase(url, dropPostgresFileDatabase, async () => {});
}

/** Opens the PostgreSQL test database at `url`; `onFailure` undoes its making if it cannot be opened, `discard` runs at cleanup(). */
async function openPostgresTestDatabase(url: URL, onFailure: () => Promise<void>, discard: () => Promise<void>): Promise<TestDatabase> {
  let db: Db;
  try {
    db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: url.toString() });
  } catch (err) {
    await onFailure();
    throw err;
  }
  return {
    engine: 'postgres',
    db,
    settings: { dataDir: '/nonexistent', databaseUrl: url.toString() },
    async cleanup() {
      try {
        await db.destroy();
      } finally {
        await discard();
      }
    },
  };
}

/**
 * A new PostgreSQL database copied from the database `template` (CREATE DATABASE … TEMPLATE, about half the time of
 * migrating a fresh schema here), dropped by `cleanup()`. Nothing may be connected to the template meanwhile.
 */
export async function createPostgresTestDatabaseFrom(template: string): Promise<TestDatabase> {
  await sweepStaleDatabases();
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name} template ${template}`));
  await withoutCommitWait(name); // a database setting, which CREATE DATABASE … TEMPLATE does not copy
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = () => withAdmin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined);
  return openPostgresTestDatabase(url, drop, drop);
}

/**
 * Connections to test database `name` commit without waiting for the WAL flush: a throwaway database needs no
 * durability, and tests commit often (every migration, every write). Other sessions still see each commit at once.
 */
export async function withoutCommitWait(name: string): Promise<void> {
  await withAdmin((client) => client.query(`alter database ${name} set synchronous_commit = off`));
}

/** Runs `work` on a connection to the maintenance database at `adminUrl`. */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>, adminUrl = POSTGRES_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `The PostgreSQL storage tests need a server at ${adminUrl} (set TARMAC_TEST_POSTGRES_URL to use another); ` +
        `start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start. (${(err as Error).message})`,
      { cause: err },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

let swept: Promise<void> | undefined;

/** Once per process: drop tarmac_t_* databases older than an hour (left by a killed run). */
function sweepStaleDatabases(): Promise<void> {
  swept ??= withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like '${PREFIX}%'`);
    const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_SECONDS;
    for (const { datname } of rows) {
      const m = /^tarmac_t_(\d+)_[0-9a-f]+$/.exec(datname);
      if (m && Number(m[1]) < cutoff) await client.query(`drop database if exists ${datname} with (force)`);
    }
  });
  return swept;
}
