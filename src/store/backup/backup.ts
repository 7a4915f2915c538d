// Backing up a live database to a file (format.ts), while the server keeps writing.
// Promises: every table describeTables carries is written in full, all of them from ONE consistent snapshot
// (PostgreSQL: a REPEATABLE READ READ ONLY transaction; SQLite: one read transaction on the WAL database, which sees
// the database as of its first read and never blocks the server's writers); rows are streamed page by page, never
// the whole table in memory; the file appears under its name only once complete (written as <file>.partial-<pid>,
// mode 0600 — it holds secrets' hashes and the signing keys — then renamed).
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../database.js';
import { engineOf } from '../engine.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  TableChecksum,
  toCanonical,
  type BackupHeader,
  type Manifest,
  type TableDigest,
  type TableEnd,
  type TableHeader,
} from './format.js';
import { BackupSchemaError, MIGRATION_TABLES, describeTables, type ExcludedTable, type TableInfo } from './tables.js';

/** Rows read per page (a page of devices' hashes is ~5 MB of JSON). */
const PAGE_ROWS = 1000;

export interface BackupProgress {
  table: string;
  /** Rows written so far, all tables. */
  done: number;
  /** Rows in the snapshot, all tables. */
  total: number;
}

export interface BackupOptions {
  /** Written into the header (the CLI passes package.json's version). */
  tarmacVersion: string;
  now?: () => Date;
  onProgress?: (progress: BackupProgress) => void;
  /** gzip level, 1 (fastest) … 9 (smallest); default 6. */
  gzipLevel?: number;
}

export interface BackupSummary {
  engine: 'sqlite' | 'postgres';
  migrations: string[];
  tables: ({ name: string } & TableDigest)[];
  excluded: ExcludedTable[];
  rows: number;
}

/**
 * Writes the backup's lines (uncompressed) to `sink`, awaiting it between pages (back-pressure). A null sink reads
 * and checksums only: `tableChecksums` below.
 */
