// The Partner Center API face (partner-center-reference.md): /v1/customers/{customer-id}/… for partner (CSP)
// tenants, wire-compatible with Microsoft's .NET SDK, PowerShell module and the scripts built on them. This scope
// gives every route in it:
//   - Partner Center's tolerances: bodies with a UTF-8 BOM, an empty body under a JSON content type, text/json;
//     path spelling is made canonical before routing (paths.ts, through the app's rewriteUrl);
//   - its headers: MS-RequestId and MS-CorrelationId echoed (generated when absent), MS-CV, MS-ServerId;
//   - its caller: a Partner Center token of a partner tenant (caller.ts) and, on /customers/{customer-id}/…, the
//     relationship with that customer — checked before anything is read, so that without one every route answers
//     403 20002 and nothing else;
//   - its errors: ApiFault through the app's one error map (errorEnvelope 'partnerCenter'), 404 1000 for unknown paths.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sendPartnerCenterError } from '../../partner-center-errors.js';
import type { TarmacPlugin } from '../../types.js';
import { authenticatePartner, customerRelationship } from './caller.js';
import { batchStatusRoutes } from './batch-status.js';
import { customerRoutes } from './customers.js';
import { deviceBatchRoutes } from './device-batches.js';
import { policyRoutes } from './policies.js';

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one !== undefined && one.trim() !== '' && one.length <= 200 ? one.trim() : undefined;
}

/** A correlation vector like Partner Center's: 16 base64 characters and `.0`. */
function correlationVector(): string {
  return `${randomBytes(12).toString('base64').replace(/[+/]/g, 'A')}.0`;
}

export const partnerCenterRoutes: TarmacPlugin = async (app) => {
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
    const caller = await authenticatePartner(app, request);
    const customerId = (request.params as Record<string, string | undefined>)['customerId'];
    if (customerId !== undefined) caller.relationship = await customerRelationship(app, caller, customerId);
    request.partnerCenter = caller;
  });

  app.setNotFoundHandler((request, reply) =>
    sendPartnerCenterError(reply, 404, 1000, `Partner Center has no resource at ${request.method} ${request.url.split('?')[0] ?? ''}.`),
  );

  await app.register(customerRoutes);
  await app.register(deviceBatchRoutes);
  await app.register(batchStatusRoutes);
  await app.register(policyRoutes);
};

