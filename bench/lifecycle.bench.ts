// Dynamic groups and profile resolution at scale: 100,000 registered Autopilot devices (BENCH_LIFECYCLE_DEVICES
// overrides) in one tenant, half with group tag "Lab" and half "Office", on SQLite (a temp dir) and PostgreSQL (a
// fresh database, dropped at the end). The real app listens on 127.0.0.1 (ephemeral port; token from its own token
// endpoint) and each Graph call is timed from the request to the end of its response, membership evaluation and
// profile resolution running inside the request's transaction:
//   1. POST /v1.0/groups, a dynamic group `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Lab"))` (N/2 join);
//   2. PATCH its rule to `-startsWith "[OrderID]:L"` (nobody changes; median of 3, alternating with ":La"), then to
//      "[OrderID]:Office" (every device changes);
//   3. POST an assignment of a new profile to the group (every device resolved; N/2 get the profile), then PATCH the
//      rule back to Lab with the assignment in place (every device changes group and profile);
//   4. the lifecycle hook the import worker runs per batch, afterDevicesChanged, for 500 new devices inserted in the
//      same transaction (like a worker batch): in that tenant (with the group and assignment) and in a second tenant
//      of N devices (seeded just before this step) without any group or assignment, alternated, median of
//      BENCH_LIFECYCLE_BATCHES (7) after one warm-up each.
// Baseline in the same run: reading the rows an evaluation of one rule must read, a keyset scan of the tenant's
// entra_devices (all columns) with their physicalIds through Kysely in 1000-row pages (median of 3 scans), so each
// step reads as "× a full read". Seeding is raw multi-row INSERTs (500 rows, 5,000 devices a transaction) into
// autopilot_devices, entra_devices and entra_device_physical_ids ([ZTDID] and [OrderID]), search triggers and
// indexes as migrated; no hashes or identity keys (nothing here reads them). PostgreSQL gets VACUUM ANALYZE after
// each seeding (otherwise autovacuum does it at a random moment of the run; the second one also gives the planner
// statistics of group_members for step 4, as autovacuum would within a minute). Synthetic data only.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/http/app.js';
import type { TarmacApp } from '../src/http/types.js';
import { afterDevicesChanged } from '../src/lifecycle/index.js';
import { autopilotPhysicalIds } from '../src/registry/index.js';
import { chunks } from '../src/store/chunks.js';
import { createStore, createTenantsStore, type Db, type Engine } from '../src/store/index.js';
import { createTenant, type CreatedTenant } from '../src/tenants/index.js';
import { userDrivenProfileBody } from '../test/support/profiles.js';
import { fmt, median, recordResult } from './lib.js';
import { listenWithToken, postgresAvailable, RAW_CHUNK, RAW_TRANSACTION, scratchAppConfig, withMigratedScratch } from './scratch.js';

const DEVICES = Number(process.env.BENCH_LIFECYCLE_DEVICES ?? 100_000);
const HOOK_BATCHES = Number(process.env.BENCH_LIFECYCLE_BATCHES ?? 7);
/** Devices per worker batch (the import worker's default). */
const HOOK_BATCH = 500;
/** Rows per page of the baseline scan (membership.ts reads 1000 devices a step). */
const SCAN_PAGE = 1000;
const SCAN_RUNS = 3;
const REQUEST_TIMEOUT_MS = 280_000;
const AP = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
const PROFILES = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';
const rule = (op: '-eq' | '-startsWith', value: string) => `(device.devicePhysicalIds -any (_ ${op} "[OrderID]:${value}"))`;

// ---- seeding: raw multi-row inserts ---------------------------------------------------------------------------------

let serialCounter = 0;

