// Synthetic Autopilot devices for the benchmarks that need many (query, console): a deterministic generator (the
// same devices on every engine and run: HP, Lenovo, Dell and Surface serial shapes, group tags, enrollment states)
// and the SQLite bulk loader, which loads the way the search migration backfills (without the per-row search
// triggers, then the link table in one statement and an FTS rebuild, then the triggers back as they were).
import { randomUUID } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
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

/** Inserts `rows` into autopilot_devices of an open better-sqlite3 database (tenants must exist), in one transaction. */
export function bulkLoadSqlite(raw: SqliteDatabase.Database, rows: Iterable<DeviceRow>): void {
  const BATCH = 500;
  const placeholders = `(${DEVICE_COLUMNS.map(() => '?').join(',')})`;
  const insertBatch = raw.prepare(`insert into autopilot_devices (${DEVICE_COLUMNS.join(',')}) values ${Array(BATCH).fill(placeholders).join(',')}`);
  const insertOne = raw.prepare(`insert into autopilot_devices (${DEVICE_COLUMNS.join(',')}) values ${placeholders}`);
  const { linkTable, ftsTable } = SERIAL_NUMBER_INDEX.sqlite;
  const triggers = raw
    .prepare(`select name, sql from sqlite_schema where type = 'trigger' and tbl_name in ('autopilot_devices', ?)`)
    .all(linkTable) as { name: string; sql: string }[];
  raw.transaction(() => {
    for (const t of triggers) raw.exec(`drop trigger "${t.name}"`);
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
    raw.exec(`insert into "${linkTable}" (device_id, serial_number) select id, serial_number from autopilot_devices`);
    raw.exec(`insert into "${ftsTable}" ("${ftsTable}") values ('rebuild')`);
    for (const t of triggers) raw.exec(t.sql);
  })();
}
