// Statements marked `prepared` (src/store/database.ts) run as named prepared statements on PostgreSQL, one per text and
// connection, with the same results as unmarked ones; on SQLite the marker is a comment and changes nothing. The boot
// lookup (DeviceRepository.bootDeviceOfHash, every PC's profile download) is one of them.
import { randomBytes } from 'node:crypto';
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
});
