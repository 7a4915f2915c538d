// /{v1.0,beta}/deviceManagement/importedWindowsAutopilotDeviceIdentities: list, get, create, delete and the `import`
// action. Rows are stored `unknown` and registered by the import worker; clients poll `state.deviceImportStatus`
// until it is `complete` (then `state.deviceRegistrationId` is the windowsAutopilotDeviceIdentity id) or `error`.
import { Type } from '@sinclair/typebox';
import { acceptImportItems, importDevices, MAX_HASH_TEXT_LENGTH, queueImportedDevices, type ImportItem } from '../../../registry/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { toGraphImportedDevice } from './autopilot-shapes.js';
import { collectionPage, GRAPH_VERSIONS, SERVICE_CONFIG_READ, SERVICE_CONFIG_WRITE, notFound, odataContext, selectFrom } from './graph-support.js';
import { listImportedDevices } from './list-queries.js';
import { ImportedDeviceSchema } from './schemas/autopilot.js';
import { Collection, Entity, Loose, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { audited, responseValues } from '../../audit-specs.js';

const SET = 'deviceManagement/importedWindowsAutopilotDeviceIdentities';
const ENTITY = 'importedWindowsAutopilotDeviceIdentity';

const OptionalText = Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]));

/** What clients send: Get-WindowsAutopilotInfo adds @odata.type, a `state` with "pending" and empty strings. */
const ImportItem = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String()),
    id: OptionalText,
    importId: OptionalText,
    groupTag: OptionalText,
    serialNumber: OptionalText,
    productKey: OptionalText,
    // No maxLength: importDevices refuses a hash longer than MAX_HASH_TEXT_LENGTH (see there for why).
    hardwareIdentifier: Type.Optional(Type.Union([Type.String({ description: `Base64, at most ${MAX_HASH_TEXT_LENGTH} characters` }), Type.Null()])),
    assignedUserPrincipalName: OptionalText,
    state: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
  },
  { additionalProperties: true },
);

const ImportBody = Type.Object(
  { importedWindowsAutopilotDeviceIdentities: Type.Array(ImportItem, { description: 'The devices to import' }) },
  { additionalProperties: true },
);

const IdParams = Type.Object({ id: Type.String({ description: 'The importedWindowsAutopilotDeviceIdentity id' }) });

