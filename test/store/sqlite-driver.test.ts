// The SQLite driver (src/store/sqlite-driver.ts): one writer under a mutex; reads outside a transaction never wait for
// it and see only what is committed; a long transaction gives the event loop turns; sessions that are not plain reads
// (a backup snapshot's BEGIN, a migration) keep the writer from their first such statement to their end. With the
// checkpoint thread (the server's), the WAL is copied back into the database by the thread, whole, so it starts over.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE_NAME, type Db } from '../../src/store/database.js';
import SqliteDatabase from 'better-sqlite3';
import { SQLITE_AUTOCHECKPOINT_PAGES } from '../../src/store/sqlite-checkpointer.js';
import { SqliteConnections, YIELD_AFTER_MS } from '../../src/store/sqlite-driver.js';
import { createSqliteScratchDir, createTestDatabase, type TestDatabase } from '../support/test-databases.js';

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function withMarks(): Promise<TestDatabase> {
  t = await createTestDatabase('sqlite');
  await sql`create table marks (n integer not null)`.execute(t.db);
  await sql`insert into marks values (1)`.execute(t.db);
  return t;
}

/** A promise and the function that resolves it: one step of a test's choreography. */
function gate(): { passed: Promise<void>; open: () => void } {
  let open!: () => void;
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a database, a transaction or a pinned connection
type AnyDb = Kysely<any>;

const countOf = async (db: AnyDb): Promise<number> => Number((await sql<{ n: number }>`select count(*) as n from marks`.execute(db)).rows[0]!.n);

/** Runs statements in `tx` for at least `ms` of the clock, without awaiting anything but the statements themselves. */
async function busyTransactionWork(tx: AnyDb, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let statements = 0;
  while (performance.now() < until) {
    await sql`insert into marks values (${statements + 100})`.execute(tx);
    statements++;
  }
  return statements;
}

describe('the SQLite driver', () => {
  it('answers a read while a transaction is open, with what is committed only, without waiting for it', async () => {
    const { db } = await withMarks();
    const held = gate();
    const inserted = gate();
    const tx = db.transaction().execute(async (trx) => {
      await sql`insert into marks values (2)`.execute(trx);
      expect(await countOf(trx)).toBe(2); // the transaction sees its own row
      inserted.open();
      await held.passed; // the transaction stays open until the read below has been answered
    });
    await inserted.passed;
    expect(await countOf(db)).toBe(1);
    expect(await (db as AnyDb).selectFrom('marks').selectAll().execute()).toHaveLength(1);
    held.open();
    await tx;
    expect(await countOf(db)).toBe(2);
  });

  it('queues a write outside the transaction behind it, in order', async () => {
    const { db } = await withMarks();
    const order: string[] = [];
    const held = gate();
    const begun = gate();
    const tx = db.transaction().execute(async (trx) => {
      begun.open();
      await held.passed;
      await sql`insert into marks values (2)`.execute(trx);
      order.push('transaction');
    });
    await begun.passed;
    const write = sql`insert into marks values (3)`.execute(db).then(() => order.push('write'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]); // the write waits for the writer
    held.open();
    await Promise.all([tx, write]);
    expect(order).toEqual(['transaction', 'write']);
    expect(await countOf(db)).toBe(3);
  });

  it('gives the event loop turns during a long transaction: a timer fires and its read is answered before the commit', async () => {
    const { db } = await withMarks();
    let committed = false;
    let readDuringTransaction: number | undefined;
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        void countOf(db).then((n) => {
          if (!committed) readDuringTransaction = n;
          resolve();
        });
      }, 1),
    );
    const statements = await db.transaction().execute(async (trx) => busyTransactionWork(trx, YIELD_AFTER_MS * 10));
    committed = true;
    await timer;
    expect(statements).toBeGreaterThan(1);
    // Read while the transaction was open: the committed row only, none of the transaction's.
    expect(readDuringTransaction).toBe(1);
    expect(await countOf(db)).toBe(1 + statements);
  });

  it('keeps the writer for a session from its BEGIN to its end (a backup snapshot), reads of others going on meanwhile', async () => {
    const { db } = await withMarks();
    const held = gate();
    const inSnapshot = gate();
    const snapshot = db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      const before = await countOf(conn);
      inSnapshot.open();
      await held.passed;
      const after = await countOf(conn);
      await sql`commit`.execute(conn);
      return [before, after];
    });
    await inSnapshot.passed;
    const write = sql`insert into marks values (2)`.execute(db);
    expect(await countOf(db)).toBe(1); // a read does not wait
    held.open();
    // The write waited for the snapshot's end, so the snapshot saw one row twice.
    expect(await snapshot).toEqual([1, 1]);
    await write;
    expect(await countOf(db)).toBe(2);
  });

  it('rolls back a failed transaction and releases the writer', async () => {
    const { db } = await withMarks();
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`insert into marks values (2)`.execute(trx);
        await sql`insert into no_such_table values (1)`.execute(trx);
      }),
    ).rejects.toThrow(/no such table/);
    await sql`insert into marks values (3)`.execute(db);
    expect(await countOf(db)).toBe(2);
  });
});

