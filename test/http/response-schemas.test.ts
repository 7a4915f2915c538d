// The documented response schemas change nothing that is sent: for a representative request per route, the body
// Tarmac answers with (schemas on) is byte for byte JSON.stringify of what the shape functions build from the stored
// objects — nothing dropped, coerced or reordered, $select order and $expand objects included — and it is an
// instance of the schema /openapi.json documents for it. On SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntraDevice } from '../../src/directory/entra-devices.js';
import { findGroup } from '../../src/directory/groups.js';
import { findManagedDevice } from '../../src/intune/index.js';
import type { EntityModel } from '../../src/model/index.js';
import { toGraphAutopilotDevice, toGraphAutopilotSettings, toGraphImportedDevice, withExpandedProfiles } from '../../src/http/routes/graph/autopilot-shapes.js';
import { toGraphDeploymentProfile, toGraphProfileAssignment } from '../../src/http/routes/graph/deployment-profile-shapes.js';
import { toGraphEntraDevice, toGraphGroup } from '../../src/http/routes/graph/directory-shapes.js';
import { selectFrom } from '../../src/http/routes/graph/graph-support.js';
import { toGraphManagedDevice } from '../../src/http/routes/graph/managed-device-shapes.js';
import { autopilotDeviceModel, deploymentProfileModel, entraDeviceModel, groupModel, importedDeviceModel, managedDeviceModel } from '../../src/store/index.js';
import { OrganizationSchema, toGraphOrganization } from '../../src/http/routes/graph/organization.js';
import {
  AutopilotDeviceSchema,
  AutopilotSettingsSchema,
  DeletedDeviceStateSchema,
  ImportedDeviceSchema,
  OffboardReportSchema,
} from '../../src/http/routes/graph/schemas/autopilot.js';
import { Collection, Entity, GraphErrorSchema, Loose, Shared } from '../../src/http/routes/graph/schemas/common.js';
import { EntraDeviceSchema, GroupSchema } from '../../src/http/routes/graph/schemas/directory.js';
import { ManagedDeviceSchema } from '../../src/http/routes/graph/schemas/intune.js';
import { ConfigurationFileSchema, DeploymentProfileSchema, ProfileAssignmentSchema } from '../../src/http/routes/graph/schemas/profiles.js';
import {
  CheckInResponse,
  EnrollResponse,
  HardwareChangeSchema,
  OobeErrorSchema,
  OobeProfileResponse,
  WorkplaceJoinResponse,
} from '../../src/http/routes/oobe-schemas.js';
import { syntheticInventory } from '../../src/hash/index.js';
import { autopilotConfigurationFile, toAsciiJson } from '../../src/profiles/configuration-file.js';
import { findAssignment, findProfile } from '../../src/profiles/index.js';
import { findDevice, getAutopilotSettings } from '../../src/registry/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { BETA_DEVICES, DEVICES, IMPORTS, PROFILES, device, newBoardOverrides, register } from '../support/device-side.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

FormatRegistry.Set('date-time', (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value));

const REFERENCES: TSchema[] = [
  GraphErrorSchema,
  OrganizationSchema,
  AutopilotDeviceSchema,
  ImportedDeviceSchema,
  AutopilotSettingsSchema,
  OffboardReportSchema,
  DeploymentProfileSchema,
  ProfileAssignmentSchema,
  ConfigurationFileSchema,
  EntraDeviceSchema,
  GroupSchema,
  ManagedDeviceSchema,
  OobeErrorSchema,
  HardwareChangeSchema,
];

const list = (entity: TSchema) => Collection(Shared(entity), '');
const entity = (schema: TSchema) => Entity(Shared(schema), '');

/** The body is an instance of the documented schema (the failures listed, readably). */
function conforms(schema: TSchema, body: unknown): void {
  const errors = [...Value.Errors(schema, REFERENCES, body)].map((e) => `${e.path || '/'}: ${e.message} (${JSON.stringify(e.value)})`);
  expect(errors).toEqual([]);
}

/** $select as the list routes apply it. */
const selected = (model: EntityModel, select: string[]) => ({ model, select });

interface Raw {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  headers: Record<string, unknown>;
}

afterAll(dropPostgresFileDatabase);

