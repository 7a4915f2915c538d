// A partner's Partner Center upload against the customer's own Graph import of the same devices: the real app
// listens on 127.0.0.1 (ephemeral port) on a fresh database per run, with one customer tenant and one partner
// tenant whose reseller relationship the customer accepted. Timed from the first POST until every device is settled:
//   - Graph (the baseline): POST importedWindowsAutopilotDeviceIdentities/import with 500 devices a request (Intune's
//     limit), 4 in flight, polling the database until no row is left to process;
//   - Partner Center: POST /v1/customers/{id}/deviceBatches (the first 1000, creating the batch) then
//     …/deviceBatches/{batch}/devices with 1000 a request (Partner Center's limit), 4 in flight, polling every
//     batchJobStatus until it says finished — what a partner's client (the PowerShell module, CIPP) does.
// Both go through the one import worker; the difference is what each API does around it. Target: the partner path
// within 1.2× of the Graph path. Sizes: BENCH_PARTNER_DEVICES (default 1000,10000) on SQLite and
// BENCH_PARTNER_POSTGRES_DEVICES (default 1000,10000) on PostgreSQL; BENCH_PARTNER_ROUNDS (default 3) alternates the two
// paths and keeps each one's median.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { encodeHardwareHash, syntheticInventory } from '../src/hash/index.js';
import { buildApp } from '../src/http/app.js';
import { acceptInvitation, invitationLink } from '../src/partners/index.js';
import { createStore, createTenantsStore, migrateToLatest, openDatabase, type Db, type Engine } from '../src/store/index.js';
import { createTenant, type CreatedTenant } from '../src/tenants/index.js';
import { fmt, median, recordResult, sizeList as list } from './lib.js';
import { postgresAvailable, scratchAppConfig, scratchFor } from './scratch.js';

const SQLITE_SIZES = list(process.env.BENCH_PARTNER_DEVICES ?? '1000,10000');
const POSTGRES_SIZES = list(process.env.BENCH_PARTNER_POSTGRES_DEVICES ?? '1000,10000');
const ROUNDS = Number(process.env.BENCH_PARTNER_ROUNDS ?? 3);
const IN_FLIGHT = 4;
const GRAPH_PER_REQUEST = 500;
const PARTNER_PER_REQUEST = 1000;
const POLL_MS = 250;
const TIMEOUT_MS = 15 * 60_000;
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';

function hashes(count: number): string[] {
  const out: string[] = [];
  for (let seed = 1; out.length < count; seed++) out.push(encodeHardwareHash(syntheticInventory(seed)).base64);
  return out;
}