/** `count` registered devices (even: Lab, odd: Office) with their Entra objects and physicalIds; returns the Entra ids. */
async function insertDevices(db: Db, tenantId: string, count: number, now: string): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const azureAdDeviceId = randomUUID();
    const entraId = randomUUID();
    const serial = `LC${String(++serialCounter).padStart(9, '0')}`;
    const groupTag = i % 2 === 0 ? 'Lab' : 'Office';
    return {
      device: {
        id,
        tenant_id: tenantId,
        serial_number: serial,
        manufacturer: 'Contoso',
        model: 'Bench 14',
        group_tag: groupTag,
        enrollment_state: 'notContacted',
        last_contacted_at: null,
        azure_ad_device_id: azureAdDeviceId,
        managed_device_id: null,
        created_at: now,
        updated_at: now,
      },
      entra: {
        id: entraId,
        tenant_id: tenantId,
        device_id: azureAdDeviceId,
        display_name: serial,
        operating_system: 'Windows',
        account_enabled: 1,
        trust_type: null,
        profile_type: 'RegisteredDevice',
        enrollment_profile_name: null,
        autopilot_device_id: id,
        created_at: now,
        updated_at: now,
      },
      physicalIds: autopilotPhysicalIds({ id, groupTag, purchaseOrderIdentifier: '' }).map((value) => ({ entra_device_id: entraId, tenant_id: tenantId, value })),
    };
  });
  for (const part of chunks(rows, RAW_CHUNK)) {
    await db.insertInto('autopilot_devices').values(part.map((r) => r.device)).execute();
    await db.insertInto('entra_devices').values(part.map((r) => r.entra)).execute();
    for (const ids of chunks(part.flatMap((r) => r.physicalIds), RAW_CHUNK)) await db.insertInto('entra_device_physical_ids').values(ids).execute();
  }
  return rows.map((r) => r.entra.id);
}

async function seed(db: Db, engine: Engine, tenantId: string, count: number): Promise<number> {
  const now = new Date().toISOString();
  const start = performance.now();
  for (let done = 0; done < count; done += RAW_TRANSACTION) {
    await db.transaction().execute((trx) => insertDevices(trx, tenantId, Math.min(RAW_TRANSACTION, count - done), now));
  }
  if (engine === 'postgres') await sql`vacuum analyze`.execute(db);
  return (performance.now() - start) / 1000;
}

// ---- baseline: a keyset scan of the tenant's Entra devices with their physicalIds -----------------------------------

async function fullRead(db: Db, tenantId: string): Promise<{ ms: number; devices: number; physicalIds: number }> {
  const start = performance.now();
  let devices = 0;
  let physicalIds = 0;
  let afterId: string | undefined;
  for (;;) {
    let query = db.selectFrom('entra_devices').selectAll().where('tenant_id', '=', tenantId);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    const rows = await query.orderBy('id').limit(SCAN_PAGE).execute();
    if (rows.length === 0) break;
    const ids = await db
      .selectFrom('entra_device_physical_ids')
      .select(['entra_device_id', 'value'])
      .where(
        'entra_device_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    devices += rows.length;
    physicalIds += ids.length;
    if (rows.length < SCAN_PAGE) break;
    afterId = rows[rows.length - 1].id;
  }
  return { ms: performance.now() - start, devices, physicalIds };
}

// ---- the app over HTTP ----------------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Graph {
  /** Sends one request; returns status, parsed body (or text) and the time until the whole response arrived. */
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json; ms: number }>;
}

async function graphClient(app: TarmacApp, who: CreatedTenant): Promise<Graph> {
  const { base, token } = await listenWithToken(app, who);
  return {
    async call(method, url, body) {
      const start = performance.now();
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      const ms = performance.now() - start;
      let parsed: Json = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
      return { status: res.status, body: parsed, ms };
    },
  };
}

function expectStatus(what: string, got: { status: number; body: Json }, status: number): void {
  if (got.status !== status) throw new Error(`${what}: expected ${status}, got ${got.status}: ${JSON.stringify(got.body).slice(0, 500)}`);
}

function check(engine: Engine, what: string, got: number, expected: number): boolean {
  const ok = got === expected;
  if (!ok) console.log(`  ${engine}: WARNING ${what}: ${fmt(got)}, expected ${fmt(expected)}`);
  return ok;
}

// ---- one engine -----------------------------------------------------------------------------------------------------

interface Step {
  ms: number;
  /** ms / the baseline's median ms. */
  timesFullRead: number;
}

