// Kysely's SQLite driver, reworked so that a long write transaction (an import batch) stops neither the process nor its
// reads. better-sqlite3 runs every statement synchronously on the event loop, and Kysely's own driver has one
// connection behind a mutex: a batch of 2,000 registrations held the connection, and the event loop, for 1–2 s, and
// every PC asking for its profile meanwhile waited for the whole batch (bench import, 2026-12-07: lookups during a
// 20k SQLite import p50 1.8 s, p99 2.0 s).
//
// What it promises:
// - One writer. A session (Kysely's "connection") takes the writer's mutex at its first statement that is not a plain
//   read (a write, BEGIN, a pragma) and keeps it until Kysely releases the session, so a transaction, a migration or a
//   backup snapshot has the writer to itself from its BEGIN to its end, exactly as with Kysely's driver.
// - Reads outside a transaction never wait. A session's plain read (a SELECT or WITH … SELECT that SQLite reports as
//   read-only) before it holds the mutex runs at once: on the writer when no transaction is open on it (the same
//   connection and page cache as before), otherwise on the reader, a second connection to the same file opened on
//   first need. In WAL mode the reader sees the database as last committed, never the open transaction's rows, and
//   never blocks the writer or waits for it: what a read through another process would see.
// - A transaction gives the event loop a turn every YIELD_AFTER_MS of its statements (setImmediate), so requests are
//   parsed, and reads answered from the reader, while a batch runs. Writers still queue for the mutex, in order.
// - The server's WAL checkpoints run in a thread (sqlite-checkpointer.ts), at the writer's request, while it holds the
//   mutex: after a transaction's commit once CHECKPOINT_EVERY_MS has passed, or from a timer. The event loop serves
//   meanwhile; writers wait for the checkpoint as they would for a transaction.
// - Transactions begin IMMEDIATE (the write lock up front): a deferred BEGIN that reads and then writes fails at once
//   with SQLITE_BUSY if another process wrote in between, busy timeout or not. DDL is transactional, so each migration
//   runs in one transaction: two processes migrating one fresh file serialise, and a failed migration leaves nothing.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SQLITE_AUTOCHECKPOINT_PAGES, type CheckpointThread } from './sqlite-checkpointer.js';
import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type LogEvent,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * How long a transaction runs its statements before it lets the event loop take a turn, in ms. A read arriving
 * meanwhile waits at most about this long (plus its own time); each turn costs the transaction a few µs.
 */
export const YIELD_AFTER_MS = 10;

/**
 * How often the writer has the checkpoint thread copy the WAL back into the database while writes come (ms): after a
 * transaction's commit once this long has passed since the last checkpoint, and otherwise from a timer.
 */
export const CHECKPOINT_EVERY_MS = 2000;

/**
 * The process's connections to one SQLite file: the writer, a reader for reads while a transaction is open, and
 * (the server) the thread that checkpoints the WAL for the writer (sqlite-checkpointer.ts).
 */
export class SqliteConnections {
  readonly writer: SqliteDatabase.Database;
  readonly #openReader: () => SqliteDatabase.Database;
  #reader: SqliteDatabase.Database | undefined;
  /** Held by whoever uses the writer: a session (see the header), or a checkpoint; reads do not take it. */
  readonly mutex = new Mutex();
  readonly #checkpoints: CheckpointThread | undefined;
  readonly #checkpointEveryMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Written to since the last checkpoint. */
  #dirty = false;
  #lastCheckpointAt = performance.now();

  /**
   * Each statement's own time (SQLite's execution, not the wait for the writer or the event loop's turns), and each
   * checkpoint the writer waited for, as a `pragma wal_checkpoint(PASSIVE)` (statement-times.ts reads these).
   */
  readonly log: ((event: LogEvent) => void) | undefined;

  /** `checkpoints`: the thread, and how often to use it (default CHECKPOINT_EVERY_MS); none: SQLite's own. */
  constructor(
    writer: SqliteDatabase.Database,
    openReader: () => SqliteDatabase.Database,
    checkpoints?: { thread: CheckpointThread; everyMs?: number | undefined },
    log?: (event: LogEvent) => void,
  ) {
    this.writer = writer;
    this.log = log;
    this.#openReader = openReader;
    this.#checkpoints = checkpoints?.thread;
    this.#checkpointEveryMs = checkpoints?.everyMs ?? CHECKPOINT_EVERY_MS;
    if (checkpoints !== undefined) {
      // No commit checkpoints while the thread works (sqlite-checkpointer.ts): SQLite's would run on the event loop.
      writer.pragma('wal_autocheckpoint = 0');
      // Writes outside transactions (a PC's contact time, an admin's change) end in no commit that checkpoints.
      this.#timer = setInterval(() => void this.#checkpointWhenFree(), Math.max(this.#checkpointEveryMs, 10));
      this.#timer.unref();
    }
  }

  /** Where a read outside any transaction runs now: the writer unless a transaction is open on it, else the reader. */
  forRead(): SqliteDatabase.Database {
    return this.writer.inTransaction ? this.reader() : this.writer;
  }

