// The identity endpoints (token, sign-in, discovery, keys). Every error they give is Entra-shaped instead of Graph-shaped:
// their routes are marked for the app's error handler (plugins/error-handler.ts), which writes the envelope.
import type { TarmacPlugin } from '../../types.js';
import { authorizeRoutes } from './authorize.js';
import { discoveryRoutes } from './discovery.js';
import { tokenRoutes } from './token.js';

export const identityRoutes: TarmacPlugin = async (app) => {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, errorEnvelope: 'entra' };
  });
  await app.register(tokenRoutes);
  await app.register(authorizeRoutes);
  await app.register(discoveryRoutes);
};
