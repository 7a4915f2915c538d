// `tarmac serve --workers N`: how much a second process buys, on SQLite and PostgreSQL. For each engine and each N
// (BENCH_WORKERS_COUNTS, default 1,2), the real binary (bin/tarmac.js, running the built dist/: `npm run build` first)
// on a fresh database:
// - import: BENCH_WORKERS_DEVICES (default 20,000) synthetic devices through the Graph import action, 500 a request,
//   4 requests in flight, registered by the server's own import workers (one per process, sharing the queue through
//   leases); devices/s from the first POST until no row is left unknown/pending (polled every 250 ms from here);
// - OOBE: then autocannon, 16 connections for BENCH_WORKERS_SECONDS (default 10), POST /oobe/v1/profile with the
//   hash of a random registered device (as bench/oobe.bench.ts does); req/s, p50, p99.
// The baseline is the same workload on `--workers 1` in the same run; the scaling factor is N processes' figure over
// one process's. BENCH_WORKERS_ROUNDS (default 2) repeats each configuration, alternating the order so that drift in
// the machine's load hits both alike; the figures compared are each configuration's best round (the one least
// disturbed by whatever else runs here), import and OOBE separately, latencies from that same round. The machine's cores bound it: the load generator (autocannon) and the server share them, and so do
// whatever else runs here, which is why the load average is recorded with each figure.
// BENCH_WORKERS_ENGINES picks engines (default sqlite,postgres; PostgreSQL is skipped when no loopback server answers).
import os from 'node:os';
import path from 'node:path';
import { encodeHardwareHash, syntheticInventory } from '../src/hash/index.js';
import { openDatabase, type Db, type Engine } from '../src/store/index.js';
import { childEnv, startChild, type Child } from './child-process.js';
import { fmt, percentile, recordResult, repoRoot, sizeList } from './lib.js';
import { postgresAvailable, scratchEnv, scratchFor } from './scratch.js';
import { oobeLoad, type OobeLoadResult } from './oobe-load.js';

