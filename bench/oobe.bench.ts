// The PC's profile lookup (`POST /oobe/v1/profile {hardwareHash}`) as the registry grows: the real `tarmac serve`
// (bin/tarmac.js, running the built dist/; `npm run build` first) in a child process on a fresh database, with N synthetic
// devices registered through the Graph import action (500 a request, 4 in flight, the server's own import worker),
// then autocannon with 16 connections for BENCH_OOBE_SECONDS (default 15) posting the hash of a random registered
// device. Baseline in the same run, just before: a bare Fastify route in its own process that parses the same JSON
// bodies and answers a small JSON object.
//
// Sizes: BENCH_OOBE_DEVICES (default 2000,20000) on SQLite and BENCH_OOBE_POSTGRES_DEVICES (default 2000) on
// PostgreSQL (a fresh database, dropped at the end; skipped when no loopback server answers); BENCH_OOBE_ENGINES picks
// engines (default sqlite,postgres). BENCH_OOBE_BIN runs another build of Tarmac (e.g. an older commit's
// bin/tarmac.js) against the same workload, for before/after comparisons. TARMAC_OOBE_RATE_LIMIT is raised for the
// server so that the limiter never answers 429.
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { encodeHardwareHash, syntheticInventory } from '../src/hash/index.js';
import { openDatabase } from '../src/store/index.js';
import { fmt, recordResult, repoRoot, sizeList as list } from './lib.js';
import { postgresAvailable, scratchEnv, scratchFor, type Scratch } from './scratch.js';
import { childEnv, startChild, type Child } from './child-process.js';

