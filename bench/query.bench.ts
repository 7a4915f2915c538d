// OData device queries on 1,000,000 Autopilot devices (BENCH_QUERY_ROWS overrides), on SQLite (a temp file) and
// PostgreSQL (a fresh database, dropped at the end): `contains(serialNumber,'<4–6 chars of a real serial>')` and
// `serialNumber eq '<real serial>'`, compiled by src/http/odata exactly as the API runs them (one tenant, first page
// of 100, ordered by id), against a full-scan baseline of the same predicate in the same run (SQLite NOT INDEXED;
// PostgreSQL with index and bitmap scans disabled). Target: p50 < 20 ms with the indexes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { parseListQuery } from '../src/http/odata/index.js';
import { fetchPage } from '../src/store/list-query/compile.js';
import { autopilotDeviceModel, migrateToLatest, openDatabase, SQLITE_FILE_NAME, type Db, type Engine } from '../src/store/index.js';
import { fmt, percentile, recordResult } from './lib.js';
import { POSTGRES_URL } from './scratch.js';
import { bulkLoadSqlite, DEVICE_COLUMNS, prng, syntheticDevices } from './seed-devices.js';

const ROWS = Number(process.env.BENCH_QUERY_ROWS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERY_COUNT ?? 200);
/** Full scans are ~100× slower; fewer of them keep the run short and still give a stable median. */
const SCAN_QUERIES = Math.min(QUERIES, Number(process.env.BENCH_QUERY_SCAN_COUNT ?? 25));
const TENANT = '0b5e1d2c-6a3f-4c1e-9a7b-000000000001';
const OTHER_TENANTS = [2, 3, 4, 5].map((n) => `0b5e1d2c-6a3f-4c1e-9a7b-00000000000${n}`);
const NOW = '2025-01-01T00:00:00.000Z';
const OPTIONS = { maxTop: 1000, defaultTop: 100 };
const COLUMNS = DEVICE_COLUMNS;
/** 95% of the devices in the queried tenant, the rest spread over four others. */
const devices = (count: number) => syntheticDevices(count, (rnd) => (rnd() < 0.95 ? TENANT : OTHER_TENANTS[Math.floor(rnd() * OTHER_TENANTS.length)]));

interface Workload {
  contains: string[];
  eq: string[];
}

function workload(serials: string[]): Workload {
  const rnd = prng(7);
  const pick = () => serials[Math.floor(rnd() * serials.length)];
  const contains = Array.from({ length: QUERIES }, () => {
    const s = pick();
    const len = Math.min(s.length, 4 + Math.floor(rnd() * 3));
    const at = Math.floor(rnd() * (s.length - len + 1));
    return s.slice(at, at + len);
  });
  // Half of them in another case: eq is case-insensitive.
  const eq = Array.from({ length: QUERIES }, (_, i) => (i % 2 ? pick().toLowerCase() : pick()));
  return { contains, eq };
}

interface Stats {
  p50: number;
  p99: number;
  mean: number;
  queries: number;
  medianMatches: number;
}

async function measure(queries: string[], run: (q: string) => Promise<number>): Promise<Stats> {
  for (const q of queries.slice(0, 3)) await run(q); // warm-up
  const times: number[] = [];
  const matches: number[] = [];
  for (const q of queries) {
    const start = performance.now();
    matches.push(await run(q));
    times.push(performance.now() - start);
  }
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    queries: queries.length,
    medianMatches: percentile(matches, 50),
  };
}

