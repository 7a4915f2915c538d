// Databases that start migrated, holding a token signing key and a few tenants (each with its first app), copied
// from a template made once per run instead of built per test: migrating, scrypt-hashing the apps' secrets and
// generating an RSA key cost about a second a test on the shared 2-core machine.
//
// The first test that asks for a template builds it under a lock (other workers wait, then reuse it) in the run's
// directory that templates-setup.ts provides. SQLite: a closed, checkpointed tarmac.db, copied per test.
// PostgreSQL: a database, copied per test with CREATE DATABASE … TEMPLATE and dropped by cleanup(). Without that
// directory (a project without the setup), or with TARMAC_TEST_TEMPLATES=off, each database is built the old way.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { SQLITE_FILE_NAME, createTenantsStore, migrateToLatest, openDatabase, type Db } from '../../src/store/index.js';
import { createTenant, type CreatedTenant } from '../../src/tenants/index.js';
import { generateSigningKey } from '../../src/tokens/index.js';
import { withFileLock } from './file-lock.js';
import {
  createPostgresScratch,
  createPostgresTestDatabaseFrom,
  createSqliteTestDatabaseFrom,
  createTestDatabase,
  withoutCommitWait,
  type TestDatabase,
  type TestEngine,
} from './test-databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's directory of database templates (templates-setup.ts). */
    testTemplatesDir: string;
  }
}

export interface SeededTestDatabase {
  tdb: TestDatabase;
  /** One per domain asked for, in that order: the tenant, its first app (default roles) and the app's secret. */
  tenants: CreatedTenant[];
}

interface Template {
  engine: TestEngine;
  /** SQLite: the template file. */
  file?: string;
  /** PostgreSQL: the template database. */
  database?: string;
  tenants: CreatedTenant[];
}

/**
 * A migrated database with a signing key and a tenant for each of `domains` (created as createTenant does with just
 * the domain: display name from the domain, default roles). Its `cleanup()` removes it.
 */
export async function createSeededTestDatabase(engine: TestEngine, domains: readonly string[]): Promise<SeededTestDatabase> {
  return fromTemplate(engine, { domains, signingKey: true });
}

/** A migrated, empty database (no tenants, no signing key). Its `cleanup()` removes it. */
export async function createMigratedTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  return (await fromTemplate(engine, { domains: [], signingKey: false })).tdb;
}

interface Seed {
  domains: readonly string[];
  signingKey: boolean;
}

async function fromTemplate(engine: TestEngine, seed: Seed): Promise<SeededTestDatabase> {
  const dir = inject('testTemplatesDir') as string | undefined;
  if (!dir || process.env.TARMAC_TEST_TEMPLATES === 'off') return seedFresh(engine, seed);
  const template = await ensureTemplate(dir, engine, seed);
  const tdb = template.file ? await createSqliteTestDatabaseFrom(template.file) : await createPostgresTestDatabaseFrom(template.database ?? '');
  return { tdb, tenants: structuredClone(template.tenants) };
}

/** The PostgreSQL template databases made in `dir` (templates-setup.ts drops them when the run ends). */
export function postgresTemplates(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('postgres-') && f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Template).database ?? '')
    .filter((name) => name !== '');
}

const building = new Map<string, Promise<Template>>();

function ensureTemplate(dir: string, engine: TestEngine, seed: Seed): Promise<Template> {
  const key = `${engine}-${createHash('sha256').update(JSON.stringify(seed)).digest('hex').slice(0, 16)}`;
  let pending = building.get(key);
  if (!pending) {
    const meta = path.join(dir, `${key}.json`);
    const read = (): Template => JSON.parse(readFileSync(meta, 'utf8')) as Template;
    pending = existsSync(meta)
      ? Promise.resolve(read())
      : withFileLock(path.join(dir, `${key}.lock`), async () => {
          if (existsSync(meta)) return read(); // another worker built it while this one waited
          const template = await buildTemplate(dir, key, engine, seed);
          writeFileSync(`${meta}.tmp`, JSON.stringify(template));
          renameSync(`${meta}.tmp`, meta);
          return template;
        });
    building.set(key, pending);
    pending.catch(() => building.delete(key));
  }
  return pending;
}

async function buildTemplate(dir: string, key: string, engine: TestEngine, seed: Seed): Promise<Template> {
  if (engine === 'sqlite') {
    const dataDir = path.join(dir, key);
    const db = await openDatabase({ dataDir });
    try {
      const tenants = await migrateAndSeed(db, seed);
      // Everything into the main file, so that copying tarmac.db alone copies the whole database.
      await sql`pragma wal_checkpoint(truncate)`.execute(db);
      return { engine, file: path.join(dataDir, SQLITE_FILE_NAME), tenants };
    } finally {
      await db.destroy();
    }
  }
  const scratch = await createPostgresScratch();
  try {
    await withoutCommitWait(scratch.name);
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: scratch.url });
    try {
      return { engine, database: scratch.name, tenants: await migrateAndSeed(db, seed) };
    } finally {
      await db.destroy(); // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template
    }
  } catch (err) {
    await scratch.drop();
    throw err;
  }
}

async function migrateAndSeed(db: Db, seed: Seed): Promise<CreatedTenant[]> {
  await migrateToLatest(db);
  const store = createTenantsStore(db);
  const tenants: CreatedTenant[] = [];
  for (const domain of seed.domains) tenants.push(await createTenant(store, { domain }));
  if (seed.signingKey) await store.signingKeys.insert(await generateSigningKey());
  return tenants;
}

/** Without a templates directory: a fresh database, migrated and seeded here (the app makes its key on first use). */
async function seedFresh(engine: TestEngine, seed: Seed): Promise<SeededTestDatabase> {
  const tdb = await createTestDatabase(engine);
  try {
    return { tdb, tenants: await migrateAndSeed(tdb.db, { ...seed, signingKey: false }) };
  } catch (err) {
    await tdb.cleanup();
    throw err;
  }
}
