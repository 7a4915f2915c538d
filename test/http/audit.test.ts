// The audit log over HTTP, on both engines: every write records who (app or user), tenant, when, what, before → after,
// the correlation id and the result; Graph's /deviceManagement/auditEvents lists it (filters, order, paging, $select)
// and gets one event; a tenant sees only its own; reading needs DeviceManagementApps.Read.All; and no mutating route
// can be added without saying what it records.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { auditLog } from '../../src/http/plugins/audit.js';
import { newAuditEvent } from '../../src/audit/index.js';
import { sharedSchemaController } from '../support/shared-schema-compiler.js';
import { registryContext } from '../../src/http/plugins/registry-context.js';
import { services } from '../../src/http/plugins/services.js';
import { createApp, type CreatedTenant } from '../../src/tenants/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { partnerFixture } from '../support/partner-fixture.js';
import { device, register } from '../support/device-side.js';
import { syntheticHash } from '../support/registry-fixture.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import { withTestKeyEncryptionKey, TEST_ENGINES } from '../support/test-databases.js';

const TIMEOUT = 60_000;

function newDevice(name: string) {
  return {
    accountEnabled: true,
    alternativeSecurityIds: [{ type: 2, key: Buffer.from(name).toString('base64') }],
    deviceId: randomUUID(),
    displayName: name,
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0.22631.3880',
    trustType: 'Workplace',
  };
}

