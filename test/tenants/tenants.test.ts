// Tenants and apps in the domain: validation, uniqueness, secrets kept hashed, client authentication.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTenantsStore } from '../../src/store/index.js';
import {
  DEFAULT_APP_ROLES,
  TenantsError,
  authenticateClient,
  createApp,
  createDemoTenantIfEmpty,
  createTenant,
  findTenant,
  normalizeDomain,
  normalizeRoles,
  type TenantsStore,
} from '../../src/tenants/index.js';
import { createMigratedTestDatabase } from '../support/templates.js';
import type { TestDatabase } from '../support/test-databases.js';

let tdb: TestDatabase;
let store: TenantsStore;
beforeEach(async () => {
  tdb = await createMigratedTestDatabase('sqlite');
  store = createTenantsStore(tdb.db);
});
afterEach(async () => {
  await tdb.cleanup();
});

async function errorOf(promise: Promise<unknown>): Promise<TenantsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TenantsError) return err;
    throw err;
  }
  throw new Error('expected a TenantsError');
}

describe('createTenant', () => {
  it('creates a tenant with a GUID id, its domain, a display name from the domain, and an app with the default roles', async () => {
    const created = await createTenant(store, { domain: ' Contoso.OnMicrosoft.com. ' });
    expect(created.tenant.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.tenant.displayName).toBe('Contoso');
    expect(created.tenant.domains).toEqual([{ name: 'contoso.onmicrosoft.com', isInitial: true, isDefault: true }]);
    expect(created.app.roles).toEqual([...DEFAULT_APP_ROLES]);
    expect(created.app.roles).toContain('DeviceManagementServiceConfig.ReadWrite.All');
    expect(created.app.clientId).not.toBe(created.app.id);
    expect(await store.tenants.findById(created.tenant.id)).toEqual(created.tenant);
  });

  it('stores the secret hashed, never in clear', async () => {
    const created = await createTenant(store, { domain: 'hashed.onmicrosoft.com' });
    const rows = await tdb.db.selectFrom('app_secrets').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.secret_hash).toMatch(/^scrypt\$/);
    expect(rows[0]?.hint).toBe(created.clientSecret.slice(0, 3));
    // Nowhere in any table.
    for (const table of ['tenants', 'tenant_domains', 'apps', 'app_secrets'] as const) {
      const dump = JSON.stringify(await tdb.db.selectFrom(table).selectAll().execute());
      expect(dump).not.toContain(created.clientSecret);
      expect(dump).not.toContain(created.clientSecret.slice(3));
    }
  });

  it('refuses a domain another tenant has (any case), and leaves nothing behind', async () => {
    await createTenant(store, { domain: 'contoso.onmicrosoft.com' });
    const err = await errorOf(createTenant(store, { domain: 'CONTOSO.onmicrosoft.com', displayName: 'Again' }));
    expect(err.code).toBe('DomainTaken');
    expect(err.message).toContain('contoso.onmicrosoft.com');
    expect(await store.tenants.count()).toBe(1);
    expect(await tdb.db.selectFrom('apps').selectAll().execute()).toHaveLength(1);
  });

  it('refuses names that are not domains, saying why', async () => {
    for (const bad of ['', 'contoso', '-contoso.com', 'con_toso.com', 'a..b', `${'x'.repeat(64)}.com`, 'contoso.123']) {
      const err = await errorOf(createTenant(store, { domain: bad }));
      expect(err.code).toBe('InvalidDomain');
      expect(err.message).toMatch(/Example: contoso\.onmicrosoft\.com/);
    }
    expect(normalizeDomain('Sub.Contoso.COM')).toBe('sub.contoso.com');
  });

  it('refuses an empty or control-character display name, and unknown roles with a suggestion', async () => {
    expect((await errorOf(createTenant(store, { domain: 'a.onmicrosoft.com', displayName: '  ' }))).code).toBe('InvalidDisplayName');
    const err = await errorOf(createTenant(store, { domain: 'b.onmicrosoft.com', roles: ['DeviceManagementServiceConfig.ReadWrite.Al'] }));
    expect(err.code).toBe('UnknownRole');
    expect(err.message).toContain('Did you mean DeviceManagementServiceConfig.ReadWrite.All?');
    expect(await store.tenants.count()).toBe(0);
  });
});

