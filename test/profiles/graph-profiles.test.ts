// Deployment profiles through the beta Graph API, on SQLite and PostgreSQL: CRUD with Graph's deprecated names,
// limits and validation, assignments (group, all devices, exclusions), delete refused while assigned, resolution
// (oldest wins, all-devices default, exclusions, status transitions), $expand on Autopilot devices, and the
// AutopilotConfigurationFile.json export. Groups are made through /v1.0/groups (static members by $ref, and one
// dynamic group-tag rule).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticInventory } from '../../src/hash/index.js';
import { afterDevicesChanged } from '../../src/lifecycle/index.js';
import type { DeploymentProfile } from '../../src/profiles/ports.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { CONFIGURATION_FILE_FIELDS } from '../support/profiles.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { AD_PROFILE as ACTIVE_DIRECTORY, AZURE_AD_PROFILE as AZURE_AD, BETA_DEVICES, DEVICES as V1_DEVICES, IMPORTS, PROFILES } from '../support/graph-paths.js';

afterAll(dropPostgresFileDatabase);

const ALL_DEVICES_ID = 'adadadad-808e-44e2-905a-0b7873a8a531';
const NEVER = '0001-01-01T00:00:00Z';

interface ImportedDeviceRef {
  deviceId: string;
  entraObjectId: string;
  serialNumber: string;
}

