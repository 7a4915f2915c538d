// Third-party plugins, registered first: security headers (helmet's, computed once: security-headers.ts), form
// bodies (the token endpoint), rate limiting (opt-in per route), OpenAPI generation and its UI.
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TarmacConfig } from '../../config.js';
import type { TarmacApp } from '../types.js';
import { tarmacVersion } from '../version.js';
import { securityHeaders } from './security-headers.js';

export async function registerExternalPlugins(app: TarmacApp, config: TarmacConfig): Promise<void> {
  const headers = securityHeaders({
    // HSTS only for a public https URL: on localhost it would pin every other local dev server to https.
    hsts: config.publicBaseUrl?.startsWith('https://') ?? false,
    // Tarmac is often reached over plain http on loopback; don't ask browsers to upgrade the docs page's requests.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    // An API for tools on other origins (the console, scripts in browsers), like Graph.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });

  await app.register(swagger, {
    // Shared schemas appear under their $id (microsoft.graph.organization), not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tarmac',
        version: tarmacVersion(),
        description:
          'Windows Autopilot device registration service with Microsoft Graph-compatible endpoints. ' +
          'Get a token from `POST /{tenant}/oauth2/v2.0/token` (client credentials, scope `https://graph.microsoft.com/.default`), ' +
          'then send it as `Authorization: Bearer <token>`.',
        license: { name: 'MIT' },
      },
      tags: [
        { name: 'identity', description: 'Entra-compatible token endpoint, OIDC discovery and signing keys' },
        { name: 'graph', description: 'Microsoft Graph-compatible API' },
        { name: 'oobe', description: 'The PC’s side at OOBE: profile download, first Autopilot run, workplace join, check-in (no admin token)' },
        { name: 'partner center', description: "Partner Center's device API (/v1) for partner (CSP) tenants: relationships, device batches, policies; ApiFault errors" },
        { name: 'oem', description: "Tarmac's OEM API (/oem/v1, not Microsoft-compatible): register and deregister devices for consenting customers" },
        { name: 'tarmac', description: "Tarmac's own Graph-shaped API where Microsoft has none public: the customer's partner and OEM relationships, a device's registered hardware hash" },
        { name: 'service', description: 'Health and API description' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
    staticCSP: false,
  });
}