const DEVICES = Number(process.env.BENCH_WORKERS_DEVICES ?? 20_000);
const COUNTS = sizeList(process.env.BENCH_WORKERS_COUNTS ?? '1,2');
const ENGINES = (process.env.BENCH_WORKERS_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
const SECONDS = Number(process.env.BENCH_WORKERS_SECONDS ?? 10);
/** Rounds per engine; the order of the counts alternates (1,2 then 2,1), and each figure is the best of its runs. */
const ROUNDS = Number(process.env.BENCH_WORKERS_ROUNDS ?? 2);
const CONNECTIONS = 16;
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
const POLL_MS = 250;
const IMPORT_TIMEOUT_MS = 15 * 60_000;
const BIN = path.join(repoRoot, 'bin/tarmac.js');
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';

interface ImportResult {
  devicesPerSecond: number;
  seconds: number;
  registered: number;
  postP50Ms: number;
  postP99Ms: number;
}

type OobeResult = OobeLoadResult;

interface RunResult {
  engine: Engine;
  workers: number;
  import: ImportResult;
  oobe: OobeResult;
  loadAverage: { before: number[]; after: number[] };
}

/** Base64 hashes of `count` synthetic devices. */
function generateHashes(count: number): string[] {
  const out: string[] = [];
  for (let seed = 1; out.length < count; seed++) out.push(encodeHardwareHash(syntheticInventory(seed)).base64);
  return out;
}

async function unprocessed(db: Db): Promise<number> {
  const r = await db
    .selectFrom('imported_device_identities')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('import_status', 'in', ['unknown', 'pending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function token(server: Child): Promise<string> {
  const out = server.output();
  const field = (label: string): string => {
    const m = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`no ${label} in the banner:\n${out}`);
    return m[1];
  };
  const res = await fetch(`${server.url}/${field('tenant')}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: field('client id'),
      client_secret: field('client secret'),
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function importAll(url: string, bearer: string, bodies: string[], poll: Db): Promise<ImportResult & { hashes: string[] }> {
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const res = await fetch(`${url}${IMPORT_PATH}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(120_000) });
        if (res.status !== 200) throw new Error(`POST import answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  while ((await unprocessed(poll)) > 0) {
    if (performance.now() - start > IMPORT_TIMEOUT_MS) throw new Error(`imports not finished after ${IMPORT_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const seconds = (performance.now() - start) / 1000;
  const rows = await poll
    .selectFrom('imported_device_identities')
    .innerJoin('imported_device_hashes', 'imported_device_hashes.imported_device_id', 'imported_device_identities.id')
    .select('hardware_identifier')
    .where('import_status', '=', 'complete')
    .execute();
  const hashes = rows.flatMap((r) => (r.hardware_identifier ? [Buffer.from(r.hardware_identifier).toString('base64')] : []));
  return {
    devicesPerSecond: hashes.length / seconds,
    seconds,
    registered: hashes.length,
    postP50Ms: percentile(latencies, 50),
    postP99Ms: percentile(latencies, 99),
    hashes,
  };
}

async function runOne(engine: Engine, workers: number, bodies: string[]): Promise<RunResult> {
  const scratch = await scratchFor(engine, 'workers');
  let server: Child | undefined;
  const poll = await openDatabase(scratch.settings).catch(async (err: unknown) => {
    await scratch.drop();
    throw err;
  });
  try {
    const before = os.loadavg();
    server = await startChild(
      [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--workers', String(workers)],
      childEnv({ ...scratchEnv(scratch), TARMAC_OOBE_RATE_LIMIT: '1000000000', TARMAC_GRAPH_RATE_LIMIT: '0' }),
      /Press Ctrl\+C to stop\./,
    );
    const imported = await importAll(server.url, await token(server), bodies, poll);
    const { hashes, ...importResult } = imported;
    const lookups = hashes.map((h) => JSON.stringify({ hardwareHash: h }));
    const check = await fetch(`${server.url}/oobe/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: lookups[0] });
    if (check.status !== 200) throw new Error(`OOBE lookup answered ${check.status}: ${await check.text()}`);
    globalThis.gc?.();
    const oobe = await oobeLoad(server.url, lookups, CONNECTIONS, SECONDS);
    const after = os.loadavg();
    const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
    console.log(
      `  ${engine}, ${workers} process${workers === 1 ? '' : 'es'}: import ${fmt(importResult.devicesPerSecond)} devices/s ` +
        `(${fmt(importResult.registered)} in ${fmt(importResult.seconds, 1)} s, POST p50 ${fmt(importResult.postP50Ms)} ms); ` +
        `OOBE ${fmt(oobe.requestsPerSecond)} req/s (p50 ${oobe.p50Ms} ms, p99 ${oobe.p99Ms} ms; ${oobe.non2xx} non-2xx, ${oobe.errors} errors); ` +
        `load ${la(before)} → ${la(after)}`,
    );
    return { engine, workers, import: importResult, oobe, loadAverage: { before, after } };
  } finally {
    await server?.stop();
    await poll.destroy();
    await scratch.drop();
  }
}

export async function run(): Promise<void> {
  if (!Number.isSafeInteger(DEVICES) || DEVICES < 1) throw new Error(`BENCH_WORKERS_DEVICES must be a positive whole number (got ${process.env.BENCH_WORKERS_DEVICES})`);
  if (COUNTS.length === 0 || COUNTS.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error('BENCH_WORKERS_COUNTS must list process counts, e.g. 1,2');
  if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_WORKERS_ROUNDS must be a positive whole number (got ${process.env.BENCH_WORKERS_ROUNDS})`);
  const engines: Engine[] = [];
  if (ENGINES.includes('sqlite')) engines.push('sqlite');
  if (ENGINES.includes('postgres') && (await postgresAvailable())) engines.push('postgres');
  if (engines.length === 0) throw new Error('nothing to run: check BENCH_WORKERS_ENGINES');
  console.log(
    `serve --workers ${COUNTS.join(' vs ')}: import ${fmt(DEVICES)} devices (${PER_REQUEST} a POST, ${IN_FLIGHT} in flight), ` +
      `then POST /oobe/v1/profile with ${CONNECTIONS} connections for ${SECONDS} s; ${os.availableParallelism()} cores`,
  );
  const loadBefore = os.loadavg();
  const hashes = generateHashes(DEVICES);
  const bodies: string[] = [];
  for (let i = 0; i < hashes.length; i += PER_REQUEST) {
    bodies.push(JSON.stringify({ importedWindowsAutopilotDeviceIdentities: hashes.slice(i, i + PER_REQUEST).map((h) => ({ hardwareIdentifier: h })) }));
  }

  const results: RunResult[] = [];
  for (const engine of engines) {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? COUNTS : [...COUNTS].reverse();
      for (const workers of order) results.push(await runOne(engine, workers, bodies));
    }
  }

  // Per configuration, its best round (import and OOBE apart); scaling is each count's best over the first count's.
  const best = engines.flatMap((engine) =>
    COUNTS.map((workers) => {
      const runs = results.filter((r) => r.engine === engine && r.workers === workers);
      const imp = runs.reduce((a, b) => (b.import.devicesPerSecond > a.import.devicesPerSecond ? b : a));
      const oobe = runs.reduce((a, b) => (b.oobe.requestsPerSecond > a.oobe.requestsPerSecond ? b : a));
      return {
        engine,
        workers,
        runs: runs.length,
        importDevicesPerSecond: imp.import.devicesPerSecond,
        importPostP50Ms: imp.import.postP50Ms,
        oobeRequestsPerSecond: oobe.oobe.requestsPerSecond,
        oobeP50Ms: oobe.oobe.p50Ms,
        oobeP99Ms: oobe.oobe.p99Ms,
      };
    }),
  );
  const scaling = engines.flatMap((engine) => {
    const rows = best.filter((m) => m.engine === engine);
    const base = rows[0];
    return rows.slice(1).map((m) => ({
      engine,
      workers: m.workers,
      versus: base.workers,
      import: m.importDevicesPerSecond / base.importDevicesPerSecond,
      oobe: m.oobeRequestsPerSecond / base.oobeRequestsPerSecond,
    }));
  });
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(13))).join(''));
  console.log(`  best of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}:`);
  line(['', 'import dev/s', 'POST p50 ms', 'OOBE req/s', 'OOBE p50 ms', 'OOBE p99 ms']);
  for (const m of best) {
    line([`${m.engine} ×${m.workers}`, fmt(m.importDevicesPerSecond), fmt(m.importPostP50Ms), fmt(m.oobeRequestsPerSecond), fmt(m.oobeP50Ms), fmt(m.oobeP99Ms)]);
  }
  for (const s of scaling) {
    console.log(`  ${s.engine}: ${s.workers} processes vs ${s.versus}: import ×${fmt(s.import, 2)}, OOBE ×${fmt(s.oobe, 2)}`);
  }
  const loadAfter = os.loadavg();
  console.log(`  load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  const file = recordResult('workers', {
    devices: DEVICES,
    perRequest: PER_REQUEST,
    inFlight: IN_FLIGHT,
    connections: CONNECTIONS,
    seconds: SECONDS,
    cores: os.availableParallelism(),
    rounds: ROUNDS,
    loadAverage: { before: loadBefore, after: loadAfter },
    best,
    scaling,
    results,
  });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
