// The repository conformance battery, in the manner of micromdm/nanodep's storage tests: every method of every
// repository the domains declare (src/registry, directory, profiles and intune ports), exercised through the port
// with the contract its doc comment states, on each engine. Each test gets its own migrated database with two
// tenants; entities come from the small builders below (synthetic hashes only). port-coverage.ts keeps the battery
// honest: a method the store has and the battery does not name fails it.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { newAuditEvent, type AuditEvent } from '../../src/audit/index.js';
import type { Group } from '../../src/directory/ports.js';
import { sql } from 'kysely';
import type { PartnerPolicy } from '../../src/partners/ports.js';
import { deviceIdentity, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import type { ManagedDevice } from '../../src/model/index.js';
import type { AssignmentTarget, DeploymentProfile, ProfileAssignment } from '../../src/profiles/ports.js';
import { registryKeys } from '../../src/registry/identity-keys.js';
import { newAutopilotDevice } from '../../src/registry/new-device.js';
import { newImportedDevice } from '../../src/registry/new-imported-device.js';
import { newEntraDevice } from '../../src/registry/new-entra-device.js';
import { newManagedDevice } from '../../src/registry/new-managed-device.js';
import { KeyTakenError, type ImportedDevice, type Registration } from '../../src/registry/ports.js';
import { BatchNameTakenError } from '../../src/partners/ports.js';
import { type AutopilotDevice, type EntraDevice, type IdentityKey } from '../../src/model/index.js';
import { type Store } from '../../src/ports.js';
import { parseListQuery, type QueryInput } from '../../src/http/odata/index.js';
import type { EntityModel, ListPage, ListQuery } from '../../src/model/index.js';
import {
  auditEventModel,
  autopilotDeviceModel,
  createStore,
  createTenantsStore,
  deploymentProfileModel,
  entraDeviceModel,
  groupModel,
  importedDeviceModel,
  managedDeviceModel,
  type Db,
} from '../../src/store/index.js';
import type { Tenant } from '../../src/tenants/ports.js';
import {
  REGISTRY_PORT_METHODS,
  TENANTS_PORT_METHODS,
  everyTestPassed,
  expectEveryMethodCalled,
  expectStoreMatchesPorts,
  recordingCalls,
} from './port-coverage.js';
import { deploymentProfile } from '../support/profiles.js';
import type { TestDatabase } from '../support/test-databases.js';

// ---- builders ---------------------------------------------------------------------------------------------------

const T0 = Date.UTC(2024, 0, 1);

/** A timestamp `seconds` after 2024-01-01T00:00:00Z. */
function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

/**
 * The next synthetic device of hardware() when a test names none. The suite runs its tests concurrently, so which
 * test draws which seed depends on timing: this starts above the seeds tests name themselves (77, 78, 90, 95, 96), or
 * a test's own device could get the same keys as one it named (KeyTakenError, seen once in CI).
 */
let seeds = 1_000;

/** An audit event of `tenantId` at `at(seconds)`. */
function auditEvent(tenantId: string, seconds: number, fields: { category?: string; correlationId?: string; applicationId?: string } = {}): AuditEvent {
  return newAuditEvent({
    tenantId,
    at: new Date(at(seconds)),
    category: fields.category ?? 'Enrollment',
    componentName: 'Enrollment',
    operation: 'Patch',
    activity: 'updateDeviceProperties',
    resourceType: 'windowsAutopilotDeviceIdentity',
    result: 'Success',
    correlationId: fields.correlationId ?? randomUUID(),
    requestId: randomUUID(),
    http: { method: 'POST', path: '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/x/updateDeviceProperties', status: 204 },
    actor: {
      type: 'ItPro',
      auditActorType: 'user',
      userPermissions: ['DeviceManagementServiceConfig.ReadWrite.All'],
      applicationId: fields.applicationId ?? randomUUID(),
      applicationDisplayName: 'Tarmac console',
      userPrincipalName: 'ada@contoso.onmicrosoft.com',
      servicePrincipalName: null,
      ipAddress: '127.0.0.1',
      userId: randomUUID(),
      remoteTenantId: null,
      remoteUserId: null,
    },
    resources: [{ type: 'windowsAutopilotDeviceIdentity', id: randomUUID(), before: { groupTag: 'Sales', displayName: 'A' }, after: { groupTag: 'HR', displayName: 'A' } }],
  });
}

/** A synthetic device: its encoded hash and the registry keys its identity gives. */
function hardware(seed = seeds++): { hash: Buffer; keys: IdentityKey[]; serial: string; manufacturer: string; model: string } {
  const inventory = syntheticInventory(seed);
  const serial = inventory.system.serialNumber ?? '';
  return {
    hash: Buffer.from(encodeHardwareHash(inventory).bytes),
    keys: registryKeys(deviceIdentity(inventory), serial),
    serial,
    manufacturer: inventory.system.manufacturer ?? '',
    model: inventory.system.model ?? '',
  };
}

const SAMPLE_HASH = hardware(0).hash;

function entraDevice(tenantId: string, overrides: Partial<EntraDevice> = {}): EntraDevice {
  const { createdAt = at(0), updatedAt = at(0), ...fields } = overrides;
  return { ...newEntraDevice({ tenantId, displayName: 'PC-0001', operatingSystemVersion: '10.0.22631.1', ...fields }, createdAt), updatedAt };
}

/** A registration of a new synthetic device with its Entra object (`entra: false`: without one). */
function registration(
  tenantId: string,
  overrides: { seed?: number; device?: Partial<AutopilotDevice>; entra?: Partial<EntraDevice> | false; keys?: IdentityKey[] } = {},
): Registration {
  const hw = hardware(overrides.seed);
  const id = overrides.device?.id ?? randomUUID();
  const entra = overrides.entra === false ? undefined : entraDevice(tenantId, { autopilotDeviceId: id, physicalIds: [`[ZTDID]:${id}`], ...overrides.entra });
  const device = {
    ...newAutopilotDevice(
      { id, tenantId, serialNumber: hw.serial, productKey: '', azureAdDeviceId: entra?.deviceId ?? null, manufacturer: hw.manufacturer, model: hw.model },
      at(0),
    ),
    ...overrides.device,
  };
  return { device, hardwareHash: hw.hash, keys: overrides.keys ?? hw.keys, entra };
}

function importedDevice(tenantId: string, overrides: Partial<ImportedDevice> = {}): ImportedDevice {
  const { createdAt = at(0), updatedAt = at(0), ...fields } = overrides;
  return {
    ...newImportedDevice(
      { id: randomUUID(), tenantId, importId: randomUUID(), serialNumber: `SN-${randomUUID().slice(0, 8)}`, hardwareIdentifier: SAMPLE_HASH, ...fields },
      createdAt,
    ),
    updatedAt,
  };
}

function managedDevice(tenantId: string, overrides: Partial<ManagedDevice> = {}): ManagedDevice {
  const { enrolledAt = at(0), lastSyncAt = at(0), createdAt = at(0), updatedAt = at(0), ...fields } = overrides;
  const device = newManagedDevice(
    {
      tenantId,
      deviceName: 'DESKTOP-1',
      managedDeviceOwnerType: 'company',
      deviceEnrollmentType: 'windowsAzureADJoin',
      joinType: 'azureADJoined',
      osVersion: '10.0.22631.1',
      serialNumber: 'SN-1',
      manufacturer: 'HP',
      model: 'EliteBook',
      ...fields,
    },
    createdAt,
  );
  return { ...device, enrolledAt, lastSyncAt, updatedAt };
}

/** A static group (no rule); `dynamicGroup` for one with a rule. */
function group(tenantId: string, overrides: Partial<Group> = {}): Group {
  return {
    id: randomUUID(),
    tenantId,
    displayName: 'Sales devices',
    description: '',
    mailNickname: 'sales',
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: [],
    membershipRule: null,
    membershipRuleProcessingState: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

function dynamicGroup(tenantId: string, overrides: Partial<Group> = {}): Group {
  return group(tenantId, {
    groupTypes: ['DynamicMembership'],
    membershipRule: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))',
    membershipRuleProcessingState: 'On',
    ...overrides,
  });
}

function profile(tenantId: string, overrides: Partial<DeploymentProfile> = {}): DeploymentProfile {
  return deploymentProfile(tenantId, { displayName: 'Standard', locale: 'en-US', ...overrides });
}

function assignment(p: DeploymentProfile, target: AssignmentTarget, overrides: Partial<ProfileAssignment> = {}): ProfileAssignment {
  return {
    id: `${p.id}_${target.kind === 'allDevices' ? 'adadadad-808e-44e2-905a-0b7873a8a531' : target.groupId}`,
    tenantId: p.tenantId,
    profileId: p.id,
    target,
    source: 'direct',
    sourceId: '',
    createdAt: at(0),
    ...overrides,
  };
}

/** A list query as a Graph client's OData options give it (parsed the way the HTTP layer parses them). */
function listQuery(model: EntityModel, options: QueryInput): ListQuery {
  return parseListQuery(options, model, { defaultTop: 100, maxTop: 1000 });
}

function sorted(values: string[]): string[] {
  return [...values].sort();
}

function tenant(prefix: string): Tenant {
  const name = `${prefix}-${randomUUID().slice(0, 8)}.onmicrosoft.com`;
  return { id: randomUUID(), displayName: prefix, kind: 'customer', createdAt: at(0), domains: [{ name, isInitial: true, isDefault: true }] };
}

/** Resolves once `ms` have passed. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `hold` inside a transaction and, while it is open, starts `write` outside it: resolves to whether `write` had
 * finished before the transaction ended (it must not have, when `hold` locked what `write` touches).
 */
async function writeFinishedWhileHeld(store: Store, hold: (tx: Store) => Promise<unknown>, write: () => Promise<unknown>): Promise<boolean> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const transaction = store.transaction(async (tx) => {
    await hold(tx);
    held();
    await released;
  });
  await holding;
  let finished = false;
  const writing = write().then(() => (finished = true));
  await pause(200);
  const finishedWhileHeld = finished;
  release();
  await transaction;
  await writing;
  return finishedWhileHeld;
}

// ---- the battery ------------------------------------------------------------------------------------------------

interface Fixture {
  tdb: TestDatabase;
  db: Db;
  /** The store under test, every call recorded for the coverage guard. */
  store: Store;
  a: Tenant;
  b: Tenant;
}

