// Tarmac's extension: the hardware hash an Autopilot device is registered with, which Graph does not expose
// (windowsAutopilotDeviceIdentity has no hash property), so that a console can decode it (src/hash) in the browser.
// Graph-shaped like partner-relationships.ts (a Graph token, app or delegated; Graph's error envelope;
// @odata.context) under /tarmac/v1.0, so that nothing pretends to be a Graph resource:
//   GET /tarmac/v1.0/windowsAutopilotDeviceIdentities/{id}/hardwareIdentifier
//     → {"@odata.context", "id", "hardwareIdentifier": "<base64>" | null}
// null: a device a partner or OEM registered without a hash (product key, or manufacturer+model+serial) that has not
// booted yet. Another tenant's device is 404, exactly like one that does not exist (as the Autopilot routes).
import { Type } from '@sinclair/typebox';
import { registeredHardware } from '../../../registry/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { SERVICE_CONFIG_READ } from './graph-support.js';
import { Entity, documentResponses, graphErrors } from './schemas/common.js';

const IdParams = Type.Object({ id: Type.String({ description: 'The windowsAutopilotDeviceIdentity id (ZTDID)' }) });

const HardwareIdentifierSchema = Type.Object(
  {
    id: Type.String({ description: 'The windowsAutopilotDeviceIdentity id' }),
    hardwareIdentifier: Type.Union([Type.String({ description: 'The registered hardware hash (4K hash), base64' }), Type.Null()], {
      description: 'null for a device registered without a hash (by a partner or OEM) that has not booted yet',
    }),
  },
  { additionalProperties: true },
);

export const hardwareIdentifierRoutes: TarmacPlugin = async (app) => {
  documentResponses(app);
  app.get(
    '/tarmac/v1.0/windowsAutopilotDeviceIdentities/:id/hardwareIdentifier',
    {
      onRequest: app.requireRole(...SERVICE_CONFIG_READ),
      schema: {
        tags: ['tarmac'],
        summary: "The hardware hash an Autopilot device is registered with (Tarmac's extension: Graph has none)",
        description:
          'Base64, as imported (after a hardware-change remediation, the new hash); null for a device a partner or OEM registered ' +
          `without a hash that has not booted yet. 404 for an unknown id or another tenant's device. Needs ${SERVICE_CONFIG_READ.join(' or ')} ` +
          '(application or delegated).',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        response: { 200: Entity(HardwareIdentifierSchema, 'The device id and its hash'), ...graphErrors(404) },
      },
    },
    async (request) => {
      const found = await registeredHardware(app.registry.store, authOf(request).tenantId, request.params.id);
      return {
        '@odata.context': `${app.baseUrl(request)}/tarmac/v1.0/$metadata#windowsAutopilotDeviceIdentities('${found.id}')/hardwareIdentifier`,
        id: found.id,
        hardwareIdentifier: found.hardwareHash === null ? null : found.hardwareHash.toString('base64'),
      };
    },
  );
};
