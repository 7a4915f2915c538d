// The storage conformance battery: every engine Tarmac supports must pass all of it. Each test gets its own migrated
// database and removes it afterwards: a copy of a migrated template (test/support/templates.ts), since migrating
// afresh for each of the ~120 tests of the two batteries was most of their cost. The migration tests start from an
// empty database of their own.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  createTenantsStore,
  isForeignKeyViolation,
  isUniqueViolation,
  migrateToLatest,
  migrationStatus,
  openDatabase,
  type Db,
} from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import {
  DuplicateError,
  authenticateClient,
  authenticateUser,
  createTenant,
  createUser,
  type App,
  type AuthCode,
  type RefreshToken,
  type Tenant,
  type TenantsStore,
} from '../../src/tenants/index.js';
import { generateSigningKey } from '../../src/tokens/index.js';
import { TENANTS_PORT_METHODS, everyTestPassed, expectEveryMethodCalled, recordingCalls } from './port-coverage.js';
import type { TestDatabase } from '../support/test-databases.js';

const TABLES = [
  'tenants',
  'tenant_domains',
  'apps',
  'app_secrets',
  'signing_keys',
  'autopilot_devices',
  'autopilot_device_hashes',
  'device_identity_keys',
  'imported_device_identities',
  'entra_devices',
  'entra_device_physical_ids',
  'autopilot_settings',
  'managed_devices',
  'neighbour_hardware_keys',
  'groups',
  'group_members',
  'deployment_profiles',
  'deployment_profile_assignments',
  'organization_relationships',
  'device_batches',
  'device_jobs',
  'device_job_results',
  'partner_policies',
  'users',
  'auth_codes',
  'refresh_tokens',
  'audit_events',
];

function tenant(domain: string, createdAt = new Date().toISOString(), extraDomains: string[] = []): Tenant {
  return {
    id: randomUUID(),
    displayName: domain.split('.')[0] ?? domain,
    kind: 'customer',
    createdAt,
    domains: [{ name: domain, isInitial: true, isDefault: true }, ...extraDomains.map((name) => ({ name, isInitial: false, isDefault: false }))],
  };
}

function app(tenantId: string, roles: string[] = ['DeviceManagementServiceConfig.ReadWrite.All'], createdAt = new Date().toISOString()): App {
  return { id: randomUUID(), tenantId, clientId: randomUUID(), displayName: 'test app', roles, createdAt, redirectUris: [], publicClient: false };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

const MIGRATE_PROCESS = fileURLToPath(new URL('./fixtures/migrate-process.ts', import.meta.url));

/** Migrates in another Node process (SQLite's locks only show between processes); resolves to the migrations it ran. */
function migrateInChildProcess(settings: TestDatabase['settings']): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', MIGRATE_PROCESS, JSON.stringify(settings)], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`migration process failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[]);
    });
  });
}

/**
 * Two migrations of one fresh database at the same time. SQLite's locks only show between processes (one
 * process's better-sqlite3 connections block its own event loop), so there it takes two child processes; on
 * PostgreSQL two pools in this process are just as concurrent, and much cheaper.
 */
async function migrateConcurrently(fresh: TestDatabase): Promise<string[][]> {
  if (fresh.engine === 'sqlite') return Promise.all([migrateInChildProcess(fresh.settings), migrateInChildProcess(fresh.settings)]);
  const second = await openDatabase(fresh.settings);
  try {
    return await Promise.all([migrateToLatest(fresh.db), migrateToLatest(second)]);
  } finally {
    await second.destroy();
  }
}

async function insertDevice(db: Db, tenantId: string, serial = `SN-${randomUUID().slice(0, 8)}`): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await db.insertInto('autopilot_devices').values({ id, tenant_id: tenantId, serial_number: serial, created_at: now, updated_at: now }).execute();
  return id;
}

interface Fixture {
  tdb: TestDatabase;
  db: Db;
  store: TenantsStore;
}

async function twoTenants(store: TenantsStore): Promise<{ a: Tenant; b: Tenant }> {
  const a = tenant(`registry-a-${randomUUID().slice(0, 8)}.onmicrosoft.com`);
  const b = tenant(`registry-b-${randomUUID().slice(0, 8)}.onmicrosoft.com`);
  await store.tenants.insert(a);
  await store.tenants.insert(b);
  return { a, b };
}

