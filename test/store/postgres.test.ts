// The storage conformance battery on PostgreSQL: this file runs in its own freshly created database (dropped in
// afterAll, with everything in it), each test in its own schema.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTenantsStore, migrateToLatest } from '../../src/store/index.js';
import { createTenant } from '../../src/tenants/index.js';
import { storageConformance } from './conformance.js';
import { POSTGRES_ADMIN_URL, createPostgresScratch, createPostgresTestDatabase, dropPostgresFileDatabase } from './test-databases.js';

afterAll(dropPostgresFileDatabase);

storageConformance('PostgreSQL', createPostgresTestDatabase);

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
