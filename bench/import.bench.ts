// Graph imports of 100,000 generated devices (BENCH_IMPORT_DEVICES overrides) on SQLite (a temp dir) and PostgreSQL
// (a fresh database, dropped at the end): the real app listens on 127.0.0.1 (ephemeral port), a client POSTs
// `importedWindowsAutopilotDeviceIdentities/import` with 500 devices a request (Intune's per-upload limit), 4 in
// flight, and the app's own import worker (default options) registers them; measured from the first POST to the
// commit of the batch that settles the last row (the DB is polled every 250 ms for the rows still to process).
// Baseline in the same run: the same devices inserted raw into the five tables a registration writes
// (autopilot_devices, autopilot_device_hashes, device_identity_keys, entra_devices, entra_device_physical_ids; the
// search triggers and indexes as migrated) on a fresh database, with Kysely, multi-row INSERTs of 500 rows inside
// transactions of 5,000 devices. Devices are synthetic (syntheticInventory), generated once for both engines.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { deviceIdentity, encodeHardwareHash, isPlaceholder, syntheticInventory } from '../src/hash/index.js';
import { buildApp } from '../src/http/app.js';
import type { TarmacApp } from '../src/http/types.js';
import { autopilotPhysicalIds, registryKeys } from '../src/registry/index.js';
import { type IdentityKey } from '../src/model/index.js';
import { hardwareFields } from '../src/registry/new-device.js';
import { chunks } from '../src/store/chunks.js';
import { openDatabase, type Db, type Engine } from '../src/store/index.js';
import { fmt, percentile, recordResult } from './lib.js';
import { listenWithToken, postgresAvailable, RAW_CHUNK, RAW_TRANSACTION, scratchAppConfig, withMigratedScratch } from './scratch.js';

const DEVICES = Number(process.env.BENCH_IMPORT_DEVICES ?? 100_000);
/** Devices per POST: Intune takes at most 500 per upload. */
const PER_REQUEST = 500;
const IN_FLIGHT = 4;
const POLL_MS = 250;
const POST_TIMEOUT_MS = 120_000;
/** Give up when no batch has settled for this long, or when the whole Tarmac phase of one engine takes this long. */
const STALL_TIMEOUT_MS = 120_000;
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_IMPORT_TIMEOUT_MS ?? 15 * 60_000);
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';
const REGISTRY_TABLES = ['autopilot_devices', 'autopilot_device_hashes', 'device_identity_keys', 'entra_devices', 'entra_device_physical_ids'] as const;

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

interface Workload {
  devices: Device[];
  /** Pre-serialized request bodies of PER_REQUEST devices each (the client's JSON work is not what is measured). */
  bodies: string[];
  seedsSkipped: number;
}

