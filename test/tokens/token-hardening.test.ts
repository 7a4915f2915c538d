// Token hardening (issue 12, item 5) in the domain, on both engines: a token's app must be an app of its tenant and
// not revoked, `iat` may not lie in the future, private keys are encrypted at rest (plain rows of older databases
// too), and rotation keeps the old key verifying, and published, for the overlap only.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTenantsStore } from '../../src/store/index.js';
import {
  CONSOLE_CLIENT_ID,
  createApp,
  createTenant,
  deleteApp,
  deleteAppSecret,
  revokeAppTokens,
  withFirstPartyApps,
  type CreatedTenant,
  type TenantsStore,
} from '../../src/tenants/index.js';
import {
  APP_STATE_CACHE_SECONDS,
  AppTokenStates,
  DEMO_KEK_FILE_NAME,
  KeyEncryptionError,
  KeyEncryptionKey,
  KeyRing,
  RELOAD_SECONDS,
  generateSigningKey,
  isEncryptedPrivateKey,
  issueAccessToken,
  parseKeyEncryptionKey,
  resolveKeyEncryptionKey,
  rotateSigningKeys,
  verifyAccessToken,
} from '../../src/tokens/index.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import { scratchDirForThisTest } from '../support/scratch-dir.js';
import { dropPostgresFileDatabase, type TestDatabase, TEST_ENGINES } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const KEK = KeyEncryptionKey.generate();
const T0 = new Date('2025-03-01T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe.each(TEST_ENGINES)('token hardening on %s', (engine) => {
  let tdb: TestDatabase;
  let store: TenantsStore;
  let contoso: CreatedTenant;
  let fabrikam: CreatedTenant;
  /** The ring's clock: tests move it. */
  let clock: Date;
  let keyRing: KeyRing;
  let apps: AppTokenStates;

  beforeEach(async () => {
    tdb = await createMigratedTestDatabase(engine);
    const stored = createTenantsStore(tdb.db);
    // As the server sees apps: with the first-party console in every tenant.
    store = { ...stored, apps: withFirstPartyApps(stored.apps, undefined) };
    contoso = await createTenant(stored, { domain: 'contoso.onmicrosoft.com' });
    fabrikam = await createTenant(stored, { domain: 'fabrikam.onmicrosoft.com' });
    clock = T0;
    keyRing = new KeyRing(store.signingKeys, { kek: KEK, now: () => clock });
    apps = new AppTokenStates(store.apps);
  });
  afterEach(async () => {
    await tdb.cleanup();
  });

  /** A token signed with this database's key, with claims of our choosing (what a holder of the key could make). */
  async function signed(claims: Record<string, unknown>): Promise<string> {
    const { kid, privateKey } = await keyRing.signingKey();
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
  }
  function claimsOf(tenantId: string, appId: string, iat = T0.getTime() / 1000): Record<string, unknown> {
    return { aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tenantId}/`, iat, nbf: iat, exp: iat + 3600, tid: tenantId, appid: appId };
  }

  describe('appid must be an app of tid', () => {
    it('refuses a token naming one tenant with another tenant’s app, or an unknown app; accepts the tenant’s own', async () => {
      const own = await signed(claimsOf(contoso.tenant.id, contoso.app.clientId));
      expect(await verifyAccessToken(keyRing, own, T0, 'graph', apps)).toMatchObject({ ok: true });
      const crossed = await signed(claimsOf(contoso.tenant.id, fabrikam.app.clientId));
      expect(await verifyAccessToken(keyRing, crossed, T0, 'graph', apps)).toEqual({ ok: false, reason: 'UnknownApp' });
      const unknown = await signed(claimsOf(contoso.tenant.id, '11111111-2222-3333-4444-555555555555'));
      expect(await verifyAccessToken(keyRing, unknown, T0, 'graph', apps)).toEqual({ ok: false, reason: 'UnknownApp' });
      // Without the app check (a caller that passes none), the same token is only checked for signature and dates.
      expect(await verifyAccessToken(keyRing, crossed, T0, 'graph')).toMatchObject({ ok: true });
    });

    it('accepts the first-party console’s client id in every tenant (delegated tokens of the console)', async () => {
      for (const tenant of [contoso.tenant, fabrikam.tenant]) {
        const token = await signed({ ...claimsOf(tenant.id, CONSOLE_CLIENT_ID), idtyp: 'user', upn: 'ada@x', oid: contoso.app.id });
        expect(await verifyAccessToken(keyRing, token, T0, 'graph', apps)).toMatchObject({ ok: true, claims: { kind: 'user' } });
      }
    });

    it('refuses an iat more than five minutes in the future, even with a valid exp', async () => {
      const tomorrow = await signed(claimsOf(contoso.tenant.id, contoso.app.clientId, T0.getTime() / 1000 + 86_400));
      expect(await verifyAccessToken(keyRing, tomorrow, T0, 'graph', apps)).toEqual({ ok: false, reason: 'NotYetValid' });
      const skewed = { ...claimsOf(contoso.tenant.id, contoso.app.clientId, T0.getTime() / 1000 + 240), nbf: T0.getTime() / 1000 };
      expect(await verifyAccessToken(keyRing, await signed(skewed), T0, 'graph', apps)).toMatchObject({ ok: true });
      const noIat = claimsOf(contoso.tenant.id, contoso.app.clientId);
      delete noIat.iat;
      expect(await verifyAccessToken(keyRing, await signed(noIat), T0, 'graph', apps)).toEqual({ ok: false, reason: 'Malformed' });
    });

    it('sees a deleted app within the cache time, a tenant’s other apps unaffected', async () => {
      const other = await createApp(store, { tenant: contoso.tenant.id });
      const token = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, T0)).accessToken;
      const otherToken = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: other.app }, T0)).accessToken;
      expect(await verifyAccessToken(keyRing, token, at(1), 'graph', apps)).toMatchObject({ ok: true });
      await deleteApp(store, { tenant: 'contoso.onmicrosoft.com', clientId: contoso.app.clientId.toUpperCase() });
      expect(await store.apps.findByClientId(contoso.tenant.id, contoso.app.clientId)).toBeUndefined();
      expect(await verifyAccessToken(keyRing, token, at(1 + APP_STATE_CACHE_SECONDS), 'graph', apps)).toEqual({ ok: false, reason: 'UnknownApp' });
      expect(await verifyAccessToken(keyRing, otherToken, at(1 + APP_STATE_CACHE_SECONDS), 'graph', apps)).toMatchObject({ ok: true });
      await expect(deleteApp(store, { tenant: contoso.tenant.id, clientId: contoso.app.clientId })).rejects.toMatchObject({ code: 'AppNotFound' });
      await expect(deleteApp(store, { tenant: contoso.tenant.id, clientId: CONSOLE_CLIENT_ID })).rejects.toThrow(/first-party app of every tenant/);
    });
  });

  describe('revocation (per-app not-before)', () => {
    it('revoking refuses tokens of earlier seconds; tokens issued afterwards, and other apps’ tokens, work', async () => {
      const before = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, at(0))).accessToken;
      const fabrikamToken = (await issueAccessToken(keyRing, { tenant: fabrikam.tenant, app: fabrikam.app }, at(0))).accessToken;
      const revoked = await revokeAppTokens(store, { tenant: contoso.tenant.id, clientId: contoso.app.clientId, now: at(10.7) });
      expect(revoked.notBefore).toBe(at(10).toISOString());
      const after = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, at(10.9))).accessToken;
      const check = at(10 + APP_STATE_CACHE_SECONDS);
      expect(await verifyAccessToken(keyRing, before, check, 'graph', apps)).toEqual({ ok: false, reason: 'Revoked' });
      expect(await verifyAccessToken(keyRing, after, check, 'graph', apps)).toMatchObject({ ok: true });
      expect(await verifyAccessToken(keyRing, fabrikamToken, check, 'graph', apps)).toMatchObject({ ok: true });
      await expect(revokeAppTokens(store, { tenant: fabrikam.tenant.id, clientId: contoso.app.clientId })).rejects.toMatchObject({ code: 'AppNotFound' });
    });

    it('deleting a secret removes it and revokes the app’s earlier tokens, in one go', async () => {
      const token = (await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, at(0))).accessToken;
      const fresh = new AppTokenStates(store.apps);
      expect(await verifyAccessToken(keyRing, token, at(1), 'graph', fresh)).toMatchObject({ ok: true });
      await deleteAppSecret(store, { tenant: contoso.tenant.id, clientId: contoso.app.clientId, secretId: contoso.secretId, now: at(5) });
      expect((await store.apps.findByClientId(contoso.tenant.id, contoso.app.clientId))?.secrets).toEqual([]);
      // The cache still holds the state read at 1 s until it is APP_STATE_CACHE_SECONDS old: how long a revocation takes to bite.
      expect(await verifyAccessToken(keyRing, token, at(1 + APP_STATE_CACHE_SECONDS - 1), 'graph', fresh)).toMatchObject({ ok: true });
      expect(await verifyAccessToken(keyRing, token, at(1 + APP_STATE_CACHE_SECONDS), 'graph', fresh)).toEqual({ ok: false, reason: 'Revoked' });
      await expect(
        deleteAppSecret(store, { tenant: contoso.tenant.id, clientId: contoso.app.clientId, secretId: contoso.secretId, now: at(6) }),
      ).rejects.toMatchObject({ code: 'SecretNotFound' });
      // The failed deletion changed nothing: the not-before is still the first one.
      expect(await store.apps.tokenState(contoso.tenant.id, contoso.app.clientId)).toEqual({ tokensNotBefore: at(5).toISOString() });
    });
  });

  describe('signing keys at rest', () => {
    it('stores new keys encrypted, and encrypts a plain key of an older database on first read, which still signs', async () => {
      const plain = await generateSigningKey(at(-60));
      await store.signingKeys.insert(plain);
      const token = await new SignJWT(claimsOf(contoso.tenant.id, contoso.app.clientId))
        .setProtectedHeader({ alg: 'RS256', kid: plain.kid })
        .sign(await (await import('jose')).importPKCS8(plain.privatePkcs8, 'RS256'));
      expect(await keyRing.ensure()).toBe(plain.kid);
      const [row] = await store.signingKeys.list();
      expect(row?.kid).toBe(plain.kid);
      expect(isEncryptedPrivateKey(row?.privatePkcs8 ?? '')).toBe(true);
      expect(row?.privatePkcs8).not.toContain('PRIVATE KEY');
      expect(KEK.decrypt(plain.kid, row?.privatePkcs8 ?? '')).toBe(plain.privatePkcs8);
      expect(await verifyAccessToken(keyRing, token, T0, 'graph', apps)).toMatchObject({ ok: true });
      // A restarted server (new ring) signs with it.
      const restarted = new KeyRing(store.signingKeys, { kek: KEK, now: () => clock });
      const issued = await issueAccessToken(restarted, { tenant: contoso.tenant, app: contoso.app }, T0);
      expect(decodeProtectedHeader(issued.accessToken).kid).toBe(plain.kid);
    });

    it('refuses to start with another key-encryption key, naming both key ids', async () => {
      await keyRing.ensure();
      const wrong = KeyEncryptionKey.generate();
      const other = new KeyRing(store.signingKeys, { kek: wrong });
      const err = await other.ensure().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeyEncryptionError);
      expect((err as Error).message).toContain(`another key-encryption key (id ${KEK.id}); this server has key ${wrong.id}`);
    });
  });

  describe('rotation', () => {
    it('signs with the new key; the old verifies and stays in the JWKS for the overlap, then is gone', async () => {
      const overlap = 7200;
      keyRing = new KeyRing(store.signingKeys, { kek: KEK, overlapSeconds: overlap, now: () => clock });
      const old = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, T0);
      const oldKid = decodeProtectedHeader(old.accessToken).kid;

      // Another process (the CLI) rotates.
      const rotated = await rotateSigningKeys(createTenantsStore(tdb.db).signingKeys, KEK, at(10), overlap);
      expect(rotated).toEqual({ kid: expect.any(String), retired: [oldKid], publishedUntil: at(10 + overlap).toISOString() });
      expect(rotated.kid).not.toBe(oldKid);

      // Within RELOAD_SECONDS this ring may still sign with the old key; after it, with the new one.
      clock = at(RELOAD_SECONDS + 1);
      const fresh = await issueAccessToken(keyRing, { tenant: contoso.tenant, app: contoso.app }, clock);
      expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(rotated.kid);
      expect(await verifyAccessToken(keyRing, old.accessToken, clock, 'graph', apps)).toMatchObject({ ok: true });
      expect((await keyRing.jwks()).keys.map((k) => k.kid).sort()).toEqual([oldKid, rotated.kid].sort());

      // After the overlap the old key neither verifies nor is published (a token of it would have expired anyway).
      clock = at(10 + overlap);
      expect((await keyRing.jwks()).keys.map((k) => k.kid)).toEqual([rotated.kid]);
      const lateOld = await signedWith(oldKid, claimsOf(contoso.tenant.id, contoso.app.clientId, clock.getTime() / 1000));
      expect(await verifyAccessToken(keyRing, lateOld, clock, 'graph', apps)).toEqual({ ok: false, reason: 'InvalidSignature' });
      expect(await verifyAccessToken(keyRing, fresh.accessToken, at(RELOAD_SECONDS + 2), 'graph', apps)).toMatchObject({ ok: true });
    });

    async function signedWith(kid: string | undefined, claims: Record<string, unknown>): Promise<string> {
      const record = (await store.signingKeys.list()).find((k) => k.kid === kid);
      if (!record) throw new Error(`no key ${kid}`);
      const { importPKCS8 } = await import('jose');
      const privateKey = await importPKCS8(KEK.decrypt(record.kid, record.privatePkcs8), 'RS256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: record.kid }).sign(privateKey);
    }
  });
});

describe('the key-encryption key', () => {
  it('reads 32 bytes as hex or base64 and refuses anything else, saying how to make one', () => {
    const hex = 'ab'.repeat(32);
    expect(parseKeyEncryptionKey(hex, 'X').id).toBe(parseKeyEncryptionKey(Buffer.from(hex, 'hex').toString('base64'), 'X').id);
    expect(() => parseKeyEncryptionKey('short', 'TARMAC_KEY_ENCRYPTION_KEY')).toThrow(/TARMAC_KEY_ENCRYPTION_KEY must be 32 random bytes.*openssl rand -base64 32/);
    expect(() => parseKeyEncryptionKey(Buffer.alloc(16).toString('base64'), 'X')).toThrow(KeyEncryptionError);
  });

  it('is required outside the demo setup; the demo makes its own file (0600) once and reuses it', () => {
    const dataDir = join(scratchDirForThisTest('tarmac-kek-'), 'data');
    expect(() => resolveKeyEncryptionKey({ keyEncryptionKey: undefined, keyEncryptionKeyFile: undefined, demo: false, dataDir })).toThrow(
      /this setup \(PostgreSQL, or TARMAC_DEMO=false\) needs the key.*TARMAC_KEY_ENCRYPTION_KEY/,
    );
    const first = resolveKeyEncryptionKey({ keyEncryptionKey: undefined, keyEncryptionKeyFile: undefined, demo: true, dataDir });
    const file = join(dataDir, DEMO_KEK_FILE_NAME);
    expect(first.createdFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = resolveKeyEncryptionKey({ keyEncryptionKey: undefined, keyEncryptionKeyFile: undefined, demo: true, dataDir });
    expect(second).toEqual({ kek: expect.any(KeyEncryptionKey), source: file });
    expect(second.kek.id).toBe(first.kek.id);
    // The same file named by TARMAC_KEY_ENCRYPTION_KEY_FILE, outside the demo: the same key.
    expect(resolveKeyEncryptionKey({ keyEncryptionKey: undefined, keyEncryptionKeyFile: file, demo: false, dataDir: '/x' }).kek.id).toBe(first.kek.id);
    const env = resolveKeyEncryptionKey({ keyEncryptionKey: first.kek.toText(), keyEncryptionKeyFile: undefined, demo: false, dataDir: '/x' });
    expect(env).toMatchObject({ source: 'TARMAC_KEY_ENCRYPTION_KEY' });
    expect(env.kek.id).toBe(first.kek.id);
    expect(() => resolveKeyEncryptionKey({ keyEncryptionKey: first.kek.toText(), keyEncryptionKeyFile: file, demo: true, dataDir })).toThrow(/not both/);
    expect(() => resolveKeyEncryptionKey({ keyEncryptionKey: undefined, keyEncryptionKeyFile: join(dataDir, 'nope'), demo: true, dataDir })).toThrow(/Cannot read/);
  });

  it('binds a ciphertext to its kid: moved to another key’s row, it does not decrypt', () => {
    const stored = KEK.encrypt('kid-a', 'secret pem');
    expect(KEK.decrypt('kid-a', stored)).toBe('secret pem');
    expect(() => KEK.decrypt('kid-b', stored)).toThrow(/does not decrypt/);
    expect(() => KEK.decrypt('kid-a', 'plain')).toThrow(/not in the tarmac-kek-v1 form/);
  });
});
