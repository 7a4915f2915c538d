// /{v1.0,beta}/devices and /devices/{id}: the tenant's Entra device objects, read-only (the Autopilot registry
// creates them; the directory slice will add the rest). Lets clients see [ZTDID] and [OrderID] physicalIds.
import { Type } from '@sinclair/typebox';
import { projectSelect, selectContextSuffix } from '../../odata/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { toGraphEntraDevice } from './autopilot-shapes.js';
import { DEVICE_READ, GRAPH_VERSIONS, mapRegistryErrors, odataContext } from './graph-support.js';
import { listEntraDevices } from './list-queries.js';
import { GraphError } from '../../graph-errors.js';

export const deviceRoutes: TarmacPlugin = async (app) => {
  mapRegistryErrors(app);
  for (const version of GRAPH_VERSIONS) {
    app.get(
      `/${version}/devices`,
      {
        onRequest: app.requireRole(...DEVICE_READ),
        schema: { tags: ['graph'], summary: `List devices (${version})`, description: 'Supports $filter, $orderby, $select, $top, $count.', security: [{ bearerAuth: [] }] },
      },
      async (request) => {
        const list = await listEntraDevices(app, request, authOf(request).tenantId);
        return {
          '@odata.context': odataContext(app, request, version, `devices${selectContextSuffix(list.parsed)}`),
          ...(list.count !== undefined ? { '@odata.count': list.count } : {}),
          value: list.items.map((d) => projectSelect(toGraphEntraDevice(d), list.parsed)),
          ...(list.nextLink ? { '@odata.nextLink': list.nextLink } : {}),
        };
      },
    );

    app.get(
      `/${version}/devices/:id`,
      {
        onRequest: app.requireRole(...DEVICE_READ),
        schema: { tags: ['graph'], summary: `Get device (${version})`, security: [{ bearerAuth: [] }], params: Type.Object({ id: Type.String({ description: 'Object id' }) }) },
      },
      async (request) => {
        const device = await app.registry.store.entra.find(authOf(request).tenantId, request.params.id.toLowerCase());
        if (!device) {
          throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${request.params.id}' does not exist or one of its queried reference-property objects are not present.`);
        }
        return { '@odata.context': odataContext(app, request, version, 'devices/$entity'), ...toGraphEntraDevice(device) };
      },
    );
  }
};
