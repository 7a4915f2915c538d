// Cost per operation as the registry grows (`npm run bench -- scale`, alias scale-curve): every hot path measured at
// BENCH_SCALE_SIZES registered devices (default 10k, 100k, 1M) on SQLite and PostgreSQL, on one registry grown in
// steps (bench/seed-registry.ts: the registry store's own `register`, in bulk), through the real app (buildApp, as
// `tarmac serve` builds it) with inject() — the server's own cost per operation, without the network. The baseline is
// the same operation at the smallest size, in the same run: the target is at most 1.5× at 1M what it costs at 10k.
//
// Operations, each on devices picked at random from a sample spread over the whole registry (sequential, so each
// number is the cost of one operation; `npm run bench -- oobe` measures the lookup under concurrent load):
// - OOBE: profile download (POST /oobe/v1/profile), first Autopilot run (POST /oobe/v1/enroll), check-in
//   (POST /oobe/v1/check-in) of an enrolled device;
// - the import worker, per device: POST …/import of IMPORT_BATCH new devices, until the worker has registered them;
// - Graph: GET one device; $filter eq / startswith / contains on serialNumber with $top=100; updateDeviceProperties
//   (displayName: no group changes); delete;
// - dynamic groups: updateDeviceProperties moving one device's group tag in or out of a dynamic group's rule (the
//   device's re-evaluation, its [OrderID] physicalId rewritten and its membership changed);
// - the commit floor: one row updated by primary key and committed, through Kysely alone — the part of every write
//   that is the engine's and the disk's (on PostgreSQL a synchronous WAL flush, which other load on the machine
//   lengthens).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { buildApp } from '../src/http/app.js';
import type { TarmacApp } from '../src/http/types.js';
import { loadConfig } from '../src/config.js';
import { createStore, createTenantsStore, migrateToLatest, openDatabase, type Db, type Engine } from '../src/store/index.js';
import { createTenant, type CreatedTenant } from '../src/tenants/index.js';
import { fmt, percentile, recordResult, sizeList } from './lib.js';
import { postgresAvailable, scratchEnv, scratchFor, type Scratch } from './scratch.js';
import { seedRegistry, syntheticRegistration, type SeededDevice } from './seed-registry.js';

const SIZES = sizeList(process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000');
const ENGINES = (process.env.BENCH_SCALE_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
/** Operations per hot path and size. */
const OPS = Number(process.env.BENCH_SCALE_OPS ?? 300);
const IMPORT_BATCH = 100;
const IMPORT_ROUNDS = 3;
/** Devices kept per size step (their hashes and ids are what the operations act on). */
const SAMPLE_PER_STEP = 3000;
const TARGET_RATIO = 1.5;

const DEVICES = '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities';
const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';
const RULE_TAG = 'ScaleBench';

interface OpStats {
  ops: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  /** The searches: devices a page returned, on average. */
  devicesPerPage?: number;
}

type Measured = Record<string, OpStats>;

/** The sample's devices, consumed by the operations that change or remove them. */
class Pool {
  private next = 0;
  constructor(private readonly devices: SeededDevice[]) {
    // Shuffled once (deterministically), so that consecutive picks land anywhere in the registry.
    let s = 12345;
    for (let i = devices.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) >>> 0;
      const j = s % (i + 1);
      [devices[i], devices[j]] = [devices[j]!, devices[i]!];
    }
  }
  take(): SeededDevice {
    const d = this.devices[this.next++];
    if (!d) throw new Error('the sample ran out of devices: raise SAMPLE_PER_STEP');
    return d;
  }
  any(i: number): SeededDevice {
    return this.devices[i % this.devices.length]!;
  }
}

async function timed(count: number, op: (i: number) => Promise<void>): Promise<OpStats> {
  for (let i = 0; i < Math.min(20, count); i++) await op(-1 - i); // warm-up (negative: callers may pick other devices)
  const us: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    us.push((performance.now() - t) * 1000);
  }
  return { ops: count, p50Us: percentile(us, 50), p99Us: percentile(us, 99), meanUs: us.reduce((a, b) => a + b, 0) / us.length };
}

async function token(app: TarmacApp, who: CreatedTenant): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/${who.tenant.id}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: who.app.clientId, client_secret: who.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
  });
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

