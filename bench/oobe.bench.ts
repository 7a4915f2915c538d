// The PC's profile lookup (`POST /oobe/v1/profile {hardwareHash}`) as the registry grows: the real `tarmac serve`
// (bin/tarmac.js, running the built dist/; `npm run build` first) in a child process on a fresh database holding N
// registered synthetic devices with 4 KB hashes (bench/seed-registry.ts: the registry store's own `register`, in
// bulk — a million Graph imports would take most of an hour), then autocannon with 16 connections for
// BENCH_OOBE_SECONDS (default 15) posting the hash of a device picked at random from a sample of SAMPLE devices
// spread evenly over the registry. Baselines in the same run, just before: a bare Fastify route in its own process
// that parses the same JSON bodies and answers a small JSON object, and the floor (since 2026-12-06 14:00;
// floorServer): that route doing a download's essential work with Tarmac's own store and document code.
//
// Sizes: BENCH_OOBE_DEVICES (default 10000,1000000) on each engine of BENCH_OOBE_ENGINES (default sqlite,postgres;
// PostgreSQL on fresh databases, dropped at the end; skipped when no loopback server answers). An engine's registries
// are all seeded first, then every measurement runs on each size one right after the other, in alternating order
// (runEngine), and the bench reports the largest size against the smallest (growthOf). On PostgreSQL each load also
// counts the blocks its statements found in shared buffers and those read from the kernel (loadCounted).
// BENCH_OOBE_BIN runs another build of Tarmac (e.g. an older commit's bin/tarmac.js) against the same workload, for
// before/after comparisons. BENCH_OOBE_WORKERS (default 1,2) runs Tarmac with each count of processes (`serve --workers`) on the same
// registry. TARMAC_OOBE_RATE_LIMIT is raised for the server so that the limiter never answers 429.
// BENCH_OOBE_PROFILE (default `assigned`): the tenant has a deployment profile assigned to all devices (Graph's
// assign, resolved for every device), so each download serves it, as in a real tenant; `none` serves the default
// document (the bench before 2026-12-06).
// BENCH_OOBE_CPU_PROF=<dir> runs Tarmac's processes (the cluster's primary and each worker) with --cpu-prof into that
// directory, one file each, named by engine, size, writes and workers; and the bare route and the floor, named by
// engine and size.
//
// After seeding, the bench refreshes the planner statistics as the import worker does when its queue drains
// (refreshPlannerStatistics). Before 2026-12-06 11:00 it did not, and autovacuum is off on the machine's PostgreSQL
// (`show autovacuum`), so the profile assignment was planned without statistics: 571–582 s at 1M, 75 s with them.
// On PostgreSQL the seeded registry is also vacuumed and analysed before the load (`vacuum analyze`, timed): assigning
// the profile rewrites every device row, and without it the measured runs were slower (PostgreSQL 1M 1,936 against
// 2,807 req/s): they planned without statistics and their first reads pruned the old row versions.
//
// CPU per request (from /proc, around each load): the server's (with its forked workers), PostgreSQL's (all its
// processes: the loopback server serves nothing else meanwhile) and autocannon's (this process). On the 2-core machine
// the bare route is bound by autocannon, not by Fastify: its server is busy 0.7 of a core while autocannon uses a whole
// one, so the req/s ratio compares Tarmac with the load generator; the CPU per request compares the servers.
//
// Every Tarmac run starts from the same state of the sampled devices, put back before it (resetSample). A download
// writes a device's contact (and a delivery it has not had) and then nothing for 5 minutes, so without this the first
// run paid every write and the runs after it none (before 2026-12-06 the one-process run came first: its figure
// included those writes, the two-process run's did not). BENCH_OOBE_WRITES (default first,returning) names the states
// to measure, each with every count of WORKERS:
// - first: as seeded, never contacted and never delivered: every sampled device's first download writes its contact
//   and its delivery, stored before the download answers (the fleet's first boot after the profile was assigned);
// - returning (since 2026-12-06 16:00): delivered, last contacted an hour ago: the first download of each writes its
//   contact time alone, behind the answer (src/oobe/contact-writer.ts). A fleet's usual boot.
import os from 'node:os';
import { sql } from 'kysely';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assignProfile, createProfile } from '../src/profiles/index.js';
import { createStore, createTenantsStore, migrateToLatest, openDatabase } from '../src/store/index.js';
import type { AutopilotDevice } from '../src/model/index.js';
import { createTenant } from '../src/tenants/index.js';
import { fmt, recordResult, repoRoot, sizeList as list } from './lib.js';
import { POSTGRES_URL, postgresAvailable, scratchEnv, scratchFor, type Scratch } from './scratch.js';
import { oobeLoad, type LoadedServer, type OobeLoadResult } from './oobe-load.js';
import { seedRegistry } from './seed-registry.js';
import { childEnv, startChild, type Child } from './child-process.js';
import { withAdmin } from '../test/support/test-databases.js';

