// StatementTimes (src/store/statement-times.ts): statement times summed by kind (verb and first table), fed by the log
// option of openDatabase — the import bench's breakdown of the server's SQL.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { statementKind, StatementTimes } from '../../src/store/statement-times.js';
import { createTestDatabase, dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

describe('statementKind', () => {
  it.each([
    ['insert into "device_identity_keys" ("kind", "value") values (?, ?), (?, ?)', 'insert device_identity_keys'],
    ['insert or ignore into autopilot_device_search_tenants (tenant_id) values (?)', 'insert autopilot_device_search_tenants'],
    ['update "imported_device_identities" set "lease_owner" = ? where "id" in (select "id" from "x")', 'update imported_device_identities'],
    ['delete from "audit_events" where "activity_at" < ?', 'delete audit_events'],
    ['select "k"."kind" from "device_identity_keys" as "k" inner join "tenants" on 1 = 1', 'select device_identity_keys'],
    ['/* prepared */ select "id" from "autopilot_devices" where "id" = $1', 'select autopilot_devices'],
    ['with "t" as (select "name" from "sqlite_master") select * from "t"', 'select sqlite_master'],
    ['select 1', 'select'],
    ['commit', 'commit'],
    ['begin immediate', 'begin'],
    ['', '(empty)'],
  ])('%s → %s', (statement, kind) => {
    expect(statementKind(statement)).toBe(kind);
  });
});

describe('StatementTimes', () => {
  const event = (sql: string, ms: number) => ({ level: 'query', query: { sql, parameters: [] }, queryDurationMillis: ms }) as unknown as Parameters<StatementTimes['log']>[0];

  it('keeps each kind’s longest statement and the 20 slowest of all, slowest first', () => {
    const times = new StatementTimes();
    const durations = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
    for (const ms of durations) times.log(event(ms % 2 === 0 ? 'commit' : 'insert into t (a) values (1)', ms));
    expect(times.summary()).toEqual([
      { kind: 'commit', statements: 100, milliseconds: durations.filter((d) => d % 2 === 0).reduce((a, b) => a + b), maxMilliseconds: 198 },
      { kind: 'insert t', statements: 100, milliseconds: durations.filter((d) => d % 2 === 1).reduce((a, b) => a + b), maxMilliseconds: 199 },
    ].sort((a, b) => b.milliseconds - a.milliseconds));
    const slowest = times.slowest();
    expect(slowest.map((s) => s.milliseconds)).toEqual(Array.from({ length: 20 }, (_, i) => 199 - i));
    expect(slowest[0]!.kind).toBe('insert t');
    for (const s of slowest) expect(Math.abs(s.endedAt - Date.now())).toBeLessThan(60_000);
  });
});

describe.each(TEST_ENGINES)('StatementTimes as the log of openDatabase (%s)', (engine) => {
  it('counts each statement, a transaction’s commit included, and forgets on reset', async () => {
    const t = await createTestDatabase(engine);
    const times = new StatementTimes();
    const db = await openDatabase(t.settings, { log: times.log });
    try {
      await sql`create table timed (n integer)`.execute(db);
      times.reset();
      await db.transaction().execute(async (tx) => {
        await sql`insert into timed (n) values (1), (2)`.execute(tx);
        await sql`insert into timed (n) values (3)`.execute(tx);
      });
      await sql`select n from timed`.execute(db);
      const summary = times.summary();
      expect(Object.fromEntries(summary.map((s) => [s.kind, s.statements]))).toEqual({ begin: 1, 'insert timed': 2, commit: 1, 'select timed': 1 });
      for (const s of summary) {
        expect(s.milliseconds).toBeGreaterThanOrEqual(0);
        expect(s.maxMilliseconds).toBeLessThanOrEqual(s.milliseconds);
        if (s.statements === 1) expect(s.maxMilliseconds).toBe(s.milliseconds);
      }
      const slowest = times.slowest();
      expect(slowest).toHaveLength(5);
      expect(slowest.map((s) => s.milliseconds)).toEqual([...slowest.map((s) => s.milliseconds)].sort((a, b) => b - a));
      expect(slowest[0]!.milliseconds).toBe(Math.max(...summary.map((s) => s.maxMilliseconds)));
      expect(summary.map((s) => s.milliseconds)).toEqual([...summary.map((s) => s.milliseconds)].sort((a, b) => b - a));
      times.reset();
      expect(times.summary()).toEqual([]);
      expect(times.slowest()).toEqual([]);
    } finally {
      await db.destroy();
      await t.cleanup();
    }
  });
});