/** Synthetic devices with pairwise distinct identity keys (so that every import can complete), and their bodies. */
function generate(count: number): Workload {
  const devices: Device[] = [];
  const bodies: string[] = [];
  const seen = new Set<string>();
  let items: string[] = [];
  let seed = 1;
  let seedsSkipped = 0;
  while (devices.length < count) {
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
    const { bytes, base64 } = encodeHardwareHash(inv);
    devices.push({
      serialNumber: identity.serialNumber ?? (isPlaceholder(serial) ? '' : serial),
      productKey: identity.productKeyId ?? '',
      ...hardwareFields(identity, inv),
      hash: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      keys,
    });
    items.push(
      JSON.stringify({
        serialNumber: serial,
        productKey: '',
        hardwareIdentifier: base64,
        groupTag: '',
        state: { deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
      }),
    );
    if (items.length === PER_REQUEST || devices.length === count) {
      bodies.push(`{"importedWindowsAutopilotDeviceIdentities":[${items.join(',')}]}`);
      items = [];
    }
  }
  return { devices, bodies, seedsSkipped };
}

// ---- row counts -----------------------------------------------------------------------------------------------------

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- Tarmac: the Graph import action over HTTP ----------------------------------------------------------------------

interface TarmacResult {
  devicesPerSecond: number;
  seconds: number;
  /** From the first POST to the last response. */
  postSeconds: number;
  requests: number;
  postP50Ms: number;
  postP99Ms: number;
  postMaxMs: number;
  /** Main-thread time the client spent parsing responses (the client shares the server's process). */
  clientParseSeconds: number;
  statuses: Record<string, number>;
  tables: Record<string, number>;
}

async function benchTarmac(engine: Engine, work: Workload): Promise<TarmacResult> {
  return withMigratedScratch(engine, 'import', async (db, who, scratch) => {
    let settled = 0;
    let lastSettledAt = 0;
    const config = scratchAppConfig(scratch);
    // The worker keeps its defaults (batch 500, poll 1 s, lease 30 s); onBatch only notes when each batch committed.
    const app: TarmacApp = await buildApp({
      db,
      config,
      logger: false,
      importWorker: {
        onBatch: (r) => {
          settled += r.settled;
          lastSettledAt = performance.now();
        },
        onError: (err) => console.error(`  ${engine}: import worker batch failed:`, err),
      },
    });
    // Counting rows from a connection of its own, so the polls never wait behind the app's queries.
    const poll = await openDatabase(scratch.settings);
    try {
      await app.keyRing.ensure();
      const { base, token } = await listenWithToken(app, who);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      globalThis.gc?.();
      const latencies: number[] = [];
      let clientParseMs = 0;
      let next = 0;
      let failed = false;
      let postsDone = false;
      let lastResponseAt = 0;
      const start = performance.now();
      const lane = async (): Promise<void> => {
        while (!failed && next < work.bodies.length) {
          const index = next++;
          const body = work.bodies[index];
          const expected = Math.min(PER_REQUEST, work.devices.length - index * PER_REQUEST);
          const t0 = performance.now();
          const res = await fetch(`${base}${IMPORT_PATH}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
          const text = await res.text();
          const t1 = performance.now();
          latencies.push(t1 - t0);
          lastResponseAt = Math.max(lastResponseAt, t1);
          if (res.status !== 200) {
            failed = true;
            throw new Error(`${engine}: POST import answered ${res.status}: ${text.slice(0, 500)}`);
          }
          const value = (JSON.parse(text) as { value: { state: { deviceImportStatus: string } }[] }).value;
          clientParseMs += performance.now() - t1;
          if (value.length !== expected || value.some((v) => v.state.deviceImportStatus !== 'unknown')) {
            throw new Error(`${engine}: request ${index} imported ${value.length} rows, expected ${expected} rows all "unknown"`);
          }
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
      let lastProgress = performance.now();
      let lastSettled = -1;
      for (;;) {
        if (failed) await posting;
        if (postsDone) {
          const r = await poll
            .selectFrom('imported_device_identities')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('import_status', 'in', ['unknown', 'pending'])
            .executeTakeFirstOrThrow();
          if (Number(r.n) === 0) break;
        }
        const now = performance.now();
        if (settled !== lastSettled) {
          lastSettled = settled;
          lastProgress = now;
        }
        if (now - lastProgress > STALL_TIMEOUT_MS) throw new Error(`${engine}: no import batch settled for ${STALL_TIMEOUT_MS / 1000} s (${settled} rows settled)`);
        if (now - start > PHASE_TIMEOUT_MS) throw new Error(`${engine}: import not finished after ${PHASE_TIMEOUT_MS / 1000} s (${settled} rows settled)`);
        await sleep(POLL_MS);
      }
      const end = Math.max(lastSettledAt, lastResponseAt);
      const seconds = (end - start) / 1000;

      const rows = await poll
        .selectFrom('imported_device_identities')
        .select(['import_status', (eb) => eb.fn.countAll().as('n')])
        .groupBy('import_status')
        .execute();
      const statuses = Object.fromEntries(rows.map((r) => [r.import_status, Number(r.n)]));
      return {
        devicesPerSecond: work.devices.length / seconds,
        seconds,
        postSeconds: (lastResponseAt - start) / 1000,
        requests: latencies.length,
        postP50Ms: percentile(latencies, 50),
        postP99Ms: percentile(latencies, 99),
        postMaxMs: percentile(latencies, 100),
        clientParseSeconds: clientParseMs / 1000,
        statuses,
        tables: await tableCounts(poll),
      };
    } finally {
      await app.close();
      await poll.destroy();
    }
  });
}

// ---- Baseline: the same rows, inserted raw --------------------------------------------------------------------------

interface RawResult {
  devicesPerSecond: number;
  seconds: number;
  tables: Record<string, number>;
}

async function benchRaw(engine: Engine, work: Workload): Promise<RawResult> {
  return withMigratedScratch(engine, 'import', async (db, who) => {
    const tenantId = who.tenant.id;
    const now = new Date().toISOString();
    // The rows a registration writes (process-imports.ts registrationOf, registry-store.ts register), built up front.
    const rows = work.devices.map((d) => {
      const id = randomUUID();
      const azureAdDeviceId = randomUUID();
      const entraId = randomUUID();
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
    globalThis.gc?.();
    const start = performance.now();
    for (const txRows of chunks(rows, RAW_TRANSACTION)) {
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(txRows, RAW_CHUNK)) {
          await trx.insertInto('autopilot_devices').values(part.map((r) => r.device)).execute();
          await trx.insertInto('autopilot_device_hashes').values(part.map((r) => r.hash)).execute();
          for (const keys of chunks(part.flatMap((r) => r.keys), RAW_CHUNK)) await trx.insertInto('device_identity_keys').values(keys).execute();
          await trx.insertInto('entra_devices').values(part.map((r) => r.entra)).execute();
          for (const ids of chunks(part.flatMap((r) => r.physicalIds), RAW_CHUNK)) await trx.insertInto('entra_device_physical_ids').values(ids).execute();
        }
      });
    }
    const seconds = (performance.now() - start) / 1000;
    return { devicesPerSecond: rows.length / seconds, seconds, tables: await tableCounts(db) };
  });
}

// ---- run ------------------------------------------------------------------------------------------------------------


interface EngineResult {
  tarmac: TarmacResult;
  raw: RawResult;
  /** Tarmac's devices/s as a fraction of the raw inserts' (the headline). */
  ratio: number;
}

export async function run(): Promise<void> {
  if (!Number.isSafeInteger(DEVICES) || DEVICES < 1) throw new Error(`BENCH_IMPORT_DEVICES must be a positive whole number (got ${process.env.BENCH_IMPORT_DEVICES})`);
  console.log(`${fmt(DEVICES)} synthetic devices; POST ${PER_REQUEST} a request, ${IN_FLIGHT} in flight, over HTTP on 127.0.0.1; raw baseline: ${RAW_CHUNK}-row INSERTs, ${fmt(RAW_TRANSACTION)} devices a transaction`);
  const loadBefore = os.loadavg();
  const genStart = performance.now();
  const work = generate(DEVICES);
  console.log(
    `  generated ${fmt(work.devices.length)} hashes in ${fmt((performance.now() - genStart) / 1000, 1)} s ` +
      `(${work.seedsSkipped} seeds skipped: identity keys shared with an earlier device)`,
  );

  const engines: Engine[] = ['sqlite'];
  if (await postgresAvailable()) engines.push('postgres');
  const results: Record<string, EngineResult> = {};
  for (const engine of engines) {
    const tarmac = await benchTarmac(engine, work);
    console.log(`  ${engine}: Tarmac ${fmt(tarmac.devicesPerSecond)} devices/s (${fmt(tarmac.seconds, 1)} s; POSTs done after ${fmt(tarmac.postSeconds, 1)} s)`);
    const raw = await benchRaw(engine, work);
    console.log(`  ${engine}: raw inserts ${fmt(raw.devicesPerSecond)} devices/s (${fmt(raw.seconds, 1)} s)`);
    const incomplete = work.devices.length - (tarmac.statuses.complete ?? 0);
    if (incomplete > 0) console.log(`  ${engine}: WARNING ${incomplete} imports did not complete: ${JSON.stringify(tarmac.statuses)}`);
    for (const table of REGISTRY_TABLES) {
      if (tarmac.tables[table] !== raw.tables[table]) console.log(`  ${engine}: WARNING ${table}: Tarmac wrote ${tarmac.tables[table]} rows, the baseline ${raw.tables[table]}`);
    }
    results[engine] = { tarmac, raw, ratio: tarmac.devicesPerSecond / raw.devicesPerSecond };
  }
  const loadAfter = os.loadavg();

  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(14))).join(''));
  line(['', 'Tarmac dev/s', 'raw dev/s', 'Tarmac/raw', 'Tarmac s', 'POST p50 ms', 'POST p99 ms']);
  for (const [engine, r] of Object.entries(results)) {
    line([engine, fmt(r.tarmac.devicesPerSecond), fmt(r.raw.devicesPerSecond), `${fmt(r.ratio * 100, 1)}%`, fmt(r.tarmac.seconds, 1), fmt(r.tarmac.postP50Ms), fmt(r.tarmac.postP99Ms)]);
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average before ${load(loadBefore)}, after ${load(loadAfter)} (${os.cpus().length} CPUs)`);
  const file = recordResult('import', {
    devices: work.devices.length,
    perRequest: PER_REQUEST,
    inFlight: IN_FLIGHT,
    rawChunk: RAW_CHUNK,
    rawTransaction: RAW_TRANSACTION,
    loadAverage: { before: loadBefore, after: loadAfter },
    results,
  });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
