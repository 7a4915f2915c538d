// Access tokens and signing keys: claims, lifetime, verification outcomes, keys kept in the database.
import { SignJWT, decodeJwt, decodeProtectedHeader, importPKCS8 } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTenantsStore } from '../../src/store/index.js';
import { createApp, createTenant, type CreatedTenant, type TenantsStore } from '../../src/tenants/index.js';
import {
  KeyEncryptionKey,
  KeyRing,
  PARTNER_CENTER_APP_ID,
  PARTNER_CENTER_RESOURCE,
  generateSigningKey,
  issueAccessToken,
  verifyAccessToken,
} from '../../src/tokens/index.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import type { TestDatabase } from '../support/test-databases.js';

const KEK = KeyEncryptionKey.generate();

let tdb: TestDatabase;
let store: TenantsStore;
let keyRing: KeyRing;
let contoso: CreatedTenant;
beforeEach(async () => {
  tdb = await createMigratedTestDatabase('sqlite');
  store = createTenantsStore(tdb.db);
  keyRing = new KeyRing(store.signingKeys, { kek: KEK });
  contoso = await createTenant(store, { domain: 'contoso.onmicrosoft.com', roles: ['DeviceManagementServiceConfig.ReadWrite.All', 'Organization.Read.All'] });
});
afterEach(async () => {
  await tdb.cleanup();
});

const NOW = new Date('2025-03-01T12:00:00Z');

describe('issueAccessToken', () => {
  it('issues an RS256 JWT with Graph’s audience, the tenant, the app, its roles and a one-hour life', async () => {
    const token = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    const iat = NOW.getTime() / 1000;
    expect(token).toMatchObject({ expiresIn: 3600, expiresOn: iat + 3600, notBefore: iat });
    const [key] = await store.signingKeys.list();
    expect(decodeProtectedHeader(token.accessToken)).toEqual({ typ: 'JWT', alg: 'RS256', kid: key?.kid });
    expect(decodeJwt(token.accessToken)).toEqual({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${contoso.tenant.id}/`,
      iat,
      nbf: iat,
      exp: iat + 3600,
      app_displayname: contoso.app.displayName,
      appid: contoso.app.clientId,
      appidacr: '1',
      idp: `https://sts.windows.net/${contoso.tenant.id}/`,
      idtyp: 'app',
      oid: contoso.app.id,
      sub: contoso.app.id,
      tid: contoso.tenant.id,
      uti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      ver: '1.0',
      roles: ['DeviceManagementServiceConfig.ReadWrite.All', 'Organization.Read.All'],
    });
  });

  it('leaves `roles` out for an app without application permissions, as Entra does', async () => {
    const bare = await createApp(store, { tenant: contoso.tenant.id, roles: [] });
    const token = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: bare.app }, NOW);
    expect(decodeJwt(token.accessToken)).not.toHaveProperty('roles');
    const check = await verifyAccessToken(keyRing, token.accessToken, NOW);
    expect(check).toMatchObject({ ok: true, claims: { roles: [] } });
  });
});