export async function writeBackup(db: Db, sink: ((chunk: string) => Promise<void>) | null, options: BackupOptions): Promise<BackupSummary> {
  const engine = engineOf(db);
  return inSnapshot(db, async (conn) => {
    const plan = await describeTables(conn);
    const migrations = await appliedMigrations(conn);
    if (migrations.length === 0) throw new BackupSchemaError('This database has never been migrated (no Tarmac tables): there is nothing to back up.');
    const counts: Record<string, number> = {};
    for (const t of plan.tables) {
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.id(t.name)}`.execute(conn);
      counts[t.name] = Number(rows[0]?.n ?? 0);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      tarmacVersion: options.tarmacVersion,
      engine,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      migrations,
      tables: counts,
    };
    await sink?.(`${JSON.stringify(header)}\n`);
    const digests: BackupSummary['tables'] = [];
    let done = 0;
    for (const table of plan.tables) {
      await sink?.(`${JSON.stringify({ table: table.name, columns: table.columns.map((c) => [c.name, c.kind]) } satisfies TableHeader)}\n`);
      const checksum = new TableChecksum();
      for await (const page of readPages(conn, engine, table)) {
        let chunk = '';
        for (const row of page) {
          const line = JSON.stringify(table.columns.map((c) => toCanonical(table.name, c, row[c.name])));
          checksum.add(line);
          chunk += `${line}\n`;
        }
        await sink?.(chunk);
        done += page.length;
        options.onProgress?.({ table: table.name, done, total });
      }
      const digest = checksum.digest();
      digests.push({ name: table.name, ...digest });
      await sink?.(`${JSON.stringify({ end: table.name, ...digest } satisfies TableEnd)}\n`);
    }
    const manifest: Manifest = { manifest: Object.fromEntries(digests.map(({ name, ...d }) => [name, d])), rows: done };
    await sink?.(`${JSON.stringify(manifest)}\n`);
    return { engine, migrations, tables: digests, excluded: plan.excluded, rows: done };
  });
}

/** Each carried table's row count and checksum, as a backup of the database now would record them. */
export async function tableChecksums(db: Db): Promise<Record<string, TableDigest>> {
  const summary = await writeBackup(db, null, { tarmacVersion: '' });
  return Object.fromEntries(summary.tables.map(({ name, ...d }) => [name, d]));
}

/** Writes a gzip'd backup to `file` (see the module comment); the summary has the file's size. */
export async function backupToFile(db: Db, file: string, options: BackupOptions): Promise<BackupSummary & { bytes: number }> {
  const partial = `${file}.partial-${process.pid}`;
  const gzip = createGzip({ level: options.gzipLevel ?? 6 });
  const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
  // A failure of the file (no such directory, disk full) ends the backup at its next write, instead of a wait for a
  // 'drain' that never comes.
  let failure: unknown;
  written.catch((err: unknown) => (failure ??= err));
  const sink = async (chunk: string): Promise<void> => {
    if (failure !== undefined) throw failure;
    if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), written]);
    if (failure !== undefined) throw failure;
  };
  try {
    const summary = await writeBackup(db, sink, options);
    gzip.end();
    await written;
    await rename(partial, file);
    return { ...summary, bytes: (await stat(file)).size };
  } catch (err) {
    gzip.destroy();
    await written.catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    throw err;
  }
}

/** Runs `work` on one connection inside a read-only snapshot of the whole database. */
async function inSnapshot<T>(db: Db, work: (conn: Kysely<unknown>) => Promise<T>): Promise<T> {
  const engine = engineOf(db);
  return db.connection().execute(async (conn) => {
    // Not db.transaction(): on SQLite that is BEGIN IMMEDIATE (the write lock), which would stop the server's writes.
    await sql.raw(engine === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin').execute(conn);
    try {
      const result = await work(conn as Kysely<unknown>);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** The migrations applied to the database (names in order); empty when it was never migrated. */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const [table] = MIGRATION_TABLES;
  const exists =
    engineOf(db) === 'sqlite'
      ? (await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`.execute(db)).rows[0]?.n
      : (await sql<{ n: string }>`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = ${table}`.execute(db)).rows[0]?.n;
  if (Number(exists) === 0) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.id(table ?? '')} order by name`.execute(db);
  return rows.map((r) => r.name);
}

type Row = Record<string, unknown>;

/** A table's rows, a page at a time. PostgreSQL: a cursor; SQLite: keyset pages over the rowid (or the primary key). */
async function* readPages(conn: Kysely<unknown>, engine: 'sqlite' | 'postgres', table: TableInfo): AsyncGenerator<Row[]> {
  const columns = sql.join(table.columns.map((c) => sql.id(c.name)));
  if (engine === 'postgres') {
    await sql`declare tarmac_backup no scroll cursor for select ${columns} from ${sql.id(table.name)}`.execute(conn);
    try {
      for (;;) {
        const { rows } = await sql<Row>`fetch forward ${sql.raw(String(PAGE_ROWS))} from tarmac_backup`.execute(conn);
        if (rows.length === 0) return;
        yield rows;
      }
    } finally {
      await sql`close tarmac_backup`.execute(conn);
    }
  }
  const key = table.pageKey;
  const keyAliases = key.map((_, i) => `__k${i}`);
  const keyList = sql.join(key.map((k) => (k === 'rowid' ? sql.raw('rowid') : sql.id(k))));
  const selectKeys = sql.join(key.map((k, i) => sql`${k === 'rowid' ? sql.raw('rowid') : sql.id(k)} as ${sql.id(keyAliases[i] ?? '')}`));
  let after: unknown[] | undefined;
  for (;;) {
    const where = after === undefined ? sql`` : sql`where (${keyList}) > (${sql.join(after.map((v) => sql`${v}`))})`;
    const { rows } = await sql<Row>`select ${selectKeys}, ${columns} from ${sql.id(table.name)} ${where} order by ${keyList} limit ${PAGE_ROWS}`.execute(conn);
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1] as Row;
    after = keyAliases.map((a) => last[a]);
    if (rows.length < PAGE_ROWS) return;
  }
}
