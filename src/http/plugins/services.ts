// App decorators: the database, the tenants store, the signing key ring (with the key-encryption key: a server
// without one outside the demo setup does not start; see src/tokens/key-encryption.ts), the token app-state cache,
// the config and the clock.
import type { TarmacConfig } from '../../config.js';
import { createTenantsStore, type Db } from '../../store/index.js';
import { withFirstPartyApps } from '../../tenants/index.js';
import { AppTokenStates, KeyRing, demoKeyNotice, resolveKeyEncryptionKey } from '../../tokens/index.js';
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
  const { kek, createdFile } = resolveKeyEncryptionKey(config);
  if (createdFile !== undefined) {
    app.log.warn(demoKeyNotice(createdFile));
  }
  app.decorate('keyRing', new KeyRing(store.signingKeys, { kek, overlapSeconds: config.keyOverlapSeconds, now }));
  app.decorate('appTokenStates', new AppTokenStates(store.apps));
  app.decorate('tarmacConfig', config);
  app.decorate('now', now);
  app.decorate('baseUrl', (request) => config.publicBaseUrl ?? `${request.protocol}://${request.host}`);
}, 'tarmac-services');