describe('WAL checkpoints in a thread (checkpointInBackground)', () => {
  const scratch: { dir?: string; db?: Db } = {};
  afterEach(async () => {
    await scratch.db?.destroy();
    if (scratch.dir) rmSync(scratch.dir, { recursive: true, force: true });
  });

  async function open(everyMs: number | undefined): Promise<{ db: Db; sizes: () => { wal: number; db: number } }> {
    scratch.dir = createSqliteScratchDir();
    const db = await openDatabase({ dataDir: scratch.dir }, everyMs === undefined ? {} : { checkpointInBackground: { everyMs } });
    scratch.db = db;
    await sql`create table blobs (b blob not null)`.execute(db);
    const file = join(scratch.dir, SQLITE_FILE_NAME);
    return { db, sizes: () => ({ wal: statSync(`${file}-wal`).size, db: statSync(file).size }) };
  }

  // 100 transactions of 100 rows of 4 KB: ~40 MB through the WAL.
  async function writeTransactions(db: Db): Promise<void> {
    const row = Buffer.alloc(4096, 7);
    for (let t = 0; t < 100; t++) {
      await db.transaction().execute(async (tx) => {
        for (let r = 0; r < 100; r++) await sql`insert into blobs values (${row})`.execute(tx);
      });
    }
  }

  it('copies each transaction into the database after its commit, so the WAL starts over instead of growing', async () => {
    const { db, sizes } = await open(0);
    await writeTransactions(db);
    const after = sizes();
    expect(after.db).toBeGreaterThan(40e6); // the rows are in the database file
    expect(after.wal).toBeLessThan(4e6); // about one transaction's pages: the WAL was started over each time
    expect(Number((await sql<{ n: number }>`select count(*) as n from blobs`.execute(db)).rows[0]!.n)).toBe(10_000);
  });

  it('without the thread, SQLite checkpoints only at its 64 MB threshold (the contrast)', async () => {
    const { db, sizes } = await open(undefined);
    await writeTransactions(db);
    const after = sizes();
    expect(after.wal).toBeGreaterThan(40e6);
    expect(after.db).toBeLessThan(4e6);
  });

  it('while the thread works no commit checkpoints (SQLite would, on the event loop); without it, at 64 MB of WAL', async () => {
    const autocheckpoint = async (db: Db) => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]!.wal_autocheckpoint;
    const threaded = await open(2000);
    expect(await autocheckpoint(threaded.db)).toBe(0);
    await threaded.db.destroy();
    scratch.db = undefined;
    rmSync(scratch.dir!, { recursive: true, force: true });
    expect(await autocheckpoint((await open(undefined)).db)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
  });

  it('once the thread fails, the writer takes SQLite’s own checkpoints again', async () => {
    scratch.dir = createSqliteScratchDir();
    const writer = new SqliteDatabase(join(scratch.dir, SQLITE_FILE_NAME));
    writer.pragma('journal_mode = WAL');
    const failing = { checkpoint: () => Promise.reject(new Error('the SQLite checkpoint thread has ended')), stop: () => Promise.resolve() };
    const connections = new SqliteConnections(writer, () => writer, { thread: failing, everyMs: 0 });
    try {
      expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      connections.noteWrite();
      await connections.checkpointIfDue();
      expect(writer.pragma('wal_autocheckpoint', { simple: true })).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    } finally {
      await connections.close();
    }
  });

  it('checkpoints writes made outside transactions from its timer', async () => {
    const { db, sizes } = await open(20);
    const row = Buffer.alloc(4096, 7);
    for (let r = 0; r < 1000; r++) await sql`insert into blobs values (${row})`.execute(db);
    const deadline = performance.now() + 5000;
    while (sizes().db < 4e6 && performance.now() < deadline) await delay(10);
    expect(sizes().db).toBeGreaterThan(4e6);
  });
});
