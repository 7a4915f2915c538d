// readAtOnce (src/store/database.ts): on SQLite a read statement runs at once (readManyAtOnce: several, in one read
// transaction): on the writer connection, or on the reader while a transaction is open on the writer, seeing only what
// is committed. Elsewhere (PostgreSQL, a transaction's Kysely) it answers undefined and the caller goes through
// Kysely. The boot lookups that use it must never see a transaction's uncommitted rows: registry-conformance.ts
// checks that on both engines.
// writeAtOnce and writeWithoutStalling: a SQLite write never stops the process while another connection holds the
// write lock.
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readAtOnce, readManyAtOnce, SQLITE_FILE_NAME, writeAtOnce, writeWithoutStalling } from '../../src/store/database.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

describe.each(TEST_ENGINES)('readAtOnce (%s)', (engine) => {
  it(engine === 'sqlite' ? 'reads at once, while a transaction is open only what is committed, and never through the transaction' : 'never reads: PostgreSQL goes through Kysely', async () => {
    const t = await createTestDatabase(engine);
    try {
      const statement = engine === 'sqlite' ? 'select ? + 1 as n' : 'select $1::int + 1 as n';
      expect(readAtOnce(t.db, statement, [41])).toEqual(engine === 'sqlite' ? [{ n: 42 }] : undefined);
      await sql`create table marks (n integer not null)`.execute(t.db);
      await sql`insert into marks values (1)`.execute(t.db);
      const count = 'select count(*) as n from marks';
      await t.db.transaction().execute(async (tx) => {
        await sql`insert into marks values (2)`.execute(tx);
        // Never through the transaction's own Kysely; through the database's, only the committed row.
        expect(readAtOnce(tx, statement, [1])).toBeUndefined();
        expect(readAtOnce(t.db, count, [])).toEqual(engine === 'sqlite' ? [{ n: 1 }] : undefined);
        expect(readManyAtOnce(t.db, count, [[], []])).toEqual(engine === 'sqlite' ? [[{ n: 1 }], [{ n: 1 }]] : undefined);
      });
      expect(readAtOnce(t.db, count, [])).toEqual(engine === 'sqlite' ? [{ n: 2 }] : undefined);
      expect(readAtOnce(t.db, statement, [1])).toEqual(engine === 'sqlite' ? [{ n: 2 }] : undefined);
    } finally {
      await t.cleanup();
    }
    // A closed database: undefined (Kysely then reports the closed connection).
    expect(readAtOnce(t.db, 'select 1', [])).toBeUndefined();
  });

  it(engine === 'sqlite' ? 'readManyAtOnce: each parameter list’s rows in order, in one read transaction that a failure ends' : 'readManyAtOnce never reads on PostgreSQL', async () => {
    const t = await createTestDatabase(engine);
    try {
      const statement = engine === 'sqlite' ? 'select json_extract(?, ?) as v' : 'select $1::int as v';
      const lists = [['{"a":1}', '$.a'], ['{"a":2}', '$.a'], ['{"b":3}', '$.a']];
      expect(readManyAtOnce(t.db, statement, lists)).toEqual(engine === 'sqlite' ? [[{ v: 1 }], [{ v: 2 }], [{ v: null }]] : undefined);
      expect(readManyAtOnce(t.db, statement, [lists[1]!])).toEqual(engine === 'sqlite' ? [[{ v: 2 }]] : undefined);
      if (engine === 'postgres') return;
      // A statement failing after others: the error, and the read transaction is over (the connection takes others).
      expect(() => readManyAtOnce(t.db, statement, [lists[0]!, ['not json', '$.a']])).toThrow(/malformed JSON/);
      expect(readAtOnce(t.db, 'select 1 as n', [])).toEqual([{ n: 1 }]);
      await t.db.transaction().execute(async (tx) => {
        expect(readManyAtOnce(tx, statement, lists)).toBeUndefined();
        expect(readManyAtOnce(t.db, statement, lists)).toEqual([[{ v: 1 }], [{ v: 2 }], [{ v: null }]]);
      });
    } finally {
      await t.cleanup();
    }
  });
});

describe('writeWithoutStalling (SQLite)', () => {
  it('waits on a timer while another connection holds the write lock, then writes; the process serves meanwhile', async () => {
    const t = await createTestDatabase('sqlite');
    const other = new SqliteDatabase(join(t.settings.dataDir, SQLITE_FILE_NAME));
    try {
      await sql`create table counters (n integer not null)`.execute(t.db);
      await sql`insert into counters values (0)`.execute(t.db);
      const bump = CompiledQuery.raw('update counters set n = n + ?', [1]);
      expect(writeAtOnce(t.db, bump.sql, bump.parameters)).toBe('written');
      // Another connection (as another process would) takes the write lock and keeps it for a while.
      other.exec('begin immediate');
      expect(writeAtOnce(t.db, bump.sql, bump.parameters)).toBe('busy');
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 5);
      setTimeout(() => other.exec('commit'), 100);
      const started = performance.now();
      await writeWithoutStalling(t.db, bump);
      clearInterval(ticking);
      // Blocked in SQLite's busy handler instead, the process could neither tick nor commit the other connection's
      // transaction (the same process here): the write would fail after the 5 s busy timeout.
      expect(performance.now() - started).toBeLessThan(4000);
      expect(ticks).toBeGreaterThan(3);
      expect((await sql<{ n: number }>`select n from counters`.execute(t.db)).rows).toEqual([{ n: 2 }]);
      // Inside a transaction: not at once (undefined), and writeWithoutStalling goes through the transaction's Kysely.
      await t.db.transaction().execute(async (tx) => {
        expect(writeAtOnce(t.db, bump.sql, bump.parameters)).toBeUndefined();
        await writeWithoutStalling(tx, bump);
      });
      expect((await sql<{ n: number }>`select n from counters`.execute(t.db)).rows).toEqual([{ n: 3 }]);
    } finally {
      other.close();
      await t.cleanup();
    }
  });
});
