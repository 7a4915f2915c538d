// Backup and restore (issue 12, item 7) on both engines and across them: a rich database round-trips SQLite → PostgreSQL
// → SQLite and PostgreSQL → SQLite → PostgreSQL with every table's row count and checksum unchanged, and the restored
// database works (its app's secret gets a token signed by the restored key; SQLite's search index is rebuilt). Every
// table of the schema is carried or excluded with a reason; restore refuses what it must (non-empty database, a
// database past the backup's migration, a backup from a newer Tarmac, a damaged file) and changes nothing then;
// an older backup is restored and migrated; sequences continue after the restored rows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { BackupFormatError, RestoreError, backupToFile, describeTables, restoreFromFile, tableChecksums, type TableDigest } from '../../src/store/backup/index.js';
import { createTenantsStore, migrateToLatest, type Db } from '../../src/store/index.js';
import { migrateUpTo } from '../../src/store/migrate.js';
import { migrations } from '../../src/store/migrations/index.js';
import { createTenant } from '../../src/tenants/index.js';
import { richDatabase } from '../support/backup-fixture.js';
import type { PartnerFixture } from '../support/partner-fixture.js';
import { ENGINES } from '../support/registry-fixture.js';
import { TEST_KEY_ENCRYPTION_KEY, createTestDatabase, dropPostgresFileDatabase, type TestDatabase, type TestEngine } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const dir = mkdtempSync(join(tmpdir(), 'tarmac-backup-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tempFile = (): string => join(dir, `b${++fileNo}.tarmac-backup.gz`);
const VERSION = { tarmacVersion: '0.0.0-test' };
const other = (e: TestEngine): TestEngine => (e === 'sqlite' ? 'postgres' : 'sqlite');
const LATEST = Object.keys(migrations).at(-1) ?? '';

/** What the issue names: every tenant, app, device, hash, key, group, profile and assignment (and the rest below). */
const MUST_HOLD_ROWS = [
  'audit_events',
  'tenants',
  'tenant_domains',
  'apps',
  'app_secrets',
  'signing_keys',
  'autopilot_devices',
  'autopilot_device_hashes',
  'device_identity_keys',
  'imported_device_identities',
  'entra_devices',
  'entra_device_physical_ids',
  'managed_devices',
  'neighbour_hardware_keys',
  'groups',
  'group_members',
  'deployment_profiles',
  'deployment_profile_assignments',
  'autopilot_settings',
  'organization_relationships',
  'device_batches',
  'device_jobs',
  'partner_policies',
  'users',
  'auth_codes',
  'refresh_tokens',
];

/** Every table of the database's current schema, from the catalog (not from describeTables). */
async function catalogTables(db: Kysely<unknown>, engine: TestEngine): Promise<string[]> {
  const { rows } =
    engine === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db);
  return rows.map((r) => r.name).sort();
}

describe.each(ENGINES)('what a backup carries (%s)', (engine) => {
  it('every table of the migrated schema is carried or excluded with a reason; only bookkeeping and derived tables are excluded', async () => {
    const tdb = await createTestDatabase(engine);
    try {
      await migrateToLatest(tdb.db);
      const plan = await describeTables(tdb.db as Kysely<unknown>);
      const carried = plan.tables.map((t) => t.name);
      const excluded = plan.excluded.map((t) => t.name);
      expect([...carried, ...excluded].sort()).toEqual(await catalogTables(tdb.db as Kysely<unknown>, engine));
      expect(new Set([...carried, ...excluded]).size).toBe(carried.length + excluded.length);
      for (const e of plan.excluded) expect(e.reason.length, e.name).toBeGreaterThan(10);
      // A new table is carried unless someone adds it here with its reason. (sqlite_sequence exists once a table
      // has AUTOINCREMENT.)
      const bookkeeping = ['tarmac_migrations', 'tarmac_migrations_lock', ...(excluded.includes('sqlite_sequence') ? ['sqlite_sequence'] : [])];
      const sqliteSearch = ['autopilot_device_search', 'autopilot_device_search_tenants', 'autopilot_device_search_fts'];
      const ftsShadows = ['config', 'data', 'docsize', 'idx'].map((s) => `autopilot_device_search_fts_${s}`);
      // audit_purge_gate: SQLite's switch for the audit log's retention purge, empty outside a purge.
      expect(excluded).toEqual((engine === 'sqlite' ? [...bookkeeping, ...sqliteSearch, ...ftsShadows, 'audit_purge_gate'] : bookkeeping).sort());
      for (const name of MUST_HOLD_ROWS) expect(carried).toContain(name);
      // Parents come before the tables that reference them.
      for (const [i, t] of plan.tables.entries()) for (const parent of t.references) expect(carried.indexOf(parent), `${parent} before ${t.name}`).toBeLessThan(i);
    } finally {
      await tdb.cleanup();
    }
  });
});

describe.each(ENGINES)('a rich database round-trips across engines, starting on %s', (engine) => {
  let source: PartnerFixture;
  let sourceSums: Record<string, TableDigest>;
  beforeAll(async () => {
    source = await richDatabase(engine);
    sourceSums = await tableChecksums(source.tdb.db);
  }, 120_000);
  afterAll(async () => source?.cleanup());

  it(`${engine} → ${other(engine)} → ${engine}: every table's rows and checksum are unchanged, and the copy works`, async () => {
    for (const name of MUST_HOLD_ROWS) expect(sourceSums[name]?.rows ?? 0, name).toBeGreaterThan(0);
    const first = tempFile();
    const backedUp = await backupToFile(source.tdb.db, first, VERSION);
    expect(backedUp.engine).toBe(engine);
    expect(backedUp.migrations).toEqual(Object.keys(migrations));
    expect(Object.fromEntries(backedUp.tables.map(({ name, ...d }) => [name, d]))).toEqual(sourceSums);

    const middle = await createTestDatabase(other(engine));
    const last = await createTestDatabase(engine);
    try {
      const restored = await restoreFromFile(middle.db, first);
      expect(restored.rows).toBe(backedUp.rows);
      expect(await tableChecksums(middle.db)).toEqual(sourceSums);

      const second = tempFile();
      const again = await backupToFile(middle.db, second, VERSION);
      expect(again.engine).toBe(other(engine));
      expect(again.tables).toEqual(backedUp.tables);
      await restoreFromFile(last.db, second);
      expect(await tableChecksums(last.db)).toEqual(sourceSums);

      for (const copy of [middle, last]) {
        await expectSearchWorks(copy);
        await expectTokenWorks(copy, source);
        await expectStatistics(copy);
      }
    } finally {
      await middle.cleanup();
      await last.cleanup();
    }
  });
});

/** PostgreSQL: the restore analyzed what it loaded (SQLite plans without statistics). */
async function expectStatistics(copy: TestDatabase): Promise<void> {
  if (copy.engine !== 'postgres') return;
  const tables = await sql<{ relname: string; reltuples: number }>`
    select relname, reltuples from pg_class where relnamespace = current_schema()::regnamespace and relname in ('autopilot_devices', 'entra_devices')`.execute(copy.db);
  expect(tables.rows.map((r) => [r.relname, Number(r.reltuples) > 0]).sort()).toEqual([['autopilot_devices', true], ['entra_devices', true]]);
}

/** SQLite: the derived search tables were refilled by their triggers (one link row per device, the FTS index finds serials). */
async function expectSearchWorks(copy: TestDatabase): Promise<void> {
  if (copy.engine !== 'sqlite') return;
  const devices = await sql<{ n: number }>`select count(*) as n from autopilot_devices`.execute(copy.db);
  const links = await sql<{ n: number }>`select count(*) as n from autopilot_device_search`.execute(copy.db);
  expect(links.rows[0]?.n).toBe(devices.rows[0]?.n);
  const found = await sql<{ serial_number: string }>`
    select s.serial_number from autopilot_device_search_fts f join autopilot_device_search s on s.search_id = f.rowid
    where autopilot_device_search_fts match '"BKP-3"'`.execute(copy.db);
  expect(found.rows.map((r) => r.serial_number)).toEqual(['BKP-3']);
}

/**
 * The restored app's secret (a scrypt hash in the file) gets a token, signed by the restored key. The signing key is
 * in the file encrypted, so the restored server runs with the source's key-encryption key (the README says so).
 */
async function expectTokenWorks(copy: TestDatabase, source: PartnerFixture): Promise<void> {
  const config = loadConfig({
    TARMAC_DATA_DIR: copy.settings.dataDir,
    TARMAC_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY,
    ...(copy.settings.databaseUrl ? { TARMAC_DATABASE_URL: copy.settings.databaseUrl } : {}),
  });
  const app = await buildApp({ db: copy.db, config, logger: false, importWorker: false });
  try {
    const res = await app.inject({
      method: 'POST',
      url: `/${source.contoso.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: source.contoso.app.clientId,
        client_secret: source.contoso.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const kid = (JSON.parse(Buffer.from(String(res.json().access_token).split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    const keys = await sql<{ kid: string }>`select kid from signing_keys`.execute(source.tdb.db);
    expect(keys.rows.map((k) => k.kid)).toContain(kid);
  } finally {
    await app.close();
  }
}

/** A migrated database with one tenant (and its app, secret and the tenants store's rows). */
async function smallDatabase(engine: TestEngine, domain = 'small.onmicrosoft.com'): Promise<TestDatabase> {
  const tdb = await createTestDatabase(engine);
  await migrateToLatest(tdb.db);
  await createTenant(createTenantsStore(tdb.db), { domain, displayName: 'Small' });
  return tdb;
}

describe.each(ENGINES)('restore refuses what it must, and changes nothing then (%s)', (engine) => {
  let source: TestDatabase;
  let file: string;
  let sums: Record<string, TableDigest>;
  beforeAll(async () => {
    source = await smallDatabase(engine);
    file = tempFile();
    await backupToFile(source.db, file, VERSION);
    sums = await tableChecksums(source.db);
  });
  afterAll(async () => source?.cleanup());

  it('refuses a database that holds rows, and with --force replaces them', async () => {
    const target = await smallDatabase(engine, 'other.onmicrosoft.com');
    try {
      const before = await tableChecksums(target.db);
      await expect(restoreFromFile(target.db, file)).rejects.toThrow(/not empty \(.*tenants: 1.*--force/);
      expect(await tableChecksums(target.db)).toEqual(before);
      const summary = await restoreFromFile(target.db, file, { force: true });
      expect(summary.wiped).toBeGreaterThan(0);
      expect(await tableChecksums(target.db)).toEqual(sums);
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a damaged or truncated file, a foreign file and a missing one, restoring nothing', async () => {
    const target = await createTestDatabase(engine);
    try {
      const text = gunzipSync(readFileSync(file)).toString('utf8');
      const lines = text.trimEnd().split('\n');
      const truncated = tempFile();
      writeFileSync(truncated, gzipSync(lines.slice(0, -1).join('\n') + '\n'));
      await expect(restoreFromFile(target.db, truncated)).rejects.toThrow(/ends before its manifest/);
      const cut = tempFile();
      writeFileSync(cut, readFileSync(file).subarray(0, 200));
      await expect(restoreFromFile(target.db, cut)).rejects.toThrow(RestoreError);
      const tampered = tempFile();
      const row = lines.findIndex((l) => l.includes('"Small"'));
      writeFileSync(tampered, gzipSync(lines.map((l, i) => (i === row ? l.replace('"Small"', '"Smaller"') : l)).join('\n') + '\n'));
      await expect(restoreFromFile(target.db, tampered)).rejects.toThrow(BackupFormatError);
      await expect(restoreFromFile(target.db, tampered)).rejects.toThrow(/damaged at line \d+: table tenants/);
      const foreign = tempFile();
      writeFileSync(foreign, gzipSync('{"hello":"world"}\n'));
      await expect(restoreFromFile(target.db, foreign)).rejects.toThrow(/not a Tarmac backup/);
      await expect(restoreFromFile(target.db, join(dir, 'nope.gz'))).rejects.toThrow(/Cannot read .*nope\.gz/);
      await expect(backupToFile(source.db, join(dir, 'no-such-dir', 'x.gz'), VERSION)).rejects.toThrow(/ENOENT/);
      // Nothing went in; the database is at the backup's level (brought there by the first attempt), ready for a good file.
      for (const digest of Object.values(await tableChecksums(target.db))) expect(digest.rows).toBe(0);
      await restoreFromFile(target.db, file);
      expect(await tableChecksums(target.db)).toEqual(sums);
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a backup from a newer Tarmac, and a database past the backup\'s migration', async () => {
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    const newer = tempFile();
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { migrations: string[] };
    writeFileSync(newer, gzipSync(text.replace(text.slice(0, text.indexOf('\n')), JSON.stringify({ ...header, migrations: [...header.migrations, '9999_future'] }))));
    const target = await createTestDatabase(engine);
    try {
      await expect(restoreFromFile(target.db, newer)).rejects.toThrow(`The backup is at migration 9999_future (Tarmac 0.0.0-test), which this Tarmac does not have (its latest is ${LATEST})`);
    } finally {
      await target.cleanup();
    }

    const old = await createTestDatabase(engine);
    const ahead = await createTestDatabase(engine);
    try {
      await migrateUpTo(old.db, '0008_users');
      await migrateToLatest(ahead.db);
      const oldFile = tempFile();
      await backupToFile(old.db, oldFile, VERSION);
      await expect(restoreFromFile(ahead.db, oldFile)).rejects.toThrow(`The backup is at migration 0008_users (Tarmac 0.0.0-test), this database at ${LATEST}: restore into a new, empty database`);
    } finally {
      await old.cleanup();
      await ahead.cleanup();
    }
  });
});

describe.each(ENGINES)('upgrade and sequences (%s)', (engine) => {
  it('restores a backup made at an older migration into an empty database, then migrates it to the latest', async () => {
    const old = await createTestDatabase(engine);
    const target = await createTestDatabase(other(engine));
    try {
      await migrateUpTo(old.db, '0008_users');
      const t = { id: '11111111-2222-3333-4444-555555555555', name: 'Old Co', at: '2024-01-01T00:00:00.000Z' };
      await sql`insert into tenants (id, display_name, created_at, kind) values (${t.id}, ${t.name}, ${t.at}, 'customer')`.execute(old.db);
      await sql`insert into autopilot_devices (id, tenant_id, serial_number, created_at, updated_at) values ('d1', ${t.id}, 'OLD-1', ${t.at}, ${t.at})`.execute(old.db);
      const file = tempFile();
      await backupToFile(old.db, file, VERSION);
      const summary = await restoreFromFile(target.db, file);
      expect(summary.migratedAfter).toEqual(Object.keys(migrations).slice(Object.keys(migrations).indexOf('0008_users') + 1));
      const rows = await sql<{ display_name: string; serial_number: string }>`
        select t.display_name, d.serial_number from tenants t join autopilot_devices d on d.tenant_id = t.id`.execute(target.db);
      expect(rows.rows).toEqual([{ display_name: 'Old Co', serial_number: 'OLD-1' }]);
    } finally {
      await old.cleanup();
      await target.cleanup();
    }
  });

  it('a serial or autoincrement column continues after the restored rows', async () => {
    const source = await createTestDatabase(engine);
    const target = await createTestDatabase(other(engine));
    const counterTable = (db: Db, e: TestEngine) =>
      sql
        .raw(e === 'sqlite' ? 'create table counters (id integer primary key autoincrement, note text not null) strict' : 'create table counters (id serial primary key, note text not null)')
        .execute(db);
    try {
      await migrateToLatest(source.db);
      await migrateToLatest(target.db);
      await counterTable(source.db, engine);
      await counterTable(target.db, other(engine));
      for (const note of ['a', 'b', 'c']) await sql`insert into counters (note) values (${note})`.execute(source.db);
      const file = tempFile();
      await backupToFile(source.db, file, VERSION);
      await restoreFromFile(target.db, file);
      await sql`insert into counters (note) values ('d')`.execute(target.db);
      const rows = await sql<{ id: number; note: string }>`select id, note from counters order by id`.execute(target.db);
      expect(rows.rows).toEqual([
        { id: 1, note: 'a' },
        { id: 2, note: 'b' },
        { id: 3, note: 'c' },
        { id: 4, note: 'd' },
      ]);
    } finally {
      await source.cleanup();
      await target.cleanup();
    }
  });
});