interface EngineResult {
  seedSeconds: number;
  otherSeedSeconds: number;
  fullRead: { ms: number; runs: number[]; devices: number; physicalIds: number };
  createGroup: Step & { members: number };
  patchNoChange: Step & { runs: number[]; members: number };
  patchAllChange: Step & { members: number };
  assignProfile: Step & { assigned: number };
  patchAllChangeAssigned: Step & { members: number; assigned: number };
  hook: {
    withGroupAndAssignment: { p50Ms: number; runs: number[] };
    withoutGroups: { p50Ms: number; runs: number[] };
    /** withGroupAndAssignment / withoutGroups at p50. */
    ratio: number;
    newMembers: number;
    newAssigned: number;
  };
  verified: boolean;
}

async function benchEngine(engine: Engine): Promise<EngineResult> {
  return withMigratedScratch(engine, 'lifecycle', async (db, who, scratch) => {
    const other = await createTenant(createTenantsStore(db), { domain: 'bench-other.onmicrosoft.com', displayName: 'Bench other' });
    const tenantId = who.tenant.id;
    const seedSeconds = await seed(db, engine, tenantId, DEVICES);
    console.log(`  ${engine}: seeded ${fmt(DEVICES)} devices in ${fmt(seedSeconds, 1)} s`);

    const config = scratchAppConfig(scratch);
    // No import worker: nothing is imported over HTTP, and its polling would only add noise.
    const app = await buildApp({ db, config, logger: false, importWorker: false });
    try {
      await app.keyRing.ensure();
      const graph = await graphClient(app, who);
      let verified = true;
      const half = DEVICES - Math.floor(DEVICES / 2); // devices 0, 2, 4, … are Lab
      const memberCount = async (groupId: string) => {
        const r = await graph.call('GET', `/v1.0/groups/${groupId}/members/$count`);
        expectStatus('members/$count', r, 200);
        return Number(r.body);
      };
      const assignedCount = async () => {
        const filter = encodeURIComponent(`deploymentProfileAssignmentStatus eq 'assignedUnkownSyncState'`);
        const r = await graph.call('GET', `${AP}?$filter=${filter}&$count=true&$top=1&$select=id`);
        expectStatus('$filter on deploymentProfileAssignmentStatus', r, 200);
        return Number(r.body['@odata.count']);
      };

      globalThis.gc?.();
      const reads = [];
      for (let i = 0; i < SCAN_RUNS; i++) reads.push(await fullRead(db, tenantId));
      const readMs = median(reads.map((r) => r.ms));
      verified = check(engine, 'baseline devices read', reads[0].devices, DEVICES) && verified;
      console.log(`  ${engine}: full read of ${fmt(reads[0].devices)} Entra devices (${fmt(reads[0].physicalIds)} physicalIds): ${fmt(readMs)} ms`);
      const step = (ms: number): Step => ({ ms, timesFullRead: ms / readMs });

      // 1. Create the dynamic group: every device is evaluated inside the request.
      globalThis.gc?.();
      const created = await graph.call('POST', '/v1.0/groups', {
        displayName: 'Lab devices',
        mailNickname: 'labdevices',
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: ['DynamicMembership'],
        membershipRule: rule('-eq', 'Lab'),
        membershipRuleProcessingState: 'On',
      });
      expectStatus('POST /groups', created, 201);
      const groupId: string = created.body.id;
      const createdMembers = await memberCount(groupId);
      verified = check(engine, 'members after POST /groups (Lab)', createdMembers, half) && verified;
      console.log(`  ${engine}: POST group ${fmt(created.ms)} ms, ${fmt(createdMembers)} members`);

      // 2. A rule change that changes nobody (median of 3, alternating two equivalent rules), then one that changes all.
      const noChange: number[] = [];
      for (const value of ['L', 'La', 'L']) {
        globalThis.gc?.();
        const r = await graph.call('PATCH', `/v1.0/groups/${groupId}`, { membershipRule: rule('-startsWith', value) });
        expectStatus('PATCH rule (no change)', r, 204);
        noChange.push(r.ms);
      }
      const noChangeMembers = await memberCount(groupId);
      verified = check(engine, 'members after PATCH -startsWith "[OrderID]:L"', noChangeMembers, half) && verified;
      globalThis.gc?.();
      const toOffice = await graph.call('PATCH', `/v1.0/groups/${groupId}`, { membershipRule: rule('-eq', 'Office') });
      expectStatus('PATCH rule (Office)', toOffice, 204);
      const officeMembers = await memberCount(groupId);
      verified = check(engine, 'members after PATCH to Office', officeMembers, DEVICES - half) && verified;
      console.log(`  ${engine}: PATCH no change ${fmt(median(noChange))} ms (p50 of 3), PATCH to Office ${fmt(toOffice.ms)} ms`);

      // 3. Assign a new profile to the group: every device of the tenant is resolved inside the request.
      const profile = await graph.call(
        'POST',
        PROFILES,
        userDrivenProfileBody({ displayName: 'Bench user-driven', description: 'lifecycle bench', deviceNameTemplate: 'BEN-%SERIAL%' }),
      );
      expectStatus('POST profile', profile, 201);
      globalThis.gc?.();
      const assigned = await graph.call('POST', `${PROFILES}/${profile.body.id}/assignments`, {
        target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
      });
      expectStatus('POST assignment', assigned, 201);
      const assignedDevices = await assignedCount();
      verified = check(engine, 'assignedUnkownSyncState after the assignment', assignedDevices, DEVICES - half) && verified;
      globalThis.gc?.();
      const backToLab = await graph.call('PATCH', `/v1.0/groups/${groupId}`, { membershipRule: rule('-eq', 'Lab') });
      expectStatus('PATCH rule (Lab, assigned)', backToLab, 204);
      const labMembers = await memberCount(groupId);
      const labAssigned = await assignedCount();
      verified = check(engine, 'members after PATCH back to Lab', labMembers, half) && verified;
      verified = check(engine, 'assignedUnkownSyncState after PATCH back to Lab', labAssigned, half) && verified;
      console.log(`  ${engine}: POST assignment ${fmt(assigned.ms)} ms, PATCH to Lab with the assignment ${fmt(backToLab.ms)} ms`);

      // 4. The import worker's per-batch hook: 500 new devices inserted and evaluated in one transaction. The tenant
      // without groups gets as many devices as the first, so that both batches run against tenants of one size.
      const otherSeedSeconds = await seed(db, engine, other.tenant.id, DEVICES);
      console.log(`  ${engine}: seeded ${fmt(DEVICES)} devices in a second tenant (no group, no assignment) in ${fmt(otherSeedSeconds, 1)} s`);
      const now = new Date().toISOString();
      const hookBatch = (batchTenant: string) =>
        db.transaction().execute(async (trx) => {
          const entraIds = await insertDevices(trx, batchTenant, HOOK_BATCH, now);
          const start = performance.now();
          await afterDevicesChanged(createStore(trx), batchTenant, entraIds, now);
          return performance.now() - start;
        });
      const withRuns: number[] = [];
      const withoutRuns: number[] = [];
      for (let i = 0; i <= HOOK_BATCHES; i++) {
        globalThis.gc?.();
        // Alternating which goes first, so that drift hits both alike; round 0 is the warm-up.
        let withMs: number;
        let withoutMs: number;
        if (i % 2 === 0) {
          withMs = await hookBatch(tenantId);
          withoutMs = await hookBatch(other.tenant.id);
        } else {
          withoutMs = await hookBatch(other.tenant.id);
          withMs = await hookBatch(tenantId);
        }
        if (i > 0) {
          withRuns.push(withMs);
          withoutRuns.push(withoutMs);
        }
      }
      const batchLab = (HOOK_BATCHES + 1) * Math.ceil(HOOK_BATCH / 2);
      const newMembers = (await memberCount(groupId)) - half;
      const newAssigned = (await assignedCount()) - half;
      verified = check(engine, 'new members from the hook batches', newMembers, batchLab) && verified;
      verified = check(engine, 'new assigned devices from the hook batches', newAssigned, batchLab) && verified;
      const withP50 = median(withRuns);
      const withoutP50 = median(withoutRuns);
      console.log(`  ${engine}: hook for ${HOOK_BATCH} new devices: ${fmt(withP50, 1)} ms with the group and assignment, ${fmt(withoutP50, 1)} ms without (p50 of ${HOOK_BATCHES})`);

      return {
        seedSeconds,
        otherSeedSeconds,
        fullRead: { ms: readMs, runs: reads.map((r) => r.ms), devices: reads[0].devices, physicalIds: reads[0].physicalIds },
        createGroup: { ...step(created.ms), members: createdMembers },
        patchNoChange: { ...step(median(noChange)), runs: noChange, members: noChangeMembers },
        patchAllChange: { ...step(toOffice.ms), members: officeMembers },
        assignProfile: { ...step(assigned.ms), assigned: assignedDevices },
        patchAllChangeAssigned: { ...step(backToLab.ms), members: labMembers, assigned: labAssigned },
        hook: {
          withGroupAndAssignment: { p50Ms: withP50, runs: withRuns },
          withoutGroups: { p50Ms: withoutP50, runs: withoutRuns },
          ratio: withP50 / withoutP50,
          newMembers,
          newAssigned,
        },
        verified,
      };
    } finally {
      await app.close();
    }
  });
}

