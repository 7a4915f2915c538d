// The identity endpoints (token, discovery, keys), in their own context so that every error they give is
// Entra-shaped instead of Graph-shaped.
import type { FastifyError } from 'fastify';
import type { TarmacPlugin } from '../../types.js';
import { discoveryRoutes } from './discovery.js';
import { EntraError, entraErrors, sendEntraError } from './entra-errors.js';
import { tokenRoutes } from './token.js';

export const identityRoutes: TarmacPlugin = async (app) => {
  app.setErrorHandler((err: FastifyError | EntraError, request, reply) => {
    if (err instanceof EntraError) return sendEntraError(reply, err);
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'identity request failed');
      return sendEntraError(reply, entraErrors.serverError(request.id));
    }
    const message = err.validation ? `The request is not valid: ${err.message}.` : err.message;
    return sendEntraError(reply, new EntraError(status, 'invalid_request', undefined, message));
  });
  await app.register(tokenRoutes);
  await app.register(discoveryRoutes);
};
