// Migration 0017 on a queue that already holds rows, on both engines: every imported row's hash moves to
// imported_device_hashes (rows without one get none), the store reads them back as before, new hashes on PostgreSQL
// compress with LZ4 where the server has it, and migrating down puts the hashes back into their rows.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrateToLatest } from '../../src/store/index.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2025-01-01T00:00:00.000Z';

describe.each(TEST_ENGINES)('migration 0017 with imported rows in place (%s)', (engine) => {
  it('moves each row’s hash to imported_device_hashes and back down', async () => {
    const t = await createTestDatabase(engine);
    try {
      const db = t.db;
      await migrateUpTo(db, '0016_prefix_count');
      const tenant = randomUUID();
      await db.insertInto('tenants').values({ id: tenant, display_name: 'Contoso', created_at: NOW }).execute();
      const rows = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), hash: i === 3 ? null : randomBytes(3000 + i) }));
      // Written as the store wrote them before 0017 (the column is gone from today's schema types).
      for (const r of rows) {
        await sql`insert into imported_device_identities (id, tenant_id, serial_number, hardware_identifier, created_at, updated_at)
          values (${r.id}, ${tenant}, ${'SN-' + r.id.slice(0, 4)}, ${r.hash}, ${NOW}, ${NOW})`.execute(db);
      }
      await migrateToLatest(db);

      const store = createStore(db);
      for (const r of rows) {
        const found = await store.imports.find(tenant, r.id);
        expect(found?.hardwareIdentifier === null ? null : Buffer.from(found!.hardwareIdentifier!), r.id).toEqual(r.hash);
      }
      expect(await db.selectFrom('imported_device_hashes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual({ n: engine === 'postgres' ? '4' : 4 });
      if (engine === 'postgres') {
        const lz4 = (await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db)).rows[0]?.lz4;
        const { rows: c } = await sql<{ c: string }>`select attcompression as c from pg_attribute where attrelid = 'imported_device_hashes'::regclass and attname = 'hardware_identifier'`.execute(db);
        expect(c).toEqual([{ c: lz4 ? 'l' : '' }]);
      }

      await migrateUpTo(db, '0016_prefix_count');
      const back = await sql<{ id: string; hardware_identifier: Uint8Array | null }>`select id, hardware_identifier from imported_device_identities`.execute(db);
      const byId = new Map(back.rows.map((b) => [b.id, b.hardware_identifier === null ? null : Buffer.from(b.hardware_identifier)]));
      for (const r of rows) expect(byId.get(r.id), r.id).toEqual(r.hash);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
