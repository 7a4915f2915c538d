// Intune managed devices, the registration guardrails and deregistration in the documented order, through inject()
// on SQLite and PostgreSQL.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { BETA_DEVICES, BETA_MANAGED, DEVICES, MANAGED, device, importHashes, register } from '../support/device-side.js';

afterAll(dropPostgresFileDatabase);

describe.each(ENGINES)('Intune, guardrails and deregistration (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('managedDevices: list with $filter/$count/$select/$top paging, get, 404 across tenants, roles; DELETE un-enrolls the Autopilot device', async () => {
    const ids = [await register(f, f.contoso, syntheticHash(201)), await register(f, f.contoso, syntheticHash(202))];
    for (const seed of [201, 202]) expect((await device(f, 'enroll', { hardwareHash: syntheticHash(seed) })).status).toBe(200);
    const personal = await device(f, 'workplace-join', { hardwareHash: syntheticHash(203), userPrincipalName: 'bo@contoso.onmicrosoft.com', mdm: true });
    expect(personal.status).toBe(201);

    const all = await f.call(f.contoso, 'GET', `${MANAGED}?$count=true&$top=2`);
    expect(all.status).toBe(200);
    expect(all.body['@odata.count']).toBe(3);
    expect(all.body.value).toHaveLength(2);
    const rest = await f.call(f.contoso, 'GET', all.body['@odata.nextLink'].replace(/^https?:\/\/[^/]+/, ''));
    expect(rest.body.value).toHaveLength(1);
    expect(rest.body['@odata.nextLink']).toBeUndefined();

    const personalOnly = await f.call(f.contoso, 'GET', `${MANAGED}?$filter=managedDeviceOwnerType eq 'personal'&$select=id,deviceName,deviceEnrollmentType`);
    expect(personalOnly.body.value).toEqual([{ '@odata.type': '#microsoft.graph.managedDevice', id: personal.body.managedDevice.id, deviceName: personal.body.managedDevice.deviceName, deviceEnrollmentType: 'windowsAutoEnrollment' }]);
    const serial = syntheticInventory(201).system.serialNumber;
    const bySerial = await f.call(f.contoso, 'GET', `${MANAGED}?$filter=serialNumber eq '${serial}' and deviceEnrollmentType eq 'windowsAzureADJoin'`);
    expect(bySerial.body.value).toHaveLength(1);
    const managedId = bySerial.body.value[0].id as string;
    expect(bySerial.body.value[0]).not.toHaveProperty('joinType');
    const byAad = await f.call(f.contoso, 'GET', `${BETA_MANAGED}?$filter=azureADDeviceId eq '${bySerial.body.value[0].azureADDeviceId}'`);
    expect(byAad.body.value[0]).toMatchObject({ id: managedId, joinType: 'azureADJoined', autopilotEnrolled: true });
    expect((await f.call(f.contoso, 'GET', `${MANAGED}?$filter=colour eq 'red'`)).status).toBe(400);

    expect((await f.call(f.fabrikam, 'GET', `${MANAGED}/${managedId}`)).status).toBe(404);
    expect((await f.call(f.fabrikam, 'DELETE', `${MANAGED}/${managedId}`)).status).toBe(404);
    expect((await f.call(f.fabrikam, 'GET', MANAGED)).body.value).toEqual([]);
    const readOnly = await f.appWithRoles(['DeviceManagementManagedDevices.Read.All']);
    expect((await f.call(readOnly, 'GET', `${MANAGED}/${managedId}`)).status).toBe(200);
    expect((await f.call(readOnly, 'DELETE', `${MANAGED}/${managedId}`)).status).toBe(403);
    const autopilotOnly = await f.appWithRoles(['DeviceManagementServiceConfig.ReadWrite.All']);
    expect((await f.call(autopilotOnly, 'GET', MANAGED)).status).toBe(403);

    expect((await f.call(f.contoso, 'DELETE', `${MANAGED}/${managedId}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${MANAGED}/${managedId}`)).status).toBe(404);
    const ap = (await f.call(f.contoso, 'GET', `${DEVICES}/${ids[0]}`)).body;
    expect(ap).toMatchObject({ managedDeviceId: '00000000-0000-0000-0000-000000000000', enrollmentState: 'enrolled' });
    const entra = (await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=deviceId eq '${ap.azureActiveDirectoryDeviceId}'`)).body.value[0];
    expect(entra).toMatchObject({ isManaged: false, managementType: null, trustType: 'AzureAd' });
  });

  it('guardrails: an Entra-registered device is refused with 814, an MDM-only one with 897, each until removed; then it registers', async () => {
    // Entra registered only (no MDM).
    const joined = await device(f, 'workplace-join', { hardwareHash: syntheticHash(211), userPrincipalName: 'cy@contoso.onmicrosoft.com', mdm: false });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ tenantId: f.contoso.tenant.id, entraDevice: { trustType: 'Workplace', deviceOwnership: 'Personal', isManaged: false }, managedDevice: null });
    // Entra registered and MDM-only.
    const both = await device(f, 'workplace-join', { hardwareHash: syntheticHash(212), userPrincipalName: 'di@contoso.onmicrosoft.com', mdm: true });
    expect(both.body.managedDevice).toMatchObject({ managedDeviceOwnerType: 'personal', joinType: 'azureADRegistered' });

    const states = await importHashes(f, f.contoso, [syntheticHash(211), syntheticHash(212), syntheticHash(213)]);
    expect(states.map((s) => [s.deviceImportStatus, s.deviceErrorCode, s.deviceErrorName])).toEqual([
      ['error', 814, 'ZtdDeviceAlreadyAadRegistered'],
      ['error', 814, 'ZtdDeviceAlreadyAadRegistered'],
      ['complete', 0, ''],
    ]);
    // Another tenant is not concerned by contoso's personal devices.
    expect((await importHashes(f, f.fabrikam, [syntheticHash(211)]))[0].deviceImportStatus).toBe('complete');
    await f.call(f.fabrikam, 'POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: [syntheticInventory(211).system.serialNumber] });

    // Removing the Entra object of the first frees it.
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/devices/${joined.body.entraDevice.id}`)).status).toBe(204);
    expect((await importHashes(f, f.contoso, [syntheticHash(211)]))[0]).toMatchObject({ deviceImportStatus: 'complete' });

    // The second: without its Entra object it is still MDM-only in Intune (897); removing that too frees it.
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/devices/${both.body.entraDevice.id}`)).status).toBe(204);
    expect((await importHashes(f, f.contoso, [syntheticHash(212)]))[0]).toMatchObject({ deviceErrorCode: 897, deviceErrorName: 'ZtdDeviceIsMdmOnlyEnrolled' });
    expect((await f.call(f.contoso, 'DELETE', `${MANAGED}/${both.body.managedDevice.id}`)).status).toBe(204);
    expect((await importHashes(f, f.contoso, [syntheticHash(212)]))[0]).toMatchObject({ deviceImportStatus: 'complete' });

    const unknownDomain = await device(f, 'workplace-join', { hardwareHash: syntheticHash(214), userPrincipalName: 'x@nowhere.example' });
    expect(unknownDomain.status).toBe(404);
    expect(unknownDomain.body.error.message).toContain('nowhere.example');
  });

  it('deregistration order: refused while enrolled in Intune (naming the managed device), then while a user is assigned; a joined Entra object stays', async () => {
    const id = await register(f, f.contoso, syntheticHash(221), { assignedUserPrincipalName: 'eve@contoso.com', groupTag: 'Ops' });
    const enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(221) });
    const managedId = enrolled.body.managedDevice.id as string;

    const first = await f.call(f.contoso, 'DELETE', `${DEVICES}/${id}`);
    expect(first.status).toBe(409);
    expect(first.body.error.message).toContain(managedId);
    expect(first.body.error.message).toContain(enrolled.body.deviceName);
    expect(first.body.error.message).toMatch(/delete it from Intune first/);
    const bySerial = await f.call(f.contoso, 'POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: [syntheticInventory(221).system.serialNumber] });
    expect(bySerial.body.value[0]).toMatchObject({ deletionState: 'error' });

    expect((await f.call(f.contoso, 'DELETE', `${MANAGED}/${managedId}`)).status).toBe(204);
    const second = await f.call(f.contoso, 'DELETE', `${DEVICES}/${id}`);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/assigned to user eve@contoso.com: unassign the user first/);

    expect((await f.call(f.contoso, 'POST', `${DEVICES}/${id}/unassignUserFromDevice`)).status).toBe(204);
    expect((await f.call(f.contoso, 'DELETE', `${DEVICES}/${id}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).status).toBe(404);
    const entra = (await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=deviceId eq '${enrolled.body.entraDevice.deviceId}'`)).body.value;
    expect(entra).toHaveLength(1);
    expect(entra[0]).toMatchObject({ trustType: 'AzureAd', physicalIds: [] });

    // Never joined: the pre-created Entra object goes with the registration.
    const fresh = await register(f, f.contoso, syntheticHash(222));
    const freshAzure = (await f.call(f.contoso, 'GET', `${DEVICES}/${fresh}`)).body.azureActiveDirectoryDeviceId;
    expect((await f.call(f.contoso, 'DELETE', `${DEVICES}/${fresh}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=deviceId eq '${freshAzure}'`)).body.value).toEqual([]);
  });

  it('offboard runs Intune → user → Autopilot → Entra and reports each system; a second run is 404', async () => {
    const id = await register(f, f.contoso, syntheticHash(231), { assignedUserPrincipalName: 'fay@contoso.com' });
    const enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(231) });
    const res = await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${id}/offboard`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, serialNumber: syntheticInventory(231).system.serialNumber, completed: true });
    expect(res.body.steps.map((s: { system: string; action: string }) => [s.system, s.action])).toEqual([
      ['intune', 'deleted'],
      ['user', 'unassigned'],
      ['autopilot', 'deregistered'],
      ['entra', 'kept'],
    ]);
    expect(res.body.steps[0].detail).toContain(enrolled.body.managedDevice.id);
    expect(res.body.steps[1].detail).toBe('fay@contoso.com');
    expect((await f.call(f.contoso, 'GET', `${MANAGED}/${enrolled.body.managedDevice.id}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${id}/offboard`)).status).toBe(404);
    // The hardware is free again.
    expect((await importHashes(f, f.contoso, [syntheticHash(231)]))[0].deviceImportStatus).toBe('complete');

    const plain = await register(f, f.contoso, syntheticHash(232));
    const quiet = await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${plain}/offboard`);
    expect(quiet.body.steps.map((s: { action: string }) => s.action)).toEqual(['none', 'none', 'deregistered', 'deleted']);
    expect((await f.call(f.fabrikam, 'POST', `${BETA_DEVICES}/${id}/offboard`)).status).toBe(404);
  });
});
