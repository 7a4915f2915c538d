// `tarmac keys rotate`, `tarmac app revoke-tokens|delete|add-secret|remove-secret` through bin/tarmac.js, against the database
// of a running app (in this process, on SQLite and PostgreSQL): the old key's tokens keep working, new tokens carry
// the new kid once the server reloads, the JWKS lists both keys; a revoked or deleted app's tokens stop working
// within the app-state cache time.
import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_STATE_CACHE_SECONDS, RELOAD_SECONDS } from '../../src/tokens/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { cli } from '../support/serve-process.js';
import { dropPostgresFileDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

describe.each(TEST_ENGINES)('tarmac keys and app revocation on %s', (engine) => {
  let f: GraphFixture;
  let env: Record<string, string>;
  beforeEach(async () => {
    f = await graphFixture(engine);
    const { dataDir, databaseUrl } = f.tdb.settings;
    // The CLI opens the same database with the same key-encryption key (the demo file in the data directory on
    // SQLite, the test key on PostgreSQL: serve-process's childEnv adds it).
    env = { TARMAC_DATA_DIR: dataDir, ...(databaseUrl ? { TARMAC_DATABASE_URL: databaseUrl } : {}) };
  });
  afterEach(async () => f.cleanup());

  const organization = (token: string) => f.app.inject({ method: 'GET', url: '/v1.0/organization', headers: { authorization: `Bearer ${token}` } });
  const tokenRequest = (secret: string) =>
    f.app.inject({
      method: 'POST',
      url: `/${f.contoso.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: f.contoso.app.clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }).toString(),
    });
  const newToken = async (secret = f.contoso.clientSecret): Promise<string> => {
    const res = await tokenRequest(secret);
    expect(res.statusCode).toBe(200);
    return (res.json() as { access_token: string }).access_token;
  };
  const jwksKids = async (path: string): Promise<string[]> => ((await f.app.inject({ method: 'GET', url: path })).json() as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();

  it('keys rotate: the old key’s tokens still work, new ones carry the new kid, the JWKS lists both', async () => {
    const old = await newToken();
    const oldKid = decodeProtectedHeader(old).kid ?? '';
    const r = await cli(env, ['keys', 'rotate', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rotated = JSON.parse(r.stdout) as { kid: string; retired: string[]; publishedUntil: string };
    expect(rotated.retired).toEqual([oldKid]);
    expect(rotated.kid).not.toBe(oldKid);
    expect(Date.parse(rotated.publishedUntil) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    f.clock.offsetMs += (RELOAD_SECONDS + 1) * 1000;
    expect((await organization(old)).statusCode).toBe(200);
    const fresh = await newToken();
    expect(decodeProtectedHeader(fresh).kid).toBe(rotated.kid);
    expect((await organization(fresh)).statusCode).toBe(200);
    const both = [oldKid, rotated.kid].sort();
    expect(await jwksKids(`/${f.contoso.tenant.id}/discovery/v2.0/keys`)).toEqual(both);
    expect(await jwksKids('/common/discovery/v2.0/keys')).toEqual(both);

    // After the overlap (24 h by default) only the new key is published, and the old one verifies nothing.
    f.clock.offsetMs += 24 * 3600 * 1000;
    expect(await jwksKids('/common/discovery/v2.0/keys')).toEqual([rotated.kid]);
    const human = await cli(env, ['keys', 'rotate']);
    expect(human.stdout).toMatch(/^New signing key \S+: it signs new tokens \(running servers switch within 30 seconds\)\.$/m);
    expect(human.stdout).toContain(`Retired ${rotated.kid}: still verifying and published in the JWKS until `);
  });

  it('app revoke-tokens and app delete: the app’s tokens stop working within the cache time', async () => {
    const token = await newToken();
    // The CLI stores the revocation at its own time, in whole seconds: let the second the token was issued in pass.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const revoked = await cli(env, ['app', 'revoke-tokens', '--tenant', 'contoso.onmicrosoft.com', '--client-id', f.contoso.app.clientId]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked the access tokens of app ${f.contoso.app.clientId} of contoso.onmicrosoft.com issued before `);
    f.clock.offsetMs += APP_STATE_CACHE_SECONDS * 1000;
    expect((await organization(token)).statusCode).toBe(401);
    const after = await newToken();
    expect((await organization(after)).statusCode).toBe(200);

    const deleted = await cli(env, ['app', 'delete', '--tenant', f.contoso.tenant.id, '--client-id', f.contoso.app.clientId, '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ tenantId: f.contoso.tenant.id, clientId: f.contoso.app.clientId, deleted: true });
    f.clock.offsetMs += APP_STATE_CACHE_SECONDS * 1000;
    expect((await organization(after)).statusCode).toBe(401);
    const again = await cli(env, ['app', 'delete', '--tenant', f.contoso.tenant.id, '--client-id', f.contoso.app.clientId, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'AppNotFound', message: expect.stringContaining('has no app with client id') } });
  });

  it('app add-secret, then remove-secret of the old one: the old secret and its tokens stop working, the new one works; both recorded', async () => {
    const oldToken = await newToken();
    const added = await cli(env, ['app', 'add-secret', '--tenant', 'contoso.onmicrosoft.com', '--client-id', f.contoso.app.clientId, '--expires-in-days', '90', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const secret = JSON.parse(added.stdout) as { secretId: string; clientSecret: string; expiresAt: string };
    expect(Date.parse(secret.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    // Both secrets work side by side until the old one is removed.
    expect((await organization(await newToken(secret.clientSecret))).statusCode).toBe(200);
    expect((await organization(oldToken)).statusCode).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1000));
    const removed = await cli(env, ['app', 'remove-secret', '--tenant', f.contoso.tenant.id, '--client-id', f.contoso.app.clientId, '--secret-id', f.contoso.secretId]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`Removed secret ${f.contoso.secretId} of app ${f.contoso.app.clientId}`);
    f.clock.offsetMs += APP_STATE_CACHE_SECONDS * 1000;
    expect((await organization(oldToken)).statusCode).toBe(401);
    expect((await tokenRequest(f.contoso.clientSecret)).statusCode).toBe(401);
    expect((await organization(await newToken(secret.clientSecret))).statusCode).toBe(200);

    const again = await cli(env, ['app', 'remove-secret', '--tenant', f.contoso.tenant.id, '--client-id', f.contoso.app.clientId, '--secret-id', f.contoso.secretId, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'SecretNotFound' } });
    const badDays = await cli(env, ['app', 'add-secret', '--tenant', f.contoso.tenant.id, '--client-id', f.contoso.app.clientId, '--expires-in-days', '0']);
    expect(badDays.code).toBe(2);
    expect(badDays.stderr).toContain('--expires-in-days must be a whole number of days from 1 to 3650');

    const events = await f.tdb.db
      .selectFrom('audit_events')
      .select(['http_path', 'activity_operation_type', 'component_name', 'resources'])
      .where('tenant_id', '=', f.contoso.tenant.id)
      .where('http_path', 'like', 'tarmac app %')
      .orderBy('activity_at')
      .execute();
    expect(events.map((e) => e.http_path)).toEqual(['tarmac app add-secret', 'tarmac app remove-secret']);
    expect(new Set(events.map((e) => e.component_name))).toEqual(new Set(['TarmacCli']));
    // Under the app's object id, as `app create` records it; the client id is among what changed.
    for (const e of events) {
      const [resource] = JSON.parse(e.resources) as { resourceId: string; modifiedProperties: { displayName: string; newValue: string }[] }[];
      expect(resource?.resourceId).toBe(f.contoso.app.id);
      expect(resource?.modifiedProperties).toContainEqual(expect.objectContaining({ displayName: 'clientId', newValue: f.contoso.app.clientId }));
    }
  });

  it('keys rotate without the servers’ key-encryption key fails and changes nothing', async () => {
    const before = await jwksKids('/common/discovery/v2.0/keys');
    const wrongKey = Buffer.alloc(32, 9).toString('base64');
    const r = await cli({ ...env, TARMAC_KEY_ENCRYPTION_KEY: wrongKey }, ['keys', 'rotate', '--json']);
    // A new key encrypted with another key-encryption key would stop every server that signs with it: refused.
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'KeyEncryptionKey', message: expect.stringContaining('another key-encryption key') } });
    expect(await jwksKids('/common/discovery/v2.0/keys')).toEqual(before);
  });
});
