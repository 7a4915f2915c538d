// What every route of Partner Center's token audience shares — the Partner Center API (/v1, partner tenants) and
// Tarmac's OEM API (/oem/v1, OEM tenants) — registered once per scope:
//   - Partner Center's tolerances: bodies with a UTF-8 BOM, an empty body under a JSON content type, text/json;
//   - its headers: MS-RequestId and MS-CorrelationId echoed (generated when absent), MS-CV, MS-ServerId, X-Locale;
//   - its caller: a Partner Center token of a tenant of the kind the API serves (caller.ts), set on
//     request.partnerCenter before anything else runs;
//   - its errors: ApiFault through the app's one error map (errorEnvelope 'partnerCenter'), 404 1000 for unknown paths.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sendPartnerCenterError } from '../../partner-center-errors.js';
import type { TarmacApp } from '../../types.js';
import { authenticate, type CallerKind } from './caller.js';

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one !== undefined && one.trim() !== '' && one.length <= 200 ? one.trim() : undefined;
}

/** The caller's MS-RequestId, when it sent one (the idempotency key of a call). */
export function requestIdOf(request: FastifyRequest): string | null {
  return headerValue(request, 'ms-requestid') ?? null;
}

/** A correlation vector like Partner Center's: 16 base64 characters and `.0`. */
function correlationVector(): string {
  return `${randomBytes(12).toString('base64').replace(/[+/]/g, 'A')}.0`;
}

export interface PartnerCenterScopeOptions {
  /** The tenant kind the scope's API serves. */
  caller: CallerKind;
  /** How 404s name the API ("Partner Center", "The OEM API"). */
  apiName: string;
}

/** Sets up the encapsulated scope `app` (call it first in the scope's plugin, before its routes). */
export function partnerCenterScope(app: TarmacApp, options: PartnerCenterScopeOptions): void {
  app.decorateRequest('partnerCenter', null);

  // Bodies: JSON with or without a BOM, and nothing at all (the docs send Content-Type on bodyless DELETE and GET).
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).replace(/^\uFEFF/, '');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(Object.assign(new Error(`The body is not valid JSON: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), errorEnvelope: 'partnerCenter' };
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('MS-RequestId', headerValue(request, 'ms-requestid') ?? randomUUID());
    reply.header('MS-CorrelationId', headerValue(request, 'ms-correlationid') ?? randomUUID());
    reply.header('MS-CV', headerValue(request, 'ms-cv') ?? correlationVector());
    reply.header('MS-ServerId', 'tarmac');
    reply.header('X-Locale', headerValue(request, 'x-locale') ?? 'en-US');
  });

  app.addHook('onRequest', async (request) => {
    request.partnerCenter = await authenticate(app, request, options.caller);
  });

  app.setNotFoundHandler((request, reply) =>
    sendPartnerCenterError(reply, 404, 1000, `${options.apiName} has no resource at ${request.method} ${request.url.split('?')[0] ?? ''}.`),
  );
}
