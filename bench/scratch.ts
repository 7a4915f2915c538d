// Fresh databases and a listening app for benchmarks: a temp SQLite directory, or a new PostgreSQL database on the loopback server
// (dropped afterwards). Benchmarks stay on this machine: a non-loopback PostgreSQL URL is skipped, not used.
import { rmSync } from 'node:fs';
import { loadConfig, type TarmacConfig } from '../src/config.js';
import type { TarmacApp } from '../src/http/types.js';
import { createTenantsStore, migrateToLatest, openDatabase, type DatabaseOptions, type Db, type Engine } from '../src/store/index.js';
import { createTenant, type CreatedTenant } from '../src/tenants/index.js';
import { createPostgresScratch, createSqliteScratchDir, withAdmin } from '../test/support/test-databases.js';

export const POSTGRES_URL = process.env.TARMAC_BENCH_POSTGRES_URL ?? process.env.TARMAC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Rows per multi-row INSERT when a bench writes rows raw (seeding, baselines): the registry store's chunk. */
export const RAW_CHUNK = 500;
/** Devices per transaction of those raw writes. */
export const RAW_TRANSACTION = 5000;

export interface Scratch {
  settings: { dataDir: string; databaseUrl: string | undefined };
  drop(): Promise<void>;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

// The databases themselves come from the tests' factory (test/support/test-databases.ts), named for the benchmark.

/** `label` names the temp directory or database (tarmac-bench-<label>-…), so leftovers say where they came from. */
export function sqliteScratch(label: string): Scratch {
  const dataDir = createSqliteScratchDir(`tarmac-bench-${label}-`);
  return { settings: { dataDir, databaseUrl: undefined }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export async function postgresScratch(label: string): Promise<Scratch> {
  const scratch = await createPostgresScratch({ adminUrl: POSTGRES_URL, prefix: `tarmac_bench_${label}_` });
  return { settings: { dataDir: '/nonexistent', databaseUrl: scratch.url }, drop: scratch.drop };
}

export async function scratchFor(engine: Engine, label: string): Promise<Scratch> {
  return engine === 'sqlite' ? sqliteScratch(label) : postgresScratch(label);
}

/** The settings that point Tarmac at the scratch database (TARMAC_DATA_DIR, and TARMAC_DATABASE_URL on PostgreSQL). */
export function scratchEnv(scratch: Scratch): Record<string, string> {
  return {
    TARMAC_DATA_DIR: scratch.settings.dataDir,
    // PostgreSQL is not the demo setup: a server there needs a key-encryption key (any fixed one does for a bench).
    ...(scratch.settings.databaseUrl
      ? { TARMAC_DATABASE_URL: scratch.settings.databaseUrl, TARMAC_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }
      : {}),
  };
}

/** The configuration of an app on the scratch database, listening on an ephemeral loopback port. */
export function scratchAppConfig(scratch: Scratch): TarmacConfig {
  return loadConfig({ ...scratchEnv(scratch), TARMAC_HOST: '127.0.0.1', PORT: '0' });
}

/**
 * A migrated fresh database with one tenant (bench.onmicrosoft.com, with its app) handed to `work`; all removed afterwards.
 * `options` open the database (a statement log, say).
 */
export async function withMigratedScratch<T>(
  engine: Engine,
  label: string,
  work: (db: Db, who: CreatedTenant, scratch: Scratch) => Promise<T>,
  options: DatabaseOptions = {},
): Promise<T> {
  const scratch = await scratchFor(engine, label);
  try {
    const db = await openDatabase(scratch.settings, options);
    try {
      await migrateToLatest(db);
      const who = await createTenant(createTenantsStore(db), { domain: 'bench.onmicrosoft.com', displayName: 'Bench' });
      return await work(db, who, scratch);
    } finally {
      await db.destroy();
    }
  } finally {
    await scratch.drop();
  }
}

/** Whether the PostgreSQL half can run (says why not when it cannot). */
export async function postgresAvailable(): Promise<boolean> {
  if (!isLoopback(POSTGRES_URL)) {
    console.log(`  postgres: skipped, ${new URL(POSTGRES_URL).hostname} is not a loopback address (this benchmark stays on this machine)`);
    return false;
  }
  try {
    await withAdmin(async () => undefined, POSTGRES_URL);
    return true;
  } catch (err) {
    console.log(`  postgres: skipped, no server at ${POSTGRES_URL} (${(err as Error).message})`);
    return false;
  }
}

/** Starts `app` on an ephemeral loopback port and gets a token for `who` from its own token endpoint. */
export async function listenWithToken(app: TarmacApp, who: CreatedTenant): Promise<{ base: string; token: string }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
  const base = `http://127.0.0.1:${address.port}`;
  return { base, token: await graphToken(base, who) };
}

/** A Graph token for `who`'s app from the token endpoint of the Tarmac at `base` (client credentials). */
export async function graphToken(base: string, who: CreatedTenant): Promise<string> {
  const res = await fetch(`${base}/${who.tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: who.app.clientId,
      client_secret: who.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
