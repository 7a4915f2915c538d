// Graph imports of N generated devices (BENCH_IMPORT_DEVICES, a list: default 100000; issue 11 asks for
// 10000,100000,1000000) on SQLite (a temp dir) and PostgreSQL (a fresh database, dropped at the end;
// BENCH_IMPORT_ENGINES picks). The server is a child process running the built dist/ (rebuilt first when stale):
// the app with its own import worker (default options), as `tarmac serve` runs it, on an ephemeral loopback port. The
// client, this process, POSTs `importedWindowsAutopilotDeviceIdentities/import` with 500 devices a request (Intune's
// per-upload limit), 4 in flight; the bodies were generated beforehand into a temp file, so the client only reads
// and sends. Measured from the first POST to the commit of the batch that settles the last row (the server prints
// each batch's commit time). Memory of the server: VmRSS once it is ready (idle), VmHWM (peak) at the end of the
// import, VmRSS again a few seconds after it (from /proc/<pid>/status). The server runs with the V8 flags that
// `tarmac serve` gives its workers (src/server/node-flags.ts; BENCH_IMPORT_NODE_OPTIONS, set as its NODE_OPTIONS,
// overrides them). BENCH_IMPORT_CPU_PROF=<dir> runs the server with --cpu-prof into that directory;
// BENCH_IMPORT_WORKER='{"batchSize":500}' overrides the worker's options. BENCH_IMPORT_TARMAC_ONLY=1 runs Tarmac's import alone
// (no baselines), printed and not recorded: a look at the server, not a figure.
//
// The server's SQL is timed by kind (verb and table: src/store/statement-times.ts, through Kysely's statement log), and so
// is the raw baseline's: the report gives each kind's time per device, so that Tarmac's statements beyond the raw
// inserts of the same rows (the queue, the lookups, the commits of smaller transactions) show by name and size.
//
// Meanwhile a PC asks for its profile every 20 ms (BENCH_IMPORT_PROBE_MS), one lookup at a time, with the hash of a
// device of the first request once it is registered: what a PC at OOBE waits while an admin imports. The report
// places the slowest lookups and the server's slowest statements (since 2026-12-07 evening) on one clock, seconds
// after the first POST: on SQLite a statement holds the event loop for its whole time (a checkpoint, run in a thread
// and logged as `pragma`, excepted), so a lookup as slow as a statement that ended with it waited for that statement.
//
// Then the first 100 POSTs again, on a fresh database, to a server without its worker: the POSTs' own latency (four in
// flight queue for one thread on SQLite), beside the one measured while the worker runs.
//
// Baselines in the same run, on a fresh database each, of the same rows a registration writes
// (autopilot_devices, autopilot_device_hashes, device_identity_keys, entra_devices, entra_device_physical_ids; the
// search triggers and indexes as migrated):
// - raw: the INSERTs a registration runs (store/device-repository.ts registrationInserts: on SQLite row by row,
//   autopilot_devices 500 rows a statement; on PostgreSQL 500 rows a statement) inside transactions of 5,000
//   devices, on a connection from openDatabase like the server's (on SQLite the same pragmas: WAL, synchronous, page
//   cache);
// - copy (PostgreSQL only, the physical limit): COPY … FROM '<file>' per table, 50,000 devices a transaction, from
//   text files written beforehand (only the COPY statements are timed; the server reads the files itself).
// Devices are synthetic (syntheticInventory), with pairwise distinct identity keys, generated once per size.
import { randomUUID } from 'node:crypto';
import { newObjectId } from '../src/model/index.js';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, chmodSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { deviceIdentity, encodeHardwareHash, isPlaceholder, syntheticInventory } from '../src/hash/index.js';
import { autopilotPhysicalIds, registryKeys } from '../src/registry/index.js';
import { type IdentityKey } from '../src/model/index.js';
import { hardwareFields } from '../src/registry/new-device.js';
import { chunks } from '../src/store/chunks.js';
import { registrationInserts } from '../src/store/device-repository.js';
import { openDatabase, type Db, type Engine } from '../src/store/index.js';
import { SQLITE_FILE_NAME } from '../src/store/database.js';
import { StatementTimes, type SlowStatement, type StatementKindTime } from '../src/store/statement-times.js';
import { withServerFlags } from '../src/server/node-flags.js';
import { ensureDistBuilt } from '../test/support/build-dist.js';
import { fmt, percentile, recordResult, repoRoot, sizeList } from './lib.js';
import { childEnv, startChild, type Child } from './child-process.js';
import { graphToken, postgresAvailable, RAW_CHUNK, RAW_TRANSACTION, scratchEnv, withMigratedScratch } from './scratch.js';

