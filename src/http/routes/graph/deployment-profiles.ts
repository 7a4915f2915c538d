// /beta/deviceManagement/windowsAutopilotDeploymentProfiles: profiles (Entra join and hybrid join subtypes), their
// assignments, the devices they are assigned to, and the AutopilotConfigurationFile.json export (Tarmac's extension).
// Beta only, as in Graph. Another tenant's profile is 404, exactly like one that does not exist.
import { Type, type Static } from '@sinclair/typebox';
import { autopilotConfigurationFile, toAsciiJson } from '../../../profiles/configuration-file.js';
import type { AssignmentTarget, DeploymentProfileKind, OutOfBoxExperienceSetting } from '../../../profiles/ports.js';
import {
  DEVICE_TYPES,
  MAX_DESCRIPTION_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  assignProfile,
  createProfile,
  deleteProfile,
  findAssignment,
  findProfile,
  removeAssignment,
  updateProfile,
  type ProfileFields,
} from '../../../profiles/profiles.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import {
  ACTIVE_DIRECTORY_PROFILE_TYPE,
  AZURE_AD_PROFILE_TYPE,
  toGraphAutopilotDevice,
  toGraphDeploymentProfile,
  toGraphProfileAssignment,
} from './autopilot-shapes.js';
import { collectionPage, SERVICE_CONFIG_READ, SERVICE_CONFIG_WRITE, notFound, odataContext, requestUrl, selectFrom } from './graph-support.js';
import { listDeploymentProfiles } from './list-queries.js';
import { AutopilotDeviceSchema } from './schemas/autopilot.js';
import { Collection, Entity, Loose, NoContent, Shared, SharedJsonText, documentResponses, graphErrors } from './schemas/common.js';
import { ConfigurationFileSchema, DeploymentProfileSchema, ProfileAssignmentSchema } from './schemas/profiles.js';

const SET = 'deviceManagement/windowsAutopilotDeploymentProfiles';

const PROFILE_TYPES: Record<string, DeploymentProfileKind> = {
  [AZURE_AD_PROFILE_TYPE.toLowerCase()]: 'azureAD',
  [ACTIVE_DIRECTORY_PROFILE_TYPE.toLowerCase()]: 'activeDirectory',
};

const IdParams = Type.Object({ id: Type.String({ description: 'The windowsAutopilotDeploymentProfile id' }) });
const AssignmentParams = Type.Object({
  id: Type.String({ description: 'The windowsAutopilotDeploymentProfile id' }),
  assignmentId: Type.String({ description: 'The assignment id: <profileId>_<groupId>' }),
});

const NullableText = (maxLength?: number) => Type.Optional(Type.Union([Type.String(maxLength === undefined ? {} : { maxLength }), Type.Null()]));
const NullableBool = Type.Optional(Type.Union([Type.Boolean(), Type.Null()]));
const UserType = Type.Optional(Type.Union([Type.Literal('administrator'), Type.Literal('standard'), Type.Null()]));
const DeviceUsageType = Type.Optional(Type.Union([Type.Literal('singleUser'), Type.Literal('shared'), Type.Null()]));

const ProfileBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String({ description: `${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE} (required on create)` })),
    displayName: Type.Optional(Type.String({ maxLength: MAX_DISPLAY_NAME_LENGTH })),
    description: NullableText(MAX_DESCRIPTION_LENGTH),
    locale: NullableText(85),
    language: NullableText(85),
    deviceNameTemplate: NullableText(256),
    deviceType: Type.Optional(Type.Union(DEVICE_TYPES.map((t) => Type.Literal(t)))),
    outOfBoxExperienceSetting: Type.Optional(
      Type.Union([
        Type.Object(
          {
            privacySettingsHidden: NullableBool,
            eulaHidden: NullableBool,
            userType: UserType,
            deviceUsageType: DeviceUsageType,
            keyboardSelectionPageSkipped: NullableBool,
            escapeLinkHidden: NullableBool,
          },
          { additionalProperties: true },
        ),
        Type.Null(),
      ]),
    ),
    outOfBoxExperienceSettings: Type.Optional(
      Type.Union([
        Type.Object(
          {
            hidePrivacySettings: NullableBool,
            hideEULA: NullableBool,
            userType: UserType,
            deviceUsageType: DeviceUsageType,
            skipKeyboardSelectionPage: NullableBool,
            hideEscapeLink: NullableBool,
          },
          { additionalProperties: true },
        ),
        Type.Null(),
      ]),
    ),
    enrollmentStatusScreenSettings: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
    hardwareHashExtractionEnabled: NullableBool,
    extractHardwareHash: NullableBool,
    preprovisioningAllowed: NullableBool,
    enableWhiteGlove: NullableBool,
    hybridAzureADJoinSkipConnectivityCheck: NullableBool,
    roleScopeTagIds: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }), Type.Null()])),
    managementServiceAppId: NullableText(64),
  },
  { additionalProperties: true },
);
type ProfileBodyType = Static<typeof ProfileBody>;