/** Imports synthetic devices through Graph and waits until the worker registered them. */
async function importDevices(f: GraphFixture, seeds: number[], groupTag = ''): Promise<ImportedDeviceRef[]> {
  const res = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, {
    importedWindowsAutopilotDeviceIdentities: seeds.map((seed) => ({
      serialNumber: syntheticInventory(seed).system.serialNumber,
      hardwareIdentifier: syntheticHash(seed),
      groupTag,
    })),
  });
  expect(res.status).toBe(200);
  const ids = (res.body.value as { id: string }[]).map((r) => r.id);
  for (let i = 0; i < 500; i++) {
    const rows = await Promise.all(ids.map(async (id) => (await f.call(f.contoso, 'GET', `${IMPORTS}/${id}`)).body));
    if (rows.every((r) => r.state.deviceImportStatus !== 'unknown')) {
      const out: ImportedDeviceRef[] = [];
      for (const row of rows) {
        expect(row.state.deviceImportStatus).toBe('complete');
        const entra = await f.app.registry.store.entra.findByAutopilotDevice(f.contoso.tenant.id, row.state.deviceRegistrationId);
        if (!entra) throw new Error('no Entra object for the device');
        out.push({ deviceId: row.state.deviceRegistrationId, entraObjectId: entra.id, serialNumber: row.serialNumber });
      }
      return out;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('imports did not finish');
}

async function createGroup(f: GraphFixture, name: string, rule?: string): Promise<string> {
  const res = await f.call(f.contoso, 'POST', '/v1.0/groups', {
    displayName: name,
    mailEnabled: false,
    mailNickname: name.replace(/\W/g, ''),
    securityEnabled: true,
    ...(rule ? { groupTypes: ['DynamicMembership'], membershipRule: rule, membershipRuleProcessingState: 'On' } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function addMember(f: GraphFixture, groupId: string, objectId: string): Promise<void> {
  const res = await f.call(f.contoso, 'POST', `/v1.0/groups/${groupId}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${objectId}` });
  expect(res.status, JSON.stringify(res.body)).toBe(204);
}

async function createProfile(f: GraphFixture, displayName: string, extra: Record<string, unknown> = {}, who?: CreatedTenant): Promise<string> {
  const res = await f.call(who ?? f.contoso, 'POST', PROFILES, { '@odata.type': AZURE_AD, displayName, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function assign(f: GraphFixture, profileId: string, target: Record<string, unknown>): Promise<string> {
  const res = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const groupTarget = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId });
const exclusionTarget = (groupId: string) => ({ '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId });
const allDevicesTarget = { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' };

/** deploymentProfile id, status and assigned time of a device, as beta Graph shows them. */
async function profileOf(f: GraphFixture, deviceId: string): Promise<{ profile: string | null; intended: string | null; status: string; assignedAt: string }> {
  const res = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${deviceId}?$expand=deploymentProfile,intendedDeploymentProfile`);
  expect(res.status).toBe(200);
  return {
    profile: res.body.deploymentProfile?.id ?? null,
    intended: res.body.intendedDeploymentProfile?.id ?? null,
    status: res.body.deploymentProfileAssignmentStatus,
    assignedAt: res.body.deploymentProfileAssignedDateTime,
  };
}

describe.each(ENGINES)('deployment profiles (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('creates with the deprecated names, returns old and new names, gets, lists, patches and deletes', async () => {
    const created = await f.call(f.contoso, 'POST', PROFILES, {
      '@odata.type': AZURE_AD,
      displayName: 'Sales laptops',
      description: 'User-driven',
      language: 'de-DE',
      extractHardwareHash: true,
      enableWhiteGlove: true,
      deviceNameTemplate: 'SALES-%SERIAL%',
      outOfBoxExperienceSettings: { hidePrivacySettings: true, hideEULA: false, userType: 'administrator', deviceUsageType: 'singleUser', skipKeyboardSelectionPage: true, hideEscapeLink: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      '@odata.context': expect.stringMatching(/\/beta\/\$metadata#deviceManagement\/windowsAutopilotDeploymentProfiles\/\$entity$/),
      '@odata.type': AZURE_AD,
      displayName: 'Sales laptops',
      description: 'User-driven',
      language: 'de-DE',
      locale: 'de-DE',
      extractHardwareHash: true,
      hardwareHashExtractionEnabled: true,
      enableWhiteGlove: true,
      preprovisioningAllowed: true,
      deviceNameTemplate: 'SALES-%SERIAL%',
      deviceType: 'windowsPc',
      roleScopeTagIds: ['0'],
      outOfBoxExperienceSettings: { hidePrivacySettings: true, hideEULA: false, userType: 'administrator', deviceUsageType: 'singleUser', skipKeyboardSelectionPage: true, hideEscapeLink: true },
      outOfBoxExperienceSetting: { privacySettingsHidden: true, eulaHidden: false, userType: 'administrator', deviceUsageType: 'singleUser', keyboardSelectionPageSkipped: true, escapeLinkHidden: true },
    });
    expect(created.body).not.toHaveProperty('hybridAzureADJoinSkipConnectivityCheck');
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const got = await f.call(f.contoso, 'GET', `${PROFILES}/${id.toUpperCase()}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, displayName: 'Sales laptops', createdDateTime: created.body.createdDateTime });

    const hybrid = await f.call(f.contoso, 'POST', PROFILES, { '@odata.type': ACTIVE_DIRECTORY, displayName: 'Hybrid desks', hybridAzureADJoinSkipConnectivityCheck: true });
    expect(hybrid.status).toBe(201);
    expect(hybrid.body).toMatchObject({ '@odata.type': ACTIVE_DIRECTORY, hybridAzureADJoinSkipConnectivityCheck: true, locale: 'os-default' });
    await createProfile(f, 'Kiosks');

    const page1 = await f.call(f.contoso, 'GET', `${PROFILES}?$orderby=displayName desc&$select=displayName&$top=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.value).toEqual([
      { '@odata.type': AZURE_AD, id, displayName: 'Sales laptops' },
      expect.objectContaining({ displayName: 'Kiosks' }),
    ]);
    expect(page1.body['@odata.context']).toMatch(/windowsAutopilotDeploymentProfiles\(displayName\)$/);
    const page2 = await f.call(f.contoso, 'GET', (page1.body['@odata.nextLink'] as string).replace(/^https?:\/\/[^/]+/, ''));
    expect(page2.body.value.map((p: { displayName: string }) => p.displayName)).toEqual(['Hybrid desks']);
    expect(page2.body).not.toHaveProperty('@odata.nextLink');
    const skipped = await f.call(f.contoso, 'GET', `${PROFILES}?$orderby=displayName&$skip=1&$top=1`);
    expect(skipped.body.value.map((p: { displayName: string }) => p.displayName)).toEqual(['Kiosks']);
    const byName = await f.call(f.contoso, 'GET', `${PROFILES}?$filter=displayName eq 'kiosks'`);
    expect(byName.body.value.map((p: { displayName: string }) => p.displayName)).toEqual(['Kiosks']);

    f.clock.offsetMs += 60_000;
    const patched = await f.call(f.contoso, 'PATCH', `${PROFILES}/${id}`, {
      '@odata.type': AZURE_AD,
      displayName: 'Sales notebooks',
      outOfBoxExperienceSetting: { userType: 'standard' },
      locale: 'os-default',
    });
    expect(patched.status).toBe(204);
    const after = (await f.call(f.contoso, 'GET', `${PROFILES}/${id}`)).body;
    expect(after).toMatchObject({
      displayName: 'Sales notebooks',
      description: 'User-driven',
      locale: 'os-default',
      createdDateTime: created.body.createdDateTime,
      outOfBoxExperienceSetting: { userType: 'standard', privacySettingsHidden: true, keyboardSelectionPageSkipped: true },
    });
    expect(after.lastModifiedDateTime > created.body.lastModifiedDateTime).toBe(true);

    expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${id}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${PROFILES}/${id}`)).status).toBe(404);
  });

  it('refuses bad input with a message naming the field', async () => {
    const bad = async (body: Record<string, unknown>, message: RegExp): Promise<void> => {
      const res = await f.call(f.contoso, 'POST', PROFILES, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    };
    await bad({ displayName: 'x' }, /@odata\.type is required/);
    await bad({ '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfile', displayName: 'x' }, /not a deployment profile type/);
    await bad({ '@odata.type': AZURE_AD }, /displayName is required/);
    await bad({ '@odata.type': AZURE_AD, displayName: '   ' }, /displayName is required/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x'.repeat(201) }, /displayName/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', description: 'd'.repeat(1501) }, /description/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', deviceNameTemplate: 'ABCDEFGHIJKLMNOP' }, /deviceNameTemplate is 16 characters/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', deviceNameTemplate: 'PC_%RAND:3%' }, /deviceNameTemplate may contain only/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', deviceNameTemplate: '%RAND:4%' }, /digits only/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', hybridAzureADJoinSkipConnectivityCheck: true }, /hybridAzureADJoinSkipConnectivityCheck applies only/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', locale: 'not a locale' }, /locale/);
    await bad({ '@odata.type': AZURE_AD, displayName: 'x', outOfBoxExperienceSetting: { userType: 'root' } }, /userType/);

    const id = await createProfile(f, 'Sales');
    const retype = await f.call(f.contoso, 'PATCH', `${PROFILES}/${id}`, { '@odata.type': ACTIVE_DIRECTORY });
    expect(retype.status).toBe(400);
    expect(retype.body.error.message).toMatch(/@odata\.type cannot change/);
    const badPatch = await f.call(f.contoso, 'PATCH', `${PROFILES}/${id}`, { deviceNameTemplate: 'TOO-LONG-%RAND:9%' });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.message).toMatch(/deviceNameTemplate produces names of 18 characters/);
  });

  it('keeps tenants apart and needs the ReadWrite role to write', async () => {
    const id = await createProfile(f, 'Contoso only');
    expect((await f.call(f.fabrikam, 'GET', `${PROFILES}/${id}`)).status).toBe(404);
    expect((await f.call(f.fabrikam, 'DELETE', `${PROFILES}/${id}`)).status).toBe(404);
    expect((await f.call(f.fabrikam, 'GET', PROFILES)).body.value).toEqual([]);

    const reader = await f.appWithRoles(['DeviceManagementServiceConfig.Read.All']);
    expect((await f.call(reader, 'GET', `${PROFILES}/${id}`)).status).toBe(200);
    expect((await f.call(reader, 'POST', PROFILES, { '@odata.type': AZURE_AD, displayName: 'x' })).status).toBe(403);
    expect((await f.call(reader, 'PATCH', `${PROFILES}/${id}`, { displayName: 'y' })).status).toBe(403);
    expect((await f.call(reader, 'DELETE', `${PROFILES}/${id}`)).status).toBe(403);
    expect((await f.call(f.contoso, 'GET', `/v1.0/deviceManagement/windowsAutopilotDeploymentProfiles`)).status).toBe(404);
  });

  it('allows 350 profiles per tenant and refuses the 351st', async () => {
    const store = f.app.registry.store;
    const now = new Date().toISOString();
    const template = (await store.profiles.find(f.contoso.tenant.id, await createProfile(f, 'P-000'))) as DeploymentProfile;
    for (let i = 1; i < 350; i++) {
      await store.profiles.insert({ ...template, id: randomUUID(), displayName: `P-${String(i).padStart(3, '0')}`, createdAt: now, lastModifiedAt: now });
    }
    const refused = await f.call(f.contoso, 'POST', PROFILES, { '@odata.type': AZURE_AD, displayName: 'One too many' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/350 deployment profiles, the most Intune allows \(350\)/);
    // Another tenant is not affected.
    await createProfile(f, 'Fabrikam', {}, f.fabrikam);
  });

  it('assigns to groups, all devices and exclusions; refuses duplicates, unknown groups and deleting while assigned', async () => {
    const profileId = await createProfile(f, 'Sales laptops');
    const sales = await createGroup(f, 'Sales devices');
    const excluded = await createGroup(f, 'Excluded devices');

    const groupAssignment = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target: groupTarget(sales.toUpperCase()) });
    expect(groupAssignment.status).toBe(201);
    expect(groupAssignment.body).toEqual({
      '@odata.context': expect.stringMatching(/\/beta\/\$metadata#deviceManagement\/windowsAutopilotDeploymentProfiles\('.+'\)\/assignments\/\$entity$/),
      '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
      id: `${profileId}_${sales}`,
      target: {
        '@odata.type': '#microsoft.graph.groupAssignmentTarget',
        deviceAndAppManagementAssignmentFilterId: null,
        deviceAndAppManagementAssignmentFilterType: 'none',
        groupId: sales,
      },
      source: 'direct',
      sourceId: '',
    });
    expect(await assign(f, profileId, allDevicesTarget)).toBe(`${profileId}_${ALL_DEVICES_ID}`);
    expect(await assign(f, profileId, exclusionTarget(excluded))).toBe(`${profileId}_${excluded}`);

    const duplicate = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target: groupTarget(sales) });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toMatch(/already has an assignment/);
    const unknownGroup = randomUUID();
    const missing = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target: groupTarget(unknownGroup) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain(`target.groupId: no group with id '${unknownGroup}'`);
    const noGroup = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget' } });
    expect(noGroup.status).toBe(400);
    expect(noGroup.body.error.message).toMatch(/target\.groupId is required/);
    const badType = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, { target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/target\.@odata\.type/);
    const filtered = await f.call(f.contoso, 'POST', `${PROFILES}/${profileId}/assignments`, {
      target: { ...groupTarget(excluded), deviceAndAppManagementAssignmentFilterId: randomUUID(), deviceAndAppManagementAssignmentFilterType: 'include' },
    });
    expect(filtered.status).toBe(400);
    expect(filtered.body.error.message).toMatch(/assignment filters are not supported/);
    // Another tenant's group does not exist for this one.
    const otherTenantProfile = await createProfile(f, 'Fabrikam', {}, f.fabrikam);
    const crossTenant = await f.call(f.fabrikam, 'POST', `${PROFILES}/${otherTenantProfile}/assignments`, { target: groupTarget(sales) });
    expect(crossTenant.status).toBe(400);

    const list = await f.call(f.contoso, 'GET', `${PROFILES}/${profileId}/assignments`);
    expect(list.status).toBe(200);
    expect(list.body.value.map((a: { id: string }) => a.id)).toEqual([`${profileId}_${sales}`, `${profileId}_${ALL_DEVICES_ID}`, `${profileId}_${excluded}`]);
    expect(list.body.value[1].target).toEqual({
      '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget',
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: 'none',
    });
    const one = await f.call(f.contoso, 'GET', `${PROFILES}/${profileId}/assignments/${profileId}_${excluded}`);
    expect(one.body.target).toMatchObject({ '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: excluded });
    expect((await f.call(f.contoso, 'GET', `${PROFILES}/${profileId}/assignments/${profileId}_${unknownGroup}`)).status).toBe(404);

    const refused = await f.call(f.contoso, 'DELETE', `${PROFILES}/${profileId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'Conflict',
      message: 'Cannot delete Sales laptops. The profile is assigned to groups. You must unassign all groups from this profile before you can delete it.',
    });

    for (const assignment of list.body.value as { id: string }[]) {
      expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${profileId}/assignments/${assignment.id}`)).status).toBe(204);
    }
    expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${profileId}/assignments/${profileId}_${sales}`)).status).toBe(404);
    expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${profileId}`)).status).toBe(204);
  });

  it('resolves profiles from group assignments: oldest wins, exclusions, all devices as the default, and back to notAssigned', async () => {
    const [d1, d2, d3] = await importDevices(f, [1, 2, 3]);
    for (const d of [d1, d2, d3]) expect(await profileOf(f, d.deviceId)).toEqual({ profile: null, intended: null, status: 'notAssigned', assignedAt: NEVER });

    const older = await createProfile(f, 'Older');
    f.clock.offsetMs += 1000;
    const newer = await createProfile(f, 'Newer');
    f.clock.offsetMs += 1000;
    const newest = await createProfile(f, 'Newest');
    const groupA = await createGroup(f, 'Group A');
    const groupB = await createGroup(f, 'Group B');
    await addMember(f, groupA, d1.entraObjectId);
    await addMember(f, groupA, d2.entraObjectId);
    await addMember(f, groupB, d2.entraObjectId);

    f.clock.offsetMs += 1000;
    const newerToA = await assign(f, newer, groupTarget(groupA));
    const firstAssigned = await profileOf(f, d1.deviceId);
    expect(firstAssigned).toMatchObject({ profile: newer, intended: newer, status: 'assignedUnkownSyncState' });
    expect(firstAssigned.assignedAt).not.toBe(NEVER);
    expect((await profileOf(f, d2.deviceId)).profile).toBe(newer);
    expect(await profileOf(f, d3.deviceId)).toMatchObject({ profile: null, status: 'notAssigned', assignedAt: NEVER });

    // The oldest created profile wins for the device in both groups.
    f.clock.offsetMs += 1000;
    await assign(f, older, groupTarget(groupB));
    expect((await profileOf(f, d2.deviceId)).profile).toBe(older);
    // d1 did not change, and neither did its assigned time.
    expect(await profileOf(f, d1.deviceId)).toEqual(firstAssigned);

    // Excluding a group d2 is in from the older profile hands d2 back to the newer one.
    const groupC = await createGroup(f, 'Group C');
    await addMember(f, groupC, d2.entraObjectId);
    await assign(f, older, exclusionTarget(groupC));
    expect((await profileOf(f, d2.deviceId)).profile).toBe(newer);

    // All devices: the default for d3; d1 keeps its older group profile.
    const allDevices = await assign(f, newest, allDevicesTarget);
    expect((await profileOf(f, d3.deviceId)).profile).toBe(newest);
    expect((await profileOf(f, d1.deviceId)).profile).toBe(newer);

    const assigned = await f.call(f.contoso, 'GET', `${PROFILES}/${newer}/assignedDevices`);
    expect(assigned.status).toBe(200);
    expect(assigned.body.value.map((d: { id: string }) => d.id).sort()).toEqual([d1.deviceId, d2.deviceId].sort());
    expect(assigned.body.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity', deploymentProfileAssignmentStatus: 'assignedUnkownSyncState' });
    const pageOne = await f.call(f.contoso, 'GET', `${PROFILES}/${newer}/assignedDevices?$top=1`);
    expect(pageOne.body.value).toHaveLength(1);
    expect(pageOne.body['@odata.nextLink']).toMatch(/\$skip=1/);

    // A member leaving the group is re-resolved: d1 falls back to the all-devices profile.
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${groupA}/members/${d1.entraObjectId}/$ref`)).status).toBe(204);
    expect((await profileOf(f, d1.deviceId)).profile).toBe(newest);

    await f.call(f.contoso, 'DELETE', `${PROFILES}/${newest}/assignments/${allDevices}`);
    await f.call(f.contoso, 'DELETE', `${PROFILES}/${newer}/assignments/${newerToA}`);
    for (const d of [d1, d2, d3]) expect(await profileOf(f, d.deviceId)).toEqual({ profile: null, intended: null, status: 'notAssigned', assignedAt: NEVER });
  });

  it('drops the assignments of a deleted group at once (Intune: within ~7 days), so its devices fall back and the profile can go', async () => {
    const [dev] = await importDevices(f, [7301]);
    const groupId = await createGroup(f, 'Short-lived');
    await addMember(f, groupId, dev.entraObjectId);
    const fallback = await createProfile(f, 'Default');
    await assign(f, fallback, allDevicesTarget);
    const specific = await createProfile(f, 'Specific');
    await assign(f, specific, groupTarget(groupId));
    // The all-devices profile is older, so it wins while both apply.
    expect((await profileOf(f, dev.deviceId)).profile).toBe(fallback);

    expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${specific}`)).status).toBe(409);
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${groupId}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `${PROFILES}/${specific}/assignments`)).body.value).toEqual([]);
    expect((await f.call(f.contoso, 'GET', `${PROFILES}/${fallback}/assignments`)).body.value).toHaveLength(1);
    expect((await profileOf(f, dev.deviceId)).profile).toBe(fallback);
    expect((await f.call(f.contoso, 'DELETE', `${PROFILES}/${specific}`)).status).toBe(204);
  });

  it('re-resolves the members of a deleted group that gave them their profile', async () => {
    const [dev] = await importDevices(f, [7311]);
    const specific = await createProfile(f, 'Group profile');
    const groupId = await createGroup(f, 'Holder');
    await addMember(f, groupId, dev.entraObjectId);
    await assign(f, specific, groupTarget(groupId));
    expect((await profileOf(f, dev.deviceId)).profile).toBe(specific);
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${groupId}`)).status).toBe(204);
    expect(await profileOf(f, dev.deviceId)).toMatchObject({ profile: null, intended: null, status: 'notAssigned' });
  });

  it('gives a device imported with a group tag the profile of the dynamic group that picks it up', async () => {
    const group = await createGroup(f, 'Sales tag', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');
    const profileId = await createProfile(f, 'Sales');
    await assign(f, profileId, groupTarget(group));
    const [sales] = await importDevices(f, [11], 'Sales');
    const [other] = await importDevices(f, [12], 'Other');
    expect(await profileOf(f, sales.deviceId)).toMatchObject({ profile: profileId, status: 'assignedUnkownSyncState' });
    expect((await profileOf(f, other.deviceId)).profile).toBeNull();

    // A new group tag moves the device out of the group, and the profile goes with it.
    const moved = await f.call(f.contoso, 'POST', `${V1_DEVICES}/${sales.deviceId}/updateDeviceProperties`, { groupTag: 'Marketing' });
    expect(moved.status).toBe(204);
    expect((await profileOf(f, sales.deviceId)).profile).toBeNull();
  });

  it('registers devices into exactly the groups and profiles that re-evaluating them afterwards finds (the worker resolves new devices from the objects in hand)', async () => {
    const sales = await createGroup(f, 'Sales tag', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');
    const autopilot = await createGroup(f, 'Every Autopilot device', '(device.devicePhysicalIds -any (_ -startsWith "[ZTDId]"))');
    const lab = await createGroup(f, 'Lab tag', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Lab"))');
    await createGroup(f, 'Paused', undefined);
    const salesProfile = await createProfile(f, 'Sales');
    f.clock.offsetMs += 1000;
    const everyone = await createProfile(f, 'Everyone');
    await assign(f, salesProfile, groupTarget(sales));
    await assign(f, everyone, allDevicesTarget);
    await assign(f, salesProfile, exclusionTarget(lab));
    const devices = [...(await importDevices(f, [31, 32], 'Sales')), ...(await importDevices(f, [33], 'Lab')), ...(await importDevices(f, [34, 35]))];
    const tenantId = f.contoso.tenant.id;
    const store = f.app.registry.store;
    const snapshot = async () => ({
      memberships: (await store.directory.membershipsOf(tenantId, devices.map((d) => d.entraObjectId))).map((m) => `${m.groupId}|${m.memberId}`).sort(),
      profiles: await Promise.all(devices.map((d) => profileOf(f, d.deviceId))),
    });
    const registered = await snapshot();
    expect(registered.memberships).toHaveLength(5 + 2 + 1);
    expect(registered.memberships).toContain(`${autopilot}|${devices[4]!.entraObjectId}`);
    expect(registered.profiles.map((p) => p.profile)).toEqual([salesProfile, salesProfile, everyone, everyone, everyone]);
    await store.transaction((tx) => afterDevicesChanged(tx, tenantId, devices.map((d) => d.entraObjectId), new Date().toISOString()));
    expect(await snapshot()).toEqual(registered);
  });

  it('reports the sync state against the profile the device last downloaded', async () => {
    const [device] = await importDevices(f, [21]);
    const first = await createProfile(f, 'First');
    f.clock.offsetMs += 1000;
    const second = await createProfile(f, 'Second');
    const group = await createGroup(f, 'Devices');
    await addMember(f, group, device.entraObjectId);
    const secondToGroup = await assign(f, second, groupTarget(group));
    expect((await profileOf(f, device.deviceId)).status).toBe('assignedUnkownSyncState');

    // The device downloads its profile (what the OOBE endpoint records), then resolution runs again.
    await f.app.registry.store.devices.update(f.contoso.tenant.id, device.deviceId, { deliveredProfileId: second }, new Date().toISOString());
    await assign(f, second, allDevicesTarget);
    expect(await profileOf(f, device.deviceId)).toMatchObject({ profile: second, status: 'assignedInSync' });

    // An older profile takes over: the device still has the other one.
    await assign(f, first, groupTarget(group));
    expect(await profileOf(f, device.deviceId)).toMatchObject({ profile: first, status: 'assignedOutOfSync' });
    await f.call(f.contoso, 'DELETE', `${PROFILES}/${first}/assignments/${first}_${group}`);
    expect(await profileOf(f, device.deviceId)).toMatchObject({ profile: second, status: 'assignedInSync' });
    await f.call(f.contoso, 'DELETE', `${PROFILES}/${second}/assignments/${secondToGroup}`);
    await f.call(f.contoso, 'DELETE', `${PROFILES}/${second}/assignments/${second}_${ALL_DEVICES_ID}`);
    expect(await profileOf(f, device.deviceId)).toMatchObject({ profile: null, status: 'notAssigned', assignedAt: NEVER });
  });

  it('expands deploymentProfile and intendedDeploymentProfile on beta GET and list, and refuses other expansions', async () => {
    const [withProfile, without] = await importDevices(f, [31, 32]);
    const profileId = await createProfile(f, 'Expanded', { deviceNameTemplate: 'EXP-%RAND:4%' });
    const group = await createGroup(f, 'Expand group');
    await addMember(f, group, withProfile.entraObjectId);
    await assign(f, profileId, groupTarget(group));

    const one = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${withProfile.deviceId}?$expand=deploymentProfile`);
    expect(one.status).toBe(200);
    expect(one.body.deploymentProfile).toMatchObject({ '@odata.type': AZURE_AD, id: profileId, displayName: 'Expanded', deviceNameTemplate: 'EXP-%RAND:4%' });
    expect(one.body).not.toHaveProperty('intendedDeploymentProfile');
    expect(one.body).toMatchObject({ deploymentProfileAssignmentDetailedStatus: 'none', remediationState: 'noRemediationRequired', remediationStateLastModifiedDateTime: NEVER });
    const plain = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${withProfile.deviceId}`);
    expect(plain.body).not.toHaveProperty('deploymentProfile');

    const list = await f.call(f.contoso, 'GET', `${BETA_DEVICES}?$expand=deploymentProfile,intendedDeploymentProfile&$select=serialNumber&$top=1&$orderby=serialNumber`);
    expect(list.status).toBe(200);
    expect(list.body['@odata.nextLink']).toContain('$expand=deploymentProfile,intendedDeploymentProfile');
    const second = await f.call(f.contoso, 'GET', (list.body['@odata.nextLink'] as string).replace(/^https?:\/\/[^/]+/, ''));
    const items = [...list.body.value, ...second.body.value] as Record<string, unknown>[];
    const byId = new Map(items.map((d) => [d.id as string, d]));
    expect(byId.get(withProfile.deviceId)).toMatchObject({
      serialNumber: withProfile.serialNumber,
      deploymentProfile: { id: profileId },
      intendedDeploymentProfile: { id: profileId },
    });
    expect(byId.get(without.deviceId)).toMatchObject({ deploymentProfile: null, intendedDeploymentProfile: null });
    expect(byId.get(without.deviceId)).not.toHaveProperty('groupTag');

    const filtered = await f.call(f.contoso, 'GET', `${BETA_DEVICES}?$filter=deploymentProfileAssignmentStatus eq 'notAssigned'`);
    expect(filtered.body.value.map((d: { id: string }) => d.id)).toEqual([without.deviceId]);

    const unknown = await f.call(f.contoso, 'GET', `${BETA_DEVICES}/${withProfile.deviceId}?$expand=deploymentProfile,assignedUser`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("'assignedUser'");
    const unknownOnList = await f.call(f.contoso, 'GET', `${BETA_DEVICES}?$expand=foo`);
    expect(unknownOnList.status).toBe(400);
    expect(unknownOnList.body.error.message).toContain("'foo'");
    const v1 = await f.call(f.contoso, 'GET', `${V1_DEVICES}/${withProfile.deviceId}?$expand=deploymentProfile`);
    expect(v1.status).toBe(400);
    const v1Plain = await f.call(f.contoso, 'GET', `${V1_DEVICES}/${withProfile.deviceId}`);
    expect(v1Plain.body).not.toHaveProperty('deploymentProfileAssignmentStatus');
  });

  it('exports the AutopilotConfigurationFile.json of a profile as pure ASCII with the exact field names', async () => {
    const profileId = await createProfile(f, 'Büro Geräte ☃', {
      deviceNameTemplate: 'BUERO-%SERIAL%',
      locale: 'de-DE',
      outOfBoxExperienceSetting: { privacySettingsHidden: true, eulaHidden: true, userType: 'standard', deviceUsageType: 'singleUser', keyboardSelectionPageSkipped: true, escapeLinkHidden: true },
    });
    const res = await f.app.inject({
      method: 'GET',
      url: `${PROFILES}/${profileId}/autopilotConfigurationFile`,
      headers: { authorization: `Bearer ${await f.token(f.contoso)}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="AutopilotConfigurationFile.json"');
    expect([...res.rawPayload].every((byte) => byte < 0x80)).toBe(true);
    const file = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(CONFIGURATION_FILE_FIELDS);
    expect(file).toEqual({
      Version: 2049,
      CloudAssignedTenantId: f.contoso.tenant.id,
      CloudAssignedTenantDomain: 'contoso.onmicrosoft.com',
      CloudAssignedOobeConfig: 8 + 256 + 2 + 4 + 16 + 1024,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: profileId,
      CloudAssignedAadServerData: JSON.stringify({ ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: 1, CloudAssignedTenantDomain: 'contoso.onmicrosoft.com' } }),
      CloudAssignedDeviceName: 'BUERO-%SERIAL%',
      CloudAssignedLanguage: 'de-DE',
      Comment_File: 'Profile Büro Geräte ☃',
    });
    expect((await f.call(f.fabrikam, 'GET', `${PROFILES}/${profileId}/autopilotConfigurationFile`)).status).toBe(404);
  });
});