const SIZES = sizeList(process.env.BENCH_IMPORT_DEVICES ?? '100000');
const ENGINES = (process.env.BENCH_IMPORT_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const CPU_PROF_DIR = process.env.BENCH_IMPORT_CPU_PROF;
/** Devices per POST: Intune takes at most 500 per upload. */
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
/** Requests of the POST-only comparison run (benchPostsAlone). */
const POSTS_ALONE = 100;
const POLL_MS = 250;
/** BENCH_IMPORT_TARMAC_ONLY=1: Tarmac's import alone, printed and not recorded (no baselines: a look, not a figure). */
const TARMAC_ONLY = process.env.BENCH_IMPORT_TARMAC_ONLY === '1';
const POST_TIMEOUT_MS = 120_000;
/** Give up when no batch has settled for this long, or when the whole Tarmac phase of one engine takes this long. */
const STALL_TIMEOUT_MS = 120_000;
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_IMPORT_TIMEOUT_MS ?? 60 * 60_000);
/**
 * While the import runs, a PC's profile lookup every this many ms (one at a time; 0: none), for a device of the first
 * request once the worker has registered it: how long a PC at OOBE waits while an admin imports (BENCH_IMPORT_PROBE_MS).
 */
const PROBE_INTERVAL_MS = Number(process.env.BENCH_IMPORT_PROBE_MS ?? 20);
/** Devices per transaction of the COPY baseline. */
const COPY_TRANSACTION = 50_000;
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';
const REGISTRY_TABLES = ['autopilot_devices', 'autopilot_device_hashes', 'device_identity_keys', 'entra_devices', 'entra_device_physical_ids'] as const;

/** The server: the app on the given database with its worker, as startServer opens it, printing each settled batch with its commit time. */
const SERVER = `
const dist = process.env.BENCH_DIST;
const { buildApp } = await import(dist + '/http/app.js');
const { loadConfig } = await import(dist + '/config.js');
const { openDatabase } = await import(dist + '/store/index.js');
const { StatementTimes } = await import(dist + '/store/statement-times.js');
const config = loadConfig(process.env);
const times = new StatementTimes();
const db = await openDatabase(config, { log: times.log, checkpointInBackground: true });
const workerOptions = JSON.parse(process.env.BENCH_IMPORT_WORKER ?? '{}');
const app = await buildApp({
  db, config, logger: false,
  importWorker: workerOptions === false ? false : {
    ...workerOptions,
    onBatch: (r) => process.stdout.write('batch ' + r.settled + ' ' + Date.now() + '\\n'),
    onError: (err) => console.error('import worker batch failed:', err),
  },
});
await app.keyRing.ensure();
await app.listen({ host: '127.0.0.1', port: 0 });
console.log('listening on http://127.0.0.1:' + app.server.address().port);
process.on('SIGTERM', async () => {
  // Each step of the shutdown is named as it starts, so that a server stopped by SIGKILL shows where it hung.
  console.log('stopping: app.close');
  await app.close();
  console.log('stopping: db.destroy');
  await db.destroy();
  process.stdout.write('statements ' + JSON.stringify(times.summary()) + '\\nslowest ' + JSON.stringify(times.slowest()) + '\\n', () => process.exit(0));
});
`;

interface Device {
  serialNumber: string;
  productKey: string;
  manufacturer: string;
  model: string;
  skuNumber: string;
  systemFamily: string;
  hash: Buffer;
  keys: IdentityKey[];
}