async function measureAt(app: TarmacApp, db: Db, who: CreatedTenant, pool: Pool, newSeed: () => number): Promise<Measured> {
  const bearer = `Bearer ${await token(app, who)}`;
  const call = async (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown, expect = [200, 204]): Promise<string> => {
    const res = await app.inject({
      method,
      url,
      headers: payload === undefined ? { authorization: bearer } : { authorization: bearer, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    if (!expect.includes(res.statusCode)) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 400)}`);
    return res.body;
  };
  const device = async (path: string, hash: string): Promise<void> => {
    const res = await app.inject({ method: 'POST', url: `/oobe/v1/${path}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ hardwareHash: hash }) });
    if (res.statusCode !== 200) throw new Error(`/oobe/v1/${path}: ${res.statusCode} ${res.body.slice(0, 400)}`);
  };
  const store = createStore(db);
  const out: Measured = {};

  out.oobeProfile = await timed(OPS, (i) => device('profile', pool.any(i + 1000).hash));
  const enrolled: SeededDevice[] = [];
  out.oobeEnroll = await timed(OPS, async () => {
    const d = pool.take();
    await device('enroll', d.hash);
    enrolled.push(d);
  });
  out.oobeCheckIn = await timed(OPS, (i) => device('check-in', enrolled[Math.abs(i) % enrolled.length]!.hash));

  out.getDevice = await timed(OPS, async (i) => void (await call('GET', `${DEVICES}/${pool.any(i + 2000).id}`)));
  const serial = (i: number) => pool.any(i + 3000).serialNumber;
  // The searches return the same number of devices at every size, so that a size's cost is the same work: eq one,
  // startswith a full page (HP's serial prefixes, each matching about a sixth of the registry; the first 6 characters
  // of a serial, measured until 2026-12-05, matched about 0.5 devices at 10k, 5 at 100k and 50 at 1M, so that page
  // grew with the registry), contains a few (6 characters from the third, which include the serial's leading digits).
  const searched = async (filter: (serial: string) => string): Promise<OpStats> => {
    let returned = 0;
    const stats = await timed(OPS, async (i) => {
      const body = await call('GET', `${DEVICES}?$top=100&$filter=${encodeURIComponent(filter(serial(i)))}`);
      if (i >= 0) returned += (JSON.parse(body) as { value: unknown[] }).value.length;
    });
    return { ...stats, devicesPerPage: returned / OPS };
  };
  out.filterEq = await searched((s) => `serialNumber eq '${s}'`);
  const HP_PREFIXES = ['5CG', '5CD', '8CG'];
  out.filterStartswith = await searched(() => `startswith(serialNumber,'${HP_PREFIXES[Math.floor(Math.random() * 3)]}')`);
  out.filterContains = await searched((s) => `contains(serialNumber,'${s.slice(2, 8)}')`);
  out.updateDeviceProperties = await timed(OPS, async (i) => void (await call('POST', `${DEVICES}/${pool.any(i + 4000).id}/updateDeviceProperties`, { displayName: `PC-${i}` })));
  // In and out of the dynamic group: each operation changes one device's membership.
  out.dynamicGroupReevaluation = await timed(OPS, async (i) => {
    const d = pool.any(Math.floor(Math.abs(i) / 2) + 5000);
    await call('POST', `${DEVICES}/${d.id}/updateDeviceProperties`, { groupTag: Math.abs(i) % 2 === 0 ? RULE_TAG : '' });
  });
  out.deleteDevice = await timed(OPS, async () => void (await call('DELETE', `${DEVICES}/${pool.take().id}`)));
  // The floor under every write above: one row updated by its primary key and committed (synchronously), straight
  // through Kysely — what the disk and the engine charge for a commit at this size and this moment.
  out.commitFloor = await timed(OPS, async (i) => {
    await db.updateTable('autopilot_devices').set({ updated_at: new Date().toISOString() }).where('id', '=', pool.any(i + 6000).id).execute();
  });

  // The import worker: IMPORT_BATCH new devices a round, from POST to registered; the cost per device.
  const perDevice: number[] = [];
  for (let round = 0; round < IMPORT_ROUNDS; round++) {
    const now = new Date().toISOString();
    const items = Array.from({ length: IMPORT_BATCH }, () => ({ hardwareIdentifier: syntheticRegistration(who.tenant.id, newSeed(), now).hash }));
    const t = performance.now();
    await call('POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: items });
    while ((await store.imports.countUnprocessed(who.tenant.id)) > 0) await new Promise((r) => setTimeout(r, 2));
    perDevice.push(((performance.now() - t) * 1000) / IMPORT_BATCH);
  }
  out.importPerDevice = { ops: IMPORT_ROUNDS * IMPORT_BATCH, p50Us: percentile(perDevice, 50), p99Us: Math.max(...perDevice), meanUs: perDevice.reduce((a, b) => a + b, 0) / perDevice.length };
  return out;
}

interface EngineResult {
  sizes: { devices: number; seedSeconds: number; loadAverage: number[]; ops: Measured }[];
  /** Per operation: p50 at each size divided by p50 at the smallest. */
  ratios: Record<string, number[]>;
}

