// App decorators: the database, the tenants store, the signing key ring, the config and the clock.
import type { TarmacConfig } from '../../config.js';
import { createTenantsStore, type Db } from '../../store/index.js';
import { withFirstPartyApps } from '../../tenants/index.js';
import { KeyRing } from '../../tokens/index.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';

export interface ServicesOptions extends Record<string, unknown> {
  db: Db;
  config: TarmacConfig;
  now: () => Date;
}

export const services: TarmacPlugin<ServicesOptions> = unencapsulated(async (app, { db, config, now }) => {
  // The server finds Tarmac's first-party apps (the console) in every tenant; the CLI's store does not list them.
  const stored = createTenantsStore(db);
  const store = { ...stored, apps: withFirstPartyApps(stored.apps, config.publicBaseUrl) };
  app.decorate('db', db);
  app.decorate('tenantsStore', store);
  app.decorate('keyRing', new KeyRing(store.signingKeys));
  app.decorate('tarmacConfig', config);
  app.decorate('now', now);
  app.decorate('baseUrl', (request) => config.publicBaseUrl ?? `${request.protocol}://${request.host}`);
}, 'tarmac-services');