/** The generated workload of one size: request bodies and device rows in temp files. */
interface Workload {
  count: number;
  dir: string;
  /** One request body a line, and where each starts. */
  bodiesFile: string;
  bodyOffsets: number[];
  /** One device (JSON, hash in base64) a line. */
  devicesFile: string;
  seedsSkipped: number;
}

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/** Synthetic devices with pairwise distinct identity keys (so that every import can complete), and their bodies. */
async function generate(count: number): Promise<Workload> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-import-'));
  const bodiesFile = path.join(dir, 'bodies.jsonl');
  const devicesFile = path.join(dir, 'devices.jsonl');
  const bodies = createWriteStream(bodiesFile);
  const devices = createWriteStream(devicesFile);
  const bodyOffsets: number[] = [];
  const seen = new Set<string>();
  let offset = 0;
  let items: string[] = [];
  let made = 0;
  let seed = 1;
  let seedsSkipped = 0;
  while (made < count) {
    const inv = syntheticInventory(seed++);
    const serial = inv.system.serialNumber ?? '';
    const identity = deviceIdentity(inv);
    const keys = registryKeys(identity, serial);
    const keyStrings = keys.map((k) => `${k.kind}:${k.value}`);
    if (keys.length === 0 || keyStrings.some((k) => seen.has(k))) {
      seedsSkipped++;
      continue;
    }
    for (const k of keyStrings) seen.add(k);
    const { base64 } = encodeHardwareHash(inv);
    made++;
    const device = {
      serialNumber: identity.serialNumber ?? (isPlaceholder(serial) ? '' : serial),
      productKey: identity.productKeyId ?? '',
      ...hardwareFields(identity, inv.system),
      hash: base64,
      keys,
    };
    await writeLine(devices, `${JSON.stringify(device)}\n`);
    items.push(
      JSON.stringify({
        serialNumber: serial,
        productKey: '',
        hardwareIdentifier: base64,
        groupTag: '',
        state: { deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
      }),
    );
    if (items.length === PER_REQUEST || made === count) {
      const body = `{"importedWindowsAutopilotDeviceIdentities":[${items.join(',')}]}\n`;
      bodyOffsets.push(offset);
      offset += body.length;
      await writeLine(bodies, body);
      items = [];
    }
  }
  bodyOffsets.push(offset);
  await Promise.all([bodies, devices].map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
  return { count, dir, bodiesFile, bodyOffsets, devicesFile, seedsSkipped };
}

/** The devices of the workload, `size` at a time, in order. */
async function* deviceChunks(work: Workload, size: number): AsyncGenerator<Device[]> {
  const lines = createInterface({ input: createReadStream(work.devicesFile), crlfDelay: Infinity });
  let part: Device[] = [];
  for await (const line of lines) {
    const d = JSON.parse(line) as Omit<Device, 'hash'> & { hash: string };
    part.push({ ...d, hash: Buffer.from(d.hash, 'base64') });
    if (part.length === size) {
      yield part;
      part = [];
    }
  }
  if (part.length > 0) yield part;
}

// ---- row counts and memory ------------------------------------------------------------------------------------------

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of REGISTRY_TABLES) {
    const r = await db
      .selectFrom(table as 'autopilot_devices')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Tarmac: the Graph import action over HTTP ----------------------------------------------------------------------

interface TarmacResult {
  devicesPerSecond: number;
  /** Per device, in microseconds (flat across sizes is the goal). */
  microsecondsPerDevice: number;
  seconds: number;
  /** From the first POST to the last response. */
  postSeconds: number;
  /** Rows the worker had settled when the last POST was answered (read every 250 ms): its share while POSTs arrive. */
  settledDuringPosts: number;
  requests: number;
  postP50Ms: number;
  postP99Ms: number;
  postMaxMs: number;
  /** The server's memory: idle once ready, peak over the whole import, and idle again after it. */
  memory: { idleRssMB: number; peakRssMB: number; afterRssMB: number };
  statuses: Record<string, number>;
  tables: Record<string, number>;
  /** The server's SQL over its whole life, by kind (statement-times.ts); missing when the server had to be killed. */
  statements?: StatementKindTime[];
  /** The server's slowest statements, each with when it ended in ms after the first POST; missing as statements. */
  slowestStatements?: (SlowStatement & { endedAfterMs: number })[];
  /** PCs' profile lookups while the import ran (PROBE_INTERVAL_MS). */
  lookups: LookupProbe;
  /** SQLite: the largest the WAL file grew during the import (polled every POLL_MS), in MB. */
  walMaxMB?: number;
}

interface LookupProbe {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** The slowest lookups (at most 10), slowest first, each with when it ended (Date.now(), and ms after the first POST). */
  slowest: { ms: number; endedAt: number; endedAfterMs: number }[];
}

/** The hashes (base64) and serial numbers of the workload's first request. */
async function firstRequestDevices(work: Workload, file: FileHandle): Promise<{ hashes: string[]; serialNumbers: string[] }> {
  const length = work.bodyOffsets[1] - work.bodyOffsets[0];
  const buffer = Buffer.allocUnsafe(length);
  await file.read(buffer, 0, length, work.bodyOffsets[0]);
  const body = JSON.parse(buffer.toString('utf8')) as { importedWindowsAutopilotDeviceIdentities: { hardwareIdentifier: string; serialNumber: string }[] };
  const items = body.importedWindowsAutopilotDeviceIdentities;
  return { hashes: items.map((d) => d.hardwareIdentifier), serialNumbers: items.map((d) => d.serialNumber) };
}

/**
 * Whether every device of the first request is registered. Rows are not settled in the order the requests were sent:
 * four are in flight at once, and the worker's short batches (100 rows) settle whichever was queued first.
 */
async function registered(poll: Db, tenantId: string, serialNumbers: string[]): Promise<boolean> {
  const r = await poll
    .selectFrom('autopilot_devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('serial_number', 'in', serialNumbers)
    .executeTakeFirstOrThrow();
  return Number(r.n) === serialNumbers.length;
}

/**
 * A PC's profile lookup every PROBE_INTERVAL_MS, one at a time, with a hash of `hashes` at random, until `done()`:
 * each lookup's latency and status, the slowest placed after `start` (Date.now() of the first POST). Started once the
 * worker has registered those devices.
 */
async function probeLookups(base: string, hashes: string[], start: number, done: () => boolean): Promise<LookupProbe> {
  const latencies: number[] = [];
  const endedAt: number[] = [];
  const statuses: Record<string, number> = {};
  if (PROBE_INTERVAL_MS > 0) {
    while (!done()) {
      const body = JSON.stringify({ hardwareHash: hashes[Math.floor(Math.random() * hashes.length)] });
      const t0 = performance.now();
      const res = await fetch(`${base}/oobe/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
      await res.arrayBuffer();
      const latency = performance.now() - t0;
      latencies.push(latency);
      endedAt.push(Date.now());
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      await sleep(Math.max(0, PROBE_INTERVAL_MS - latency));
    }
  }
  const slowest = latencies
    .map((ms, i) => ({ ms, endedAt: endedAt[i]!, endedAfterMs: endedAt[i]! - start }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  return { requests: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: percentile(latencies, 100), statuses, slowest };
}

/**
 * The summary the server prints when it stops (SERVER), or undefined with a warning when it printed none: a server
 * that did not stop within startChild's 10 s was killed, and the run's other figures still stand.
 */
function statementsOf(server: Child): StatementKindTime[] | undefined {
  const output = server.output();
  const line = /^statements (.*)$/m.exec(output);
  if (line) return JSON.parse(line[1]!) as StatementKindTime[];
  const { exitCode, signalCode } = server.process;
  const steps = output.match(/^stopping: .*$/gm) ?? ['(no shutdown step started)'];
  console.warn(`  warning: the server printed no statement times (exit code ${exitCode}, signal ${signalCode}); its last shutdown step: ${steps.at(-1)}`);
  return undefined;
}

/** The slowest statements the server printed when it stopped (SERVER), each placed after `start` (Date.now()). */
function slowestStatementsOf(server: Child, start: number): TarmacResult['slowestStatements'] {
  const line = /^slowest (.*)$/m.exec(server.output());
  return line ? (JSON.parse(line[1]!) as SlowStatement[]).map((s) => ({ ...s, endedAfterMs: s.endedAt - start })) : undefined;
}

async function benchTarmac(engine: Engine, work: Workload): Promise<TarmacResult> {
  return withMigratedScratch(engine, 'import', async (_db, who, scratch) => {
    const profile = CPU_PROF_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${path.resolve(CPU_PROF_DIR)}`, `--cpu-prof-name=import-${engine}-${work.count}.cpuprofile`] : [];
    const server: Child = await startChild(
      [...withServerFlags([], process.env.BENCH_IMPORT_NODE_OPTIONS), ...profile, '--input-type=module', '-e', SERVER],
      childEnv({ ...scratchEnv(scratch), TARMAC_OOBE_RATE_LIMIT: '0', BENCH_DIST: path.join(repoRoot, 'dist'), BENCH_IMPORT_WORKER: process.env.BENCH_IMPORT_WORKER ?? '{}', NODE_OPTIONS: process.env.BENCH_IMPORT_NODE_OPTIONS ?? '' }),
      /listening on/,
    );
    // Counting rows from a connection of its own.
    const poll = await openDatabase(scratch.settings);
    const file: FileHandle = await open(work.bodiesFile, 'r');
    try {
      const pid = server.process.pid ?? NaN;
      let settled = 0;
      let lastSettledAt = 0;
      let seen = 0;
      const readBatches = (): void => {
        const out = server.output();
        for (const m of out.slice(seen).matchAll(/^batch (\d+) (\d+)$/gm)) {
          settled += Number(m[1]);
          lastSettledAt = Math.max(lastSettledAt, Number(m[2]));
        }
        seen = out.lastIndexOf('\n') + 1;
      };
      const base = server.url;
      const headers = { authorization: `Bearer ${await graphToken(base, who)}`, 'content-type': 'application/json' };
      await sleep(1000);
      const idle = memoryOf(pid);

      const latencies: number[] = [];
      let next = 0;
      let failed = false;
      let postsDone = false;
      let lastResponseAt = 0;
      const requests = work.bodyOffsets.length - 1;
      const start = Date.now();
      // The WAL file's size only grows until a checkpoint truncates it (journal_size_limit), so its largest polled
      // size is how far the WAL got between two checkpoints.
      const walFile = path.join(scratch.settings.dataDir, `${SQLITE_FILE_NAME}-wal`);
      let walMaxBytes = 0;
      const walSize = (): void => {
        try {
          walMaxBytes = Math.max(walMaxBytes, statSync(walFile).size);
        } catch {
          // not there yet
        }
      };
      const lane = async (): Promise<void> => {
        while (!failed && next < requests) {
          const index = next++;
          try {
            latencies.push(await postImport(engine, base, headers, work, file, index));
          } catch (err) {
            failed = true;
            throw err;
          }
          lastResponseAt = Math.max(lastResponseAt, Date.now());
        }
      };
      const posting = Promise.all(Array.from({ length: IN_FLIGHT }, lane)).then(
        () => {
          postsDone = true;
        },
        (err: unknown) => {
          failed = true;
          throw err;
        },
      );
      posting.catch(() => undefined); // surfaced by the loop below

      // Wait until every row has left unknown/pending, failing on a stall, a failed POST or the phase timeout.
      let lastProgress = Date.now();
      let lastSettled = -1;
      let settledDuringPosts: number | undefined;
      const probe = await firstRequestDevices(work, file);
      let importDone = false;
      let probing: Promise<LookupProbe> | undefined;
      for (;;) {
        if (failed) await posting;
        readBatches();
        if (engine === 'sqlite') walSize();
        probing ??= settled >= probe.hashes.length && (await registered(poll, who.tenant.id, probe.serialNumbers)) ? probeLookups(base, probe.hashes, start, () => importDone || failed) : undefined;
        if (postsDone && settledDuringPosts === undefined) settledDuringPosts = settled;
        if (postsDone && settled >= work.count) {
          const r = await poll
            .selectFrom('imported_device_identities')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('import_status', 'in', ['unknown', 'pending'])
            .executeTakeFirstOrThrow();
          if (Number(r.n) === 0) break;
        }
        const now = Date.now();
        if (settled !== lastSettled) {
          lastSettled = settled;
          lastProgress = now;
        }
        if (server.process.exitCode !== null) throw new Error(`${engine}: the server exited:\n${server.output().slice(-2000)}`);
        if (now - lastProgress > STALL_TIMEOUT_MS) throw new Error(`${engine}: no import batch settled for ${STALL_TIMEOUT_MS / 1000} s (${settled} rows settled)`);
        if (now - start > PHASE_TIMEOUT_MS) throw new Error(`${engine}: import not finished after ${PHASE_TIMEOUT_MS / 1000} s (${settled} rows settled)`);
        await sleep(POLL_MS);
      }
      readBatches();
      importDone = true;
      const lookups = (await probing) ?? (await probeLookups(base, probe.hashes, start, () => true));
      const peak = memoryOf(pid).peakMB;
      const end = Math.max(lastSettledAt, lastResponseAt);
      const seconds = (end - start) / 1000;

      const rows = await poll
        .selectFrom('imported_device_identities')
        .select(['import_status', (eb) => eb.fn.countAll().as('n')])
        .groupBy('import_status')
        .execute();
      const statuses = Object.fromEntries(rows.map((r) => [r.import_status, Number(r.n)]));
      const tables = await tableCounts(poll);
      await sleep(3000);
      const after = memoryOf(pid).rssMB;
      await server.stop();
      return {
        devicesPerSecond: work.count / seconds,
        microsecondsPerDevice: (seconds * 1e6) / work.count,
        seconds,
        postSeconds: (lastResponseAt - start) / 1000,
        settledDuringPosts: settledDuringPosts ?? settled,
        requests: latencies.length,
        postP50Ms: percentile(latencies, 50),
        postP99Ms: percentile(latencies, 99),
        postMaxMs: percentile(latencies, 100),
        memory: { idleRssMB: idle.rssMB, peakRssMB: peak, afterRssMB: after },
        statuses,
        tables,
        statements: statementsOf(server),
        slowestStatements: slowestStatementsOf(server, start),
        lookups,
        ...(engine === 'sqlite' ? { walMaxMB: walMaxBytes / 2 ** 20 } : {}),
      };
    } finally {
      await file.close();
      await server.stop();
      await poll.destroy();
    }
  });
}

/** POSTs request `index` of the workload and checks the answer; returns its latency in ms. */
async function postImport(engine: Engine, base: string, headers: Record<string, string>, work: Workload, file: FileHandle, index: number): Promise<number> {
  const length = work.bodyOffsets[index + 1] - work.bodyOffsets[index];
  const buffer = Buffer.allocUnsafe(length);
  await file.read(buffer, 0, length, work.bodyOffsets[index]);
  const expected = Math.min(PER_REQUEST, work.count - index * PER_REQUEST);
  const t0 = performance.now();
  const res = await fetch(`${base}${IMPORT_PATH}`, { method: 'POST', headers, body: buffer, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
  const text = await res.text();
  const latency = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${engine}: POST import answered ${res.status}: ${text.slice(0, 500)}`);
  const value = (JSON.parse(text) as { value: { state: { deviceImportStatus: string } }[] }).value;
  if (value.length !== expected || value.some((v) => v.state.deviceImportStatus !== 'unknown')) {
    throw new Error(`${engine}: request ${index} imported ${value.length} rows, expected ${expected} rows all "unknown"`);
  }
  return latency;
}

/**
 * The same POSTs (the first POSTS_ALONE requests, IN_FLIGHT at a time) to a server without its import worker: the
 * POST latency that is the POSTs' own (four queue for one thread on SQLite), for comparison with the one measured
 * while the worker runs.
 */
async function benchPostsAlone(engine: Engine, work: Workload): Promise<{ requests: number; postP50Ms: number; postP99Ms: number }> {
  return withMigratedScratch(engine, 'import', async (_db, who, scratch) => {
    const server: Child = await startChild(
      [...withServerFlags([], process.env.BENCH_IMPORT_NODE_OPTIONS), '--input-type=module', '-e', SERVER],
      childEnv({ ...scratchEnv(scratch), BENCH_DIST: path.join(repoRoot, 'dist'), BENCH_IMPORT_WORKER: 'false', NODE_OPTIONS: process.env.BENCH_IMPORT_NODE_OPTIONS ?? '' }),
      /listening on/,
    );
    const file = await open(work.bodiesFile, 'r');
    try {
      const headers = { authorization: `Bearer ${await graphToken(server.url, who)}`, 'content-type': 'application/json' };
      const requests = Math.min(POSTS_ALONE, work.bodyOffsets.length - 1);
      const latencies: number[] = [];
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < requests) latencies.push(await postImport(engine, server.url, headers, work, file, next++));
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
      return { requests, postP50Ms: percentile(latencies, 50), postP99Ms: percentile(latencies, 99) };
    } finally {
      await file.close();
      await server.stop();
    }
  });
}

// ---- Baselines: the same rows, inserted raw, and (PostgreSQL) copied ------------------------------------------------

interface BaselineResult {
  devicesPerSecond: number;
  microsecondsPerDevice: number;
  seconds: number;
  tables: Record<string, number>;
  /** The baseline's SQL by kind (raw only). */
  statements?: StatementKindTime[];
}

/** The rows a registration writes (process-imports.ts registrationOf, device-repository.ts register). */
function registrationRows(devices: Device[], tenantId: string, now: string) {
  return devices.map((d) => {
    const id = randomUUID();
    const azureAdDeviceId = newObjectId();
    const entraId = newObjectId();
    return {
      device: {
        id,
        tenant_id: tenantId,
        serial_number: d.serialNumber,
        product_key: d.productKey,
        manufacturer: d.manufacturer,
        model: d.model,
        group_tag: '',
        purchase_order_identifier: '',
        enrollment_state: 'notContacted',
        last_contacted_at: null,
        addressable_user_name: '',
        user_principal_name: '',
        display_name: '',
        resource_name: '',
        sku_number: d.skuNumber,
        system_family: d.systemFamily,
        azure_ad_device_id: azureAdDeviceId,
        managed_device_id: null,
        userless_enrollment_status: 'unknown',
        created_at: now,
        updated_at: now,
      },
      hash: { device_id: id, hardware_hash: d.hash },
      keys: d.keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: tenantId, device_id: id, created_at: now })),
      entra: {
        id: entraId,
        tenant_id: tenantId,
        device_id: azureAdDeviceId,
        display_name: d.serialNumber || d.productKey,
        operating_system: 'Windows',
        operating_system_version: '',
        account_enabled: 1,
        trust_type: null,
        profile_type: 'RegisteredDevice',
        enrollment_profile_name: null,
        autopilot_device_id: id,
        created_at: now,
        updated_at: now,
      },
      physicalIds: autopilotPhysicalIds({ id, groupTag: '', purchaseOrderIdentifier: '' }).map((value) => ({ entra_device_id: entraId, tenant_id: tenantId, value })),
    };
  });
}

type Rows = ReturnType<typeof registrationRows>;

async function benchRaw(engine: Engine, work: Workload): Promise<BaselineResult> {
  const times = new StatementTimes();
  return withMigratedScratch(engine, 'import', async (db, who) => {
    times.reset(); // the migration's
    const now = new Date().toISOString();
    globalThis.gc?.();
    let ms = 0;
    for await (const devices of deviceChunks(work, RAW_TRANSACTION)) {
      const rows = registrationRows(devices, who.tenant.id, now);
      const t0 = performance.now();
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(rows, RAW_CHUNK)) {
          await registrationInserts.devices.run(trx, part.map((r) => r.device));
          await registrationInserts.hashes.run(trx, part.map((r) => r.hash));
          for (const keys of chunks(part.flatMap((r) => r.keys), RAW_CHUNK)) await registrationInserts.keys.run(trx, keys);
          await registrationInserts.entraDevices.run(trx, part.map((r) => r.entra));
          for (const ids of chunks(part.flatMap((r) => r.physicalIds), RAW_CHUNK)) await registrationInserts.physicalIds.run(trx, ids);
        }
      });
      ms += performance.now() - t0;
    }
    const seconds = ms / 1000;
    const statements = times.summary();
    return { devicesPerSecond: work.count / seconds, microsecondsPerDevice: (seconds * 1e6) / work.count, seconds, tables: await tableCounts(db), statements };
  }, { log: times.log });
}

/** A value in COPY's text format. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Writes `rows` as a COPY text file readable by the PostgreSQL server; returns its column list. */
function writeCopyFile(file: string, rows: Record<string, unknown>[]): string[] {
  const columns = Object.keys(rows[0]);
  writeFileSync(file, rows.map((r) => columns.map((c) => copyText(r[c])).join('\t')).join('\n') + '\n');
  chmodSync(file, 0o644);
  return columns;
}

async function benchCopy(work: Workload): Promise<BaselineResult> {
  return withMigratedScratch('postgres', 'import', async (db, who, scratch) => {
    const client = new pg.Client({ connectionString: scratch.settings.databaseUrl });
    await client.connect();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-copy-'));
    chmodSync(dir, 0o755);
    try {
      const now = new Date().toISOString();
      let ms = 0;
      for await (const devices of deviceChunks(work, COPY_TRANSACTION)) {
        const rows: Rows = registrationRows(devices, who.tenant.id, now);
        const tables: [string, Record<string, unknown>[]][] = [
          ['autopilot_devices', rows.map((r) => r.device)],
          ['autopilot_device_hashes', rows.map((r) => r.hash)],
          ['device_identity_keys', rows.flatMap((r) => r.keys)],
          ['entra_devices', rows.map((r) => r.entra)],
          ['entra_device_physical_ids', rows.flatMap((r) => r.physicalIds)],
        ];
        const statements = tables.map(([table, tableRows]) => {
          const file = path.join(dir, `${table}.tsv`);
          const columns = writeCopyFile(file, tableRows);
          return `copy ${table} (${columns.map((c) => `"${c}"`).join(', ')}) from '${file}'`;
        });
        const t0 = performance.now();
        await client.query('begin');
        for (const statement of statements) await client.query(statement);
        await client.query('commit');
        ms += performance.now() - t0;
      }
      const seconds = ms / 1000;
      return { devicesPerSecond: work.count / seconds, microsecondsPerDevice: (seconds * 1e6) / work.count, seconds, tables: await tableCounts(db) };
    } finally {
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ---- run ------------------------------------------------------------------------------------------------------------

interface EngineResult {
  tarmac: TarmacResult;
  /** The first POSTs again, to a server without its worker (benchPostsAlone). */
  postsAlone: { requests: number; postP50Ms: number; postP99Ms: number };
  raw: BaselineResult;
  /** PostgreSQL only: COPY of the same rows, the physical limit. */
  copy?: BaselineResult;
  /** Tarmac's devices/s as a fraction of the raw inserts' (the headline), and of COPY's. */
  ratio: number;
  ratioToCopy?: number;
}

export async function run(): Promise<void> {
  if (SIZES.length === 0 || SIZES.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`BENCH_IMPORT_DEVICES must list positive whole numbers (got ${process.env.BENCH_IMPORT_DEVICES})`);
  console.log(`${SIZES.map((n) => fmt(n)).join(', ')} synthetic devices; POST ${PER_REQUEST} a request, ${IN_FLIGHT} in flight, to a server in a child process on 127.0.0.1; raw baseline: the registration's INSERTs (CompiledInsert), ${fmt(RAW_TRANSACTION)} devices a transaction; COPY ${fmt(COPY_TRANSACTION)} a transaction`);
  await ensureDistBuilt();
  const engines: Engine[] = [];
  if (ENGINES.includes('sqlite')) engines.push('sqlite');
  if (ENGINES.includes('postgres') && (await postgresAvailable())) engines.push('postgres');
  const loadBefore = os.loadavg();
  const sizes: Record<string, { seedsSkipped: number; load: number[]; results: Record<string, EngineResult> }> = {};
  for (const count of SIZES) {
    const genStart = performance.now();
    const work = await generate(count);
    console.log(`  ${fmt(count)}: generated in ${fmt((performance.now() - genStart) / 1000, 1)} s (${work.seedsSkipped} seeds skipped: identity keys shared with an earlier device)`);
    const results: Record<string, EngineResult> = {};
    try {
      for (const engine of engines) {
        const tarmac = await benchTarmac(engine, work);
        const m = tarmac.memory;
        console.log(
          `  ${fmt(count)} ${engine}: Tarmac ${fmt(tarmac.devicesPerSecond)} devices/s (${fmt(tarmac.seconds, 1)} s; POSTs done after ${fmt(tarmac.postSeconds, 1)} s, ` +
            `p50 ${fmt(tarmac.postP50Ms)} ms, ${fmt(tarmac.settledDuringPosts)} rows settled by then); server RSS idle ${fmt(m.idleRssMB)} MB, peak ${fmt(m.peakRssMB)} MB, after ${fmt(m.afterRssMB)} MB`,
        );
        const l = tarmac.lookups;
        console.log(`  ${fmt(count)} ${engine}: ${fmt(l.requests)} PC profile lookups meanwhile: p50 ${fmt(l.p50Ms, 1)} ms, p99 ${fmt(l.p99Ms, 1)} ms, max ${fmt(l.maxMs, 1)} ms (${JSON.stringify(l.statuses)})`);
        const at = (ms: number) => `${fmt(ms / 1000, 1)} s`;
        console.log(`  ${fmt(count)} ${engine}: the slowest lookups (ms, ended at, after the first POST): ${l.slowest.map((x) => `${fmt(x.ms)} at ${at(x.endedAfterMs)}`).join(', ')}`);
        if (tarmac.walMaxMB !== undefined) console.log(`  ${fmt(count)} ${engine}: the WAL file grew to ${fmt(tarmac.walMaxMB)} MB at most`);
        if (tarmac.slowestStatements) console.log(`  ${fmt(count)} ${engine}: the slowest statements: ${tarmac.slowestStatements.slice(0, 10).map((x) => `${x.kind} ${fmt(x.milliseconds)} ms at ${at(x.endedAfterMs)}`).join(', ')}`);
        if (TARMAC_ONLY) continue;
        const postsAlone = await benchPostsAlone(engine, work);
        console.log(`  ${fmt(count)} ${engine}: the first ${postsAlone.requests} POSTs without the worker: p50 ${fmt(postsAlone.postP50Ms)} ms, p99 ${fmt(postsAlone.postP99Ms)} ms`);
        const raw = await benchRaw(engine, work);
        console.log(`  ${fmt(count)} ${engine}: raw inserts ${fmt(raw.devicesPerSecond)} devices/s (${fmt(raw.seconds, 1)} s)`);
        const copy = engine === 'postgres' ? await benchCopy(work) : undefined;
        if (copy) console.log(`  ${fmt(count)} ${engine}: COPY ${fmt(copy.devicesPerSecond)} devices/s (${fmt(copy.seconds, 1)} s)`);
        const incomplete = count - (tarmac.statuses.complete ?? 0);
        if (incomplete > 0) console.log(`  ${engine}: WARNING ${incomplete} imports did not complete: ${JSON.stringify(tarmac.statuses)}`);
        for (const baseline of [raw, copy]) {
          for (const table of REGISTRY_TABLES) {
            if (baseline && tarmac.tables[table] !== baseline.tables[table]) console.log(`  ${engine}: WARNING ${table}: Tarmac wrote ${tarmac.tables[table]} rows, a baseline ${baseline.tables[table]}`);
          }
        }
        results[engine] = {
          tarmac,
          postsAlone,
          raw,
          ...(copy ? { copy, ratioToCopy: tarmac.devicesPerSecond / copy.devicesPerSecond } : {}),
          ratio: tarmac.devicesPerSecond / raw.devicesPerSecond,
        };
      }
    } finally {
      rmSync(work.dir, { recursive: true, force: true });
    }
    sizes[count] = { seedsSkipped: work.seedsSkipped, load: os.loadavg(), results };
    // Written after each size, so that a long run that is cut short keeps what it measured.
    if (!TARMAC_ONLY) record(sizes, loadBefore);
  }
  const loadAfter = os.loadavg();

  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(20) : c.padStart(12))).join(''));
  line(['', 'Tarmac d/s', 'µs/device', 'raw d/s', 'COPY d/s', 'Tarmac/raw', 'POST p50', 'POST p99', 'RSS idle', 'RSS peak']);
  for (const [count, s] of Object.entries(sizes)) {
    for (const [engine, r] of Object.entries(s.results)) {
      line([
        `${fmt(Number(count))} ${engine}`,
        fmt(r.tarmac.devicesPerSecond),
        fmt(r.tarmac.microsecondsPerDevice),
        fmt(r.raw.devicesPerSecond),
        r.copy ? fmt(r.copy.devicesPerSecond) : '-',
        `${fmt(r.ratio * 100, 1)}%`,
        `${fmt(r.tarmac.postP50Ms)} ms`,
        `${fmt(r.tarmac.postP99Ms)} ms`,
        `${fmt(r.tarmac.memory.idleRssMB)} MB`,
        `${fmt(r.tarmac.memory.peakRssMB)} MB`,
      ]);
    }
  }
  printStatementTimes(sizes);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average before ${load(loadBefore)}, after ${load(loadAfter)} (${os.cpus().length} CPUs)`);
  if (TARMAC_ONLY) return;
  const file = record(sizes, loadBefore);
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}

/** Below this many µs a device in both columns, a kind of statement is counted in "other". */
const STATEMENT_KIND_MIN_US = 2;

/** Each size and engine: the SQL time per device of each kind of statement, Tarmac's server beside the raw baseline's. */
function printStatementTimes(sizes: Record<string, { results: Record<string, EngineResult> }>): void {
  console.log(`  SQL time a device (µs) by kind of statement: Tarmac's server over the whole import (POSTs and worker), and the raw baseline`);
  for (const [count, s] of Object.entries(sizes)) {
    for (const [engine, r] of Object.entries(s.results)) {
      const devices = Number(count);
      const perDevice = (list: StatementKindTime[] | undefined) => new Map((list ?? []).map((k) => [k.kind, (k.milliseconds * 1000) / devices]));
      const tarmac = perDevice(r.tarmac.statements);
      const raw = perDevice(r.raw.statements);
      const kinds = [...new Set([...tarmac.keys(), ...raw.keys()])].sort((a, b) => (tarmac.get(b) ?? 0) - (tarmac.get(a) ?? 0));
      const row = (label: string, t: number, b: number) => console.log(`    ${label.padEnd(44)}${fmt(t).padStart(10)}${fmt(b).padStart(10)}`);
      console.log(`  ${fmt(devices)} ${engine}${'Tarmac'.padStart(44 - fmt(devices).length - engine.length + 10)}${'raw'.padStart(10)}`);
      let otherTarmac = 0;
      let otherRaw = 0;
      for (const kind of kinds) {
        const t = tarmac.get(kind) ?? 0;
        const b = raw.get(kind) ?? 0;
        if (t < STATEMENT_KIND_MIN_US && b < STATEMENT_KIND_MIN_US) {
          otherTarmac += t;
          otherRaw += b;
        } else row(kind, t, b);
      }
      row('other', otherTarmac, otherRaw);
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      row('all statements', sum(tarmac), sum(raw));
      row('wall clock', r.tarmac.microsecondsPerDevice, r.raw.microsecondsPerDevice);
    }
  }
}

function record(sizes: Record<string, unknown>, loadBefore: number[]): string {
  return recordResult('import', {
    sizes: SIZES,
    perRequest: PER_REQUEST,
    inFlight: IN_FLIGHT,
    rawChunk: RAW_CHUNK,
    rawTransaction: RAW_TRANSACTION,
    copyTransaction: COPY_TRANSACTION,
    serverWorker: process.env.BENCH_IMPORT_WORKER ?? '{}',
    loadAverage: { before: loadBefore, after: os.loadavg() },
    results: sizes,
  });
}