// ---- run ------------------------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  if (!Number.isSafeInteger(DEVICES) || DEVICES < 2) throw new Error(`BENCH_LIFECYCLE_DEVICES must be a whole number ≥ 2 (got ${process.env.BENCH_LIFECYCLE_DEVICES})`);
  if (!Number.isSafeInteger(HOOK_BATCHES) || HOOK_BATCHES < 1) throw new Error(`BENCH_LIFECYCLE_BATCHES must be a positive whole number (got ${process.env.BENCH_LIFECYCLE_BATCHES})`);
  console.log(
    `${fmt(DEVICES)} registered devices (half Lab, half Office) in one tenant; Graph calls over HTTP on 127.0.0.1; ` +
      `baseline: keyset scan of the Entra devices with their physicalIds, ${SCAN_PAGE}-row pages`,
  );
  const loadBefore = os.loadavg();
  const engines: Engine[] = ['sqlite'];
  if (await postgresAvailable()) engines.push('postgres');
  const results: Record<string, EngineResult> = {};
  for (const engine of engines) results[engine] = await benchEngine(engine);
  const loadAfter = os.loadavg();

  const n = fmt(DEVICES);
  const rows: [string, (r: EngineResult) => Step][] = [
    [`full read, ${n} devices (baseline)`, (r) => ({ ms: r.fullRead.ms, timesFullRead: 1 })],
    [`POST group, rule Lab (${fmt(Math.ceil(DEVICES / 2))} join)`, (r) => r.createGroup],
    ['PATCH rule, nobody changes (p50 of 3)', (r) => r.patchNoChange],
    [`PATCH rule to Office (${n} change)`, (r) => r.patchAllChange],
    [`POST assignment (${n} resolved)`, (r) => r.assignProfile],
    [`PATCH rule to Lab, assigned (${n} change)`, (r) => r.patchAllChangeAssigned],
  ];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(14))).join(''));
  line(['', ...Object.keys(results).flatMap((e) => [`${e} ms`, '× full read'])]);
  for (const [label, pick] of rows) {
    line([label, ...Object.values(results).flatMap((r) => [fmt(pick(r).ms), `${fmt(pick(r).timesFullRead, 1)}×`])]);
  }
  line([`hook, ${HOOK_BATCH} new, group + assignment (p50)`, ...Object.values(results).flatMap((r) => [fmt(r.hook.withGroupAndAssignment.p50Ms, 1), `${fmt(r.hook.ratio, 2)}× none`])]);
  line([`hook, ${HOOK_BATCH} new, no group/assignment (p50)`, ...Object.values(results).flatMap((r) => [fmt(r.hook.withoutGroups.p50Ms, 1), ''])]);
  for (const [engine, r] of Object.entries(results)) {
    console.log(`  ${engine}: seeded in ${fmt(r.seedSeconds, 1)} s + ${fmt(r.otherSeedSeconds, 1)} s; member and assignment counts ${r.verified ? 'as expected' : 'NOT as expected (see warnings)'}`);
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average before ${load(loadBefore)}, after ${load(loadAfter)} (${os.cpus().length} CPUs)`);
  const file = recordResult('lifecycle', {
    devices: DEVICES,
    hookBatch: HOOK_BATCH,
    hookBatches: HOOK_BATCHES,
    scanPage: SCAN_PAGE,
    rawChunk: RAW_CHUNK,
    rawTransaction: RAW_TRANSACTION,
    loadAverage: { before: loadBefore, after: loadAfter },
    results,
  });
  console.log(`  wrote ${path.relative(process.cwd(), file)}`);
}
