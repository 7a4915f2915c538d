// The storage conformance battery on PostgreSQL. Each test's migrated database is a copy of the run's template
// (CREATE DATABASE … TEMPLATE, dropped by the test); the migration tests start from an empty schema in this file's
// own database (dropped in afterAll, with everything in it).
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { createTenantsStore, migrateToLatest } from '../../src/store/index.js';
import { createTenant } from '../../src/tenants/index.js';
import { storageConformance } from './conformance.js';
import { registryConformance } from './registry-conformance.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import { POSTGRES_ADMIN_URL, createPostgresScratch, createPostgresTestDatabase, dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const migrated = () => createMigratedTestDatabase('postgres');
storageConformance('PostgreSQL', createPostgresTestDatabase, migrated);
registryConformance('PostgreSQL', migrated);

describe('PostgreSQL test databases', () => {
  it('are dropped when released', async () => {
    const scratch = await createPostgresScratch();
    await scratch.drop();
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [scratch.name]);
      expect(rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('leave room on autopilot_devices pages for HOT updates (migration 0006)', async () => {
    const tdb = await createPostgresTestDatabase();
    try {
      await migrateToLatest(tdb.db);
      const { rows } = await sql<{ options: string[] | null }>`select c.reloptions as options from pg_class c
        where c.relname = 'autopilot_devices' and c.relnamespace = current_schema()::regnamespace`.execute(tdb.db);
      expect(rows[0]?.options).toEqual(['fillfactor=80']);
    } finally {
      await tdb.cleanup();
    }
  });

  it('give each test its own schema: what one stores, another does not see', async () => {
    const [one, two] = await Promise.all([createPostgresTestDatabase(), createPostgresTestDatabase()]);
    try {
      const schemaOf = (url: string | undefined) => new URL(url ?? '').searchParams.get('options')?.split('=').pop();
      expect(schemaOf(one.settings.databaseUrl)).not.toBe(schemaOf(two.settings.databaseUrl));
      const rows = await one.db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).execute();
      expect(rows[0]?.s).toBe(schemaOf(one.settings.databaseUrl));
      await Promise.all([migrateToLatest(one.db), migrateToLatest(two.db)]);
      await createTenant(createTenantsStore(one.db), { domain: 'only-in-one.onmicrosoft.com' });
      expect(await createTenantsStore(two.db).tenants.count()).toBe(0);
    } finally {
      await one.cleanup();
      await two.cleanup();
    }
  });
});
