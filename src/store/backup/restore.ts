// Restoring a backup file (format.ts) into a database of either engine.
// Promises:
// - the database must be empty (every carried table without rows) unless `force`, which deletes its rows first;
// - it is brought to the backup's migration level first (never down: a database past the backup's level is refused),
//   the rows are restored, then it is migrated to this Tarmac's latest — the upgrade path of an older backup;
// - the wipe and every row go in ONE transaction, checked against the file's per-table checksums and its closing
//   manifest: a damaged, truncated or foreign file changes nothing (only the migrations of step 2 stay);
// - sequences (PostgreSQL serial/identity columns) continue after the restored rows; SQLite's sqlite_sequence follows
//   explicit rowids by itself; derived tables (SQLite search) are refilled by their triggers as rows go in;
// - PostgreSQL: the restored tables are analyzed before it returns (planner-statistics.ts), so that the first
//   statements against them are not planned without statistics.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { setAuditDeletes } from '../audit-repository.js';
import type { Db } from '../database.js';
import { migrateToLatest, migrateUpTo } from '../migrate.js';
import { migrations as knownMigrations } from '../migrations/index.js';
import { refreshPlannerStatistics } from '../planner-statistics.js';
import type { DatabaseSchema } from '../schema.js';
import { appliedMigrations } from './backup.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupFormatError,
  TableChecksum,
  fromCanonical,
  rowMatches,
  type BackupHeader,
  type CanonicalValue,
  type Manifest,
  type TableDigest,
  type TableEnd,
  type TableHeader,
} from './format.js';
import { DERIVED_CLEARED_ON_WIPE, describeTables, type TableInfo, type TablePlan } from './tables.js';

/** Bound parameters per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;
const MAX_BATCH_ROWS = 500;

/** A restore that cannot or must not go ahead; the message says why and what to do. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

export interface RestoreProgress {
  table: string;
  done: number;
  total: number;
}

export interface RestoreOptions {
  /** Delete the rows of a non-empty database first. */
  force?: boolean;
  onProgress?: (progress: RestoreProgress) => void;
}

export interface RestoreSummary {
  header: BackupHeader;
  tables: ({ name: string } & TableDigest)[];
  rows: number;
  /** Rows deleted first (--force), all tables. */
  wiped: number;
  /** Migrations run after the restore (the backup was older than this Tarmac). */
  migratedAfter: string[];
}