/**
 * `empty`: a new database with nothing in it (what the migration tests start from); `migrated`: a new database that
 * every migration has already run on.
 */
export function storageConformance(engine: string, empty: () => Promise<TestDatabase>, migrated: () => Promise<TestDatabase>): void {
  const calls = new Set<string>();
  const it = test.extend<{ s: Fixture }>({
    // eslint-disable-next-line no-empty-pattern
    s: async ({}, use) => {
      const tdb = await migrated();
      try {
        await use({ tdb, db: tdb.db, store: recordingCalls(createTenantsStore(tdb.db), calls) });
      } finally {
        await tdb.cleanup();
      }
    },
  });

  // Concurrent: every test has its own database, and PostgreSQL's round trips overlap.
  describe.concurrent(`storage conformance on ${engine}`, () => {
    // When the whole battery ran green, every method of the tenants ports was called through it (port-coverage.ts).
    // eslint-disable-next-line no-empty-pattern
    afterAll(({}, suite) => {
      if (!everyTestPassed(suite)) return;
      expectEveryMethodCalled(calls, TENANTS_PORT_METHODS);
      expect(calls.has('transaction'), 'TenantsStore.transaction called').toBe(true);
    });

    describe('migrations', () => {
      test('runs every migration on an empty database, creating every table, and nothing the second time', async () => {
        const fresh = await empty();
        try {
          expect(await migrateToLatest(fresh.db)).toEqual(Object.keys(migrations).sort());
          const tables = (await fresh.db.introspection.getTables()).map((t) => t.name);
          expect(tables).toEqual(expect.arrayContaining(TABLES));
          expect(await migrateToLatest(fresh.db)).toEqual([]);
          const status = await migrationStatus(fresh.db);
          expect(status.map((s) => s.name)).toEqual(Object.keys(migrations).sort());
          expect(status.every((s) => s.executedAt instanceof Date)).toBe(true);
        } finally {
          await fresh.cleanup();
        }
      });

      it('gives the battery migrated databases: nothing left to run, every table there', async ({ s }) => {
        expect(await migrateToLatest(s.db)).toEqual([]);
        const tables = (await s.db.introspection.getTables()).map((t) => t.name);
        expect(tables).toEqual(expect.arrayContaining(TABLES));
      });

      test('lets several processes migrate the same fresh database at once (the CLI and the server starting together)', async () => {
        const fresh = await empty();
        try {
          const ran = await migrateConcurrently(fresh);
          expect(ran.flat().sort()).toEqual(Object.keys(migrations).sort());
          const tables = (await fresh.db.introspection.getTables()).map((t) => t.name);
          expect(tables).toEqual(expect.arrayContaining(TABLES));
          expect(await migrateToLatest(fresh.db)).toEqual([]);
        } finally {
          await fresh.cleanup();
        }
      });
    });

    describe('tenants', () => {
      it('stores a tenant with its domains and reads it back by id and by any domain', async ({ s }) => {
        const t = tenant(`a${randomUUID().slice(0, 6)}.onmicrosoft.com`, '2024-05-01T10:20:30.123Z', ['contoso.example']);
        await s.store.tenants.insert(t);
        expect(await s.store.tenants.findById(t.id)).toEqual(t);
        expect(await s.store.tenants.findByDomain(t.domains[0]!.name)).toEqual(t);
        expect(await s.store.tenants.findByDomain('contoso.example')).toEqual(t);
        expect(await s.store.tenants.findByDomain('nobody.example')).toBeUndefined();
        expect(await s.store.tenants.findById(randomUUID())).toBeUndefined();
        expect(await s.store.tenants.findById('not-a-guid')).toBeUndefined();
      });

      it('refuses a domain that another tenant already has, and keeps nothing of the second tenant', async ({ s }) => {
        const first = tenant('contoso.onmicrosoft.com');
        await s.store.tenants.insert(first);
        const second = tenant('fabrikam.onmicrosoft.com', undefined, ['contoso.onmicrosoft.com']);
        const err = await rejection(s.store.tenants.insert(second));
        expect(err).toBeInstanceOf(DuplicateError);
        expect((err as DuplicateError).field).toBe('domain');
        expect(await s.store.tenants.findById(second.id)).toBeUndefined();
        expect(await s.store.tenants.findByDomain('fabrikam.onmicrosoft.com')).toBeUndefined();
        expect(await s.store.tenants.count()).toBe(1);
      });

      it('refuses a second tenant with the same id', async ({ s }) => {
        const first = tenant('one.onmicrosoft.com');
        await s.store.tenants.insert(first);
        const err = await rejection(s.store.tenants.insert({ ...first, domains: [{ name: 'two.onmicrosoft.com', isInitial: true, isDefault: true }] }));
        expect((err as DuplicateError).field).toBe('tenantId');
      });

      it('lists tenants oldest first and counts them', async ({ s }) => {
        expect(await s.store.tenants.count()).toBe(0);
        expect(await s.store.tenants.list()).toEqual([]);
        const later = tenant('later.onmicrosoft.com', '2024-02-01T00:00:00.000Z');
        const earlier = tenant('earlier.onmicrosoft.com', '2024-01-01T00:00:00.000Z');
        await s.store.tenants.insert(later);
        await s.store.tenants.insert(earlier);
        expect((await s.store.tenants.list()).map((t) => t.id)).toEqual([earlier.id, later.id]);
        expect(await s.store.tenants.count()).toBe(2);
      });

      it('deleting a tenant removes its domains, apps and secrets', async ({ s }) => {
        const created = await createTenant(s.store, { domain: 'gone.onmicrosoft.com' });
        await s.db.deleteFrom('tenants').where('id', '=', created.tenant.id).execute();
        expect(await s.store.tenants.findByDomain('gone.onmicrosoft.com')).toBeUndefined();
        expect(await s.db.selectFrom('apps').selectAll().execute()).toEqual([]);
        expect(await s.db.selectFrom('app_secrets').selectAll().execute()).toEqual([]);
      });
    });

    describe('apps and secrets', () => {
      it('stores an app with roles and secrets, found by client id within its tenant only', async ({ s }) => {
        const t = tenant('apps.onmicrosoft.com');
        const other = tenant('other.onmicrosoft.com');
        await s.store.tenants.insert(t);
        await s.store.tenants.insert(other);
        const a = app(t.id, ['DeviceManagementServiceConfig.ReadWrite.All', 'Organization.Read.All']);
        await s.store.apps.insert(a);
        const secret = { id: randomUUID(), appId: a.id, hint: 'abc', hash: 'scrypt$x', createdAt: a.createdAt, expiresAt: '2030-01-01T00:00:00.000Z' };
        await s.store.apps.insertSecret(secret);
        expect(await s.store.apps.findByClientId(t.id, a.clientId)).toEqual({ ...a, secrets: [secret] });
        expect(await s.store.apps.findByClientId(other.id, a.clientId)).toBeUndefined();
        expect(await s.store.apps.findByClientId(t.id, randomUUID())).toBeUndefined();
      });

      it('refuses a duplicate client id (even in another tenant) and a duplicate app id', async ({ s }) => {
        const t = tenant('dup.onmicrosoft.com');
        const other = tenant('dup2.onmicrosoft.com');
        await s.store.tenants.insert(t);
        await s.store.tenants.insert(other);
        const a = app(t.id);
        await s.store.apps.insert(a);
        const byClient = await rejection(s.store.apps.insert({ ...app(other.id), clientId: a.clientId }));
        expect((byClient as DuplicateError).field).toBe('clientId');
        const byId = await rejection(s.store.apps.insert({ ...app(t.id), id: a.id }));
        expect((byId as DuplicateError).field).toBe('appId');
      });

      it('refuses an app of a tenant that does not exist (foreign keys are enforced)', async ({ s }) => {
        const err = await rejection(s.store.apps.insert(app(randomUUID())));
        expect(isForeignKeyViolation(err)).toBe(true);
      });

      it('lists a tenant’s apps oldest first; an app without roles reads back with none', async ({ s }) => {
        const t = tenant('list.onmicrosoft.com');
        await s.store.tenants.insert(t);
        const second = app(t.id, [], '2024-03-02T00:00:00.000Z');
        const first = app(t.id, ['Organization.Read.All'], '2024-03-01T00:00:00.000Z');
        await s.store.apps.insert(second);
        await s.store.apps.insert(first);
        expect(await s.store.apps.listByTenant(t.id)).toEqual([first, second]);
      });

      it('reads an app’s token state within its tenant only, and records a tokens-not-before time', async ({ s }) => {
        const t = tenant('state.onmicrosoft.com');
        const other = tenant('state2.onmicrosoft.com');
        await s.store.tenants.insert(t);
        await s.store.tenants.insert(other);
        const a = app(t.id);
        await s.store.apps.insert(a);
        expect(await s.store.apps.tokenState(t.id, a.clientId)).toEqual({ tokensNotBefore: null });
        expect(await s.store.apps.tokenState(other.id, a.clientId)).toBeUndefined();
        expect(await s.store.apps.setTokensNotBefore(other.id, a.clientId, '2025-01-01T00:00:00.000Z')).toBe(false);
        expect(await s.store.apps.setTokensNotBefore(t.id, a.clientId, '2025-01-01T00:00:00.000Z')).toBe(true);
        expect(await s.store.apps.tokenState(t.id, a.clientId)).toEqual({ tokensNotBefore: '2025-01-01T00:00:00.000Z' });
        expect(await s.store.apps.findByClientId(t.id, a.clientId)).toEqual({ ...a, secrets: [] });
      });

      it('deletes a secret of an app, and an app with its secrets, within its tenant only', async ({ s }) => {
        const t = tenant('delete.onmicrosoft.com');
        const other = tenant('delete2.onmicrosoft.com');
        await s.store.tenants.insert(t);
        await s.store.tenants.insert(other);
        const a = app(t.id);
        await s.store.apps.insert(a);
        const one = { id: randomUUID(), appId: a.id, hint: 'abc', hash: 'scrypt$1', createdAt: a.createdAt, expiresAt: null };
        const two = { ...one, id: randomUUID(), hash: 'scrypt$2' };
        await s.store.apps.insertSecret(one);
        await s.store.apps.insertSecret(two);
        expect(await s.store.apps.deleteSecret(a.id, one.id)).toBe(true);
        expect(await s.store.apps.deleteSecret(a.id, one.id)).toBe(false);
        expect((await s.store.apps.findByClientId(t.id, a.clientId))?.secrets).toEqual([two]);
        expect(await s.store.apps.delete(other.id, a.clientId)).toBe(false);
        expect(await s.store.apps.delete(t.id, a.clientId)).toBe(true);
        expect(await s.store.apps.findByClientId(t.id, a.clientId)).toBeUndefined();
        expect(await s.db.selectFrom('app_secrets').selectAll().execute()).toEqual([]);
        expect(await s.store.apps.delete(t.id, a.clientId)).toBe(false);
      });
    });

    describe('users, authorization codes and refresh tokens', () => {
      it('stores a public client app with its redirect URIs and reads them back', async ({ s }) => {
        const t = tenant(`spa${randomUUID().slice(0, 6)}.onmicrosoft.com`);
        await s.store.tenants.insert(t);
        const a = { ...app(t.id, []), redirectUris: ['https://tarmac.example/', 'http://localhost:5173/redirect.html'], publicClient: true };
        await s.store.apps.insert(a);
        expect(await s.store.apps.findByClientId(t.id, a.clientId)).toEqual({ ...a, secrets: [] });
      });

      it('stores users, finds them by UPN and id within their tenant only, refuses a taken UPN', async ({ s }) => {
        const t = tenant('people.onmicrosoft.com');
        const other = tenant('others.onmicrosoft.com');
        await s.store.tenants.insert(t);
        await s.store.tenants.insert(other);
        const user = {
          id: randomUUID(),
          tenantId: t.id,
          userPrincipalName: 'ada@people.onmicrosoft.com',
          displayName: 'Ada',
          roles: ['Intune Administrator'],
          accountEnabled: true,
          createdAt: '2024-05-01T00:00:00.000Z',
          passwordHash: 'scrypt$x',
        };
        const later = { ...user, id: randomUUID(), userPrincipalName: 'bob@people.onmicrosoft.com', roles: [], accountEnabled: false, createdAt: '2024-05-02T00:00:00.000Z' };
        await s.store.users.insert(later);
        await s.store.users.insert(user);
        expect(await s.store.users.findByUpn(t.id, user.userPrincipalName)).toEqual(user);
        expect(await s.store.users.findByUpn(other.id, user.userPrincipalName)).toBeUndefined();
        const { passwordHash: _h, ...plain } = user;
        const { passwordHash: _h2, ...plainLater } = later;
        expect(await s.store.users.findById(t.id, user.id)).toEqual(plain);
        expect(await s.store.users.findById(other.id, user.id)).toBeUndefined();
        expect(await s.store.users.listByTenant(t.id)).toEqual([plain, plainLater]);
        const dupUpn = await rejection(s.store.users.insert({ ...user, id: randomUUID(), tenantId: other.id }));
        expect((dupUpn as DuplicateError).field).toBe('userPrincipalName');
        const dupId = await rejection(s.store.users.insert({ ...user, userPrincipalName: 'carol@people.onmicrosoft.com' }));
        expect((dupId as DuplicateError).field).toBe('userId');
      });

      it('creates a user whose password signs in; a wrong password or unknown user does not', async ({ s }) => {
        const created = await createTenant(s.store, { domain: 'signin.onmicrosoft.com' });
        const { user, generatedPassword } = await createUser(s.store, {
          tenant: 'signin.onmicrosoft.com',
          userPrincipalName: 'Ada@Signin.onmicrosoft.com',
          roles: ['intune administrator'],
        });
        expect(user.userPrincipalName).toBe('ada@signin.onmicrosoft.com');
        expect(user.roles).toEqual(['Intune Administrator']);
        expect(generatedPassword).toMatch(/^.{24}$/);
        expect(await authenticateUser(s.store, created.tenant, 'ADA@signin.onmicrosoft.com', generatedPassword!)).toEqual(user);
        expect(await authenticateUser(s.store, created.tenant, 'ada@signin.onmicrosoft.com', 'wrong-password')).toBeUndefined();
        expect(await authenticateUser(s.store, created.tenant, 'nobody@signin.onmicrosoft.com', generatedPassword!)).toBeUndefined();
        await expect(createUser(s.store, { tenant: 'signin.onmicrosoft.com', userPrincipalName: 'ada@signin.onmicrosoft.com' })).rejects.toMatchObject({ code: 'UserTaken' });
        await expect(createUser(s.store, { tenant: 'signin.onmicrosoft.com', userPrincipalName: 'ada@elsewhere.com' })).rejects.toMatchObject({ code: 'InvalidUser' });
        await expect(createUser(s.store, { tenant: 'signin.onmicrosoft.com', userPrincipalName: 'x@signin.onmicrosoft.com', roles: ['Boss'] })).rejects.toMatchObject({ code: 'UnknownRole' });
      });

      it('redeems an authorization code once: the first caller only, even when two race', async ({ s }) => {
        const created = await createTenant(s.store, { domain: 'codes.onmicrosoft.com' });
        const { user } = await createUser(s.store, { tenant: created.tenant.id, userPrincipalName: 'ada@codes.onmicrosoft.com', password: 'correct horse' });
        const code: AuthCode = {
          codeHash: randomUUID(),
          tenantId: created.tenant.id,
          clientId: created.app.clientId,
          userId: user.id,
          redirectUri: 'https://app.example/',
          scope: 'openid profile',
          codeChallenge: 'abc',
          nonce: null,
          familyId: randomUUID(),
          expiresAt: '2030-01-01T00:00:00.000Z',
          used: false,
          createdAt: '2024-01-01T00:00:00.000Z',
        };
        await s.store.authCodes.insert(code);
        expect(await s.store.authCodes.redeem(randomUUID())).toBeUndefined();
        const [a, b] = await Promise.all([s.store.authCodes.redeem(code.codeHash), s.store.authCodes.redeem(code.codeHash)]);
        expect([a?.firstUse, b?.firstUse].sort()).toEqual([false, true]);
        const first = a?.firstUse ? a : b;
        expect(first?.code).toEqual(code);
        expect((await s.store.authCodes.redeem(code.codeHash))).toEqual({ code: { ...code, used: true }, firstUse: false });
      });

      it('revokes a refresh token once, and a whole family', async ({ s }) => {
        const created = await createTenant(s.store, { domain: 'rt.onmicrosoft.com' });
        const { user } = await createUser(s.store, { tenant: created.tenant.id, userPrincipalName: 'ada@rt.onmicrosoft.com', password: 'correct horse' });
        const familyId = randomUUID();
        const rt = (): RefreshToken => ({
          tokenHash: randomUUID(),
          tenantId: created.tenant.id,
          clientId: created.app.clientId,
          userId: user.id,
          scope: 'openid offline_access',
          familyId,
          expiresAt: '2030-01-01T00:00:00.000Z',
          revoked: false,
          createdAt: '2024-01-01T00:00:00.000Z',
        });
        const one = rt();
        const two = rt();
        await s.store.refreshTokens.insert(one);
        await s.store.refreshTokens.insert(two);
        expect(await s.store.refreshTokens.find(one.tokenHash)).toEqual(one);
        expect(await s.store.refreshTokens.find(randomUUID())).toBeUndefined();
        expect(await s.store.refreshTokens.revoke(one.tokenHash)).toBe(true);
        expect(await s.store.refreshTokens.revoke(one.tokenHash)).toBe(false);
        expect(await s.store.refreshTokens.revokeFamily(familyId)).toBe(1);
        expect(await s.store.refreshTokens.find(two.tokenHash)).toEqual({ ...two, revoked: true });
        expect(await s.store.refreshTokens.revokeFamily(familyId)).toBe(0);
      });
    });

    describe('signing keys', () => {
      it('stores keys and lists them newest first; refuses a duplicate kid', async ({ s }) => {
        const older = { ...(await generateSigningKey(new Date('2024-01-01T00:00:00Z'))) };
        const newer = await generateSigningKey(new Date('2024-06-01T00:00:00Z'));
        await s.store.signingKeys.insert(older);
        await s.store.signingKeys.insert(newer);
        expect(await s.store.signingKeys.list()).toEqual([newer, older]);
        const err = await rejection(s.store.signingKeys.insert(older));
        expect((err as DuplicateError).field).toBe('kid');
      });

      it('retires a key once (its first retirement time stays) and replaces its private key text', async ({ s }) => {
        const key = await generateSigningKey(new Date('2024-01-01T00:00:00Z'));
        await s.store.signingKeys.insert(key);
        expect(await s.store.signingKeys.retire(key.kid, '2024-02-01T00:00:00.000Z')).toBe(true);
        expect(await s.store.signingKeys.retire(key.kid, '2024-03-01T00:00:00.000Z')).toBe(false);
        expect(await s.store.signingKeys.retire('no-such-kid', '2024-03-01T00:00:00.000Z')).toBe(false);
        expect(await s.store.signingKeys.replacePrivateKey(key.kid, 'tarmac-kek-v1:x')).toBe(true);
        expect(await s.store.signingKeys.replacePrivateKey('no-such-kid', 'y')).toBe(false);
        expect(await s.store.signingKeys.list()).toEqual([{ ...key, privatePkcs8: 'tarmac-kek-v1:x', retiredAt: '2024-02-01T00:00:00.000Z' }]);
      });
    });

    describe('transactions', () => {
      it('rolls back everything done in a transaction that throws', async ({ s }) => {
        const t = tenant('rollback.onmicrosoft.com');
        const boom = new Error('boom');
        const err = await rejection(
          s.store.transaction(async (tx) => {
            await tx.tenants.insert(t);
            await tx.apps.insert(app(t.id));
            // A nested call joins the same transaction.
            await tx.transaction(async (inner) => inner.signingKeys.insert(await generateSigningKey()));
            throw boom;
          }),
        );
        expect(err).toBe(boom);
        expect(await s.store.tenants.count()).toBe(0);
        expect(await s.db.selectFrom('apps').selectAll().execute()).toEqual([]);
        expect(await s.store.signingKeys.list()).toEqual([]);
      });

      it('commits everything together when the work succeeds, and returns its result', async ({ s }) => {
        const t = tenant('commit.onmicrosoft.com');
        const result = await s.store.transaction(async (tx) => {
          await tx.tenants.insert(t);
          await tx.apps.insert(app(t.id));
          return 42;
        });
        expect(result).toBe(42);
        expect(await s.store.tenants.findById(t.id)).toEqual(t);
        expect(await s.store.apps.listByTenant(t.id)).toHaveLength(1);
      });

      it('rolls back a tenant whose domain turns out to be taken inside a larger transaction', async ({ s }) => {
        await createTenant(s.store, { domain: 'taken.onmicrosoft.com' });
        await expect(createTenant(s.store, { domain: 'TAKEN.onmicrosoft.com' })).rejects.toMatchObject({ code: 'DomainTaken' });
        expect(await s.store.tenants.count()).toBe(1);
        expect(await s.db.selectFrom('apps').selectAll().execute()).toHaveLength(1);
      });
    });

    describe('the tenants domain on this engine', () => {
      it('creates a tenant with an app whose secret authenticates', async ({ s }) => {
        const created = await createTenant(s.store, { domain: 'flow.onmicrosoft.com', displayName: 'Flow' });
        const ok = await authenticateClient(s.store, created.tenant, created.app.clientId, created.clientSecret);
        expect(ok).toEqual({ ok: true, app: created.app });
        const bad = await authenticateClient(s.store, created.tenant, created.app.clientId, created.clientSecret.slice(0, 3) + 'x'.repeat(37));
        expect(bad).toEqual({ ok: false, reason: 'InvalidSecret' });
      });
    });

    describe('registry tables', () => {
      it('holds each identity key once across all tenants (806 same tenant, 808 another)', async ({ s }) => {
        const { a, b } = await twoTenants(s.store);
        const now = new Date().toISOString();
        const d1 = await insertDevice(s.db, a.id);
        await s.db.insertInto('device_identity_keys').values({ kind: 'tuple', value: 'contoso|laptop|sn1', tenant_id: a.id, device_id: d1, created_at: now }).execute();

        const d2 = await insertDevice(s.db, a.id);
        const sameTenant = await rejection(
          s.db.insertInto('device_identity_keys').values({ kind: 'tuple', value: 'contoso|laptop|sn1', tenant_id: a.id, device_id: d2, created_at: now }).execute(),
        );
        expect(isUniqueViolation(sameTenant)).toBe(true);

        const d3 = await insertDevice(s.db, b.id);
        const otherTenant = await rejection(
          s.db.insertInto('device_identity_keys').values({ kind: 'tuple', value: 'contoso|laptop|sn1', tenant_id: b.id, device_id: d3, created_at: now }).execute(),
        );
        expect(isUniqueViolation(otherTenant)).toBe(true);

        // The same value under another kind is another key.
        await s.db.insertInto('device_identity_keys').values({ kind: 'smbiosUuid', value: 'contoso|laptop|sn1', tenant_id: b.id, device_id: d3, created_at: now }).execute();
        const owner = await s.db.selectFrom('device_identity_keys').select(['tenant_id', 'device_id']).where('kind', '=', 'tuple').where('value', '=', 'contoso|laptop|sn1').executeTakeFirst();
        expect(owner).toEqual({ tenant_id: a.id, device_id: d1 });
      });

      it('frees a device’s identity keys and hash when the device is deleted (deregistration)', async ({ s }) => {
        const { a, b } = await twoTenants(s.store);
        const now = new Date().toISOString();
        const d1 = await insertDevice(s.db, a.id);
        await s.db.insertInto('device_identity_keys').values({ kind: 'tuple', value: 'k', tenant_id: a.id, device_id: d1, created_at: now }).execute();
        const hash = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
        await s.db.insertInto('autopilot_device_hashes').values({ device_id: d1, hardware_hash: hash }).execute();
        const stored = await s.db.selectFrom('autopilot_device_hashes').select('hardware_hash').where('device_id', '=', d1).executeTakeFirstOrThrow();
        expect(Buffer.compare(Buffer.from(stored.hardware_hash), hash)).toBe(0);

        await s.db.deleteFrom('autopilot_devices').where('id', '=', d1).execute();
        expect(await s.db.selectFrom('device_identity_keys').selectAll().execute()).toEqual([]);
        expect(await s.db.selectFrom('autopilot_device_hashes').selectAll().execute()).toEqual([]);
        const d2 = await insertDevice(s.db, b.id);
        await s.db.insertInto('device_identity_keys').values({ kind: 'tuple', value: 'k', tenant_id: b.id, device_id: d2, created_at: now }).execute();
      });

      it('gives Autopilot devices Intune’s defaults', async ({ s }) => {
        const { a } = await twoTenants(s.store);
        const id = await insertDevice(s.db, a.id, 'SN-1');
        const row = await s.db.selectFrom('autopilot_devices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          serial_number: 'SN-1',
          group_tag: '',
          product_key: '',
          enrollment_state: 'notContacted',
          last_contacted_at: null,
          azure_ad_device_id: null,
          managed_device_id: null,
        });
      });

      it('keeps imported identities with a durable state, defaulting to unknown, and rejects states that do not exist', async ({ s }) => {
        const { a } = await twoTenants(s.store);
        const now = new Date().toISOString();
        const id = randomUUID();
        await s.db
          .insertInto('imported_device_identities')
          .values({ id, tenant_id: a.id, serial_number: 'SN-9', created_at: now, updated_at: now })
          .execute();
        await s.db.insertInto('imported_device_hashes').values({ imported_device_id: id, hardware_identifier: Buffer.from('hash') }).execute();
        const row = await s.db.selectFrom('imported_device_identities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ import_status: 'unknown', device_error_code: 0, device_error_name: '', attempts: 0, lease_until: null, device_registration_id: null });
        const hash = await s.db.selectFrom('imported_device_hashes').select('hardware_identifier').where('imported_device_id', '=', id).executeTakeFirstOrThrow();
        expect(Buffer.from(hash.hardware_identifier).toString()).toBe('hash');

        await s.db.updateTable('imported_device_identities').set({ import_status: 'complete', device_registration_id: randomUUID() }).where('id', '=', id).execute();
        await expect(s.db.updateTable('imported_device_identities').set({ import_status: 'bogus' }).where('id', '=', id).execute()).rejects.toThrow();
        // A hash belongs to an imported row, and goes with it.
        await expect(s.db.insertInto('imported_device_hashes').values({ imported_device_id: randomUUID(), hardware_identifier: Buffer.from('x') }).execute()).rejects.toThrow();
        await s.db.deleteFrom('imported_device_identities').where('id', '=', id).execute();
        expect(await s.db.selectFrom('imported_device_hashes').selectAll().where('imported_device_id', '=', id).execute()).toEqual([]);
      });

      it('links Entra devices to Autopilot devices, with physical ids, unique device ids and cascades', async ({ s }) => {
        const { a, b } = await twoTenants(s.store);
        const now = new Date().toISOString();
        const ap = await insertDevice(s.db, a.id);
        const entraId = randomUUID();
        const deviceId = randomUUID();
        await s.db
          .insertInto('entra_devices')
          .values({ id: entraId, tenant_id: a.id, device_id: deviceId, display_name: 'SN-1', autopilot_device_id: ap, created_at: now, updated_at: now })
          .execute();
        await s.db
          .insertInto('entra_device_physical_ids')
          .values([
            { entra_device_id: entraId, tenant_id: a.id, value: `[ZTDID]:${ap}` },
            { entra_device_id: entraId, tenant_id: a.id, value: '[OrderID]:Sales' },
          ])
          .execute();
        const found = await s.db
          .selectFrom('entra_device_physical_ids')
          .select('entra_device_id')
          .where('tenant_id', '=', a.id)
          .where('value', 'like', '[ZTDID]:%')
          .execute();
        expect(found).toEqual([{ entra_device_id: entraId }]);

        const dup = await rejection(
          s.db.insertInto('entra_devices').values({ id: randomUUID(), tenant_id: b.id, device_id: deviceId, display_name: 'x', created_at: now, updated_at: now }).execute(),
        );
        expect(isUniqueViolation(dup)).toBe(true);

        await s.db.deleteFrom('autopilot_devices').where('id', '=', ap).execute();
        const entra = await s.db.selectFrom('entra_devices').selectAll().where('id', '=', entraId).executeTakeFirstOrThrow();
        expect(entra).toMatchObject({ autopilot_device_id: null, account_enabled: 1, operating_system: 'Windows' });

        await s.db.deleteFrom('entra_devices').where('id', '=', entraId).execute();
        expect(await s.db.selectFrom('entra_device_physical_ids').selectAll().execute()).toEqual([]);
      });
    });
  });
}
