// Opening the database: SQLite (better-sqlite3, a file in the data directory) by default, PostgreSQL (pg Pool) when a
// postgres:// URL is configured. Both give the same Kysely<DatabaseSchema>.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, sql, type LogConfig } from 'kysely';
import type { DatabaseSchema } from './schema.js';
import { SqliteConnections, TarmacSqliteDialect } from './sqlite-driver.js';
import { SQLITE_AUTOCHECKPOINT_PAGES, startCheckpointThread } from './sqlite-checkpointer.js';

export type Db = Kysely<DatabaseSchema>;

export interface DatabaseSettings {
  /** Directory holding `tarmac.db` when SQLite is used. Created if missing. */
  dataDir: string;
  /** postgres:// URL; when set, PostgreSQL is used and dataDir is ignored. */
  databaseUrl?: string | undefined;
}

export interface DatabaseOptions {
  /** Kysely's statement log: the import bench times the server's statements by kind with it (statement-times.ts). */
  log?: LogConfig | undefined;
  /**
   * SQLite: WAL checkpoints in a thread of their own, not in commits on the event loop (sqlite-checkpointer.ts and
   * sqlite-driver.ts), every CHECKPOINT_EVERY_MS of writes (`everyMs`: another interval, for tests). For the server;
   * a short command does without the thread.
   */
  checkpointInBackground?: boolean | { everyMs: number } | undefined;
}

export const SQLITE_FILE_NAME = 'tarmac.db';

/**
 * How long a writer waits for another process (the CLI beside the server) to finish its write, in ms. Writes are
 * short, so a few seconds means "never fails in practice" while a stuck lock still surfaces as an error.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The page cache of a connection, in KiB: better-sqlite3's own 16 MB. A registration inserts into a dozen indexes,
 * several keyed by random values (the device id, identity keys, serial numbers, hash digests, physical ids), so each
 * device touches its own leaf pages once the tables outgrow the cache, and every insert reads them back through the
 * OS. The cache fills as pages are read, up to this size, and counts in the process's RSS (the import's peak RSS
 * target is 300 MB). In process, the worker's CPU time per device at 25k and 50k devices (one noisy run each): 2 MB
 * 558/768 µs, 16 MB 509/740, 32 MB 455/686, 64 MB 422/589. End to end (bench import, 100k, SQLite, quiet machine,
 * 2026-12-05, after the time-ordered ids): 16 MB 1,354 devices/s and 319 MB peak RSS, 32 MB 1,365 devices/s and
 * 341–348 MB; so 16 MB.
 */
export const SQLITE_CACHE_KIB = 16_384;

/** The reader's page cache, in KiB (see openSqlite). */
const SQLITE_READER_CACHE_KIB = 2_048;

/** A database that could not be opened; the message says which one and why. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
}

/**
 * Opens the configured database and checks that it answers. The caller owns the instance: `await db.destroy()`.
 * Does not migrate (see migrate.ts), so that tools can inspect a database without changing it.
 */