/** The API's query: parse, compile, first page (the returned count is the page size, ≤ 100). */
function viaLibrary(db: Db, engine: Engine, filter: (v: string) => string): (v: string) => Promise<number> {
  return async (v) => {
    const parsed = parseListQuery({ $filter: filter(v) }, autopilotDeviceModel, OPTIONS);
    const page = await fetchPage(db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', TENANT), parsed, engine);
    return page.rows.length;
  };
}

const quote = (v: string) => v.replace(/'/g, "''");
const containsFilter = (v: string) => `contains(serialNumber,'${quote(v)}')`;
const eqFilter = (v: string) => `serialNumber eq '${quote(v)}'`;

type EngineResult = Record<'containsIndexed' | 'containsScan' | 'eqIndexed' | 'eqScan', Stats> & { seedSeconds: number };

async function benchSqlite(work: Workload): Promise<EngineResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tarmac-bench-query-'));
  try {
    const db = await openDatabase({ dataDir: dir });
    try {
      await migrateToLatest(db);
      const seedStart = performance.now();
      const raw = new SqliteDatabase(path.join(dir, SQLITE_FILE_NAME));
      raw.pragma('journal_mode = WAL');
      // Random GUID keys land all over four B-trees; the default 2 MB page cache would thrash.
      raw.pragma('cache_size = -524288');
      const tenant = raw.prepare('insert into tenants (id, display_name, created_at) values (?, ?, ?)');
      for (const t of [TENANT, ...OTHER_TENANTS]) tenant.run(t, t, NOW);
      bulkLoadSqlite(raw, devices(ROWS));
      raw.close();
      const seedSeconds = (performance.now() - seedStart) / 1000;
      console.log(`  sqlite: seeded ${fmt(ROWS)} devices in ${fmt(seedSeconds, 1)} s (bulk load, then FTS rebuild)`);

      const scan = (predicate: string) => async (v: string) => {
        const { rows } = await sql
          .raw(`select * from autopilot_devices not indexed where tenant_id = '${TENANT}' and ${predicate.replace('?', `'${quote(v)}'`)} order by id limit ${OPTIONS.defaultTop + 1}`)
          .execute(db);
        return Math.min(rows.length, OPTIONS.defaultTop);
      };
      return {
        seedSeconds,
        containsIndexed: await measure(work.contains, viaLibrary(db, 'sqlite', containsFilter)),
        containsScan: await measure(work.contains.slice(0, SCAN_QUERIES), scan('instr(lower(serial_number), lower(?)) > 0')),
        eqIndexed: await measure(work.eq, viaLibrary(db, 'sqlite', eqFilter)),
        eqScan: await measure(work.eq.slice(0, SCAN_QUERIES), scan('lower(serial_number) = lower(?)')),
      };
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(work: Workload): Promise<EngineResult | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (err) {
    console.log(`  postgres: skipped, no server at ${POSTGRES_URL} (${(err as Error).message})`);
    return undefined;
  }
  const name = `tarmac_bench_${Math.floor(Date.now() / 1000)}_${process.pid}`;
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: url.toString() });
    try {
      await migrateToLatest(db);
      const seedStart = performance.now();
      await sql`set maintenance_work_mem = '256MB'`.execute(db);
      await db.insertInto('tenants').values([TENANT, ...OTHER_TENANTS].map((id) => ({ id, display_name: id, created_at: NOW }))).execute();
      const BATCH = 10_000;
      let columns: string[][] = COLUMNS.map(() => []);
      const flush = async () => {
        if (columns[0].length === 0) return;
        // One statement per 10,000 rows: each column goes as one text[] parameter, unnest() turns them into rows.
        await sql`insert into autopilot_devices (${sql.join(COLUMNS.map((c) => sql.ref(c)))})
          select * from unnest(${sql.join(columns.map((values) => sql`cast(${values} as text[])`))})`.execute(db);
        columns = COLUMNS.map(() => []);
      };
      for (const d of devices(ROWS)) {
        COLUMNS.forEach((c, i) => columns[i].push(d[c]));
        if (columns[0].length === BATCH) await flush();
      }
      await flush();
      await sql`vacuum analyze autopilot_devices`.execute(db);
      const seedSeconds = (performance.now() - seedStart) / 1000;
      console.log(`  postgres: seeded ${fmt(ROWS)} devices in ${fmt(seedSeconds, 1)} s (with the btree and pg_trgm GIN indexes, then VACUUM ANALYZE)`);

      // Baseline: the library's own SQL, with index and bitmap scans forbidden (a sequential scan of the table).
      const scan = (filter: (v: string) => string) => async (v: string) =>
        db.transaction().execute(async (trx) => {
          await sql`set local enable_indexscan = off`.execute(trx);
          await sql`set local enable_bitmapscan = off`.execute(trx);
          await sql`set local enable_indexonlyscan = off`.execute(trx);
          return viaLibrary(trx, 'postgres', filter)(v);
        });
      return {
        seedSeconds,
        containsIndexed: await measure(work.contains, viaLibrary(db, 'postgres', containsFilter)),
        containsScan: await measure(work.contains.slice(0, SCAN_QUERIES), scan(containsFilter)),
        eqIndexed: await measure(work.eq, viaLibrary(db, 'postgres', eqFilter)),
        eqScan: await measure(work.eq.slice(0, SCAN_QUERIES), scan(eqFilter)),
      };
    } finally {
      await db.destroy();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export async function run(): Promise<void> {
  console.log(`${fmt(ROWS)} devices (95% in one tenant); ${QUERIES} indexed queries and ${SCAN_QUERIES} full scans of each kind`);
  // Serials to query: regenerate the data set's serials of the queried tenant (no need to read them back).
  const serials: string[] = [];
  for (const d of devices(ROWS)) if (d.tenant_id === TENANT && serials.length < 200_000) serials.push(d.serial_number);
  const work = workload(serials);

  const results: Record<string, EngineResult> = {};
  results.sqlite = await benchSqlite(work);
  const pgResult = await benchPostgres(work);
  if (pgResult) results.postgres = pgResult;

  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(30) : c.padStart(13))).join(''));
  line(['', 'p50 ms', 'p99 ms', 'mean ms', 'queries', 'matches p50']);
  for (const [engine, r] of Object.entries(results)) {
    for (const [label, s] of [
      ['contains, indexed', r.containsIndexed],
      ['contains, full scan', r.containsScan],
      ['eq, indexed', r.eqIndexed],
      ['eq, full scan', r.eqScan],
    ] as const) {
      line([`${engine} ${label}`, fmt(s.p50, 2), fmt(s.p99, 2), fmt(s.mean, 2), String(s.queries), String(s.medianMatches)]);
    }
    console.log(
      `  ${engine}: contains ${fmt(r.containsScan.p50 / r.containsIndexed.p50, 0)}× faster than a scan at p50, eq ${fmt(r.eqScan.p50 / r.eqIndexed.p50, 0)}×; ` +
        `target p50 < 20 ms: ${r.containsIndexed.p50 < 20 && r.eqIndexed.p50 < 20 ? 'met' : 'MISSED'}`,
    );
  }
  const file = recordResult('query', { rows: ROWS, queries: QUERIES, scanQueries: SCAN_QUERIES, targetP50Ms: 20, results });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
