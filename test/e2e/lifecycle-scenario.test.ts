// Done-when for the device lifecycle (issue 4), against the real `tarmac serve` on SQLite and on PostgreSQL:
// register with a group tag → the dynamic group picks it up → its profile is assigned → OOBE returns that profile →
// enroll → the device is in Entra (joined) and Intune (company) → deregistration in the wrong order is refused with
// the right message, in the right order succeeds; Entra-registered and MDM-only devices are refused until removed;
// an unregistered device gets 404; a changed motherboard is flagged.
// The same walk through the CLI is test/e2e/lifecycle-cli.test.ts.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresScratch } from '../support/test-databases.js';
import { labHash, swappedBoardHash } from '../support/lab-devices.js';
import { userDrivenProfileBody } from '../support/profiles.js';
import { demoOf, getToken, killAll, removeTemps, serve, tempDir, type Served } from '../support/serve-process.js';

afterEach(killAll);
afterAll(removeTemps);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Client {
  graph(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  device(path: string, body: unknown): Promise<{ status: number; body: Json; headers: Headers }>;
}

async function client(served: Served): Promise<Client> {
  const demo = demoOf(served.stdout());
  const token = await getToken(served.url, demo.tenant, demo.clientId, demo.clientSecret);
  const call = async (method: string, path: string, body: unknown, auth: boolean) => {
    const res = await fetch(`${served.url}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
  };
  return {
    graph: (method, path, body) => call(method, path, body, true),
    device: (path, body) => call('POST', path, body, false),
  };
}

const AP = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';

async function importOne(c: Client, hash: string, serial: string, extra: Record<string, string> = {}): Promise<Json> {
  const created = await c.graph('POST', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities', {
    serialNumber: serial,
    hardwareIdentifier: hash,
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (let i = 0; i < 200; i++) {
    const got = await c.graph('GET', `/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/${created.body.id}`);
    const state = got.body.state;
    if (state.deviceImportStatus === 'complete' || state.deviceImportStatus === 'error') return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

// Both engines whatever TARMAC_TEST_ENGINES says (test-databases.ts): .ci/run's SQLite-only Node 24 pass still drives
// PostgreSQL through the real server and the pg driver here.
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`device lifecycle against tarmac serve (${engine})`, () => {
    it(
      'walks registration, groups, profiles, OOBE, enrollment, guardrails, hardware change and deregistration',
      async () => {
        const dir = tempDir();
        const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
        try {
          const served = await serve({ TARMAC_DATA_DIR: join(dir, 'data'), ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}) });
          const c = await client(served);

          // An unregistered device asks for its profile: 404 ZtdDeviceIsNotRegistered.
          const stranger = await c.device('/oobe/v1/profile', { hardwareHash: labHash(900, 'LAB-NOBODY') });
          expect(stranger.status).toBe(404);
          expect(JSON.stringify(stranger.body)).toContain('ZtdDeviceIsNotRegistered');

          // A dynamic group over the group tag, and a profile assigned to it.
          const group = await c.graph('POST', '/v1.0/groups', {
            displayName: 'Lab devices',
            mailNickname: 'labdevices',
            mailEnabled: false,
            securityEnabled: true,
            groupTypes: ['DynamicMembership'],
            membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Lab"))',
            membershipRuleProcessingState: 'On',
          });
          expect(group.status, JSON.stringify(group.body)).toBe(201);
          const profile = await c.graph(
            'POST',
            '/beta/deviceManagement/windowsAutopilotDeploymentProfiles',
            userDrivenProfileBody({ displayName: 'Lab user-driven', description: 'Scenario profile', deviceNameTemplate: 'LAB-%SERIAL%' }),
          );
          expect(profile.status, JSON.stringify(profile.body)).toBe(201);
          const assigned = await c.graph('POST', `/beta/deviceManagement/windowsAutopilotDeploymentProfiles/${profile.body.id}/assignments`, {
            target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.body.id },
          });
          expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
          expect(assigned.body.id).toBe(`${profile.body.id}_${group.body.id}`);

          // Register with the group tag (and an assigned user).
          const hashA = labHash(901, 'LABA001');
          const stateA = await importOne(c, hashA, 'LABA001', { groupTag: 'Lab', assignedUserPrincipalName: 'ada@contoso.example' });
          expect(stateA.deviceImportStatus).toBe('complete');
          const ztdA: string = stateA.deviceRegistrationId;

          // The dynamic group picked it up, and the profile is assigned.
          const members = await c.graph('GET', `/v1.0/groups/${group.body.id}/members`);
          const entraA = members.body.value.find((m: Json) => (m.physicalIds as string[]).includes(`[ZTDID]:${ztdA}`));
          expect(entraA, JSON.stringify(members.body)).toBeDefined();
          const apA = await c.graph('GET', `${AP}/${ztdA}?$expand=deploymentProfile,intendedDeploymentProfile`);
          expect(apA.status).toBe(200);
          expect(apA.body.deploymentProfile.id).toBe(profile.body.id);
          expect(apA.body.intendedDeploymentProfile.id).toBe(profile.body.id);
          expect(apA.body.deploymentProfileAssignmentStatus).toMatch(/^assigned/);
          expect(apA.body.deploymentProfileAssignedDateTime).toBeTruthy();

          // OOBE: the device downloads that profile.
          const oobe = await c.device('/oobe/v1/profile', { hardwareHash: hashA });
          expect(oobe.status, JSON.stringify(oobe.body)).toBe(200);
          expect(oobe.body.Version).toBe(2049);
          expect(oobe.body.ZtdCorrelationId).toBe(profile.body.id);
          expect(oobe.body.CloudAssignedTenantDomain).toMatch(/onmicrosoft\.com$/);
          expect(oobe.body.CloudAssignedDeviceName).toBe('LAB-LABA001');
          expect(oobe.body.Comment_File).toContain('Lab user-driven');
          const contacted = await c.graph('GET', `${AP}/${ztdA}`);
          expect(contacted.body.lastContactedDateTime).not.toBe('0001-01-01T00:00:00Z');
          expect(contacted.body.deploymentProfileAssignmentStatus).toBe('assignedInSync');

          // First Autopilot run: Entra join and Intune enrollment.
          const enrolled = await c.device('/oobe/v1/enroll', { hardwareHash: hashA, userPrincipalName: 'ada@contoso.example' });
          expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
          const apEnrolled = await c.graph('GET', `${AP}/${ztdA}`);
          expect(apEnrolled.body.enrollmentState).toBe('enrolled');
          const managedId: string = apEnrolled.body.managedDeviceId;
          expect(managedId).toBeTruthy();
          const joined = await c.graph('GET', `/v1.0/devices?$filter=physicalIds/any(p:startswith(p,'[ZTDID]'))`);
          const joinedA = joined.body.value.find((d: Json) => d.deviceId === apEnrolled.body.azureActiveDirectoryDeviceId);
          expect(joinedA.trustType).toBe('AzureAd');
          expect(joinedA.displayName).toBe('LAB-LABA001');
          const managed = await c.graph('GET', `/v1.0/deviceManagement/managedDevices/${managedId}`);
          expect(managed.status).toBe(200);
          expect(managed.body.managedDeviceOwnerType).toBe('company');
          expect(managed.body.serialNumber).toBe('LABA001');
          expect(managed.body.azureADDeviceId).toBe(apEnrolled.body.azureActiveDirectoryDeviceId);

          // Deregistration in the wrong order: refused, naming what to do first.
          const early = await c.graph('DELETE', `${AP}/${ztdA}`);
          expect(early.status).toBeGreaterThanOrEqual(400);
          expect(early.body.error.message).toContain(managedId);
          const entraDelete = await c.graph('DELETE', `/v1.0/devices/${joinedA.id}`);
          expect(entraDelete.status).toBe(400);
          expect(entraDelete.body.error.message).toMatch(/Autopilot/);
          expect((await c.graph('DELETE', `/v1.0/deviceManagement/managedDevices/${managedId}`)).status).toBe(204);
          const userStill = await c.graph('DELETE', `${AP}/${ztdA}`);
          expect(userStill.status).toBeGreaterThanOrEqual(400);
          expect(userStill.body.error.message).toMatch(/unassign/i);
          expect((await c.graph('POST', `${AP}/${ztdA}/unassignUserFromDevice`)).status).toBe(204);
          expect((await c.graph('DELETE', `${AP}/${ztdA}`)).status).toBe(204);
          expect((await c.graph('GET', `${AP}/${ztdA}`)).status).toBe(404);
          // The joined Entra object stays (not deleted by hand), without its Autopilot physicalIds.
          const kept = await c.graph('GET', `/v1.0/devices/${joinedA.id}`);
          expect(kept.status).toBe(200);
          expect((kept.body.physicalIds as string[]).some((p) => p.startsWith('[ZTDID]'))).toBe(false);

          // An Entra registered (workplace-joined) device is refused with 814 until its Entra object is removed.
          const hashB = labHash(902, 'LABB002');
          const wj = await c.device('/oobe/v1/workplace-join', { hardwareHash: hashB, userPrincipalName: 'bob@' + oobe.body.CloudAssignedTenantDomain, mdm: false });
          expect(wj.status, JSON.stringify(wj.body)).toBe(201);
          const refusedB = await importOne(c, hashB, 'LABB002');
          expect([refusedB.deviceErrorCode, refusedB.deviceErrorName]).toEqual([814, 'ZtdDeviceAlreadyAadRegistered']);
          const workplace = await c.graph('GET', `/v1.0/devices?$filter=trustType eq 'Workplace'`);
          expect(workplace.body.value).toHaveLength(1);
          expect((await c.graph('DELETE', `/v1.0/devices/${workplace.body.value[0].id}`)).status).toBe(204);
          const stateB = await importOne(c, hashB, 'LABB002');
          expect(stateB.deviceImportStatus).toBe('complete');

          // A personal MDM-only enrollment: refused (814 while the Entra object exists, then Tarmac's MDM-only code)
          // until both the Entra object and the Intune record are removed.
          const hashC = labHash(903, 'LABC003');
          const mdm = await c.device('/oobe/v1/workplace-join', { hardwareHash: hashC, userPrincipalName: 'cy@' + oobe.body.CloudAssignedTenantDomain, mdm: true });
          expect(mdm.status, JSON.stringify(mdm.body)).toBe(201);
          expect((await importOne(c, hashC, 'LABC003')).deviceErrorCode).toBe(814);
          const regC = await c.graph('GET', `/v1.0/devices?$filter=trustType eq 'Workplace'`);
          expect((await c.graph('DELETE', `/v1.0/devices/${regC.body.value[0].id}`)).status).toBe(204);
          const mdmOnly = await importOne(c, hashC, 'LABC003');
          expect(mdmOnly.deviceImportStatus).toBe('error');
          expect(mdmOnly.deviceErrorName).toMatch(/Mdm/);
          const personal = await c.graph('GET', `/v1.0/deviceManagement/managedDevices?$filter=managedDeviceOwnerType eq 'personal'`);
          expect(personal.body.value).toHaveLength(1);
          expect((await c.graph('DELETE', `/v1.0/deviceManagement/managedDevices/${personal.body.value[0].id}`)).status).toBe(204);
          expect((await importOne(c, hashC, 'LABC003')).deviceImportStatus).toBe('complete');

          // A changed motherboard on a registered device is flagged, not silently accepted.
          const swapped = await c.device('/oobe/v1/profile', { hardwareHash: swappedBoardHash(902, 'LABB002') });
          expect(swapped.status).toBe(200);
          const apB = await c.graph('GET', `${AP}/${stateB.deviceRegistrationId}`);
          expect(apB.body.remediationState).toBe('manualRemediationRequired');
          expect(apB.body.remediationStateLastModifiedDateTime).toBeTruthy();
        } finally {
          await killAll();
          await scratch?.drop();
        }
      },
      180_000,
    );
  });
}
