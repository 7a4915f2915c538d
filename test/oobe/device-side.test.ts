// The device side (/oobe/v1) and what follows it, through inject() on SQLite and PostgreSQL: profile download (807,
// 802, the profile document, lastContacted), first run (Entra join + Intune managed device, pendingReset, the
// self-deploying one-time limit and allowNextEnrollment), hardware-change detection and remediation, rate limiting.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { BETA_DEVICES, BETA_MANAGED, DEVICES, allDevicesProfile, device, importHashes, newBoardOverrides, register } from '../support/device-side.js';

afterAll(dropPostgresFileDatabase);

describe.each(ENGINES)('device side (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('profile: 807 for unknown hardware, 802 naming the problem and offset, the default document, then the assigned profile with its name expanded', async () => {
    const unknown = await device(f, 'profile', { hardwareHash: syntheticHash(101) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'ZtdDeviceIsNotRegistered', errorCode: 807 });

    const broken = Buffer.from(syntheticHash(101), 'base64');
    broken[300] ^= 0xff;
    const bad = await device(f, 'profile', { hardwareHash: broken.toString('base64') });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'InvalidZtdHardwareHash', errorCode: 802 });
    expect(bad.body.error.message).toMatch(/at byte \d+/);
    const notBase64 = await device(f, 'profile', { hardwareHash: `${syntheticHash(101).slice(0, 40)}#` });
    expect(notBase64.body.error).toMatchObject({ code: 'InvalidZtdHardwareHash', errorCode: 802 });
    expect(notBase64.body.error.message).toMatch(/InvalidBase64/);
    expect((await device(f, 'profile', {})).body.error.message).toMatch(/hardwareHash is missing/);

    const id = await register(f, f.contoso, syntheticHash(101));
    const before = await f.call(f.contoso, 'GET', `${DEVICES}/${id}`);
    expect(before.body.lastContactedDateTime).toBe('0001-01-01T00:00:00Z');

    const plain = await device(f, 'profile', { hardwareHash: syntheticHash(101) });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      Version: 2049,
      CloudAssignedTenantId: f.contoso.tenant.id,
      CloudAssignedTenantDomain: 'contoso.onmicrosoft.com',
      CloudAssignedDomainJoinMethod: 0,
      ZtdCorrelationId: '00000000-0000-0000-0000-000000000000',
    });
    expect(plain.body).not.toHaveProperty('TarmacHardwareChange');
    expect(plain.headers['x-tarmac-hardware-change']).toBeUndefined();
    // A contact time alone is written behind the answer (src/oobe/contact-writer.ts).
    await f.app.registry.contacts.settled();
    const contacted = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`);
    expect(contacted.body.lastContactedDateTime).not.toBe('0001-01-01T00:00:00Z');
    expect(contacted.body.deploymentProfileAssignmentStatus).toBe('notAssigned');

    const profileId = await allDevicesProfile(f, f.contoso, { displayName: 'Sales laptops', deviceNameTemplate: 'SL-%SERIAL%' });
    const assigned = await device(f, 'profile', { hardwareHash: syntheticHash(101) });
    const serial = syntheticInventory(101).system.serialNumber ?? '';
    expect(assigned.body).toMatchObject({ ZtdCorrelationId: profileId, Comment_File: 'Profile Sales laptops' });
    expect(assigned.body.CloudAssignedDeviceName).toBe(`SL-${serial.replace(/[^A-Za-z0-9-]/g, '')}`.slice(0, 15));
    expect([...assigned.text].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    const synced = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`);
    expect(synced.body).toMatchObject({ deploymentProfileAssignmentStatus: 'assignedInSync' });
  });

  it('enroll: Entra join and a company Intune device; the Autopilot device is enrolled, or pendingReset under another profile', async () => {
    const profileId = await allDevicesProfile(f, f.contoso, { displayName: 'Kiosk-free', deviceNameTemplate: 'CT-%RAND:5%' });
    const other = await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotDeploymentProfiles', {
      '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
      displayName: 'Another',
    });
    const id = await register(f, f.contoso, syntheticHash(111), { groupTag: 'Sales' });
    expect((await device(f, 'enroll', { hardwareHash: syntheticHash(112) })).status).toBe(404);

    expect((await device(f, 'profile', { hardwareHash: syntheticHash(111) })).status).toBe(200);
    const enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(111), userPrincipalName: 'ada@contoso.com' });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({
      autopilotDeviceId: id,
      enrollmentState: 'enrolled',
      enrollmentProfileName: 'Kiosk-free',
      entraDevice: { trustType: 'AzureAd' },
      managedDevice: { managedDeviceOwnerType: 'company', deviceEnrollmentType: 'windowsAzureADJoin', joinType: 'azureADJoined', userPrincipalName: 'ada@contoso.com' },
    });
    expect(enrolled.body.deviceName).toMatch(/^CT-\d{5}$/);

    const ap = (await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body;
    expect(ap).toMatchObject({ enrollmentState: 'enrolled', managedDeviceId: enrolled.body.managedDevice.id, deploymentProfileAssignmentStatus: 'assignedInSync' });
    const entra = (await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=deviceId eq '${ap.azureAdDeviceId}'`)).body.value[0];
    expect(entra).toMatchObject({
      displayName: enrolled.body.deviceName,
      trustType: 'AzureAd',
      isManaged: true,
      managementType: 'MDM',
      mdmAppId: '0000000a-0000-0000-c000-000000000000',
      deviceOwnership: 'Company',
      enrollmentProfileName: 'Kiosk-free',
    });
    expect(entra.physicalIds).toEqual(expect.arrayContaining([`[ZTDID]:${id}`, '[OrderID]:Sales']));

    const managed = await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`);
    const inv = syntheticInventory(111);
    expect(managed.body).toMatchObject({
      deviceName: enrolled.body.deviceName,
      managedDeviceOwnerType: 'company',
      serialNumber: inv.system.serialNumber,
      manufacturer: inv.system.manufacturer,
      model: inv.system.model,
      azureADDeviceId: ap.azureAdDeviceId,
      autopilotEnrolled: true,
      joinType: 'azureADJoined',
      enrollmentProfileName: 'Kiosk-free',
    });

    // Enrolling under another profile than the assigned one (a user-driven re-enrollment replaces the Intune record).
    const again = await device(f, 'enroll', { hardwareHash: syntheticHash(111), profileId: other.body.id, deviceName: 'LAB-01' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ enrollmentState: 'pendingReset', deviceName: 'LAB-01', replacedManagedDeviceId: enrolled.body.managedDevice.id });
    expect((await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body).toMatchObject({ enrollmentState: 'pendingReset', managedDeviceId: again.body.managedDevice.id });
    expect(profileId).not.toBe(other.body.id);

    const badName = await device(f, 'enroll', { hardwareHash: syntheticHash(111), deviceName: 'this-name-is-far-too-long' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/deviceName/);
  });

  it("enroll: a user of another tenant does not get the device's Autopilot profile (TenantMatched 0)", async () => {
    const id = await register(f, f.contoso, syntheticHash(141));
    const other = await device(f, 'enroll', { hardwareHash: syntheticHash(141), userPrincipalName: 'eve@fabrikam.onmicrosoft.com' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'TenantMismatch' });
    expect(other.body.error.message).toContain(f.contoso.tenant.id);
    expect((await f.call(f.contoso, 'GET', `${DEVICES}/${id}`)).body.enrollmentState).toBe('notContacted');
    const own = await device(f, 'enroll', { hardwareHash: syntheticHash(141), userPrincipalName: 'ada@contoso.onmicrosoft.com' });
    expect(own.status).toBe(200);
  });

  it('hybrid profile: the domain-joined computer is a second Entra object (ServerAd); the pre-created Autopilot object stays', async () => {
    const created = await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotDeploymentProfiles', {
      '@odata.type': '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile',
      displayName: 'Hybrid',
    });
    expect(created.status).toBe(201);
    const assigned = await f.call(f.contoso, 'POST', `/beta/deviceManagement/windowsAutopilotDeploymentProfiles/${created.body.id}/assignments`, {
      target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' },
    });
    expect(assigned.status).toBe(201);
    const id = await register(f, f.contoso, syntheticHash(131));
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(131) })).body.CloudAssignedDomainJoinMethod).toBe(1);
    const enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(131), deviceName: 'CORP-PC-01' });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ enrollmentState: 'enrolled', entraDevice: { trustType: 'ServerAd' }, managedDevice: { joinType: 'hybridAzureADJoined' } });

    const objects = (await f.call(f.contoso, 'GET', '/v1.0/devices')).body.value as { trustType: string | null; physicalIds: string[]; deviceId: string; displayName: string }[];
    expect(objects).toHaveLength(2);
    const preCreated = objects.find((o) => o.physicalIds.includes(`[ZTDID]:${id}`));
    const computer = objects.find((o) => o.trustType === 'ServerAd');
    expect(preCreated?.trustType).toBeNull();
    expect(computer).toMatchObject({ displayName: 'CORP-PC-01', physicalIds: [] });
    const managed = await f.call(f.contoso, 'GET', `${BETA_MANAGED}/${enrolled.body.managedDevice.id}`);
    expect(managed.body.azureADDeviceId).toBe(computer?.deviceId);
  });

  it('self-deploying: enrolling again while the Intune record exists is blocked (0x80180014) until allowNextEnrollment, which allows one', async () => {
    await allDevicesProfile(f, f.contoso, { displayName: 'Self-deploying', outOfBoxExperienceSetting: { deviceUsageType: 'shared', userType: 'standard' } });
    const id = await register(f, f.contoso, syntheticHash(121));
    const hash = syntheticHash(121);
    await device(f, 'profile', { hardwareHash: hash });
    const first = await device(f, 'enroll', { hardwareHash: hash, userPrincipalName: 'ignored@contoso.com' });
    expect(first.body).toMatchObject({ enrollmentState: 'enrolled', managedDevice: { deviceEnrollmentType: 'windowsAzureADJoinUsingDeviceAuth', userPrincipalName: '' } });

    const blocked = await device(f, 'enroll', { hardwareHash: hash });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'EnrollmentBlocked', errorCode: '0x80180014' });
    expect(blocked.body.error.message).toContain('Enrollment blocked for AP device by SDM One Time Limit Check');
    expect(blocked.body.error.message).toContain(first.body.managedDevice.id);
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body).toMatchObject({ enrollmentState: 'blocked', userlessEnrollmentStatus: 'blocked' });
    // A blocked device stays refused.
    expect((await device(f, 'enroll', { hardwareHash: hash })).status).toBe(409);

    expect((await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${id}/allowNextEnrollment`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body).toMatchObject({ enrollmentState: 'enrolled', userlessEnrollmentStatus: 'allowed' });
    const allowed = await device(f, 'enroll', { hardwareHash: hash });
    expect(allowed.status).toBe(200);
    expect(allowed.body.replacedManagedDeviceId).toBe(first.body.managedDevice.id);
    // One enrollment only.
    expect((await device(f, 'enroll', { hardwareHash: hash })).status).toBe(409);

    // Deleting the Intune record is the other way out.
    await f.call(f.contoso, 'POST', `${BETA_DEVICES}/${id}/allowNextEnrollment`);
    expect((await f.call(f.contoso, 'DELETE', `${BETA_MANAGED}/${allowed.body.managedDevice.id}`)).status).toBe(204);
    expect((await device(f, 'enroll', { hardwareHash: hash })).status).toBe(200);
  });

  it('a new motherboard is flagged (manual remediation when not enrolled); re-importing the new hash replaces the old; new disks are tolerated', async () => {
    const seed = 131;
    const id = await register(f, f.contoso, syntheticHash(seed));
    const newDisk = syntheticHash(seed, { disks: syntheticInventory(seed + 1).disks, build: { capturedAt: '2031-01-01T00:00:00Z' } });
    const tolerated = await device(f, 'profile', { hardwareHash: newDisk });
    expect(tolerated.status).toBe(200);
    expect(tolerated.body).not.toHaveProperty('TarmacHardwareChange');
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body.remediationState).toBe('noRemediationRequired');

    const swapped = syntheticHash(seed, newBoardOverrides(seed));
    const flagged = await device(f, 'profile', { hardwareHash: swapped });
    expect(flagged.status).toBe(200);
    expect(flagged.headers['x-tarmac-hardware-change']).toMatch(/^manualRemediationRequired; changed=smbiosUuid/);
    expect(flagged.body.TarmacHardwareChange).toMatchObject({ remediationState: 'manualRemediationRequired', captured: false });
    expect(flagged.body.TarmacHardwareChange.changed).toContain('smbiosUuid');
    expect(flagged.body.CloudAssignedTenantId).toBe(f.contoso.tenant.id);
    const after = (await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body;
    expect(after.remediationState).toBe('manualRemediationRequired');
    expect(after.remediationStateLastModifiedDateTime).not.toBe('0001-01-01T00:00:00Z');

    // Another tenant still gets 808; the owner's re-import replaces the hash of the same device.
    expect((await importHashes(f, f.fabrikam, [swapped]))[0]).toMatchObject({ deviceErrorCode: 808 });
    const [reimported] = await importHashes(f, f.contoso, [swapped]);
    expect(reimported).toMatchObject({ deviceImportStatus: 'complete', deviceRegistrationId: id });
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body.remediationState).toBe('noRemediationRequired');
    const clean = await device(f, 'profile', { hardwareHash: swapped });
    expect(clean.body).not.toHaveProperty('TarmacHardwareChange');
    // Once remediated, the old board is the stranger: the same import is 806 again.
    expect((await importHashes(f, f.contoso, [swapped]))[0]).toMatchObject({ deviceErrorCode: 806 });
  });

  it('an enrolled device with a new motherboard needs automatic remediation: Intune captures the new hash at its next check-in', async () => {
    const seed = 141;
    const id = await register(f, f.contoso, syntheticHash(seed));
    expect((await device(f, 'check-in', { hardwareHash: syntheticHash(seed) })).status).toBe(409);
    await device(f, 'enroll', { hardwareHash: syntheticHash(seed) });
    const swapped = syntheticHash(seed, newBoardOverrides(seed));
    const flagged = await device(f, 'profile', { hardwareHash: swapped });
    expect(flagged.body.TarmacHardwareChange.remediationState).toBe('automaticRemediationRequired');
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body.remediationState).toBe('automaticRemediationRequired');

    const checkIn = await device(f, 'check-in', { hardwareHash: swapped });
    expect(checkIn.status).toBe(200);
    expect(checkIn.body).toMatchObject({ autopilotDeviceId: id, remediationState: 'noRemediationRequired', TarmacHardwareChange: { captured: true } });
    expect((await device(f, 'profile', { hardwareHash: swapped })).body).not.toHaveProperty('TarmacHardwareChange');
    expect((await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${id}`)).body.remediationState).toBe('noRemediationRequired');
  });
});

describe('device side rate limit', () => {
  it('answers 429 with Retry-After beyond TARMAC_OOBE_RATE_LIMIT requests per minute from one address', async () => {
    const f = await graphFixture('sqlite', { env: { TARMAC_OOBE_RATE_LIMIT: '2' } });
    try {
      expect((await device(f, 'profile', { hardwareHash: syntheticHash(151) })).status).toBe(404);
      expect((await device(f, 'profile', { hardwareHash: syntheticHash(151) })).status).toBe(404);
      const limited = await device(f, 'profile', { hardwareHash: syntheticHash(151) });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('TooManyRequests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await f.cleanup();
    }
  });
});