/** Bodies of thousands of 4 KB hashes exceed Fastify's 1 MiB default. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const Imported = Shared(ImportedDeviceSchema);

export const importedAutopilotDeviceRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [ImportedDeviceSchema]);

  for (const version of GRAPH_VERSIONS) {
    const base = `/${version}/${SET}`;

    app.get(
      base,
      {
        onRequest: app.requireRole(...SERVICE_CONFIG_READ),
        schema: {
          tags: ['graph'],
          summary: `List importedWindowsAutopilotDeviceIdentities (${version})`,
          description: 'Supports $filter, $orderby, $select, $top, $count and @odata.nextLink paging.',
          security: [{ bearerAuth: [] }],
          response: { 200: Collection(Imported, 'A page of importedWindowsAutopilotDeviceIdentities'), ...graphErrors(400) },
        },
      },
      async (request) => {
        const { tenantId } = authOf(request);
        const list = await listImportedDevices(app, request, tenantId);
        return collectionPage(app, request, version, SET, list, (r) => selectFrom(toGraphImportedDevice(r), list.parsed));
      },
    );

    app.get(
      `${base}/:id`,
      {
        onRequest: app.requireRole(...SERVICE_CONFIG_READ),
        schema: {
          tags: ['graph'],
          summary: `Get importedWindowsAutopilotDeviceIdentity (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Entity(Imported, 'The importedWindowsAutopilotDeviceIdentity'), ...graphErrors(404) },
        },
      },
      async (request) => {
        const row = await app.registry.store.imports.find(authOf(request).tenantId, request.params.id.toLowerCase());
        if (!row) throw notFound(ENTITY, request.params.id);
        return { '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphImportedDevice(row) };
      },
    );

    app.post(
      base,
      {
        config: audited('importedWindowsAutopilotDeviceIdentity', 'Create'),
        onRequest: app.requireRole(...SERVICE_CONFIG_WRITE),
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['graph'],
          summary: `Create importedWindowsAutopilotDeviceIdentity (${version})`,
          description: 'Stores the device as deviceImportStatus "unknown"; the import worker registers it within moments.',
          security: [{ bearerAuth: [] }],
          body: ImportItem,
          response: { 201: Entity(Imported, 'The stored row, deviceImportStatus unknown'), ...graphErrors(400) },
        },
      },
      async (request, reply) => {
        const [row] = await importDevices(app.registry.store, {
          tenantId: authOf(request).tenantId,
          items: [request.body],
          now: app.now(),
          itemName: () => 'importedWindowsAutopilotDeviceIdentity',
        });
        app.registry.notifyImports();
        return reply.code(201).send({ '@odata.context': odataContext(app, request, version, `${SET}/$entity`), ...toGraphImportedDevice(row) });
      },
    );

    for (const action of ['import', 'microsoft.graph.import']) {
      app.post(
        `${base}/${action}`,
        {
          config: audited('importedWindowsAutopilotDeviceIdentity', 'Create', { activity: 'import', ids: responseValues('id') }),
          onRequest: app.requireRole(...SERVICE_CONFIG_WRITE),
          bodyLimit: IMPORT_BODY_LIMIT,
          schema: {
            tags: ['graph'],
            summary: `Import importedWindowsAutopilotDeviceIdentities (${version})`,
            description:
              'Stores every device as "unknown" and returns them; the worker registers them. Devices that share an identity ' +
              '(serial + make + model, SMBIOS UUID, product key ID or TPM EK) within the request: the first is processed, the rest end ZtdDeviceDuplicated.',
            security: [{ bearerAuth: [] }],
            body: ImportBody,
            response: {
              200: Loose(
                { '@odata.context': Type.String(), value: Type.Array(Imported) },
                { description: 'The stored rows, in the order sent, each deviceImportStatus unknown' },
              ),
              ...graphErrors(400),
            },
            hide: action !== 'import',
          },
        },
        async (request) => {
          const items = request.body.importedWindowsAutopilotDeviceIdentities;
          const rows = acceptImportItems({
            tenantId: authOf(request).tenantId,
            items,
            now: app.now(),
            itemName: (i) => `importedWindowsAutopilotDeviceIdentities[${i}]`,
          });
          forgetHashTexts(items);
          await queueImportedDevices(app.registry.store, rows);
          app.registry.notifyImports();
          return {
            '@odata.context': odataContext(app, request, version, `Collection(microsoft.graph.${ENTITY})`),
            value: rows.map(toGraphImportedDevice),
          };
        },
      );
    }

    app.delete(
      `${base}/:id`,
      {
        config: audited('importedWindowsAutopilotDeviceIdentity', 'Delete'),
        onRequest: app.requireRole(...SERVICE_CONFIG_WRITE),
        schema: {
          tags: ['graph'],
          summary: `Delete importedWindowsAutopilotDeviceIdentity (${version})`,
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 204: NoContent('Deleted (the registered device, if any, stays)'), ...graphErrors(404) },
        },
      },
      async (request, reply) => {
        const deleted = await app.registry.store.imports.delete(authOf(request).tenantId, request.params.id.toLowerCase());
        if (!deleted) throw notFound(ENTITY, request.params.id);
        return reply.code(204).send();
      },
    );
  }
};

/**
 * Drops the request's hash texts once they are decoded (the rows hold the bytes, and the answer encodes them anew).
 * Held until the answer, a 500-device request's 2 MB of texts outlived the young generation's collections while the
 * POSTs in flight beside it parsed their own bodies, and the collector copied and promoted them: SQLite, 40k devices,
 * five alternating rounds of the import bench, POST p50 208 ms at the median with them dropped against 244 ms (the
 * POSTs alone 194 against 253).
 */
function forgetHashTexts(items: ImportItem[]): void {
  for (const item of items) item.hardwareIdentifier = undefined;
}
