// A Tarmac app on a throwaway SQLite database, with a tenant and an app ready, for inject()-style tests.
import { loadConfig, type TarmacConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { TarmacApp } from '../../src/http/types.js';
import { createTenantsStore, type Db } from '../../src/store/index.js';
import { createApp, type CreatedTenant, type TenantsStore } from '../../src/tenants/index.js';
import { sharedSchemaController } from './shared-schema-compiler.js';
import { createSeededTestDatabase } from './templates.js';

export interface TestApp {
  app: TarmacApp;
  db: Db;
  store: TenantsStore;
  config: TarmacConfig;
  /** contoso.onmicrosoft.com, with an app holding the default roles. */
  contoso: CreatedTenant;
  /** Moves the app's clock: it reads real time plus offsetMs. */
  clock: { offsetMs: number };
  cleanup(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const {
    tdb,
    tenants: [contoso],
  } = await createSeededTestDatabase('sqlite', ['contoso.onmicrosoft.com']);
  try {
    const store = createTenantsStore(tdb.db);
    const config = loadConfig({ TARMAC_DATA_DIR: tdb.settings.dataDir, ...env });
    const clock = { offsetMs: 0 };
    const app = await buildApp({
      db: tdb.db,
      config,
      logger: false,
      now: () => new Date(Date.now() + clock.offsetMs),
      schemaController: sharedSchemaController,
    });
    return {
      app,
      db: tdb.db,
      store,
      config,
      contoso,
      clock,
      async cleanup() {
        await app.close();
        await tdb.cleanup();
      },
    };
  } catch (err) {
    await tdb.cleanup();
    throw err;
  }
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Credentials of the app in `created` as a client-credentials form. */
export function credentials(created: CreatedTenant, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: created.app.clientId,
    client_secret: created.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
    ...extra,
  };
}

/** A token for the app in `created` (default: Contoso's). */
export async function tokenFor(t: TestApp, created: CreatedTenant = t.contoso): Promise<string> {
  const tenant = created.tenant.domains[0]?.name ?? created.tenant.id;
  const res = await t.app.inject({ method: 'POST', url: `/${tenant}/oauth2/v2.0/token`, headers: FORM, payload: form(credentials(created)) });
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** Another app in Contoso with exactly these roles. */
export async function appWithRoles(t: TestApp, roles: string[]): Promise<CreatedTenant> {
  return createApp(t.store, { tenant: t.contoso.tenant.id, displayName: `roles ${roles.join(',')}`, roles });
}
