// The storage conformance battery on SQLite (a temp directory per test; migrated ones copy the run's template), and
// what only SQLite needs: WAL, foreign keys and a busy timeout, so that the CLI and the server can share one file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_BUSY_TIMEOUT_MS, SQLITE_CACHE_KIB, SQLITE_FILE_NAME, createTenantsStore, migrateToLatest } from '../../src/store/index.js';
import { createTenant } from '../../src/tenants/index.js';
import { storageConformance } from './conformance.js';
import { registryConformance } from './registry-conformance.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import { createSqliteTestDatabase, type TestDatabase } from '../support/test-databases.js';

const migrated = () => createMigratedTestDatabase('sqlite');
storageConformance('SQLite', () => createSqliteTestDatabase(), migrated);
registryConformance('SQLite', migrated);

describe('SQLite specifics', () => {
  let tdb: TestDatabase;
  beforeEach(async () => {
    tdb = await createSqliteTestDatabase();
    await migrateToLatest(tdb.db);
  });
  afterEach(async () => {
    await tdb.cleanup();
  });

  it('keeps the database in the data directory, in WAL mode, with foreign keys, a busy timeout and a page cache of its own size', async () => {
    expect(existsSync(join(tdb.settings.dataDir, SQLITE_FILE_NAME))).toBe(true);
    const pragma = async (name: string): Promise<unknown> => {
      const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(tdb.db);
      return Object.values(rows[0] ?? {})[0];
    };
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(SQLITE_BUSY_TIMEOUT_MS);
    // Negative: KiB, not pages (better-sqlite3 builds SQLite with -16000).
    expect(await pragma('cache_size')).toBe(-SQLITE_CACHE_KIB);
  });

  it('waits for another process’s write instead of failing (the CLI writing while the server runs)', async () => {
    // Another process takes the write lock and holds it for 400 ms.
    const file = join(tdb.settings.dataDir, SQLITE_FILE_NAME);
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const db = new D(process.argv[1]);
         db.exec('begin immediate');
         db.prepare("insert into tenants (id, display_name, created_at) values (?, 'other process', ?)").run('${randomUUID()}', new Date().toISOString());
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('commit'); db.close(); }, 400);`,
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      holder.on('error', reject);
      holder.on('exit', (code) => reject(new Error(`lock holder exited early with ${code}`)));
    });
    const store = createTenantsStore(tdb.db);
    const started = Date.now();
    const created = await createTenant(store, { domain: 'waited.onmicrosoft.com' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(await exited).toBe(0);
    expect((await store.tenants.list()).map((t) => t.displayName).sort()).toEqual(['Waited', 'other process']);
    expect(created.tenant.domains[0]?.name).toBe('waited.onmicrosoft.com');
  });
});
