// Migration 0015 (PostgreSQL): the hash columns compress new values with LZ4, values written before keep pglz and read
// back unchanged, and migrating down goes back to the server's default. SQLite: nothing to do.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { createTestDatabase, dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2025-01-01T00:00:00.000Z';

describe('migration 0015 (postgres)', () => {
  it('compresses hashes written after it with LZ4 and reads those written before', async () => {
    const t = await createTestDatabase('postgres');
    try {
      const db = t.db;
      await migrateUpTo(db, '0014_hash_digest');
      const lz4 = (await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db)).rows[0]?.lz4;
      const tenant = randomUUID();
      await db.insertInto('tenants').values({ id: tenant, display_name: 'Contoso', created_at: NOW }).execute();
      const write = async (seed: number) => {
        const id = randomUUID();
        const hash = Buffer.from(encodeHardwareHash(syntheticInventory(seed)).bytes);
        await db.insertInto('autopilot_devices').values({ id, tenant_id: tenant, serial_number: `SN${seed}`, created_at: NOW, updated_at: NOW }).execute();
        await db.insertInto('autopilot_device_hashes').values({ device_id: id, hardware_hash: hash }).execute();
        return { id, hash };
      };
      const method = async (id: string) =>
        (await sql<{ m: string | null }>`select pg_column_compression(hardware_hash) as m from autopilot_device_hashes where device_id = ${id}`.execute(db)).rows[0]?.m;
      const before = await write(1);
      await migrateUpTo(db, '0015_hash_compression');
      const after = await write(2);
      expect(await method(before.id)).toBe('pglz');
      expect(await method(after.id)).toBe(lz4 ? 'lz4' : 'pglz');
      for (const { id, hash } of [before, after]) {
        const row = await db.selectFrom('autopilot_device_hashes').select('hardware_hash').where('device_id', '=', id).executeTakeFirstOrThrow();
        expect(Buffer.from(row.hardware_hash).equals(hash)).toBe(true);
      }
      const columns = async () =>
        (await sql<{ c: string }>`select attcompression as c from pg_attribute where attrelid in ('imported_device_identities'::regclass, 'autopilot_device_hashes'::regclass) and attname in ('hardware_identifier', 'hardware_hash') order by attname`.execute(db)).rows.map((r) => r.c);
      expect(await columns()).toEqual(lz4 ? ['l', 'l'] : ['', '']);
      await migrateUpTo(db, '0014_hash_digest');
      expect(await columns()).toEqual(['', '']);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