const AssignmentBody = Type.Object(
  {
    target: Type.Object(
      {
        '@odata.type': Type.String({
          description: '#microsoft.graph.groupAssignmentTarget, #microsoft.graph.allDevicesAssignmentTarget or #microsoft.graph.exclusionGroupAssignmentTarget',
        }),
        groupId: Type.Optional(Type.String({ maxLength: 64 })),
        deviceAndAppManagementAssignmentFilterId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        deviceAndAppManagementAssignmentFilterType: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

const Profile = Shared(DeploymentProfileSchema);
const Assignment = Shared(ProfileAssignmentSchema);

/** The first of these that is given (not undefined or null). */
function firstGiven<T>(...values: (T | null | undefined)[]): T | undefined {
  for (const value of values) if (value !== undefined && value !== null) return value;
  return undefined;
}

/**
 * A Graph body as profile fields. The deprecated names (outOfBoxExperienceSettings, extractHardwareHash,
 * enableWhiteGlove, language) are accepted; when both spellings are given, the current one wins.
 */
function fieldsOf(body: ProfileBodyType): ProfileFields {
  const fields: ProfileFields = {};
  if (body.displayName !== undefined) fields.displayName = body.displayName;
  if (body.description !== undefined) fields.description = body.description ?? '';
  const locale = body.locale !== undefined ? body.locale : body.language;
  if (locale !== undefined) fields.locale = locale ?? '';
  if (body.deviceNameTemplate !== undefined) fields.deviceNameTemplate = body.deviceNameTemplate ?? '';
  if (body.deviceType !== undefined) fields.deviceType = body.deviceType;
  const current = body.outOfBoxExperienceSetting ?? undefined;
  const old = body.outOfBoxExperienceSettings ?? undefined;
  if (current || old) {
    const oobe: Partial<OutOfBoxExperienceSetting> = {};
    const privacy = firstGiven(current?.privacySettingsHidden, old?.hidePrivacySettings);
    const eula = firstGiven(current?.eulaHidden, old?.hideEULA);
    const userType = firstGiven(current?.userType, old?.userType);
    const usage = firstGiven(current?.deviceUsageType, old?.deviceUsageType);
    const keyboard = firstGiven(current?.keyboardSelectionPageSkipped, old?.skipKeyboardSelectionPage);
    const escape = firstGiven(current?.escapeLinkHidden, old?.hideEscapeLink);
    if (privacy !== undefined) oobe.privacySettingsHidden = privacy;
    if (eula !== undefined) oobe.eulaHidden = eula;
    if (userType !== undefined) oobe.userType = userType;
    if (usage !== undefined) oobe.deviceUsageType = usage;
    if (keyboard !== undefined) oobe.keyboardSelectionPageSkipped = keyboard;
    if (escape !== undefined) oobe.escapeLinkHidden = escape;
    fields.outOfBoxExperienceSetting = oobe;
  }
  const extract = firstGiven(body.hardwareHashExtractionEnabled, body.extractHardwareHash);
  if (extract !== undefined) fields.hardwareHashExtractionEnabled = extract;
  const preprovisioning = firstGiven(body.preprovisioningAllowed, body.enableWhiteGlove);
  if (preprovisioning !== undefined) fields.preprovisioningAllowed = preprovisioning;
  if (body.hybridAzureADJoinSkipConnectivityCheck !== undefined && body.hybridAzureADJoinSkipConnectivityCheck !== null) {
    fields.hybridAzureADJoinSkipConnectivityCheck = body.hybridAzureADJoinSkipConnectivityCheck;
  }
  if (body.roleScopeTagIds !== undefined) fields.roleScopeTagIds = body.roleScopeTagIds ?? ['0'];
  if (body.managementServiceAppId !== undefined) fields.managementServiceAppId = body.managementServiceAppId;
  if (body.enrollmentStatusScreenSettings !== undefined) fields.enrollmentStatusScreenSettings = body.enrollmentStatusScreenSettings;
  return fields;
}

function kindOf(odataType: string | undefined): DeploymentProfileKind | undefined {
  if (odataType === undefined) return undefined;
  const kind = PROFILE_TYPES[odataType.toLowerCase()];
  if (!kind) {
    throw new GraphError(400, 'BadRequest', `@odata.type '${odataType}' is not a deployment profile type: use ${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE}.`);
  }
  return kind;
}

const TARGET_KINDS: Record<string, AssignmentTarget['kind']> = {
  '#microsoft.graph.groupassignmenttarget': 'group',
  '#microsoft.graph.alldevicesassignmenttarget': 'allDevices',
  '#microsoft.graph.exclusiongroupassignmenttarget': 'exclusionGroup',
};

const NO_FILTER_IDS = new Set([null, undefined, '', '00000000-0000-0000-0000-000000000000']);

function targetOf(target: Static<typeof AssignmentBody>['target']): AssignmentTarget {
  const kind = TARGET_KINDS[target['@odata.type'].toLowerCase()];
  if (!kind) {
    throw new GraphError(
      400,
      'BadRequest',
      `target.@odata.type '${target['@odata.type']}' is not supported: use #microsoft.graph.groupAssignmentTarget, #microsoft.graph.allDevicesAssignmentTarget or #microsoft.graph.exclusionGroupAssignmentTarget.`,
    );
  }
  // Tarmac has no assignment filters: only "no filter" is accepted.
  const filterType = target.deviceAndAppManagementAssignmentFilterType;
  if (!NO_FILTER_IDS.has(target.deviceAndAppManagementAssignmentFilterId) || (filterType !== undefined && filterType !== null && filterType !== 'none')) {
    throw new GraphError(400, 'BadRequest', 'target.deviceAndAppManagementAssignmentFilterId: assignment filters are not supported by Tarmac; leave it null (filter type none).');
  }
  if (kind === 'allDevices') return { kind };
  const groupId = target.groupId?.trim();
  if (!groupId) throw new GraphError(400, 'BadRequest', `target.groupId is required for ${target['@odata.type']}.`);
  return { kind, groupId };
}

export const deploymentProfileRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [DeploymentProfileSchema, ProfileAssignmentSchema, AutopilotDeviceSchema, ConfigurationFileSchema]);

  const version = 'beta';
  const base = `/${version}/${SET}`;
  const read = app.requireRole(...SERVICE_CONFIG_READ);
  const write = app.requireRole(...SERVICE_CONFIG_WRITE);
  const store = () => app.registry.store;
  const now = () => app.now().toISOString();

  app.get(
    base,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: 'List windowsAutopilotDeploymentProfiles (beta)',
        description: "Supports $top (≤350), $skip, $orderby (displayName, description, createdDateTime), $select, $count, $filter on displayName (e.g. displayName eq 'Sales') and @odata.nextLink paging.",
        security: [{ bearerAuth: [] }],
        response: { 200: Collection(Profile, 'A page of windowsAutopilotDeploymentProfiles'), ...graphErrors(400) },
      },
    },
    async (request) => {
      const list = await listDeploymentProfiles(app, request, authOf(request).tenantId);
      return collectionPage(app, request, version, SET, list, (p) => selectFrom(toGraphDeploymentProfile(p), list.parsed));
    },
  );

  app.get(
    `${base}/:id`,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: 'Get windowsAutopilotDeploymentProfile (beta)',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 200: Entity(Profile, 'The windowsAutopilotDeploymentProfile'), ...graphErrors(404) },
      },
    },
    async (request) => {
      const profile = await findProfile(store(), authOf(request).tenantId, request.params.id);
      return { '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphDeploymentProfile(profile) };
    },
  );

  app.post(
    base,
    {
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Create windowsAutopilotDeploymentProfile (beta)',
        description:
          'Body: "@odata.type" (azureAD… or activeDirectoryWindowsAutopilotDeploymentProfile) and displayName (≤200) are required; description ≤1500; ' +
          'deviceNameTemplate ≤15 characters once expanded, letters/digits/hyphens, %SERIAL% or %RAND:x%. The deprecated names ' +
          'outOfBoxExperienceSettings, extractHardwareHash, enableWhiteGlove and language are accepted. At most 350 profiles per tenant.',
        security: [{ bearerAuth: [] }],
        body: ProfileBody,
        response: { 201: Entity(Profile, 'The created profile'), ...graphErrors(400) },
      },
    },
    async (request, reply) => {
      const kind = kindOf(request.body['@odata.type']);
      if (!kind) throw new GraphError(400, 'BadRequest', `@odata.type is required: ${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE}.`);
      const profile = await createProfile(store(), authOf(request).tenantId, kind, fieldsOf(request.body), now());
      return reply.code(201).send({ '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphDeploymentProfile(profile) });
    },
  );

  app.patch(
    `${base}/:id`,
    {
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Update windowsAutopilotDeploymentProfile (beta)',
        description: 'Changes the properties given. The profile type (@odata.type) cannot change.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: ProfileBody,
        response: { 204: NoContent('Updated; assigned devices’ profile state follows'), ...graphErrors(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = authOf(request);
      const kind = kindOf(request.body['@odata.type']);
      if (kind) {
        const current = await findProfile(store(), tenantId, request.params.id);
        if (current.kind !== kind) {
          throw new GraphError(400, 'BadRequest', '@odata.type cannot change: create a new profile of the other type instead.');
        }
      }
      await updateProfile(store(), tenantId, request.params.id, fieldsOf(request.body), now());
      return reply.code(204).send();
    },
  );

  app.delete(
    `${base}/:id`,
    {
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Delete windowsAutopilotDeploymentProfile (beta)',
        description: 'Refused with 409 while the profile has assignments: unassign every group first.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 204: NoContent('Deleted'), ...graphErrors(404, 409) },
      },
    },
    async (request, reply) => {
      await deleteProfile(store(), authOf(request).tenantId, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    `${base}/:id/assignments`,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: 'List windowsAutopilotDeploymentProfileAssignments (beta)',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: {
          200: Loose({ '@odata.context': Type.String(), value: Type.Array(Assignment) }, { description: 'Every assignment of the profile (not paged)' }),
          ...graphErrors(404),
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const profile = await findProfile(store(), tenantId, request.params.id);
      const assignments = await store().profiles.assignments(tenantId, profile.id);
      return {
        '@odata.context': odataContext(app, request, version, `${SET}('${profile.id}')/assignments`),
        value: assignments.map(toGraphProfileAssignment),
      };
    },
  );

  app.post(
    `${base}/:id/assignments`,
    {
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Create windowsAutopilotDeploymentProfileAssignment (beta)',
        description:
          'target: groupAssignmentTarget {groupId}, allDevicesAssignmentTarget, or exclusionGroupAssignmentTarget {groupId}. The id is ' +
          '<profileId>_<groupId> (all devices: adadadad-808e-44e2-905a-0b7873a8a531). The group must exist; the same target twice is 409. ' +
          "Every Autopilot device's profile is resolved again at once.",
        security: [{ bearerAuth: [] }],
        params: IdParams,
        body: AssignmentBody,
        response: { 201: Entity(Assignment, 'The created assignment'), ...graphErrors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const target = targetOf(request.body.target);
      const assignment = await assignProfile(store(), authOf(request).tenantId, request.params.id, target, now());
      return reply.code(201).send({
        '@odata.context': odataContext(app, request, version, `${SET}('${assignment.profileId}')/assignments/$entity`),
        ...toGraphProfileAssignment(assignment),
      });
    },
  );

  app.get(
    `${base}/:id/assignments/:assignmentId`,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: 'Get windowsAutopilotDeploymentProfileAssignment (beta)',
        security: [{ bearerAuth: [] }],
        params: AssignmentParams,
        response: { 200: Entity(Assignment, 'The assignment'), ...graphErrors(404) },
      },
    },
    async (request) => {
      const assignment = await findAssignment(store(), authOf(request).tenantId, request.params.id, request.params.assignmentId);
      return {
        '@odata.context': odataContext(app, request, version, `${SET}('${assignment.profileId}')/assignments/$entity`),
        ...toGraphProfileAssignment(assignment),
      };
    },
  );

  app.delete(
    `${base}/:id/assignments/:assignmentId`,
    {
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Delete windowsAutopilotDeploymentProfileAssignment (beta)',
        security: [{ bearerAuth: [] }],
        params: AssignmentParams,
        response: { 204: NoContent('Removed; every Autopilot device’s profile is resolved again'), ...graphErrors(404) },
      },
    },
    async (request, reply) => {
      await removeAssignment(store(), authOf(request).tenantId, request.params.id, request.params.assignmentId, now());
      return reply.code(204).send();
    },
  );

  const PagingQuery = Type.Object(
    { $top: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })), $skip: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  );

  app.get(
    `${base}/:id/assignedDevices`,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: 'List the Autopilot devices a profile is assigned to (beta)',
        description: 'The windowsAutopilotDeviceIdentities whose deploymentProfile is this profile. Supports $top (≤1000) and $skip.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: PagingQuery,
        response: {
          200: Loose(
            { '@odata.context': Type.String(), value: Type.Array(Shared(AutopilotDeviceSchema)), '@odata.nextLink': Type.Optional(Type.String()) },
            { description: 'A page of the windowsAutopilotDeviceIdentities (beta shape) whose deploymentProfile is this profile' },
          ),
          ...graphErrors(400, 404),
        },
      },
    },
    async (request) => {
      const { tenantId } = authOf(request);
      const profile = await findProfile(store(), tenantId, request.params.id);
      const top = request.query.$top ?? 100;
      const skip = request.query.$skip ?? 0;
      const page = await store().profiles.assignedDevices(tenantId, profile.id, top, skip);
      let nextLink: string | undefined;
      if (page.more) {
        // Literal `$` in the option names, as Graph writes them (URLSearchParams would encode it).
        const [path] = requestUrl(app, request).split('?');
        nextLink = `${path}?$top=${top}&$skip=${skip + top}`;
      }
      return {
        '@odata.context': odataContext(app, request, version, `${SET}('${profile.id}')/assignedDevices`),
        value: page.items.map((d) => toGraphAutopilotDevice(d, version)),
        ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      };
    },
  );

  app.get(
    `${base}/:id/autopilotConfigurationFile`,
    {
      onRequest: read,
      schema: {
        tags: ['graph'],
        summary: "Tarmac extension: the profile's AutopilotConfigurationFile.json (Autopilot for existing devices)",
        description:
          'The document ConvertTo-AutopilotConfigurationJSON produces: Version, CloudAssignedTenantId, CloudAssignedTenantDomain (the tenant\'s ' +
          'default domain), CloudAssignedOobeConfig, CloudAssignedDomainJoinMethod, CloudAssignedForcedEnrollment, ZtdCorrelationId, ' +
          'CloudAssignedAadServerData, CloudAssignedDeviceName (the template, unexpanded), CloudAssignedLanguage, Comment_File. ' +
          'The body is pure ASCII (non-ASCII characters escaped as \\uXXXX): save it unchanged as AutopilotConfigurationFile.json.',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 200: SharedJsonText(ConfigurationFileSchema, { description: 'AutopilotConfigurationFile.json (pure ASCII), as an attachment' }), ...graphErrors(404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = authOf(request);
      const profile = await findProfile(store(), tenantId, request.params.id);
      const tenant = await app.tenantsStore.tenants.findById(tenantId);
      if (!tenant) throw notFound('tenant', tenantId);
      const domain = tenant.domains.find((d) => d.isDefault) ?? tenant.domains.find((d) => d.isInitial) ?? tenant.domains[0];
      const file = autopilotConfigurationFile({ profile, tenant: { id: tenant.id, domain: domain?.name ?? '' } });
      return reply
        .type('application/json')
        .header('content-disposition', 'attachment; filename="AutopilotConfigurationFile.json"')
        .send(toAsciiJson(file));
    },
  );
};
