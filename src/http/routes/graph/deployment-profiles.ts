// /beta/deviceManagement/windowsAutopilotDeploymentProfiles: profiles (Entra join and hybrid join subtypes), their
// assignments, the devices they are assigned to, and the AutopilotConfigurationFile.json export (Tarmac's extension).
// Beta only, as in Graph. Another tenant's profile is 404, exactly like one that does not exist.
import { Type } from '@sinclair/typebox';
import { autopilotConfigurationFile, toAsciiJson } from '../../../profiles/configuration-file.js';
import { assignProfile, createProfile, deleteProfile, findAssignment, findProfile, unassignProfile, updateProfile } from '../../../profiles/index.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { toGraphAutopilotDevice } from './autopilot-shapes.js';
import { assignmentTargetOf, profileFieldsOf, profileKindOf, toGraphDeploymentProfile, toGraphProfileAssignment } from './deployment-profile-shapes.js';
import { collectionPage, SERVICE_CONFIG_READ, SERVICE_CONFIG_WRITE, notFound, odataContext, requestUrl, selectFrom } from './graph-support.js';
import { listDeploymentProfiles } from './list-queries.js';
import { AutopilotDeviceSchema } from './schemas/autopilot.js';
import { Collection, Entity, Loose, NoContent, Shared, SharedJsonText, documentResponses, graphErrors } from './schemas/common.js';
import {
  ACTIVE_DIRECTORY_PROFILE_TYPE,
  AZURE_AD_PROFILE_TYPE,
  AssignedDevicesQuery,
  AssignmentBody,
  AssignmentParams,
  ConfigurationFileSchema,
  DeploymentProfileSchema,
  ProfileAssignmentSchema,
  ProfileBody,
  ProfileIdParams,
} from './schemas/profiles.js';
import { audited, param, responseField } from '../../audit-specs.js';

const SET = 'deviceManagement/windowsAutopilotDeploymentProfiles';

const Profile = Shared(DeploymentProfileSchema);
const Assignment = Shared(ProfileAssignmentSchema);

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
        params: ProfileIdParams,
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
      config: audited('windowsAutopilotDeploymentProfile', 'Create'),
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
      const kind = profileKindOf(request.body['@odata.type']);
      if (!kind) throw new GraphError(400, 'BadRequest', `@odata.type is required: ${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE}.`);
      const profile = await createProfile(store(), authOf(request).tenantId, kind, profileFieldsOf(request.body), now());
      return reply.code(201).send({ '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphDeploymentProfile(profile) });
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: audited('windowsAutopilotDeploymentProfile', 'Patch'),
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Update windowsAutopilotDeploymentProfile (beta)',
        description: 'Changes the properties given. The profile type (@odata.type) cannot change.',
        security: [{ bearerAuth: [] }],
        params: ProfileIdParams,
        body: ProfileBody,
        response: { 204: NoContent('Updated; assigned devices’ profile state follows'), ...graphErrors(400, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = authOf(request);
      const kind = profileKindOf(request.body['@odata.type']);
      if (kind) {
        const current = await findProfile(store(), tenantId, request.params.id);
        if (current.kind !== kind) {
          throw new GraphError(400, 'BadRequest', '@odata.type cannot change: create a new profile of the other type instead.');
        }
      }
      await updateProfile(store(), tenantId, request.params.id, profileFieldsOf(request.body), now());
      return reply.code(204).send();
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: audited('windowsAutopilotDeploymentProfile', 'Delete'),
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Delete windowsAutopilotDeploymentProfile (beta)',
        description: 'Refused with 409 while the profile has assignments: unassign every group first.',
        security: [{ bearerAuth: [] }],
        params: ProfileIdParams,
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
        params: ProfileIdParams,
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
      config: audited('windowsAutopilotDeploymentProfileAssignment', 'Create', { ids: responseField('id') }),
      onRequest: write,
      schema: {
        tags: ['graph'],
        summary: 'Create windowsAutopilotDeploymentProfileAssignment (beta)',
        description:
          'target: groupAssignmentTarget {groupId}, allDevicesAssignmentTarget, or exclusionGroupAssignmentTarget {groupId}. The id is ' +
          '<profileId>_<groupId> (all devices: adadadad-808e-44e2-905a-0b7873a8a531). The group must exist; the same target twice is 409. ' +
          "Every Autopilot device's profile is resolved again at once.",
        security: [{ bearerAuth: [] }],
        params: ProfileIdParams,
        body: AssignmentBody,
        response: { 201: Entity(Assignment, 'The created assignment'), ...graphErrors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const target = assignmentTargetOf(request.body.target);
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
      config: audited('windowsAutopilotDeploymentProfileAssignment', 'Delete', { ids: param('assignmentId') }),
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
      await unassignProfile(store(), authOf(request).tenantId, request.params.id, request.params.assignmentId, now());
      return reply.code(204).send();
    },
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
        params: ProfileIdParams,
        querystring: AssignedDevicesQuery,
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
        params: ProfileIdParams,
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