describe.each(ENGINES)('response schemas change no byte (%s)', (engine) => {
  let f: GraphFixture;
  let tenantId: string;
  const store = () => f.app.registry.store;

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, who: CreatedTenant = f.contoso): Promise<Raw> {
    const res = await f.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await f.token(who)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, text: res.body, json: res.body === '' ? undefined : res.json(), headers: res.headers };
  }

  /** The body is exactly JSON.stringify(expected), and an instance of its schema. */
  function same(res: Raw, status: number, expected: unknown, schema: TSchema): void {
    expect(res.status, res.text).toBe(status);
    expect(res.text).toBe(JSON.stringify(expected));
    conforms(schema, res.json);
  }

  /** `@odata.context`, `@odata.count` and `@odata.nextLink` as answered, around the expected items, in Graph's order. */
  function page(res: Raw, value: unknown[]) {
    const body = res.json as Record<string, unknown>;
    expect(body['@odata.context']).toEqual(expect.any(String));
    return {
      '@odata.context': body['@odata.context'],
      ...('@odata.count' in body ? { '@odata.count': body['@odata.count'] } : {}),
      value,
      ...('@odata.nextLink' in body ? { '@odata.nextLink': body['@odata.nextLink'] } : {}),
    };
  }

  const withContext = (res: Raw, shape: object) => ({ '@odata.context': (res.json as { '@odata.context': string })['@odata.context'], ...shape });

  // The scene: a dynamic group, two profiles (one hybrid) with group and exclusion assignments, three registered
  // devices (one tagged Sales, so it is in the group and gets the profile), one enrolled, a personal MDM-only PC.
  let groupId: string;
  let salesProfileId: string;
  let hybridProfileId: string;
  let tagged: string;
  let untagged: string;
  let spare: string;
  let profileDocument: Raw;
  let enrolled: Raw;
  let joined: Raw;
  let createdGroup: Raw;
  let createdProfile: Raw;
  let createdAssignment: Raw;

  beforeAll(async () => {
    f = await graphFixture(engine, { importWorker: { pollIntervalMs: 20 } });
    tenantId = f.contoso.tenant.id;
    createdGroup = await call('POST', '/v1.0/groups', {
      displayName: 'Sales devices',
      mailNickname: 'sales-devices',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
      membershipRuleProcessingState: 'On',
    });
    expect(createdGroup.status, createdGroup.text).toBe(201);
    groupId = createdGroup.json.id;
    createdProfile = await call('POST', PROFILES, {
      '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
      displayName: 'Sales laptops – Zürich',
      description: 'Ünïcödé survives',
      deviceNameTemplate: 'SL-%SERIAL%',
      locale: 'de-CH',
      enrollmentStatusScreenSettings: { hideInstallationProgress: true, customErrorMessage: null, installProgressTimeoutInMinutes: 60, nested: { a: [1, '2', null] } },
    });
    expect(createdProfile.status, createdProfile.text).toBe(201);
    salesProfileId = createdProfile.json.id;
    const hybrid = await call('POST', PROFILES, {
      '@odata.type': '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile',
      displayName: 'Hybrid desks',
      hybridAzureADJoinSkipConnectivityCheck: true,
      managementServiceAppId: null,
    });
    expect(hybrid.status, hybrid.text).toBe(201);
    hybridProfileId = hybrid.json.id;
    createdAssignment = await call('POST', `${PROFILES}/${salesProfileId}/assignments`, {
      target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId },
    });
    expect(createdAssignment.status, createdAssignment.text).toBe(201);
    const exclusion = await call('POST', `${PROFILES}/${hybridProfileId}/assignments`, {
      target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId },
    });
    expect(exclusion.status, exclusion.text).toBe(201);

    tagged = await register(f, f.contoso, syntheticHash(301), { groupTag: 'Sales' });
    untagged = await register(f, f.contoso, syntheticHash(302));
    spare = await register(f, f.contoso, syntheticHash(304));
    // As a PC does: the profile at OOBE, then the first Autopilot run under it.
    profileDocument = await device(f, 'profile', { hardwareHash: syntheticHash(301) }).then((r) => ({ ...r, json: r.body }));
    expect(profileDocument.status, profileDocument.text).toBe(200);
    enrolled = await device(f, 'enroll', { hardwareHash: syntheticHash(301), userPrincipalName: 'ada@contoso.onmicrosoft.com' }).then((r) => ({ ...r, json: r.body }));
    expect(enrolled.status, enrolled.text).toBe(200);
    joined = await device(f, 'workplace-join', { hardwareHash: syntheticHash(303), userPrincipalName: 'bo@contoso.onmicrosoft.com', mdm: true }).then((r) => ({
      ...r,
      json: r.body,
    }));
    expect(joined.status, joined.text).toBe(201);
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('windowsAutopilotDeviceIdentities: v1.0 list with $select (in $select order), $count and nextLink; v1.0 get', async () => {
    const res = await call('GET', `${DEVICES}?$select=serialNumber,enrollmentState,groupTag&$count=true&$top=2&$orderby=serialNumber`);
    expect(res.json['@odata.nextLink']).toEqual(expect.any(String));
    const devices = await Promise.all(res.json.value.map((d: { id: string }) => findDevice(store(), tenantId, d.id)));
    const select = selected(autopilotDeviceModel, ['serialNumber', 'enrollmentState', 'groupTag']);
    same(res, 200, page(res, devices.map((d) => selectFrom(toGraphAutopilotDevice(d, 'v1.0'), select))), list(AutopilotDeviceSchema));
    expect(Object.keys(res.json.value[0])).toEqual(['@odata.type', 'id', 'serialNumber', 'enrollmentState', 'groupTag']);
    expect(res.json['@odata.count']).toBe(3);

    const one = await call('GET', `${DEVICES}/${tagged}`);
    same(one, 200, withContext(one, toGraphAutopilotDevice(await findDevice(store(), tenantId, tagged), 'v1.0')), entity(AutopilotDeviceSchema));
  });

  it('windowsAutopilotDeviceIdentities: the beta shape, get with $expand (a profile and null), list with $select and $expand', async () => {
    const expand = ['deploymentProfile', 'intendedDeploymentProfile'] as const;
    const profiles = async (ids: (string | null)[]) =>
      new Map((await store().profiles.findMany(tenantId, ids.filter((id): id is string => id !== null))).map((p) => [p.id, p]));
    for (const id of [tagged, untagged]) {
      const res = await call('GET', `${BETA_DEVICES}/${id}?$expand=deploymentProfile,intendedDeploymentProfile`);
      const d = await findDevice(store(), tenantId, id);
      const byId = await profiles([d.deploymentProfileId, d.intendedDeploymentProfileId]);
      same(res, 200, withContext(res, withExpandedProfiles(toGraphAutopilotDevice(d, 'beta'), d, [...expand], byId)), entity(AutopilotDeviceSchema));
      if (id === tagged) expect(res.json.deploymentProfile).toMatchObject({ id: salesProfileId, enrollmentStatusScreenSettings: { nested: { a: [1, '2', null] } } });
      else expect(res.json.deploymentProfile).toBeNull();
    }
    const plain = await call('GET', `${BETA_DEVICES}/${tagged}`);
    const d = await findDevice(store(), tenantId, tagged);
    same(plain, 200, withContext(plain, toGraphAutopilotDevice(d, 'beta')), entity(AutopilotDeviceSchema));
    expect(plain.json).toMatchObject({ deviceAccountPassword: null, enrollmentState: 'enrolled', deploymentProfileAssignmentStatus: 'assignedInSync' });

    const res = await call('GET', `${BETA_DEVICES}?$select=remediationState,serialNumber&$expand=deploymentProfile&$top=2&$count=true`);
    const devices = await Promise.all(res.json.value.map((v: { id: string }) => findDevice(store(), tenantId, v.id)));
    const byId = await profiles(devices.map((x) => x.deploymentProfileId));
    const select = selected(autopilotDeviceModel, ['remediationState', 'serialNumber']);
    same(
      res,
      200,
      page(res, devices.map((x) => withExpandedProfiles(selectFrom(toGraphAutopilotDevice(x, 'beta'), select), x, ['deploymentProfile'], byId))),
      list(AutopilotDeviceSchema),
    );
  });

  it('managedDevices: a company device (get, v1.0) and the beta list with $select, a null enrollmentProfileName included', async () => {
    const id = enrolled.json.managedDevice.id as string;
    const one = await call('GET', `/v1.0/deviceManagement/managedDevices/${id}`);
    same(one, 200, withContext(one, toGraphManagedDevice(await findManagedDevice(store(), tenantId, id), 'v1.0')), entity(ManagedDeviceSchema));
    const beta = await call('GET', `/beta/deviceManagement/managedDevices/${joined.json.managedDevice.id}`);
    const personal = await findManagedDevice(store(), tenantId, joined.json.managedDevice.id);
    same(beta, 200, withContext(beta, toGraphManagedDevice(personal, 'beta')), entity(ManagedDeviceSchema));
    expect(beta.json.enrollmentProfileName).toBeNull();

    const res = await call('GET', '/beta/deviceManagement/managedDevices?$select=joinType,enrollmentProfileName,deviceName&$count=true');
    const items = await Promise.all(res.json.value.map((v: { id: string }) => findManagedDevice(store(), tenantId, v.id)));
    const select = selected(managedDeviceModel, ['joinType', 'enrollmentProfileName', 'deviceName']);
    same(res, 200, page(res, items.map((m) => selectFrom(toGraphManagedDevice(m, 'beta'), select))), list(ManagedDeviceSchema));
  });

  it('groups: create, get, a group with members (with $count and its text count), list with $select', async () => {
    same(createdGroup, 201, withContext(createdGroup, toGraphGroup(await findGroup(store(), tenantId, groupId))), entity(GroupSchema));
    const personal = await call('POST', '/v1.0/devices', {
      accountEnabled: true,
      alternativeSecurityIds: [{ type: 2, key: Buffer.from('BYOD-1').toString('base64') }],
      deviceId: randomUUID(),
      displayName: 'BYOD-1',
      operatingSystem: 'Windows',
      operatingSystemVersion: '10.0.22631.3880',
      trustType: 'Workplace',
      physicalIds: ['[OrderID]:Sales'],
    });
    same(personal, 201, withContext(personal, toGraphEntraDevice(await findEntraDevice(store(), tenantId, personal.json.id))), entity(EntraDeviceSchema));

    const one = await call('GET', `/beta/groups/${groupId}`);
    same(one, 200, withContext(one, toGraphGroup(await findGroup(store(), tenantId, groupId))), entity(GroupSchema));
    const members = await call('GET', `/v1.0/groups/${groupId}/members?$count=true`);
    expect(members.json.value.map((m: { id: string }) => m.id)).toContain(personal.json.id);
    expect(members.json.value).toHaveLength(2);
    const devices = await Promise.all(members.json.value.map((m: { id: string }) => findEntraDevice(store(), tenantId, m.id)));
    same(members, 200, page(members, devices.map(toGraphEntraDevice)), list(EntraDeviceSchema));
    const count = await call('GET', `/v1.0/groups/${groupId}/members/$count`);
    expect([count.status, count.text, count.headers['content-type']]).toEqual([200, '2', 'text/plain; charset=utf-8']);

    const groups = await call('GET', '/v1.0/groups?$select=membershipRule,displayName,description,groupTypes');
    const all = await Promise.all(groups.json.value.map((g: { id: string }) => findGroup(store(), tenantId, g.id)));
    const select = selected(groupModel, ['membershipRule', 'displayName', 'description', 'groupTypes']);
    same(groups, 200, page(groups, all.map((g) => selectFrom(toGraphGroup(g), select))), list(GroupSchema));
  });

  it('devices: list with $filter on physicalIds and $select, get', async () => {
    const res = await call('GET', "/v1.0/devices?$filter=physicalIds/any(p: startswith(p, '[ZTDID]'))&$select=physicalIds,trustType,deviceOwnership,approximateLastSignInDateTime&$count=true");
    expect(res.json['@odata.count']).toBe(3);
    const devices = await Promise.all(res.json.value.map((v: { id: string }) => findEntraDevice(store(), tenantId, v.id)));
    const select = selected(entraDeviceModel, ['physicalIds', 'trustType', 'deviceOwnership', 'approximateLastSignInDateTime']);
    same(res, 200, page(res, devices.map((e) => selectFrom(toGraphEntraDevice(e), select))), list(EntraDeviceSchema));
    const id = enrolled.json.entraDevice.id as string;
    const one = await call('GET', `/beta/devices/${id}`);
    same(one, 200, withContext(one, toGraphEntraDevice(await findEntraDevice(store(), tenantId, id))), entity(EntraDeviceSchema));
  });

  it('deployment profiles: create, get (both subtypes), list with $select, assignments, assignedDevices, the configuration file', async () => {
    same(createdProfile, 201, withContext(createdProfile, toGraphDeploymentProfile(await findProfile(store(), tenantId, salesProfileId))), entity(DeploymentProfileSchema));
    for (const id of [salesProfileId, hybridProfileId]) {
      const res = await call('GET', `${PROFILES}/${id}`);
      same(res, 200, withContext(res, toGraphDeploymentProfile(await findProfile(store(), tenantId, id))), entity(DeploymentProfileSchema));
    }
    const profiles = await call('GET', `${PROFILES}?$select=hybridAzureADJoinSkipConnectivityCheck,enrollmentStatusScreenSettings,displayName,managementServiceAppId&$count=true`);
    const items = await Promise.all(profiles.json.value.map((p: { id: string }) => findProfile(store(), tenantId, p.id)));
    const select = selected(deploymentProfileModel, ['hybridAzureADJoinSkipConnectivityCheck', 'enrollmentStatusScreenSettings', 'displayName', 'managementServiceAppId']);
    same(profiles, 200, page(profiles, items.map((p) => selectFrom(toGraphDeploymentProfile(p), select))), list(DeploymentProfileSchema));

    const assignmentId = createdAssignment.json.id as string;
    same(
      createdAssignment,
      201,
      withContext(createdAssignment, toGraphProfileAssignment(await findAssignment(store(), tenantId, salesProfileId, assignmentId))),
      entity(ProfileAssignmentSchema),
    );
    const one = await call('GET', `${PROFILES}/${salesProfileId}/assignments/${assignmentId}`);
    same(one, 200, withContext(one, toGraphProfileAssignment(await findAssignment(store(), tenantId, salesProfileId, assignmentId))), entity(ProfileAssignmentSchema));
    for (const id of [salesProfileId, hybridProfileId]) {
      const all = await call('GET', `${PROFILES}/${id}/assignments`);
      const assignments = await store().profiles.assignments(tenantId, id);
      same(all, 200, { '@odata.context': all.json['@odata.context'], value: assignments.map(toGraphProfileAssignment) }, Loose({ value: Type.Array(Shared(ProfileAssignmentSchema)) }));
    }

    const assigned = await call('GET', `${PROFILES}/${salesProfileId}/assignedDevices?$top=5`);
    expect(assigned.json.value.map((d: { id: string }) => d.id)).toEqual([tagged]);
    same(
      assigned,
      200,
      { '@odata.context': assigned.json['@odata.context'], value: [toGraphAutopilotDevice(await findDevice(store(), tenantId, tagged), 'beta')] },
      list(AutopilotDeviceSchema),
    );

    const file = await call('GET', `${PROFILES}/${salesProfileId}/autopilotConfigurationFile`);
    const profile = await findProfile(store(), tenantId, salesProfileId);
    expect(file.status).toBe(200);
    expect(file.text).toBe(toAsciiJson(autopilotConfigurationFile({ profile, tenant: { id: tenantId, domain: 'contoso.onmicrosoft.com' } })));
    expect([...file.text].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
    conforms(Shared(ConfigurationFileSchema), file.json);
  });

  it('importedWindowsAutopilotDeviceIdentities: get, list with $select (state and a null hash)', async () => {
    const partner = await call('POST', IMPORTS, { serialNumber: 'PARTNER-1', productKey: '', groupTag: 'Sales', hardwareIdentifier: null });
    expect(partner.status, partner.text).toBe(201);
    expect(partner.json).toMatchObject({ hardwareIdentifier: null, state: { deviceImportStatus: 'unknown' } });
    conforms(entity(ImportedDeviceSchema), partner.json);
    for (let i = 0; i < 500 && (await call('GET', `${IMPORTS}/${partner.json.id}`)).json.state.deviceImportStatus === 'unknown'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const rows = await call('GET', `${IMPORTS}?$select=state,hardwareIdentifier,serialNumber&$count=true`);
    const items = await Promise.all(rows.json.value.map((r: { id: string }) => store().imports.find(tenantId, r.id)));
    const select = selected(importedDeviceModel, ['state', 'hardwareIdentifier', 'serialNumber']);
    same(rows, 200, page(rows, items.map((r) => selectFrom(toGraphImportedDevice(r!), select))), list(ImportedDeviceSchema));
    const id = rows.json.value[0].id as string;
    const one = await call('GET', `${IMPORTS}/${id}`);
    same(one, 200, withContext(one, toGraphImportedDevice((await store().imports.find(tenantId, id))!)), entity(ImportedDeviceSchema));
  });

  it('windowsAutopilotSettings, organization, deleteDevices, $batch and the error envelope', async () => {
    const settings = await call('GET', '/beta/deviceManagement/windowsAutopilotSettings');
    same(settings, 200, withContext(settings, toGraphAutopilotSettings(await getAutopilotSettings(store(), tenantId))), entity(AutopilotSettingsSchema));

    const tenant = (await f.store.tenants.findById(tenantId))!;
    const org = await call('GET', `/v1.0/organization/${tenantId}`);
    same(org, 200, withContext(org, toGraphOrganization(tenant)), entity(OrganizationSchema));
    const orgs = await call('GET', '/beta/organization');
    same(orgs, 200, { '@odata.context': orgs.json['@odata.context'], value: [toGraphOrganization(tenant)] }, Loose({ value: Type.Array(Shared(OrganizationSchema)) }));

    const deleted = await call('POST', `${BETA_DEVICES}/deleteDevices`, { serialNumbers: ['NO-SUCH-SERIAL'] });
    same(
      deleted,
      200,
      {
        '@odata.context': deleted.json['@odata.context'],
        value: [
          {
            '@odata.type': '#microsoft.graph.deletedWindowsAutopilotDeviceState',
            serialNumber: 'NO-SUCH-SERIAL',
            deviceRegistrationId: '',
            deletionState: 'failed',
            errorMessage: "No Autopilot device with serial number 'NO-SUCH-SERIAL' in this tenant.",
          },
        ],
      },
      Collection(DeletedDeviceStateSchema, ''),
    );

    const batch = await call('POST', '/v1.0/$batch', {
      requests: [
        { id: '1', method: 'GET', url: `/deviceManagement/windowsAutopilotDeviceIdentities/${tagged}` },
        { id: '2', method: 'GET', url: '/devices/00000000-0000-0000-0000-000000000001' },
      ],
    });
    const [first, second] = batch.json.responses;
    same(
      batch,
      200,
      {
        responses: [
          { id: '1', status: 200, headers: first.headers, body: { '@odata.context': first.body['@odata.context'], ...toGraphAutopilotDevice(await findDevice(store(), tenantId, tagged), 'v1.0') } },
          { id: '2', status: 404, headers: second.headers, body: { error: { code: 'Request_ResourceNotFound', message: second.body.error.message, innerError: second.body.error.innerError } } },
        ],
      },
      Loose({ responses: Type.Array(Loose({ id: Type.String(), status: Type.Integer(), headers: Type.Record(Type.String(), Type.String()) })) }),
    );
    conforms(Shared(GraphErrorSchema), second.body);

    const missing = await call('GET', `/v1.0/deviceManagement/managedDevices/${randomUUID()}`);
    const error = missing.json.error;
    same(
      missing,
      404,
      { error: { code: error.code, message: error.message, innerError: { date: error.innerError.date, 'request-id': error.innerError['request-id'], 'client-request-id': error.innerError['client-request-id'] } } },
      Shared(GraphErrorSchema),
    );
  });

  it('/oobe/v1: the profile document (byte for byte, and with a hardware change), enroll, workplace join, check-in, errors', async () => {
    const ap = await findDevice(store(), tenantId, tagged);
    const profile = await findProfile(store(), tenantId, salesProfileId);
    const document = autopilotConfigurationFile({ profile, tenant: { id: tenantId, domain: 'contoso.onmicrosoft.com' }, device: { serialNumber: ap.serialNumber } });
    expect(profileDocument.text).toBe(toAsciiJson(document));
    conforms(OobeProfileResponse, profileDocument.json);

    const swapped = await device(f, 'profile', { hardwareHash: syntheticHash(302, newBoardOverrides(302)) });
    expect(swapped.status).toBe(200);
    expect(swapped.body.TarmacHardwareChange).toMatchObject({ remediationState: 'manualRemediationRequired', changed: expect.any(Array), captured: false });
    conforms(OobeProfileResponse, swapped.body);

    const managed = await findManagedDevice(store(), tenantId, enrolled.json.managedDevice.id);
    const entra = await findEntraDevice(store(), tenantId, enrolled.json.entraDevice.id);
    same(
      enrolled,
      200,
      {
        autopilotDeviceId: ap.id,
        tenantId,
        serialNumber: ap.serialNumber,
        enrollmentState: 'enrolled',
        enrollmentProfileName: profile.displayName,
        deviceName: managed.deviceName,
        entraDevice: { id: entra.id, deviceId: entra.deviceId, displayName: entra.displayName, trustType: entra.trustType },
        managedDevice: {
          id: managed.id,
          deviceName: managed.deviceName,
          managedDeviceOwnerType: managed.managedDeviceOwnerType,
          deviceEnrollmentType: managed.deviceEnrollmentType,
          joinType: managed.joinType,
          userPrincipalName: managed.userPrincipalName,
        },
        replacedManagedDeviceId: null,
      },
      EnrollResponse,
    );

    const personal = await findManagedDevice(store(), tenantId, joined.json.managedDevice.id);
    const registered = await findEntraDevice(store(), tenantId, joined.json.entraDevice.id);
    same(
      joined,
      201,
      {
        tenantId,
        entraDevice: {
          id: registered.id,
          deviceId: registered.deviceId,
          displayName: registered.displayName,
          trustType: registered.trustType,
          deviceOwnership: registered.deviceOwnership,
          isManaged: registered.isManaged,
        },
        managedDevice: {
          id: personal.id,
          deviceName: personal.deviceName,
          managedDeviceOwnerType: personal.managedDeviceOwnerType,
          deviceEnrollmentType: personal.deviceEnrollmentType,
          joinType: personal.joinType,
        },
      },
      WorkplaceJoinResponse,
    );
    const noMdm = await device(f, 'workplace-join', { hardwareHash: syntheticHash(305), userPrincipalName: 'cy@contoso.onmicrosoft.com', mdm: false });
    expect([noMdm.status, noMdm.body.managedDevice]).toEqual([201, null]);
    conforms(WorkplaceJoinResponse, noMdm.body);

    const checkIn = await device(f, 'check-in', { hardwareHash: syntheticHash(301) });
    same({ ...checkIn, json: checkIn.body }, 200, { autopilotDeviceId: tagged, remediationState: (await findDevice(store(), tenantId, tagged)).remediationState }, CheckInResponse);

    const unknown = await device(f, 'profile', { hardwareHash: syntheticHash(399) });
    const error = unknown.body.error;
    same(
      { ...unknown, json: unknown.body },
      404,
      { error: { code: 'ZtdDeviceIsNotRegistered', errorCode: 807, message: error.message, innerError: { 'request-id': error.innerError['request-id'], date: error.innerError.date } } },
      Shared(OobeErrorSchema),
    );
  });

  it('offboard: the report', async () => {
    const res = await call('POST', `${BETA_DEVICES}/${spare}/offboard`);
    expect(res.status, res.text).toBe(200);
    const steps = (res.json.steps as { system: string; action: string; detail: string }[]).map(({ system, action, detail }) => ({ system, action, detail }));
    expect(steps.map((s) => s.system)).toEqual(['intune', 'user', 'autopilot', 'entra']);
    same(
      res,
      200,
      { '@odata.context': res.json['@odata.context'], id: spare, serialNumber: syntheticInventory(304).system.serialNumber, completed: true, steps },
      Shared(OffboardReportSchema),
    );
  });
});
