// POST /beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}/offboard (Tarmac's extension): the documented
// deregistration sequence in one call — Intune delete → unassign user → Autopilot deregister → Entra handling — with
// a report per system (src/registry/offboard-device.ts). 200 with the report even when a step failed (completed
// false, the failing step's message, the rest skipped); 404 for a device not in the tenant.
import { Type } from '@sinclair/typebox';
import { offboardDevice } from '../../../registry/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { SERVICE_CONFIG_WRITE, odataContext } from './graph-support.js';
import { OffboardReportSchema } from './schemas/autopilot.js';
import { Shared, documentResponses, graphErrors } from './schemas/common.js';
import { auditedAction } from '../../audit-specs.js';

const IdParams = Type.Object({ id: Type.String({ description: 'The windowsAutopilotDeviceIdentity id (ZTDID)' }) });

export const autopilotOffboardRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [OffboardReportSchema]);
  const base = '/beta/deviceManagement/windowsAutopilotDeviceIdentities/:id';
  for (const path of [`${base}/offboard`, `${base}/microsoft.graph.offboard`]) {
    app.post(
      path,
      {
        config: auditedAction('windowsAutopilotDeviceIdentity', 'offboard'),
        onRequest: app.requireRole(...SERVICE_CONFIG_WRITE),
        schema: {
          tags: ['graph'],
          summary: 'offboard (Tarmac extension, beta): deregister a device in the documented order',
          description:
            'Deletes the Intune managed device, unassigns the user, deregisters the Autopilot device and handles its Entra object ' +
            '(deleted when never joined, kept without its Autopilot physicalIds when joined). Answers with one step per system: ' +
            "{system: 'intune'|'user'|'autopilot'|'entra', action, detail}; completed is false when a step failed.",
          security: [{ bearerAuth: [] }],
          params: IdParams,
          response: { 200: Shared(OffboardReportSchema, { description: 'One step per system; completed is false when a step failed' }), ...graphErrors(404) },
          hide: path.includes('microsoft.graph.'),
        },
      },
      async (request) => {
        const report = await offboardDevice(app.registry.store, authOf(request).tenantId, request.params.id, app.now());
        return { '@odata.context': odataContext(app, request, 'beta', 'microsoft.graph.tarmacOffboardReport'), ...report };
      },
    );
  }
};
