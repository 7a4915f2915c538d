// Migration 0014 on a registry that already holds hashes, on both engines: every registered hash gets its SHA-256
// (PostgreSQL computes it, SQLite in batches in Node — more than one batch here), so the PC's lookup by its exact hash
// (DeviceRepository.holderOfHash) finds devices registered before the migration.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrateToLatest } from '../../src/store/index.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2025-01-01T00:00:00.000Z';
/** More than the migration's SQLite batch (2,000), so that its keyset continues across batches. */
const DEVICES = 2_100;

describe.each(TEST_ENGINES)('migration 0014 with hashes in place (%s)', (engine) => {
  it('gives every registered hash its digest; holderOfHash finds devices registered before it', async () => {
    const t = await createTestDatabase(engine);
    try {
      const db = t.db;
      await migrateUpTo(db, '0013_prefix_order');
      const tenant = randomUUID();
      await db.insertInto('tenants').values({ id: tenant, display_name: 'Contoso', created_at: NOW }).execute();
      const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: randomUUID(), tenant_id: tenant, serial_number: `SN${i}`, created_at: NOW, updated_at: NOW }));
      const hashes = devices.map((d) => ({ device_id: d.id, hardware_hash: randomBytes(64 + (d.serial_number.length % 7)) }));
      for (let i = 0; i < DEVICES; i += 500) {
        await db.insertInto('autopilot_devices').values(devices.slice(i, i + 500)).execute();
        await db.insertInto('autopilot_device_hashes').values(hashes.slice(i, i + 500)).execute();
      }
      await migrateToLatest(db);

      const digests = await db.selectFrom('autopilot_device_hashes').select(['device_id', 'hardware_hash', 'hash_digest']).execute();
      expect(digests).toHaveLength(DEVICES);
      for (const row of digests) {
        expect(Buffer.from(row.hash_digest!).equals(createHash('sha256').update(row.hardware_hash).digest()), row.device_id).toBe(true);
      }
      const store = createStore(db);
      for (const i of [0, 1_999, 2_000, DEVICES - 1]) {
        expect((await store.devices.holderOfHash(hashes[i]!.hardware_hash))?.id).toBe(devices[i]!.id);
      }
      expect(await store.devices.holderOfHash(randomBytes(64))).toBeUndefined();
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