async function token(base: string, who: CreatedTenant, scope: string): Promise<string> {
  const res = await fetch(`${base}/${who.tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: who.app.clientId, client_secret: who.clientSecret, scope }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Sends `bodies` IN_FLIGHT at a time; `send` answers with what the caller waits on. */
async function sendAll<T>(bodies: string[], send: (body: string, index: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(bodies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) {
        const i = next++;
        out[i] = await send(bodies[i] ?? '', i);
      }
    }),
  );
  return out;
}

async function waitUntil(done: () => Promise<boolean>, start: number, what: string): Promise<void> {
  while (!(await done())) {
    if (performance.now() - start > TIMEOUT_MS) throw new Error(`${what} not finished after ${TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

interface Setup {
  db: Db;
  base: string;
  customer: CreatedTenant;
  partner: CreatedTenant;
  close(): Promise<void>;
}

async function setUp(engine: Engine, label: string): Promise<Setup> {
  const scratch = await scratchFor(engine, label);
  const db = await openDatabase(scratch.settings);
  await migrateToLatest(db);
  const tenants = createTenantsStore(db);
  const customer = await createTenant(tenants, { domain: 'bench.onmicrosoft.com', displayName: 'Bench' });
  const partner = await createTenant(tenants, { domain: 'bench-csp.onmicrosoft.com', displayName: 'Bench CSP', kind: 'partner' });
  await acceptInvitation({ tenants: tenants.tenants, relationships: createStore(db).relationships }, customer.tenant, invitationLink('http://bench', partner.tenant), new Date());
  const app = await buildApp({ db, config: scratchAppConfig(scratch), logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
  return {
    db,
    base: `http://127.0.0.1:${address.port}`,
    customer,
    partner,
    async close() {
      await app.close();
      await db.destroy();
      await scratch.drop();
    },
  };
}

async function graphPath(engine: Engine, devices: string[]): Promise<{ seconds: number; registered: number }> {
  const s = await setUp(engine, 'partnergraph');
  try {
    const auth = { authorization: `Bearer ${await token(s.base, s.customer, 'https://graph.microsoft.com/.default')}`, 'content-type': 'application/json' };
    const bodies: string[] = [];
    for (let i = 0; i < devices.length; i += GRAPH_PER_REQUEST) {
      bodies.push(JSON.stringify({ importedWindowsAutopilotDeviceIdentities: devices.slice(i, i + GRAPH_PER_REQUEST).map((h) => ({ hardwareIdentifier: h })) }));
    }
    const start = performance.now();
    await sendAll(bodies, async (body) => {
      const res = await fetch(`${s.base}${IMPORT_PATH}`, { method: 'POST', headers: auth, body });
      if (res.status !== 200) throw new Error(`import: ${res.status} ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
    });
    await waitUntil(
      async () => {
        const row = await s.db
          .selectFrom('imported_device_identities')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('import_status', 'in', ['unknown', 'pending'])
          .executeTakeFirstOrThrow();
        return Number(row.n) === 0;
      },
      start,
      'Graph import',
    );
    const seconds = (performance.now() - start) / 1000;
    const registered = await s.db.selectFrom('autopilot_devices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { seconds, registered: Number(registered.n) };
  } finally {
    await s.close();
  }
}

async function partnerPath(engine: Engine, devices: string[]): Promise<{ seconds: number; registered: number }> {
  const s = await setUp(engine, 'partnerpc');
  try {
    const auth = { authorization: `Bearer ${await token(s.base, s.partner, 'https://api.partnercenter.microsoft.com/.default')}`, 'content-type': 'application/json' };
    const customer = `/v1/customers/${s.customer.tenant.id}`;
    const batch = 'Bench wave';
    const chunks: string[][] = [];
    for (let i = 0; i < devices.length; i += PARTNER_PER_REQUEST) chunks.push(devices.slice(i, i + PARTNER_PER_REQUEST));
    const post = async (url: string, body: unknown): Promise<string> => {
      const res = await fetch(`${s.base}${url}`, { method: 'POST', headers: { ...auth, 'MS-RequestId': randomUUID() }, body: JSON.stringify(body) });
      if (res.status !== 202) throw new Error(`POST ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      const location = res.headers.get('location');
      if (location === null) throw new Error(`POST ${url}: no Location`);
      return location;
    };
    const start = performance.now();
    // The first call creates the batch; the rest add to it, IN_FLIGHT at a time.
    const first = await post(`${customer}/deviceBatches`, { batchId: batch, devices: (chunks[0] ?? []).map((hardwareHash) => ({ hardwareHash })) });
    const rest = await sendAll(
      chunks.slice(1).map((c) => JSON.stringify(c.map((hardwareHash) => ({ hardwareHash })))),
      (body) => post(`${customer}/deviceBatches/${encodeURIComponent(batch)}/devices`, JSON.parse(body) as unknown),
    );
    // Jobs settle in the order they were queued: ask about the oldest unfinished one only, as a client following
    // its tracking ids one by one does (one status request per poll, as the Graph side's one count query).
    const pending = [first, ...rest];
    await waitUntil(
      async () => {
        while (pending.length > 0) {
          const res = await fetch(`${s.base}/v1${pending[0] ?? ''}`, { headers: auth });
          const details = (await res.json()) as { status?: string };
          if (details.status !== 'finished' && details.status !== 'finished_with_errors') return false;
          pending.shift();
        }
        return true;
      },
      start,
      'Partner Center batch',
    );
    const seconds = (performance.now() - start) / 1000;
    const registered = await s.db.selectFrom('autopilot_devices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { seconds, registered: Number(registered.n) };
  } finally {
    await s.close();
  }
}

interface SizeResult {
  engine: Engine;
  devices: number;
  graphSeconds: number[];
  partnerSeconds: number[];
  graphMedian: number;
  partnerMedian: number;
  /** Partner Center's time over Graph's (target ≤ 1.2). */
  ratio: number;
  graphDevicesPerSecond: number;
  partnerDevicesPerSecond: number;
}

export async function run(): Promise<void> {
  const runs: { engine: Engine; devices: number }[] = SQLITE_SIZES.map((devices) => ({ engine: 'sqlite' as const, devices }));
  if (POSTGRES_SIZES.length > 0 && (await postgresAvailable())) for (const devices of POSTGRES_SIZES) runs.push({ engine: 'postgres', devices });
  const largest = Math.max(...runs.map((r) => r.devices));
  const all = hashes(largest);
  console.log(`Partner Center upload vs Graph import (${IN_FLIGHT} requests in flight, ${ROUNDS} rounds alternating, median); ${os.cpus().length} CPUs`);
  const results: SizeResult[] = [];
  for (const r of runs) {
    const devices = all.slice(0, r.devices);
    const graph: number[] = [];
    const partner: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const g = await graphPath(r.engine, devices);
      const p = await partnerPath(r.engine, devices);
      if (g.registered !== r.devices || p.registered !== r.devices) throw new Error(`registered ${g.registered} by Graph and ${p.registered} by Partner Center of ${r.devices}`);
      graph.push(g.seconds);
      partner.push(p.seconds);
      console.log(`  ${r.engine} ${fmt(r.devices)} round ${round + 1}: Graph ${fmt(g.seconds, 2)} s, Partner Center ${fmt(p.seconds, 2)} s`);
    }
    const gm = median(graph);
    const pm = median(partner);
    results.push({
      engine: r.engine,
      devices: r.devices,
      graphSeconds: graph,
      partnerSeconds: partner,
      graphMedian: gm,
      partnerMedian: pm,
      ratio: pm / gm,
      graphDevicesPerSecond: r.devices / gm,
      partnerDevicesPerSecond: r.devices / pm,
    });
  }
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(14))).join(''));
  line(['', 'Graph s', 'Partner s', 'Partner/Graph', 'Graph dev/s', 'Partner dev/s']);
  for (const r of results) {
    line([`${r.engine} ${fmt(r.devices)}`, fmt(r.graphMedian, 2), fmt(r.partnerMedian, 2), `${fmt(r.ratio, 2)}×`, fmt(r.graphDevicesPerSecond), fmt(r.partnerDevicesPerSecond)]);
  }
  console.log(`  load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const file = recordResult('partner', { inFlight: IN_FLIGHT, rounds: ROUNDS, target: 1.2, results });
  console.log(`  wrote ${file}`);
}
