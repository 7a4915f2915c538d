// One error handler for the whole app: every error leaves as Graph's envelope; 5xx details stay in the log.
// Unknown routes answer 404 in the same envelope. (The token endpoint has its own, Entra-shaped, handler.)
import type { FastifyError } from 'fastify';
import { GraphError, defaultGraphCode, sendGraphError } from '../graph-errors.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

export const errorHandler: TarmacPlugin = unencapsulated(async (app) => {
  app.setErrorHandler((err: FastifyError | GraphError, request, reply) => {
    if (err instanceof GraphError) {
      reply.headers(err.headers);
      return sendGraphError(reply, err.statusCode, err.code, err.message);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return sendGraphError(
        reply,
        status,
        defaultGraphCode(status),
        `Tarmac could not complete the request. Quote request-id ${request.id} when reporting it; details are in the server log.`,
      );
    }
    if (err.validation) {
      return sendGraphError(reply, 400, 'BadRequest', `Invalid request: ${err.message}.`);
    }
    if (status === 429 && typeof err.message === 'string') {
      return sendGraphError(reply, 429, 'TooManyRequests', err.message);
    }
    return sendGraphError(reply, status, defaultGraphCode(status), err.message);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendGraphError(
      reply,
      404,
      'ResourceNotFound',
      `Tarmac has no endpoint for ${request.method} ${path}. The API reference is at /docs.`,
    );
  });
}, 'tarmac-error-handler');
