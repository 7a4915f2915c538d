// A Tarmac app (inject()-style) on either engine, with two tenants whose apps hold the default roles.
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { TarmacApp } from '../../src/http/types.js';
import type { ImportWorkerOptions } from '../../src/registry/index.js';
import { createTenantsStore } from '../../src/store/index.js';
import { createApp, type CreatedTenant, type TenantsStore } from '../../src/tenants/index.js';
import { sharedSchemaController } from './shared-schema-compiler.js';
import { createSeededTestDatabase } from './templates.js';
import { withTestKeyEncryptionKey, type TestDatabase, type TestEngine } from './test-databases.js';

export interface GraphFixture {
  app: TarmacApp;
  tdb: TestDatabase;
  store: TenantsStore;
  contoso: CreatedTenant;
  fabrikam: CreatedTenant;
  clock: { offsetMs: number };
  /** A token for `who` (an app of a tenant). */
  token(who: CreatedTenant): Promise<string>;
  /** inject() with a bearer token, JSON in and out (the body is loosely typed: tests read whatever Graph field they check). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(who: CreatedTenant, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, body?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  appWithRoles(roles: string[]): Promise<CreatedTenant>;
  cleanup(): Promise<void>;
}

export async function graphFixture(engine: TestEngine, options: { env?: Record<string, string>; importWorker?: false | ImportWorkerOptions } = {}): Promise<GraphFixture> {
  const {
    tdb,
    tenants: [contoso, fabrikam],
  } = await createSeededTestDatabase(engine, ['contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com']);
  const store = createTenantsStore(tdb.db);
  const config = loadConfig(
    withTestKeyEncryptionKey({ TARMAC_DATA_DIR: tdb.settings.dataDir, ...(tdb.settings.databaseUrl ? { TARMAC_DATABASE_URL: tdb.settings.databaseUrl } : {}), ...options.env }),
  );
  const clock = { offsetMs: 0 };
  const app = await buildApp({
    db: tdb.db,
    config,
    logger: false,
    now: () => new Date(Date.now() + clock.offsetMs),
    importWorker: options.importWorker ?? { pollIntervalMs: 50 },
    schemaController: sharedSchemaController,
  });
  const tokens = new Map<string, string>();
  const token = async (who: CreatedTenant): Promise<string> => {
    const cached = tokens.get(who.app.clientId);
    if (cached) return cached;
    const res = await app.inject({
      method: 'POST',
      url: `/${who.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: who.app.clientId,
        client_secret: who.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
    const t = (res.json() as { access_token: string }).access_token;
    tokens.set(who.app.clientId, t);
    return t;
  };
  return {
    app,
    tdb,
    store,
    contoso,
    fabrikam,
    clock,
    token,
    async call(who, method, url, body) {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await token(who)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), headers: res.headers };
    },
    appWithRoles: (roles) => createApp(store, { tenant: contoso.tenant.id, displayName: `roles ${roles.join(',')}`, roles }),
    async cleanup() {
      await app.close();
      await tdb.cleanup();
    },
  };
}
