// /{v1.0,beta}/deviceManagement/windowsAutopilotDeviceIdentities: list, get, delete, and the actions
// updateDeviceProperties, assignUserToDevice, unassignUserFromDevice; beta adds deleteDevices (by serial number)
// and allowNextEnrollment. Another tenant's device is 404, exactly like one that does not exist.
import { Type } from '@sinclair/typebox';
import { allowNextEnrollment, deregisterBySerialNumbers, deregisterDevice, findDevice, updateDevice, type DevicePatch } from '../../../registry/index.js';
import { type AutopilotDevice } from '../../../model/index.js';
import type { DeploymentProfile } from '../../../profiles/ports.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import {
  expandedProfileIds,
  parseAutopilotDeviceExpand,
  toGraphAutopilotDevice,
  withExpandedProfiles,
  type AutopilotDeviceExpand,
} from './autopilot-shapes.js';
import { collectionPage, GRAPH_VERSIONS, SERVICE_CONFIG_READ, SERVICE_CONFIG_WRITE, odataContext, selectFrom } from './graph-support.js';
import { listAutopilotDevices } from './list-queries.js';
import { AutopilotDeviceSchema, DeletedDeviceStateSchema } from './schemas/autopilot.js';
import { Collection, Entity, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { DeploymentProfileSchema } from './schemas/profiles.js';
import { audited, auditedAction, responseValues } from '../../audit-specs.js';

const SET = 'deviceManagement/windowsAutopilotDeviceIdentities';

const IdParams = Type.Object({ id: Type.String({ description: 'The windowsAutopilotDeviceIdentity id (ZTDID)' }) });
const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]));

const UpdateBody = Type.Object(
  { userPrincipalName: OptionalText, addressableUserName: OptionalText, groupTag: OptionalText, displayName: OptionalText },
  { additionalProperties: true },
);
const AssignBody = Type.Object({ userPrincipalName: Type.String(), addressableUserName: OptionalText }, { additionalProperties: true });
const DeleteDevicesBody = Type.Object({ serialNumbers: Type.Array(Type.String(), { maxItems: 10_000 }) }, { additionalProperties: true });

const DeviceList = { 200: Collection(Shared(AutopilotDeviceSchema), 'A page of windowsAutopilotDeviceIdentities'), ...graphErrors(400) };
const DeviceEntity = { 200: Entity(Shared(AutopilotDeviceSchema), 'The windowsAutopilotDeviceIdentity'), ...graphErrors(400, 404) };
const DeviceAction = { 204: NoContent('Done'), ...graphErrors(400, 404, 409) };
const DeviceDelete = { 204: NoContent('Deregistered'), ...graphErrors(404, 409) };
const DeletedStates = {
  200: Collection(DeletedDeviceStateSchema, 'One deletedWindowsAutopilotDeviceState per serial number (per device when several share one)'),
  ...graphErrors(400),
};

/** Body fields that are present (null means "clear"). */
function patchOf(body: Record<string, string | null | undefined>, fields: (keyof DevicePatch & string)[]): DevicePatch {
  const patch: Record<string, string> = {};
  for (const field of fields) {
    const value = body[field];
    if (value !== undefined) patch[field] = (value ?? '').trim();
  }
  return patch as DevicePatch;
}

/** The action path, and its namespace-qualified alias (both are valid OData). */
function actionPaths(base: string, action: string): string[] {
  return [`${base}/${action}`, `${base}/microsoft.graph.${action}`];
}

/** The query without $expand (any case). */
function withoutExpand(query: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([key]) => key.toLowerCase() !== '$expand'));
}