export async function openDatabase(settings: DatabaseSettings, options: DatabaseOptions = {}): Promise<Db> {
  const db = settings.databaseUrl ? openPostgres(settings.databaseUrl, options) : openSqlite(join(settings.dataDir, SQLITE_FILE_NAME), settings.dataDir, options);
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    const where = settings.databaseUrl ? `PostgreSQL at ${redactUrl(settings.databaseUrl)}` : `SQLite in ${settings.dataDir}`;
    throw new DatabaseOpenError(`Cannot open ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return db;
}

function openSqlite(file: string, dir: string, options: DatabaseOptions): Db {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DatabaseOpenError(`Cannot create the data directory ${dir}: ${(err as Error).message}. Set TARMAC_DATA_DIR to a writable directory.`, {
      cause: err,
    });
  }
  const open = (role: 'writer' | 'reader'): SqliteDatabase.Database => {
    const conn = new SqliteDatabase(file);
    // WAL: readers never block the writer and the CLI can write while the server runs; NORMAL sync is
    // durable across application crashes in WAL mode. Busy timeout: wait for the other process's write.
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    conn.pragma('foreign_keys = ON');
    conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    if (role === 'reader') {
      // Reads only, while the writer is in a transaction (sqlite-driver.ts). Its page cache is emptied whenever
      // another connection commits (SQLite drops a WAL reader's cache when the WAL changed), so a large one buys nothing.
      conn.pragma('query_only = 1');
      conn.pragma(`cache_size = -${SQLITE_READER_CACHE_KIB}`);
      return reusePreparedStatements(conn);
    }
    // Checkpoint every 64 MB of WAL (SQLITE_AUTOCHECKPOINT_PAGES); the file is cut back to 64 MB after a
    // checkpoint. The server checkpoints in a thread of its own instead (sqlite-checkpointer.ts), so that no commit
    // on the event loop copies the WAL: SqliteConnections turns this off while the thread works.
    conn.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    conn.pragma('journal_size_limit = 67108864');
    conn.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    return reusePreparedStatements(conn);
  };
  // A log function is fed by the driver, with each statement's own time: Kysely's would count the wait for the writer
  // and the event loop's turns inside a transaction (sqlite-driver.ts).
  const statementLog = typeof options.log === 'function' ? options.log : undefined;
  const db: Db = new Kysely<DatabaseSchema>({
    dialect: new TarmacSqliteDialect(async () => {
      const writer = open('writer');
      const background = options.checkpointInBackground;
      const checkpoints = background ? { thread: await startCheckpointThread(file), everyMs: background === true ? undefined : background.everyMs } : undefined;
      const connections = new SqliteConnections(writer, () => open('reader'), checkpoints, statementLog);
      sqliteConnections.set(db, connections);
      return connections;
    }),
    ...(options.log && statementLog === undefined ? { log: options.log } : {}),
  });
  return db;
}

/** Each SQLite database's connections, once Kysely has opened them (readAtOnce). */
const sqliteConnections = new WeakMap<Db, SqliteConnections>();

/**
 * SQLite only: the rows of a read statement, read at once, without Kysely's session and promise chain — or undefined
 * when that is not SQLite (PostgreSQL, a transaction's Kysely, the connections not opened yet or closed), and the caller
 * runs the statement through Kysely.
 *
 * Safe because SQLite statements run synchronously, and the read is its own autocommit transaction, seeing exactly
 * what a read through Kysely would: on the writer when no transaction is open on it, otherwise (an import batch
 * between two of its statements, say) on the reader, which sees the database as last committed, not the batch's rows
 * (sqlite-driver.ts).
 *
 * For the statements every PC's boot runs: read this way, the boot lookup costs the server ~12 µs less CPU a request
 * under the oobe bench's load than through Kysely (2026-12-06; the SQLite statement itself: ~40 µs there, 12–15 µs in
 * a tight loop).
 */
export function readAtOnce<R>(db: Db, statement: string, parameters: readonly unknown[]): R[] | undefined {
  return readManyAtOnce<R>(db, statement, [parameters])?.[0];
}

/**
 * SQLite only: readAtOnce for one statement with each of several parameter lists, all in one read transaction (the rows
 * of each, in order) — or undefined when that is not safe or not SQLite, as readAtOnce.
 *
 * Why: outside a transaction every statement is its own read transaction, and beginning and ending one in WAL mode
 * (the wal-index header, a read mark, the file's shared lock) cost as much as the boot lookup itself: 14 µs a lookup
 * one by one in a tight loop on a 10k registry, 7.4 µs in one transaction (2026-12-06). The reads see one snapshot,
 * as committed when the first of them ran.
 */
export function readManyAtOnce<R>(db: Db, statement: string, parameterLists: readonly (readonly unknown[])[]): R[][] | undefined {
  const connections = sqliteConnections.get(db);
  if (connections === undefined || !connections.writer.open) return undefined;
  const conn = connections.forRead();
  // One statement is a read transaction of its own.
  if (parameterLists.length === 1) return [conn.prepare(statement).all(parameterLists[0]) as R[]];
  conn.prepare('begin').run();
  try {
    const prepared = conn.prepare(statement);
    return parameterLists.map((parameters) => prepared.all(parameters) as R[]);
  } finally {
    conn.prepare('commit').run();
  }
}

/**
 * SQLite only: runs a write statement at once on the process's connection without waiting for another process's write
 * lock: 'written', or 'busy' when another process holds the lock (nothing was written) — or undefined when that is not
 * safe or not SQLite (as readAtOnce), and the caller runs the statement through Kysely.
 *
 * Why: better-sqlite3 is synchronous, so a write that waits for the lock (the busy timeout) stops the whole process,
 * every request in it, until the other process commits; SQLite's busy handler then sleeps 1, 2, 5, 10… ms between tries.
 * A caller that gets 'busy' waits on a timer instead (writeWithoutStalling), and the process serves meanwhile.
 */
export function writeAtOnce(db: Db, statement: string, parameters: readonly unknown[]): 'written' | 'busy' | undefined {
  const connections = sqliteConnections.get(db);
  if (connections === undefined) return undefined;
  const conn = connections.writer;
  // Someone holds the writer (a transaction, or a checkpoint that wants nothing appended): wait in line through Kysely.
  if (!conn.open || conn.inTransaction || connections.mutex.held) return undefined;
  conn.prepare('pragma busy_timeout = 0').get();
  try {
    conn.prepare(statement).run(parameters);
    connections.noteWrite();
    return 'written';
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return 'busy';
    throw err;
  } finally {
    conn.prepare(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`).get();
  }
}

