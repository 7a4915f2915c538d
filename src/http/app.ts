// The Fastify app. Plugins load in a fixed order, as in fastify/demo: external plugins, then Tarmac's decorators
// and hooks (services, request ids, error handler, auth), then routes.
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TarmacConfig } from '../config.js';
import type { Db } from '../store/index.js';
import { auditLog } from './plugins/audit.js';
import { auth } from './plugins/auth.js';
import { edgeErrorOptions, errorHandler } from './plugins/error-handler.js';
import { registerExternalPlugins } from './plugins/external.js';
import { jsonBody } from './plugins/json-body.js';
import { inputGuard } from './plugins/input-guard.js';
import { registryContext } from './plugins/registry-context.js';
import { requestContext } from './plugins/request-context.js';
import { services } from './plugins/services.js';
import { throttle } from './plugins/throttle.js';
import { organizationRoutes } from './routes/graph/organization.js';
import { userRoutes } from './routes/graph/users.js';
import { batchRoutes } from './routes/graph/batch.js';
import { autopilotDeviceRoutes } from './routes/graph/autopilot-devices.js';
import { autopilotSettingsRoutes } from './routes/graph/autopilot-settings.js';
import { deviceRoutes } from './routes/graph/devices.js';
import { importedAutopilotDeviceRoutes } from './routes/graph/imported-autopilot-devices.js';
import { autopilotOffboardRoutes } from './routes/graph/autopilot-offboard.js';
import { deploymentProfileRoutes } from './routes/graph/deployment-profiles.js';
import { groupRoutes } from './routes/graph/groups.js';
import { managedDeviceRoutes } from './routes/graph/managed-devices.js';
import { partnerRelationshipRoutes } from './routes/graph/partner-relationships.js';
import { hardwareIdentifierRoutes } from './routes/graph/hardware-identifier.js';
import { auditEventRoutes } from './routes/graph/audit-events.js';
import { oobeRoutes } from './routes/oobe.js';
import { oemRoutes } from './routes/oem/index.js';
import { partnerCenterRoutes } from './routes/partner-center/index.js';
import { canonicalPartnerCenterUrl } from './routes/partner-center/paths.js';
import type { ImportWorkerOptions } from '../registry/index.js';
import { identityRoutes } from './routes/identity/index.js';
import { consoleRoutes } from './routes/console.js';
import { serviceRoutes } from './routes/service.js';
import type { TarmacApp } from './types.js';

export interface BuildAppOptions {
  /** A migrated database; the caller owns it (closing the app does not close it). */
  db: Db;
  config: TarmacConfig;
  /** Fastify's logger option: false (tests), true, or pino options. */
  logger?: FastifyServerOptions['logger'];
  /** TLS key and certificate (PEM) to serve HTTPS. */
  https?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** The clock (tests move it). */
  now?: () => Date;
  /** The import worker: false runs none (imports stay `unknown`); default on, with these options. */
  importWorker?: false | ImportWorkerOptions;
  /** Called when import rows were queued (after this app's worker was told): `serve --workers` wakes the others. */
  onImportsQueued?: () => void;
  /**
   * Fastify's schema compilers. Default: new ones for this app. Tests that build an app per test pass one shared
   * validator compiler, so that each route's schema is compiled once rather than once per app.
   */
  schemaController?: FastifyServerOptions['schemaController'];
  /** The built web console to serve at / (default dist/web; served only when its index.html exists). */
  consoleDir?: string | undefined;
}

export async function buildApp(options: BuildAppOptions): Promise<TarmacApp> {
  const tls = options.https;
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Partner Center clients spell its paths loosely (case, `//`, a trailing `/`); only /v1 paths are rewritten.
    rewriteUrl: (req) => canonicalPartnerCenterUrl(req.url ?? '/'),
    ...(options.schemaController ? { schemaController: options.schemaController } : {}),
    // Errors raised before routing (bad URL, overlong segment, what Node's parser refuses) in the API's envelope.
    ...edgeErrorOptions,
    // HTTPS through a server factory, so that the app keeps one type whether or not TLS is on (an https.Server
    // serves Fastify exactly as an http.Server does). Microsoft's Graph SDK sends tokens only over https.
    ...(tls
      ? {
          serverFactory: (handler: Parameters<typeof createHttpsServer>[1]) =>
            createHttpsServer({ key: tls.key, cert: tls.cert }, handler) as unknown as HttpServer,
        }
      : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // 1. External plugins.
  await registerExternalPlugins(app, options.config);
  // 2. Tarmac's decorators and hooks, for the whole app.
  await app.register(jsonBody);
  await app.register(services, { db: options.db, config: options.config, now: options.now ?? (() => new Date()) });
  await app.register(requestContext);
  await app.register(errorHandler);
  await app.register(inputGuard);
  await app.register(auth);
  await app.register(throttle);
  await app.register(registryContext, { importWorker: options.importWorker ?? {}, onImportsQueued: options.onImportsQueued });
  await app.register(auditLog);
  // 3. Routes.
  await app.register(consoleRoutes, { dir: options.consoleDir });
  await app.register(serviceRoutes);
  await app.register(identityRoutes);
  await app.register(organizationRoutes);
  await app.register(userRoutes);
  await app.register(importedAutopilotDeviceRoutes);
  await app.register(autopilotDeviceRoutes);
  await app.register(autopilotSettingsRoutes);
  await app.register(deviceRoutes);
  await app.register(groupRoutes);
  await app.register(deploymentProfileRoutes);
  await app.register(managedDeviceRoutes);
  await app.register(autopilotOffboardRoutes);
  await app.register(oobeRoutes);
  await app.register(batchRoutes);
  await app.register(partnerRelationshipRoutes);
  await app.register(hardwareIdentifierRoutes);
  await app.register(auditEventRoutes);
  await app.register(partnerCenterRoutes, { prefix: '/v1' });
  await app.register(oemRoutes, { prefix: '/oem/v1' });

  await app.ready();
  return app;
}