describe('roles', () => {
  it('are matched case-insensitively, deduplicated, in order', () => {
    expect(normalizeRoles(['organization.read.all', 'Organization.Read.All', 'device.read.all'])).toEqual(['Organization.Read.All', 'Device.Read.All']);
    expect(normalizeRoles([])).toEqual([]);
  });
});

describe('createApp and findTenant', () => {
  it('adds apps to a tenant found by id or by domain, with the roles asked for', async () => {
    const { tenant } = await createTenant(store, { domain: 'apps.onmicrosoft.com' });
    const byDomain = await createApp(store, { tenant: 'APPS.onmicrosoft.com', displayName: 'Reader', roles: ['DeviceManagementServiceConfig.Read.All'] });
    const byId = await createApp(store, { tenant: tenant.id.toUpperCase(), roles: [] });
    expect(byDomain.app).toMatchObject({ tenantId: tenant.id, displayName: 'Reader', roles: ['DeviceManagementServiceConfig.Read.All'] });
    expect(byId.app.roles).toEqual([]);
    expect((await store.apps.listByTenant(tenant.id)).map((a) => a.clientId)).toEqual([expect.any(String), byDomain.app.clientId, byId.app.clientId]);
  });

  it('says which tenant is missing', async () => {
    const err = await errorOf(createApp(store, { tenant: 'nobody.onmicrosoft.com' }));
    expect(err.code).toBe('TenantNotFound');
    expect(err.message).toContain('tarmac tenant list');
    expect(await findTenant(store, randomUUID())).toBeUndefined();
    expect(await findTenant(store, '')).toBeUndefined();
  });
});

describe('authenticateClient', () => {
  it('accepts the right secret and rejects a wrong one, an unknown client and another tenant’s client', async () => {
    const contoso = await createTenant(store, { domain: 'contoso.onmicrosoft.com' });
    const fabrikam = await createTenant(store, { domain: 'fabrikam.onmicrosoft.com' });
    expect(await authenticateClient(store, contoso.tenant, contoso.app.clientId.toUpperCase(), contoso.clientSecret)).toEqual({ ok: true, app: contoso.app });
    expect(await authenticateClient(store, contoso.tenant, contoso.app.clientId, fabrikam.clientSecret)).toEqual({ ok: false, reason: 'InvalidSecret' });
    expect(await authenticateClient(store, contoso.tenant, contoso.app.clientId, contoso.clientSecret.slice(0, 39))).toEqual({ ok: false, reason: 'InvalidSecret' });
    expect(await authenticateClient(store, contoso.tenant, randomUUID(), contoso.clientSecret)).toEqual({ ok: false, reason: 'UnknownClient' });
    expect(await authenticateClient(store, contoso.tenant, fabrikam.app.clientId, fabrikam.clientSecret)).toEqual({ ok: false, reason: 'UnknownClient' });
  });

  it('rejects an expired secret as expired (only when it is the right one)', async () => {
    const { tenant } = await createTenant(store, { domain: 'expiry.onmicrosoft.com' });
    const app = await createApp(store, { tenant: tenant.id, secretExpiresAt: new Date('2030-01-01T00:00:00Z') });
    expect((await authenticateClient(store, tenant, app.app.clientId, app.clientSecret, new Date('2029-12-31T23:59:59Z'))).ok).toBe(true);
    expect(await authenticateClient(store, tenant, app.app.clientId, app.clientSecret, new Date('2030-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'ExpiredSecret' });
    expect(await authenticateClient(store, tenant, app.app.clientId, 'wrong', new Date('2031-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'InvalidSecret' });
  });
});

describe('createDemoTenantIfEmpty', () => {
  it('creates demo.onmicrosoft.com on an empty database only', async () => {
    const demo = await createDemoTenantIfEmpty(store);
    expect(demo?.tenant.domains[0]?.name).toBe('demo.onmicrosoft.com');
    expect(demo?.tenant.displayName).toBe('Tarmac Demo');
    expect(await createDemoTenantIfEmpty(store)).toBeUndefined();
    expect(await store.tenants.count()).toBe(1);
  });

  it('does nothing when any tenant exists', async () => {
    await createTenant(store, { domain: 'first.onmicrosoft.com' });
    expect(await createDemoTenantIfEmpty(store)).toBeUndefined();
  });
});