describe('verifyAccessToken', () => {
  it('accepts a fresh token and returns who called', async () => {
    const { accessToken } = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    expect(await verifyAccessToken(keyRing, accessToken, new Date(NOW.getTime() + 30 * 60_000))).toEqual({
      ok: true,
      claims: {
        tenantId: contoso.tenant.id,
        appId: contoso.app.clientId,
        objectId: contoso.app.id,
        roles: ['DeviceManagementServiceConfig.ReadWrite.All', 'Organization.Read.All'],
        expiresAt: NOW.getTime() / 1000 + 3600,
        kind: 'app',
        scopes: [],
      },
    });
  });

  it('tolerates five minutes of clock skew, not more', async () => {
    const { accessToken } = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
    expect((await verifyAccessToken(keyRing, accessToken, at(64))).ok).toBe(true);
    expect(await verifyAccessToken(keyRing, accessToken, at(66))).toEqual({ ok: false, reason: 'Expired' });
    expect((await verifyAccessToken(keyRing, accessToken, at(-4))).ok).toBe(true);
    expect(await verifyAccessToken(keyRing, accessToken, at(-6))).toEqual({ ok: false, reason: 'NotYetValid' });
  });

  it('rejects garbage, foreign keys and tampering', async () => {
    expect(await verifyAccessToken(keyRing, 'garbage', NOW)).toEqual({ ok: false, reason: 'Malformed' });
    const { accessToken } = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    const [h, p] = accessToken.split('.');
    expect(await verifyAccessToken(keyRing, `${h}.${p}.AAAA`, NOW)).toEqual({ ok: false, reason: 'InvalidSignature' });
    const other = await generateSigningKey();
    const foreign = await new SignJWT(decodeJwt(accessToken)).setProtectedHeader({ alg: 'RS256', kid: other.kid }).sign(await importPKCS8(other.privatePkcs8, 'RS256'));
    expect(await verifyAccessToken(keyRing, foreign, NOW)).toEqual({ ok: false, reason: 'InvalidSignature' });
  });

  it('rejects another audience, an issuer that is not the tenant’s, and a token without tid', async () => {
    const key = await keyRing.signingKey();
    const sign = async (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    const iat = NOW.getTime() / 1000;
    const good = { aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${contoso.tenant.id}/`, iat, exp: iat + 3600, tid: contoso.tenant.id, appid: contoso.app.clientId };
    expect((await verifyAccessToken(keyRing, await sign(good), NOW)).ok).toBe(true);
    expect(await verifyAccessToken(keyRing, await sign({ ...good, aud: 'api://other' }), NOW)).toEqual({ ok: false, reason: 'InvalidAudience' });
    expect(await verifyAccessToken(keyRing, await sign({ ...good, iss: 'https://evil.example/' }), NOW)).toEqual({ ok: false, reason: 'InvalidIssuer' });
    const { tid: _tid, ...noTenant } = good;
    expect(await verifyAccessToken(keyRing, await sign(noTenant), NOW)).toEqual({ ok: false, reason: 'Malformed' });
  });
});

describe('Partner Center audience', () => {
  it('issues a token whose aud is Partner Center’s resource, with the same claims otherwise', async () => {
    const pc = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW, 'partnerCenter');
    const graph = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    const { aud, uti: _u1, ...pcRest } = decodeJwt(pc.accessToken);
    const { aud: graphAud, uti: _u2, ...graphRest } = decodeJwt(graph.accessToken);
    expect(aud).toBe('https://api.partnercenter.microsoft.com');
    expect(PARTNER_CENTER_RESOURCE).toBe('https://api.partnercenter.microsoft.com');
    expect(graphAud).toBe('https://graph.microsoft.com');
    expect(pcRest).toEqual(graphRest);
  });

  it('verifies each audience only against its own API: the other gives InvalidAudience', async () => {
    const pc = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW, 'partnerCenter')).accessToken;
    const graph = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW, 'graph')).accessToken;
    const pcCheck = await verifyAccessToken(keyRing, pc, NOW, 'partnerCenter');
    expect(pcCheck).toMatchObject({ ok: true, claims: { tenantId: contoso.tenant.id, appId: contoso.app.clientId } });
    expect((await verifyAccessToken(keyRing, graph, NOW, 'graph')).ok).toBe(true);
    expect(await verifyAccessToken(keyRing, pc, NOW)).toEqual({ ok: false, reason: 'InvalidAudience' });
    expect(await verifyAccessToken(keyRing, pc, NOW, 'graph')).toEqual({ ok: false, reason: 'InvalidAudience' });
    expect(await verifyAccessToken(keyRing, graph, NOW, 'partnerCenter')).toEqual({ ok: false, reason: 'InvalidAudience' });
  });

  it('accepts Partner Center’s resource with or without the trailing slash and its app id as aud, nothing else', async () => {
    const key = await keyRing.signingKey();
    const sign = async (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    const iat = NOW.getTime() / 1000;
    const base = { iss: `https://sts.windows.net/${contoso.tenant.id}/`, iat, exp: iat + 3600, tid: contoso.tenant.id, appid: contoso.app.clientId };
    for (const aud of [PARTNER_CENTER_RESOURCE, `${PARTNER_CENTER_RESOURCE}/`, PARTNER_CENTER_APP_ID]) {
      expect((await verifyAccessToken(keyRing, await sign({ ...base, aud }), NOW, 'partnerCenter')).ok, aud).toBe(true);
    }
    for (const aud of ['https://graph.windows.net', 'https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000', 'https://api.partnercenter.microsoft.com/v1']) {
      expect(await verifyAccessToken(keyRing, await sign({ ...base, aud }), NOW, 'partnerCenter'), aud).toEqual({ ok: false, reason: 'InvalidAudience' });
    }
  });
});

describe('KeyRing', () => {
  it('generates one key, keeps it in the database and reuses it after a restart', async () => {
    const [a, b] = await Promise.all([keyRing.ensure(), keyRing.ensure()]);
    expect(a).toBe(b);
    expect(await store.signingKeys.list()).toHaveLength(1);
    const { accessToken } = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, NOW);
    // A new process: a new KeyRing on the same database.
    const restarted = new KeyRing(createTenantsStore(tdb.db).signingKeys, { kek: KEK });
    expect(await restarted.ensure()).toBe(a);
    expect((await verifyAccessToken(restarted, accessToken, NOW)).ok).toBe(true);
    expect((await restarted.jwks()).keys.map((k) => k.kid)).toEqual([a]);
  });

  it('verifies tokens signed by a key another process added later', async () => {
    await keyRing.ensure();
    const otherProcess = new KeyRing(store.signingKeys, { kek: KEK });
    const newer = await generateSigningKey(new Date(Date.now() + 1000));
    await store.signingKeys.insert(newer);
    const token = await new SignJWT({ aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${contoso.tenant.id}/`, tid: contoso.tenant.id, appid: contoso.app.clientId, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })
      .setProtectedHeader({ alg: 'RS256', kid: newer.kid })
      .sign(await importPKCS8(newer.privatePkcs8, 'RS256'));
    expect((await verifyAccessToken(keyRing, token)).ok).toBe(true);
    expect((await verifyAccessToken(otherProcess, token)).ok).toBe(true);
    // The newest key signs from now on.
    expect((await otherProcess.signingKey()).kid).toBe(newer.kid);
  });
});
