// Token hardening (issue 12, item 5) through HTTP: Graph and Partner Center refuse a token whose app is not an app
// of its tenant, or whose app's tokens were revoked, with a 401 that says so; the token endpoint budgets requests
// per client and per tenant across v1 and v2 and locks a client out after repeated failed authentications; a server
// outside the demo setup does not start without its key-encryption key, and the demo setup makes its own.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server/start-server.js';
import { createTenantsStore, openDatabase } from '../../src/store/index.js';
import { CONSOLE_CLIENT_ID, createApp, createTenant, deleteApp, revokeAppTokens, type CreatedTenant } from '../../src/tenants/index.js';
import { APP_STATE_CACHE_SECONDS, DEMO_KEK_FILE_NAME, isEncryptedPrivateKey } from '../../src/tokens/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { createTestApp, FORM, credentials, form, type TestApp } from '../support/test-app.js';
import { scratchDirForThisTest } from '../support/scratch-dir.js';
import { createTestDatabase, dropPostgresFileDatabase, type TestDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

describe.each(TEST_ENGINES)('Graph and Partner Center token checks on %s', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => f.cleanup());

  async function signedWithTarmacKey(claims: Record<string, unknown>): Promise<string> {
    const { kid, privateKey } = await f.app.keyRing.signingKey();
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
  }
  const organization = (token: string) => f.app.inject({ method: 'GET', url: '/v1.0/organization', headers: { authorization: `Bearer ${token}` } });

  it('401 for a token naming one tenant with another tenant’s app, or an app that does not exist', async () => {
    const real = decodeJwt(await f.token(f.contoso));
    expect((await organization(await signedWithTarmacKey(real))).statusCode).toBe(200);
    for (const appid of [f.fabrikam.app.clientId, '00000000-1111-2222-3333-444444444444']) {
      const res = await organization(await signedWithTarmacKey({ ...real, appid }));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        error: { code: 'InvalidAuthenticationToken', message: expect.stringContaining("The token's app (appid) is not an app of the token's tenant (tid)") },
      });
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });

  it('401 for a token issued a day in the future', async () => {
    const real = decodeJwt(await f.token(f.contoso));
    const iat = (real.iat ?? 0) + 86_400;
    const res = await organization(await signedWithTarmacKey({ ...real, iat, nbf: real.nbf, exp: iat + 3600 }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.stringContaining('not yet valid') } });
  });

  it('a revocation (another process: the CLI) bites within the cache time; a new token works', async () => {
    const token = await f.token(f.contoso);
    expect((await organization(token)).statusCode).toBe(200);
    // The revocation is stored a second after the token was issued (the app's clock, which the token endpoint used).
    f.clock.offsetMs += 1000;
    await revokeAppTokens(createTenantsStore(f.tdb.db), { tenant: f.contoso.tenant.id, clientId: f.contoso.app.clientId, now: f.app.now() });
    f.clock.offsetMs += APP_STATE_CACHE_SECONDS * 1000;
    const res = await organization(token);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.stringContaining('The token was revoked') } });
    const again = await f.app.inject({ method: 'POST', url: `/${f.contoso.tenant.id}/oauth2/v2.0/token`, headers: FORM, payload: form(credentials(f.contoso)) });
    expect(again.statusCode).toBe(200);
    expect((await organization((again.json() as { access_token: string }).access_token)).statusCode).toBe(200);
    // Fabrikam's app is untouched.
    expect((await f.call(f.fabrikam, 'GET', '/v1.0/organization')).status).toBe(200);
  });

  it('a deleted app’s tokens stop working within the cache time', async () => {
    const token = await f.token(f.contoso);
    await deleteApp(createTenantsStore(f.tdb.db), { tenant: f.contoso.tenant.id, clientId: f.contoso.app.clientId });
    f.clock.offsetMs += APP_STATE_CACHE_SECONDS * 1000;
    expect((await organization(token)).statusCode).toBe(401);
  });

  it('Partner Center: 401 for a partner’s token that names another tenant’s app', async () => {
    const csp: CreatedTenant = await createTenant(f.store, { domain: 'csp.onmicrosoft.com', kind: 'partner' });
    const res = await f.app.inject({
      method: 'POST',
      url: `/${csp.tenant.id}/oauth2/v2.0/token`,
      headers: FORM,
      payload: form(credentials(csp, { scope: 'https://api.partnercenter.microsoft.com/.default' })),
    });
    expect(res.statusCode).toBe(200);
    const real = decodeJwt((res.json() as { access_token: string }).access_token);
    const call = async (token: string) =>
      f.app.inject({ method: 'GET', url: '/v1/customers/relationshiprequests', headers: { authorization: `Bearer ${token}` } });
    expect((await call(await signedWithTarmacKey(real))).statusCode).toBe(200);
    const crossed = await call(await signedWithTarmacKey({ ...real, appid: f.contoso.app.clientId }));
    expect(crossed.statusCode).toBe(401);
    expect(crossed.body).toContain("app (appid) is not an app of the token's tenant (tid)");
  });
});

