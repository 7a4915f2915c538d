// `tarmac backup <file>` and `tarmac restore <file> [--force]`: the configured database (TARMAC_DATABASE_URL or the
// data directory) to one engine-neutral file and back, while the server runs (backup) or into an empty database
// (restore). Progress on stderr, a summary on stdout (--json: one object). Exit 0 done, 1 the file or the target
// database is refused (the message says why and what to do), 2 the command could not run. Neither command migrates
// before it starts: backup records the level it finds, restore migrates as src/store/backup/restore.ts says.
import { loadConfig } from '../../config.js';
import { tarmacVersion } from '../../http/version.js';
import { fail } from '../../server/cli-support.js';
import { BackupFormatError, BackupSchemaError, RestoreError, backupToFile, restoreFromFile } from '../../store/backup/index.js';
import { openDatabase, type Db } from '../../store/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput, type Output } from '../output.js';
import { progressReporter } from '../progress.js';

export interface BackupCommandOptions {
  json?: boolean;
  /** gzip level 1–9 (string from commander). */
  level?: string;
}

export interface RestoreCommandOptions {
  json?: boolean;
  force?: boolean;
}

export async function backup(file: string, options: BackupCommandOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  const level = options.level === undefined ? 6 : Number(options.level);
  if (!Number.isInteger(level) || level < 1 || level > 9) return refuse(out, options.json, 'InvalidArgument', `--level must be an integer from 1 to 9, not '${options.level ?? ''}'.`);
  return withDatabase(out, options.json, async (db) => {
    const progress = progressReporter(out, options.json === true);
    const started = performance.now();
    const summary = await backupToFile(db, file, {
      tarmacVersion: tarmacVersion(),
      gzipLevel: level,
      onProgress: (p) => progress.update(p.done, p.total, `rows (${p.table})`),
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const result = {
      file,
      engine: summary.engine,
      migration: summary.migrations.at(-1) ?? '',
      tables: summary.tables.length,
      rows: summary.rows,
      bytes: summary.bytes,
      seconds: round(seconds),
    };
    if (options.json) out.json({ ...result, perTable: summary.tables });
    else
      out.line(
        `Backed up ${result.tables} tables, ${result.rows.toLocaleString('en-US')} rows (${megabytes(result.bytes)}) from ${result.engine} at migration ${result.migration} to ${file} in ${result.seconds} s.`,
      );
    return 0;
  });
}

export async function restore(file: string, options: RestoreCommandOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  return withDatabase(out, options.json, async (db) => {
    const progress = progressReporter(out, options.json === true);
    const started = performance.now();
    const summary = await restoreFromFile(db, file, {
      force: options.force === true,
      onProgress: (p) => progress.update(p.done, p.total, `rows (${p.table})`),
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const result = {
      file,
      from: { engine: summary.header.engine, tarmacVersion: summary.header.tarmacVersion, createdAt: summary.header.createdAt, migration: summary.header.migrations.at(-1) ?? '' },
      tables: summary.tables.length,
      rows: summary.rows,
      wiped: summary.wiped,
      migratedAfter: summary.migratedAfter,
      seconds: round(seconds),
    };
    if (options.json) out.json(result);
    else {
      if (summary.wiped > 0) out.line(`Deleted ${summary.wiped.toLocaleString('en-US')} rows first (--force).`);
      out.line(
        `Restored ${result.tables} tables, ${result.rows.toLocaleString('en-US')} rows from ${file} (${result.from.engine}, Tarmac ${result.from.tarmacVersion}, taken ${result.from.createdAt}) in ${result.seconds} s.`,
      );
      if (summary.migratedAfter.length > 0) out.line(`Then migrated from ${result.from.migration} to ${summary.migratedAfter.at(-1) ?? ''} (${summary.migratedAfter.length} migrations).`);
    }
    return 0;
  });
}

/** The configured database, NOT migrated, for the length of `work`; refusals exit 1, other failures 2. */
async function withDatabase(out: Output, json: boolean | undefined, work: (db: Db) => Promise<ExitCode>): Promise<ExitCode> {
  let db: Db;
  try {
    db = await openDatabase(loadConfig(process.env));
  } catch (err) {
    return fail(out, json, err);
  }
  try {
    return await work(db);
  } catch (err) {
    if (err instanceof RestoreError) return refuse(out, json, 'RestoreRefused', err.message);
    if (err instanceof BackupFormatError) return refuse(out, json, 'BackupDamaged', err.message);
    if (err instanceof BackupSchemaError) return refuse(out, json, 'BackupUnsupported', err.message);
    return fail(out, json, err);
  } finally {
    await db.destroy();
  }
}

function refuse(out: Output, json: boolean | undefined, code: string, message: string): ExitCode {
  if (json) out.json({ error: { code, message } });
  else out.error(`error: ${message}`);
  return 1;
}

const round = (s: number): number => Math.round(s * 100) / 100;
const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
