// The web console (web/, built by `npm run build` into dist/web) served by the API server: its files (hashed
// assets cached for a year, index.html never), and its page for a browser's navigation to `/` or to any console
// path. Content negotiation keeps `/` an API index for tools: `Accept: text/html` gets the console, anything else
// the JSON. Paths under the API prefixes never get the console page (a browser there sees the API's 404).
// Without a built console (a checkout where only `tsc` ran) everything answers as before.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyRequest } from 'fastify';
import { packageRoot } from '../../package-root.js';
import { API_FIRST_SEGMENTS, TENANT_IDENTITY_PATH } from '../api-paths.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

/** dist/web in Tarmac's package (whether this module runs from src/, dist/ or the CLI bundle). */
export const DEFAULT_CONSOLE_DIR = join(packageRoot(), 'dist/web/');

/** First path segments never answered with the console page: the APIs', and the console's own assets (a missing one is a 404). */
const API_SEGMENTS = new Set<string>([...API_FIRST_SEGMENTS, 'assets']);

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
    if (TENANT_IDENTITY_PATH.test(path)) return null;
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