  /** The reader, opened on first use. */
  reader(): SqliteDatabase.Database {
    return (this.#reader ??= this.#openReader());
  }

  /** The writer has written (a statement that is not a plain read). */
  noteWrite(): void {
    this.#dirty = true;
  }

  /**
   * With the mutex held and no transaction open: a checkpoint in the thread when the WAL has been written to and the
   * last one is the interval old. Nothing is appended while it runs, so it copies the whole WAL (unless another
   * process writes meanwhile), and the next write starts the WAL over.
   */
  async checkpointIfDue(): Promise<void> {
    if (this.#checkpoints === undefined || !this.#dirty || performance.now() - this.#lastCheckpointAt < this.#checkpointEveryMs) return;
    this.#dirty = false;
    this.#lastCheckpointAt = performance.now();
    try {
      await this.#checkpoints.checkpoint();
      this.log?.({ level: 'query', query: CHECKPOINT_QUERY, queryDurationMillis: performance.now() - this.#lastCheckpointAt });
    } catch {
      // The thread failed or is stopping: the writer's own automatic checkpoints take over.
      if (this.writer.open) this.writer.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    }
  }

  async #checkpointWhenFree(): Promise<void> {
    if (!this.#dirty || performance.now() - this.#lastCheckpointAt < this.#checkpointEveryMs) return;
    await this.mutex.lock();
    try {
      if (this.writer.open && !this.writer.inTransaction) await this.checkpointIfDue();
    } finally {
      this.mutex.unlock();
    }
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#checkpoints?.stop();
    this.#reader?.close();
    this.writer.close();
  }
}

const CHECKPOINT_QUERY = CompiledQuery.raw('pragma wal_checkpoint(PASSIVE)');

/** SELECT or WITH first (after comments): a statement that may be a plain read; SQLite has the last word (`readonly`). */
const MAY_READ = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:select|with)\b/i;

/** Kysely's SQLite dialect over SqliteConnections (see the header). */
export class TarmacSqliteDialect implements Dialect {
  readonly #open: () => Promise<SqliteConnections>;

  constructor(open: () => Promise<SqliteConnections>) {
    this.#open = open;
  }

  createDriver(): Driver {
    return new TarmacSqliteDriver(this.#open);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TarmacSqliteDriver implements Driver {
  readonly #open: () => Promise<SqliteConnections>;
  #connections: SqliteConnections | undefined;

  constructor(open: () => Promise<SqliteConnections>) {
    this.#open = open;
  }

  async init(): Promise<void> {
    this.#connections = await this.#open();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#connections === undefined) throw new Error('the SQLite driver was not initialised');
    return new SqliteSession(this.#connections);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    // The session still holds the writer: a checkpoint now copies the whole WAL (see SqliteConnections).
    await this.#connections?.checkpointIfDue();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteSession).release();
  }

  async destroy(): Promise<void> {
    await this.#connections?.close();
  }
}

/** One Kysely "connection": plain reads at once, everything else on the writer under its mutex (see the header). */
class SqliteSession implements DatabaseConnection {
  readonly #connections: SqliteConnections;
  #holdsWriter = false;
  /** When the session last came back from a turn of the event loop (or took the writer). */
  #resumedAt = 0;

  constructor(connections: SqliteConnections) {
    this.#connections = connections;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#holdsWriter) {
      if (MAY_READ.test(query.sql)) {
        const started = performance.now();
        const statement = this.#connections.forRead().prepare(query.sql);
        if (statement.reader && statement.readonly) return this.#logged(query, started, { rows: statement.all(query.parameters) as R[] });
      }
      await this.#connections.mutex.lock();
      this.#holdsWriter = true;
      this.#resumedAt = performance.now();
    }
    const writer = this.#connections.writer;
    const started = performance.now();
    const { read, ...result } = this.#logged(query, started, run<R>(writer, query));
    if (!read) this.#connections.noteWrite();
    if (writer.inTransaction && performance.now() - this.#resumedAt > YIELD_AFTER_MS) {
      await nextTurn();
      this.#resumedAt = performance.now();
    }
    return result;
  }

  // eslint-disable-next-line require-yield -- Tarmac streams no query; Kysely's interface requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries is not supported on SQLite here; page with keyset queries instead');
  }

  /** `result`, once the statement's own time since `started` is in the log. */
  #logged<T>(query: CompiledQuery, started: number, result: T): T {
    this.#connections.log?.({ level: 'query', query, queryDurationMillis: performance.now() - started });
    return result;
  }

  release(): void {
    if (!this.#holdsWriter) return;
    this.#holdsWriter = false;
    this.#connections.mutex.unlock();
  }
}

/** Where eachRowQuery keeps its rows' values on the query. */
const EACH_ROW = Symbol('each row');

type EachRowQuery = CompiledQuery & { readonly [EACH_ROW]: readonly (readonly unknown[])[] };

/**
 * SQLite only: a write statement of one row (its `sql` binds one row's values) to run once for each of `rows`, in one
 * call of the driver: what a multi-row INSERT does, for less. In a loop of prepared single-row INSERTs SQLite writes
 * a 500-row chunk of the import queue in 5.3–5.8 ms against 7.6–8.3 for one 500-row statement with the same values
 * (22 columns; 2026-12-07), and the hashes beside them in 1.8–2.0 ms against 2.0–3.2.
 */
export function eachRowQuery(sql: string, rows: readonly (readonly unknown[])[]): CompiledQuery {
  return Object.freeze({ ...CompiledQuery.raw(sql, []), [EACH_ROW]: rows });
}

function run<R>(conn: SqliteDatabase.Database, query: CompiledQuery): QueryResult<R> & { read: boolean } {
  const statement = conn.prepare(query.sql);
  const rows = (query as Partial<EachRowQuery>)[EACH_ROW];
  if (rows !== undefined) {
    if (statement.reader) throw new Error(`eachRowQuery runs a write statement once per row; this one reads: ${query.sql}`);
    let changes = 0;
    for (const row of rows) changes += statement.run(row).changes;
    return { numAffectedRows: BigInt(changes), rows: [], read: false };
  }
  if (statement.reader) return { rows: statement.all(query.parameters) as R[], read: statement.readonly };
  const { changes, lastInsertRowid } = statement.run(query.parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [], read: false };
}

/** First come, first served. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  get held(): boolean {
    return this.#release !== undefined;
  }

  async lock(): Promise<void> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
  }

  unlock(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