describe('token endpoint limits (per process, v1 and v2 together)', () => {
  let t: TestApp;
  afterEach(async () => t.cleanup());

  const v2 = (tenant: string, fields: Record<string, string>) => t.app.inject({ method: 'POST', url: `/${tenant}/oauth2/v2.0/token`, headers: FORM, payload: form(fields) });
  const v1 = (tenant: string, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: `/${tenant}/oauth2/token`,
      headers: FORM,
      payload: form({ ...fields, scope: '', resource: 'https://graph.microsoft.com' }),
    });

  it('locks a client out after repeated failed authentications on either endpoint, even with its right secret, then lets it in', async () => {
    t = await createTestApp({ TARMAC_TOKEN_LOCKOUT_FAILURES: '4', TARMAC_TOKEN_LOCKOUT_SECONDS: '120' });
    const { contoso } = t;
    const wrong = credentials(contoso, { client_secret: 'abc8Q~wrongwrongwrongwrongwrongwrongwron' });
    const domain = 'contoso.onmicrosoft.com';
    expect((await v2(domain, wrong)).statusCode).toBe(401);
    expect((await v1(contoso.tenant.id, wrong)).statusCode).toBe(401);
    // A sign-in grant's failed client authentication counts too.
    const refresh = await v2(domain, { grant_type: 'refresh_token', client_id: contoso.app.clientId, client_secret: 'nope', refresh_token: 'x' });
    expect(refresh.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect((await v1(domain, wrong)).statusCode).toBe(401);

    const locked = await v2(contoso.tenant.id, credentials(contoso));
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({
      error: 'invalid_client',
      error_codes: [50053],
      error_description: expect.stringMatching(/^AADSTS50053: The client '[0-9a-f-]{36}' is locked because it failed to authenticate 4 times within 120 seconds/),
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await v1(domain, credentials(contoso))).json()).toMatchObject({ error_codes: [50053] });

    // Another app of the tenant is not locked.
    const other = await createTenant(t.store, { domain: 'other.onmicrosoft.com' });
    expect((await v2('other.onmicrosoft.com', credentials(other))).statusCode).toBe(200);

    t.clock.offsetMs += 120_000;
    expect((await v2(domain, credentials(contoso))).statusCode).toBe(200);
  });

  it('does not lock out the console (a public client: client credentials with its id guess no secret)', async () => {
    t = await createTestApp({ TARMAC_TOKEN_LOCKOUT_FAILURES: '2' });
    const consoleCredentials = { ...credentials(t.contoso), client_id: CONSOLE_CLIENT_ID };
    for (let i = 0; i < 3; i++) expect((await v2(t.contoso.tenant.id, consoleCredentials)).json()).toMatchObject({ error_codes: [7000215] });
  });

  it('counts an unknown client id’s failures for that id only', async () => {
    t = await createTestApp({ TARMAC_TOKEN_LOCKOUT_FAILURES: '2' });
    const ghost = { ...credentials(t.contoso), client_id: '99999999-8888-7777-6666-555555555555' };
    for (let i = 0; i < 2; i++) expect((await v2(t.contoso.tenant.id, ghost)).json()).toMatchObject({ error_codes: [700016] });
    expect((await v2(t.contoso.tenant.id, ghost)).json()).toMatchObject({ error_codes: [50053] });
    expect((await v2(t.contoso.tenant.id, credentials(t.contoso))).statusCode).toBe(200);
  });

  it('budgets each client across v1, v2 and both names of its tenant: 429 with Retry-After beyond it', async () => {
    t = await createTestApp({ TARMAC_TOKEN_CLIENT_RATE_LIMIT: '4' });
    const { contoso } = t;
    const ok = [
      await v2('contoso.onmicrosoft.com', credentials(contoso)),
      await v1('contoso.onmicrosoft.com', credentials(contoso)),
      await v2(contoso.tenant.id, credentials(contoso)),
      await v1(contoso.tenant.id, credentials(contoso)),
    ];
    expect(ok.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const over = await v1('contoso.onmicrosoft.com', credentials(contoso));
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: expect.stringContaining(`Too many token requests for client '${contoso.app.clientId}' (at most 4 a minute, v1 and v2 endpoints together)`),
    });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not throttled by this one.
    const other = await createTenant(t.store, { domain: 'other.onmicrosoft.com' });
    expect((await v2('other.onmicrosoft.com', credentials(other))).statusCode).toBe(200);
    t.clock.offsetMs += 60_000;
    expect((await v2(contoso.tenant.id, credentials(contoso))).statusCode).toBe(200);
  });

  it('budgets each tenant across its clients', async () => {
    t = await createTestApp({ TARMAC_TOKEN_TENANT_RATE_LIMIT: '3' });
    const second = await createTenant(t.store, { domain: 'x.onmicrosoft.com' });
    const app2 = await createApp(t.store, { tenant: t.contoso.tenant.id });
    const codes = [
      (await v2(t.contoso.tenant.id, credentials(t.contoso))).statusCode,
      (await v1(t.contoso.tenant.id, credentials(app2))).statusCode,
      (await v2('contoso.onmicrosoft.com', credentials(app2))).statusCode,
      (await v2('contoso.onmicrosoft.com', credentials(t.contoso))).statusCode,
    ];
    expect(codes).toEqual([200, 200, 200, 429]);
    expect((await v2('contoso.onmicrosoft.com', credentials(app2))).json()).toMatchObject({
      error_description: expect.stringContaining(`Too many token requests for tenant ${t.contoso.tenant.id} (at most 3 a minute`),
    });
    // Another tenant has its own budget.
    expect((await v2('x.onmicrosoft.com', credentials(second))).statusCode).toBe(200);
  });
});

