// `tarmac backup` / `tarmac restore` at scale (issue 12, item 7): a registry of BENCH_BACKUP_DEVICES synthetic devices
// (default 100000; each with its real-size 4 KB hash, identity keys and pre-created Entra object, seeded by
// seed-registry.ts) on SQLite is backed up; the file is restored into PostgreSQL (across) and into SQLite (same); the
// PostgreSQL copy is backed up in turn and restored into both. Reports the file size, backup seconds and restore
// seconds for each, and checks that both backups record the same rows and checksums. gzip level: BENCH_BACKUP_LEVEL
// (default 6). BENCH_NO_RECORD=1 prints without writing bench/results/backup.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backupToFile, restoreFromFile, type BackupSummary } from '../src/store/backup/index.js';
import { createTenantsStore, migrateToLatest, openDatabase, type Db, type Engine } from '../src/store/index.js';
import { createTenant } from '../src/tenants/index.js';
import { fmt, recordResult } from './lib.js';
import { postgresAvailable, scratchFor, type Scratch } from './scratch.js';
import { seedRegistry } from './seed-registry.js';

const DEVICES = Number(process.env.BENCH_BACKUP_DEVICES ?? 100_000);
const LEVEL = Number(process.env.BENCH_BACKUP_LEVEL ?? 6);

interface Opened {
  engine: Engine;
  scratch: Scratch;
  db: Db;
}

async function open(engine: Engine, label: string): Promise<Opened> {
  const scratch = await scratchFor(engine, label);
  return { engine, scratch, db: await openDatabase(scratch.settings) };
}

async function close(o: Opened): Promise<void> {
  await o.db.destroy();
  await o.scratch.drop();
}

async function timedBackup(from: Opened, file: string): Promise<{ summary: BackupSummary & { bytes: number }; seconds: number }> {
  const started = performance.now();
  const summary = await backupToFile(from.db, file, { tarmacVersion: 'bench', gzipLevel: LEVEL });
  return { summary, seconds: (performance.now() - started) / 1000 };
}

async function timedRestore(file: string, engine: Engine): Promise<number> {
  const to = await open(engine, 'backup_restore');
  try {
    const started = performance.now();
    await restoreFromFile(to.db, file);
    return (performance.now() - started) / 1000;
  } finally {
    await close(to);
  }
}

export async function run(): Promise<void> {
  if (!Number.isSafeInteger(DEVICES) || DEVICES < 1) throw new Error(`BENCH_BACKUP_DEVICES must be a positive whole number (got ${process.env.BENCH_BACKUP_DEVICES})`);
  const withPostgres = await postgresAvailable();
  const dir = mkdtempSync(path.join(tmpdir(), 'tarmac-bench-backup-'));
  const results: Record<string, unknown>[] = [];
  const source = await open('sqlite', 'backup_source');
  try {
    await migrateToLatest(source.db);
    const who = await createTenant(createTenantsStore(source.db), { domain: 'bench.onmicrosoft.com', displayName: 'Bench' });
    const seeded = await seedRegistry(source.db, who.tenant.id, 0, DEVICES);
    console.log(`  seeded ${fmt(DEVICES)} devices on sqlite in ${fmt(seeded.seconds, 1)} s`);

    const fromSqlite = path.join(dir, 'sqlite.backup.gz');
    const b1 = await timedBackup(source, fromSqlite);
    const report = (from: Engine, to: Engine, b: { summary: BackupSummary & { bytes: number }; seconds: number }, restoreSeconds: number): void => {
      const row = { from, to, rows: b.summary.rows, fileMB: Math.round(b.summary.bytes / 1e5) / 10, backupSeconds: round(b.seconds), restoreSeconds: round(restoreSeconds) };
      results.push(row);
      console.log(`  ${from} → ${to}: ${fmt(row.rows)} rows, file ${fmt(row.fileMB, 1)} MB, backup ${fmt(row.backupSeconds, 1)} s, restore ${fmt(row.restoreSeconds, 1)} s`);
    };
    report('sqlite', 'sqlite', b1, await timedRestore(fromSqlite, 'sqlite'));
    if (withPostgres) {
      // The PostgreSQL source is the restored copy (seeding PostgreSQL again would measure the seeding).
      const pg = await open('postgres', 'backup_pg');
      try {
        const started = performance.now();
        await restoreFromFile(pg.db, fromSqlite);
        report('sqlite', 'postgres', b1, (performance.now() - started) / 1000);
        const fromPostgres = path.join(dir, 'postgres.backup.gz');
        const b2 = await timedBackup(pg, fromPostgres);
        if (JSON.stringify(b2.summary.tables) !== JSON.stringify(b1.summary.tables)) throw new Error('the PostgreSQL copy backs up other rows than the SQLite source');
        report('postgres', 'postgres', b2, await timedRestore(fromPostgres, 'postgres'));
        report('postgres', 'sqlite', b2, await timedRestore(fromPostgres, 'sqlite'));
      } finally {
        await close(pg);
      }
    }
  } finally {
    await close(source);
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.BENCH_NO_RECORD === '1') return;
  console.log(`wrote ${recordResult('backup', { devices: DEVICES, gzipLevel: LEVEL, results })}`);
}

const round = (s: number): number => Math.round(s * 100) / 100;
