// /{v1.0,beta}/devices and /devices/{id}: the tenant's Entra device objects. List (with physicalIds/any(…) lambdas),
// get, create, change displayName/accountEnabled, delete (refused for an Autopilot device's object).
import { Type } from '@sinclair/typebox';
import { createEntraDevice, deleteEntraDevice, findEntraDevice, updateEntraDevice } from '../../../directory/entra-devices.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { DEVICE_WRITE, toGraphEntraDevice } from './directory-shapes.js';
import { collectionPage, DEVICE_READ, GRAPH_VERSIONS, odataContext, selectFrom } from './graph-support.js';
import { listEntraDevices } from './list-queries.js';
import { Collection, Entity, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { EntraDeviceSchema } from './schemas/directory.js';
import { audited } from '../../audit-specs.js';

const IdParams = Type.Object({ id: Type.String({ description: 'Object id' }) });
/** Loose on purpose: the domain checks each field and names the one that is wrong. */
const CreateBody = Type.Object(
  {
    accountEnabled: Type.Boolean(),
    alternativeSecurityIds: Type.Array(Type.Unknown()),
    deviceId: Type.String(),
    displayName: Type.String(),
    operatingSystem: Type.String(),
    operatingSystemVersion: Type.String(),
    trustType: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    physicalIds: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);
const UpdateBody = Type.Object({ displayName: Type.Optional(Type.String()), accountEnabled: Type.Optional(Type.Boolean()) }, { additionalProperties: true });
const Device = Shared(EntraDeviceSchema);

export const deviceRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [EntraDeviceSchema]);
  for (const version of GRAPH_VERSIONS) {
    const read = app.requireRole(...DEVICE_READ);
    const write = app.requireRole(...DEVICE_WRITE);

    app.get(
      `/${version}/devices`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List devices (${version})`,
          description: "Supports $filter (including physicalIds/any(p: startswith(p, '[ZTDID]'))), $orderby, $select, $top, $count.",
          security: [{ bearerAuth: [] }],
          response: { 200: Collection(Device, 'A page of devices'), ...graphErrors(400) },
        },
      },
      async (request) => {
        const list = await listEntraDevices(app, request, authOf(request).tenantId);
        return collectionPage(app, request, version, 'devices', list, (d) => selectFrom(toGraphEntraDevice(d), list.parsed));
      },
    );

    app.get(
      `/${version}/devices/:id`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Get device (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Entity(Device, 'The device'), ...graphErrors(404) },
        },
      },
      async (request) => {
        const device = await findEntraDevice(app.registry.store, authOf(request).tenantId, request.params.id);
        return { '@odata.context': odataContext(app, request, version, 'devices/$entity'), ...toGraphEntraDevice(device) };
      },
    );

    app.post(
      `/${version}/devices`,
      {
        config: audited('device', 'Create'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Create device (${version})`,
          description: 'Creates an Entra device object (trustType Workplace = Entra registered). physicalIds may not contain [ZTDID]: only Autopilot registration sets it.',
          security: [{ bearerAuth: [] }],
          body: CreateBody,
          response: { 201: Entity(Device, 'The created device'), ...graphErrors(400) },
        },
      },
      async (request, reply) => {
        const device = await createEntraDevice(app.registry.store, authOf(request).tenantId, request.body, app.now().toISOString());
        return reply.code(201).send({ '@odata.context': odataContext(app, request, version, 'devices/$entity'), ...toGraphEntraDevice(device) });
      },
    );

    app.patch(
      `/${version}/devices/:id`,
      {
        config: audited('device', 'Patch'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Update device (${version})`,
          description: 'Changes displayName and accountEnabled.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          body: UpdateBody,
          response: { 204: NoContent('Updated'), ...graphErrors(400, 404) },
        },
      },
      async (request, reply) => {
        await updateEntraDevice(app.registry.store, authOf(request).tenantId, request.params.id, request.body, app.now().toISOString());
        return reply.code(204).send();
      },
    );

    app.delete(
      `/${version}/devices/:id`,
      {
        config: audited('device', 'Delete'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Delete device (${version})`,
          description: "Deletes the object, its group memberships and hardware keys. Refused for a Windows Autopilot device's object: deregister it from Autopilot first.",
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 204: NoContent('Deleted'), ...graphErrors(400, 404) },
        },
      },
      async (request, reply) => {
        await deleteEntraDevice(app.registry.store, authOf(request).tenantId, request.params.id, app.now().toISOString());
        return reply.code(204).send();
      },
    );
  }
};