/** How long writeWithoutStalling waits between tries while another process holds SQLite's write lock. */
const BUSY_RETRY_MS = 1;

/**
 * Runs a write statement outside any transaction. On SQLite: writeAtOnce, waiting on a timer while another process
 * holds the write lock, and after the busy timeout through Kysely (which waits for the lock in SQLite's busy handler,
 * and fails after it as any other write does). Elsewhere: through Kysely.
 */
export async function writeWithoutStalling(db: Db, query: CompiledQuery): Promise<void> {
  const deadline = performance.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    const outcome = writeAtOnce(db, query.sql, query.parameters);
    if (outcome === 'written') return;
    if (outcome === undefined || performance.now() >= deadline) break;
    await delay(BUSY_RETRY_MS);
  }
  await db.executeQuery(query);
}

/** Prepared statements kept per connection (least recently used dropped first). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every statement anew (`db.prepare(sql)` per query), which cost about a quarter of a
 * device's profile lookup. The same SQL text gets the same prepared statement here; a statement still busy (an
 * unfinished `iterate`) is never handed out twice — a fresh one is prepared instead. SQLite re-prepares a cached
 * statement by itself when the schema changes (migrations).
 */
function reusePreparedStatements(conn: SqliteDatabase.Database): SqliteDatabase.Database {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, SqliteDatabase.Statement>();
  conn.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit !== undefined && !hit.busy) {
      cache.delete(source); // most recently used last
      cache.set(source, hit);
      return hit;
    }
    const statement = prepare(source);
    cache.set(source, statement);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return statement;
  }) as typeof conn.prepare;
  return conn;
}

/**
 * How long a pooled PostgreSQL connection may sit idle before the pool closes it. pg's default, 10 s, closed them
 * between an admin's clicks: the next query then opened a connection and ran on a backend with cold caches, 23 ms for
 * a catalog query that takes 3.4 ms on the kept one (2026-12-06; a fresh backend also maps every shared buffer it
 * touches anew: a search page of 1,000 matches 40 ms instead of 3). Idle connections do not keep a process alive
 * (allowExitOnIdle): a command that ends without closing its database exits all the same.
 */
const POOL_IDLE_MS = 5 * 60_000;

function openPostgres(url: string, options: DatabaseOptions): Db {
  // pg is loaded only when a PostgreSQL URL is used (Kysely creates the pool on the first query): on SQLite, every
  // CLI command would otherwise pay for loading it at start-up.
  const pool = async (): Promise<Pool> => {
    const { default: pg } = await import('pg');
    const created = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: POOL_IDLE_MS, allowExitOnIdle: true, application_name: 'tarmac' });
    // An idle client losing its connection must not crash the process; the next query gets a fresh one.
    created.on('error', () => undefined);
    created.on('connect', keepPrepared);
    return created;
  };
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }), ...(options.log ? { log: options.log } : {}) });
}

/**
 * Marks a statement's SQL for PostgreSQL to keep prepared on each pooled connection: a named statement, parsed once per
 * connection and, after a few executions, run on a generic plan, where an unnamed one is parsed and planned at every
 * execution and described to the client each time. For the statements every PC's boot runs (compiled once, fixed
 * text, parameters only): 16 lookups in flight on the 2-vCPU machine ran 5,400–6,400 a second unnamed, 7,700–8,800
 * named. A comment, so the same SQL runs unchanged on SQLite (whose connection caches every statement it prepares).
 */
export function prepared(statement: string): string {
  return `${PREPARED}${statement}`;
}

const PREPARED = '/* prepared */ ';
const preparedNames = new Map<string, string>();

/** Runs each marked statement as a named one (its name: a digest of its text, so one name never means two texts). */
function keepPrepared(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !text.startsWith(PREPARED) || rest.length !== 1 || !Array.isArray(rest[0])) return query(text, ...rest);
    let name = preparedNames.get(text);
    if (name === undefined) {
      name = `tarmac_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      if (preparedNames.size < 1000) preparedNames.set(text, name);
    }
    return query({ name, text, values: rest[0] });
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** A round trip to the database (the health check): resolves when it answers, rejects with its error otherwise. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
