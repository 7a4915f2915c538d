// Migration 0009 on a registry that already holds devices, on both engines: the SQLite search link table is renumbered
// into per-tenant rowid ranges (and the FTS index rebuilt), PostgreSQL's indexes are rebuilt; searches and their counts
// then agree with the data, new devices land in their tenant's range, and the migration goes down and up again.
import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { parseListQuery } from '../../src/http/odata/index.js';
import { autopilotDeviceModel, engineOf, migrateToLatest, type Db } from '../../src/store/index.js';
import { countRows, fetchPage } from '../../src/store/list-query/compile.js';
import { migrations } from '../../src/store/migrations/index.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2025-01-01T00:00:00.000Z';
const TENANTS = [randomUUID(), randomUUID()];

async function migrator(db: Db): Promise<Migrator> {
  const schema = engineOf(db) === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s : undefined;
  return new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: 'tarmac_migrations',
    migrationLockTableName: 'tarmac_migrations_lock',
    migrationTableSchema: schema,
  });
}

const device = (tenant: string, serial: string) => ({ id: randomUUID(), tenant_id: tenant, serial_number: serial, created_at: NOW, updated_at: NOW });

describe.each(TEST_ENGINES)('migration 0009 with devices in place (%s)', (engine) => {
  it('renumbers the search index by tenant; searches, counts and new devices agree; down and up again', async () => {
    const t = await createTestDatabase(engine);
    try {
      const db = t.db;
      const m = await migrator(db);
      expect((await m.migrateTo('0008_users')).error).toBeUndefined();
      await db.insertInto('tenants').values(TENANTS.map((id) => ({ id, display_name: id, created_at: NOW }))).execute();
      // Interleaved tenants, so that 0003's rowids mix them.
      const rows = Array.from({ length: 300 }, (_, i) => device(TENANTS[i % 2], `${i % 3 === 0 ? '5CG' : 'PF'}${String(i).padStart(5, '0')}`));
      await db.insertInto('autopilot_devices').values(rows).execute();
      await migrateToLatest(db);

      const check = async () => {
        const all = await db.selectFrom('autopilot_devices').select(['id', 'tenant_id', 'serial_number']).execute();
        for (const tenantId of TENANTS) {
          for (const [f, pred] of [
            ["contains(serialNumber,'5cg')", (s: string) => s.toLowerCase().includes('5cg')],
            ["contains(serialNumber,'0012')", (s: string) => s.includes('0012')],
            ["startswith(serialNumber,'pf001')", (s: string) => s.toLowerCase().startsWith('pf001')],
          ] as const) {
            // Key order; a prefix search's in (lower(serial), id) order (pageOrder; these serials are ASCII and unique).
            const matches = all.filter((d) => d.tenant_id === tenantId && pred(d.serial_number));
            const want = f.startsWith('startswith')
              ? matches.sort((a, b) => (a.serial_number.toLowerCase() < b.serial_number.toLowerCase() ? -1 : 1)).map((d) => d.id)
              : matches.map((d) => d.id).sort();
            const query = parseListQuery({ $filter: f, $top: '1000', $count: 'true' }, autopilotDeviceModel, { maxTop: 1000, defaultTop: 1000 });
            const base = db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId);
            const scope = { tenantId, db };
            expect((await fetchPage(base, query, engine, scope)).rows.map((r) => r.id), `${f}`).toEqual(want);
            expect(await countRows(base, query, engine, scope), `${f} count`).toBe(want.length);
          }
        }
      };
      await check();
      await db.insertInto('autopilot_devices').values([device(TENANTS[0], '5CG-NEW-1'), device(TENANTS[1], '5CG-NEW-2')]).execute();
      await check();
      if (engine === 'sqlite') {
        // Each tenant's link rows lie in its own range.
        const { rows: outside } = await sql<{ n: number }>`
          select count(*) as n from autopilot_device_search s join autopilot_devices d on d.id = s.device_id
          join autopilot_device_search_tenants t on t.tenant_id = d.tenant_id
          where s.search_id <= t.base or s.search_id >= t.base + 4294967296`.execute(db);
        expect(outside[0].n).toBe(0);
      }
      expect((await m.migrateDown()).error).toBeUndefined();
      await db.insertInto('autopilot_devices').values(device(TENANTS[1], '5CG-DOWN-1')).execute();
      await migrateToLatest(db);
      await check();
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
