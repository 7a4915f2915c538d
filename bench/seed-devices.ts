// Synthetic Autopilot devices for the benchmarks that need many (query, console): a deterministic generator (the
// same devices on every engine and run: HP, Lenovo, Dell and Surface serial shapes, group tags, enrollment states)
// and the bulk loaders: SQLite (the way the search migrations backfill: without the per-row search triggers and the
// secondary indexes, then the indexes, the link table and an FTS rebuild) and PostgreSQL (without the secondary
// indexes, 20,000 rows a statement, then the indexes and VACUUM ANALYZE).
import { randomUUID } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import { SQLITE_SEARCH_BACKFILL } from '../src/store/migrations/0009-search-at-scale.js';
import { SERIAL_NUMBER_INDEX } from '../src/store/index.js';

export const SEED_NOW = '2025-01-01T00:00:00.000Z';

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';

export interface DeviceRow {
  id: string;
  tenant_id: string;
  serial_number: string;
  manufacturer: string;
  model: string;
  group_tag: string;
  enrollment_state: string;
  created_at: string;
  updated_at: string;
}
export const DEVICE_COLUMNS = ['id', 'tenant_id', 'serial_number', 'manufacturer', 'model', 'group_tag', 'enrollment_state', 'created_at', 'updated_at'] as const;

/** `count` devices; `tenantOf(random)` picks each one's tenant (called once per device, in order). */
export function* syntheticDevices(count: number, tenantOf: (rnd: () => number) => string): Generator<DeviceRow> {
  const rnd = prng(20250101);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const chars = (alphabet: string, n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(rnd() * alphabet.length)];
    return out;
  };
  const tags = ['', '', 'Sales', 'HR', 'Kiosk', 'Finance-EMEA', 'Shared-Lab', 'Engineering', 'Autopilot-UserDriven'];
  const states = ['notContacted', 'notContacted', 'enrolled', 'enrolled', 'enrolled', 'failed', 'pendingReset', 'unknown'];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    let serial: string;
    let manufacturer: string;
    let model: string;
    if (r < 0.4) {
      manufacturer = 'HP';
      serial = `5CG${chars(DIGITS, 3)}${chars(ALNUM, 4)}`;
      model = pick(['HP EliteBook 840 G8', 'HP EliteBook 840 G9', 'HP ProBook 450 G9', 'HP Elite Dragonfly G3']);
    } else if (r < 0.75) {
      manufacturer = 'LENOVO';
      serial = `PF${chars(ALNUM, 6)}`;
      model = pick(['20XW004QUS', '21AH00BUUS', '20TA0036US', '21CB000CUS']);
    } else if (r < 0.95) {
      manufacturer = 'Dell Inc.';
      serial = chars(ALNUM, 7);
      model = pick(['Latitude 5420', 'Latitude 7440', 'OptiPlex 7090', 'Precision 5570']);
    } else {
      manufacturer = 'Microsoft Corporation';
      serial = chars(DIGITS, 12);
      model = pick(['Surface Laptop 5', 'Surface Pro 9']);
    }
    yield {
      id: randomUUID(),
      tenant_id: tenantOf(rnd),
      serial_number: serial,
      manufacturer,
      model,
      group_tag: pick(tags),
      enrollment_state: pick(states),
      created_at: SEED_NOW,
      updated_at: SEED_NOW,
    };
  }
}

/**
 * Inserts `rows` into autopilot_devices of an open better-sqlite3 database (tenants must exist), in one transaction,
 * the way a bulk load should: the search triggers and the secondary indexes of autopilot_devices are dropped, the rows
 * go in 500 a statement, the indexes are built again from their own SQL (one sorted build each instead of a million
 * random inserts), the search link table is filled by migration 0009's backfill (each tenant's rows in its rowid range)
 * and the FTS index rebuilt, and the triggers come back as they were. The result is the schema the migrations made, with the rows in it.
 */
export function bulkLoadSqlite(raw: SqliteDatabase.Database, rows: Iterable<DeviceRow>): void {
  const BATCH = 500;
  const placeholders = `(${DEVICE_COLUMNS.map(() => '?').join(',')})`;
  const insertBatch = raw.prepare(`insert into autopilot_devices (${DEVICE_COLUMNS.join(',')}) values ${Array(BATCH).fill(placeholders).join(',')}`);
  const insertOne = raw.prepare(`insert into autopilot_devices (${DEVICE_COLUMNS.join(',')}) values ${placeholders}`);
  const { linkTable } = SERIAL_NUMBER_INDEX.sqlite;
  const triggers = raw
    .prepare(`select name, sql from sqlite_schema where type = 'trigger' and tbl_name in ('autopilot_devices', ?)`)
    .all(linkTable) as { name: string; sql: string }[];
  // Indexes made by CREATE INDEX (sql not null); the primary key's and UNIQUE's automatic indexes stay.
  const indexes = raw
    .prepare(`select name, sql from sqlite_schema where type = 'index' and tbl_name in ('autopilot_devices', ?) and sql is not null`)
    .all(linkTable) as { name: string; sql: string }[];
  raw.transaction(() => {
    for (const t of triggers) raw.exec(`drop trigger "${t.name}"`);
    for (const i of indexes) raw.exec(`drop index "${i.name}"`);
    let batch: unknown[] = [];
    let n = 0;
    for (const d of rows) {
      for (const c of DEVICE_COLUMNS) batch.push(d[c]);
      if (++n === BATCH) {
        insertBatch.run(batch);
        batch = [];
        n = 0;
      }
    }
    for (let i = 0; i < batch.length; i += DEVICE_COLUMNS.length) insertOne.run(batch.slice(i, i + DEVICE_COLUMNS.length));
    for (const i of indexes) raw.exec(i.sql);
    for (const statement of SQLITE_SEARCH_BACKFILL) raw.exec(statement);
    for (const t of triggers) raw.exec(t.sql);
  })();
}

/**
 * Inserts `rows` into autopilot_devices of a migrated PostgreSQL database (tenants must exist): the table's indexes
 * other than its primary key are dropped, the rows go in 20,000 a statement (INSERT … SELECT FROM unnest of one text[]
 * parameter per column: COPY would need pg-copy-streams, not a dependency), the indexes are built again
 * from pg_indexes' own definitions (one sorted build each; the GIN trigram index in one pass), then VACUUM ANALYZE.
 */
export async function bulkLoadPostgres(client: PgQueryable, rows: Iterable<DeviceRow>): Promise<void> {
  const BATCH = 20_000;
  await client.query(`set maintenance_work_mem = '512MB'`);
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = 'autopilot_devices'
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const i of indexes) await client.query(`drop index "${i.name}"`);
  const insert = `insert into autopilot_devices (${DEVICE_COLUMNS.join(', ')})
    select * from unnest(${DEVICE_COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(', ')})`;
  let columns: string[][] = DEVICE_COLUMNS.map(() => []);
  const flush = async () => {
    if (columns[0].length === 0) return;
    await client.query(insert, columns);
    columns = DEVICE_COLUMNS.map(() => []);
  };
  for (const d of rows) {
    DEVICE_COLUMNS.forEach((c, i) => columns[i].push(d[c]));
    if (columns[0].length === BATCH) await flush();
  }
  await flush();
  for (const i of indexes) await client.query(i.def);
  await client.query('vacuum analyze autopilot_devices');
}

/** What bulkLoadPostgres needs of a pg Client or Pool. */
export interface PgQueryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}
