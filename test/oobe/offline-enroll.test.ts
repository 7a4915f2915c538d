// Autopilot for existing devices, end to end on SQLite and PostgreSQL: an admin exports a profile as
// AutopilotConfigurationFile.json, an unregistered PC enrolls with it (enrollmentProfileName
// OfflineAutopilotprofile-<ZtdCorrelationId>), a dynamic group on that name picks it up, and a profile with "Convert
// all targeted devices" assigned to the group registers it as an Autopilot device. A registered PC ignores the file.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { BETA_DEVICES, BETA_MANAGED, PROFILES, device, importHashes, register } from '../support/device-side.js';

afterAll(dropPostgresFileDatabase);

describe.each(ENGINES)('enrollment from AutopilotConfigurationFile.json (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  async function profile(fields: Record<string, unknown>): Promise<{ id: string; file: Record<string, unknown> }> {
    const created = await f.call(f.contoso, 'POST', PROFILES, { '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile', ...fields });
    expect(created.status).toBe(201);
    const file = await f.call(f.contoso, 'GET', `${PROFILES}/${created.body.id}/autopilotConfigurationFile`);
    expect(file.status).toBe(200);
    return { id: created.body.id as string, file: file.body as Record<string, unknown> };
  }

  async function groupOn(rule: string, profileId: string): Promise<string> {
    const group = await f.call(f.contoso, 'POST', '/v1.0/groups', {
      displayName: 'Existing devices',
      mailNickname: 'existing',
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: ['DynamicMembership'],
      membershipRule: rule,
      membershipRuleProcessingState: 'On',
    });
    expect(group.status).toBe(201);
    const assigned = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, {
      target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.body.id },
    });
    expect(assigned.status).toBe(201);
    return group.body.id as string;
  }

  it('enrolls an unregistered PC from the file; "Convert all targeted devices" then registers it', async () => {
    const p = await profile({ displayName: 'Existing devices', deviceNameTemplate: 'EX-%SERIAL%', hardwareHashExtractionEnabled: true });
    const offlineName = `OfflineAutopilotprofile-${p.id}`;
    const groupId = await groupOn(`(device.enrollmentProfileName -eq "${offlineName}")`, p.id);
    const hash = syntheticHash(301);
    const serial = syntheticInventory(301).system.serialNumber ?? '';

    // Not registered: the profile download says so, but the file carries the PC through.
    expect((await device(f, 'profile', { hardwareHash: hash })).status).toBe(404);
    const enrolled = await device(f, 'enroll', { hardwareHash: hash, userPrincipalName: 'ada@contoso.com', configurationFile: p.file });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
    expect(enrolled.body).toMatchObject({
      enrollmentProfileName: offlineName,
      convertedToAutopilot: true,
      entraDevice: { trustType: 'AzureAd' },
      managedDevice: { managedDeviceOwnerType: 'company', joinType: 'azureADJoined', userPrincipalName: 'ada@contoso.com' },
    });
    expect(enrolled.body.deviceName).toBe(`EX-${serial.replace(/[^A-Za-z0-9-]/g, '')}`.slice(0, 15));

    // The dynamic group on the offline profile name holds it, and it is now an Autopilot device with that profile.
    const members = await f.call(f.contoso, 'GET', `/v1.0/groups/${groupId}/members`);
    expect(members.body.value.map((m: { id: string }) => m.id)).toEqual([enrolled.body.entraDevice.id]);
    const ztdId = enrolled.body.autopilotDeviceId as string;
    const ap = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${ztdId}?$expand=deploymentProfile`);
    expect(ap.body).toMatchObject({
      serialNumber: serial,
      enrollmentState: 'enrolled',
      managedDeviceId: enrolled.body.managedDevice.id,
      azureActiveDirectoryDeviceId: enrolled.body.entraDevice.deviceId,
      deploymentProfileAssignmentStatus: 'assignedInSync',
      deploymentProfile: { id: p.id },
    });
    const entra = await f.call(f.contoso, 'GET', `/v1.0/devices/${enrolled.body.entraDevice.id}`);
    expect(entra.body).toMatchObject({ enrollmentProfileName: offlineName, physicalIds: [`[ZTDID]:${ztdId}`] });
    const managed = await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`);
    expect(managed.body).toMatchObject({ enrollmentProfileName: offlineName, autopilotEnrolled: true });

    // From now on it is a registered device: the registry answers 806 to an import, and OOBE gets its profile.
    expect((await device(f, 'profile', { hardwareHash: hash })).body.ZtdCorrelationId).toBe(p.id);
    expect(await importHashes(f, f.contoso, [hash])).toMatchObject([{ deviceErrorCode: 806, deviceErrorName: 'ZtdDeviceAlreadyAssigned' }]);
  });

  it('does not convert a PC that is also Entra registered (the guardrail holds on every registration path)', async () => {
    const p = await profile({ displayName: 'Convert', hardwareHashExtractionEnabled: true });
    await groupOn(`(device.enrollmentProfileName -eq "OfflineAutopilotprofile-${p.id}")`, p.id);
    const hash = syntheticHash(331);
    expect((await device(f, 'workplace-join', { hardwareHash: hash, userPrincipalName: 'bo@contoso.onmicrosoft.com' })).status).toBe(201);
    const enrolled = await device(f, 'enroll', { hardwareHash: hash, configurationFile: p.file });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ convertedToAutopilot: false, autopilotDeviceId: null });
    expect((await f.call(f.contoso, 'GET', BETA_DEVICES)).body.value).toEqual([]);
  });

  it('without "Convert all targeted devices" the PC is enrolled but not registered; a registered PC ignores the file', async () => {
    const p = await profile({ displayName: 'Offline only' });
    await groupOn(`(device.enrollmentProfileName -startsWith "OfflineAutopilotprofile-")`, p.id);
    const enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(311), configurationFile: p.file });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ autopilotDeviceId: null, convertedToAutopilot: false, enrollmentState: 'notRegistered' });
    expect((await f.call(f.contoso, 'GET', BETA_DEVICES)).body.value).toEqual([]);
    const managed = await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`);
    expect(managed.body).toMatchObject({ enrollmentProfileName: `OfflineAutopilotprofile-${p.id}`, autopilotEnrolled: false });

    // Enrolling again (a reset PC) replaces its Intune record.
    const again = await device(f, 'enroll', { hardwareHash: syntheticHash(311), configurationFile: p.file });
    expect((await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${again.body.managedDevice.id}`)).status).toBe(200);

    // A registered device uses its online profile (here: none), not the file.
    const id = await register(f, f.contoso, syntheticHash(312));
    const online = await device(f, 'enroll', { hardwareHash: syntheticHash(312), configurationFile: p.file });
    expect(online.status).toBe(200);
    expect(online.body).toMatchObject({ autopilotDeviceId: id, enrollmentProfileName: '' });
  });

  it('refuses a file that names no tenant of this Tarmac, or whose fields are unusable, naming the field', async () => {
    const p = await profile({ displayName: 'Any' });
    const other = await device(f, 'enroll', { hardwareHash: syntheticHash(321), configurationFile: { ...p.file, CloudAssignedTenantId: '11111111-2222-3333-4444-555555555555' } });
    expect(other.status).toBe(404);
    expect(other.body.error.message).toMatch(/CloudAssignedTenantId/);
    const bad = await device(f, 'enroll', { hardwareHash: syntheticHash(321), configurationFile: { ...p.file, ZtdCorrelationId: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/ZtdCorrelationId/);
    expect((await device(f, 'enroll', { hardwareHash: syntheticHash(321), configurationFile: 'AutopilotConfigurationFile.json' })).status).toBe(400);
  });
});