const SIZES = list(process.env.BENCH_OOBE_DEVICES ?? '10000,1000000');
/** `tarmac serve --workers` counts to measure on each registry (the bare route is always one process). */
const WORKERS = list(process.env.BENCH_OOBE_WORKERS ?? '1,2');
const ENGINES = (process.env.BENCH_OOBE_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const SECONDS = Number(process.env.BENCH_OOBE_SECONDS ?? 15);
const CONNECTIONS = 16;
/** The seeded tenant's domain (the profile document names it). */
const DOMAIN = 'bench.onmicrosoft.com';
const BIN = path.resolve(process.env.BENCH_OOBE_BIN ?? path.join(repoRoot, 'bin/tarmac.js'));
const CPU_PROF_DIR = process.env.BENCH_OOBE_CPU_PROF;
/** Devices whose hashes the load presents, spread evenly over the registry. */
const SAMPLE = 10_000;
const PROFILE = process.env.BENCH_OOBE_PROFILE ?? 'assigned';
if (PROFILE !== 'assigned' && PROFILE !== 'none') throw new Error(`BENCH_OOBE_PROFILE must be assigned or none (got ${PROFILE})`);
type Writes = 'first' | 'returning';
const WRITES = (process.env.BENCH_OOBE_WRITES ?? 'first,returning').split(',').map((w) => w.trim()) as Writes[];
for (const w of WRITES) if (w !== 'first' && w !== 'returning') throw new Error(`BENCH_OOBE_WRITES lists first and/or returning (got ${w})`);

/** The bare Fastify baseline: one route that parses the JSON body (Fastify's default parser) and answers. */
const BASELINE_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/oobe/v1/profile', async (request) => ({ received: typeof request.body.hardwareHash === 'string' ? request.body.hardwareHash.length : 0 }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.on('SIGTERM', () => process.exit(0)); // an exit, not a signal's death: --cpu-prof writes its file
console.log('listening on http://127.0.0.1:' + app.server.address().port);
`;

/**
 * The second baseline, the download's floor: the bare route doing a download's essential work with Tarmac's own code
 * (the build BIN runs) and none of its HTTP layer. Base64 of the hash, the boot lookup through the registry store
 * (SHA-256, the grouped read, the row mapped), the profile document as JSON; no hooks, security headers, request ids,
 * rate limit, contact writes or tenant domain read. Its req/s against the bare route's is what the work itself costs
 * on this machine; Tarmac's against it, what Tarmac's HTTP layer and writes add. One process, as the bare route.
 */
function floorServer(bin: string): string {
  const dist = (module: string) => JSON.stringify(pathToFileURL(path.join(path.dirname(bin), '../dist', module)).href);
  return `
import Fastify from 'fastify';
import { createStore, openDatabase } from ${dist('store/index.js')};
import { hashTextBytes } from ${dist('hash/index.js')};
import { autopilotConfigurationFile, toAsciiJson } from ${dist('profiles/configuration-file.js')};
const db = await openDatabase({ dataDir: process.env.TARMAC_DATA_DIR, databaseUrl: process.env.TARMAC_DATABASE_URL });
const devices = createStore(db).devices;
const app = Fastify({ logger: false });
app.post('/oobe/v1/profile', async (request, reply) => {
  const bytes = typeof request.body.hardwareHash === 'string' ? hashTextBytes(request.body.hardwareHash) : null;
  const device = bytes === null ? undefined : await devices.bootDeviceOfHash(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (device === undefined) return reply.code(404).send({ error: 'not registered' });
  const file = autopilotConfigurationFile({ profile: device.deploymentProfile ?? null, tenant: { id: device.tenantId, domain: ${JSON.stringify(DOMAIN)} }, device: { serialNumber: device.serialNumber } });
  return reply.type('application/json').send(toAsciiJson(file));
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.on('SIGTERM', () => process.exit(0)); // an exit, not a signal's death: --cpu-prof writes its file
console.log('listening on http://127.0.0.1:' + app.server.address().port);
`;
}

/** --cpu-prof flags for a Tarmac run when BENCH_OOBE_CPU_PROF names a directory (the workers inherit them). */
function cpuProfile(name: string): string[] {
  if (!CPU_PROF_DIR) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF_DIR, name)}`];
}

type LoadResult = OobeLoadResult;
const load = (url: string, bodies: string[], server: LoadedServer): Promise<LoadResult> => oobeLoad(url, bodies, CONNECTIONS, SECONDS, server);

/** What a profile download may write on a sampled device, as seeded: resetSample sets it before each run. */
type SampleState = { tenantId: string; id: string } & Pick<AutopilotDevice, 'lastContactedAt' | 'deliveredProfileId' | 'deploymentProfileAssignmentStatus'>;

interface Seeded {
  seconds: number;
  assignSeconds: number | null;
  /** PostgreSQL: `vacuum analyze` after seeding; null on SQLite. */
  vacuumSeconds: number | null;
  /** The profile assigned to all devices; null without one. */
  profileId: string | null;
  hashes: string[];
  sample: SampleState[];
}

/** A fresh database with `devices` registered devices in one tenant; the sample's hashes and states. */
async function seed(scratch: Scratch, devices: number): Promise<Seeded> {
  const db = await openDatabase(scratch.settings);
  try {
    await migrateToLatest(db);
    const who = await createTenant(createTenantsStore(db), { domain: DOMAIN, displayName: 'Bench' });
    const every = Math.max(1, Math.floor(devices / SAMPLE));
    const { seconds, kept } = await seedRegistry(db, who.tenant.id, 1, devices, (seed) => seed % every === 0);
    // What the import worker does when its queue drains (PostgreSQL: ANALYZE of the tables the load left stale).
    await createStore(db).imports.refreshPlannerStatistics();
    let assignSeconds: number | null = null;
    let profileId: string | null = null;
    if (PROFILE === 'assigned') {
      const start = performance.now();
      const store = createStore(db);
      const now = new Date().toISOString();
      const profile = await createProfile(store, who.tenant.id, 'azureAD', { displayName: 'Bench profile', deviceNameTemplate: 'BENCH-%SERIAL%' }, now);
      await assignProfile(store, who.tenant.id, profile.id, { kind: 'allDevices' }, now);
      profileId = profile.id;
      assignSeconds = (performance.now() - start) / 1000;
    }
    let vacuumSeconds: number | null = null;
    if (scratch.settings.databaseUrl !== undefined) {
      const start = performance.now();
      await sql`vacuum analyze`.execute(db);
      vacuumSeconds = (performance.now() - start) / 1000;
    }
    const store = createStore(db);
    const sample: SampleState[] = [];
    for (const k of kept) {
      const d = await store.devices.find(who.tenant.id, k.id);
      if (!d) throw new Error(`seeded device ${k.id} is missing`);
      sample.push({ tenantId: d.tenantId, id: d.id, lastContactedAt: d.lastContactedAt, deliveredProfileId: d.deliveredProfileId, deploymentProfileAssignmentStatus: d.deploymentProfileAssignmentStatus });
    }
    return { seconds, assignSeconds, vacuumSeconds, profileId, hashes: kept.map((k) => k.hash), sample };
  } finally {
    await db.destroy();
  }
}

/** Sets the sampled devices' contact and delivery as `writes` says (see the header; the server is stopped). */
async function resetSample(scratch: Scratch, seeded: Seeded, writes: Writes): Promise<void> {
  const db = await openDatabase(scratch.settings);
  try {
    const now = new Date().toISOString();
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await createStore(db).transaction(async (tx) => {
      for (const d of seeded.sample) {
        const { lastContactedAt, deliveredProfileId, deploymentProfileAssignmentStatus } = d;
        const state =
          writes === 'first'
            ? { lastContactedAt, deliveredProfileId, deploymentProfileAssignmentStatus }
            : { lastContactedAt: anHourAgo, deliveredProfileId: seeded.profileId, deploymentProfileAssignmentStatus: seeded.profileId === null ? deploymentProfileAssignmentStatus : ('assignedInSync' as const) };
        await tx.devices.update(d.tenantId, d.id, state, now);
      }
    });
  } finally {
    await db.destroy();
  }
}

interface RunResult {
  engine: string;
  devices: number;
  /** `tarmac serve --workers`: processes serving the port. */
  workers: number;
  /** The sampled devices' state before the run (BENCH_OOBE_WRITES, see the header). */
  writes: Writes;
  registered: number;
  seedSeconds: number;
  /** Creating the profile and assigning it to all devices (resolution of every device); null without a profile. */
  assignSeconds: number | null;
  vacuumSeconds: number | null;
  baseline: LoadResult;
  /** The download's essential work on the bare route (floorServer). */
  floor: LoadWithBlocks;
  tarmac: LoadWithBlocks;
  /** Tarmac's req/s as a fraction of the bare route's (one process). */
  ratio: number;
  /** Tarmac's req/s as a fraction of the floor route's. */
  ofFloor: number;
  /** Responses that were not 200 in a check before the load (should be 0). */
  checkFailures: number;
}

/** One engine's registries, seeded, with what the load presents to each. */
interface Registry {
  devices: number;
  scratch: Scratch;
  seeded: Seeded;
  bodies: string[];
}

/**
 * Every size of one engine: all registries seeded first and kept until the end, then each measurement (the bare
 * route, the floor, Tarmac with each WRITES state and WORKERS count) on every size right after the other, in an order
 * that alternates from one measurement to the next (10k then 1M, then 1M then 10k, …). The machine's speed drifts by
 * more than the sizes differ (the same 10k run 3,300–4,200 req/s within an hour); measured apart, as before
 * 2026-12-06 22:00 (each size seeded, measured and dropped in turn, tens of minutes apart), the sizes' ratio measured
 * the drift as much as the registry.
 */
async function runEngine(engine: 'sqlite' | 'postgres', sizes: number[]): Promise<RunResult[]> {
  const registries: Registry[] = [];
  const scratches: Scratch[] = [];
  const children: Child[] = [];
  let turn = 0;
  const inTurn = (): Registry[] => (turn++ % 2 === 0 ? registries : [...registries].reverse());
  try {
    for (const devices of sizes) {
      const scratch = await scratchFor(engine, 'oobe');
      scratches.push(scratch);
      const seeded = await seed(scratch, devices);
      registries.push({ devices, scratch, seeded, bodies: seeded.hashes.map((h) => JSON.stringify({ hardwareHash: h })) });
      const assigned = seeded.assignSeconds === null ? 'no profile assigned' : `a profile assigned to all devices in ${fmt(seeded.assignSeconds, 1)} s`;
      const vacuumed = seeded.vacuumSeconds === null ? '' : `, vacuumed in ${fmt(seeded.vacuumSeconds, 1)} s`;
      console.log(`  ${engine} ${fmt(devices)}: seeded in ${fmt(seeded.seconds, 1)} s, ${assigned}${vacuumed}`);
    }
    const baselines = new Map<Registry, LoadResult>();
    for (const r of inTurn()) {
      const bare = await startChild([...cpuProfile(`bare-${engine}-${r.devices}`), '--input-type=module', '-e', BASELINE_SERVER], childEnv({}), /listening on/);
      children.push(bare);
      globalThis.gc?.();
      baselines.set(r, await load(bare.url, r.bodies, loaded(bare, false)));
      await bare.stop();
    }
    const floors = new Map<Registry, LoadWithBlocks>();
    for (const r of inTurn()) {
      const floorChild = await startChild([...cpuProfile(`floor-${engine}-${r.devices}`), '--input-type=module', '-e', floorServer(BIN)], childEnv(scratchEnv(r.scratch)), /listening on/);
      children.push(floorChild);
      globalThis.gc?.();
      const floor = await loadCounted(r.scratch, floorChild.url, r.bodies, loaded(floorChild, engine === 'postgres'));
      await floorChild.stop();
      if (floor.non2xx > 0 || floor.errors > 0) throw new Error(`the floor route answered ${floor.non2xx} non-2xx and ${floor.errors} errors`);
      floors.set(r, floor);
      const baseline = baselines.get(r)!;
      console.log(`  ${engine} ${fmt(r.devices)}: bare Fastify ${fmt(baseline.requestsPerSecond)} req/s (CPU µs/request: ${cpuText(baseline)}), floor ${fmt(floor.requestsPerSecond)} req/s (p99 ${floor.p99Ms} ms; CPU µs/request: ${cpuText(floor)}${blocksText(floor)})`);
    }
    const out: RunResult[] = [];
    for (const writes of WRITES) for (const workers of WORKERS) for (const r of inTurn()) {
      await resetSample(r.scratch, r.seeded, writes);
      const tarmac = await startChild(
        [...cpuProfile(`oobe-${engine}-${r.devices}-${writes}-x${workers}`), BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--workers', String(workers)],
        childEnv({ ...scratchEnv(r.scratch), TARMAC_OOBE_RATE_LIMIT: '1000000000', TARMAC_GRAPH_RATE_LIMIT: '0' }),
        /Press Ctrl\+C to stop\./,
      );
      children.push(tarmac);
      // Every body must get its profile (200), or the load measures errors.
      let checkFailures = 0;
      for (const body of r.bodies.slice(0, 20)) {
        const res = await fetch(`${tarmac.url}/oobe/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.status !== 200) checkFailures++;
        await res.arrayBuffer();
      }
      globalThis.gc?.();
      const result = await loadCounted(r.scratch, tarmac.url, r.bodies, loaded(tarmac, engine === 'postgres'));
      await tarmac.stop();
      const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
      console.log(
        `  ${engine} ${fmt(r.devices)}: Tarmac --workers ${workers}, ${writes} ${fmt(result.requestsPerSecond)} req/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ${result.non2xx} non-2xx, ${result.errors} errors); ` +
          `CPU µs/request: ${cpuText(result)}${blocksText(result)}; ` +
          `load ${la(result.loadAverage.before)} → ${la(result.loadAverage.after)}`,
      );
      const baseline = baselines.get(r)!;
      const floor = floors.get(r)!;
      out.push({
        engine,
        devices: r.devices,
        workers,
        writes,
        registered: r.devices,
        seedSeconds: r.seeded.seconds,
        assignSeconds: r.seeded.assignSeconds,
        vacuumSeconds: r.seeded.vacuumSeconds,
        baseline,
        floor,
        tarmac: result,
        ratio: result.requestsPerSecond / baseline.requestsPerSecond,
        ofFloor: result.requestsPerSecond / floor.requestsPerSecond,
        checkFailures,
      });
    }
    return out;
  } finally {
    for (const child of children.reverse()) await child.stop();
    for (const scratch of scratches) await scratch.drop();
  }
}

/**
 * PostgreSQL: the blocks the load's statements found in shared buffers (hits) and those read from the kernel (the
 * page cache or the disk), per request, from pg_statio_user_tables (the table, its indexes and TOAST) around the
 * load. The registry's working set against `shared_buffers` shows here: at 1M on the default 128 MB, about one read a
 * download. Undefined on SQLite.
 */
interface LoadWithBlocks extends LoadResult {
  blocks?: { hitsPerRequest: number; readsPerRequest: number };
}

async function loadCounted(scratch: Scratch, url: string, bodies: string[], server: LoadedServer): Promise<LoadWithBlocks> {
  const databaseUrl = scratch.settings.databaseUrl;
  if (databaseUrl === undefined) return load(url, bodies, server);
  const before = await blockCounts(databaseUrl);
  const result = await load(url, bodies, server);
  const after = await blockCounts(databaseUrl);
  const per = (n: number) => (result.requests > 0 ? Math.round((n / result.requests) * 100) / 100 : 0);
  return { ...result, blocks: { hitsPerRequest: per(after.hits - before.hits), readsPerRequest: per(after.reads - before.reads) } };
}

async function blockCounts(databaseUrl: string): Promise<{ hits: number; reads: number }> {
  const { rows } = await withAdmin(
    (client) =>
      client.query<{ hits: string; reads: string }>(
        `select coalesce(sum(heap_blks_hit + coalesce(idx_blks_hit, 0) + coalesce(toast_blks_hit, 0) + coalesce(tidx_blks_hit, 0)), 0) as hits,
                coalesce(sum(heap_blks_read + coalesce(idx_blks_read, 0) + coalesce(toast_blks_read, 0) + coalesce(tidx_blks_read, 0)), 0) as reads
         from pg_statio_user_tables`,
      ),
    databaseUrl,
  );
  return { hits: Number(rows[0]!.hits), reads: Number(rows[0]!.reads) };
}

/** The loopback server's shared_buffers (run() has checked that it answers). */
async function sharedBuffers(): Promise<string> {
  const { rows } = await withAdmin((client) => client.query<{ shared_buffers: string }>('show shared_buffers'), POSTGRES_URL);
  return rows[0]!.shared_buffers;
}

function blocksText(r: LoadWithBlocks): string {
  return r.blocks ? `; blocks/request: ${fmt(r.blocks.hitsPerRequest, 1)} hit, ${fmt(r.blocks.readsPerRequest, 2)} read` : '';
}

/**
 * The largest registry against the smallest, for each measurement of one engine (measured one right after the other,
 * see runEngine): Tarmac's and the floor's requests/s, and the CPU per request of the server with PostgreSQL's. The
 * issue's target for a hot path: at most 1.5× the cost per operation.
 */
interface Growth {
  engine: string;
  writes: Writes;
  workers: number;
  from: number;
  to: number;
  /** req/s at `to` over req/s at `from`. */
  tarmacRequests: number;
  /** CPU µs per request (server + PostgreSQL) at `to` over that at `from`. */
  tarmacCpu: number | null;
  floorRequests: number;
  floorCpu: number | null;
}

function growthOf(results: RunResult[]): Growth[] {
  const out: Growth[] = [];
  const cpu = (r: LoadResult) => (r.cpu ? r.cpu.serverUsPerRequest + (r.cpu.databaseUsPerRequest ?? 0) : null);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
  for (const engine of new Set(results.map((r) => r.engine))) for (const writes of WRITES) for (const workers of WORKERS) {
    const same = results.filter((r) => r.engine === engine && r.writes === writes && r.workers === workers).sort((a, b) => a.devices - b.devices);
    const [small, large] = [same[0], same.at(-1)];
    if (!small || !large || small === large) continue;
    out.push({
      engine,
      writes,
      workers,
      from: small.devices,
      to: large.devices,
      tarmacRequests: large.tarmac.requestsPerSecond / small.tarmac.requestsPerSecond,
      tarmacCpu: ratio(cpu(large.tarmac), cpu(small.tarmac)),
      floorRequests: large.floor.requestsPerSecond / small.floor.requestsPerSecond,
      floorCpu: ratio(cpu(large.floor), cpu(small.floor)),
    });
  }
  return out;
}

/** The server whose CPU time a load reads (see oobeLoad). */
function loaded(child: Child, postgres: boolean): LoadedServer {
  if (child.process.pid === undefined) throw new Error('the server has no process id');
  return { pid: child.process.pid, postgres };
}

/** `server (+ database) / load generator` µs per request, and the server's busy cores. */
function cpuText(r: LoadResult): string {
  if (!r.cpu) return 'n/a';
  const db = r.cpu.databaseUsPerRequest === null ? '' : ` + PostgreSQL ${fmt(r.cpu.databaseUsPerRequest)}`;
  return `server ${fmt(r.cpu.serverUsPerRequest)}${db} (${fmt(r.cpu.serverCores, 2)} cores) / autocannon ${fmt(r.cpu.loadGeneratorUsPerRequest)}`;
}

export async function run(): Promise<void> {
  const engines: ('sqlite' | 'postgres')[] = [];
  if (ENGINES.includes('sqlite')) engines.push('sqlite');
  if (ENGINES.includes('postgres') && (await postgresAvailable())) engines.push('postgres');
  if (engines.length === 0 || SIZES.length === 0) throw new Error('nothing to run: check BENCH_OOBE_ENGINES and BENCH_OOBE_DEVICES');
  for (const n of SIZES) if (!Number.isSafeInteger(n) || n < 1) throw new Error(`device counts must be positive whole numbers (got ${n})`);
  const buffers = engines.includes('postgres') ? await sharedBuffers() : null;
  console.log(`POST /oobe/v1/profile, ${CONNECTIONS} connections for ${SECONDS} s, hashes of ${fmt(SAMPLE)} registered devices at random, profile: ${PROFILE}; Tarmac: ${path.relative(process.cwd(), BIN) || BIN}${buffers ? `; PostgreSQL shared_buffers ${buffers}` : ''}`);

  const results: RunResult[] = [];
  for (const engine of engines) results.push(...(await runEngine(engine, SIZES)));

  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(36) : c.padStart(13))).join(''));
  const us = (r: LoadResult) => (r.cpu ? fmt(r.cpu.serverUsPerRequest + (r.cpu.databaseUsPerRequest ?? 0)) : 'n/a');
  line(['', 'Tarmac req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'Tarmac/bare', 'floor req/s', 'floor/bare', 'Tarmac/floor', 'Tarmac µs/r', 'floor µs/r', 'bare µs/r']);
  for (const r of results) {
    const floorRatio = r.floor.requestsPerSecond / r.baseline.requestsPerSecond;
    line([
      `${r.engine} ${fmt(r.devices)} ×${r.workers} ${r.writes}`,
      fmt(r.tarmac.requestsPerSecond),
      fmt(r.tarmac.p50Ms),
      fmt(r.tarmac.p99Ms),
      fmt(r.baseline.requestsPerSecond),
      `${fmt(r.ratio * 100, 1)}%`,
      fmt(r.floor.requestsPerSecond),
      `${fmt(floorRatio * 100, 1)}%`,
      `${fmt(r.ofFloor * 100, 1)}%`,
      us(r.tarmac),
      us(r.floor),
      us(r.baseline),
    ]);
  }
  console.log('  floor: the download\'s essential work (base64, the boot lookup, the profile document) on the bare route, one process');
  console.log('  µs/r: CPU per request of the server (with PostgreSQL\'s), from /proc');
  console.log('  first: every sampled device\'s first download after the assignment (contact and delivery, stored before the answer); returning: delivered, contacted an hour ago (the contact time, written behind the answer)');
  const growth = growthOf(results);
  if (growth.length > 0) {
    console.log('');
    line(['largest against smallest', 'Tarmac req/s', 'Tarmac µs/r', 'floor req/s', 'floor µs/r']);
    const times = (x: number | null) => (x === null ? 'n/a' : `×${fmt(x, 2)}`);
    for (const g of growth) line([`${g.engine} ${fmt(g.to)}/${fmt(g.from)} ×${g.workers} ${g.writes}`, times(g.tarmacRequests), times(g.tarmacCpu), times(g.floorRequests), times(g.floorCpu)]);
    console.log('  measured one right after the other, in alternating order; the target: at most ×1.5 the cost per request');
  }
  console.log(`  ${os.cpus().length} CPUs; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const file = recordResult('oobe', { tarmacBin: path.relative(repoRoot, BIN), profile: PROFILE, connections: CONNECTIONS, seconds: SECONDS, sample: SAMPLE, workers: WORKERS, writes: WRITES, postgresSharedBuffers: buffers, results, growth });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
