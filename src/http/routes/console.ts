// The web console (web/, built by `npm run build` into dist/web) served by the API server: its files (hashed
// assets cached for a year, index.html never), and its page for a browser's navigation to `/` or to any console
// path. Content negotiation keeps `/` an API index for tools: `Accept: text/html` gets the console, anything else
// the JSON. Paths under the API prefixes never get the console page (a browser there sees the API's 404).
// Without a built console (a checkout where only `tsc` ran) everything answers as before.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyRequest } from 'fastify';
import { unencapsulated, type TarmacPlugin } from '../types.js';

/** dist/web beside this file's package: the same path from src/http/routes and from dist/http/routes. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** First path segments that belong to the APIs (Graph, Partner Center, OEM, OOBE, docs) and never to the console. */
const API_SEGMENTS = new Set(['v1.0', 'beta', 'v1', 'oem', 'oobe', 'tarmac', 'docs', 'openapi.json', 'health', 'assets', 'common', 'organizations', 'consumers']);

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's index.html for a browser's navigation to `request`'s path, or null (not a console page). */
    consolePageFor(request: FastifyRequest): string | null;
  }
}

export interface ConsoleOptions extends Record<string, unknown> {
  /** The built console; default dist/web. */
  dir?: string | undefined;
}

export const consoleRoutes: TarmacPlugin<ConsoleOptions> = unencapsulated(async (app, options) => {
  const dir = options.dir ?? DEFAULT_CONSOLE_DIR;
  const indexFile = `${dir}/index.html`;
  const page = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;

  app.decorate('consolePageFor', (request: FastifyRequest): string | null => {
    if (page === null || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
    if (!(request.headers.accept ?? '').includes('text/html')) return null;
    const path = request.url.split('?')[0] ?? '/';
    const first = path.split('/')[1] ?? '';
    if (API_SEGMENTS.has(first.toLowerCase())) return null;
    // /{tenant}/oauth2/…, /{tenant}/v2.0/…, /{tenant}/discovery/…: the identity endpoints answer those themselves.
    if (/^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known|federationmetadata)\b/i.test(path)) return null;
    return page;
  });
  if (page === null) return;

  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false, // one route per built file, listed now: no catch-all that would shadow the API's 404s
    index: false,
    decorateReply: false,
    preCompressed: true, // the build writes .br and .gz beside each file (web/vite.config.ts)
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      // Vite names assets by their content hash: they never change.
      reply.header('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}, 'tarmac-console');
