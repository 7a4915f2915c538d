// /beta/deviceManagement/windowsAutopilotSettings and its `sync` action: 204; 409 while a sync runs; 429 with
// Retry-After within the interval (TARMAC_SYNC_INTERVAL_SECONDS, default 600). Beta only, as in Graph.
import { getAutopilotSettings, requestSync } from '../../../registry/index.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { toGraphAutopilotSettings } from './autopilot-shapes.js';
import { SERVICE_CONFIG_READ, SYNC_ROLES, odataContext } from './graph-support.js';
import { AutopilotSettingsSchema } from './schemas/autopilot.js';
import { Entity, NoContent, Shared, documentResponses, graphErrors } from './schemas/common.js';
import { auditedAction } from '../../audit-specs.js';

export const autopilotSettingsRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [AutopilotSettingsSchema]);
  const base = '/beta/deviceManagement/windowsAutopilotSettings';

  app.get(
    base,
    {
      onRequest: app.requireRole(...SERVICE_CONFIG_READ),
      schema: {
        tags: ['graph'],
        summary: 'Get windowsAutopilotSettings (beta)',
        security: [{ bearerAuth: [] }],
        response: { 200: Entity(Shared(AutopilotSettingsSchema), 'The tenant’s Autopilot settings and sync state'), ...graphErrors() },
      },
    },
    async (request) => {
      const settings = await getAutopilotSettings(app.registry.store, authOf(request).tenantId);
      return { '@odata.context': odataContext(app, request, 'beta', 'deviceManagement/windowsAutopilotSettings/$entity'), ...toGraphAutopilotSettings(settings) };
    },
  );

  for (const path of [`${base}/sync`, `${base}/microsoft.graph.sync`]) {
    app.post(
      path,
      {
        config: auditedAction('windowsAutopilotSettings', 'sync', { ids: (call) => [call.request.auth?.tenantId ?? ''] }),
        onRequest: app.requireRole(...SYNC_ROLES),
        schema: {
          tags: ['graph'],
          summary: 'sync (beta): sync Autopilot devices',
          description: `204; 409 while a sync runs; 429 with Retry-After within ${app.registry.syncIntervalSeconds} s of the last one.`,
          security: [{ bearerAuth: [] }],
          response: { 204: NoContent('Sync started'), ...graphErrors(409) },
          hide: path.includes('microsoft.graph.'),
        },
      },
      async (request, reply) => {
        await requestSync(app.registry.store, authOf(request).tenantId, app.now(), app.registry.syncIntervalSeconds);
        app.registry.notifyImports();
        return reply.code(204).send();
      },
    );
  }
};
