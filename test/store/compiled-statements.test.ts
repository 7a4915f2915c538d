// CompiledInsert (src/store/compiled-statements.ts): a statement compiled once per shape and run again with new
// parameters writes exactly what Kysely's own INSERT writes, on both engines; rows whose columns differ take Kysely's.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CompiledInsert } from '../../src/store/compiled-statements.js';
import { migrateToLatest } from '../../src/store/index.js';
import { ENGINES } from '../support/registry-fixture.js';
import { createTestDatabase, dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2026-12-05T00:00:00.000Z';

describe.each(ENGINES)('CompiledInsert (%s)', (engine) => {
  it('writes the same rows as Kysely, first compiling and then reusing the statement of each shape', async () => {
    const t = await createTestDatabase(engine);
    try {
      const db = t.db;
      await migrateToLatest(db);
      const tenant = randomUUID();
      await db.insertInto('tenants').values({ id: tenant, display_name: 'Contoso', created_at: NOW }).execute();
      const row = (i: number, tenantId = tenant) => ({
        id: randomUUID(),
        tenant_id: tenantId,
        serial_number: `SN-${i}`,
        // Values of every kind a row binds: text with quotes, a Buffer, null and a number-like text.
        manufacturer: i % 2 === 0 ? `O'Brien "${i}"` : 'HP',
        model: i % 3 === 0 ? '' : `Model ${i}`,
        managed_device_id: null,
        sku_number: String(i),
        created_at: NOW,
        updated_at: NOW,
      });
      const insert = new CompiledInsert('autopilot_devices');
      const batches = [
        Array.from({ length: 3 }, (_, i) => row(i)), // compiled
        Array.from({ length: 3 }, (_, i) => row(10 + i)), // the same shape: reused
        Array.from({ length: 2 }, (_, i) => row(20 + i)), // another row count: compiled
        // The same columns in another order: Kysely's own statement (it lines columns up by name).
        [row(30), Object.fromEntries(Object.entries(row(31)).reverse()) as ReturnType<typeof row>],
        [{ ...row(32), group_tag: 'tagged' }, { ...row(33), group_tag: '' }], // one more column: its own shape
        Array.from({ length: 3 }, (_, i) => row(40 + i)), // reused again
      ];
      for (const batch of batches) await db.transaction().execute((trx) => insert.run(trx, batch));
      const stored = await db
        .selectFrom('autopilot_devices')
        .select(['id', 'serial_number', 'manufacturer', 'model', 'managed_device_id', 'sku_number', 'group_tag'])
        .where('tenant_id', '=', tenant)
        .execute();
      const expected = batches.flat().map((r) => ({
        id: r.id,
        serial_number: r.serial_number,
        manufacturer: r.manufacturer,
        model: r.model,
        managed_device_id: null,
        sku_number: r.sku_number,
        group_tag: 'group_tag' in r ? r.group_tag : '',
      }));
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(stored.sort(byId)).toEqual(expected.sort(byId));
    } finally {
      await t.cleanup();
    }
  });
});