export async function restoreFromFile(db: Db, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  try {
    await access(file);
  } catch (err) {
    throw new RestoreError(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const gunzip = createGunzip();
  const source = createReadStream(file);
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  try {
    return await restoreLines(db, lines(gunzip, file), options);
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

/** The file's lines; a gzip error (not gzip, truncated) becomes a RestoreError naming the file. */
async function* lines(stream: NodeJS.ReadableStream & AsyncIterable<Buffer | string>, file: string): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of stream) {
      const parts = (rest + (chunk as string)).split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
  } catch (err) {
    throw new RestoreError(`${file} is not a whole Tarmac backup (gzip: ${(err as Error).message}).`, { cause: err });
  }
  if (rest !== '') yield rest;
}

/** Restores from the file's lines (uncompressed, without their newlines); restoreFromFile reads them from the file. */
export async function restoreLines(db: Db, input: AsyncIterable<string> | Iterable<string>, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const iterator = Symbol.asyncIterator in input ? input[Symbol.asyncIterator]() : toAsync(input[Symbol.iterator]());
  const first = await iterator.next();
  const header = parseHeader(first.done === true ? undefined : first.value);
  const level = header.migrations[header.migrations.length - 1] ?? '';
  const known = Object.keys(knownMigrations);
  const ours = known[known.length - 1] ?? '';
  if (!isPrefix(header.migrations, known)) {
    throw new RestoreError(
      `The backup is at migration ${level} (Tarmac ${header.tarmacVersion}), which this Tarmac does not have (its latest is ${ours}): restore it with Tarmac ${header.tarmacVersion} or later.`,
    );
  }
  const applied = await appliedMigrations(db as Kysely<unknown>);
  if (applied.length > header.migrations.length) {
    throw new RestoreError(
      `The backup is at migration ${level} (Tarmac ${header.tarmacVersion}), this database at ${applied[applied.length - 1] ?? ''}: restore into a new, empty database instead — Tarmac brings it to ${level}, restores, then migrates it to ${ours}.`,
    );
  }

  // Refuse a non-empty database before changing anything (even its migrations).
  const occupied = await rowCounts(db as Kysely<unknown>, (await describeTables(db as Kysely<unknown>)).tables);
  const occupiedTables = Object.entries(occupied).filter(([, n]) => n > 0);
  if (occupiedTables.length > 0 && options.force !== true) {
    const list = occupiedTables.slice(0, 5).map(([t, n]) => `${t}: ${n}`).join(', ');
    throw new RestoreError(
      `The database is not empty (${list}${occupiedTables.length > 5 ? ', …' : ''} rows). A restore replaces everything in it: run it again with --force to delete those rows first.`,
    );
  }

  if (applied.length < header.migrations.length) await migrateUpTo(db, level);
  const plan = await describeTables(db as Kysely<unknown>);
  const restored = await db.transaction().execute(async (trx) => {
    if (plan.engine === 'sqlite') await sql`pragma defer_foreign_keys = on`.execute(trx);
    const wiped = options.force === true ? await wipe(trx, plan) : 0;
    const digests = await restoreTables(trx, plan, header, iterator, options);
    if (plan.engine === 'postgres') await resetSequences(trx, plan.tables);
    return { wiped, digests };
  });
  const migratedAfter = await migrateToLatest(db);
  await refreshPlannerStatistics(db, plan.engine);
  return {
    header,
    tables: restored.digests,
    rows: restored.digests.reduce((n, t) => n + t.rows, 0),
    wiped: restored.wiped,
    migratedAfter,
  };
}

function toAsync(it: Iterator<string>): AsyncIterator<string> {
  return { next: () => Promise.resolve(it.next()) };
}

function parseHeader(line: string | undefined): BackupHeader {
  let value: unknown;
  try {
    value = line === undefined ? undefined : JSON.parse(line);
  } catch {
    value = undefined;
  }
  const h = value as Partial<BackupHeader> | undefined;
  if (h?.format !== BACKUP_FORMAT || !Array.isArray(h.migrations) || typeof h.tables !== 'object') {
    throw new RestoreError('This is not a Tarmac backup (its first line is not a tarmac-backup header).');
  }
  if (h.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new RestoreError(`The backup's format version is ${String(h.formatVersion)}; this Tarmac reads version ${BACKUP_FORMAT_VERSION}. Restore it with the Tarmac version that wrote it (${String(h.tarmacVersion)}) or later.`);
  }
  return h as BackupHeader;
}

const isPrefix = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((name, i) => b[i] === name);

async function rowCounts(db: Kysely<unknown>, tables: TableInfo[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.id(t.name)}`.execute(db);
    counts[t.name] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Deletes every carried table's rows, children first, and the derived rows the triggers do not remove. */
async function wipe(trx: Transaction<DatabaseSchema>, plan: TablePlan): Promise<number> {
  let deleted = 0;
  // The audit log is append-only (its triggers refuse deletes); a --force restore replaces it, through the one gate.
  await setAuditDeletes(trx, plan.engine, true);
  for (const t of [...plan.tables].reverse()) {
    const result = await sql`delete from ${sql.id(t.name)}`.execute(trx);
    deleted += Number(result.numAffectedRows ?? 0n);
  }
  await setAuditDeletes(trx, plan.engine, false);
  for (const t of plan.excluded) {
    if (DERIVED_CLEARED_ON_WIPE.includes(t.name)) await sql`delete from ${sql.id(t.name)}`.execute(trx);
  }
  return deleted;
}

async function restoreTables(
  trx: Transaction<DatabaseSchema>,
  plan: TablePlan,
  header: BackupHeader,
  lines: AsyncIterator<string>,
  options: RestoreOptions,
): Promise<({ name: string } & TableDigest)[]> {
  const targets = new Map(plan.tables.map((t) => [t.name, t]));
  const total = Object.values(header.tables).reduce((a, b) => a + (Number(b) || 0), 0);
  const digests: ({ name: string } & TableDigest)[] = [];
  let done = 0;
  let lineNo = 1;
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const r = await lines.next();
      if (r.done === true) return undefined;
      lineNo++;
      if (r.value !== '') return r.value;
    }
  };
  const damaged = (what: string): BackupFormatError => new BackupFormatError(`The backup is damaged at line ${lineNo}: ${what}. Nothing was restored.`);

  for (;;) {
    const line = await next();
    if (line === undefined) throw new RestoreError('The backup ends before its manifest: the file is incomplete (an interrupted backup or a truncated copy). Nothing was restored.');
    const record = parseRecord(line, damaged);
    if ('manifest' in record) {
      checkManifest(record, digests, damaged);
      if ((await next()) !== undefined) throw damaged('lines follow the manifest');
      return digests;
    }
    if (!('table' in record)) throw damaged('expected a table header or the manifest');
    const target = targets.get(record.table);
    if (target === undefined) {
      throw new RestoreError(`The backup has a table ${record.table} that this database does not have at migration ${header.migrations[header.migrations.length - 1] ?? ''}. Nothing was restored.`);
    }
    if (digests.some((d) => d.name === record.table)) throw damaged(`table ${record.table} appears twice`);
    const columns = matchColumns(record, target);
    const kinds = columns.map((c) => c.kind);
    const insert = inserter(trx, plan.engine, target.name, columns);
    const checksum = new TableChecksum();
    let batch: CanonicalValue[][] = [];
    for (;;) {
      const rowLine = await next();
      if (rowLine === undefined) throw new RestoreError(`The backup ends inside table ${record.table}: the file is incomplete. Nothing was restored.`);
      if (rowLine.startsWith('[')) {
        const row: unknown = JSON.parse(rowLine);
        if (!rowMatches(row, kinds)) throw damaged(`a row of ${record.table} does not have its columns' kinds`);
        checksum.add(rowLine);
        batch.push(row);
        if (batch.length >= insert.batchRows) {
          await insert.run(batch);
          done += batch.length;
          batch = [];
          options.onProgress?.({ table: target.name, done, total });
        }
        continue;
      }
      const end = parseRecord(rowLine, damaged);
      if (!('end' in end) || end.end !== record.table) throw damaged(`expected the end of table ${record.table}`);
      if (batch.length > 0) {
        await insert.run(batch);
        done += batch.length;
        options.onProgress?.({ table: target.name, done, total });
      }
      const digest = checksum.digest();
      if (digest.rows !== end.rows || digest.checksum !== end.checksum) {
        throw damaged(`table ${record.table} has ${digest.rows} rows whose checksum does not match the ${end.rows} rows recorded`);
      }
      digests.push({ name: record.table, ...digest });
      break;
    }
  }
}