describe.each(TEST_ENGINES)('audit log over HTTP on %s', (engine) => {
  let f: GraphFixture;
  let reader: CreatedTenant;
  let fabrikamReader: CreatedTenant;
  let deviceId: string;
  const correlationId = randomUUID();

  beforeAll(async () => {
    f = await graphFixture(engine, { importWorker: false });
    reader = await f.appWithRoles(['DeviceManagementApps.Read.All']);
    fabrikamReader = await createApp(f.store, { tenant: f.fabrikam.tenant.id, displayName: 'fabrikam auditor', roles: ['DeviceManagementApps.Read.All'] });
    // Three writes 20 minutes apart: create, rename (with a client-request-id), and a rename of a device that is not there.
    f.clock.offsetMs = 0;
    const created = await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('BYOD-AUDIT'));
    expect(created.status).toBe(201);
    deviceId = created.body.id;
    f.clock.offsetMs = 20 * 60_000;
    const renamed = await f.app.inject({
      method: 'PATCH',
      url: `/v1.0/devices/${deviceId}`,
      headers: { authorization: `Bearer ${await f.token(f.contoso)}`, 'content-type': 'application/json', 'client-request-id': correlationId },
      payload: JSON.stringify({ displayName: 'BYOD-RENAMED' }),
    });
    expect(renamed.statusCode).toBe(204);
    f.clock.offsetMs = 40 * 60_000;
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/devices/${randomUUID()}`, { displayName: 'X' })).status).toBe(404);
    // Fabrikam writes too: its event must stay out of Contoso's log.
    expect((await f.call(f.fabrikam, 'POST', '/v1.0/devices', newDevice('FABRIKAM-1'))).status).toBe(201);
  }, TIMEOUT);
  afterAll(async () => f?.cleanup());

  it('records a write with its actor, before → after, correlation id and result', async () => {
    const list = await f.call(reader, 'GET', `/v1.0/deviceManagement/auditEvents?$filter=correlationId eq '${correlationId.toUpperCase()}'`);
    expect(list.status).toBe(200);
    expect(list.body['@odata.context']).toMatch(/\/v1\.0\/\$metadata#deviceManagement\/auditEvents$/);
    expect(list.body.value).toHaveLength(1);
    const [event] = list.body.value;
    expect(event).toMatchObject({
      '@odata.type': '#microsoft.graph.auditEvent',
      displayName: 'Patch Device',
      activityType: 'Patch Device',
      activityOperationType: 'Patch',
      activityResult: 'Success',
      category: 'Device',
      componentName: 'Directory',
      correlationId,
      actor: {
        type: 'Application',
        auditActorType: 'application',
        applicationId: f.contoso.app.clientId,
        applicationDisplayName: f.contoso.app.displayName,
        userPrincipalName: null,
        remoteTenantId: null,
      },
    });
    expect(event.actor.userPermissions).toContain('Device.ReadWrite.All');
    expect(event.resources).toEqual([
      {
        '@odata.type': 'microsoft.graph.auditResource',
        displayName: 'BYOD-RENAMED',
        type: 'device',
        auditResourceType: 'device',
        resourceId: deviceId,
        modifiedProperties: [
          { '@odata.type': 'microsoft.graph.auditProperty', displayName: 'displayName', oldValue: 'BYOD-AUDIT', newValue: 'BYOD-RENAMED' },
          { '@odata.type': 'microsoft.graph.auditProperty', displayName: 'updatedAt', oldValue: expect.any(String), newValue: expect.any(String) },
        ],
      },
    ]);
    expect(Date.parse(event.activityDateTime)).toBeGreaterThan(Date.now() + 15 * 60_000);

    const one = await f.call(reader, 'GET', `/beta/deviceManagement/auditEvents/${event.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...event, '@odata.context': expect.stringMatching(/\/beta\/\$metadata#deviceManagement\/auditEvents\/\$entity$/) });
  });

  it('records a creation with every property new, and a failed call as Failure that changed nothing', async () => {
    const all = await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents');
    expect(all.body.value.map((e: { activityType: string; activityResult: string }) => `${e.activityType} ${e.activityResult}`)).toEqual([
      'Patch Device Failure',
      'Patch Device Success',
      'Create Device Success',
    ]);
    const [failed, , created] = all.body.value;
    expect(failed.resources).toHaveLength(1);
    expect(failed.resources[0].modifiedProperties).toEqual([]);
    const props = Object.fromEntries(created.resources[0].modifiedProperties.map((p: { displayName: string; oldValue: null; newValue: string }) => [p.displayName, p]));
    expect(props['displayName']).toMatchObject({ oldValue: null, newValue: 'BYOD-AUDIT' });
    expect(created.resources[0].resourceId).toBe(deviceId);
  });

  it('filters by time range, category, componentName, actor/applicationId and result; pages newest first', async () => {
    const since = new Date(Date.now() + 10 * 60_000).toISOString();
    const q = async (filter: string) =>
      (await f.call(reader, 'GET', `/v1.0/deviceManagement/auditEvents?$filter=${encodeURIComponent(filter)}`)).body.value.map((e: { activityType: string }) => e.activityType);
    expect(await q(`activityDateTime ge ${since}`)).toEqual(['Patch Device', 'Patch Device']);
    expect(await q(`activityDateTime le ${since}`)).toEqual(['Create Device']);
    expect(await q(`activityDateTime ge ${since} and activityResult eq 'Failure'`)).toEqual(['Patch Device']);
    expect(await q("category eq 'device' and componentName eq 'Directory'")).toHaveLength(3);
    expect(await q("category eq 'Enrollment'")).toEqual([]);
    expect(await q(`actor/applicationId eq '${f.contoso.app.clientId.toUpperCase()}'`)).toHaveLength(3);
    expect(await q(`actor/applicationId eq '${f.fabrikam.app.clientId}'`)).toEqual([]);

    const bad = await f.call(reader, 'GET', `/v1.0/deviceManagement/auditEvents?$filter=${encodeURIComponent("actor/nothing eq 'x'")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Invalid \$filter/);

    const seen: string[] = [];
    let url: string | undefined = '/v1.0/deviceManagement/auditEvents?$top=1&$select=activityDateTime,category';
    while (url) {
      const page = await f.call(reader, 'GET', url.replace(/^https?:\/\/[^/]+/, ''));
      expect(page.status).toBe(200);
      expect(Object.keys(page.body.value[0]).sort()).toEqual(['@odata.type', 'activityDateTime', 'category', 'id']);
      seen.push(page.body.value[0].activityDateTime);
      url = page.body['@odata.nextLink'];
    }
    expect(seen).toHaveLength(3);
    expect([...seen].sort().reverse()).toEqual(seen);
    const ascending = await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents?$orderby=activityDateTime asc&$count=true');
    expect(ascending.body['@odata.count']).toBe(3);
    expect(ascending.body.value.map((e: { activityDateTime: string }) => e.activityDateTime)).toEqual([...seen].reverse());
  });

  it('getAuditCategories and getAuditActivityTypes', async () => {
    const categories = await f.call(reader, 'GET', '/beta/deviceManagement/auditEvents/getAuditCategories()');
    expect(categories.status).toBe(200);
    expect(categories.body.value).toEqual(['Device']);
    const types = await f.call(reader, 'GET', `/beta/deviceManagement/auditEvents/getAuditActivityTypes(category='device')`);
    expect(types.body.value).toEqual(['Create Device', 'Patch Device']);
    expect((await f.call(reader, 'GET', `/beta/deviceManagement/auditEvents/getAuditActivityTypes(category='Enrollment')`)).body.value).toEqual([]);
    expect((await f.call(reader, 'GET', '/beta/deviceManagement/auditEvents/getAuditActivityTypes(x)')).status).toBe(400);
  });

  it('keeps tenants apart: each sees only its own events, and another tenant’s event is 404', async () => {
    const contoso = (await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
    const fabrikam = (await f.call(fabrikamReader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
    expect(fabrikam.map((e: { activityType: string }) => e.activityType)).toEqual(['Create Device']);
    expect(fabrikam[0].actor.applicationId).toBe(f.fabrikam.app.clientId);
    const foreign = await f.call(fabrikamReader, 'GET', `/v1.0/deviceManagement/auditEvents/${contoso[0].id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('ResourceNotFound');
  });

  it('needs DeviceManagementApps.Read.All (or ReadWrite.All) to read', async () => {
    const denied = await f.call(f.contoso, 'GET', '/v1.0/deviceManagement/auditEvents');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/DeviceManagementApps\.Read\.All/);
  });

  it('is append-only over HTTP: the collection takes no writes', async () => {
    const list = (await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
    expect((await f.call(reader, 'DELETE', `/v1.0/deviceManagement/auditEvents/${list[0].id}`)).status).toBe(404);
    expect((await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value).toHaveLength(list.length);
  });
});

describe.each(TEST_ENGINES)('a partner’s writes on a customer, on %s', (engine) => {
  it('go to the customer’s log, naming the partner as the remote tenant, with before → after', { timeout: TIMEOUT }, async () => {
    const f = await partnerFixture(engine, { importWorker: false });
    try {
      await f.relate(f.csp, f.contoso);
      const path = `/v1/customers/${f.contoso.tenant.id}/policies`;
      const created = await f.pc(f.csp, 'POST', path, { name: 'Standard', category: 'o_o_b_e', description: '', policySettings: ['skip_eula'] });
      expect(created.status).toBe(200);
      const updated = await f.pc(f.csp, 'PUT', `${path}/${created.body.id}`, { ...created.body, name: 'Renamed' });
      expect(updated.status).toBe(200);
      // Without a relationship: 403, recorded as a failure in the partner's own log (it names no customer).
      expect((await f.pc(f.csp, 'POST', `/v1/customers/${f.fabrikam.tenant.id}/policies`, { name: 'X', category: 'o_o_b_e', policySettings: [] })).status).toBe(403);

      const reader = await f.appWithRoles(['DeviceManagementApps.Read.All']);
      const events = (await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
      expect(events.map((e: { activityType: string }) => e.activityType)).toEqual(['Patch ConfigurationPolicy', 'Create ConfigurationPolicy']);
      expect(events[0]).toMatchObject({
        category: 'Enrollment',
        componentName: 'PartnerCenter',
        activityResult: 'Success',
        actor: { type: 'Partner', auditActorType: 'application', applicationId: f.csp.app.clientId, remoteTenantId: f.csp.tenant.id },
        resources: [{ resourceId: created.body.id, type: 'configurationPolicy' }],
      });
      expect(events[0].resources[0].modifiedProperties).toContainEqual({ '@odata.type': 'microsoft.graph.auditProperty', displayName: 'name', oldValue: 'Standard', newValue: 'Renamed' });
      const { store } = f.app.registry;
      const partnerLog = await store.audit.distinct(f.csp.tenant.id, 'activityType');
      expect(partnerLog).toEqual(['Create ConfigurationPolicy']);
      expect(await store.audit.distinct(f.fabrikam.tenant.id, 'activityType')).toEqual([]);
    } finally {
      await f.cleanup();
    }
  });
});

describe.each(TEST_ENGINES)('the PC’s calls, on %s', (engine) => {
  it('an import is recorded with every row it stored; profile downloads are not; the enrollment is, with the device as actor', { timeout: TIMEOUT }, async () => {
    const f = await graphFixture(engine);
    try {
      const hash = syntheticHash(4242);
      const deviceId = await register(f, f.contoso, hash);
      const reader = await f.appWithRoles(['DeviceManagementApps.Read.All']);
      const before = (await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
      expect(before.map((e: { activityType: string }) => e.activityType)).toEqual(['import ImportedWindowsAutopilotDeviceIdentity']);
      expect(before[0].resources).toHaveLength(1);
      const stored = before[0].resources[0].modifiedProperties.map((p: { displayName: string }) => p.displayName);
      expect(stored).toContain('serialNumber');
      for (const kept of ['hardwareIdentifier', 'decoded']) expect(stored).not.toContain(kept);
      for (let i = 0; i < 3; i++) expect((await device(f, 'profile', { hardwareHash: hash })).status).toBe(200);
      expect((await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value).toHaveLength(1);
      expect((await device(f, 'enroll', { hardwareHash: hash })).status).toBe(200);
      const [enrolled] = (await f.call(reader, 'GET', '/v1.0/deviceManagement/auditEvents')).body.value;
      expect(enrolled).toMatchObject({
        activityType: 'enroll AutopilotEnrollment',
        componentName: 'Oobe',
        actor: { type: 'Device', auditActorType: 'deviceLocalUser', applicationId: null, ipAddress: '127.0.0.1' },
        resources: [{ resourceId: deviceId }],
      });
    } finally {
      await f.cleanup();
    }
  });
});

describe.each(TEST_ENGINES)('retention, on %s', (engine) => {
  it('the server purges the events older than TARMAC_AUDIT_RETENTION_DAYS when it starts, and only those', { timeout: TIMEOUT }, async () => {
    const f = await graphFixture(engine, { importWorker: false });
    try {
      const at = (daysAgo: number) =>
        newAuditEvent({
          tenantId: f.contoso.tenant.id,
          at: new Date(Date.now() - daysAgo * 86_400_000),
          category: 'Enrollment',
          componentName: 'Enrollment',
          operation: 'Delete',
          resourceType: 'windowsAutopilotDeviceIdentity',
          result: 'Success',
          correlationId: randomUUID(),
          requestId: randomUUID(),
          http: { method: 'DELETE', path: '/x', status: 204 },
          actor: { type: 'Application', auditActorType: 'application', userPermissions: [], applicationId: null, applicationDisplayName: null, userPrincipalName: null, servicePrincipalName: null, ipAddress: null, userId: null, remoteTenantId: null, remoteUserId: null },
          resources: [],
        });
      const old = at(31);
      const kept = at(29);
      await f.app.registry.store.audit.append(old);
      await f.app.registry.store.audit.append(kept);
      const env = withTestKeyEncryptionKey({ TARMAC_DATA_DIR: f.tdb.settings.dataDir, ...(f.tdb.settings.databaseUrl ? { TARMAC_DATABASE_URL: f.tdb.settings.databaseUrl } : {}) });
      const second = await buildApp({ db: f.tdb.db, config: loadConfig({ ...env, TARMAC_AUDIT_RETENTION_DAYS: '30' }), logger: false, importWorker: false, schemaController: sharedSchemaController });
      await second.close(); // waits for the purge it started
      expect(await f.app.registry.store.audit.find(f.contoso.tenant.id, old.id)).toBeUndefined();
      expect(await f.app.registry.store.audit.find(f.contoso.tenant.id, kept.id)).toBeDefined();
    } finally {
      await f.cleanup();
    }
  });
});

describe('every route that changes data says what the audit log records', () => {
  it('lists a description or a reason for every POST, PATCH, PUT and DELETE route of the app', async () => {
    const f = await graphFixture('sqlite', { importWorker: false });
    try {
      const routes = f.app.auditedRoutes();
      // The app's own write routes: Graph, Partner Center, OEM, OOBE, identity.
      expect(routes.length).toBeGreaterThan(50);
      for (const prefix of ['/v1.0/', '/beta/', '/v1/', '/oem/v1/', '/oobe/v1/']) expect(routes.some((r) => r.url.startsWith(prefix)), prefix).toBe(true);
      expect(routes.filter((r) => r.audit === undefined)).toEqual([]);
      const skipped = routes.filter((r) => r.audit && 'skip' in r.audit);
      for (const r of skipped) expect((r.audit as { skip: string }).skip.length, `${r.method} ${r.url}`).toBeGreaterThan(10);
      // The PC's profile download (every boot) writes no audit row; its enrollment does.
      const profile = routes.find((r) => r.url === '/oobe/v1/profile');
      expect(profile?.audit).toMatchObject({ skip: expect.stringMatching(/hot path/) });
      expect(routes.find((r) => r.url === '/oobe/v1/enroll')?.audit).toMatchObject({ resource: 'autopilotEnrollment' });
    } finally {
      await f.cleanup();
    }
  });

  it('refuses to start with a mutating route that does not say', async () => {
    const tdb = await createMigratedTestDatabase('sqlite');
    const app = Fastify();
    try {
      await app.register(services, { db: tdb.db, config: loadConfig({ TARMAC_DATA_DIR: tdb.settings.dataDir }), now: () => new Date() });
      await app.register(registryContext, { importWorker: false });
      await app.register(auditLog);
      app.get('/fine', async () => 'reads need nothing');
      app.post('/forgotten', async () => 'changes something');
      app.delete('/described', { config: { audit: { skip: 'a test route that changes nothing' } } }, async () => 'ok');
      await expect(app.ready()).rejects.toThrow(/audit log records.*POST \/forgotten$/);
    } finally {
      await app.close().catch(() => undefined);
      await tdb.cleanup();
    }
  });
});
