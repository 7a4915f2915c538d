// /{v1.0,beta}/deviceManagement/managedDevices: Intune managed devices (list, get, delete). Enrollment creates them
// (src/oobe). Deleting one is step 1 of deregistration (reference §5): its Autopilot device is then no longer
// enrolled in Intune and its Entra object no longer managed. Another tenant's device is 404.
import { Type } from '@sinclair/typebox';
import { deleteManagedDevice, findManagedDevice } from '../../../intune/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { collectionPage, GRAPH_VERSIONS, odataContext, selectFrom } from './graph-support.js';
import { listManagedDevices } from './list-queries.js';
import { toGraphManagedDevice } from './managed-device-shapes.js';
import { Collection, Entity, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { ManagedDeviceSchema } from './schemas/intune.js';
import { audited } from '../../audit-specs.js';

const SET = 'deviceManagement/managedDevices';

/** Reading managed devices (least privileged first), and deleting them, as in Graph. */
export const MANAGED_DEVICES_READ = ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'];
export const MANAGED_DEVICES_WRITE = ['DeviceManagementManagedDevices.ReadWrite.All'];

const IdParams = Type.Object({ id: Type.String({ description: 'The managedDevice id' }) });
const Managed = Shared(ManagedDeviceSchema);

export const managedDeviceRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [ManagedDeviceSchema]);

  for (const version of GRAPH_VERSIONS) {
    const base = `/${version}/${SET}`;
    const read = app.requireRole(...MANAGED_DEVICES_READ);
    const write = app.requireRole(...MANAGED_DEVICES_WRITE);

    app.get(
      base,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `List managedDevices (${version})`,
          description:
            "Supports $filter on deviceName, serialNumber, managedDeviceOwnerType, azureADDeviceId, deviceEnrollmentType, operatingSystem and more (e.g. managedDeviceOwnerType eq 'personal'), $orderby, $select, $top (≤1000), $count and @odata.nextLink paging.",
          security: [{ bearerAuth: [] }],
          response: { 200: Collection(Managed, 'A page of managedDevices'), ...graphErrors(400) },
        },
      },
      async (request) => {
        const list = await listManagedDevices(app, request, authOf(request).tenantId);
        return collectionPage(app, request, version, SET, list, (d) => selectFrom(toGraphManagedDevice(d, version), list.parsed));
      },
    );

    app.get(
      `${base}/:id`,
      {
        onRequest: read,
        schema: {
          tags: ['graph'],
          summary: `Get managedDevice (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Entity(Managed, 'The managedDevice'), ...graphErrors(404) },
        },
      },
      async (request) => {
        const device = await findManagedDevice(app.registry.store, authOf(request).tenantId, request.params.id);
        return { '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphManagedDevice(device, version) };
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: audited('managedDevice', 'Delete'),
        onRequest: write,
        schema: {
          tags: ['graph'],
          summary: `Delete managedDevice (${version})`,
          description: 'Removes the device from Intune: its Autopilot device is then no longer enrolled (managedDeviceId cleared) and its Entra object no longer managed.',
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 204: NoContent('Deleted from Intune'), ...graphErrors(404) },
        },
      },
      async (request, reply) => {
        await deleteManagedDevice(app.registry.store, authOf(request).tenantId, request.params.id, app.now());
        return reply.code(204).send();
      },
    );
  }
};