type RecordLine = TableHeader | TableEnd | Manifest;

function parseRecord(line: string, damaged: (what: string) => Error): RecordLine {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as RecordLine;
  } catch {
    // reported below
  }
  throw damaged('not a JSON record');
}

function checkManifest(record: Manifest, digests: ({ name: string } & TableDigest)[], damaged: (what: string) => Error): void {
  const listed = Object.entries(record.manifest ?? {});
  if (listed.length !== digests.length) throw damaged(`the manifest lists ${listed.length} tables, the file holds ${digests.length}`);
  for (const [name, d] of listed) {
    const got = digests.find((x) => x.name === name);
    if (got === undefined || got.rows !== d.rows || got.checksum !== d.checksum) throw damaged(`the manifest does not match table ${name}`);
  }
}

/** The target's columns in the file's order; the same names and kinds, or the backup is refused. */
function matchColumns(record: TableHeader, target: TableInfo): TableInfo['columns'] {
  const file = (record.columns ?? []).map(([name, kind]) => `${name} ${kind}`);
  const ours = target.columns.map((c) => `${c.name} ${c.kind}`);
  if (file.join(',') !== ours.join(',')) {
    throw new RestoreError(
      `Table ${target.name} has other columns in the backup (${file.join(', ')}) than in this database (${ours.join(', ')}); the schemas differ at the same migration level. Nothing was restored.`,
    );
  }
  return target.columns;
}

function inserter(trx: Transaction<DatabaseSchema>, engine: 'sqlite' | 'postgres', table: string, columns: TableInfo['columns']) {
  const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  const head = `insert into ${quote(table)} (${columns.map((c) => quote(c.name)).join(', ')})${columns.some((c) => c.identityAlways) ? ' overriding system value' : ''} values `;
  const texts = new Map<number, string>();
  const text = (rows: number): string => {
    let t = texts.get(rows);
    if (t === undefined) {
      let p = 0;
      const tuple = (): string => `(${columns.map(() => (engine === 'postgres' ? `$${++p}` : '?')).join(', ')})`;
      t = head + Array.from({ length: rows }, tuple).join(', ');
      texts.set(rows, t);
    }
    return t;
  };
  return {
    batchRows,
    async run(rows: CanonicalValue[][]): Promise<void> {
      const params: unknown[] = [];
      for (const row of rows) for (let i = 0; i < columns.length; i++) params.push(fromCanonical(columns[i] as TableInfo['columns'][number], row[i] ?? null));
      await trx.executeQuery(CompiledQuery.raw(text(rows.length), params));
    },
  };
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL: each serial or identity column's sequence continues after the largest restored value. */
async function resetSequences(trx: Transaction<DatabaseSchema>, tables: TableInfo[]): Promise<void> {
  for (const t of tables) {
    for (const c of t.columns.filter((col) => col.sequenced)) {
      await sql`select setval(pg_get_serial_sequence(${quote(t.name)}, ${c.name}), coalesce(max(${sql.id(c.name)}), 0) + 1, false) from ${sql.id(t.name)}`.execute(trx);
    }
  }
}

