// readAtOnce (src/store/database.ts): on SQLite, outside a transaction, a read statement runs at once on the process's
// connection; everywhere else (PostgreSQL, a transaction's Kysely, while a transaction holds the connection) it
// answers undefined and the caller goes through Kysely. The boot lookups that use it must never see a transaction's
// uncommitted rows: registry-conformance.ts checks that on both engines.
import { afterAll, describe, expect, it } from 'vitest';
import { readAtOnce } from '../../src/store/database.js';
import { createTestDatabase, dropPostgresFileDatabase, type TestEngine } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

describe.each(['sqlite', 'postgres'] as TestEngine[])('readAtOnce (%s)', (engine) => {
  it(engine === 'sqlite' ? 'reads at once outside a transaction, and never inside one' : 'never reads: PostgreSQL goes through Kysely', async () => {
    const t = await createTestDatabase(engine);
    try {
      const statement = engine === 'sqlite' ? 'select ? + 1 as n' : 'select $1::int + 1 as n';
      expect(readAtOnce(t.db, statement, [41])).toEqual(engine === 'sqlite' ? [{ n: 42 }] : undefined);
      await t.db.transaction().execute(async (tx) => {
        // Neither through the transaction's own Kysely nor through the database's while the transaction is open.
        expect(readAtOnce(tx, statement, [1])).toBeUndefined();
        expect(readAtOnce(t.db, statement, [1])).toBeUndefined();
      });
      expect(readAtOnce(t.db, statement, [1])).toEqual(engine === 'sqlite' ? [{ n: 2 }] : undefined);
    } finally {
      await t.cleanup();
    }
    // A closed database: undefined (Kysely then reports the closed connection).
    expect(readAtOnce(t.db, 'select 1', [])).toBeUndefined();
  });
});