describe('the key-encryption key at start', () => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.cleanup();
    tdb = undefined;
  });

  it('PostgreSQL without TARMAC_KEY_ENCRYPTION_KEY: the server refuses to start, saying what to set', async () => {
    tdb = await createTestDatabase('postgres');
    const config = loadConfig({ TARMAC_DATABASE_URL: tdb.settings.databaseUrl ?? '', PORT: '0' });
    await expect(startServer(config, { logger: false, demo: false })).rejects.toThrow(/needs the key to encrypt them with: set TARMAC_KEY_ENCRYPTION_KEY/);
  });

  it('SQLite with TARMAC_DEMO=false and no key: refused too', async () => {
    const config = loadConfig({ TARMAC_DATA_DIR: join(scratchDirForThisTest('tarmac-nodemo-'), 'data'), TARMAC_DEMO: 'false', PORT: '0' });
    await expect(startServer(config, { logger: false })).rejects.toThrow(/TARMAC_DEMO=false/);
  });

  it('the demo setup (SQLite, nothing set) starts, makes <dataDir>/key-encryption.key (0600), logs it, and stores the signing key encrypted', async () => {
    const dataDir = join(scratchDirForThisTest('tarmac-demo-'), 'data');
    const lines: string[] = [];
    const config = loadConfig({ TARMAC_DATA_DIR: dataDir, PORT: '0' });
    const running = await startServer(config, { logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } } });
    try {
      const file = join(dataDir, DEMO_KEK_FILE_NAME);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(lines.join('')).toContain(`Made a new key-encryption key for the token signing keys and wrote it to ${file} (mode 0600)`);
      expect(running.demo).toBeDefined();
    } finally {
      await running.close();
    }
    const db = await openDatabase({ dataDir });
    try {
      const keys = await createTenantsStore(db).signingKeys.list();
      expect(keys).toHaveLength(1);
      expect(keys.every((k) => isEncryptedPrivateKey(k.privatePkcs8))).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