export const autopilotDeviceRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [AutopilotDeviceSchema, DeploymentProfileSchema]);

  /** The profiles these devices' expansions embed, by id (one query for a page). */
  async function expandedProfiles(tenantId: string, devices: AutopilotDevice[], expand: AutopilotDeviceExpand[]): Promise<Map<string, DeploymentProfile>> {
    const ids = expandedProfileIds(devices, expand);
    if (ids.length === 0) return new Map();
    const profiles = await app.registry.store.profiles.findMany(tenantId, ids);
    return new Map(profiles.map((p) => [p.id, p]));
  }

  for (const version of GRAPH_VERSIONS) {
    const base = `/${version}/${SET}`;
    const read = app.requireRole(...SERVICE_CONFIG_READ);
    const write = app.requireRole(...SERVICE_CONFIG_WRITE);

    app.get(
      base,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List windowsAutopilotDeviceIdentities (${version})`,
          description:
            "Supports $filter (eq, ne, contains, startswith, endswith, and, or, not — e.g. contains(serialNumber,'5CG')), $orderby, $select, $top (≤1000), $count and @odata.nextLink paging. Beta: $expand=deploymentProfile,intendedDeploymentProfile.",
          security: [{ bearerAuth: [] }],
          response: DeviceList,
        },
      },
      async (request) => {
        const { tenantId } = authOf(request);
        const expand = parseAutopilotDeviceExpand(request.query, version);
        // $expand is handled here, not by the list seam (which refuses it); nextLinks keep it from the request URL.
        const list = await listAutopilotDevices(app, request, tenantId, withoutExpand(request.query));
        const profiles = await expandedProfiles(tenantId, list.items, expand);
        return collectionPage(app, request, version, SET, list, (d) => withExpandedProfiles(selectFrom(toGraphAutopilotDevice(d, version), list.parsed), d, expand, profiles));
      },
    );

    app.get(
      `${base}/:id`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Get windowsAutopilotDeviceIdentity (${version})`,
          ...(version === 'beta' ? { description: 'Supports $expand=deploymentProfile,intendedDeploymentProfile.' } : {}),
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: DeviceEntity,
        },
      },
      async (request) => {
        const { tenantId } = authOf(request);
        const expand = parseAutopilotDeviceExpand(request.query, version);
        const device = await findDevice(app.registry.store, tenantId, request.params.id);
        const profiles = await expandedProfiles(tenantId, [device], expand);
        return {
          '@odata.context': odataContext(app, request, version, `${SET}/$entity`),
          ...withExpandedProfiles(toGraphAutopilotDevice(device, version), device, expand, profiles),
        };
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: audited('windowsAutopilotDeviceIdentity', 'Delete'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Delete windowsAutopilotDeviceIdentity (${version})`,
          description: 'Deregisters the device: its hardware can then be imported again, by this tenant or another.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: DeviceDelete,
        },
      },
      async (request, reply) => {
        await deregisterDevice(app.registry.store, authOf(request).tenantId, request.params.id, app.now());
        return reply.code(204).send();
      },
    );

    for (const path of actionPaths(`${base}/:id`, 'updateDeviceProperties')) {
      app.post(
        path,
        {
          config: auditedAction('windowsAutopilotDeviceIdentity', 'updateDeviceProperties'),
          onRequest: write,
          schema: {
            tags: ['graph'],
            summary: `updateDeviceProperties (${version})`,
            description: 'Sets groupTag, displayName, userPrincipalName, addressableUserName. A new group tag also moves [OrderID] on the Entra device.',
            security: [{ bearerAuth: [] }],
            params: IdParams,
            body: UpdateBody,
            response: DeviceAction,
            hide: path.includes('microsoft.graph.'),
          },
        },
        async (request, reply) => {
          const patch = patchOf(request.body, ['groupTag', 'displayName', 'userPrincipalName', 'addressableUserName']);
          await updateDevice(app.registry.store, authOf(request).tenantId, request.params.id, patch, app.now());
          return reply.code(204).send();
        },
      );
    }

    for (const path of actionPaths(`${base}/:id`, 'assignUserToDevice')) {
      app.post(
        path,
        {
          config: auditedAction('windowsAutopilotDeviceIdentity', 'assignUserToDevice'),
          onRequest: write,
          schema: { tags: ['graph'], summary: `assignUserToDevice (${version})`, security: [{ bearerAuth: [] }], params: IdParams, body: AssignBody, response: DeviceAction, hide: path.includes('microsoft.graph.') },
        },
        async (request, reply) => {
          const userPrincipalName = request.body.userPrincipalName.trim();
          if (userPrincipalName === '') throw new GraphError(400, 'BadRequest', 'userPrincipalName is empty; to remove the user, call unassignUserFromDevice.');
          const patch: DevicePatch = { userPrincipalName, addressableUserName: (request.body.addressableUserName ?? '').trim() };
          await updateDevice(app.registry.store, authOf(request).tenantId, request.params.id, patch, app.now());
          return reply.code(204).send();
        },
      );
    }

    for (const path of actionPaths(`${base}/:id`, 'unassignUserFromDevice')) {
      app.post(
        path,
        {
          config: auditedAction('windowsAutopilotDeviceIdentity', 'unassignUserFromDevice'),
          onRequest: write,
          schema: { tags: ['graph'], summary: `unassignUserFromDevice (${version})`, security: [{ bearerAuth: [] }], params: IdParams, response: DeviceAction, hide: path.includes('microsoft.graph.') },
        },
        async (request, reply) => {
          await updateDevice(app.registry.store, authOf(request).tenantId, request.params.id, { userPrincipalName: '', addressableUserName: '' }, app.now());
          return reply.code(204).send();
        },
      );
    }

    if (version !== 'beta') continue;

    for (const path of actionPaths(`${base}/:id`, 'allowNextEnrollment')) {
      app.post(
        path,
        {
          config: auditedAction('windowsAutopilotDeviceIdentity', 'allowNextEnrollment'),
          onRequest: write,
          schema: { tags: ['graph'], summary: 'allowNextEnrollment (beta)', security: [{ bearerAuth: [] }], params: IdParams, response: DeviceAction, hide: path.includes('microsoft.graph.') },
        },
        async (request, reply) => {
          await allowNextEnrollment(app.registry.store, authOf(request).tenantId, request.params.id, app.now());
          return reply.code(204).send();
        },
      );
    }

    for (const path of actionPaths(base, 'deleteDevices')) {
      app.post(
        path,
        {
          config: auditedAction('windowsAutopilotDeviceIdentity', 'deleteDevices', { ids: responseValues('deviceRegistrationId') }),
          onRequest: write,
          schema: {
            tags: ['graph'],
            summary: 'deleteDevices (beta): deregister by serial number',
            description: 'One deletedWindowsAutopilotDeviceState per serial number (per device when several share one): accepted, failed (not found) or error.',
            security: [{ bearerAuth: [] }],
            body: DeleteDevicesBody,
            response: DeletedStates,
            hide: path.includes('microsoft.graph.'),
          },
        },
        async (request) => {
          const states = await deregisterBySerialNumbers(app.registry.store, authOf(request).tenantId, request.body.serialNumbers, app.now());
          return {
            '@odata.context': odataContext(app, request, version, 'Collection(microsoft.graph.deletedWindowsAutopilotDeviceState)'),
            value: states.map((s) => ({ '@odata.type': '#microsoft.graph.deletedWindowsAutopilotDeviceState', ...s })),
          };
        },
      );
    }
  }
};
