// CompiledInsert (src/store/compiled-statements.ts): a statement compiled once per shape and run again with new
// parameters writes exactly what Kysely's own INSERT writes, on both engines (on SQLite row by row, or in one statement
// where asked); rows whose columns differ take Kysely's. One instance serves both engines (the registration's are
// module-level), and a row that breaks a unique key fails the whole call.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CompiledInsert } from '../../src/store/compiled-statements.js';
import type { Kysely } from 'kysely';
import { isUniqueViolation, migrateToLatest, type DatabaseSchema, type Engine } from '../../src/store/index.js';
import { ENGINES } from '../support/registry-fixture.js';
import { createTestDatabase, dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2026-12-05T00:00:00.000Z';

/** Shared by the engines' runs below, as the registration's inserts are: each engine must get its own SQL. */
const shared = { rowByRow: new CompiledInsert('autopilot_devices'), oneStatement: new CompiledInsert('autopilot_devices', { oneStatementOnSqlite: true }) };

/** A migrated database of `engine` with one tenant, dropped afterwards. */
async function withTenant(engine: Engine, work: (db: Kysely<DatabaseSchema>, tenant: string) => Promise<void>): Promise<void> {
  const t = await createTestDatabase(engine);
  try {
    await migrateToLatest(t.db);
    const tenant = randomUUID();
    await t.db.insertInto('tenants').values({ id: tenant, display_name: 'Contoso', created_at: NOW }).execute();
    await work(t.db, tenant);
  } finally {
    await t.cleanup();
  }
}

describe.each(ENGINES)('CompiledInsert (%s)', (engine) => {
  it.each(Object.keys(shared) as (keyof typeof shared)[])('writes the same rows as Kysely, first compiling and then reusing the statement of each shape (%s)', async (variant) => {
    await withTenant(engine, async (db, tenant) => {
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
      const insert = shared[variant];
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
    });
  });

  it('fails the whole call when one row breaks a unique key, and the transaction keeps none of its rows', async () => {
    await withTenant(engine, async (db, tenant) => {
      const queued = (id: string) => ({ id, tenant_id: tenant, serial_number: id, created_at: NOW, updated_at: NOW });
      const insert = new CompiledInsert('imported_device_identities');
      await db.transaction().execute((trx) => insert.run(trx, [queued('A'), queued('B')]));
      const failed = await db
        .transaction()
        .execute((trx) => insert.run(trx, [queued('C'), queued('D'), queued('A'), queued('E')]))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(isUniqueViolation(failed)).toBe(true);
      const ids = await db.selectFrom('imported_device_identities').select('id').where('tenant_id', '=', tenant).orderBy('id').execute();
      expect(ids.map((r) => r.id)).toEqual(['A', 'B']);
    });
  });
});