/** `migrated`: a new database that every migration has already run on (a copy of a template: see conformance.ts). */
export function registryConformance(engine: string, migrated: () => Promise<TestDatabase>): void {
  const calls = new Set<string>();
  const it = test.extend<{ r: Fixture }>({
    // eslint-disable-next-line no-empty-pattern
    r: async ({}, use) => {
      const tdb = await migrated();
      try {
        const tenants = createTenantsStore(tdb.db);
        const a = tenant('a');
        const b = tenant('b');
        await tenants.tenants.insert(a);
        await tenants.tenants.insert(b);
        await use({ tdb, db: tdb.db, store: recordingCalls(createStore(tdb.db), calls), a, b });
      } finally {
        await tdb.cleanup();
      }
    },
  });

  describe.concurrent(`repository conformance on ${engine}`, () => {
    // eslint-disable-next-line no-empty-pattern
    afterAll(({}, suite) => {
      // Only a complete, green run says which methods the battery calls.
      if (!everyTestPassed(suite)) return;
      expectEveryMethodCalled(calls, REGISTRY_PORT_METHODS);
      expect(calls.has('transaction'), 'Store.transaction called').toBe(true);
    });

    describe('coverage guard', () => {
      it('names every repository and every method the stores have', ({ r }) => {
        expectStoreMatchesPorts(createStore(r.db), REGISTRY_PORT_METHODS);
        expectStoreMatchesPorts(createTenantsStore(r.db), TENANTS_PORT_METHODS);
      });
    });

    describe('ImportRepository', () => {
      it('insertMany / find: stores rows as given, found only in their tenant', async ({ r }) => {
        const rows = [
          importedDevice(r.a.id, { groupTag: 'Sales', productKey: 'PK', assignedUserPrincipalName: 'u@contoso.com', status: 'pending' }),
          importedDevice(r.a.id, { hardwareIdentifier: null, createdAt: at(5), updatedAt: at(6) }),
        ];
        await r.store.imports.insertMany(rows);
        expect(await r.store.imports.find(r.a.id, rows[0]!.id)).toEqual(rows[0]);
        expect(await r.store.imports.find(r.a.id, rows[1]!.id)).toEqual(rows[1]);
        expect(await r.store.imports.find(r.b.id, rows[0]!.id)).toBeUndefined();
        expect(await r.store.imports.find(r.a.id, randomUUID())).toBeUndefined();
        await r.store.imports.insertMany([]);
      });

      it('insertMany: a batch larger than one INSERT all lands', async ({ r }) => {
        const rows = Array.from({ length: 1201 }, (_, i) => importedDevice(r.a.id, { createdAt: at(i) }));
        await r.store.imports.insertMany(rows);
        expect(await r.store.imports.countUnprocessed(r.a.id)).toBe(1201);
        expect(await r.store.imports.find(r.a.id, rows[1200]!.id)).toEqual(rows[1200]);
      });

      it('delete: true once, then false; another tenant’s row is neither found nor deleted', async ({ r }) => {
        const row = importedDevice(r.a.id);
        await r.store.imports.insertMany([row]);
        expect(await r.store.imports.delete(r.b.id, row.id)).toBe(false);
        expect(await r.store.imports.find(r.a.id, row.id)).toEqual(row);
        expect(await r.store.imports.delete(r.a.id, row.id)).toBe(true);
        expect(await r.store.imports.find(r.a.id, row.id)).toBeUndefined();
        expect(await r.db.selectFrom('imported_device_hashes').selectAll().where('imported_device_id', '=', row.id).execute()).toEqual([]);
        expect(await r.store.imports.delete(r.a.id, row.id)).toBe(false);
      });

      it('claim: leases at most `limit` unprocessed rows, oldest first, of every tenant, counting an attempt', async ({ r }) => {
        // Created out of order; two share a created time (then id order decides).
        const [x, y] = sorted([randomUUID(), randomUUID()]);
        const rows = [
          importedDevice(r.a.id, { createdAt: at(30) }),
          importedDevice(r.b.id, { createdAt: at(10), status: 'pending' }),
          importedDevice(r.a.id, { id: y, createdAt: at(20) }),
          importedDevice(r.a.id, { id: x, createdAt: at(20) }),
          importedDevice(r.a.id, { createdAt: at(1), status: 'complete', deviceRegistrationId: randomUUID() }),
          importedDevice(r.a.id, { createdAt: at(2), status: 'error', deviceErrorCode: 806, deviceErrorName: 'ZtdDeviceAlreadyAssigned' }),
          importedDevice(r.a.id, { createdAt: at(3), status: 'partial' }),
        ];
        await r.store.imports.insertMany(rows);
        expect(await r.store.imports.claim('w1', 3, at(100), at(160))).toBe(3);
        const leased = await r.store.transaction((tx) => tx.imports.leased('w1'));
        expect(leased.map((l) => l.id)).toEqual([rows[1]!.id, x, y]);
        expect(leased.map((l) => l.attempts)).toEqual([1, 1, 1]);
        expect(leased[0]).toMatchObject({ ...rows[1], attempts: 1 });
        // The rest: one unprocessed row left; processed rows are never claimed.
        expect(await r.store.imports.claim('w2', 10, at(100), at(160))).toBe(1);
        expect((await r.store.transaction((tx) => tx.imports.leased('w2'))).map((l) => l.id)).toEqual([rows[0]!.id]);
        expect(await r.store.imports.claim('w3', 10, at(100), at(160))).toBe(0);
      });

      it('claim: skips rows under a live lease and takes lapsed ones, counting another attempt; the old owner no longer holds them', async ({ r }) => {
        const first = importedDevice(r.a.id, { createdAt: at(1) });
        const second = importedDevice(r.a.id, { createdAt: at(2) });
        await r.store.imports.insertMany([first, second]);
        expect(await r.store.imports.claim('w1', 1, at(100), at(160))).toBe(1);
        // Live: w2 gets only the other row.
        expect(await r.store.imports.claim('w2', 10, at(150), at(210))).toBe(1);
        expect((await r.store.transaction((tx) => tx.imports.leased('w2'))).map((l) => l.id)).toEqual([second.id]);
        // w1's lease lapsed at 160; w2's (until 210) has not.
        expect(await r.store.imports.claim('w3', 10, at(200), at(260))).toBe(1);
        const taken = await r.store.transaction((tx) => tx.imports.leased('w3'));
        expect(taken.map((l) => [l.id, l.attempts])).toEqual([[first.id, 2]]);
        expect(await r.store.transaction((tx) => tx.imports.leased('w1'))).toEqual([]);
        expect(await r.store.imports.claim('w4', 10, at(200), at(260))).toBe(0);
      });

      it('claim: concurrent claims lease disjoint rows, each once', async ({ r }) => {
        const rows = Array.from({ length: 10 }, (_, i) => importedDevice(r.a.id, { createdAt: at(i) }));
        await r.store.imports.insertMany(rows);
        const counts = await Promise.all([r.store.imports.claim('w1', 6, at(100), at(160)), r.store.imports.claim('w2', 6, at(100), at(160))]);
        expect(counts[0] + counts[1]).toBe(10);
        const one = await r.store.transaction((tx) => tx.imports.leased('w1'));
        const two = await r.store.transaction((tx) => tx.imports.leased('w2'));
        expect(sorted([...one, ...two].map((l) => l.id))).toEqual(sorted(rows.map((row) => row.id)));
        expect([...one, ...two].every((l) => l.attempts === 1)).toBe(true);
      });

      it('leased: every row of a batch larger than one read, in (created, id) order, with its hash', async ({ r }) => {
        // 1,203 rows (read 500 at a time), most sharing their created time with others, so that pages end inside a tie.
        const rows = Array.from({ length: 1203 }, (_, i) => importedDevice(r.a.id, { createdAt: at(Math.floor(i / 7)), hardwareIdentifier: Buffer.from(`hash ${i}`) }));
        await r.store.imports.insertMany(rows);
        expect(await r.store.imports.claim('w1', 2000, at(1000), at(1060))).toBe(1203);
        const leased = await r.store.transaction((tx) => tx.imports.leased('w1'));
        const expected = [...rows].sort((p, q) => (p.createdAt === q.createdAt ? (p.id < q.id ? -1 : 1) : p.createdAt < q.createdAt ? -1 : 1));
        expect(leased.map((l) => l.id)).toEqual(expected.map((row) => row.id));
        expect(leased.map((l) => l.hardwareIdentifier)).toEqual(expected.map((row) => row.hardwareIdentifier));
      });

      it('leased: only the owner’s unprocessed rows, locked against other writers until the transaction ends', async ({ r }) => {
        const rows = [importedDevice(r.a.id, { createdAt: at(1) }), importedDevice(r.a.id, { createdAt: at(2) })];
        await r.store.imports.insertMany(rows);
        await r.store.imports.claim('w1', 10, at(100), at(160));
        expect(await r.store.transaction((tx) => tx.imports.leased('nobody'))).toEqual([]);
        const waited = await writeFinishedWhileHeld(
          r.store,
          (tx) => tx.imports.leased('w1'),
          () => r.store.imports.settle([{ id: rows[0]!.id, status: 'complete', deviceRegistrationId: randomUUID(), deviceErrorCode: 0, deviceErrorName: '' }], at(120)),
        );
        expect(waited).toBe(false);
        // The settled row is no longer held.
        expect((await r.store.transaction((tx) => tx.imports.leased('w1'))).map((l) => l.id)).toEqual([rows[1]!.id]);
      });

      it('settle: records each outcome and releases the leases', async ({ r }) => {
        const rows = Array.from({ length: 304 }, (_, i) => importedDevice(r.a.id, { createdAt: at(i) }));
        await r.store.imports.insertMany(rows);
        expect(await r.store.imports.claim('w1', 1000, at(1000), at(1060))).toBe(304);
        const registered = rows.slice(0, 300).map((row) => ({ id: row.id, status: 'complete' as const, deviceRegistrationId: randomUUID(), deviceErrorCode: 0, deviceErrorName: '' }));
        const failed = rows.slice(300).map((row, i) => ({
          id: row.id,
          status: 'error' as const,
          deviceRegistrationId: null,
          deviceErrorCode: i < 2 ? 806 : 808,
          deviceErrorName: i < 2 ? 'ZtdDeviceAlreadyAssigned' : 'ZtdDeviceAssignedToOtherTenant',
        }));
        await r.store.imports.settle([...registered, ...failed], at(1010));
        for (const outcome of [registered[0]!, registered[299]!, ...failed]) {
          expect(await r.store.imports.find(r.a.id, outcome.id)).toMatchObject({
            status: outcome.status,
            deviceRegistrationId: outcome.deviceRegistrationId,
            deviceErrorCode: outcome.deviceErrorCode,
            deviceErrorName: outcome.deviceErrorName,
            updatedAt: at(1010),
          });
        }
        expect(await r.store.transaction((tx) => tx.imports.leased('w1'))).toEqual([]);
        expect(await r.store.imports.countUnprocessed(r.a.id)).toBe(0);
        expect(await r.store.imports.claim('w2', 1000, at(2000), at(2060))).toBe(0);
      });

      it('countUnprocessed: a tenant’s unknown and pending rows, leased or not', async ({ r }) => {
        await r.store.imports.insertMany([
          importedDevice(r.a.id, { createdAt: at(1) }),
          importedDevice(r.a.id, { status: 'pending', createdAt: at(2) }),
          importedDevice(r.a.id, { status: 'complete', deviceRegistrationId: randomUUID() }),
          importedDevice(r.a.id, { status: 'error', deviceErrorCode: 806 }),
          importedDevice(r.b.id),
        ]);
        expect(await r.store.imports.countUnprocessed(r.a.id)).toBe(2);
        await r.store.imports.claim('w1', 1, at(100), at(160));
        expect(await r.store.imports.countUnprocessed(r.a.id)).toBe(2);
        expect(await r.store.imports.countUnprocessed(r.b.id)).toBe(1);
        expect(await r.store.imports.countUnprocessed(randomUUID())).toBe(0);
      });

      it('refreshPlannerStatistics: PostgreSQL analyzes the tables a load left without statistics; SQLite plans without', async ({ r }) => {
        await r.store.imports.insertMany(Array.from({ length: 300 }, (_, i) => importedDevice(r.a.id, { createdAt: at(i) })));
        const first = await r.store.imports.refreshPlannerStatistics();
        if (r.tdb.engine !== 'postgres') {
          expect(first).toEqual([]);
          return;
        }
        // The queue's tables had none; a table that holds no rows is left alone.
        expect(first).toEqual(expect.arrayContaining(['imported_device_identities', 'imported_device_hashes']));
        expect(first).not.toContain('deployment_profiles');
        const tuples = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'imported_device_identities'::regclass`.execute(r.db);
        expect(Number(tuples.rows[0]?.reltuples)).toBe(300);
        const columns = await sql<{ n: string }>`select count(*) as n from pg_stats where schemaname = current_schema() and tablename = 'imported_device_identities'`.execute(r.db);
        expect(Number(columns.rows[0]?.n)).toBeGreaterThan(0);
        // Analyzed, a table is not again until more than 50 rows and a tenth of it change (the two tenants).
        expect(first).toContain('tenants');
        expect(await r.store.imports.refreshPlannerStatistics()).not.toContain('tenants');
      });
    });

    describe('DeviceRepository', () => {
      it('register / find / hardwareHash: devices, hashes, keys and Entra objects with their physicalIds', async ({ r }) => {
        const withEntra = registration(r.a.id, { device: { groupTag: 'Sales', purchaseOrderIdentifier: 'PO-1', displayName: 'PC-1' } });
        const bare = registration(r.a.id, { entra: false });
        await r.store.devices.register([withEntra, bare]);
        expect(await r.store.devices.find(r.a.id, withEntra.device.id)).toEqual(withEntra.device);
        expect(await r.store.devices.find(r.a.id, bare.device.id)).toEqual(bare.device);
        expect(await r.store.devices.find(r.b.id, withEntra.device.id)).toBeUndefined();
        expect(await r.store.devices.hardwareHash(r.a.id, withEntra.device.id)).toEqual(withEntra.hardwareHash);
        expect(await r.store.devices.hardwareHash(r.b.id, withEntra.device.id)).toBeUndefined();
        expect(await r.store.devices.hardwareHash(r.a.id, randomUUID())).toBeUndefined();
        expect(await r.store.entra.find(r.a.id, withEntra.entra!.id)).toEqual(withEntra.entra);
        const owners = await r.store.identityKeys.owners([...withEntra.keys, ...bare.keys]);
        expect(owners).toHaveLength(withEntra.keys.length + bare.keys.length);
        expect(owners.filter((o) => o.deviceId === withEntra.device.id).map((o) => `${o.kind}:${o.value}`).sort()).toEqual(
          withEntra.keys.map((k) => `${k.kind}:${k.value}`).sort(),
        );
        expect(owners.every((o) => o.tenantId === r.a.id)).toBe(true);
      });

      it('holdersOf: each registration holding any of the keys once, in any tenant, with the kinds it holds and its hash', async ({ r }) => {
        const mine = registration(r.a.id);
        const theirs = registration(r.b.id);
        const hashless = { ...registration(r.a.id, { entra: false }), hardwareHash: null };
        await r.store.devices.register([mine, theirs, hashless]);
        const asked = [...mine.keys, theirs.keys[0]!, ...hashless.keys, { kind: 'serial', value: 'NOBODY-HOLDS-THIS' }];
        const holders = await r.store.devices.holdersOf(asked);
        const byId = new Map(holders.map((h) => [h.device.id, h]));
        expect(holders).toHaveLength(3);
        expect(byId.get(mine.device.id)?.device).toEqual(mine.device);
        expect(byId.get(mine.device.id)?.kinds.sort()).toEqual([...new Set(mine.keys.map((k) => k.kind))].sort());
        expect(byId.get(mine.device.id)?.hardwareHash).toEqual(mine.hardwareHash);
        expect(byId.get(theirs.device.id)).toMatchObject({ device: theirs.device, kinds: [theirs.keys[0]!.kind], hardwareHash: theirs.hardwareHash });
        expect(byId.get(hashless.device.id)).toMatchObject({ device: hashless.device, hardwareHash: null });
        expect(await r.store.devices.holdersOf([{ kind: 'serial', value: 'NOBODY-HOLDS-THIS' }])).toEqual([]);
      });

      it('holderOfHash (and bootDeviceOfHash, its narrow read): the device whose registered hash is exactly these bytes, in any tenant, after a replacement and a first hash too', async ({ r }) => {
        const mine = registration(r.a.id);
        const theirs = registration(r.b.id);
        const hashless = { ...registration(r.a.id, { entra: false }), hardwareHash: null };
        await r.store.devices.register([mine, theirs, hashless]);
        expect(await r.store.devices.holderOfHash(mine.hardwareHash!)).toEqual(mine.device);
        expect(await r.store.devices.holderOfHash(theirs.hardwareHash!)).toEqual(theirs.device);
        // bootDeviceOfHash: the same device, the fields a profile download reads and no others.
        const bootFields = (d: AutopilotDevice) => ({
          id: d.id,
          tenantId: d.tenantId,
          serialNumber: d.serialNumber,
          managedDeviceId: d.managedDeviceId,
          lastContactedAt: d.lastContactedAt,
          deploymentProfileId: d.deploymentProfileId,
          deploymentProfileAssignmentStatus: d.deploymentProfileAssignmentStatus,
          deliveredProfileId: d.deliveredProfileId,
          partnerPolicyId: d.partnerPolicyId,
          remediationState: d.remediationState,
          deploymentProfile: null,
        });
        expect(await r.store.devices.bootDeviceOfHash(mine.hardwareHash!)).toEqual(bootFields(mine.device));
        expect(await r.store.devices.bootDeviceOfHash(theirs.hardwareHash!)).toEqual(bootFields(theirs.device));
        // One byte different: not that device (the lookup is by the whole hash, not by a prefix or the keys).
        const changed = Buffer.from(mine.hardwareHash!);
        changed[changed.length - 1] ^= 1;
        expect(await r.store.devices.holderOfHash(changed)).toBeUndefined();
        expect(await r.store.devices.bootDeviceOfHash(changed)).toBeUndefined();
        // A replaced hash is found by its new bytes only; a hashless registration by its first hash once attached.
        const next = registration(r.a.id);
        await r.store.devices.replaceHardware(r.a.id, mine.device.id, next.hardwareHash!, next.keys, '2026-12-05T00:00:00.000Z');
        expect(await r.store.devices.holderOfHash(mine.hardwareHash!)).toBeUndefined();
        expect(await r.store.devices.bootDeviceOfHash(mine.hardwareHash!)).toBeUndefined();
        expect((await r.store.devices.holderOfHash(next.hardwareHash!))?.id).toBe(mine.device.id);
        expect((await r.store.devices.bootDeviceOfHash(next.hardwareHash!))?.id).toBe(mine.device.id);
        const first = registration(r.a.id);
        await r.store.devices.attachHardware(r.a.id, hashless.device.id, first.hardwareHash!, first.keys, {}, '2026-12-05T00:00:00.000Z');
        expect((await r.store.devices.holderOfHash(first.hardwareHash!))?.id).toBe(hashless.device.id);
        expect((await r.store.devices.bootDeviceOfHash(first.hardwareHash!))?.id).toBe(hashless.device.id);
        await r.store.devices.delete(r.b.id, theirs.device.id);
        expect(await r.store.devices.holderOfHash(theirs.hardwareHash!)).toBeUndefined();
      });

      it('bootDeviceOfHash reads the device’s deployment profile with it (null once deleted; never another tenant’s), alone and many at once', async ({ r }) => {
        const [mine, other, theirs] = [registration(r.a.id), registration(r.a.id), registration(r.b.id)];
        await r.store.devices.register([mine, other, theirs]);
        const p = profile(r.a.id);
        await r.store.profiles.insert(p);
        const at = '2026-12-06T00:00:00.000Z';
        await r.store.devices.update(r.a.id, mine.device.id, { deploymentProfileId: p.id, deploymentProfileAssignmentStatus: 'assignedUnkownSyncState' }, at);
        // Another tenant's device naming this tenant's profile (no resolution writes that; the read must not follow it).
        await r.store.devices.update(r.b.id, theirs.device.id, { deploymentProfileId: p.id }, at);
        const alone = await r.store.devices.bootDeviceOfHash(mine.hardwareHash!);
        expect(alone).toMatchObject({ id: mine.device.id, deploymentProfileId: p.id, deploymentProfile: p });
        const together = await Promise.all([mine, other, theirs].map((m) => r.store.devices.bootDeviceOfHash(m.hardwareHash!)));
        expect(together.map((d) => d?.deploymentProfile)).toEqual([p, null, null]);
        expect(together[2]?.deploymentProfileId).toBe(p.id);
        // The parsed settings are shared between lookups, so frozen; a changed profile is read as changed.
        expect(Object.isFrozen(alone?.deploymentProfile?.outOfBoxExperienceSetting)).toBe(true);
        const changed = { ...p, deviceNameTemplate: 'CHANGED-%SERIAL%', outOfBoxExperienceSetting: { ...p.outOfBoxExperienceSetting, eulaHidden: !p.outOfBoxExperienceSetting.eulaHidden }, lastModifiedAt: at };
        await r.store.profiles.replace(changed);
        expect((await r.store.devices.bootDeviceOfHash(mine.hardwareHash!))?.deploymentProfile).toEqual(changed);
        await r.store.profiles.delete(r.a.id, p.id);
        expect((await r.store.devices.bootDeviceOfHash(mine.hardwareHash!))?.deploymentProfile).toBeNull();
      });

      it('bootDeviceOfHash asked for many hashes at once (one statement on PostgreSQL, one read transaction on SQLite): each caller gets its own device or none', async ({ r }) => {
        const mine = [registration(r.a.id), registration(r.a.id), registration(r.b.id)];
        await r.store.devices.register(mine);
        const unknown = registration(r.a.id).hardwareHash!;
        const asked = [mine[0]!, mine[1]!, mine[2]!, mine[0]!].map((m) => m.hardwareHash!);
        const answers = await Promise.all([...asked, unknown].map((h) => r.store.devices.bootDeviceOfHash(h)));
        expect(answers.map((d) => d?.id)).toEqual([mine[0]!.device.id, mine[1]!.device.id, mine[2]!.device.id, mine[0]!.device.id, undefined]);
        expect(answers[2]?.tenantId).toBe(r.b.id);
      });

      it('holderOfHash and bootDeviceOfHash see committed rows only, never an open transaction’s (SQLite reads them at once outside one)', async ({ r }) => {
        const mine = registration(r.a.id);
        await r.store.devices.register([mine]);
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let deleted!: () => void;
        const inside = new Promise<void>((resolve) => (deleted = resolve));
        const rolledBack = r.store.transaction(async (tx) => {
          await tx.devices.delete(r.a.id, mine.device.id);
          deleted();
          await held;
          throw new Error('rolled back');
        });
        await inside;
        // Asked while the deletion is uncommitted: answered with the device, once the transaction has ended.
        const boot = r.store.devices.bootDeviceOfHash(mine.hardwareHash!);
        const holder = r.store.devices.holderOfHash(mine.hardwareHash!);
        release();
        await expect(rolledBack).rejects.toThrow('rolled back');
        expect((await boot)?.id).toBe(mine.device.id);
        expect((await holder)?.id).toBe(mine.device.id);
      });

      it('register: a key already taken (any tenant) rejects with KeyTakenError and writes nothing of the failed batch', async ({ r }) => {
        const holder = registration(r.b.id);
        await r.store.devices.register([holder]);
        const fresh = registration(r.a.id);
        const clash = registration(r.a.id, { keys: [holder.keys[0]!] });
        await expect(r.store.devices.register([fresh, clash])).rejects.toBeInstanceOf(KeyTakenError);
        expect(await r.store.devices.find(r.a.id, fresh.device.id)).toBeUndefined();
        expect(await r.store.devices.find(r.a.id, clash.device.id)).toBeUndefined();
        expect(await r.store.devices.hardwareHash(r.a.id, fresh.device.id)).toBeUndefined();
        expect(await r.store.entra.find(r.a.id, fresh.entra!.id)).toBeUndefined();
        expect(await r.store.identityKeys.owners(fresh.keys)).toEqual([]);
        expect((await r.store.identityKeys.owners(holder.keys)).every((o) => o.deviceId === holder.device.id)).toBe(true);
        // Two devices of one batch with the same key: the same.
        const twin = registration(r.a.id, { keys: fresh.keys });
        await expect(r.store.devices.register([fresh, twin])).rejects.toBeInstanceOf(KeyTakenError);
        expect(await r.store.devices.find(r.a.id, fresh.device.id)).toBeUndefined();
        // The batch without the clash goes through.
        await r.store.devices.register([fresh]);
        expect(await r.store.devices.find(r.a.id, fresh.device.id)).toEqual(fresh.device);
      });

      it('findBySerials: the tenant’s devices with exactly one of these serial numbers', async ({ r }) => {
        const one = registration(r.a.id, { device: { serialNumber: 'SN-1' }, entra: false });
        const lower = registration(r.a.id, { device: { serialNumber: 'sn-1' }, entra: false });
        const longer = registration(r.a.id, { device: { serialNumber: 'SN-10' }, entra: false });
        const two = registration(r.a.id, { device: { serialNumber: 'SN-2' }, entra: false });
        const elsewhere = registration(r.b.id, { device: { serialNumber: 'SN-1' }, entra: false });
        await r.store.devices.register([one, lower, longer, two, elsewhere]);
        expect(await r.store.devices.findBySerials(r.a.id, ['SN-1'])).toEqual([one.device]);
        expect(sorted((await r.store.devices.findBySerials(r.a.id, ['SN-1', 'SN-2', 'SN-3'])).map((d) => d.id))).toEqual(sorted([one.device.id, two.device.id]));
        expect(await r.store.devices.findBySerials(r.a.id, [])).toEqual([]);
        expect(await r.store.devices.findBySerials(r.b.id, ['SN-1'])).toEqual([elsewhere.device]);
      });

      it('recordContacts: lastContactedAt and updatedAt of each device, never moved back; others and other tenants untouched', async ({ r }) => {
        const one = registration(r.a.id);
        const two = registration(r.a.id);
        const other = registration(r.b.id);
        const idle = registration(r.a.id);
        await r.store.devices.register([one, two, other, idle]);
        await r.store.devices.recordContacts([
          { tenantId: r.a.id, id: one.device.id, at: at(10) },
          { tenantId: r.a.id, id: two.device.id, at: at(20) },
          { tenantId: r.a.id, id: other.device.id, at: at(30) }, // wrong tenant: nothing
          { tenantId: r.a.id, id: randomUUID(), at: at(40) }, // gone: nothing
        ]);
        expect(await r.store.devices.find(r.a.id, one.device.id)).toEqual({ ...one.device, lastContactedAt: at(10), updatedAt: at(10) });
        expect(await r.store.devices.find(r.a.id, two.device.id)).toMatchObject({ lastContactedAt: at(20), updatedAt: at(20) });
        expect(await r.store.devices.find(r.b.id, other.device.id)).toEqual(other.device);
        expect(await r.store.devices.find(r.a.id, idle.device.id)).toEqual(idle.device);
        await r.store.devices.recordContacts([
          { tenantId: r.a.id, id: one.device.id, at: at(5) }, // older than what is stored: kept
          { tenantId: r.a.id, id: two.device.id, at: at(25) },
        ]);
        expect(await r.store.devices.find(r.a.id, one.device.id)).toMatchObject({ lastContactedAt: at(10) });
        expect(await r.store.devices.find(r.a.id, two.device.id)).toMatchObject({ lastContactedAt: at(25), updatedAt: at(25) });
        await r.store.devices.recordContacts([]);
      });

      it('recordContacts with deliveries: deliveredProfileId (a profile or none) and assignedInSync when asked, even behind a later contact time', async ({ r }) => {
        const [first, behind, removed, plain] = [registration(r.a.id), registration(r.a.id), registration(r.a.id), registration(r.a.id)];
        await r.store.devices.register([first, behind, removed, plain]);
        const p = profile(r.a.id);
        await r.store.profiles.insert(p);
        const assigned = { deploymentProfileId: p.id, deploymentProfileAssignmentStatus: 'assignedUnkownSyncState' as const };
        for (const d of [first, behind, plain]) await r.store.devices.update(r.a.id, d.device.id, assigned, at(1));
        await r.store.devices.update(r.a.id, behind.device.id, { lastContactedAt: at(50) }, at(50));
        await r.store.devices.update(r.a.id, removed.device.id, { deliveredProfileId: p.id, deploymentProfileAssignmentStatus: 'assignedInSync' }, at(1));
        await r.store.devices.recordContacts([
          { tenantId: r.a.id, id: first.device.id, at: at(10), delivery: { profileId: p.id, assignedInSync: true } },
          { tenantId: r.a.id, id: behind.device.id, at: at(10), delivery: { profileId: p.id, assignedInSync: true } }, // an older time: delivered all the same
          { tenantId: r.a.id, id: removed.device.id, at: at(10), delivery: { profileId: null, assignedInSync: false } },
          { tenantId: r.a.id, id: plain.device.id, at: at(10) },
        ]);
        const after = async (d: Registration) => r.store.devices.find(r.a.id, d.device.id);
        expect(await after(first)).toMatchObject({ lastContactedAt: at(10), updatedAt: at(10), deliveredProfileId: p.id, deploymentProfileAssignmentStatus: 'assignedInSync' });
        expect(await after(behind)).toMatchObject({ lastContactedAt: at(50), updatedAt: at(50), deliveredProfileId: p.id, deploymentProfileAssignmentStatus: 'assignedInSync' });
        expect(await after(removed)).toMatchObject({ lastContactedAt: at(10), deliveredProfileId: null, deploymentProfileAssignmentStatus: 'assignedInSync' });
        expect(await after(plain)).toMatchObject({ lastContactedAt: at(10), deliveredProfileId: null, deploymentProfileAssignmentStatus: 'assignedUnkownSyncState' });
      });

      it('update: changes the patched properties and updatedAt only, in the device’s tenant', async ({ r }) => {
        const reg = registration(r.a.id, { entra: false });
        await r.store.devices.register([reg]);
        const patch = {
          groupTag: 'Sales',
          displayName: 'PC-9',
          userPrincipalName: 'ada@contoso.com',
          addressableUserName: 'Ada',
          enrollmentState: 'enrolled' as const,
          userlessEnrollmentStatus: 'blocked' as const,
          lastContactedAt: at(50),
          managedDeviceId: randomUUID(),
          deploymentProfileId: randomUUID(),
          intendedDeploymentProfileId: randomUUID(),
          deploymentProfileAssignmentStatus: 'assignedInSync' as const,
          deploymentProfileAssignedAt: at(51),
          deliveredProfileId: randomUUID(),
          remediationState: 'automaticRemediationRequired' as const,
          remediationStateModifiedAt: at(52),
        };
        await r.store.devices.update(r.b.id, reg.device.id, { groupTag: 'Stolen' }, at(90));
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual(reg.device);
        await r.store.devices.update(r.a.id, reg.device.id, patch, at(100));
        const updated = { ...reg.device, ...patch, updatedAt: at(100) };
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual(updated);
        await r.store.devices.update(r.a.id, reg.device.id, { lastContactedAt: null, managedDeviceId: null }, at(101));
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual({ ...updated, lastContactedAt: null, managedDeviceId: null, updatedAt: at(101) });
      });

      it('delete: removes the device with its hash and keys (free to register again) and unlinks its Entra object', async ({ r }) => {
        const reg = registration(r.a.id);
        await r.store.devices.register([reg]);
        expect(await r.store.devices.delete(r.b.id, reg.device.id)).toBe(false);
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual(reg.device);
        expect(await r.store.devices.delete(r.a.id, reg.device.id)).toBe(true);
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toBeUndefined();
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toBeUndefined();
        expect(await r.store.identityKeys.owners(reg.keys)).toEqual([]);
        expect(await r.store.entra.find(r.a.id, reg.entra!.id)).toMatchObject({ autopilotDeviceId: null });
        expect(await r.store.devices.delete(r.a.id, reg.device.id)).toBe(false);
        const again = registration(r.b.id, { keys: reg.keys });
        await r.store.devices.register([again]);
        expect((await r.store.identityKeys.owners(reg.keys)).map((o) => o.deviceId)).toEqual(reg.keys.map(() => again.device.id));
      });

      it('replaceHardware: swaps the hash and the keys; the old keys are free', async ({ r }) => {
        const reg = registration(r.a.id);
        await r.store.devices.register([reg]);
        const next = hardware();
        await r.store.devices.replaceHardware(r.a.id, reg.device.id, next.hash, next.keys, at(100));
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(next.hash);
        expect(await r.store.identityKeys.owners(reg.keys)).toEqual([]);
        const owners = await r.store.identityKeys.owners(next.keys);
        expect(owners.map((o) => [o.tenantId, o.deviceId])).toEqual(next.keys.map(() => [r.a.id, reg.device.id]));
        // Replacing with no keys leaves none.
        await r.store.devices.replaceHardware(r.a.id, reg.device.id, reg.hardwareHash!, [], at(101));
        expect(await r.store.identityKeys.owners(next.keys)).toEqual([]);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(reg.hardwareHash);
      });

      it('replaceHardware: a key another device holds rejects with KeyTakenError (and a transaction leaves the device as it was)', async ({ r }) => {
        const reg = registration(r.a.id);
        const other = registration(r.b.id);
        await r.store.devices.register([reg, other]);
        const next = hardware();
        const replacing = r.store.transaction((tx) => tx.devices.replaceHardware(r.a.id, reg.device.id, next.hash, [...next.keys, other.keys[0]!], at(100)));
        await expect(replacing).rejects.toBeInstanceOf(KeyTakenError);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(reg.hardwareHash);
        expect((await r.store.identityKeys.owners(reg.keys)).map((o) => o.deviceId)).toEqual(reg.keys.map(() => reg.device.id));
        expect((await r.store.identityKeys.owners(other.keys)).map((o) => o.deviceId)).toEqual(other.keys.map(() => other.device.id));
      });

      it('register with replaced: flagged devices get their new hash and keys with the new registrations; one no longer flagged rejects with KeyTakenError', async ({
        r,
      }) => {
        const [x, y] = [registration(r.a.id), registration(r.b.id)];
        await r.store.devices.register([x, y]);
        const flagged = { remediationState: 'manualRemediationRequired' as const, remediationStateModifiedAt: at(50) };
        await r.store.devices.update(r.a.id, x.device.id, flagged, at(50));
        await r.store.devices.update(r.b.id, y.device.id, flagged, at(50));
        const [nextX, nextY] = [hardware(), hardware()];
        const fresh = registration(r.a.id);
        // Listed against the lock order (y's id may sort first, keys in any order): the store orders them itself.
        const replaced = [
          { tenantId: r.b.id, deviceId: y.device.id, hardwareHash: nextY.hash, keys: [...nextY.keys].reverse(), at: at(100) },
          { tenantId: r.a.id, deviceId: x.device.id, hardwareHash: nextX.hash, keys: nextX.keys, at: at(100) },
        ];
        await r.store.transaction((tx) => tx.devices.register([fresh], replaced));
        expect(await r.store.devices.hardwareHash(r.a.id, x.device.id)).toEqual(nextX.hash);
        expect(await r.store.devices.hardwareHash(r.b.id, y.device.id)).toEqual(nextY.hash);
        expect(await r.store.identityKeys.owners([...x.keys, ...y.keys])).toEqual([]);
        const owners = await r.store.identityKeys.owners([...nextX.keys, ...nextY.keys, ...fresh.keys]);
        expect(owners.map((o) => `${o.tenantId}/${o.deviceId}`).sort()).toEqual(
          [...nextX.keys.map(() => `${r.a.id}/${x.device.id}`), ...nextY.keys.map(() => `${r.b.id}/${y.device.id}`), ...fresh.keys.map(() => `${r.a.id}/${fresh.device.id}`)].sort(),
        );
        // z is not flagged (a concurrent import remediated it already): nothing of the call is written.
        const z = registration(r.a.id);
        await r.store.devices.register([z]);
        const other = registration(r.a.id);
        const stale = r.store.transaction((tx) =>
          tx.devices.register([other], [{ tenantId: r.a.id, deviceId: z.device.id, hardwareHash: hardware().hash, keys: hardware().keys, at: at(200) }]),
        );
        await expect(stale).rejects.toBeInstanceOf(KeyTakenError);
        expect(await r.store.devices.find(r.a.id, other.device.id)).toBeUndefined();
        expect(await r.store.devices.hardwareHash(r.a.id, z.device.id)).toEqual(z.hardwareHash);
      });

      it('replaceHardware: another tenant’s device is left alone', async ({ r }) => {
        const reg = registration(r.a.id);
        await r.store.devices.register([reg]);
        const next = hardware();
        await r.store.devices.replaceHardware(r.b.id, reg.device.id, next.hash, next.keys, at(100));
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(reg.hardwareHash);
        expect((await r.store.identityKeys.owners(reg.keys)).map((o) => o.deviceId)).toEqual(reg.keys.map(() => reg.device.id));
        expect(await r.store.identityKeys.owners(next.keys)).toEqual([]);
      });

      it('register without a hash (partner/OEM by tuple or PKID): no hash row; replaceHardware then gives it one', async ({ r }) => {
        const tupleKey = { kind: 'tuple', value: 'HP|ELITEBOOK 840|SN-NOHASH' };
        const reg = { ...registration(r.a.id, { keys: [tupleKey] }), hardwareHash: null };
        await r.store.devices.register([reg]);
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual(reg.device);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toBeUndefined();
        expect((await r.store.identityKeys.owners([tupleKey])).map((o) => o.deviceId)).toEqual([reg.device.id]);
        const next = hardware();
        await r.store.devices.replaceHardware(r.a.id, reg.device.id, next.hash, next.keys, at(100));
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(next.hash);
      });

      it('attachHardware: a device without a hash gets it, the keys it lacks and the fields, once; another tenant’s or a hashed device is left alone', async ({ r }) => {
        const hw = hardware();
        const tupleKey = hw.keys.find((k) => k.kind === 'tuple')!;
        const reg = { ...registration(r.a.id, { keys: [tupleKey], device: { skuNumber: '', systemFamily: '' } }), hardwareHash: null };
        const hashed = registration(r.a.id);
        await r.store.devices.register([reg, hashed]);
        const fields = { skuNumber: 'SKU-1', systemFamily: 'Family', productKey: '3302492178918' };
        expect(await r.store.devices.attachHardware(r.b.id, reg.device.id, hw.hash, hw.keys, fields, at(90))).toBe(false);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toBeUndefined();
        expect(await r.store.devices.attachHardware(r.a.id, randomUUID(), hw.hash, hw.keys, fields, at(90))).toBe(false);

        expect(await r.store.devices.attachHardware(r.a.id, reg.device.id, hw.hash, hw.keys, fields, at(100))).toBe(true);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(hw.hash);
        const owners = await r.store.identityKeys.owners(hw.keys);
        expect(owners.map((o) => [o.kind, o.deviceId]).sort()).toEqual(hw.keys.map((k) => [k.kind, reg.device.id]).sort());
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual({ ...reg.device, ...fields, updatedAt: at(100) });

        // Again (a second first boot): nothing changes.
        const other = hardware();
        expect(await r.store.devices.attachHardware(r.a.id, reg.device.id, other.hash, other.keys, { skuNumber: 'X' }, at(110))).toBe(false);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toEqual(hw.hash);
        expect(await r.store.identityKeys.owners(other.keys)).toEqual([]);
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toMatchObject({ skuNumber: 'SKU-1', updatedAt: at(100) });
        // A device registered with a hash is never overwritten.
        expect(await r.store.devices.attachHardware(r.a.id, hashed.device.id, other.hash, other.keys, {}, at(120))).toBe(false);
        expect(await r.store.devices.hardwareHash(r.a.id, hashed.device.id)).toEqual(hashed.hardwareHash);
      });

      it('attachHardware: a key another device holds rejects with KeyTakenError (and a transaction leaves the device without a hash)', async ({ r }) => {
        const hw = hardware();
        const holder = registration(r.b.id);
        const reg = { ...registration(r.a.id, { keys: [hw.keys[0]!] }), hardwareHash: null };
        await r.store.devices.register([holder, reg]);
        const attaching = r.store.transaction((tx) => tx.devices.attachHardware(r.a.id, reg.device.id, hw.hash, [...hw.keys, holder.keys[0]!], {}, at(100)));
        await expect(attaching).rejects.toBeInstanceOf(KeyTakenError);
        expect(await r.store.devices.hardwareHash(r.a.id, reg.device.id)).toBeUndefined();
        expect((await r.store.identityKeys.owners(hw.keys)).map((o) => o.deviceId)).toEqual([reg.device.id]);
      });
    });

    describe('IdentityKeyRepository', () => {
      it('owners: who holds whichever keys are registered, matching kind and value, in any tenant', async ({ r }) => {
        const inA = registration(r.a.id, { entra: false, keys: [{ kind: 'tuple', value: 'HP|ELITEBOOK|SN1' }, { kind: 'uuid', value: 'u-1' }] });
        const inB = registration(r.b.id, { entra: false, keys: [{ kind: 'serial', value: 'SN2' }] });
        await r.store.devices.register([inA, inB]);
        expect(await r.store.identityKeys.owners([])).toEqual([]);
        const owners = await r.store.identityKeys.owners([
          { kind: 'tuple', value: 'HP|ELITEBOOK|SN1' },
          { kind: 'serial', value: 'SN2' },
          // Same value, other kind: not registered.
          { kind: 'pkid', value: 'u-1' },
          { kind: 'ek', value: 'nobody' },
        ]);
        expect(owners.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
          { kind: 'serial', value: 'SN2', tenantId: r.b.id, deviceId: inB.device.id },
          { kind: 'tuple', value: 'HP|ELITEBOOK|SN1', tenantId: r.a.id, deviceId: inA.device.id },
        ]);
      });

      it('owners: a lookup of more keys than one IN list holds finds them all', async ({ r }) => {
        const regs = Array.from({ length: 3 }, () => registration(r.a.id, { entra: false }));
        await r.store.devices.register(regs);
        const wanted = [...Array.from({ length: 2500 }, (_, i) => ({ kind: 'serial', value: `missing-${i}` })), ...regs.flatMap((g) => g.keys)];
        expect(await r.store.identityKeys.owners(wanted)).toHaveLength(regs.flatMap((g) => g.keys).length);
      });
    });

    describe('EntraDeviceRepository', () => {
      it('create / find: with physicalIds in their stable order, only in the tenant', async ({ r }) => {
        const e = entraDevice(r.a.id, {
          trustType: 'Workplace',
          profileType: 'RegisteredDevice',
          enrollmentProfileName: 'Standard',
          deviceOwnership: 'Company',
          isManaged: true,
          managementType: 'MDM',
          mdmAppId: randomUUID(),
          approximateLastSignInAt: at(5),
          accountEnabled: false,
          physicalIds: ['[HWID]:h:1', '[OrderID]:Sales', '[GID]:g:1', '[PurchaseOrderId]:PO-1', '[ZTDID]:z'],
        });
        await r.store.entra.create(e);
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual({ ...e, physicalIds: ['[ZTDID]:z', '[OrderID]:Sales', '[PurchaseOrderId]:PO-1', '[GID]:g:1', '[HWID]:h:1'] });
        expect(await r.store.entra.find(r.b.id, e.id)).toBeUndefined();
        const bare = entraDevice(r.a.id);
        await r.store.entra.create(bare);
        expect(await r.store.entra.find(r.a.id, bare.id)).toEqual(bare);
      });

      it('findByAutopilotDevice: the Entra object linked to the device, in the tenant', async ({ r }) => {
        const reg = registration(r.a.id);
        await r.store.devices.register([reg]);
        expect(await r.store.entra.findByAutopilotDevice(r.a.id, reg.device.id)).toEqual(reg.entra);
        expect(await r.store.entra.findByAutopilotDevice(r.b.id, reg.device.id)).toBeUndefined();
        expect(await r.store.entra.findByAutopilotDevice(r.a.id, randomUUID())).toBeUndefined();
      });

      it('update: changes the patched properties and updatedAt only, in the tenant', async ({ r }) => {
        const reg = registration(r.a.id, { entra: false });
        await r.store.devices.register([reg]);
        const e = entraDevice(r.a.id, { physicalIds: ['[GID]:g:1'] });
        await r.store.entra.create(e);
        const patch = {
          autopilotDeviceId: reg.device.id,
          displayName: 'PC-2',
          accountEnabled: false,
          operatingSystemVersion: '10.0.26100.1',
          trustType: 'AzureAd',
          profileType: 'RegisteredDevice',
          enrollmentProfileName: 'Standard',
          deviceOwnership: 'Company',
          isManaged: true,
          managementType: 'MDM',
          mdmAppId: randomUUID(),
          approximateLastSignInAt: at(40),
        };
        await r.store.entra.update(r.b.id, e.id, { displayName: 'Stolen' }, at(90));
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual(e);
        await r.store.entra.update(r.a.id, e.id, patch, at(100));
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual({ ...e, ...patch, updatedAt: at(100) });
        await r.store.entra.update(r.a.id, e.id, { autopilotDeviceId: null, trustType: null }, at(101));
        expect(await r.store.entra.find(r.a.id, e.id)).toMatchObject({ autopilotDeviceId: null, trustType: null, displayName: 'PC-2', updatedAt: at(101) });
      });

      it('replacePhysicalIds: replaces the values under the prefixes, keeps the others', async ({ r }) => {
        const e = entraDevice(r.a.id, { physicalIds: ['[ZTDID]:old', '[OrderID]:Sales', '[HWID]:h:1', '[GID]:g:1'] });
        await r.store.entra.create(e);
        await r.store.entra.replacePhysicalIds(r.a.id, e.id, ['[ZTDID]:', '[OrderID]:', '[PurchaseOrderId]:'], ['[ZTDID]:new', '[PurchaseOrderId]:PO-7', '[OrderID]:Sales'], at(100));
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual({
          ...e,
          physicalIds: ['[ZTDID]:new', '[OrderID]:Sales', '[PurchaseOrderId]:PO-7', '[GID]:g:1', '[HWID]:h:1'],
          updatedAt: at(100),
        });
        await r.store.entra.replacePhysicalIds(r.a.id, e.id, ['[ZTDID]:', '[OrderID]:', '[PurchaseOrderId]:'], [], at(101));
        expect((await r.store.entra.find(r.a.id, e.id))?.physicalIds).toEqual(['[GID]:g:1', '[HWID]:h:1']);
      });

      it('replacePhysicalIds: another tenant’s Entra device is left alone', async ({ r }) => {
        const e = entraDevice(r.a.id, { physicalIds: ['[ZTDID]:z'] });
        await r.store.entra.create(e);
        await r.store.entra.replacePhysicalIds(r.b.id, e.id, ['[ZTDID]:'], ['[ZTDID]:intruder'], at(100));
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual(e);
      });

      it('delete: removes the Entra device with its physicalIds, only in the tenant', async ({ r }) => {
        const e = entraDevice(r.a.id, { physicalIds: ['[ZTDID]:z'] });
        await r.store.entra.create(e);
        await r.store.entra.delete(r.b.id, e.id);
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual(e);
        await r.store.entra.delete(r.a.id, e.id);
        expect(await r.store.entra.find(r.a.id, e.id)).toBeUndefined();
        // Its deviceId is free again.
        await r.store.entra.create({ ...e, id: randomUUID() });
      });
    });

    describe('SettingsRepository', () => {
      it('get / lock / save: lock creates the row (unknown, never synced), save stores it, get reads it', async ({ r }) => {
        expect(await r.store.settings.get(r.a.id)).toBeUndefined();
        const created = await r.store.transaction((tx) => tx.settings.lock(r.a.id));
        expect(created).toEqual({ tenantId: r.a.id, syncStatus: 'unknown', lastSyncAt: null, lastManualSyncTriggerAt: null });
        expect(await r.store.settings.get(r.a.id)).toEqual(created);
        const saved = { tenantId: r.a.id, syncStatus: 'completed' as const, lastSyncAt: at(10), lastManualSyncTriggerAt: at(5) };
        await r.store.settings.save(saved);
        expect(await r.store.settings.get(r.a.id)).toEqual(saved);
        // Locking an existing row reads it as it is.
        expect(await r.store.transaction((tx) => tx.settings.lock(r.a.id))).toEqual(saved);
        expect(await r.store.settings.get(r.b.id)).toBeUndefined();
      });

      it('lock: holds the tenant’s row against other writers until the transaction ends', async ({ r }) => {
        await r.store.transaction((tx) => tx.settings.lock(r.a.id));
        const waited = await writeFinishedWhileHeld(
          r.store,
          (tx) => tx.settings.lock(r.a.id),
          () => r.store.settings.save({ tenantId: r.a.id, syncStatus: 'failed', lastSyncAt: null, lastManualSyncTriggerAt: null }),
        );
        expect(waited).toBe(false);
        expect(await r.store.settings.get(r.a.id)).toMatchObject({ syncStatus: 'failed' });
      });

      it('inProgress: the tenants whose sync is in progress', async ({ r }) => {
        expect(await r.store.settings.inProgress()).toEqual([]);
        for (const t of [r.a, r.b]) await r.store.transaction((tx) => tx.settings.lock(t.id));
        await r.store.settings.save({ tenantId: r.b.id, syncStatus: 'inProgress', lastSyncAt: null, lastManualSyncTriggerAt: at(1) });
        expect(await r.store.settings.inProgress()).toEqual([r.b.id]);
        await r.store.settings.save({ tenantId: r.a.id, syncStatus: 'inProgress', lastSyncAt: null, lastManualSyncTriggerAt: at(1) });
        expect(sorted(await r.store.settings.inProgress())).toEqual(sorted([r.a.id, r.b.id]));
      });
    });

    describe('Store.transaction', () => {
      it('commits what every repository wrote and returns the work’s result', async ({ r }) => {
        const reg = registration(r.a.id);
        const g = group(r.a.id);
        const p = profile(r.a.id);
        const result = await r.store.transaction(async (tx) => {
          await tx.devices.register([reg]);
          await tx.directory.createGroup(g);
          await tx.profiles.insert(p);
          // The transaction reads its own writes.
          expect(await tx.devices.find(r.a.id, reg.device.id)).toEqual(reg.device);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toEqual(reg.device);
        expect(await r.store.directory.findGroup(r.a.id, g.id)).toEqual(g);
        expect(await r.store.profiles.find(r.a.id, p.id)).toEqual(p);
      });

      it('rolls back everything when the work throws, and rethrows', async ({ r }) => {
        const reg = registration(r.a.id);
        const row = importedDevice(r.a.id);
        const m = managedDevice(r.a.id);
        const boom = new Error('boom');
        const failing = r.store.transaction(async (tx) => {
          await tx.imports.insertMany([row]);
          await tx.devices.register([reg]);
          await tx.intune.create(m);
          await tx.settings.lock(r.a.id);
          throw boom;
        });
        await expect(failing).rejects.toBe(boom);
        expect(await r.store.imports.find(r.a.id, row.id)).toBeUndefined();
        expect(await r.store.devices.find(r.a.id, reg.device.id)).toBeUndefined();
        expect(await r.store.entra.find(r.a.id, reg.entra!.id)).toBeUndefined();
        expect(await r.store.identityKeys.owners(reg.keys)).toEqual([]);
        expect(await r.store.intune.find(r.a.id, m.id)).toBeUndefined();
        expect(await r.store.settings.get(r.a.id)).toBeUndefined();
      });

      it('a nested call joins the outer transaction: it sees the outer writes, and rolls back with it', async ({ r }) => {
        const outer = group(r.a.id);
        const inner = group(r.a.id);
        const boom = new Error('boom');
        const failing = r.store.transaction(async (tx) => {
          await tx.directory.createGroup(outer);
          const seen = await tx.transaction(async (nested) => {
            await nested.directory.createGroup(inner);
            return nested.directory.findGroup(r.a.id, outer.id);
          });
          expect(seen).toEqual(outer);
          throw boom;
        });
        await expect(failing).rejects.toBe(boom);
        expect(await r.store.directory.findGroup(r.a.id, outer.id)).toBeUndefined();
        expect(await r.store.directory.findGroup(r.a.id, inner.id)).toBeUndefined();
        // And commits with it.
        await r.store.transaction((tx) => tx.transaction((nested) => nested.directory.createGroup(inner)));
        expect(await r.store.directory.findGroup(r.a.id, inner.id)).toEqual(inner);
      });
    });

    describe('list(tenantId, query): every repository pages, filters and counts a Graph collection the same way', () => {
      /** Follows `next` from the first page to the last: every item of the walk, page by page. */
      async function walk<T>(first: ListQuery, page: (q: ListQuery) => Promise<ListPage<T>>): Promise<T[][]> {
        const pages: T[][] = [];
        let query = first;
        for (;;) {
          const got = await page(query);
          pages.push(got.items);
          if (!got.next) return pages;
          query = { ...first, skipToken: got.next };
        }
      }

      it('devices.list: the tenant’s devices in key order, $top pages continued from `next`, $filter, $count', async ({ r }) => {
        const regs = Array.from({ length: 5 }, (_, i) => registration(r.a.id, { entra: false, device: { groupTag: i < 2 ? 'Sales' : '' } }));
        await r.store.devices.register([...regs, registration(r.b.id, { entra: false })]);
        const ids = sorted(regs.map((g) => g.device.id));
        const pages = await walk(listQuery(autopilotDeviceModel, { $top: '2' }), (q) => r.store.devices.list(r.a.id, q));
        expect(pages.map((p) => p.map((d) => d.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
        expect(pages[0][0]).toEqual(regs.find((g) => g.device.id === ids[0])?.device);
        const sales = await r.store.devices.list(r.a.id, listQuery(autopilotDeviceModel, { $filter: "groupTag eq 'sales'", $count: 'true', $top: '1' }));
        expect(sales.items).toHaveLength(1);
        expect(sales.count).toBe(2);
        expect(sales.next).toBeDefined();
        const serial = regs[3].device.serialNumber;
        const found = await r.store.devices.list(r.a.id, listQuery(autopilotDeviceModel, { $filter: `contains(serialNumber,'${serial.slice(1)}')` }));
        expect(found.items.map((d) => d.id)).toEqual([regs[3].device.id]);
        expect((await r.store.devices.list(r.b.id, listQuery(autopilotDeviceModel, { $count: 'true' }))).count).toBe(1);
      });

      it('imports.list: the tenant’s import rows, $orderby with the key as tiebreaker, continued after the last row', async ({ r }) => {
        const rows = ['C', 'A', 'B', 'A'].map((serialNumber, i) => importedDevice(r.a.id, { serialNumber, ...(i === 2 ? { hardwareIdentifier: null } : {}) }));
        await r.store.imports.insertMany([...rows, importedDevice(r.b.id)]);
        const pages = await walk(listQuery(importedDeviceModel, { $top: '3', $orderby: 'serialNumber desc' }), (q) => r.store.imports.list(r.a.id, q));
        const bySerialDesc = [...rows].sort((x, y) => (x.serialNumber < y.serialNumber ? 1 : x.serialNumber > y.serialNumber ? -1 : x.id < y.id ? -1 : 1));
        expect(pages.map((p) => p.map((d) => d.id))).toEqual([bySerialDesc.slice(0, 3).map((d) => d.id), [bySerialDesc[3].id]]);
        // Every row whole, with its hash (read after the page, imported_device_hashes) or none.
        expect(pages.flat()).toEqual(bySerialDesc);
      });

      it('entra.list / listMembersOf / inIdOrder: the tenant’s Entra devices with physicalIds, a group’s members, an id-ordered walk', async ({ r }) => {
        const devices = Array.from({ length: 4 }, (_, i) => entraDevice(r.a.id, { physicalIds: [`[OrderID]:G${i % 2}`] }));
        for (const d of [...devices, entraDevice(r.b.id)]) await r.store.entra.create(d);
        const ids = sorted(devices.map((d) => d.id));
        const all = await r.store.entra.list(r.a.id, listQuery(entraDeviceModel, { $count: 'true' }));
        expect(all.items.map((d) => d.id)).toEqual(ids);
        expect(all.count).toBe(4);
        expect(all.items.find((d) => d.id === devices[0].id)).toEqual(devices[0]);
        const g0 = await r.store.entra.list(r.a.id, listQuery(entraDeviceModel, { $filter: "physicalIds/any(p: p eq '[OrderID]:G0')" }));
        expect(g0.items.map((d) => d.id)).toEqual(sorted([devices[0].id, devices[2].id]));
        const g = group(r.a.id);
        await r.store.directory.createGroup(g);
        await r.store.directory.addMemberships(r.a.id, [devices[1], devices[3]].map((d) => ({ groupId: g.id, memberId: d.id })), at(1));
        const members = await walk(listQuery(entraDeviceModel, { $top: '1' }), (q) => r.store.entra.listMembersOf(r.a.id, g.id, q));
        expect(members.flat().map((d) => d.id)).toEqual(sorted([devices[1].id, devices[3].id]));
        expect((await r.store.entra.listMembersOf(r.b.id, g.id, listQuery(entraDeviceModel, {}))).items).toEqual([]);
        expect((await r.store.entra.inIdOrder(r.a.id, null, 3)).map((d) => d.id)).toEqual(ids.slice(0, 3));
        expect((await r.store.entra.inIdOrder(r.a.id, ids[2], 3)).map((d) => d.id)).toEqual([ids[3]]);
        expect((await r.store.entra.inIdOrder(r.a.id, null, 3))[0]).toEqual(devices.find((d) => d.id === ids[0]));
      });

      it('directory.listGroups: the tenant’s groups, $filter on displayName, $orderby', async ({ r }) => {
        const groups = ['Sales', 'Lab', 'Sales PCs'].map((displayName) => group(r.a.id, { displayName }));
        for (const g of [...groups, group(r.b.id, { displayName: 'Sales' })]) await r.store.directory.createGroup(g);
        const sales = await r.store.directory.listGroups(r.a.id, listQuery(groupModel, { $filter: "startswith(displayName,'sales')", $orderby: 'displayName desc' }));
        expect(sales.items.map((g) => g.displayName)).toEqual(['Sales PCs', 'Sales']);
        expect(sales.items[1]).toEqual(groups[0]);
      });

      it('intune.list: the tenant’s managed devices, $filter on an enum, $count', async ({ r }) => {
        const company = managedDevice(r.a.id);
        const personal = managedDevice(r.a.id, { managedDeviceOwnerType: 'personal', joinType: 'azureADRegistered' });
        for (const d of [company, personal, managedDevice(r.b.id)]) await r.store.intune.create(d);
        const page = await r.store.intune.list(r.a.id, listQuery(managedDeviceModel, { $filter: "managedDeviceOwnerType eq 'personal'", $count: 'true' }));
        expect(page).toEqual({ items: [personal], next: undefined, count: 1 });
      });
    });

    describe('DirectoryRepository', () => {
      it('createGroup / findGroup: stored as given, found only in the tenant', async ({ r }) => {
        const st = group(r.a.id, { description: 'All of sales', mailEnabled: true, securityEnabled: false });
        const dyn = dynamicGroup(r.a.id, { membershipRuleProcessingState: 'Paused' });
        await r.store.directory.createGroup(st);
        await r.store.directory.createGroup(dyn);
        expect(await r.store.directory.findGroup(r.a.id, st.id)).toEqual(st);
        expect(await r.store.directory.findGroup(r.a.id, dyn.id)).toEqual(dyn);
        expect(await r.store.directory.findGroup(r.b.id, st.id)).toBeUndefined();
        expect(await r.store.directory.findGroup(r.a.id, randomUUID())).toBeUndefined();
      });

      it('findGroupsByName: the tenant’s groups with this display name, case-insensitive', async ({ r }) => {
        const one = group(r.a.id, { displayName: 'Sales Devices' });
        const two = group(r.a.id, { displayName: 'sales devices' });
        const other = group(r.a.id, { displayName: 'Sales Devices 2' });
        const elsewhere = group(r.b.id, { displayName: 'Sales Devices' });
        for (const g of [one, two, other, elsewhere]) await r.store.directory.createGroup(g);
        expect(sorted((await r.store.directory.findGroupsByName(r.a.id, 'SALES devices')).map((g) => g.id))).toEqual(sorted([one.id, two.id]));
        expect(await r.store.directory.findGroupsByName(r.a.id, 'Marketing')).toEqual([]);
      });

      it('updateGroup: changes the patched properties and updatedAt only, in the tenant', async ({ r }) => {
        const g = group(r.a.id);
        await r.store.directory.createGroup(g);
        await r.store.directory.updateGroup(r.b.id, g.id, { displayName: 'Stolen' }, at(90));
        expect(await r.store.directory.findGroup(r.a.id, g.id)).toEqual(g);
        const patch = {
          displayName: 'Autopilot',
          description: 'Every Autopilot device',
          mailNickname: 'autopilot',
          groupTypes: ['DynamicMembership'],
          membershipRule: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))',
          membershipRuleProcessingState: 'On' as const,
        };
        await r.store.directory.updateGroup(r.a.id, g.id, patch, at(100));
        expect(await r.store.directory.findGroup(r.a.id, g.id)).toEqual({ ...g, ...patch, updatedAt: at(100) });
        await r.store.directory.updateGroup(r.a.id, g.id, { membershipRule: null, membershipRuleProcessingState: null, groupTypes: [] }, at(101));
        expect(await r.store.directory.findGroup(r.a.id, g.id)).toMatchObject({ membershipRule: null, membershipRuleProcessingState: null, groupTypes: [] });
      });

      it('deleteGroup: removes the group and its memberships; false when there was none (or it is another tenant’s)', async ({ r }) => {
        const g = group(r.a.id);
        const kept = group(r.a.id);
        const e = entraDevice(r.a.id);
        await r.store.entra.create(e);
        for (const x of [g, kept]) await r.store.directory.createGroup(x);
        await r.store.directory.addMemberships(r.a.id, [{ groupId: g.id, memberId: e.id }, { groupId: kept.id, memberId: e.id }], at(1));
        expect(await r.store.directory.deleteGroup(r.b.id, g.id)).toBe(false);
        expect(await r.store.directory.memberIds(g.id)).toEqual([e.id]);
        expect(await r.store.directory.deleteGroup(r.a.id, g.id)).toBe(true);
        expect(await r.store.directory.findGroup(r.a.id, g.id)).toBeUndefined();
        expect(await r.store.directory.memberIds(g.id)).toEqual([]);
        expect(await r.store.directory.membershipsOf(r.a.id, [e.id])).toEqual([{ groupId: kept.id, memberId: e.id }]);
        expect(await r.store.directory.deleteGroup(r.a.id, g.id)).toBe(false);
      });

      it('activeDynamicGroups: the tenant’s dynamic groups whose processing is On', async ({ r }) => {
        const on = dynamicGroup(r.a.id);
        const lowerCaseType = dynamicGroup(r.a.id, { groupTypes: ['dynamicmembership'] });
        const paused = dynamicGroup(r.a.id, { membershipRuleProcessingState: 'Paused' });
        const stat = group(r.a.id);
        const ruleButNotDynamic = group(r.a.id, { membershipRule: '(device.displayName -eq "x")', membershipRuleProcessingState: 'On' });
        const elsewhere = dynamicGroup(r.b.id);
        for (const g of [on, lowerCaseType, paused, stat, ruleButNotDynamic, elsewhere]) await r.store.directory.createGroup(g);
        expect(sorted((await r.store.directory.activeDynamicGroups(r.a.id)).map((g) => g.id))).toEqual(sorted([on.id, lowerCaseType.id]));
      });

      it('addMemberships / memberIds / membershipsOf / removeMemberships', async ({ r }) => {
        const [g1, g2] = [group(r.a.id), group(r.a.id)];
        const [e1, e2, e3] = [entraDevice(r.a.id), entraDevice(r.a.id), entraDevice(r.a.id)];
        const gb = group(r.b.id);
        const eb = entraDevice(r.b.id);
        for (const g of [g1!, g2!, gb]) await r.store.directory.createGroup(g);
        for (const e of [e1!, e2!, e3!, eb]) await r.store.entra.create(e);
        await r.store.directory.addMemberships(r.a.id, [{ groupId: g1!.id, memberId: e1!.id }, { groupId: g1!.id, memberId: e2!.id }, { groupId: g2!.id, memberId: e1!.id }], at(1));
        await r.store.directory.addMemberships(r.b.id, [{ groupId: gb.id, memberId: eb.id }], at(1));
        // Present ones are kept as they are; the new one is added.
        await r.store.directory.addMemberships(r.a.id, [{ groupId: g1!.id, memberId: e1!.id }, { groupId: g1!.id, memberId: e3!.id }], at(2));
        await r.store.directory.addMemberships(r.a.id, [], at(3));
        expect(await r.store.directory.memberIds(g1!.id)).toEqual(sorted([e1!.id, e2!.id, e3!.id]));
        const key = (m: { groupId: string; memberId: string }): string => `${m.groupId}/${m.memberId}`;
        expect((await r.store.directory.membershipsOf(r.a.id, [e1!.id, eb.id])).map(key).sort()).toEqual(
          [key({ groupId: g1!.id, memberId: e1!.id }), key({ groupId: g2!.id, memberId: e1!.id })].sort(),
        );
        expect(await r.store.directory.membershipsOf(r.a.id, [])).toEqual([]);
        await r.store.directory.removeMemberships(r.b.id, [{ groupId: g1!.id, memberId: e1!.id }]);
        expect(await r.store.directory.memberIds(g1!.id)).toHaveLength(3);
        await r.store.directory.removeMemberships(r.a.id, [{ groupId: g1!.id, memberId: e1!.id }, { groupId: g1!.id, memberId: e2!.id }, { groupId: g2!.id, memberId: e3!.id }]);
        expect(await r.store.directory.memberIds(g1!.id)).toEqual([e3!.id]);
        expect(await r.store.directory.memberIds(g2!.id)).toEqual([e1!.id]);
        expect(await r.store.directory.memberIds(gb.id)).toEqual([eb.id]);
      });

      it('entraDevices: the tenant’s Entra devices with these ids, missing ones left out', async ({ r }) => {
        const e1 = entraDevice(r.a.id, { physicalIds: ['[ZTDID]:z1'] });
        const e2 = entraDevice(r.a.id);
        const eb = entraDevice(r.b.id);
        for (const e of [e1, e2, eb]) await r.store.entra.create(e);
        const found = await r.store.directory.entraDevices(r.a.id, [e1.id, e2.id, e1.id, eb.id, randomUUID()]);
        expect(found.sort((x, y) => x.id.localeCompare(y.id))).toEqual([e1, e2].sort((x, y) => x.id.localeCompare(y.id)));
        expect(await r.store.directory.entraDevices(r.a.id, [])).toEqual([]);
      });

      it('deleteEntraDevice: removes it with its physicalIds, memberships and neighbour keys; false when there was none', async ({ r }) => {
        const e = entraDevice(r.a.id, { physicalIds: ['[ZTDID]:z'] });
        const g = group(r.a.id);
        await r.store.entra.create(e);
        await r.store.directory.createGroup(g);
        await r.store.directory.addMemberships(r.a.id, [{ groupId: g.id, memberId: e.id }], at(1));
        const keys = hardware().keys;
        await r.store.intune.setHardwareKeys('entraDevice', e.id, r.a.id, keys, at(1));
        expect(await r.store.directory.deleteEntraDevice(r.b.id, e.id)).toBe(false);
        expect(await r.store.entra.find(r.a.id, e.id)).toEqual(e);
        expect(await r.store.directory.deleteEntraDevice(r.a.id, e.id)).toBe(true);
        expect(await r.store.entra.find(r.a.id, e.id)).toBeUndefined();
        expect(await r.store.directory.memberIds(g.id)).toEqual([]);
        expect(await r.store.intune.keyHolders([r.a.id], keys)).toEqual([]);
        expect(await r.store.directory.deleteEntraDevice(r.a.id, e.id)).toBe(false);
      });

      it('deviceIdTaken: whether any tenant’s Entra device has this deviceId', async ({ r }) => {
        const e = entraDevice(r.b.id);
        await r.store.entra.create(e);
        expect(await r.store.directory.deviceIdTaken(e.deviceId)).toBe(true);
        expect(await r.store.directory.deviceIdTaken(randomUUID())).toBe(false);
      });
    });

    describe('ProfileRepository', () => {
      it('insert / find / count: stored as given (both kinds, with or without ESP settings), only in the tenant', async ({ r }) => {
        const azure = profile(r.a.id, { description: 'Sales', deviceNameTemplate: 'SALES-%RAND:5%', hardwareHashExtractionEnabled: true, managementServiceAppId: randomUUID() });
        const hybrid = profile(r.a.id, {
          kind: 'activeDirectory',
          hybridAzureADJoinSkipConnectivityCheck: true,
          preprovisioningAllowed: true,
          enrollmentStatusScreenSettings: { hideInstallationProgress: true, customErrorMessage: null, installProgressTimeoutInMinutes: 60 },
        });
        await r.store.profiles.insert(azure);
        await r.store.profiles.insert(hybrid);
        expect(await r.store.profiles.find(r.a.id, azure.id)).toEqual(azure);
        expect(await r.store.profiles.find(r.a.id, hybrid.id)).toEqual(hybrid);
        expect(await r.store.profiles.find(r.b.id, azure.id)).toBeNull();
        expect(await r.store.profiles.count(r.a.id)).toBe(2);
        expect(await r.store.profiles.count(r.b.id)).toBe(0);
      });

      it('findMany / findByName: the tenant’s profiles, missing ids left out, names case-insensitive', async ({ r }) => {
        const one = profile(r.a.id, { displayName: 'Kiosk' });
        const two = profile(r.a.id, { displayName: 'KIOSK' });
        const three = profile(r.a.id, { displayName: 'Kiosk 2' });
        const elsewhere = profile(r.b.id, { displayName: 'Kiosk' });
        for (const p of [one, two, three, elsewhere]) await r.store.profiles.insert(p);
        const many = await r.store.profiles.findMany(r.a.id, [one.id, three.id, one.id, elsewhere.id, randomUUID()]);
        expect(sorted(many.map((p) => p.id))).toEqual(sorted([one.id, three.id]));
        expect(await r.store.profiles.findMany(r.a.id, [])).toEqual([]);
        expect(sorted((await r.store.profiles.findByName(r.a.id, 'kiosk')).map((p) => p.id))).toEqual(sorted([one.id, two.id]));
      });

      it('list: ordered as asked ($orderby displayName, lastModifiedDateTime desc), the key by default, paged by top and skip, counted on request', async ({ r }) => {
        const profiles = ['Charlie', 'Alpha', 'Bravo', 'Delta'].map((displayName, i) =>
          profile(r.a.id, { displayName, createdAt: at(10 - i), lastModifiedAt: at(20 + i) }),
        );
        for (const p of profiles) await r.store.profiles.insert(p);
        await r.store.profiles.insert(profile(r.b.id));
        const names = (list: { items: DeploymentProfile[] }): string[] => list.items.map((p) => p.displayName);
        const byKey = await r.store.profiles.list(r.a.id, listQuery(deploymentProfileModel, {}));
        expect(byKey.items.map((p) => p.id)).toEqual(sorted(profiles.map((p) => p.id)));
        expect(byKey).toMatchObject({ next: undefined, count: undefined });
        expect(byKey.items.find((p) => p.id === profiles[3].id)).toEqual(profiles[3]);
        const page = await r.store.profiles.list(r.a.id, listQuery(deploymentProfileModel, { $top: '2', $skip: '1', $orderby: 'displayName', $count: 'true' }));
        expect(names(page)).toEqual(['Bravo', 'Charlie']);
        expect(page.count).toBe(4);
        expect(page.next).toBeDefined();
        const last = await r.store.profiles.list(r.a.id, listQuery(deploymentProfileModel, { $top: '2', $skip: '2', $orderby: 'displayName' }));
        expect(last.next).toBeUndefined();
        expect(names(await r.store.profiles.list(r.a.id, listQuery(deploymentProfileModel, { $orderby: 'lastModifiedDateTime desc' })))).toEqual([
          'Delta',
          'Bravo',
          'Alpha',
          'Charlie',
        ]);
      });

      it('replace: stores every property anew, in the profile’s tenant only', async ({ r }) => {
        const p = profile(r.a.id, { enrollmentStatusScreenSettings: { hideInstallationProgress: true } });
        await r.store.profiles.insert(p);
        const changed: DeploymentProfile = {
          ...profile(r.a.id, {
            id: p.id,
            kind: 'activeDirectory',
            displayName: 'Hybrid',
            description: 'changed',
            locale: 'os-default',
            deviceNameTemplate: 'HY-%SERIAL%',
            deviceType: 'surfaceHub2',
            hardwareHashExtractionEnabled: true,
            preprovisioningAllowed: true,
            hybridAzureADJoinSkipConnectivityCheck: true,
            roleScopeTagIds: ['0', '1'],
            managementServiceAppId: randomUUID(),
            lastModifiedAt: at(100),
          }),
          outOfBoxExperienceSetting: { ...p.outOfBoxExperienceSetting, userType: 'administrator', deviceUsageType: 'shared' },
        };
        await r.store.profiles.replace(changed);
        expect(await r.store.profiles.find(r.a.id, p.id)).toEqual(changed);
        await r.store.profiles.replace({ ...changed, tenantId: r.b.id, displayName: 'Stolen' });
        expect(await r.store.profiles.find(r.a.id, p.id)).toEqual(changed);
      });

      it('delete: true once, then false; another tenant’s profile stays', async ({ r }) => {
        const p = profile(r.a.id);
        await r.store.profiles.insert(p);
        expect(await r.store.profiles.delete(r.b.id, p.id)).toBe(false);
        expect(await r.store.profiles.delete(r.a.id, p.id)).toBe(true);
        expect(await r.store.profiles.find(r.a.id, p.id)).toBeNull();
        expect(await r.store.profiles.delete(r.a.id, p.id)).toBe(false);
      });

      it('insertAssignment / assignments / findAssignment / deleteAssignment: every kind of target, oldest first', async ({ r }) => {
        const p = profile(r.a.id);
        const g = group(r.a.id);
        const x = group(r.a.id);
        await r.store.profiles.insert(p);
        for (const y of [g, x]) await r.store.directory.createGroup(y);
        const toGroup = assignment(p, { kind: 'group', groupId: g.id }, { createdAt: at(3), source: 'policySets', sourceId: 'ps-1' });
        const toAll = assignment(p, { kind: 'allDevices' }, { createdAt: at(1) });
        const excluding = assignment(p, { kind: 'exclusionGroup', groupId: x.id }, { createdAt: at(2) });
        for (const a of [toGroup, toAll, excluding]) await r.store.profiles.insertAssignment(a);
        expect(await r.store.profiles.assignments(r.a.id, p.id)).toEqual([toAll, excluding, toGroup]);
        expect(await r.store.profiles.assignments(r.b.id, p.id)).toEqual([]);
        expect(await r.store.profiles.findAssignment(r.a.id, p.id, toGroup.id)).toEqual(toGroup);
        expect(await r.store.profiles.findAssignment(r.b.id, p.id, toGroup.id)).toBeNull();
        expect(await r.store.profiles.findAssignment(r.a.id, randomUUID(), toGroup.id)).toBeNull();
        expect(await r.store.profiles.deleteAssignment(r.b.id, p.id, toGroup.id)).toBe(false);
        expect(await r.store.profiles.deleteAssignment(r.a.id, p.id, toGroup.id)).toBe(true);
        expect(await r.store.profiles.deleteAssignment(r.a.id, p.id, toGroup.id)).toBe(false);
        expect(await r.store.profiles.assignments(r.a.id, p.id)).toEqual([toAll, excluding]);
      });

      it('deleteAssignmentsOfGroup: removes and counts the assignments that target or exclude the group', async ({ r }) => {
        const [p1, p2] = [profile(r.a.id), profile(r.a.id)];
        const [g, other] = [group(r.a.id), group(r.a.id)];
        for (const p of [p1!, p2!]) await r.store.profiles.insert(p);
        for (const y of [g!, other!]) await r.store.directory.createGroup(y);
        const kept = [assignment(p1!, { kind: 'group', groupId: other!.id }), assignment(p2!, { kind: 'allDevices' })];
        const gone = [assignment(p1!, { kind: 'group', groupId: g!.id }), assignment(p2!, { kind: 'exclusionGroup', groupId: g!.id })];
        for (const a of [...kept, ...gone]) await r.store.profiles.insertAssignment(a);
        expect(await r.store.profiles.deleteAssignmentsOfGroup(r.b.id, g!.id)).toBe(0);
        expect(await r.store.profiles.deleteAssignmentsOfGroup(r.a.id, g!.id)).toBe(2);
        expect(await r.store.profiles.deleteAssignmentsOfGroup(r.a.id, g!.id)).toBe(0);
        expect([...(await r.store.profiles.assignments(r.a.id, p1!.id)), ...(await r.store.profiles.assignments(r.a.id, p2!.id))]).toEqual(kept);
      });

      it('groupExists: a group with this id in the tenant', async ({ r }) => {
        const g = group(r.a.id);
        await r.store.directory.createGroup(g);
        expect(await r.store.profiles.groupExists(r.a.id, g.id)).toBe(true);
        expect(await r.store.profiles.groupExists(r.b.id, g.id)).toBe(false);
        expect(await r.store.profiles.groupExists(r.a.id, randomUUID())).toBe(false);
      });

      it('assignmentsForResolution: every assignment of the tenant with its profile’s created time', async ({ r }) => {
        const older = profile(r.a.id, { createdAt: at(1) });
        const newer = profile(r.a.id, { createdAt: at(2) });
        const elsewhere = profile(r.b.id);
        const g = group(r.a.id);
        for (const p of [older, newer, elsewhere]) await r.store.profiles.insert(p);
        await r.store.directory.createGroup(g);
        await r.store.profiles.insertAssignment(assignment(older, { kind: 'group', groupId: g.id }));
        await r.store.profiles.insertAssignment(assignment(newer, { kind: 'allDevices' }));
        await r.store.profiles.insertAssignment(assignment(newer, { kind: 'exclusionGroup', groupId: g.id }));
        await r.store.profiles.insertAssignment(assignment(elsewhere, { kind: 'allDevices' }));
        const found = await r.store.profiles.assignmentsForResolution(r.a.id);
        expect(found.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual(
          [
            { profileId: older.id, profileCreatedAt: at(1), target: { kind: 'group', groupId: g.id } },
            { profileId: newer.id, profileCreatedAt: at(2), target: { kind: 'allDevices' } },
            { profileId: newer.id, profileCreatedAt: at(2), target: { kind: 'exclusionGroup', groupId: g.id } },
          ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
        );
      });

      it('autopilotDevicesBehind: the Autopilot devices behind these Entra objects, once each, in the tenant', async ({ r }) => {
        const reg = registration(r.a.id);
        const regB = registration(r.b.id);
        await r.store.devices.register([reg, regB]);
        const second = entraDevice(r.a.id, { autopilotDeviceId: reg.device.id });
        const unlinked = entraDevice(r.a.id);
        for (const e of [second, unlinked]) await r.store.entra.create(e);
        expect(await r.store.profiles.autopilotDevicesBehind(r.a.id, [reg.entra!.id, second.id, unlinked.id, regB.entra!.id])).toEqual([reg.device.id]);
        expect(await r.store.profiles.autopilotDevicesBehind(r.a.id, [])).toEqual([]);
      });

      it('resolutionDevices / resolutionDevicePage: what resolution needs, in id order, paged after an id', async ({ r }) => {
        const regs = Array.from({ length: 5 }, () => registration(r.a.id));
        const elsewhere = registration(r.b.id);
        await r.store.devices.register([...regs, elsewhere]);
        const hybrid = entraDevice(r.a.id, { autopilotDeviceId: regs[0]!.device.id });
        await r.store.entra.create(hybrid);
        // One device whose Entra object lives in another tenant: not counted.
        await r.store.entra.create(entraDevice(r.b.id, { autopilotDeviceId: regs[1]!.device.id }));
        const profileId = randomUUID();
        await r.store.devices.update(
          r.a.id,
          regs[0]!.device.id,
          { deploymentProfileId: profileId, intendedDeploymentProfileId: profileId, deploymentProfileAssignmentStatus: 'assignedInSync', deploymentProfileAssignedAt: at(7), deliveredProfileId: profileId },
          at(8),
        );
        const ids = sorted(regs.map((g) => g.device.id));
        const expected = (id: string) => {
          const reg = regs.find((g) => g.device.id === id)!;
          const first = reg === regs[0];
          return {
            autopilotDeviceId: id,
            entraObjectIds: first ? sorted([reg.entra!.id, hybrid.id]) : [reg.entra!.id],
            deploymentProfileId: first ? profileId : null,
            intendedDeploymentProfileId: first ? profileId : null,
            deploymentProfileAssignmentStatus: first ? 'assignedInSync' : 'notAssigned',
            deploymentProfileAssignedAt: first ? at(7) : null,
            deliveredProfileId: first ? profileId : null,
          };
        };
        const normalise = (list: { autopilotDeviceId: string; entraObjectIds: string[] }[]) => list.map((d) => ({ ...d, entraObjectIds: sorted(d.entraObjectIds) }));
        const some = await r.store.profiles.resolutionDevices(r.a.id, [regs[0]!.device.id, regs[1]!.device.id, elsewhere.device.id, randomUUID()]);
        expect(normalise(some)).toEqual(sorted([regs[0]!.device.id, regs[1]!.device.id]).map(expected));
        const first = await r.store.profiles.resolutionDevicePage(r.a.id, null, 2);
        expect(normalise(first)).toEqual(ids.slice(0, 2).map(expected));
        const next = await r.store.profiles.resolutionDevicePage(r.a.id, ids[1]!, 2);
        expect(next.map((d) => d.autopilotDeviceId)).toEqual(ids.slice(2, 4));
        expect((await r.store.profiles.resolutionDevicePage(r.a.id, ids[3]!, 2)).map((d) => d.autopilotDeviceId)).toEqual(ids.slice(4));
        expect(await r.store.profiles.resolutionDevicePage(r.a.id, ids[4]!, 2)).toEqual([]);
        expect((await r.store.profiles.resolutionDevicePage(r.b.id, null, 10)).map((d) => d.autopilotDeviceId)).toEqual([elsewhere.device.id]);
      });

      it('memberships: for each Entra object, which of these groups it belongs to', async ({ r }) => {
        const [g1, g2, g3] = [group(r.a.id), group(r.a.id), group(r.a.id)];
        const [e1, e2, e3] = [entraDevice(r.a.id), entraDevice(r.a.id), entraDevice(r.a.id)];
        for (const g of [g1!, g2!, g3!]) await r.store.directory.createGroup(g);
        for (const e of [e1!, e2!, e3!]) await r.store.entra.create(e);
        await r.store.directory.addMemberships(
          r.a.id,
          [
            { groupId: g1!.id, memberId: e1!.id },
            { groupId: g2!.id, memberId: e1!.id },
            { groupId: g3!.id, memberId: e1!.id },
            { groupId: g3!.id, memberId: e2!.id },
          ],
          at(1),
        );
        const found = await r.store.profiles.memberships(r.a.id, [e1!.id, e2!.id, e3!.id], [g1!.id, g2!.id]);
        expect([...found.entries()].map(([id, groups]) => [id, sorted(groups)])).toEqual([[e1!.id, sorted([g1!.id, g2!.id])]]);
        expect((await r.store.profiles.memberships(r.b.id, [e1!.id], [g1!.id])).size).toBe(0);
        expect((await r.store.profiles.memberships(r.a.id, [], [g1!.id])).size).toBe(0);
        expect((await r.store.profiles.memberships(r.a.id, [e1!.id], [])).size).toBe(0);
      });

      it('writeResolutions: writes the profile (deployment and intended), the status, and the assigned time unless left out', async ({ r }) => {
        const regs = Array.from({ length: 3 }, () => registration(r.a.id, { entra: false }));
        const elsewhere = registration(r.b.id, { entra: false });
        await r.store.devices.register([...regs, elsewhere]);
        const [d1, d2, d3] = regs.map((g) => g.device);
        await r.store.devices.update(r.a.id, d3!.id, { deploymentProfileAssignedAt: at(5) }, at(5));
        const profileId = randomUUID();
        await r.store.profiles.writeResolutions(
          r.a.id,
          [
            { autopilotDeviceId: d1!.id, profileId, status: 'assignedUnkownSyncState', assignedAt: at(50) },
            { autopilotDeviceId: d2!.id, profileId: null, status: 'notAssigned', assignedAt: null },
            { autopilotDeviceId: d3!.id, profileId, status: 'pending' },
            { autopilotDeviceId: elsewhere.device.id, profileId, status: 'pending', assignedAt: at(50) },
          ],
          at(60),
        );
        expect(await r.store.devices.find(r.a.id, d1!.id)).toEqual({
          ...d1,
          deploymentProfileId: profileId,
          intendedDeploymentProfileId: profileId,
          deploymentProfileAssignmentStatus: 'assignedUnkownSyncState',
          deploymentProfileAssignedAt: at(50),
          updatedAt: at(60),
        });
        expect(await r.store.devices.find(r.a.id, d2!.id)).toEqual({ ...d2, updatedAt: at(60) });
        expect(await r.store.devices.find(r.a.id, d3!.id)).toMatchObject({ deploymentProfileId: profileId, deploymentProfileAssignmentStatus: 'pending', deploymentProfileAssignedAt: at(5) });
        expect(await r.store.devices.find(r.b.id, elsewhere.device.id)).toEqual(elsewhere.device);
      });

      it('assignedDevices: the devices whose deploymentProfile is this profile, in id order, paged', async ({ r }) => {
        const regs = Array.from({ length: 4 }, () => registration(r.a.id, { entra: false }));
        const unassigned = registration(r.a.id, { entra: false });
        const elsewhere = registration(r.b.id, { entra: false });
        await r.store.devices.register([...regs, unassigned, elsewhere]);
        const profileId = randomUUID();
        await r.store.profiles.writeResolutions(r.a.id, regs.map((g) => ({ autopilotDeviceId: g.device.id, profileId, status: 'assignedInSync' })), at(10));
        await r.store.profiles.writeResolutions(r.b.id, [{ autopilotDeviceId: elsewhere.device.id, profileId, status: 'assignedInSync' }], at(10));
        const ids = sorted(regs.map((g) => g.device.id));
        const page = await r.store.profiles.assignedDevices(r.a.id, profileId, 3, 0);
        expect(page.items.map((d) => d.id)).toEqual(ids.slice(0, 3));
        expect(page.more).toBe(true);
        expect(page.items[0]).toMatchObject({ tenantId: r.a.id, deploymentProfileId: profileId, updatedAt: at(10) });
        const rest = await r.store.profiles.assignedDevices(r.a.id, profileId, 3, 3);
        expect(rest).toEqual({ items: [expect.objectContaining({ id: ids[3] })], more: false });
      });
    });

    describe('RelationshipRepository', () => {
      it('save / find / list / delete: one relationship per partner and customer, saved again it is replaced', async ({ r }) => {
        const partner = { ...tenant('csp'), kind: 'partner' as const };
        const oem = { ...tenant('oem'), kind: 'oem' as const };
        await createTenantsStore(r.db).tenants.insert(partner);
        await createTenantsStore(r.db).tenants.insert(oem);
        const ra = { partnerTenantId: partner.id, customerTenantId: r.a.id, kind: 'reseller' as const, delegatedAdmin: false, acceptedAt: at(1) };
        const rb = { partnerTenantId: partner.id, customerTenantId: r.b.id, kind: 'reseller' as const, delegatedAdmin: true, acceptedAt: at(2) };
        const oa = { partnerTenantId: oem.id, customerTenantId: r.a.id, kind: 'oem' as const, delegatedAdmin: false, acceptedAt: at(3) };
        await r.store.relationships.save(ra);
        await r.store.relationships.save(rb);
        await r.store.relationships.save(oa);
        expect(await r.store.relationships.find(partner.id, r.a.id)).toEqual(ra);
        expect(await r.store.relationships.find(oem.id, r.b.id)).toBeUndefined();
        expect(await r.store.relationships.listByCustomer(r.a.id)).toEqual([ra, oa]);
        expect(await r.store.relationships.listByPartner(partner.id)).toEqual([ra, rb]);
        const renewed = { ...ra, delegatedAdmin: true, acceptedAt: at(9) };
        await r.store.relationships.save(renewed);
        expect(await r.store.relationships.find(partner.id, r.a.id)).toEqual(renewed);
        expect(await r.store.relationships.listByCustomer(r.a.id)).toEqual([oa, renewed]);
        expect(await r.store.relationships.delete(partner.id, r.a.id)).toBe(true);
        expect(await r.store.relationships.delete(partner.id, r.a.id)).toBe(false);
        expect(await r.store.relationships.find(partner.id, r.a.id)).toBeUndefined();
        expect(await r.store.relationships.listByPartner(partner.id)).toEqual([rb]);
      });
    });

    describe('BatchRepository and JobRepository', () => {
      it('batches: one name per customer in any case, listed oldest first with their registered devices', async ({ r }) => {
        const csp = { ...tenant('csp'), kind: 'partner' as const };
        await createTenantsStore(r.db).tenants.insert(csp);
        const wave = { id: randomUUID(), customerTenantId: r.a.id, name: 'Wave 7', createdByTenantId: csp.id, createdAt: at(1) };
        const other = { id: randomUUID(), customerTenantId: r.a.id, name: 'wave-8', createdByTenantId: csp.id, createdAt: at(2) };
        await r.store.batches.insert(wave);
        await r.store.batches.insert(other);
        await expect(r.store.batches.insert({ ...wave, id: randomUUID(), name: 'WAVE 7' })).rejects.toBeInstanceOf(BatchNameTakenError);
        await r.store.batches.insert({ ...wave, id: randomUUID(), customerTenantId: r.b.id });
        expect(await r.store.batches.findByName(r.a.id, 'wave 7')).toEqual(wave);
        expect(await r.store.batches.findByName(r.a.id, 'Wave 9')).toBeUndefined();
        const inWave = registration(r.a.id, { device: { registeredBy: 'partner', registeredByTenantId: csp.id, partnerBatchId: wave.id } });
        const alsoInWave = registration(r.a.id, { seed: 77, device: { registeredBy: 'partner', registeredByTenantId: csp.id, partnerBatchId: wave.id } });
        await r.store.devices.register([inWave, alsoInWave, registration(r.a.id, { seed: 78 })]);
        expect(await r.store.batches.list(r.a.id)).toEqual([
          { ...wave, devicesCount: 2 },
          { ...other, devicesCount: 0 },
        ]);
        expect((await r.store.devices.find(r.a.id, inWave.device.id))?.partnerBatchId).toBe(wave.id);
      });

      it('batch devices: partner registrations of the batch in id order, seek-paged; customer devices and other tenants never', async ({ r }) => {
        const csp = { ...tenant('csp'), kind: 'partner' as const };
        await createTenantsStore(r.db).tenants.insert(csp);
        const wave = { id: randomUUID(), customerTenantId: r.a.id, name: 'Wave 7', createdByTenantId: csp.id, createdAt: at(1) };
        await r.store.batches.insert(wave);
        const partner = { registeredBy: 'partner' as const, registeredByTenantId: csp.id, partnerBatchId: wave.id };
        const inWave = [1, 2, 3].map((seed) => registration(r.a.id, { seed: 90 + seed, device: partner }));
        // Not the batch's: a customer's own registration carrying the batch id, and another tenant's device.
        const customers = registration(r.a.id, { seed: 95, device: { partnerBatchId: wave.id } });
        const elsewhere = registration(r.b.id, { seed: 96, device: partner });
        await r.store.devices.register([...inWave, customers, elsewhere]);
        const ids = inWave.map((x) => x.device.id).sort();
        expect((await r.store.batches.devices(r.a.id, wave.id, null, 10)).map((d) => d.id)).toEqual(ids);
        const first = await r.store.batches.devices(r.a.id, wave.id, null, 2);
        expect(first.map((d) => d.id)).toEqual(ids.slice(0, 2));
        expect(first[0]).toMatchObject({ tenantId: r.a.id, registeredBy: 'partner', registeredByTenantId: csp.id, partnerBatchId: wave.id });
        expect((await r.store.batches.devices(r.a.id, wave.id, ids[1]!, 2)).map((d) => d.id)).toEqual(ids.slice(2));
        expect(await r.store.batches.devices(r.a.id, wave.id, ids[2]!, 2)).toEqual([]);
        expect(await r.store.batches.devices(r.b.id, randomUUID(), null, 10)).toEqual([]);
      });

      it('jobs: stored outcomes and import rows read together in position order; found by MS-RequestId', async ({ r }) => {
        const csp = { ...tenant('csp'), kind: 'partner' as const };
        await createTenantsStore(r.db).tenants.insert(csp);
        const job = { id: randomUUID(), customerTenantId: r.a.id, submittedByTenantId: csp.id, kind: 'upload' as const, batchId: null, requestId: 'req-1', deviceCount: 3, createdAt: at(1) };
        const refused = { jobId: job.id, position: 1, deviceId: null, serialNumber: 'SN-1', productKey: '', status: 'finished_with_errors' as const, errorCode: '803', errorDescription: 'MissingZtdSerialNumberAndProductKey' };
        await r.store.jobs.insert(job, [refused]);
        const rows = [
          importedDevice(r.a.id, { origin: 'partner', originTenantId: csp.id, jobId: job.id, jobPosition: 2, serialNumber: 'SN-2' }),
          importedDevice(r.a.id, { origin: 'partner', originTenantId: csp.id, jobId: job.id, jobPosition: 0, serialNumber: 'SN-0' }),
        ];
        await r.store.imports.insertMany(rows);
        expect(await r.store.jobs.find(job.id)).toEqual(job);
        expect(await r.store.jobs.find(randomUUID())).toBeUndefined();
        expect(await r.store.jobs.findByRequestId(csp.id, 'req-1')).toEqual(job);
        expect(await r.store.jobs.findByRequestId(r.a.id, 'req-1')).toBeUndefined();
        const queued = await r.store.jobs.results(job.id);
        expect(queued.map((x) => [x.position, x.serialNumber, x.status, x.settledAt])).toEqual([
          [0, 'SN-0', 'queued', null],
          [1, 'SN-1', 'finished_with_errors', at(1)],
          [2, 'SN-2', 'queued', null],
        ]);
        const deviceId = randomUUID();
        await r.store.imports.settle(
          [
            { id: rows[0]!.id, status: 'error', deviceRegistrationId: null, deviceErrorCode: 808, deviceErrorName: 'ZtdDeviceAssignedToOtherTenant' },
            { id: rows[1]!.id, status: 'complete', deviceRegistrationId: deviceId, deviceErrorCode: 0, deviceErrorName: '' },
          ],
          at(5),
        );
        expect(await r.store.jobs.results(job.id)).toEqual([
          { jobId: job.id, position: 0, deviceId, serialNumber: 'SN-0', productKey: '', status: 'finished', errorCode: null, errorDescription: null, settledAt: at(5) },
          { ...refused, settledAt: at(1) },
          { jobId: job.id, position: 2, deviceId: null, serialNumber: 'SN-2', productKey: '', status: 'finished_with_errors', errorCode: '808', errorDescription: 'ZtdDeviceAssignedToOtherTenant', settledAt: at(5) },
        ]);
        // Graph's view of the customer's imports does not include a partner's rows.
        expect(await r.store.imports.find(r.a.id, rows[0]!.id)).toBeUndefined();
      });
    });

    describe('PartnerPolicyRepository', () => {
      it('insert / find / list / update / delete, per customer; devicesAssignedCount counts the devices applyToDevices set', async ({ r }) => {
        const partner = { ...tenant('csp'), kind: 'partner' as const };
        await createTenantsStore(r.db).tenants.insert(partner);
        const policy = (customerTenantId: string, name: string, seconds: number): PartnerPolicy => ({
          id: randomUUID(),
          customerTenantId,
          createdByTenantId: partner.id,
          name,
          category: 'o_o_b_e',
          description: `${name} laptops`,
          settings: ['skip_eula', 'oobe_user_not_local_admin'],
          createdAt: at(seconds),
          updatedAt: at(seconds),
        });
        const first = policy(r.a.id, 'First', 1);
        const second = { ...policy(r.a.id, 'Second', 2), settings: [] };
        const other = policy(r.b.id, 'Other', 0);
        await r.store.partnerPolicies.insert(second);
        await r.store.partnerPolicies.insert(first);
        await r.store.partnerPolicies.insert(other);
        expect(await r.store.partnerPolicies.find(r.a.id, first.id)).toEqual({ ...first, devicesAssignedCount: 0 });
        expect(await r.store.partnerPolicies.find(r.b.id, first.id)).toBeUndefined();
        expect((await r.store.partnerPolicies.list(r.a.id)).map((p) => p.name)).toEqual(['First', 'Second']);
        expect(await r.store.partnerPolicies.list(r.b.id)).toEqual([{ ...other, devicesAssignedCount: 0 }]);

        const regs = [registration(r.a.id), registration(r.a.id), registration(r.a.id)];
        const foreign = registration(r.b.id);
        await r.store.devices.register([...regs, foreign]);
        const [d1, d2, d3] = regs.map((g) => g.device.id);
        // Another tenant's device and an unknown id are left alone.
        expect(await r.store.partnerPolicies.applyToDevices(r.a.id, [d1, d2, foreign.device.id, randomUUID()], first.id, at(20))).toBe(2);
        expect(await r.store.partnerPolicies.applyToDevices(r.a.id, [d3], second.id, at(20))).toBe(1);
        expect((await r.store.devices.find(r.b.id, foreign.device.id))?.partnerPolicyId).toBeNull();
        expect(await r.store.devices.find(r.a.id, d1)).toMatchObject({ partnerPolicyId: first.id, updatedAt: at(20) });
        expect((await r.store.partnerPolicies.list(r.a.id)).map((p) => [p.name, p.devicesAssignedCount])).toEqual([
          ['First', 2],
          ['Second', 1],
        ]);
        expect(await r.store.partnerPolicies.applyToDevices(r.a.id, [d2], null, at(21))).toBe(1);
        expect((await r.store.partnerPolicies.find(r.a.id, first.id))?.devicesAssignedCount).toBe(1);

        const renamed = { ...first, name: 'Renamed', description: '', settings: ['skip_express_settings' as const], updatedAt: at(30) };
        await r.store.partnerPolicies.update({ ...renamed, customerTenantId: r.b.id, name: 'not through another customer' });
        expect((await r.store.partnerPolicies.find(r.a.id, first.id))?.name).toBe('First');
        await r.store.partnerPolicies.update(renamed);
        expect(await r.store.partnerPolicies.find(r.a.id, first.id)).toEqual({ ...renamed, devicesAssignedCount: 1 });

        // Deleting a policy clears it from its devices; another customer's path deletes nothing.
        expect(await r.store.partnerPolicies.delete(r.b.id, first.id)).toBe(false);
        expect(await r.store.partnerPolicies.delete(r.a.id, first.id)).toBe(true);
        expect(await r.store.partnerPolicies.delete(r.a.id, first.id)).toBe(false);
        expect((await r.store.devices.find(r.a.id, d1))?.partnerPolicyId).toBeNull();
        expect((await r.store.devices.find(r.a.id, d3))?.partnerPolicyId).toBe(second.id);
        expect((await r.store.partnerPolicies.list(r.a.id)).map((p) => p.id)).toEqual([second.id]);
      });
    });

    describe('AuditRepository', () => {
      it('append / find / list (filters, newest first, keyset pages) / distinct: per tenant', async ({ r }) => {
        const correlation = randomUUID().toUpperCase();
        const app = randomUUID();
        const a1 = auditEvent(r.a.id, 10, { category: 'Device' });
        const a2 = auditEvent(r.a.id, 20, { correlationId: correlation, applicationId: app });
        const a3 = auditEvent(r.a.id, 30);
        const b1 = auditEvent(r.b.id, 15);
        for (const e of [a2, b1, a3, a1]) await r.store.audit.append(e);
        expect(await r.store.audit.find(r.a.id, a2.id)).toEqual({ ...a2, correlationId: correlation.toLowerCase(), actor: a2.actor });
        expect(a2.resources[0]?.modifiedProperties).toEqual([{ displayName: 'groupTag', oldValue: 'Sales', newValue: 'HR' }]);
        expect(await r.store.audit.find(r.b.id, a2.id)).toBeUndefined();
        const list = (q: QueryInput) => r.store.audit.list(r.a.id, parseListQuery(q, auditEventModel, { maxTop: 1000, defaultTop: 100 }));
        const ids = (page: ListPage<AuditEvent>) => page.items.map((e) => e.id);
        expect(ids(await list({ $orderby: 'activityDateTime desc' }))).toEqual([a3.id, a2.id, a1.id]);
        expect(ids(await list({ $orderby: 'activityDateTime desc', $filter: `activityDateTime ge ${at(15)} and activityDateTime le ${at(25)}` }))).toEqual([a2.id]);
        expect(ids(await list({ $filter: `correlationId eq '${correlation.toLowerCase()}'` }))).toEqual([a2.id]);
        expect(ids(await list({ $filter: `actor/applicationId eq '${app.toUpperCase()}'` }))).toEqual([a2.id]);
        expect(ids(await list({ $filter: "category eq 'device'", $count: 'true' }))).toEqual([a1.id]);
        const first = await list({ $orderby: 'activityDateTime desc', $top: '2' });
        expect(ids(first)).toEqual([a3.id, a2.id]);
        expect(first.next).toBeDefined();
        const rest = await r.store.audit.list(r.a.id, { ...parseListQuery({ $orderby: 'activityDateTime desc', $top: '2' }, auditEventModel, { maxTop: 1000, defaultTop: 100 }), skipToken: first.next });
        expect(ids(rest)).toEqual([a1.id]);
        expect(await r.store.audit.distinct(r.a.id, 'category')).toEqual(['Device', 'Enrollment']);
        expect(await r.store.audit.distinct(r.a.id, 'activityType', 'DEVICE')).toEqual(['updateDeviceProperties WindowsAutopilotDeviceIdentity']);
        expect(await r.store.audit.distinct(r.b.id, 'category')).toEqual(['Enrollment']);
      });

      it('is append-only in the database: UPDATE and DELETE are refused, even in SQL; purgeBefore deletes only older events', async ({ r }) => {
        const old = auditEvent(r.a.id, 10);
        const edge = auditEvent(r.b.id, 20);
        const recent = auditEvent(r.a.id, 30);
        for (const e of [old, edge, recent]) await r.store.audit.append(e);
        await expect(sql`update audit_events set activity_result = 'Failure' where id = ${old.id}`.execute(r.db)).rejects.toThrow(/append-only/);
        await expect(sql`delete from audit_events where id = ${old.id}`.execute(r.db)).rejects.toThrow(/append-only/);
        await expect(sql`delete from audit_events`.execute(r.db)).rejects.toThrow(/append-only/);
        if (r.tdb.engine === 'postgres') await expect(sql`truncate audit_events`.execute(r.db)).rejects.toThrow(/append-only/);
        expect((await r.store.audit.find(r.a.id, old.id))?.activityResult).toBe('Success');
        // Across tenants, strictly before the cutoff; inside a caller's transaction too; the gate closes again.
        expect(await r.store.transaction((tx) => tx.audit.purgeBefore(at(20)))).toBe(1);
        expect(await r.store.audit.find(r.a.id, old.id)).toBeUndefined();
        expect(await r.store.audit.find(r.b.id, edge.id)).toBeDefined();
        expect(await r.store.audit.purgeBefore(at(20))).toBe(0);
        await expect(sql`delete from audit_events where id = ${recent.id}`.execute(r.db)).rejects.toThrow(/append-only/);
        expect(await r.store.audit.purgeBefore(at(31))).toBe(2);
      });
    });

    describe('IntuneRepository', () => {
      it('create / find: stored as given, found only in the tenant', async ({ r }) => {
        const reg = registration(r.a.id, { entra: false });
        await r.store.devices.register([reg]);
        const m = managedDevice(r.a.id, {
          autopilotEnrolled: true,
          autopilotDeviceId: reg.device.id,
          azureAdDeviceId: randomUUID(),
          userPrincipalName: 'ada@contoso.com',
          enrollmentProfileName: 'Standard',
          complianceState: 'compliant',
        });
        const personal = managedDevice(r.a.id, { managedDeviceOwnerType: 'personal', joinType: 'azureADRegistered' });
        await r.store.intune.create(m);
        await r.store.intune.create(personal);
        expect(await r.store.intune.find(r.a.id, m.id)).toEqual(m);
        expect(await r.store.intune.find(r.a.id, personal.id)).toEqual(personal);
        expect(await r.store.intune.find(r.b.id, m.id)).toBeUndefined();
      });

      it('touch: records a check-in, in the tenant', async ({ r }) => {
        const m = managedDevice(r.a.id);
        await r.store.intune.create(m);
        await r.store.intune.touch(r.b.id, m.id, at(90));
        expect(await r.store.intune.find(r.a.id, m.id)).toEqual(m);
        await r.store.intune.touch(r.a.id, m.id, at(100));
        expect(await r.store.intune.find(r.a.id, m.id)).toEqual({ ...m, lastSyncAt: at(100), updatedAt: at(100) });
      });

      it('delete: removes the managed device and its neighbour keys; false when there was none (or it is another tenant’s)', async ({ r }) => {
        const m = managedDevice(r.a.id);
        await r.store.intune.create(m);
        const keys = hardware().keys;
        await r.store.intune.setHardwareKeys('managedDevice', m.id, r.a.id, keys, at(1));
        expect(await r.store.intune.delete(r.b.id, m.id)).toBe(false);
        expect(await r.store.intune.keyHolders([r.a.id], keys)).toHaveLength(keys.length);
        expect(await r.store.intune.delete(r.a.id, m.id)).toBe(true);
        expect(await r.store.intune.find(r.a.id, m.id)).toBeUndefined();
        expect(await r.store.intune.keyHolders([r.a.id], keys)).toEqual([]);
        expect(await r.store.intune.delete(r.a.id, m.id)).toBe(false);
      });

      it('entraObjectIdByDeviceId: the Entra object with this deviceId in the tenant (any case)', async ({ r }) => {
        const e = entraDevice(r.a.id);
        await r.store.entra.create(e);
        expect(await r.store.intune.entraObjectIdByDeviceId(r.a.id, e.deviceId)).toBe(e.id);
        expect(await r.store.intune.entraObjectIdByDeviceId(r.a.id, e.deviceId.toUpperCase())).toBe(e.id);
        expect(await r.store.intune.entraObjectIdByDeviceId(r.b.id, e.deviceId)).toBeUndefined();
        expect(await r.store.intune.entraObjectIdByDeviceId(r.a.id, randomUUID())).toBeUndefined();
      });

      it('setHardwareKeys / keyHolders / deleteHardwareKeys: holders with what the guardrails need, within the tenants asked', async ({ r }) => {
        const e = entraDevice(r.a.id, { displayName: 'LAPTOP-7', trustType: 'Workplace' });
        const m = managedDevice(r.a.id, { deviceName: 'DESKTOP-7', managedDeviceOwnerType: 'personal' });
        const mb = managedDevice(r.b.id, { deviceName: 'B-1' });
        await r.store.entra.create(e);
        for (const x of [m, mb]) await r.store.intune.create(x);
        const shared = { kind: 'uuid', value: 'uuid-shared' };
        await r.store.intune.setHardwareKeys('entraDevice', e.id, r.a.id, [{ kind: 'tuple', value: 'OLD' }], at(1));
        // Replaces what the object had; one key per kind.
        await r.store.intune.setHardwareKeys('entraDevice', e.id, r.a.id, [shared, { kind: 'ek', value: 'ek-1' }, { kind: 'ek', value: 'ek-1' }], at(2));
        await r.store.intune.setHardwareKeys('managedDevice', m.id, r.a.id, [shared], at(2));
        await r.store.intune.setHardwareKeys('managedDevice', mb.id, r.b.id, [shared], at(2));
        expect(await r.store.intune.keyHolders([r.a.id], [{ kind: 'tuple', value: 'OLD' }])).toEqual([]);
        const holders = await r.store.intune.keyHolders([r.a.id], [shared, { kind: 'ek', value: 'ek-1' }, { kind: 'pkid', value: 'uuid-shared' }]);
        const byObject = (x: { objectId: string; kind: string }, y: { objectId: string; kind: string }) => `${x.objectId}${x.kind}`.localeCompare(`${y.objectId}${y.kind}`);
        expect(holders.sort(byObject)).toEqual(
          [
            { kind: 'uuid', value: 'uuid-shared', objectType: 'entraDevice', objectId: e.id, tenantId: r.a.id, name: 'LAPTOP-7', trustType: 'Workplace', ownerType: null },
            { kind: 'ek', value: 'ek-1', objectType: 'entraDevice', objectId: e.id, tenantId: r.a.id, name: 'LAPTOP-7', trustType: 'Workplace', ownerType: null },
            { kind: 'uuid', value: 'uuid-shared', objectType: 'managedDevice', objectId: m.id, tenantId: r.a.id, name: 'DESKTOP-7', trustType: null, ownerType: 'personal' },
          ].sort(byObject),
        );
        expect((await r.store.intune.keyHolders([r.a.id, r.b.id], [shared])).map((h) => h.objectId).sort()).toEqual(sorted([e.id, m.id, mb.id]));
        expect(await r.store.intune.keyHolders([], [shared])).toEqual([]);
        expect(await r.store.intune.keyHolders([r.a.id], [])).toEqual([]);
        await r.store.intune.deleteHardwareKeys('entraDevice', e.id);
        expect((await r.store.intune.keyHolders([r.a.id], [shared])).map((h) => h.objectId)).toEqual([m.id]);
        await r.store.intune.setHardwareKeys('managedDevice', m.id, r.a.id, [], at(3));
        expect(await r.store.intune.keyHolders([r.a.id], [shared])).toEqual([]);
      });
    });
  });
}
