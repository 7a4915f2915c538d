// The Graph Autopilot API through inject(), on SQLite and PostgreSQL: imports end to end, 806/808, tenants that
// cannot see each other, paging and filters, actions, Entra physicalIds in step, settings and sync.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { BETA_DEVICES, DEVICES, IMPORTS } from '../support/graph-paths.js';

afterAll(dropPostgresFileDatabase);

interface ImportedJson {
  id: string;
  serialNumber: string;
  state: { deviceImportStatus: string; deviceRegistrationId: string; deviceErrorCode: number; deviceErrorName: string };
}

/** Polls like a client until no row is `unknown`; returns the rows. */
async function waitForImports(f: GraphFixture, who: CreatedTenant, ids: string[]): Promise<ImportedJson[]> {
  for (let i = 0; i < 500; i++) {
    const rows = await Promise.all(ids.map(async (id) => (await f.call(who, 'GET', `${IMPORTS}/${id}`)).body as ImportedJson));
    if (rows.every((r) => r.state.deviceImportStatus !== 'unknown')) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('imports did not finish');
}

async function importHashes(f: GraphFixture, who: CreatedTenant, items: Record<string, unknown>[]): Promise<ImportedJson[]> {
  const res = await f.call(who, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: items });
  expect(res.status).toBe(200);
  return waitForImports(f, who, (res.body.value as ImportedJson[]).map((r) => r.id));
}

