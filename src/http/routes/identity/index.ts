// The identity endpoints (token, sign-in, discovery, keys). Every error they give is Entra-shaped instead of Graph-shaped:
// their routes are marked for the app's error handler (plugins/error-handler.ts), which writes the envelope.
import { notAudited } from '../../audit-specs.js';
import type { TarmacPlugin } from '../../types.js';
import { authorizeRoutes } from './authorize.js';
import { discoveryRoutes } from './discovery.js';
import { tokenRoutes } from './token.js';

export const identityRoutes: TarmacPlugin = async (app) => {
  app.addHook('onRoute', (route) => {
    // Tokens and sign-in change no registry state; sign-ins belong to a sign-in log, not Intune's audit log.
    route.config = { ...notAudited('identity endpoints (tokens, sign-in, sign-out) change no registry or directory data'), ...route.config, errorEnvelope: 'entra' };
  });
  await app.register(tokenRoutes);
  await app.register(authorizeRoutes);
  await app.register(discoveryRoutes);
};
