// `tarmac backup` and `tarmac restore` through bin/tarmac.js: SQLite → file → PostgreSQL → file → SQLite keeps the
// tenants and apps (tenant list), a non-empty target is refused (exit 1, says --force) until --force, bad files exit 1.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, removeTemps, tempDir } from '../support/serve-process.js';
import { createPostgresScratch } from '../support/test-databases.js';

afterAll(removeTemps);

describe('tarmac backup / restore', () => {
  it('moves a database from SQLite to PostgreSQL and back, refusing a non-empty target without --force', async () => {
    const files = tempDir();
    const sqliteA = { TARMAC_DATA_DIR: tempDir() };
    const sqliteB = { TARMAC_DATA_DIR: tempDir() };
    const scratch = await createPostgresScratch();
    const pg = { TARMAC_DATA_DIR: tempDir(), TARMAC_DATABASE_URL: scratch.url };
    try {
      for (const domain of ['contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com']) {
        const created = await cli(sqliteA, ['tenant', 'create', '--domain', domain, '--json']);
        expect(created.code, created.stderr).toBe(0);
      }
      const listed = await cli(sqliteA, ['tenant', 'list', '--json']);
      expect(listed.code, listed.stderr).toBe(0);

      const first = join(files, 'a.backup.gz');
      const backedUp = await cli(sqliteA, ['backup', first, '--json']);
      expect(backedUp.code, backedUp.stderr).toBe(0);
      const summary = JSON.parse(backedUp.stdout) as { engine: string; tables: number; rows: number; bytes: number };
      expect(summary).toMatchObject({ engine: 'sqlite', bytes: statSync(first).size });
      expect(summary.rows).toBeGreaterThan(0);
      expect((statSync(first).mode & 0o777).toString(8)).toBe('600');

      const restored = await cli(pg, ['restore', first]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(new RegExp(`^Restored ${summary.tables} tables, \\d+ rows from .*a\\.backup\\.gz \\(sqlite, Tarmac `));
      expect((await cli(pg, ['tenant', 'list', '--json'])).stdout).toBe(listed.stdout);

      const again = await cli(pg, ['restore', first]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^error: The database is not empty \(.*\)\. A restore replaces everything in it: run it again with --force/);
      const forced = await cli(pg, ['restore', first, '--force', '--json']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(JSON.parse(forced.stdout)).toMatchObject({ tables: summary.tables, rows: summary.rows, wiped: summary.rows });

      const second = join(files, 'b.backup.gz');
      const fromPg = await cli(pg, ['backup', second]);
      expect(fromPg.code, fromPg.stderr).toBe(0);
      expect(fromPg.stdout).toMatch(/^Backed up \d+ tables, \d+ rows \([\d.]+ MB\) from postgres at migration \d{4}_\w+ to .*b\.backup\.gz in [\d.]+ s\.\n$/);
      expect((await cli(sqliteB, ['restore', second])).code).toBe(0);
      expect((await cli(sqliteB, ['tenant', 'list', '--json'])).stdout).toBe(listed.stdout);

      const garbage = join(files, 'garbage.gz');
      writeFileSync(garbage, 'not gzip at all');
      const bad = await cli({ TARMAC_DATA_DIR: tempDir() }, ['restore', garbage, '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'RestoreRefused', message: expect.stringContaining('is not a whole Tarmac backup') } });
      const level = await cli(sqliteA, ['backup', join(files, 'c.gz'), '--level', '12']);
      expect(level.code).toBe(1);
      expect(level.stderr).toContain('--level must be an integer from 1 to 9');
      expect(existsSync(join(files, 'c.gz'))).toBe(false);
    } finally {
      await scratch.drop();
    }
  }, 180_000);
});