const SQLITE_SIZES = list(process.env.BENCH_OOBE_DEVICES ?? '2000,20000');
const POSTGRES_SIZES = list(process.env.BENCH_OOBE_POSTGRES_DEVICES ?? '2000');
const ENGINES = (process.env.BENCH_OOBE_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const SECONDS = Number(process.env.BENCH_OOBE_SECONDS ?? 15);
const CONNECTIONS = 16;
const BIN = path.resolve(process.env.BENCH_OOBE_BIN ?? path.join(repoRoot, 'bin/tarmac.js'));
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';
const IMPORT_TIMEOUT_MS = 15 * 60_000;

/** The bare Fastify baseline: one route that parses the JSON body (Fastify's default parser) and answers. */
const BASELINE_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/oobe/v1/profile', async (request) => ({ received: typeof request.body.hardwareHash === 'string' ? request.body.hardwareHash.length : 0 }));
await app.listen({ host: '127.0.0.1', port: 0 });
console.log('listening on http://127.0.0.1:' + app.server.address().port);
`;

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  loadAverage: { before: number[]; after: number[] };
}

/** autocannon: CONNECTIONS connections for SECONDS, each request the body of a random registered device. */
async function load(url: string, bodies: string[]): Promise<LoadResult> {
  const before = os.loadavg();
  const result = await autocannon({
    url: `${url}/oobe/v1/profile`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[Math.floor(Math.random() * bodies.length)] }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    loadAverage: { before, after: os.loadavg() },
  };
}

/** Base64 hashes of `count` synthetic devices (two seeds never share an identity key). */
function generateHashes(count: number): string[] {
  const out: string[] = [];
  for (let seed = 1; out.length < count; seed++) out.push(encodeHardwareHash(syntheticInventory(seed)).base64);
  return out;
}

async function importAll(base: string, token: string, hashes: string[], scratch: Scratch): Promise<{ seconds: number; registered: string[] }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const bodies: string[] = [];
  for (let i = 0; i < hashes.length; i += PER_REQUEST) {
    bodies.push(JSON.stringify({ importedWindowsAutopilotDeviceIdentities: hashes.slice(i, i + PER_REQUEST).map((h) => ({ hardwareIdentifier: h })) }));
  }
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(`${base}${IMPORT_PATH}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(120_000) });
        if (res.status !== 200) throw new Error(`POST import answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
        await res.arrayBuffer();
      }
    }),
  );
  // Rows are read from a connection of this process: the server's worker settles them.
  const db = await openDatabase(scratch.settings);
  try {
    for (;;) {
      const waiting = await db
        .selectFrom('imported_device_identities')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('import_status', 'in', ['unknown', 'pending'])
        .executeTakeFirstOrThrow();
      if (Number(waiting.n) === 0) break;
      if (performance.now() - start > IMPORT_TIMEOUT_MS) throw new Error(`imports not finished after ${IMPORT_TIMEOUT_MS / 1000} s (${waiting.n} waiting)`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - start) / 1000;
    const rows = await db.selectFrom('imported_device_identities').select('hardware_identifier').where('import_status', '=', 'complete').execute();
    const registered = rows.flatMap((r) => (r.hardware_identifier ? [Buffer.from(r.hardware_identifier).toString('base64')] : []));
    return { seconds, registered };
  } finally {
    await db.destroy();
  }
}

interface RunResult {
  engine: string;
  devices: number;
  registered: number;
  importSeconds: number;
  baseline: LoadResult;
  tarmac: LoadResult;
  /** Tarmac's req/s as a fraction of the bare route's. */
  ratio: number;
  /** Responses that were not 200 in a check before the load (should be 0). */
  checkFailures: number;
}

async function runOne(engine: 'sqlite' | 'postgres', hashes: string[]): Promise<RunResult> {
  const scratch = await scratchFor(engine, 'oobe');
  const children: Child[] = [];
  try {
    const tarmac = await startChild(
      [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'],
      childEnv({
        ...scratchEnv(scratch),
        TARMAC_OOBE_RATE_LIMIT: '1000000000',
        TARMAC_GRAPH_RATE_LIMIT: '0',
      }),
      /client secret\s+(\S+)[\s\S]*Press Ctrl\+C to stop\./,
    );
    children.push(tarmac);
    const out = tarmac.output();
    const clientId = /client id\s+(\S+)/.exec(out)?.[1];
    const tenant = /tenant\s+(\S+)/.exec(out)?.[1];
    const secret = tarmac.match[1];
    if (!clientId || !tenant) throw new Error(`no demo tenant in the banner:\n${out}`);
    const tokenRes = await fetch(`${tarmac.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }),
    });
    if (tokenRes.status !== 200) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;

    const imported = await importAll(tarmac.url, token, hashes, scratch);
    console.log(`  ${engine} ${fmt(hashes.length)}: ${fmt(imported.registered.length)} registered in ${fmt(imported.seconds, 1)} s`);
    const bodies = imported.registered.map((h) => JSON.stringify({ hardwareHash: h }));

    // Every body must get its profile (200), or the load measures errors.
    let checkFailures = 0;
    for (const body of bodies.slice(0, 20)) {
      const res = await fetch(`${tarmac.url}/oobe/v1/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 200) checkFailures++;
      await res.arrayBuffer();
    }

    const bare = await startChild(['--input-type=module', '-e', BASELINE_SERVER], childEnv({}), /listening on/);
    children.push(bare);
    globalThis.gc?.();
    const baseline = await load(bare.url, bodies);
    await bare.stop();
    globalThis.gc?.();
    const result = await load(tarmac.url, bodies);
    const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
    console.log(
      `  ${engine} ${fmt(hashes.length)}: bare Fastify ${fmt(baseline.requestsPerSecond)} req/s (p99 ${baseline.p99Ms} ms), ` +
        `Tarmac ${fmt(result.requestsPerSecond)} req/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ${result.non2xx} non-2xx, ${result.errors} errors); ` +
        `load ${la(baseline.loadAverage.before)} → ${la(result.loadAverage.after)}`,
    );
    return {
      engine,
      devices: hashes.length,
      registered: imported.registered.length,
      importSeconds: imported.seconds,
      baseline,
      tarmac: result,
      ratio: result.requestsPerSecond / baseline.requestsPerSecond,
      checkFailures,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await scratch.drop();
  }
}

export async function run(): Promise<void> {
  const runs: { engine: 'sqlite' | 'postgres'; devices: number }[] = [];
  if (ENGINES.includes('sqlite')) for (const n of SQLITE_SIZES) runs.push({ engine: 'sqlite', devices: n });
  if (ENGINES.includes('postgres') && POSTGRES_SIZES.length > 0 && (await postgresAvailable())) {
    for (const n of POSTGRES_SIZES) runs.push({ engine: 'postgres', devices: n });
  }
  if (runs.length === 0) throw new Error('nothing to run: check BENCH_OOBE_ENGINES and the sizes');
  for (const r of runs) if (!Number.isSafeInteger(r.devices) || r.devices < 1) throw new Error(`device counts must be positive whole numbers (got ${r.devices})`);
  console.log(`POST /oobe/v1/profile, ${CONNECTIONS} connections for ${SECONDS} s, random registered hashes; Tarmac: ${path.relative(process.cwd(), BIN) || BIN}`);
  const largest = Math.max(...runs.map((r) => r.devices));
  const genStart = performance.now();
  const hashes = generateHashes(largest);
  console.log(`  generated ${fmt(largest)} hashes in ${fmt((performance.now() - genStart) / 1000, 1)} s`);

  const results: RunResult[] = [];
  for (const r of runs) results.push(await runOne(r.engine, hashes.slice(0, r.devices)));

  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(12))).join(''));
  line(['', 'Tarmac req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'Tarmac/bare']);
  for (const r of results) {
    line([`${r.engine} ${fmt(r.devices)}`, fmt(r.tarmac.requestsPerSecond), fmt(r.tarmac.p50Ms), fmt(r.tarmac.p99Ms), fmt(r.baseline.requestsPerSecond), `${fmt(r.ratio * 100, 1)}%`]);
  }
  console.log(`  ${os.cpus().length} CPUs; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const file = recordResult('oobe', { tarmacBin: path.relative(repoRoot, BIN), connections: CONNECTIONS, seconds: SECONDS, results });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