describe.each(ENGINES)('Graph Autopilot API (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('imports like Get-WindowsAutopilotInfo: create with "pending", poll "unknown" → complete, then GET the device by deviceRegistrationId', async () => {
    const inv = syntheticInventory(1);
    const created = await f.call(f.contoso, 'POST', IMPORTS, {
      '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
      groupTag: 'Sales',
      serialNumber: inv.system.serialNumber,
      productKey: '',
      hardwareIdentifier: syntheticHash(1),
      assignedUserPrincipalName: '',
      state: { '@odata.type': 'microsoft.graph.importedWindowsAutopilotDeviceIdentityState', deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      '@odata.context': expect.stringMatching(/\/v1\.0\/\$metadata#deviceManagement\/importedWindowsAutopilotDeviceIdentities\/\$entity$/),
      groupTag: 'Sales',
      hardwareIdentifier: syntheticHash(1),
      state: { deviceImportStatus: 'unknown', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
    });
    const [done] = await waitForImports(f, f.contoso, [created.body.id]);
    expect(done.state).toMatchObject({ deviceImportStatus: 'complete', deviceErrorCode: 0, deviceErrorName: '' });

    const device = await f.call(f.contoso, 'GET', `${DEVICES}/${done.state.deviceRegistrationId}`);
    expect(device.status).toBe(200);
    expect(device.body).toMatchObject({
      id: done.state.deviceRegistrationId,
      serialNumber: inv.system.serialNumber,
      manufacturer: inv.system.manufacturer,
      model: inv.system.model,
      groupTag: 'Sales',
      enrollmentState: 'notContacted',
      lastContactedDateTime: '0001-01-01T00:00:00Z',
      managedDeviceId: '00000000-0000-0000-0000-000000000000',
    });
    expect(device.body).not.toHaveProperty('deploymentProfileAssignmentStatus');
    const beta = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${done.state.deviceRegistrationId}`);
    expect(beta.body).toMatchObject({ deploymentProfileAssignmentStatus: 'notAssigned', azureAdDeviceId: device.body.azureActiveDirectoryDeviceId, userlessEnrollmentStatus: 'unknown' });

    // The Entra object: [ZTDID] and [OrderID].
    const entra = await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=deviceId eq '${device.body.azureActiveDirectoryDeviceId}'`);
    expect(entra.body.value).toHaveLength(1);
    expect(entra.body.value[0]).toMatchObject({ displayName: inv.system.serialNumber, trustType: null, physicalIds: [`[ZTDID]:${device.body.id}`, '[OrderID]:Sales'] });

    // Scripts delete the imported record once done.
    expect((await f.call(f.contoso, 'DELETE', `${IMPORTS}/${done.id}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${IMPORTS}/${done.id}`)).status).toBe(404);
  });

  it('806 re-importing into the same tenant, 808 from another; tenants can neither read, update nor delete each other’s objects', async () => {
    const [a] = await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(2), groupTag: 'A' }]);
    expect(a.state.deviceImportStatus).toBe('complete');
    const [again] = await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(2, { build: { capturedAt: '2030-01-01T00:00:00Z' } }) }]);
    expect(again.state).toEqual({ deviceImportStatus: 'error', deviceRegistrationId: '', deviceErrorCode: 806, deviceErrorName: 'ZtdDeviceAlreadyAssigned' });
    const [b] = await importHashes(f, f.fabrikam, [{ hardwareIdentifier: syntheticHash(2) }]);
    expect(b.state).toEqual({ deviceImportStatus: 'error', deviceRegistrationId: '', deviceErrorCode: 808, deviceErrorName: 'ZtdDeviceAssignedToOtherTenant' });

    const id = a.state.deviceRegistrationId;
    const unknownId = '6f1d1f5e-0000-4000-8000-000000000000';
    for (const [method, url, body] of [
      ['GET', `${DEVICES}/${id}`, undefined],
      ['POST', `${DEVICES}/${id}/updateDeviceProperties`, { groupTag: 'Stolen' }],
      ['POST', `${DEVICES}/${id}/assignUserToDevice`, { userPrincipalName: 'x@fabrikam.com', addressableUserName: 'X' }],
      ['POST', `${DEVICES}/${id}/unassignUserFromDevice`, undefined],
      ['POST', `${BETA_DEVICES}/${id}/allowNextEnrollment`, undefined],
      ['DELETE', `${DEVICES}/${id}`, undefined],
      ['GET', `${IMPORTS}/${a.id}`, undefined],
      ['DELETE', `${IMPORTS}/${a.id}`, undefined],
    ] as const) {
      const foreign = await f.call(f.fabrikam, method, url, body);
      const missing = await f.call(f.fabrikam, method, url.replace(id, unknownId).replace(a.id, unknownId), body);
      expect([url, foreign.status]).toEqual([url, 404]);
      expect(foreign.body.error.code).toBe('ResourceNotFound');
      // Same answer as for an id that exists nowhere: nothing leaks but the id the caller sent.
      expect(foreign.body.error.message.replace(id, 'X').replace(a.id, 'X')).toBe(missing.body.error.message.replace(unknownId, 'X'));
    }
    expect((await f.call(f.fabrikam, 'GET', DEVICES)).body.value).toEqual([]);
    expect((await f.call(f.fabrikam, 'GET', `/v1.0/devices`)).body.value).toEqual([]);
    expect((await f.call(f.fabrikam, 'POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: [syntheticInventory(2).system.serialNumber] })).body.value[0].deletionState).toBe('failed');
    // Still there, untouched.
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body.groupTag).toBe('A');
  });

  it('one import with the same device twice, a bad hash and an unidentifiable device: ZtdDeviceDuplicated, 802, 803', async () => {
    const broken = Buffer.from(syntheticHash(4), 'base64');
    broken[200] ^= 1;
    const rows = await importHashes(f, f.contoso, [
      { hardwareIdentifier: syntheticHash(3) },
      { hardwareIdentifier: syntheticHash(3, { build: { capturedAt: '2031-01-01T00:00:00Z' } }) },
      { hardwareIdentifier: broken.toString('base64'), serialNumber: 'BROKEN' },
      { hardwareIdentifier: syntheticHash(5, { system: { serialNumber: 'Default string' }, productKey: { productKeyId: null, partNumber: null } }) },
    ]);
    expect(rows.map((r) => [r.state.deviceImportStatus, r.state.deviceErrorCode, r.state.deviceErrorName])).toEqual([
      ['complete', 0, ''],
      ['error', 899, 'ZtdDeviceDuplicated'],
      ['error', 802, 'InvalidZtdHardwareHash'],
      ['error', 803, 'MissingZtdSerialNumberAndProductKey'],
    ]);
  });

  it('a 40-device import settles each row in the order sent, and its answer echoes each row as sent', async () => {
    // Item 30 repeats item 3's machine; item 35's hash is damaged.
    const items = Array.from({ length: 40 }, (_, i) => ({ hardwareIdentifier: syntheticHash(700 + (i === 30 ? 3 : i)), groupTag: `T${i}` }));
    const damaged = Buffer.from(items[35]!.hardwareIdentifier, 'base64');
    damaged[200] ^= 1;
    items[35]!.hardwareIdentifier = damaged.toString('base64');
    const res = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: items });
    expect(res.status).toBe(200);
    const answered = res.body.value as (ImportedJson & { groupTag: string; hardwareIdentifier: string })[];
    expect(answered.map((r) => [r.groupTag, r.hardwareIdentifier])).toEqual(items.map((i) => [i.groupTag, i.hardwareIdentifier]));
    const rows = await waitForImports(f, f.contoso, answered.map((r) => r.id));
    const outcome = rows.map((r) => r.state.deviceErrorName || r.state.deviceImportStatus);
    expect(outcome.filter((o) => o !== 'complete')).toEqual(['ZtdDeviceDuplicated', 'InvalidZtdHardwareHash']);
    expect([outcome[30], outcome[35]]).toEqual(['ZtdDeviceDuplicated', 'InvalidZtdHardwareHash']);
    const notBase64 = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, {
      importedWindowsAutopilotDeviceIdentities: items.map((item, i) => (i === 37 ? { hardwareIdentifier: '%%%' } : { ...item, hardwareIdentifier: syntheticHash(800 + i) })),
    });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.message).toMatch(/importedWindowsAutopilotDeviceIdentities\[37\]\.hardwareIdentifier is not base64/);
  });

  it('refuses what it cannot take with a Graph error naming the item and field', async () => {
    const notBase64 = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, {
      importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: syntheticHash(6) }, { hardwareIdentifier: '%%%' }],
    });
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.error.code).toBe('BadRequest');
    expect(notBase64.body.error.message).toMatch(/importedWindowsAutopilotDeviceIdentities\[1\]\.hardwareIdentifier is not base64/);
    const tooLong = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, {
      importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: syntheticHash(6) }, { hardwareIdentifier: 'A'.repeat(65_540) }],
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/importedWindowsAutopilotDeviceIdentities\[1\]\.hardwareIdentifier is 65540 characters long; a hardware hash is at most 65536/);
    const wrongType = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [{ groupTag: { tag: 'x' } }] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/groupTag/);
    const noUser = await f.call(f.contoso, 'POST', `${DEVICES}/6f1d1f5e-0000-4000-8000-000000000000/assignUserToDevice`, {});
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.message).toMatch(/userPrincipalName/);
    const badFilter = await f.call(f.contoso, 'GET', `${DEVICES}?$filter=serialNumbr eq 'x'`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/\$filter.*serialNumbr/);
    const reader = await f.appWithRoles(['DeviceManagementServiceConfig.Read.All']);
    expect((await f.call(reader, 'GET', DEVICES)).status).toBe(200);
    const denied = await f.call(reader, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [] });
    expect(denied.status).toBe(403);
    expect((await f.call(f.contoso, 'POST', `${DEVICES}/x/allowNextEnrollment`)).status).toBe(404);
  });

  it('pages with @odata.nextLink, counts, filters with contains(serialNumber,…), selects', async () => {
    const n = 230;
    const rows = await importHashes(
      f,
      f.contoso,
      Array.from({ length: n }, (_, i) => ({ hardwareIdentifier: syntheticHash(100 + i), groupTag: i % 2 === 0 ? 'Even' : 'Odd' })),
    );
    expect(rows.every((r) => r.state.deviceImportStatus === 'complete')).toBe(true);
    const seen: string[] = [];
    let url: string | undefined = `${DEVICES}?$top=100&$count=true`;
    let pages = 0;
    while (url) {
      const page = await f.call(f.contoso, 'GET', url);
      expect(page.status).toBe(200);
      if (pages === 0) expect(page.body['@odata.count']).toBe(n);
      seen.push(...(page.body.value as { id: string }[]).map((d) => d.id));
      const next = page.body['@odata.nextLink'] as string | undefined;
      if (next) expect(next).toMatch(/^http:\/\/localhost(:\d+)?\/v1\.0\/deviceManagement\/windowsAutopilotDeviceIdentities\?/);
      url = next ? next.replace(/^https?:\/\/[^/]+/, '') : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(n);

    const serial = syntheticInventory(150).system.serialNumber ?? '';
    const needle = serial.slice(2, 8).toLowerCase();
    const filtered = await f.call(f.contoso, 'GET', `${DEVICES}?$filter=${encodeURIComponent(`contains(serialNumber,'${needle}')`)}`);
    expect(filtered.status).toBe(200);
    expect((filtered.body.value as { serialNumber: string }[]).map((d) => d.serialNumber)).toContain(serial);
    for (const d of filtered.body.value as { serialNumber: string }[]) expect(d.serialNumber.toLowerCase()).toContain(needle);

    const selected = await f.call(f.contoso, 'GET', `${DEVICES}?$select=serialNumber,groupTag&$filter=groupTag eq 'Odd'&$top=5`);
    expect(selected.body['@odata.context']).toMatch(/windowsAutopilotDeviceIdentities\(serialNumber,groupTag\)$/);
    expect(Object.keys(selected.body.value[0]).sort()).toEqual(['@odata.type', 'groupTag', 'id', 'serialNumber']);
    expect(selected.body.value.every((d: { groupTag: string }) => d.groupTag === 'Odd')).toBe(true);

    const importsPage = await f.call(f.contoso, 'GET', `${IMPORTS}?$top=50&$count=true`);
    expect(importsPage.body['@odata.count']).toBe(n);
    expect(importsPage.body.value).toHaveLength(50);
    expect(importsPage.body['@odata.nextLink']).toBeDefined();
  });

  it('updateDeviceProperties moves [OrderID] on the Entra object; users assign and unassign; beta allowNextEnrollment and deleteDevices', async () => {
    const [row] = await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(7), groupTag: 'Before' }]);
    const id = row.state.deviceRegistrationId;
    const upd = await f.call(f.contoso, 'POST', `${DEVICES}/${id}/updateDeviceProperties`, { groupTag: 'After', displayName: 'LAB-07' });
    expect(upd.status).toBe(204);
    const device = (await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body;
    expect(device).toMatchObject({ groupTag: 'After', displayName: 'LAB-07' });
    const entra = await f.call(f.contoso, 'GET', `/beta/devices?$filter=deviceId eq '${device.azureActiveDirectoryDeviceId}'`);
    expect(entra.body.value[0].physicalIds).toEqual([`[ZTDID]:${id}`, '[OrderID]:After']);
    const one = await f.call(f.contoso, 'GET', `/v1.0/devices/${entra.body.value[0].id}`);
    expect(one.body.physicalIds).toContain('[OrderID]:After');

    expect((await f.call(f.contoso, 'POST', `${DEVICES}/${id}/assignUserToDevice`, { userPrincipalName: 'ada@contoso.com', addressableUserName: 'Ada' })).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body).toMatchObject({ userPrincipalName: 'ada@contoso.com', addressableUserName: 'Ada' });
    const badUpn = await f.call(f.contoso, 'POST', `${DEVICES}/${id}/assignUserToDevice`, { userPrincipalName: 'not a upn' });
    expect(badUpn.status).toBe(400);
    expect((await f.call(f.contoso, 'POST', `${DEVICES}/${id}/unassignUserFromDevice`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body).toMatchObject({ userPrincipalName: '', addressableUserName: '' });

    expect((await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${id}/allowNextEnrollment`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body.userlessEnrollmentStatus).toBe('allowed');
    expect((await f.call(f.contoso, 'POST', `${DEVICES}/${id}/allowNextEnrollment`)).status).toBe(404);

    const serial = syntheticInventory(7).system.serialNumber;
    const del = await f.call(f.contoso, 'POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: [serial, 'NO-SUCH'] });
    expect(del.status).toBe(200);
    expect(del.body.value).toEqual([
      { '@odata.type': '#microsoft.graph.deletedWindowsAutopilotDeviceState', serialNumber: serial, deviceRegistrationId: id, deletionState: 'accepted', errorMessage: '' },
      {
        '@odata.type': '#microsoft.graph.deletedWindowsAutopilotDeviceState',
        serialNumber: 'NO-SUCH',
        deviceRegistrationId: '',
        deletionState: 'failed',
        errorMessage: "No Autopilot device with serial number 'NO-SUCH' in this tenant.",
      },
    ]);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices`)).body.value).toEqual([]);
  });

  it('a 500-device import through POST …/import settles completely (time logged, not asserted)', async () => {
    const body = { importedWindowsAutopilotDeviceIdentities: Array.from({ length: 500 }, (_, i) => ({ hardwareIdentifier: syntheticHash(20_000 + i), groupTag: 'Bulk' })) };
    // Warm up code paths once (JIT), as a running server is.
    await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(19_999) }]);
    const started = performance.now();
    const res = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, body);
    const accepted = performance.now();
    await f.app.registry.worker?.idle();
    const settled = performance.now();
    expect(res.status).toBe(200);
    expect(await f.app.registry.store.imports.countUnprocessed(f.contoso.tenant.id)).toBe(0);
    console.log(`[${engine}] 500-device import: accepted in ${(accepted - started).toFixed(0)} ms, all registered ${(settled - started).toFixed(0)} ms after the POST`);
    const count = await f.call(f.contoso, 'GET', `${DEVICES}?$count=true&$top=1&$filter=groupTag eq 'Bulk'`);
    expect(count.body['@odata.count']).toBe(500);
  });

  it('DELETE deregisters: the device, its Entra object and its identity go, and the hardware can be imported again', async () => {
    const [row] = await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(8) }]);
    const id = row.state.deviceRegistrationId;
    expect((await f.call(f.contoso, 'DELETE', `${DEVICES}/${id}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'DELETE', `${DEVICES}/${id}`)).status).toBe(404);
    const [moved] = await importHashes(f, f.fabrikam, [{ hardwareIdentifier: syntheticHash(8) }]);
    expect(moved.state.deviceImportStatus).toBe('complete');
  });

  it('beta windowsAutopilotSettings: sync 204, then 429 with Retry-After within the interval; per tenant', async () => {
    const settings = await f.call(f.contoso, 'GET', '/beta/deviceManagement/windowsAutopilotSettings');
    expect(settings.body).toMatchObject({ syncStatus: 'unknown', lastSyncDateTime: '0001-01-01T00:00:00Z', lastManualSyncTriggerDateTime: '0001-01-01T00:00:00Z' });
    expect((await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync')).status).toBe(204);
    const after = (await f.call(f.contoso, 'GET', '/beta/deviceManagement/windowsAutopilotSettings')).body;
    expect(after.syncStatus).toBe('completed');
    expect(after.lastSyncDateTime).not.toBe('0001-01-01T00:00:00Z');
    const tooSoon = await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.code).toBe('TooManyRequests');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(590);
    // Another tenant is not throttled by this one.
    expect((await f.call(f.fabrikam, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync')).status).toBe(204);
    // Ten minutes later it may sync again.
    f.clock.offsetMs = 601_000;
    expect((await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync')).status).toBe(204);
    expect((await f.call(f.contoso, 'POST', '/v1.0/deviceManagement/windowsAutopilotSettings/sync')).status).toBe(404);
  });
});

describe('Graph Autopilot API without a worker (sqlite)', () => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture('sqlite', { importWorker: false, env: { TARMAC_SYNC_INTERVAL_SECONDS: '0' } });
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('sync is 409 while it runs (imports pending), and the interval is configurable', async () => {
    const res = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: syntheticHash(9) }] });
    expect(res.body.value[0].state.deviceImportStatus).toBe('unknown');
    expect((await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync')).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', '/beta/deviceManagement/windowsAutopilotSettings')).body.syncStatus).toBe('inProgress');
    const busy = await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync');
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'Conflict', message: expect.stringMatching(/already in progress/) });
    // Nothing registered it: the import is still unknown.
    expect((await f.call(f.contoso, 'GET', `${IMPORTS}/${res.body.value[0].id}`)).body.state.deviceImportStatus).toBe('unknown');
  });
});