async function runEngine(engine: Engine): Promise<EngineResult> {
  const scratch: Scratch = await scratchFor(engine, 'scale');
  const db = await openDatabase(scratch.settings);
  let app: TarmacApp | undefined;
  try {
    await migrateToLatest(db);
    const who = await createTenant(createTenantsStore(db), { domain: 'bench.onmicrosoft.com', displayName: 'Bench' });
    const config = loadConfig({ ...scratchEnv(scratch), TARMAC_OOBE_RATE_LIMIT: '0', TARMAC_GRAPH_RATE_LIMIT: '0' });
    app = await buildApp({ db, config, logger: false });
    await app.ready();
    let seeded = 0;
    let spare = 50_000_000; // seeds for imported devices, far from the registry's
    const result: EngineResult = { sizes: [], ratios: {} };
    for (const size of SIZES) {
      const from = seeded + 1;
      const count = size - seeded;
      const every = Math.max(1, Math.floor(count / SAMPLE_PER_STEP));
      const seed = await seedRegistry(db, who.tenant.id, from, count, (s) => (s - from) % every === 0);
      seeded = size;
      // PostgreSQL's autovacuum would analyze the grown tables soon after; the bench does not wait for it.
      if (engine === 'postgres') await sql`analyze`.execute(db);
      console.log(`  ${engine}: ${fmt(size)} devices (seeded ${fmt(count)} in ${fmt(seed.seconds, 1)} s)`);
      if (result.sizes.length === 0) {
        // The dynamic group the re-evaluation moves devices in and out of (created while the registry is small).
        const auth = { authorization: `Bearer ${await token(app, who)}`, 'content-type': 'application/json' };
        const res = await app.inject({
          method: 'POST',
          url: '/v1.0/groups',
          headers: auth,
          payload: JSON.stringify({
            displayName: 'Scale bench',
            mailNickname: `scale-${randomUUID().slice(0, 8)}`,
            mailEnabled: false,
            securityEnabled: true,
            groupTypes: ['DynamicMembership'],
            membershipRule: `(device.devicePhysicalIds -any (_ -eq "[OrderID]:${RULE_TAG}"))`,
            membershipRuleProcessingState: 'On',
          }),
        });
        if (res.statusCode !== 201) throw new Error(`group: ${res.statusCode} ${res.body}`);
      }
      const ops = await measureAt(app, db, who, new Pool(seed.kept), () => spare++);
      result.sizes.push({ devices: size, seedSeconds: seed.seconds, loadAverage: os.loadavg(), ops });
      const line = Object.entries(ops)
        .map(([name, s]) => `${name} ${fmt(s.p50Us)}${s.devicesPerPage === undefined ? '' : ` (${fmt(s.devicesPerPage, 1)} devices a page)`}`)
        .join(', ');
      console.log(`  ${engine} ${fmt(size)} p50 µs: ${line}; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    }
    const first = result.sizes[0]!.ops;
    for (const name of Object.keys(first)) result.ratios[name] = result.sizes.map((s) => s.ops[name]!.p50Us / first[name]!.p50Us);
    return result;
  } finally {
    await app?.close();
    await db.destroy();
    await scratch.drop();
  }
}

export async function run(): Promise<void> {
  const engines: Engine[] = [];
  if (ENGINES.includes('sqlite')) engines.push('sqlite');
  if (ENGINES.includes('postgres') && (await postgresAvailable())) engines.push('postgres');
  console.log(`cost per operation at ${SIZES.map((n) => fmt(n)).join(', ')} registered devices; ${OPS} operations each, sequential, inject()`);
  const results: Record<string, EngineResult> = {};
  for (const engine of engines) results[engine] = await runEngine(engine);

  const cell = (c: string, i: number) => (i === 0 ? c.padEnd(26) : c.padStart(11));
  for (const [engine, r] of Object.entries(results)) {
    console.log(`\n  ${engine}: p50 µs per operation (× the smallest size)`);
    console.log(['operation', ...r.sizes.map((s) => fmt(s.devices)), 'largest ×', 'flat?'].map(cell).join(''));
    for (const name of Object.keys(r.ratios)) {
      const ratios = r.ratios[name]!;
      const last = ratios[ratios.length - 1]!;
      console.log([name, ...r.sizes.map((s) => fmt(s.ops[name]!.p50Us)), `${fmt(last, 2)}×`, last <= TARGET_RATIO ? 'yes' : 'NO'].map(cell).join(''));
    }
  }
  recordResult('scale', { sizes: SIZES, opsPerPath: OPS, importBatch: IMPORT_BATCH, targetRatio: TARGET_RATIO, results });
}
