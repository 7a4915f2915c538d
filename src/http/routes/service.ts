// Service endpoints: health, the OpenAPI document, and an index at / (the console for a browser, routes/console.ts).
import { Type } from '@sinclair/typebox';
import { engineOf, pingDatabase } from '../../store/index.js';
import type { TarmacPlugin } from '../types.js';
import { tarmacVersion } from '../version.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  database: Type.String(),
});

export const serviceRoutes: TarmacPlugin = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['service'], summary: 'Liveness and database check', response: { 200: Health, 503: Health } } },
    async (request, reply) => {
      const database = engineOf(app.db);
      try {
        await pingDatabase(app.db);
        return { status: 'ok' as const, version: tarmacVersion(), database };
      } catch (err) {
        request.log.error({ err }, 'health check: database unavailable');
        return reply.code(503).send({ status: 'unavailable' as const, version: tarmacVersion(), database });
      }
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const page = app.consolePageFor(request);
    if (page !== null) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    const base = app.baseUrl(request);
    return {
      name: 'Tarmac',
      version: tarmacVersion(),
      docs: `${base}/docs`,
      openapi: `${base}/openapi.json`,
      token_endpoint: `${base}/{tenant}/oauth2/v2.0/token`,
      graph: `${base}/v1.0`,
    };
  });
};
