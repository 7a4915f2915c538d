// Statements marked `prepared` (src/store/database.ts) run as named prepared statements on PostgreSQL, one per text and
// connection, with the same results as unmarked ones; on SQLite the marker is a comment and changes nothing. The boot
// lookup (DeviceRepository.bootDeviceOfHash, every PC's profile download) and the contact write (recordContacts, the
// downloads' batches, whatever their size) are among them.
import { randomBytes, randomUUID } from 'node:crypto';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, migrateToLatest, prepared, type DatabaseSchema } from '../../src/store/index.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

/** The named statements this connection holds (PostgreSQL). */
async function preparedOn(conn: Kysely<DatabaseSchema>): Promise<{ name: string; statement: string }[]> {
  return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(conn)).rows;
}

describe.each(TEST_ENGINES)('prepared statements (%s)', (engine) => {
  it('runs a marked statement with its parameters, as often as asked, the same as unmarked', async () => {
    const t = await createTestDatabase(engine);
    try {
      const text = 'select cast($1 as integer) + 1 as n'.replace('$1', engine === 'postgres' ? '$1' : '?');
      for (const v of [1, 41, -3]) {
        const marked = await t.db.executeQuery<{ n: number }>(CompiledQuery.raw(prepared(text), [v]));
        const plain = await t.db.executeQuery<{ n: number }>(CompiledQuery.raw(text, [v]));
        expect(marked.rows).toEqual([{ n: v + 1 }]);
        expect(marked.rows).toEqual(plain.rows);
      }
    } finally {
      await t.cleanup();
    }
  });

  it.runIf(engine === 'postgres')('keeps one named statement per marked text on each connection, and none for unmarked ones', async () => {
    const t = await createTestDatabase(engine);
    try {
      await t.db.connection().execute(async (conn) => {
        expect(await preparedOn(conn)).toEqual([]);
        const one = prepared('select $1::int * 2 as n');
        const two = prepared('select $1::text as s');
        for (let i = 0; i < 7; i++) {
          expect((await conn.executeQuery<{ n: number }>(CompiledQuery.raw(one, [i]))).rows).toEqual([{ n: i * 2 }]);
          expect((await conn.executeQuery<{ s: string }>(CompiledQuery.raw(two, [`v${i}`]))).rows).toEqual([{ s: `v${i}` }]);
          await conn.executeQuery(CompiledQuery.raw('select $1::int as unmarked', [i]));
        }
        const held = await preparedOn(conn);
        expect(held.map((p) => p.statement).sort()).toEqual([one, two].sort());
        expect(held.every((p) => /^tarmac_[0-9a-f]{32}$/.test(p.name))).toBe(true);
      });
    } finally {
      await t.cleanup();
    }
  });

  it.runIf(engine === 'postgres')('keeps the boot lookup prepared (its results: the store conformance battery)', async () => {
    const t = await createTestDatabase(engine);
    try {
      await migrateToLatest(t.db);
      await t.db.connection().execute(async (conn) => {
        const store = createStore(conn);
        expect(await store.devices.bootDeviceOfHash(randomBytes(64))).toBeUndefined();
        const held = await preparedOn(conn);
        expect(held).toHaveLength(1);
        expect(held[0].statement).toContain('autopilot_device_hashes');
      });
    } finally {
      await t.cleanup();
    }
  });

  it.runIf(engine === 'postgres')('writes contacts with one prepared statement whatever the batch holds, and one more inside a transaction', async () => {
    const t = await createTestDatabase(engine);
    try {
      await migrateToLatest(t.db);
      const tenantId = randomUUID();
      const ids = Array.from({ length: 40 }, () => randomUUID());
      const created = '2026-01-01T00:00:00.000Z';
      await sql`insert into tenants (id, display_name, created_at) values (${tenantId}, 'Contoso', ${created})`.execute(t.db);
      for (const id of ids) await sql`insert into autopilot_devices (id, tenant_id, created_at, updated_at) values (${id}, ${tenantId}, ${created}, ${created})`.execute(t.db);
      const at = (second: number) => `2026-02-01T00:00:${String(second).padStart(2, '0')}.000Z`;
      const contact = (id: string, second: number) => ({ tenantId, id, at: at(second) });
      await t.db.connection().execute(async (conn) => {
        const store = createStore(conn);
        await store.devices.recordContacts([contact(ids[0]!, 1)]);
        await store.devices.recordContacts(ids.slice(0, 3).map((id) => contact(id, 2)));
        await store.devices.recordContacts(ids.map((id, i) => ({ ...contact(id, 3), ...(i % 2 === 0 ? { delivery: { profileId: null, assignedInSync: true } } : {}) })));
        const held = await preparedOn(conn);
        expect(held).toHaveLength(1);
        expect(held[0]!.statement).toContain('unnest');
        await store.transaction(async (tx) => tx.devices.recordContacts([contact(ids[1]!, 4)]));
        expect(await preparedOn(conn)).toHaveLength(2);
      });
      const rows = await sql<{ id: string; last_contacted_at: string; deployment_profile_assignment_status: string }>`
        select id, last_contacted_at, deployment_profile_assignment_status from autopilot_devices where tenant_id = ${tenantId}`.execute(t.db);
      const byId = new Map(rows.rows.map((r) => [r.id, r]));
      expect(byId.get(ids[0]!)).toMatchObject({ last_contacted_at: at(3), deployment_profile_assignment_status: 'assignedInSync' });
      expect(byId.get(ids[1]!)).toMatchObject({ last_contacted_at: at(4) });
      expect(byId.get(ids[3]!)?.deployment_profile_assignment_status).not.toBe('assignedInSync');
      expect(rows.rows.every((r) => r.last_contacted_at !== null)).toBe(true);
    } finally {
      await t.cleanup();
    }
  });
});
